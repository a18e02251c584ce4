// Tests of the energy index of the shell quadrature (detail/energy_interval_index.hpp): the
// stabbing query against a brute-force scan, and the collision operators of P1 (C.3) and (4.15)
// assembled through it against a full-scan assembly (every simplex visited for every level, the
// assembly before the index), entry by entry, in 1D and 2D. SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <random>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/detail/energy_interval_index.hpp"
#include "wavekin/coherence/detail/simplex_shell.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/zone_grid.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_energy_interval_index {

namespace {

using wavekin::BandCollisionOptions;
using wavekin::CollisionBands;
using wavekin::GaussianCorrelation;
using wavekin::Lattice;
using wavekin::LatticeIndex;
using wavekin::ZoneGrid;
constexpr double pi = std::numbers::pi;

// Two smooth Λ*-periodic bands that cross (so shells of one band meet the other's range) and a
// smooth complex overlap with no structure the assembly could exploit: on a ZoneGrid of a
// rectangular (or 1D) lattice, momenta in lattice coordinates t_l = i_l / N_l.
template <int Dim>
CollisionBands<Dim> test_bands(const ZoneGrid<Dim>& grid) {
  const auto zone = grid.quadrature();
  const auto vertices = static_cast<Eigen::Index>(zone.points.size());
  Eigen::MatrixXd e(vertices, 2);
  std::vector<Eigen::Matrix<double, Dim, 1>> t;
  for (Eigen::Index v = 0; v < vertices; ++v) {
    const Eigen::Matrix<double, Dim, 1> k = zone.points[static_cast<std::size_t>(v)];
    Eigen::Matrix<double, Dim, 1> tv = grid.lattice().basis().transpose() * k / (2 * pi);
    t.push_back(tv);
    double e0 = 0, e1 = 0.8;
    for (int l = 0; l < Dim; ++l) {
      e0 += (1.0 + 0.3 * l) * std::cos(2 * pi * tv[l]);
      e1 += 0.7 * std::cos(2 * pi * tv[l] + 0.4) + 0.2 * std::sin(4 * pi * tv[l]);
    }
    e(v, 0) = e0;
    e(v, 1) = e1;
  }
  auto overlap = [t](Eigen::Index p, Eigen::Index q, const LatticeIndex<Dim>& mu) {
    Eigen::MatrixXcd a(2, 2);
    for (Eigen::Index j = 0; j < 2; ++j)
      for (Eigen::Index m = 0; m < 2; ++m) {
        double phase = 0.3 * static_cast<double>(j + 2 * m);
        for (int l = 0; l < Dim; ++l)
          phase += 2 * pi *
                       (t[static_cast<std::size_t>(p)][l] * (1 + j) -
                        t[static_cast<std::size_t>(q)][l] * (1 + m)) +
                   0.5 * static_cast<double>(mu[l]);
        a(j, m) = (0.6 + 0.1 * static_cast<double>(j + m)) * std::polar(1.0, phase);
      }
    return a;
  };
  return CollisionBands<Dim>{grid, e, overlap};
}

// Full-scan shell weights w_v(E) of band m: every simplex of every cell visited, in cell order
// (first index fastest), summed densely: the quadrature before the index. Cells of a 1D or a
// rectangular 2D grid (both main diagonals equally long, so no axis is flipped): the segment
// (i, i+1); the triangles (c0, c1, c3) and (c0, c2, c3), bit l of c a step along e^l.
template <int Dim>
std::vector<double> full_scan_weights(const ZoneGrid<Dim>& grid, const Eigen::MatrixXd& energies,
                                      double energy, Eigen::Index band) {
  static_assert(Dim == 1 || Dim == 2);
  const auto n = grid.counts();
  const Eigen::Index total = grid.size();
  const double cell_volume = grid.lattice().zone_volume() / static_cast<double>(total);
  const double flat = 1e-12 * energies.cwiseAbs().maxCoeff();
  std::vector<double> w(static_cast<std::size_t>(total), 0.0);
  const auto e = energies.col(band);
  const auto visit = [&](const std::array<Eigen::Index, Dim + 1>& v, double volume) {
    std::array<double, Dim + 1> ev, out;
    for (std::size_t k = 0; k <= Dim; ++k) ev[k] = e[v[k]];
    if (wavekin::detail::simplex_shell_weights<Dim, double>(ev, volume, energy, out, flat))
      for (std::size_t k = 0; k <= Dim; ++k) w[static_cast<std::size_t>(v[k])] += out[k];
  };
  for (Eigen::Index c = 0; c < total; ++c) {
    if constexpr (Dim == 1) {
      visit({c, (c + 1) % n[0]}, cell_volume);
    } else {
      const Eigen::Index i = c % n[0], j = c / n[0];
      const auto at = [&](Eigen::Index a, Eigen::Index b) {
        return (a % n[0]) + (b % n[1]) * n[0];
      };
      const Eigen::Index c0 = at(i, j), c1 = at(i + 1, j), c2 = at(i, j + 1), c3 = at(i + 1, j + 1);
      visit({c0, c1, c3}, cell_volume / 2);
      visit({c0, c2, c3}, cell_volume / 2);
    }
  }
  return w;
}

// The full-scan pair measure S((p,l),(q,m)) = ½[w^m_q(E_l(p)) + w^l_p(E_m(q))], dense.
template <int Dim>
Eigen::MatrixXd full_scan_pair_measure(const CollisionBands<Dim>& bands) {
  const Eigen::Index v = bands.grid.size(), n = bands.energies.cols();
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(v * n, v * n);
  for (Eigen::Index p = 0; p < v; ++p)
    for (Eigen::Index l = 0; l < n; ++l)
      for (Eigen::Index m = 0; m < n; ++m) {
        const auto w = full_scan_weights<Dim>(bands.grid, bands.energies, bands.energies(p, l), m);
        for (Eigen::Index q = 0; q < v; ++q) {
          s(p * n + l, q * n + m) += 0.5 * w[static_cast<std::size_t>(q)];
          s(q * n + m, p * n + l) += 0.5 * w[static_cast<std::size_t>(q)];
        }
      }
  return s;
}

// The (C.3) and (4.15) (loss on column shells) operators from the full-scan pair measure, as
// BandDiagonalCollision and CoherentCollision define them: K = κ S Σ_μ R̂|A_jm|², symmetrised,
// minus its row sums; (4.15) from the library's per-pair gain and loss terms.
struct FullScanOperators {
  Eigen::MatrixXd c3;
  Eigen::MatrixXcd q415;
};

template <int Dim>
FullScanOperators full_scan_operators(const CollisionBands<Dim>& bands,
                                      const GaussianCorrelation<Dim>& correlation) {
  const wavekin::detail::CollisionSetup<Dim, GaussianCorrelation<Dim>> setup(
      bands, correlation, BandCollisionOptions{}, "full scan");
  const Eigen::MatrixXd s = full_scan_pair_measure<Dim>(bands);
  const Eigen::Index n = bands.energies.cols(), size = s.rows();
  FullScanOperators out;
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(size, size);
  out.q415 = Eigen::MatrixXcd::Zero(size * n, size * n);
  Eigen::MatrixXcd gain(n, n), loss(n, n);
  for (Eigen::Index row = 0; row < size; ++row)
    for (Eigen::Index col = 0; col < size; ++col) {
      if (s(row, col) == 0) continue;
      const Eigen::Index p = row / n, l = row % n, q = col / n, m = col % n;
      double sum = 0;
      gain.setZero();
      loss.setZero();
      bool any = false;
      setup.for_each_mu(p, q, [&](double r, const Eigen::MatrixXcd& a) {
        sum += r * std::norm(a(l, m));
        wavekin::detail::add_coherent_terms(r, a, l, m, gain, loss);
        any = true;
      });
      k(row, col) = setup.kappa() * s(row, col) * sum;
      if (any)
        wavekin::detail::scatter_coherent_terms(
            p, q, l, m, setup.kappa() * s(row, col), gain, loss,
            [&](Eigen::Index r, Eigen::Index c, std::complex<double> value) {
              out.q415(r, c) += value;
            });
    }
  const Eigen::MatrixXd sym = 0.5 * (k + k.transpose());
  out.c3 = sym;
  out.c3.diagonal() -= sym.rowwise().sum();
  return out;
}

// max |A − B| over the entries, relative to max |B|.
template <class Sparse, class Dense>
double relative_difference(const Sparse& a, const Dense& b) {
  const Dense dense = Dense(a);
  return (dense - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

template <int Dim>
void check_against_full_scan(const ZoneGrid<Dim>& grid) {
  const auto bands = test_bands<Dim>(grid);
  const GaussianCorrelation<Dim> correlation(0.5, 1.0);
  const auto reference = full_scan_operators<Dim>(bands, correlation);
  const wavekin::BandDiagonalCollision<Dim> c3(bands, correlation);
  const wavekin::CoherentCollision<Dim> q415(bands, correlation);
  // The index changes which simplices are visited, not the sums over those that weigh (same
  // order, the same floating-point weights); what may differ is the order in which the sparse
  // assembly adds coinciding triplets against the dense sums here: a few ulps of the largest
  // entry per sum of at most ~100 terms, so 1e-13 relative to the largest entry. A simplex
  // missed or added by the index changes entries by O(1) of their size.
  CHECK(reference.c3.cwiseAbs().maxCoeff() > 0);
  CHECK(relative_difference<Eigen::SparseMatrix<double, Eigen::RowMajor>, Eigen::MatrixXd>(
            c3.matrix(), reference.c3) < 1e-13);
  CHECK(relative_difference<Eigen::SparseMatrix<std::complex<double>, Eigen::RowMajor>,
                            Eigen::MatrixXcd>(q415.matrix(), reference.q415) < 1e-13);
}

}  // namespace

TEST_CASE(
    "EnergyIntervalIndex: its candidates hold every interval containing the level, "
    "ascending",
    "[coherence][energy_shell]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> centre(-3.0, 5.0);
  std::exponential_distribution<double> length(4.0);
  std::vector<double> lo, hi;
  for (int i = 0; i < 2000; ++i) {
    const double c = centre(rng), h = i % 97 == 0 ? 0.0 : length(rng);
    lo.push_back(c - h / 2);
    hi.push_back(c + h / 2);
  }
  // Left out: every fifth interval and the empty ones (lo == hi).
  const auto skip = [](std::size_t i) { return i % 5 == 0; };
  const wavekin::detail::EnergyIntervalIndex<double> index(lo, hi, skip);
  CHECK(index.entry_count() <= 4 * lo.size());
  std::vector<double> levels{-10.0, 10.0};
  for (std::size_t i = 0; i < lo.size(); i += 3) levels.insert(levels.end(), {lo[i], hi[i]});
  for (int k = 0; k < 500; ++k) levels.push_back(centre(rng));
  std::size_t visited = 0, containing = 0;
  for (const double e : levels) {
    const auto c = index.candidates(e);
    CHECK(std::is_sorted(c.begin(), c.end()));
    std::vector<std::size_t> expected;
    for (std::size_t i = 0; i < lo.size(); ++i)
      if (!skip(i) && lo[i] <= e && e < hi[i]) expected.push_back(i);
    std::vector<std::size_t> got;
    for (const auto id : c)
      if (lo[id] <= e && e < hi[id]) got.push_back(id);
    CHECK(got == expected);
    for (const auto id : c) CHECK_FALSE(skip(id));
    visited += c.size();
    containing += expected.size();
  }
  // The point of the index: a level visits a few times the intervals that contain it, not all.
  CHECK(visited < 4 * containing + levels.size());
}

TEST_CASE("(C.3) and (4.15) operators through the energy index equal a full-scan assembly in 1D",
          "[coherence][energy_shell][collision]") {
  check_against_full_scan<1>(ZoneGrid<1>(Lattice<1>::line(1.0), {40}));
}

TEST_CASE("(C.3) and (4.15) operators through the energy index equal a full-scan assembly in 2D",
          "[coherence][energy_shell][collision]") {
  check_against_full_scan<2>(ZoneGrid<2>(Lattice<2>::rectangular(1.0, 1.7), {9, 7}));
}

}  // namespace wavekin_test_energy_interval_index
