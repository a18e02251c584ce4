// Tests for wavekin/coherence/coherence_field.hpp and wavekin/coherence/band_data.hpp: zone quadrature,
// band-projected initial data, populations, density, current, band data and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <vector>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_coherence_field {

using namespace wavekin::test::matchers;
using namespace wavekin::test::common;
using wavekin::invalid_argument;

namespace {

// a(x) = (g(x), i c g(x)) with g(x) = exp(cos x − 1) on [0, 2π): ∫ g² dx = 2π e^{−2} I_0(2).
constexpr double c_amp = 0.5;
double g(double x) {
  return std::exp(std::cos(x) - 1);
}
double integral_g2() {
  return 2 * pi * std::exp(-2.0) * std::cyl_bessel_i(0.0, 2.0);
}

wavekin::CoherenceField<1> packet_field() {
  wavekin::MomentumQuadrature<1> quad{{Vec1(-0.5), Vec1(0.0), Vec1(0.25)}, {0.2, 0.5, 0.3}};
  wavekin::CoherenceField<1> field(wavekin::PeriodicGrid<1>::cube(32, 2 * pi), quad, 2);
  field.set_band_projected(
      [](const Vec1& x) {
        Eigen::VectorXcd a(2);
        a << g(x[0]), cplx(0, c_amp) * g(x[0]);
        return a;
      },
      [](const Vec1& p) { return 1 + p[0]; });
  return field;
}

}  // namespace

TEST_CASE("band-projected data give the populations, coherences and density of the packet",
          "[coherence]") {
  const auto field = packet_field();
  const double sum_w_phi = 0.2 * 0.5 + 0.5 * 1.0 + 0.3 * 1.25;  // Σ_q w_q φ(p_q) = 0.975
  // Layout: entry (q, j, l, x) at ((q n + j) n + l) N_x + x.
  CHECK(&field.values()[((2 * 2 + 1) * 2 + 0) * 32 + 5] == &field.block(2, 1, 0)[5]);
  // σ_10 = a_1 conj(a_0) φ = i c g² φ (not Hermitian-symmetrised: σ_01 = −i c g² φ).
  const double x5 = field.grid().coordinate(0, 5);
  CHECK(std::abs(field(2, 1, 0, 5) - cplx(0, c_amp) * g(x5) * g(x5) * 1.25) < 1e-15);
  CHECK(std::abs(field(2, 0, 1, 5) + cplx(0, c_amp) * g(x5) * g(x5) * 1.25) < 1e-15);
  // The trapezoidal rule on 32 points integrates the analytic periodic g² to round-off
  // (its Fourier coefficients e^{−2} I_k(2) are below 1e-20 for k >= 16).
  const double m = integral_g2();
  CHECK_THAT(field.population(0).real(), WithinAbs(m * sum_w_phi, 1e-13));
  CHECK_THAT(field.population(1).real(), WithinAbs(c_amp * c_amp * m * sum_w_phi, 1e-13));
  CHECK_THAT(field.population(1).imag(), WithinAbs(0.0, 1e-15));
  CHECK(std::abs(field.coherence(0, 1) - cplx(0, -c_amp) * m * sum_w_phi) < 1e-13);
  CHECK(std::abs(field.trace_integral(0) - (1 + c_amp * c_amp) * m * 0.5) < 1e-13);
  // Row norm of row 0 at p_1: (∫ |g²|² (1 + c²) dx)^{1/2} φ, ∫ g⁴ = 2π e^{−4} I_0(4).
  const double g4 = 2 * pi * std::exp(-4.0) * std::cyl_bessel_i(0.0, 4.0);
  CHECK_THAT(field.row_norm(1, 0), WithinAbs(std::sqrt(g4 * (1 + c_amp * c_amp)), 1e-13));
  const auto rho = field.density();
  for (std::ptrdiff_t k = 0; k < 32; k += 7) {
    const double x = field.grid().coordinate(0, k);
    CHECK(std::abs(rho[static_cast<std::size_t>(k)] -
                   (1 + c_amp * c_amp) * g(x) * g(x) * sum_w_phi) < 1e-14);
  }
}

TEST_CASE("populations keep the complex diagonal of a non-Hermitian sigma", "[coherence]") {
  wavekin::MomentumQuadrature<1> quad{{Vec1(0.0)}, {2.0}};
  wavekin::CoherenceField<1> field(wavekin::PeriodicGrid<1>::cube(8, 4.0), quad, 2);
  for (auto& v : field.block(0, 0, 0)) v = cplx(0.25, 1.0);
  for (auto& v : field.block(0, 0, 1)) v = cplx(3.0, 0.0);
  // ∫ σ_00 dx = 4 (0.25 + i), times w = 2; σ_01 = 3 while σ_10 = 0 stays 0.
  CHECK(std::abs(field.population(0) - cplx(2.0, 8.0)) < 1e-14);
  CHECK(std::abs(field.coherence(0, 1) - cplx(24.0, 0)) < 1e-14);
  CHECK(std::abs(field.coherence(1, 0)) == 0.0);
  CHECK(std::abs(field.matrix(0, 3)(0, 0) - cplx(0.25, 1.0)) == 0.0);
}

TEST_CASE("current is the weighted trace of sigma D", "[coherence]") {
  // Two points, D = [[v0, c],[conj c, v1]]: J = Σ_q w_q (σ_00 v0 + σ_01 conj c + σ_10 c + σ_11 v1).
  wavekin::MomentumQuadrature<1> quad{{Vec1(0.0), Vec1(1.0)}, {0.5, 1.5}};
  wavekin::CoherenceField<1> field(wavekin::PeriodicGrid<1>::cube(8, 1.0), quad, 2);
  wavekin::BandData<1> bands(2);
  const cplx c(0.3, -0.7);
  for (int q = 0; q < 2; ++q) {
    Eigen::MatrixXcd d(2, 2);
    d << 1.0 + q, c, std::conj(c), -2.0;
    bands.add(quad.points[static_cast<std::size_t>(q)], Eigen::Vector2d(-1, 1), {d});
    field(q, 0, 0, 2) = 1.0;
    field(q, 0, 1, 2) = cplx(0, 1);
    field(q, 1, 0, 2) = 2.0;
    field(q, 1, 1, 2) = cplx(0.5, 0.5);
  }
  const auto j = field.current(bands)[0];
  cplx expected(0);
  for (int q = 0; q < 2; ++q)
    expected += (q == 0 ? 0.5 : 1.5) *
                (1.0 * (1.0 + q) + cplx(0, 1) * std::conj(c) + 2.0 * c + cplx(0.5, 0.5) * -2.0);
  CHECK(std::abs(j[2] - expected) < 1e-14);
  CHECK(std::abs(j[3]) == 0.0);
  wavekin::BandData<1> shifted(2);
  shifted.add(Vec1(0.0), Eigen::Vector2d(-1, 1), bands.D(0));
  shifted.add(Vec1(1.1), Eigen::Vector2d(-1, 1), bands.D(1));
  CHECK_THROWS_WITH(field.current(shifted), Contains("momentum point 1"));
}

TEST_CASE("Dirac and quadratic models have the exact bands and Hellmann-Feynman D", "[coherence]") {
  const std::vector<Vec2> points{Vec2(0.3, -0.4), Vec2(-1.0, 0.2), Vec2(0.05, 0.7)};
  const double lambda = 1.7;
  const auto dirac = wavekin::dirac_band_data(points, lambda);
  const auto quad = wavekin::quadratic_touching_band_data(points, lambda);
  for (Eigen::Index q = 0; q < 3; ++q) {
    const Vec2 p = points[static_cast<std::size_t>(q)];
    const double r = p.norm();
    // E = ∓λ|p| and ∓λ|p|²; diag D_i = ∂E/∂p_i = ∓λ p_i/|p| and ∓2λ p_i; D_i unitarily
    // similar to λσ_i, so |D_i,01|² = λ² − (diag)². All exact up to eigensolver round-off.
    CHECK_THAT(dirac.energies(q)[0], WithinAbs(-lambda * r, 1e-14));
    CHECK_THAT(dirac.energies(q)[1], WithinAbs(lambda * r, 1e-14));
    CHECK_THAT(quad.energies(q)[1], WithinAbs(lambda * r * r, 1e-14));
    for (int i = 0; i < 2; ++i) {
      CHECK_THAT(dirac.D(q, i)(0, 0).real(), WithinAbs(-lambda * p[i] / r, 1e-13));
      CHECK_THAT(dirac.D(q, i)(1, 1).real(), WithinAbs(lambda * p[i] / r, 1e-13));
      CHECK_THAT(std::norm(dirac.D(q, i)(0, 1)),
                 WithinAbs(lambda * lambda * (1 - p[i] * p[i] / (r * r)), 1e-12));
      CHECK_THAT(quad.D(q, i)(0, 0).real(), WithinAbs(-2 * lambda * p[i], 1e-13));
      CHECK_THAT(quad.D(q, i)(1, 1).real(), WithinAbs(2 * lambda * p[i], 1e-13));
    }
  }
}

TEST_CASE("band data from Bloch states: diag D is the derivative of the band", "[coherence]") {
  // V = 0.6 cos x on the lattice 2πℤ (zone [0, 1)); bands 0 and 1 on a uniform grid of 8 points.
  const wavekin::BlochSolver solver(wavekin::Lattice<1>::line(2 * pi),
                                    wavekin::CosineSum<1>({{0.6, wavekin::lattice_index(1)}}),
                                    {.energy_cutoff = 200});
  const auto table = wavekin::BandTable<1>::uniform_grid(solver, {8}, 2);
  const auto bands = wavekin::band_data_from_table(table, {0, 1});
  const auto quad = wavekin::ZoneGrid<1>(wavekin::Lattice<1>::line(2 * pi), {8}).quadrature();
  REQUIRE(bands.size() == 8);
  REQUIRE(bands.band_count() == 2);
  const double h = 1e-5;
  for (Eigen::Index q = 1; q < 8; ++q) {
    if (q == 4) continue;  // k = 1/2: the gap edge, tested below
    CHECK((bands.momentum(q) - quad.points[static_cast<std::size_t>(q)]).norm() < 1e-15);
    for (Eigen::Index m = 0; m < 2; ++m) {
      // Central difference of E_m: truncation h²|E'''|/6 ~ 1e-10, round-off 1e-16/h ~ 1e-11.
      const double k = bands.momentum(q)[0];
      const double slope =
          (solver.solve(Vec1(k + h), 2).energies[m] - solver.solve(Vec1(k - h), 2).energies[m]) /
          (2 * h);
      CHECK_THAT(bands.D(q, 0)(m, m).real(), WithinAbs(slope, 1e-8));
    }
  }
  // At k = 1/2 (the zone edge) E_m is even about the edge: zero velocity, to round-off.
  CHECK_THAT(bands.D(4, 0)(0, 0).real(), WithinAbs(0.0, 1e-12));
  // Interband D_01 at the edge is the large coupling across the gap (not zero).
  CHECK(std::abs(bands.D(4, 0)(0, 1)) > 0.1);
}

TEST_CASE("coherence field and band data reject bad input", "[coherence]") {
  const auto grid = wavekin::PeriodicGrid<1>::cube(8, 1.0);
  const wavekin::MomentumQuadrature<1> quad{{Vec1(0.0), Vec1(0.5)}, {0.5, 0.5}};
  CHECK_THROWS_AS(wavekin::CoherenceField<1>(grid, quad, 0), invalid_argument);
  CHECK_THROWS_WITH(wavekin::CoherenceField<1>(grid, quad, 0), Contains("n = 0"));
  CHECK_THROWS_WITH(wavekin::CoherenceField<1>(grid, {{Vec1(0.0)}, {0.5, 0.5}}, 2),
                    Contains("2 quadrature weights for 1 momentum points"));
  CHECK_THROWS_WITH(wavekin::CoherenceField<1>(grid, {{}, {}}, 2), Contains("no points"));
  CHECK_THROWS_WITH(wavekin::CoherenceField<1>(grid, {{Vec1(0.0)}, {-1.0}}, 2),
                    Contains("weight 0 = -1"));
  CHECK_THROWS_WITH(wavekin::CoherenceField<1>(grid, {{Vec1(0.0)}, {std::nan("")}}, 2),
                    Contains("finite"));
  CHECK_THROWS_WITH(wavekin::CoherenceField<1>(grid, {{Vec1(std::nan(""))}, {1.0}}, 2),
                    Contains("momentum point 0 is not finite"));

  wavekin::CoherenceField<1> field(grid, quad, 2);
  const auto profile = [](const Vec1&) { return 1.0; };
  CHECK_THROWS_WITH(
      field.set_band_projected([](const Vec1&) { return Eigen::VectorXcd(3); }, profile),
      Contains("3 entries, expected n = 2"));
  CHECK_THROWS_WITH(
      field.set_band_projected(
          [](const Vec1&) { return Eigen::VectorXcd::Constant(2, std::nan("")); }, profile),
      Contains("not finite"));
  CHECK_THROWS_WITH(field.set_band_projected([](const Vec1&) { return Eigen::VectorXcd::Ones(2); },
                                             [](const Vec1&) { return std::nan(""); }),
                    Contains("profile at momentum point 0"));
  CHECK_THROWS_WITH(field.block(2, 0, 0), Contains("momentum point 2"));
  CHECK_THROWS_WITH(field.block(0, 0, 2), Contains("band pair (0, 2)"));
  CHECK_THROWS_WITH(field.at(0, 0, 0, 8), Contains("grid point 8"));

  CHECK_THROWS_WITH(wavekin::BandData<1>(0), Contains("n = 0"));
  wavekin::BandData<1> bands(2);
  Eigen::MatrixXcd d = Eigen::MatrixXcd::Identity(2, 2);
  CHECK_THROWS_WITH(bands.add(Vec1(0.0), Eigen::Vector3d(0, 1, 2), {d}),
                    Contains("3 energies, expected n = 2"));
  CHECK_THROWS_WITH(bands.add(Vec1(0.0), Eigen::Vector2d(0, std::nan("")), {d}),
                    Contains("non-finite energy"));
  CHECK_THROWS_WITH(bands.add(Vec1(0.0), Eigen::Vector2d(0, 1), {Eigen::MatrixXcd::Identity(3, 3)}),
                    Contains("3x3, expected 2x2"));
  d(0, 1) = cplx(0.5, 0);  // D_01 = 0.5 but D_10 = 0: not Hermitian
  CHECK_THROWS_WITH(bands.add(Vec1(0.0), Eigen::Vector2d(0, 1), {d}), Contains("not Hermitian"));
  CHECK_THROWS_WITH(wavekin::dirac_band_data<double>({Vec2(0, 0)}, -1.0), Contains("lambda = -1"));
  CHECK_THROWS_WITH(bands.D(0, 0), Contains("point 0 is outside [0, 0)"));
  CHECK_THROWS_WITH(field.current(bands), Contains("0 momentum points"));
}

}  // namespace wavekin_test_coherence_field
