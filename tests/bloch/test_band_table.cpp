// Tests for wavekin/bloch/band_table.hpp: grid and path layouts, gauge fixed by parallel
// transport, the periodic extension by relabelling, the Berry phase π around a Dirac point, and
// the (OpenMP-parallel) solve loop: callback, errors, independence of the thread count.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"

#if defined(WAVEKIN_HAS_OPENMP)
#include <omp.h>

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_band_table {
#endif

using Catch::Matchers::Contains;
using wavekin::BandTable;

namespace {

auto honeycomb() {
  return wavekin::BlochSolver(wavekin::Lattice<2>::triangular(1.0),
                              wavekin::HoneycombWells<>(20.0, 0.15), {.energy_cutoff = 400});
}

// The discrete Berry phase of band 0 transported around a loop: the overlap of
// the last (transported) state with the first state at the same k.
std::complex<double> loop_holonomy(const Eigen::Vector2d& centre, double radius, int steps) {
  const auto solver = honeycomb();
  std::vector<Eigen::Vector2d> vertices;
  for (int j = 0; j <= steps; ++j) {
    const double t = 2 * std::numbers::pi * j / steps;
    vertices.push_back(centre + radius * Eigen::Vector2d(std::cos(t), std::sin(t)));
  }
  vertices.back() = vertices.front();  // close the loop exactly
  const auto table = BandTable<2>::path(solver, vertices, 1, 1);
  return wavekin::overlap_A(table.state(table.size() - 1), table.state(0))(0, 0);
}

}  // namespace

TEST_CASE("uniform grid: k points, energies, parallel-transported gauge", "[bloch][band_table]") {
  const auto solver = honeycomb();
  const auto& lattice = solver.lattice();
  const auto table = BandTable<2>::uniform_grid(solver, {6, 5}, 3);
  REQUIRE(table.size() == 30);
  REQUIRE(table.is_grid());
  for (Eigen::Index i = 0; i < table.size(); ++i) {
    const Eigen::Vector2d theta(double(i % 6) / 6, double(i / 6) / 5);
    const Eigen::Vector2d k = lattice.dual_basis() * theta;
    REQUIRE(table.k(i) == k);
    // The gauge changes columns only: energies are the solver's, bit for bit.
    REQUIRE(table.state(i).energies == solver.solve(k, 3).energies);
    const auto parent = table.parent(i);
    if (parent < 0) {
      REQUIRE(i == 0);
      continue;
    }
    // The parent is one grid step back.
    REQUIRE((table.k(i) - table.k(parent)).norm() <=
            lattice.dual_basis().colwise().norm().maxCoeff() / 5 + 1e-12);
    const Eigen::MatrixXcd a = wavekin::overlap_A(table.state(i), table.state(parent));
    for (int m = 0; m < 3; ++m) {
      const auto& e = table.state(i).energies;
      const bool simple = (m == 0 || e[m] - e[m - 1] > 1e-6) && (m == 2 || e[m + 1] - e[m] > 1e-6);
      if (!simple) continue;
      // Parallel transport: A_mm(k, k_parent) real and positive (to rounding).
      // |A_mm| itself measures how much band m changes over one (coarse) grid
      // step; it can be well below 1 here (0.1–0.8 on this 6×5 grid) because
      // bands 0 and 1 touch at K and change character fast near it.
      INFO("point " << i << ", band " << m << ", A_mm = " << a(m, m));
      REQUIRE(a(m, m).real() > 0);
      REQUIRE(std::abs(a(m, m).imag()) <= 1e-12);
    }
  }
  REQUIRE(table.energies().rows() == 30);
  REQUIRE(table.energies()(7, 2) == table.state(7).energies[2]);
}

TEST_CASE("uniform grid: at(i) extends periodically by relabelling", "[bloch][band_table]") {
  const auto solver = honeycomb();
  const auto& lattice = solver.lattice();
  const auto table = BandTable<2>::uniform_grid(solver, {4, 4}, 2);
  const auto inside = table.at({1, 3});
  REQUIRE(inside.coefficients == table.state(table.flatten({1, 3})).coefficients);
  const auto outside = table.at({1 + 8, 3 - 4});  // μ = 2 e^1 − e^2
  const Eigen::Vector2d expected_k =
      table.state(table.flatten({1, 3})).k + lattice.reciprocal(wavekin::lattice_index(2, -1));
  REQUIRE((outside.k - expected_k).norm() <= 1e-14);
  REQUIRE(outside.coefficients == inside.coefficients);
  REQUIRE(outside.basis.label(0) == inside.basis.label(0) - wavekin::lattice_index(2, -1));
  // Same Bloch functions as a fresh solve there, up to phases: |A| = I (simple bands
  // here; eigenvector error ~ N ε ‖H‖/gap, 1e-9).
  const auto fresh = solver.solve(expected_k, 2);
  const Eigen::MatrixXcd a = wavekin::overlap_A(outside, fresh);
  REQUIRE((a.cwiseAbs() - Eigen::MatrixXd::Identity(2, 2)).cwiseAbs().maxCoeff() <= 1e-9);
  REQUIRE_THROWS_WITH(table.flatten({4, 0}), Contains("grid index 4 along e^1 is outside [0, 4)"));
}

TEST_CASE("path: vertices included, arc length, Dirac pair transported as a block",
          "[bloch][band_table]") {
  const auto solver = honeycomb();
  const auto& lattice = solver.lattice();
  const Eigen::Vector2d gamma(0, 0);
  const Eigen::Vector2d big_k = (lattice.dual_vector(0) - lattice.dual_vector(1)) / 3;
  const Eigen::Vector2d big_m = lattice.dual_vector(0) / 2;
  const auto table = BandTable<2>::path(solver, {gamma, big_k, big_m, gamma}, 10, 2);
  REQUIRE(table.size() == 31);
  REQUIRE_FALSE(table.is_grid());
  REQUIRE(table.k(10) == big_k);
  REQUIRE(table.k(20) == big_m);
  const double total = big_k.norm() + (big_m - big_k).norm() + big_m.norm();
  REQUIRE(std::abs(table.distance(30) - total) <= 1e-12);
  for (Eigen::Index i = 1; i < table.size(); ++i)
    REQUIRE(table.distance(i) > table.distance(i - 1));
  // At K the pair is degenerate: its overlap block with the previous point is
  // made Hermitian positive semidefinite (the Löwdin choice).
  const Eigen::MatrixXcd a = wavekin::overlap_A(table.state(10), table.state(9));
  REQUIRE((a - a.adjoint()).cwiseAbs().maxCoeff() <= 1e-12);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> spectrum(a);
  REQUIRE(spectrum.eigenvalues().minCoeff() >= -1e-12);
  REQUIRE_THROWS_WITH(table.at({0, 0}), Contains("this table is a path"));
}

TEST_CASE("Berry phase of the lowest band: π around the Dirac point K, 0 around Γ",
          "[bloch][band_table][honeycomb]") {
  // The honeycomb potential is real and inversion symmetric (PT symmetric), so
  // a real gauge exists locally and the discrete Wilson loop of an isolated band
  // is real: ±1 times ∏|A_mm| (≤ 1, → 1 as steps grow). A loop of radius 0.5
  // around K (|K| = 4.19; band 0 stays ≥ 0.5 below band 1 on it) must give −1;
  // the same loop around Γ, where nothing crosses, +1. 48 steps of length
  // 0.065: ∏|A| ≥ 0.9; imaginary part only from rounding, 1e-10.
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const Eigen::Vector2d big_k = (lattice.dual_vector(0) - lattice.dual_vector(1)) / 3;
  const auto around_k = loop_holonomy(big_k, 0.5, 48);
  const auto around_gamma = loop_holonomy(Eigen::Vector2d::Zero(), 0.5, 48);
  std::printf("Berry holonomy around K: (%.6f, %.2e); around Γ: (%.6f, %.2e)\n", around_k.real(),
              around_k.imag(), around_gamma.real(), around_gamma.imag());
  REQUIRE(around_k.real() <= -0.9);
  REQUIRE(std::abs(around_k.imag()) <= 1e-10);
  REQUIRE(around_gamma.real() >= 0.9);
  REQUIRE(std::abs(around_gamma.imag()) <= 1e-10);
}

TEST_CASE("BandTable solve loop: one callback per point, errors propagate, thread-independent",
          "[bloch][band_table][openmp]") {
  const auto solver = honeycomb();
  std::atomic<int> calls{0};
  const auto grid = BandTable<2>::uniform_grid(solver, {5, 4}, 2, wavekin::ParallelTransportGauge{},
                                               [&] { ++calls; });
  REQUIRE(calls.load() == 20);
  calls = 0;
  const auto path = BandTable<2>::path(solver, {Eigen::Vector2d(0, 0), Eigen::Vector2d(1, 0.5)}, 7,
                                       2, wavekin::ParallelTransportGauge{}, [&] { ++calls; });
  REQUIRE(calls.load() == 8);
  // A failing solve (here: more bands than plane waves) leaves the loop as the
  // solver's own exception, whichever thread met it.
  const wavekin::BlochSolver tiny(wavekin::Lattice<2>::triangular(1.0),
                                  wavekin::HoneycombWells<>(20.0, 0.15), {.energy_cutoff = 1});
  REQUIRE_THROWS_WITH(BandTable<2>::uniform_grid(tiny, {3, 3}, 50),
                      Contains("cutoff too small for n_bands"));
#if defined(WAVEKIN_HAS_OPENMP)
  // Each state comes from one independent solve and the gauge is fixed
  // sequentially afterwards, so the table is bit-for-bit the same on any
  // number of threads.
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto serial = BandTable<2>::uniform_grid(solver, {5, 4}, 2);
  omp_set_num_threads(2);
  const auto parallel = BandTable<2>::uniform_grid(solver, {5, 4}, 2);
  omp_set_num_threads(saved);
  for (Eigen::Index i = 0; i < serial.size(); ++i) {
    REQUIRE(serial.state(i).energies == parallel.state(i).energies);
    REQUIRE(serial.state(i).coefficients == parallel.state(i).coefficients);
  }
#endif
  // Without OpenMP the same code runs serially; the results above are the
  // serial ones, compared with fresh solves in the first test case.
  REQUIRE(grid.state(7).energies == solver.solve(grid.k(7), 2).energies);
}

TEST_CASE("BandTable rejects bad layouts", "[bloch][band_table][errors]") {
  const auto solver = honeycomb();
  REQUIRE_THROWS_WITH(BandTable<2>::uniform_grid(solver, {0, 3}, 1),
                      Contains("0 points along e^1 (need >= 1)"));
  REQUIRE_THROWS_WITH(BandTable<2>::path(solver, {}, 3, 1), Contains("no vertices given"));
  REQUIRE_THROWS_WITH(BandTable<2>::path(solver, {Eigen::Vector2d(0, 0)}, 0, 1),
                      Contains("steps_per_segment = 0 must be >= 1"));
  // Π points overflowing the index type is an error before anything is solved or allocated.
  const Eigen::Index n = Eigen::Index{1} << 32;
  REQUIRE_THROWS_WITH(BandTable<2>::uniform_grid(solver, {n, n}, 1),
                      Contains("4294967296 × 4294967296 points overflow"));
}

}  // namespace wavekin_test_band_table
