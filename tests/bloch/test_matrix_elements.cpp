// Tests for wavekin/bloch/matrix_elements.hpp: Hellmann–Feynman velocity against finite
// differences, D Hermitian with diagonal ∇E, A(p,p) = I, A unitary on a full band set,
// relabelling, bad band indices.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/matrix_elements.hpp"

#include "skew_crystal.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_matrix_elements {

using namespace wavekin::test::matchers;
using namespace wavekin::test::common;
using wavekin::lattice_index;
using wavekin_test::skew_solver;

TEST_CASE("band_velocity is the finite-difference gradient of E_m (Hellmann–Feynman)",
          "[bloch][matrix_elements]") {
  const auto solver = skew_solver();
  const Eigen::Vector2d k(0.41, -1.73);
  const int bands = 5;
  const auto state = solver.solve(k, bands);
  const double h = 1e-5;
  for (int i = 0; i < 2; ++i) {
    Eigen::Vector2d dk = Eigen::Vector2d::Zero();
    dk[i] = h;
    const auto plus = solver.solve(Eigen::Vector2d(k + dk), bands);
    const auto minus = solver.solve(Eigen::Vector2d(k - dk), bands);
    for (int m = 0; m < bands; ++m) {
      const double fd = (plus.energies[m] - minus.energies[m]) / (2 * h);
      // Central difference: truncation h²|E'''|/6 ≲ 1e-10·10 (E''' = O(1–10) for
      // gaps ≥ 0.1); rounding 2·(N ε ‖H‖)/(2h) ≈ 2e-12·... /1e-5 ≈ 1e-6 at worst
      // (eigenvalue errors of ±1e-11 divided by 2h). Tolerance 1e-5.
      REQUIRE(std::abs(wavekin::band_velocity(state, m)[i] - fd) <= 1e-5);
    }
  }
}

TEST_CASE("interband_D is Hermitian with the band velocities on its diagonal",
          "[bloch][matrix_elements]") {
  const auto solver = skew_solver();
  const auto state = solver.solve(Eigen::Vector2d(1.1, 0.6), 6);
  const auto d = wavekin::interband_D(state);
  const auto sub = wavekin::interband_D(state, {4, 1});
  const double scale = state.basis.wavevectors().cwiseAbs().maxCoeff();
  for (int i = 0; i < 2; ++i) {
    // D_i = Cᴴ W C is Hermitian to rounding: N ε max|k+G| (one GEMM).
    REQUIRE((d[i] - d[i].adjoint()).cwiseAbs().maxCoeff() <=
            4 * static_cast<double>(state.basis.size()) * eps * scale);
    for (int m = 0; m < 6; ++m)
      REQUIRE(std::abs(d[i](m, m) - wavekin::band_velocity(state, m)[i]) <=
              4 * static_cast<double>(state.basis.size()) * eps * scale);
    // D_i,nl = Σ_G (k+G)_i c^l_G conj(c^n_G): the ROW index is conjugated.
    std::complex<double> d41 = 0;
    for (Eigen::Index g = 0; g < state.basis.size(); ++g)
      d41 += state.basis.wavevectors()(i, g) * state.coefficients(g, 1) *
             std::conj(state.coefficients(g, 4));
    REQUIRE(std::abs(d[i](4, 1) - d41) <= 1e-12 * scale);
    REQUIRE(std::abs(sub[i](0, 1) - d41) <= 1e-12 * scale);  // bands {4, 1}: n = 4, l = 1
  }
}

TEST_CASE("overlap_A: identity at q = p, unitary on the full basis", "[bloch][matrix_elements]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::BlochSolver solver(lattice, wavekin::HoneycombWells<>(20.0, 0.15),
                                    {.energy_cutoff = 150});
  const Eigen::Vector2d p(0.8, 0.3), q(0.8005, 0.2996);
  const auto state_p = solver.solve(p, 6);
  const Eigen::MatrixXcd a_pp = wavekin::overlap_A(state_p, state_p);
  // A(p,p) = (CᴴC)ᵀ: orthonormality to N ε.
  REQUIRE((a_pp - Eigen::MatrixXcd::Identity(6, 6)).cwiseAbs().maxCoeff() <=
          4 * static_cast<double>(state_p.basis.size()) * eps);

  // Every band: the same labels at q and p (nothing crosses the cutoff for
  // so small a step — checked), so A(q,p) = (C_pᴴ C_q)ᵀ is unitary.
  const auto n = solver.basis(p).size();
  const auto full_p = solver.solve(p, n);
  const auto full_q = solver.solve(q, n);
  REQUIRE(full_q.basis.size() == n);
  for (const auto& label : full_p.basis.labels()) REQUIRE(full_q.basis.contains(label));
  const Eigen::MatrixXcd a = wavekin::overlap_A(full_q, full_p);
  REQUIRE((a.adjoint() * a - Eigen::MatrixXcd::Identity(n, n)).cwiseAbs().maxCoeff() <=
          16 * static_cast<double>(n) * eps);
  // Smooth bands: |A_mm(q,p)| = 1 − O(|q−p|²) for the isolated lowest band.
  REQUIRE(std::abs(std::abs(a(0, 0)) - 1) <= 1e-4);

  // A_mj = Σ_G c^m_G(q) conj(c^j_G(p)), entry by entry.
  std::complex<double> a01 = 0;
  for (Eigen::Index g = 0; g < full_q.basis.size(); ++g) {
    const auto j = full_p.basis.index_of(full_q.basis.label(g));
    a01 += full_q.coefficients(g, 0) * std::conj(full_p.coefficients(j, 1));
  }
  REQUIRE(std::abs(a(0, 1) - a01) <= 1e-13);
}

TEST_CASE("relabel: same plane waves, k + μ, labels shifted, overlap with the solved state",
          "[bloch][matrix_elements]") {
  const auto solver = skew_solver();
  const auto& lattice = solver.lattice();
  const Eigen::Vector2d k(0.41, -1.73);
  const auto state = solver.solve(k, 4);
  const auto mu = lattice_index(1, -2);
  const auto moved = wavekin::relabel(state, mu);
  REQUIRE((moved.k - (k + lattice.reciprocal(mu))).norm() <= 1e-14);
  REQUIRE(moved.basis.label(0) == state.basis.label(0) - mu);
  REQUIRE(moved.coefficients == state.coefficients);
  // A(k+μ relabelled, k+μ solved) is a diagonal of phases for simple bands:
  // the gauge covariance P1 §4 relies on. Eigenvector error ~ N ε ‖H‖/gap: 1e-8.
  const auto solved = solver.solve(Eigen::Vector2d(k + lattice.reciprocal(mu)), 4);
  const Eigen::MatrixXcd a = wavekin::overlap_A(moved, solved);
  for (int m = 0; m < 4; ++m)
    for (int j = 0; j < 4; ++j) REQUIRE(std::abs(std::abs(a(m, j)) - (m == j ? 1.0 : 0.0)) <= 1e-8);
  // Velocities are relabelling-invariant (∇E is Λ*-periodic).
  for (int m = 0; m < 4; ++m)
    REQUIRE((wavekin::band_velocity(moved, m) - wavekin::band_velocity(state, m)).norm() <= 1e-10);
}

TEST_CASE("matrix elements reject bad band indices", "[bloch][matrix_elements][errors]") {
  const auto solver = skew_solver();
  const auto state = solver.solve(Eigen::Vector2d(0.1, 0.2), 3);
  REQUIRE_THROWS_MATCHES(wavekin::band_velocity(state, 3), wavekin::invalid_argument,
                         Catch::Matchers::Message("band_velocity: band 3 is outside [0, 3)"));
  REQUIRE_THROWS_WITH(wavekin::interband_D(state, {0, -1}),
                      Contains("interband_D: band -1 is outside [0, 3)"));
}

}  // namespace wavekin_test_matrix_elements
