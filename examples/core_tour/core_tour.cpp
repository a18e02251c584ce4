// core_tour — a tour of wavekin's core module: lattices, their duals and zones,
// reciprocal-vector counting, and spectral differentiation on periodic grids.
// SPDX-License-Identifier: MIT
//
// Methods.
//  1. Lattices. For the line, square, triangular (honeycomb) and cubic lattices
//     we build the dual basis e^l = 2π e^{−T}, check e_j·e^l = 2π δ_jl and
//     |B||C| = (2π)^d, and reduce a far-away k to the zone, k = p + μ.
//  2. Counting. The number of dual vectors with |G| ≤ g behaves like the
//     volume of the g-ball over |B| (plane-wave basis sizes follow from it);
//     we tabulate the ratio count/estimate, which tends to 1.
//  3. Spectral derivatives. f(x) = exp(sin(2πx/L)) (and its 2D/3D products)
//     is differentiated with FFTs on N points per axis; the max error against
//     the exact derivative decays geometrically with N until round-off.
//  Outputs: lattices.csv, reciprocal_counts.{csv,npy}, spectral_error.{csv,npy},
//  summary.json, core_tour.png.
#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "driver.hpp"
#include "wavekin/core/core.hpp"
#include "wavekin/io/io.hpp"

namespace {

using namespace wavekin;
using cplx = std::complex<double>;
constexpr double pi = std::numbers::pi;

template <int Dim>
void report_lattice(const char* name, const Lattice<Dim>& lattice, examples::Driver& driver,
                    io::CsvWriter& csv) {
  using Mat = typename Lattice<Dim>::Matrix;
  const Mat identity_error =
      lattice.basis().transpose() * lattice.dual_basis() - Mat(2 * pi * Mat::Identity());
  const double volume_error =
      std::abs(lattice.cell_volume() * lattice.zone_volume() / std::pow(2 * pi, Dim) - 1);
  // A wave vector many zones away: k = p + μ must hold and p must lie in B.
  typename Lattice<Dim>::Vector k = Lattice<Dim>::Vector::LinSpaced(17.3, -41.9);
  const auto reduction = lattice.reduce(k);
  const double reduction_error = (reduction.p + reduction.mu - k).norm();

  fmt::print("{} lattice (d = {}): |C| = {:.6f}, |B| = {:.6f}\n", name, Dim, lattice.cell_volume(),
             lattice.zone_volume());
  for (int l = 0; l < Dim; ++l) {
    const auto e = lattice.basis_vector(l);
    const auto g = lattice.dual_vector(l);
    fmt::print("   e_{} = ({:+.6f})   e^{} = ({:+.6f})\n", l + 1,
               fmt::join(e.data(), e.data() + Dim, ", "), l + 1,
               fmt::join(g.data(), g.data() + Dim, ", "));
  }
  fmt::print("   max |e_j.e^l - 2 pi delta_jl| = {:.2e}, k = p + mu residual {:.2e}\n",
             identity_error.cwiseAbs().maxCoeff(), reduction_error);
  const std::string key = fmt::format("{}_dual_identity_max_error", name);
  driver.summary().result(key, identity_error.cwiseAbs().maxCoeff(), "1/length",
                          "max |e_j . e^l - 2 pi delta_jl|");
  driver.summary().result(fmt::format("{}_zone_times_cell_volume_relative_error", name),
                          volume_error, "1", "| |B||C|/(2 pi)^d - 1 |");
  csv.row({double(Dim), lattice.cell_volume(), lattice.zone_volume(),
           identity_error.cwiseAbs().maxCoeff(), reduction_error});
}

// The volume of the d-ball of radius g.
double ball_volume(int dim, double g) {
  return std::pow(pi, dim / 2.0) / std::tgamma(dim / 2.0 + 1) * std::pow(g, dim);
}

// Max error of the derivative along axis 0 of f = Π_a exp(sin(2π x_a / L_a)).
template <int Dim>
double derivative_error(std::ptrdiff_t n, const FftOptions& fft) {
  typename PeriodicGrid<Dim>::Point lengths, origin;
  for (int a = 0; a < Dim; ++a) {
    lengths[a] = 1.25 + 0.5 * a;  // a non-cubic box, origin off zero
    origin[a] = -0.3 * a;
  }
  typename PeriodicGrid<Dim>::Counts counts;
  counts.fill(n);
  const PeriodicGrid<Dim> grid(counts, lengths, origin);
  SpectralDerivative<Dim> derivative(grid, fft);
  std::vector<cplx> f(static_cast<std::size_t>(grid.size())), df(f.size());
  std::vector<double> exact(f.size());
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const auto x = grid.point(j);
    double value = 1;
    for (int a = 0; a < Dim; ++a) value *= std::exp(std::sin(2 * pi * x[a] / lengths[a]));
    f[static_cast<std::size_t>(j)] = value;
    exact[static_cast<std::size_t>(j)] = value * (2 * pi / lengths[0]) * std::cos(2 * pi * x[0] / lengths[0]);
  }
  derivative.derivative(f.data(), df.data(), 0);
  double error = 0;
  for (std::size_t j = 0; j < f.size(); ++j) error = std::max(error, std::abs(df[j] - exact[j]));
  return error;
}

void run(examples::Driver& driver) {

  fmt::print("== 1. Lattices and their duals\n");
  {
    io::CsvWriter csv(driver.output("lattices.csv"),
                      {"dimension", "cell_volume", "zone_volume", "dual_identity_max_error",
                       "zone_reduction_residual"});
    report_lattice("line", Lattice<1>::line(1.5), driver, csv);
    report_lattice("square", Lattice<2>::square(1.0), driver, csv);
    report_lattice("triangular", Lattice<2>::triangular(1.0), driver, csv);
    report_lattice("cubic", Lattice<3>::cubic(1.0), driver, csv);
    csv.close();
  }

  fmt::print("== 2. Counting dual vectors: #{{|G| <= g}} / (vol B_g / |B|)\n");
  {
    const auto square = Lattice<2>::square(1.0);
    const auto triangular = Lattice<2>::triangular(1.0);
    const auto cubic = Lattice<3>::cubic(1.0);
    const int steps = driver.by_mode(40, 12);
    const double g_top = driver.by_mode(200.0, 60.0);
    std::vector<double> table;  // rows: g, ratio square, ratio triangular, ratio cubic
    io::CsvWriter csv(driver.output("reciprocal_counts.csv"),
                      {"g", "ratio_square", "ratio_triangular", "ratio_cubic"});
    io::ProgressReporter progress(static_cast<std::size_t>(steps), "counting");
    double last[3] = {0, 0, 0};
    for (int s = 1; s <= steps; ++s) {
      const double g = g_top * s / steps;
      last[0] = double(square.reciprocal_vectors(g).size()) / (ball_volume(2, g) / square.zone_volume());
      last[1] = double(triangular.reciprocal_vectors(g).size()) /
                (ball_volume(2, g) / triangular.zone_volume());
      last[2] = double(cubic.reciprocal_vectors(g).size()) / (ball_volume(3, g) / cubic.zone_volume());
      csv.row({g, last[0], last[1], last[2]});
      table.insert(table.end(), {g, last[0], last[1], last[2]});
      progress.advance();
    }
    progress.finish();
    csv.close();
    const std::array<std::size_t, 2> shape{static_cast<std::size_t>(steps), 4};
    io::write_npy(driver.output("reciprocal_counts.npy"), table.data(), shape);
    fmt::print("   at the largest g: square {:.4f}, triangular {:.4f}, cubic {:.4f}\n", last[0],
               last[1], last[2]);
    driver.summary().result("reciprocal_count_ratio_square_at_largest_g", last[0], "1",
                            "#{|G|<=g} / (pi g^2 / |B|), square lattice");
    driver.summary().result("reciprocal_count_ratio_triangular_at_largest_g", last[1], "1",
                            "#{|G|<=g} / (pi g^2 / |B|), triangular lattice");
    driver.summary().result("reciprocal_count_ratio_cubic_at_largest_g", last[2], "1",
                            "#{|G|<=g} / (4/3 pi g^3 / |B|), cubic lattice");
  }

  fmt::print("== 3. Spectral derivative of exp(sin(2 pi x/L)): max error vs N\n");
  {
    const auto sizes = driver.by_mode(std::vector<std::ptrdiff_t>{6, 8, 12, 16, 24, 32, 48, 64},
                                      std::vector<std::ptrdiff_t>{6, 8, 12, 16, 24, 32});
    std::vector<double> table;
    io::CsvWriter csv(driver.output("spectral_error.csv"), {"N", "error_1d", "error_2d", "error_3d"});
    for (const auto n : sizes) {
      const double e1 = derivative_error<1>(n, driver.fft_options());
      const double e2 = derivative_error<2>(n, driver.fft_options());
      const double e3 = derivative_error<3>(n, driver.fft_options());
      fmt::print("   N = {:3d}: 1D {:.2e}   2D {:.2e}   3D {:.2e}\n", n, e1, e2, e3);
      csv.row({double(n), e1, e2, e3});
      table.insert(table.end(), {double(n), e1, e2, e3});
    }
    csv.close();
    const std::array<std::size_t, 2> shape{sizes.size(), 4};
    io::write_npy(driver.output("spectral_error.npy"), table.data(), shape);
    driver.summary().parameter("spectral_test_function", "prod_a exp(sin(2 pi x_a / L_a)), L_a = 1.25 + 0.5 a");
    driver.summary().parameter("largest_N", sizes.back());
    driver.summary().result("spectral_derivative_max_error_1d_largest_N", table[table.size() - 3], "1",
                            "max |D_x f - f'| at the largest N, 1D");
    driver.summary().result("spectral_derivative_max_error_3d_largest_N", table.back(), "1",
                            "max |D_x f - f'| at the largest N, 3D");
    driver.summary().result("spectral_derivative_max_error_1d_N6", table[1], "1",
                            "max |D_x f - f'| at N = 6, 1D (before convergence)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  wavekin::examples::Driver driver("A tour of wavekin's core: lattices, zones, reciprocal "
                                   "vectors and spectral derivatives.");
  return driver.run(argc, argv, run);
}
