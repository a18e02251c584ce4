// Tests for wavekin/bloch/crossing.hpp: the Dirac points, locating the honeycomb Dirac point
// with its Fermi velocity (checked against Hellmann–Feynman), the quadratic (r = 2) touching
// at M of a C₄-symmetric square lattice (checked against nearly-free-electron theory), the
// exact 1D free crossing, directional fits, and non-convergence.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>

#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/crossing.hpp"
#include "wavekin/bloch/fourier_coefficients.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/matrix_elements.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_crossing {

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

TEST_CASE("locate_crossing finds the quadratic touching at M of a C4-symmetric square lattice",
          "[bloch][crossing][quadratic]") {
  // V = V0 (cos 2πx + cos 2πy) + W (cos 2π(x+y) + cos 2π(x−y)) on the unit
  // square lattice (e^l = 2π e_l). At M = (π, π) the four plane waves
  // k + G = (±π, ±π) have ½|k+G|² = π². In the combinations u_{στ} (σ, τ = ±1:
  // even/odd under x → −x, y → −y about the cell centre) V couples them to
  // E_{στ} = π² + ½V0(σ + τ) + ½W στ: for 0 < W < V0 the order is
  // π² − V0 + W/2 < π² − W/2 (twice) < π² + V0 + W/2, so bands 1 and 2
  // (0-based) form the doublet (C₄ᵥ's 2D irrep, symmetry protected).
  // Degenerate k·p at second order through the two singlets
  // (Δ± = V0 ± W) gives the 2×2 block
  //   π² [ qx²/Δ₋ − qy²/Δ₊          qx qy (1/Δ₋ − 1/Δ₊) ]
  //      [ qx qy (1/Δ₋ − 1/Δ₊)      qy²/Δ₋ − qx²/Δ₊     ]  (+ ½|q|² I),
  // i.e. half-gap λ♯(û)|q|², r = 2 in every direction, with
  //   λ♯(axis) = π² V0 / (V0² − W²),   λ♯(diagonal) = π² W / (V0² − W²):
  // anisotropic (isotropic only at W = V0, where the ordering changes; at W = 0
  // the separable potential leaves the bands degenerate along the diagonals).
  // locate_crossing's λ♯ averages the four axis directions, which C₄ makes
  // equal, so its `anisotropy` is ~0 and its slope is λ♯(axis); the diagonal
  // is fitted separately.
  constexpr double pi = std::numbers::pi;
  constexpr double v0 = 0.5, w = 0.2;
  const auto lattice = wavekin::Lattice<2>::square(1.0);
  wavekin::CosineSum<2> potential;
  potential.add(v0, wavekin::lattice_index(1, 0))
      .add(v0, wavekin::lattice_index(0, 1))
      .add(w, wavekin::lattice_index(1, 1))
      .add(w, wavekin::lattice_index(1, -1));
  const wavekin::BlochSolver solver(lattice, potential, {.energy_cutoff = 200});
  const Eigen::Vector2d big_m(pi, pi);
  // The level ordering at M claimed above (to O(V²/π²) shifts from other plane waves).
  const auto at_m = solver.solve(big_m, 4);
  std::printf("quadratic: E(M) = %.6f %.6f %.6f %.6f  (NFE: %.4f %.4f ×2 %.4f)\n",
              at_m.energies[0], at_m.energies[1], at_m.energies[2], at_m.energies[3],
              pi * pi - v0 + w / 2, pi * pi - w / 2, pi * pi + v0 + w / 2);
  REQUIRE(at_m.energies[2] - at_m.energies[1] <= 1e-10);
  REQUIRE(at_m.energies[1] - at_m.energies[0] >= 0.5 * (v0 - w));
  REQUIRE(at_m.energies[3] - at_m.energies[2] >= 0.5 * (v0 + w));

  const auto crossing =
      wavekin::locate_crossing(solver, Eigen::Vector2d(big_m + Eigen::Vector2d(0.03, -0.02)), 1);
  const double denominator = v0 * v0 - w * w;
  const double nfe_axis = pi * pi * v0 / denominator;
  const double nfe_diagonal = pi * pi * w / denominator;
  const auto diagonal = wavekin::fit_crossing_order(solver, crossing.point, 1,
                                                    Eigen::Vector2d(1, 1), 1e-3);
  std::printf(
      "quadratic: |p*−M| = %.2e  gap = %.2e  r = %.6f  λ♯(axes) = %.4f (NFE %.4f)  "
      "anisotropy(axes) = %.2e  r(diag) = %.6f  λ♯(diag) = %.4f (NFE %.4f)  (%d solves)\n",
      (crossing.point - big_m).norm(), crossing.gap, crossing.order, crossing.slope, nfe_axis,
      crossing.anisotropy, diagonal.order, diagonal.slope, nfe_diagonal, crossing.evaluations);
  // The gap grows like 2λ♯|p − M|² with λ♯ ≈ 24: the simplex stops where
  // the gap is rounding (~1e-14), i.e. |p − M| ≲ √(1e-14/24) ≈ 2e-8; 1e-6
  // leaves room for a flat simplex. The gap there is below 1e-10.
  REQUIRE((crossing.point - big_m).norm() <= 1e-6);
  REQUIRE(crossing.gap <= 1e-10);
  // Quadratic: r = 2 up to the O(ρ/q₀) next order at ρ = 1e-3, q₀ ~ 0.05 the
  // size of the k·p region (Δ₋/2π), and p* off M by ≲ 1e-6 (relative 2e-3): 2e-2.
  REQUIRE(std::abs(crossing.order - 2) <= 2e-2);
  REQUIRE(std::abs(diagonal.order - 2) <= 2e-2);
  REQUIRE(crossing.slope > 0);
  REQUIRE(diagonal.slope > 0);
  // C₄ maps the four axis directions onto each other.
  REQUIRE(crossing.anisotropy <= 1e-2);
  // Against the 4-plane-wave theory: the neglected plane waves lie ≥ 4π²
  // higher (½|k+G|² ≥ 5π²), shifting the k·p coefficients by a relative
  // O(V0/4π²) ≈ 1e-2; 5e-2 allows for it and for the fit error above.
  REQUIRE(std::abs(crossing.slope / nfe_axis - 1) <= 5e-2);
  REQUIRE(std::abs(diagonal.slope / nfe_diagonal - 1) <= 5e-2);
  // The anisotropy is real: the diagonal λ♯ is W/V0 = 0.4 of the axis λ♯.
  REQUIRE(std::abs(diagonal.slope / crossing.slope - w / v0) <= 5e-2);
}

TEST_CASE("fit_crossing_order rejects bad input", "[bloch][crossing][errors]") {
  const auto line = wavekin::Lattice<1>::line(2 * std::numbers::pi);
  const wavekin::BlochSolver solver(line, wavekin::FourierCoefficients<1>{}, {.energy_cutoff = 20});
  const Eigen::Matrix<double, 1, 1> half(0.5), zero(0.0), one(1.0);
  const auto fit = wavekin::fit_crossing_order(solver, half, 0, one, 1e-3);
  REQUIRE(std::abs(fit.order - 1) <= 1e-8);  // exact free crossing, as above
  REQUIRE(std::abs(fit.slope - 0.5) <= 1e-8);
  REQUIRE_THROWS_WITH(wavekin::fit_crossing_order(solver, half, 0, zero, 1e-3),
                      Contains("direction must be finite and non-zero"));
  REQUIRE_THROWS_WITH(wavekin::fit_crossing_order(solver, half, 0, one, 0.0),
                      Contains("radius 0 must be > 0"));
}

TEST_CASE("locate_crossing rejects non-finite options", "[bloch][crossing][errors]") {
  const auto line = wavekin::Lattice<1>::line(2 * std::numbers::pi);
  const wavekin::BlochSolver solver(line, wavekin::FourierCoefficients<1>{}, {.energy_cutoff = 20});
  const Eigen::Matrix<double, 1, 1> guess(0.4);
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const wavekin::CrossingOptions options :
       {wavekin::CrossingOptions{.tolerance = inf}, wavekin::CrossingOptions{.tolerance = nan},
        wavekin::CrossingOptions{.initial_step = inf}, wavekin::CrossingOptions{.fit_radius = nan},
        wavekin::CrossingOptions{.max_evaluations = 0}})
    REQUIRE_THROWS_WITH(wavekin::locate_crossing(solver, guess, 0, options),
                        Contains("must be finite and > 0"));
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

}  // namespace wavekin_test_crossing
