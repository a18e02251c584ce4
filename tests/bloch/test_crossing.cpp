// Tests for wavekin/bloch/crossing.hpp: the Dirac points, locating the honeycomb Dirac point
// with its Fermi velocity (checked against Hellmann–Feynman), the exact 1D free crossing,
// and non-convergence.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "wavekin/bloch/crossing.hpp"
#include "wavekin/bloch/fourier_coefficients.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/matrix_elements.hpp"

using Catch::Matchers::Contains;

TEST_CASE("dirac_points: K·e_1 = 2π/3, K·e_2 = −2π/3 and K' = −K", "[bloch][crossing]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.4);
  const auto [k, k_prime] = wavekin::dirac_points(lattice);
  REQUIRE(std::abs(k.dot(lattice.basis_vector(0)) - 2 * std::numbers::pi / 3) <= 1e-14);
  REQUIRE(std::abs(k.dot(lattice.basis_vector(1)) + 2 * std::numbers::pi / 3) <= 1e-14);
  REQUIRE(k_prime == -k);
}

TEST_CASE("locate_crossing finds the honeycomb Dirac point and its cone", "[bloch][crossing]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::BlochSolver solver(lattice, wavekin::HoneycombWells<>(20.0, 0.15),
                                    {.energy_cutoff = 400});
  const Eigen::Vector2d big_k = wavekin::dirac_points(lattice)[0];
  const auto crossing =
      wavekin::locate_crossing(solver, Eigen::Vector2d(big_k + Eigen::Vector2d(0.05, -0.03)), 0);
  std::printf(
      "crossing: |p*−K| = %.2e  gap = %.2e  r = %.6f  λ♯ = %.6f  anisotropy = %.2e  (%d solves)\n",
      (crossing.point - big_k).norm(), crossing.gap, crossing.order, crossing.slope,
      crossing.anisotropy, crossing.evaluations);
  // The gap grows like 2λ♯|p − K| with λ♯ ≈ 2, so a simplex of size 1e-9
  // places p* within ~1e-9 of K; 1e-7 allows for a flat simplex.
  REQUIRE((crossing.point - big_k).norm() <= 1e-7);
  REQUIRE(crossing.gap <= 1e-7);
  // Conical: r = 1 up to the o(ρ) curvature at ρ = 1e-3 (relative ~ρ): 1e-2.
  REQUIRE(std::abs(crossing.order - 1) <= 1e-2);
  // C₃ makes the cone isotropic to leading order.
  REQUIRE(crossing.anisotropy <= 1e-2);
  // Independent λ♯: |∇E| of the upper band just off K, by Hellmann–Feynman,
  // averaged over 6 directions (O(ρ) curvature corrections at ρ = 1e-4: 1e-2).
  double sum = 0;
  for (int j = 0; j < 6; ++j) {
    const double t = 2 * std::numbers::pi * (j + 0.25) / 6;
    const auto state =
        solver.solve(Eigen::Vector2d(big_k + 1e-4 * Eigen::Vector2d(std::cos(t), std::sin(t))), 2);
    sum += wavekin::band_velocity(state, 1).norm();
  }
  REQUIRE(std::abs(crossing.slope - sum / 6) <= 1e-2 * crossing.slope);
}

TEST_CASE("locate_crossing on the free line: E = ½k² meets ½(k − 1)² at k = ½",
          "[bloch][crossing]") {
  // e^1 = 1 on the line of period 2π. Near k = ½ the two lowest bands are
  // ½k² and ½(k−1)² exactly, so E_{1,0} = 1/8 ± ½(k − ½) + ½(k − ½)²: r = 1,
  // λ♯ = ½ up to the (k−½)² terms, which cancel in the gap: exact to rounding.
  const auto line = wavekin::Lattice<1>::line(2 * std::numbers::pi);
  const wavekin::BlochSolver solver(line, wavekin::FourierCoefficients<1>{}, {.energy_cutoff = 20});
  const auto crossing = wavekin::locate_crossing(solver, Eigen::Matrix<double, 1, 1>(0.43), 0);
  REQUIRE(std::abs(crossing.point[0] - 0.5) <= 1e-8);
  REQUIRE(std::abs(crossing.energy - 0.125) <= 1e-8);
  REQUIRE(std::abs(crossing.order - 1) <= 1e-8);
  REQUIRE(std::abs(crossing.slope - 0.5) <= 1e-8);
}

TEST_CASE("locate_crossing reports non-convergence", "[bloch][crossing][errors]") {
  const auto line = wavekin::Lattice<1>::line(2 * std::numbers::pi);
  const wavekin::BlochSolver solver(line, wavekin::FourierCoefficients<1>{}, {.energy_cutoff = 20});
  REQUIRE_THROWS_AS(
      wavekin::locate_crossing(solver, Eigen::Matrix<double, 1, 1>(0.2), 0, {.max_evaluations = 5}),
      wavekin::convergence_error);
  REQUIRE_THROWS_WITH(
      wavekin::locate_crossing(solver, Eigen::Matrix<double, 1, 1>(0.2), 0, {.max_evaluations = 5}),
      Contains("no convergence after"));
  REQUIRE_THROWS_WITH(wavekin::locate_crossing(solver, Eigen::Matrix<double, 1, 1>(0.2), -1),
                      Contains("lower_band = -1 must be >= 0"));
}
