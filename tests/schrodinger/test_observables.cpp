// Tests for wavekin/schrodinger/observables.hpp: density, total mass and L² norm,
// the current of plane waves (1-D and 2-D), the energy of a plane wave, the
// continuity equation across CN steps, and rejected input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <vector>

#include "gaussian_packet.hpp"
#include "test_common.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/observables.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_observables {

using Catch::Matchers::Contains;
using wavekin::ConstantCoefficient;
using wavekin::CrankNicolsonOptions;
using wavekin::CrankNicolsonSpectral;
using wavekin::FunctionCoefficient;
using wavekin::PeriodicGrid;
using wavekin::SpectralDerivative;
using namespace wavekin::test;

TEST_CASE("density, total_mass and l2_norm", "[schrodinger][observables]") {
  const PeriodicGrid<1> grid({8}, PeriodicGrid<1>::Point(2.0));
  std::vector<cd> u(8, cd(0.6, 0.8));  // |u|² = 1
  u[2] = cd(0, 2);
  const auto rho = wavekin::density(grid, u);
  CHECK(rho[0] == Approx(1.0).epsilon(1e-15));
  CHECK(rho[2] == Approx(4.0).epsilon(1e-15));
  // Σ|u|² h = (7·1 + 4)·0.25.
  CHECK(wavekin::total_mass(grid, u) == Approx(2.75).epsilon(1e-15));
  CHECK(wavekin::l2_norm(grid, u) == Approx(std::sqrt(2.75)).epsilon(1e-15));
}

TEST_CASE("current of a plane wave is m p0 |u|^2, energy is (m p0^2/2 + V) |u|^2 L",
          "[schrodinger][observables]") {
  // u = c e^{ip₀x/ε} with p₀/ε = 2π·3/L a grid wavenumber below Nyquist: the
  // spectral derivative is exact to round-off (~ε_machine·ξ), so J and E
  // match the closed forms to ~1e-13 relative.
  const double epsilon = 0.1, length = 1.0, mass = 1.7, potential = 0.4;
  const double p0 = epsilon * two_pi * 3 / length;
  const PeriodicGrid<1> grid({32}, PeriodicGrid<1>::Point(length));
  const cd c(0.3, -0.4);  // |c|² = 0.25
  std::vector<cd> u(32);
  for (std::ptrdiff_t j = 0; j < 32; ++j)
    u[static_cast<std::size_t>(j)] = c * std::exp(cd(0, p0 * grid.coordinate(0, j) / epsilon));
  SpectralDerivative<1> derivative(grid);
  const std::vector<double> m(32, mass), v(32, potential);
  const auto j = wavekin::current(derivative, u, m, epsilon);
  for (double value : j[0]) CHECK(value == Approx(mass * p0 * 0.25).epsilon(1e-12));
  const double e = wavekin::energy(derivative, u, m, v, epsilon);
  CHECK(e == Approx((mass * p0 * p0 / 2 + potential) * 0.25 * length).epsilon(1e-12));

  // 2-D: J = m p |u|² componentwise.
  using Point = PeriodicGrid<2>::Point;
  const PeriodicGrid<2> plane({16, 8}, Point(1.0, 2.0));
  const double px = epsilon * two_pi * 2 / 1.0, py = -epsilon * two_pi * 1 / 2.0;
  std::vector<cd> w(16 * 8);
  for (std::ptrdiff_t k = 0; k < plane.size(); ++k) {
    const auto x = plane.point(k);
    w[static_cast<std::size_t>(k)] = c * std::exp(cd(0, (px * x[0] + py * x[1]) / epsilon));
  }
  SpectralDerivative<2> derivative2(plane);
  const std::vector<double> m2(16 * 8, mass);
  const auto j2 = wavekin::current(derivative2, w, m2, epsilon);
  for (std::size_t k = 0; k < w.size(); ++k) {
    CHECK(j2[0][k] == Approx(mass * px * 0.25).epsilon(1e-12));
    CHECK(j2[1][k] == Approx(mass * py * 0.25).epsilon(1e-12));
  }
}

TEST_CASE("continuity: d_t rho + d_x J = 0 across CN steps, to O(dt^2)",
          "[schrodinger][observables]") {
  // Three CN states u^{n−1}, u^n, u^{n+1} with variable, time-dependent mass;
  // residual r = (ρ^{n+1} − ρ^{n−1})/(2Δt) + ∂_x J^n (J^n with m(t_n)).
  // The central difference is O(Δt²) (ρ_ttt Δt²/6), and CN's own error in ρ
  // enters the difference at O(Δt²) too; the spatial error is round-off
  // (N = 256 resolves the packet). So r/Δt² must stay bounded: halving Δt
  // divides r by ≈ 4 (we ask for a factor ≥ 3.2, order ≥ 1.7), and r is small
  // against max|∂_tρ| (≤ 1e-3 at Δt = 2e-4, where (ωΔt)² ≈ 1e-4 with the
  // packet's frequency ω = p₀²/(2ε) ≈ 16). Measured: r = 1.9e-4 and 4.7e-5
  // (ratio 4.08) against max|∂_tρ| = 12.
  const double epsilon = 1.0 / 32;
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(1.0));
  const wavekin_test::GaussianPacket packet{64.0, 0.5, 1.0, epsilon, 1.0, 1.0};
  auto mass = [](double t, double x) {
    return (1 + 0.2 * std::sin(two_pi * x)) * (1 + 0.2 * std::cos(two_pi * t));
  };
  SpectralDerivative<1> derivative(grid);
  auto residual = [&](double dt, double& scale) {
    CrankNicolsonOptions<> options;
    options.tolerance = 1e-14;
    CrankNicolsonSpectral cn(grid, epsilon, FunctionCoefficient(mass), ConstantCoefficient<>(0.0),
                             options);
    auto u = packet.sample(grid, 0.0);
    wavekin::integrate_n_steps(cn, u, 0.0, dt, 50);  // let the packet move first
    const double t_previous = 50 * dt;
    const auto rho_previous = wavekin::density(grid, u);
    cn.step(u, t_previous, dt);
    const double t = t_previous + dt;
    std::vector<double> m(256);
    for (std::ptrdiff_t j = 0; j < 256; ++j)
      m[static_cast<std::size_t>(j)] = mass(t, grid.coordinate(0, j));
    const auto current = wavekin::current(derivative, u, m, epsilon);
    cn.step(u, t, dt);
    const auto rho_next = wavekin::density(grid, u);
    std::vector<cd> jx(256), djx(256);
    for (std::size_t j = 0; j < 256; ++j) jx[j] = current[0][j];
    derivative.derivative(jx.data(), djx.data(), 0);
    double worst = 0;
    scale = 0;
    for (std::size_t j = 0; j < 256; ++j) {
      const double rho_t = (rho_next[j] - rho_previous[j]) / (2 * dt);
      scale = std::max(scale, std::abs(rho_t));
      worst = std::max(worst, std::abs(rho_t + djx[j].real()));
    }
    return worst;
  };
  double scale_1 = 0, scale_2 = 0;
  const double r1 = residual(2e-4, scale_1);
  const double r2 = residual(1e-4, scale_2);
  if (verbose())
    std::printf("continuity residual %.3e (dt = 2e-4), %.3e (dt = 1e-4); max|rho_t| = %.3e\n", r1,
                r2, scale_1);
  CHECK(r1 / scale_1 <= 1e-3);
  CHECK(r1 / r2 >= 3.2);
}

TEST_CASE("observables reject bad input naming the value", "[schrodinger][observables]") {
  const PeriodicGrid<1> grid({8}, PeriodicGrid<1>::Point(1.0));
  SpectralDerivative<1> derivative(grid);
  std::vector<cd> u(8, cd(1, 0)), small(3);
  const std::vector<double> m(8, 1.0), short_m(5, 1.0);
  CHECK_THROWS_WITH(wavekin::total_mass(grid, small), Contains("3 values, expected 8"));
  CHECK_THROWS_WITH(wavekin::current(derivative, u, short_m, 0.1),
                    Contains("mass has 5 values, expected 8"));
  CHECK_THROWS_WITH(wavekin::current(derivative, u, m, 0.0),
                    Contains("epsilon must be finite and > 0, got 0"));
  CHECK_THROWS_WITH(wavekin::energy(derivative, u, m, m, -1.0), Contains("got -1"));
}

}  // namespace wavekin_test_observables
