// Tests for wavekin/kinetic/weno_transport.hpp: fifth-order convergence on a phase-space
// rotation, mass conservation, the CFL check, moments and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "wavekin/kinetic/weno_transport.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_weno_transport {

using namespace wavekin::test::matchers;
using Vec1 = Eigen::Matrix<double, 1, 1>;

namespace {

constexpr double pi = std::numbers::pi;

// H = ½k² + ½x²: the flow is a rigid rotation of phase space with period 2π.
auto oscillator() {
  return wavekin::make_hamiltonian<1>([](double, double) { return 1.0; },
                                      [](double, double) { return 0.0; },
                                      [](double, double x) { return 0.5 * x * x; },
                                      [](double, double x) { return x; });
}

constexpr double box = 10, x0 = 1.5, sigma = 0.6;
double initial(double x, double k) {
  return std::exp(-((x - x0) * (x - x0) + k * k) / (2 * sigma * sigma));
}
// Exact solution: W(t, x, k) = W0(x cos t − k sin t, x sin t + k cos t).
double exact(double t, double x, double k) {
  return initial(x * std::cos(t) - k * std::sin(t), x * std::sin(t) + k * std::cos(t));
}

wavekin::PhaseSpaceGrid<1> rotation_grid(std::ptrdiff_t n) {
  return {wavekin::PeriodicGrid<1>({n}, Vec1::Constant(box), Vec1::Constant(-box / 2)), {n},
          Vec1::Constant(-box / 2), Vec1::Constant(box / 2)};
}

Eigen::VectorXd sample(const wavekin::PhaseSpaceGrid<1>& g, double t) {
  Eigen::VectorXd w(g.size());
  for (std::ptrdiff_t i = 0; i < g.x_size(); ++i)
    for (std::ptrdiff_t j = 0; j < g.k_size(); ++j)
      w[i * g.k_size() + j] = exact(t, g.x_point(i)[0], g.k_point(j)[0]);
  return w;
}

}  // namespace

TEST_CASE("WENO5 converges at fifth order on a phase-space rotation", "[kinetic]") {
  // T = π/2 (a quarter turn). dt = dt₃₂ (32/N)^{5/3}, with dt₃₂ at the CFL limit, so the
  // RK3 error C·dt³ ∝ h⁵ shrinks with the spatial error and cannot mask it.
  const double T = pi / 2;
  const std::vector<std::ptrdiff_t> sizes{32, 64, 128};
  std::vector<double> l2, linf;
  double dt32 = 0;
  for (auto n : sizes) {
    auto solver = wavekin::make_weno_transport(rotation_grid(n), oscillator());
    if (n == 32) dt32 = solver.max_stable_dt(0);
    const double target = dt32 * std::pow(32.0 / static_cast<double>(n), 5.0 / 3.0);
    const auto steps = static_cast<int>(std::ceil(T / target));
    const double dt = T / steps;
    Eigen::VectorXd w = sample(solver.grid(), 0);
    for (int s = 0; s < steps; ++s) solver.step(w, s * dt, dt);
    const Eigen::VectorXd err = w - sample(solver.grid(), T);
    l2.push_back(std::sqrt(err.squaredNorm() * solver.grid().cell_volume()));
    linf.push_back(err.cwiseAbs().maxCoeff());
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    WARN(fmt::format("N = {}: L2 error {:.3e}, Linf error {:.3e}{}", sizes[i], l2[i], linf[i],
                     i == 0 ? std::string()
                            : fmt::format(", orders L2 {:.2f}, Linf {:.2f}",
                                          std::log2(l2[i - 1] / l2[i]),
                                          std::log2(linf[i - 1] / linf[i]))));
  }
  // L2 order ≥ 4.5 on the finest pair (measured 4.65). The max-norm order is lower
  // (measured 4.35, rising from 3.88): Jiang–Shu weights with ε = 1e-6 still deviate from
  // the linear ones at the Gaussian's smooth extremum at these resolutions (β ~ (h²W'')²
  // ≫ ε), the known local loss of order at critical points; it shows up in the max norm
  // first. Hence only ≥ 4 is asserted there.
  CHECK(std::log2(l2[1] / l2[2]) >= 4.5);
  CHECK(std::log2(linf[1] / linf[2]) >= 4.0);
  CHECK(l2[2] < 2e-4);
}

TEST_CASE("WENO5 conserves mass to round-off with periodic x and no k outflow", "[kinetic]") {
  // Pendulum H = ½k² + ½cos x on x ∈ [0, 2π) periodic: orbits stay in |k| ≤ √(k₀² + 2).
  // a_x = k is constant along x-lines and a_k = sin x along k-lines, so the Lax–Friedrichs
  // splitting is pure upwinding and no numerical diffusion carries W to the k edges ±6:
  // the k-boundary fluxes stay below round-off and any drift is the round-off of the
  // telescoping sums.
  const auto h = wavekin::make_hamiltonian<1>([](double, double) { return 1.0; },
                                              [](double, double) { return 0.0; },
                                              [](double, double x) { return 0.5 * std::cos(x); },
                                              [](double, double x) { return -0.5 * std::sin(x); });
  const wavekin::PhaseSpaceGrid<1> g(wavekin::PeriodicGrid<1>::cube(64, 2 * pi), {64},
                                     Vec1::Constant(-6), Vec1::Constant(6));
  auto solver = wavekin::make_weno_transport(g, h);
  Eigen::VectorXd w(g.size());
  for (std::ptrdiff_t i = 0; i < g.x_size(); ++i)
    for (std::ptrdiff_t j = 0; j < g.k_size(); ++j) {
      const double x = g.x_point(i)[0], k = g.k_point(j)[0];
      w[i * g.k_size() + j] = (1 + 0.5 * std::cos(x)) * std::exp(-(k - 0.3) * (k - 0.3) / 0.18);
    }
  const double m0 = solver.mass(w);
  const double dt = solver.max_stable_dt(0);
  for (int s = 0; s < 200; ++s) solver.step(w, s * dt, dt);
  const double drift = std::abs(solver.mass(w) - m0) / m0;
  WARN(fmt::format("relative mass drift after 200 steps (t = {:.2f}): {:.2e}", 200 * dt, drift));
  // Round-off of 200 steps × 4096 cells: ~ ε_mach · √(200 · 4096) ≈ 2e-13; bound 1e-12.
  CHECK(drift < 1e-12);
}

TEST_CASE("WENO5 in 2D (4D phase space) runs and conserves mass", "[kinetic]") {
  using V2 = Eigen::Vector2d;
  // m_0 = 1, V = 0.1(cos 2πx₀ + cos 2πx₁): every axis velocity is constant along its own
  // grid lines, so the flux splitting is pure upwinding (no diffusion toward the k edges).
  const auto h = wavekin::make_hamiltonian<2>(
      [](double, const V2&) { return 1.0; }, [](double, const V2&) { return V2(0, 0); },
      [](double, const V2& x) { return 0.1 * (std::cos(2 * pi * x[0]) + std::cos(2 * pi * x[1])); },
      [](double, const V2& x) {
        return V2(-0.2 * pi * std::sin(2 * pi * x[0]), -0.2 * pi * std::sin(2 * pi * x[1]));
      });
  const wavekin::PhaseSpaceGrid<2> grid(wavekin::PeriodicGrid<2>::cube(8, 1.0), {32, 32},
                                        V2(-8, -8), V2(8, 8));
  auto solver = wavekin::make_weno_transport(grid, h);
  Eigen::VectorXd w(grid.size());
  for (std::ptrdiff_t i = 0; i < grid.x_size(); ++i)
    for (std::ptrdiff_t j = 0; j < grid.k_size(); ++j) {
      const V2 k = grid.k_point(j), x = grid.x_point(i);
      w[i * grid.k_size() + j] = (1 + 0.5 * std::cos(2 * pi * x[0])) * std::exp(-2 * k.squaredNorm());
    }
  const double m0 = solver.mass(w);
  const double dt = solver.max_stable_dt(0);
  for (int s = 0; s < 10; ++s) solver.step(w, s * dt, dt);
  // Each RK stage lets the WENO stencil move tails of W by up to 3 cells (at the level of
  // the smoothness-weighted reconstruction error). With k ∈ [−8, 8] the Gaussian is
  // exp(−2·8²) ≈ 1e-56 at the edges and the tails need > 30 stages to reach them, so
  // the k-boundary fluxes stay below round-off (measured: with k ∈ [−6, 6] they were
  // 3e-13). Bound: round-off of 10 steps × 65536 cells, 1e-13 relative.
  WARN(fmt::format("2D relative mass drift after 10 steps: {:.2e}", std::abs(solver.mass(w) - m0) / m0));
  CHECK_THAT(solver.mass(w), WithinRel(m0, 1e-13));
  CHECK(w.allFinite());
}

TEST_CASE("WENO step rejects dt above the CFL limit", "[kinetic]") {
  auto solver = wavekin::make_weno_transport(rotation_grid(32), oscillator());
  Eigen::VectorXd w = sample(solver.grid(), 0);
  const Eigen::VectorXd before = w;
  const double limit = solver.max_stable_dt(0);
  // cfl 0.5: dt ≤ 0.5 / (max|k|/Δk + max|x|/h).
  CHECK_THAT(limit, WithinRel(0.5 / ((5 - 10.0 / 64) / (10.0 / 32) + 5.0 / (10.0 / 32)), 1e-12));
  CHECK_THROWS_AS(solver.step(w, 0, 1.01 * limit), wavekin::invalid_argument);
  CHECK_THROWS_WITH(solver.step(w, 0, 1.01 * limit), Contains("CFL"));
  CHECK(w == before);
  CHECK_NOTHROW(solver.step(w, 0, limit));
}

TEST_CASE("Moments of a known W", "[kinetic]") {
  // W = ρ(x) G(k − u(x)), G a unit-mass Gaussian of width 0.3 well inside [−4, 4]:
  // ∫W dk = ρ and J = m_0 ρ u. The midpoint rule is spectrally accurate for the
  // Gaussian (Δk = 0.125 ≈ 0.4 width): error far below 1e-10.
  const double L = 2;
  auto mass = [L](double, double x) { return 1 + 0.3 * std::sin(2 * pi * x / L); };
  const auto h = wavekin::make_hamiltonian<1>(mass, [](double, double) { return 0.0; },
                                              [](double, double) { return 0.0; },
                                              [](double, double) { return 0.0; });
  const wavekin::PhaseSpaceGrid<1> grid(wavekin::PeriodicGrid<1>::cube(16, L), {64},
                                        Vec1::Constant(-4), Vec1::Constant(4));
  const auto solver = wavekin::make_weno_transport(grid, h);
  auto rho = [](double x) { return 1 + 0.5 * std::cos(pi * x); };
  auto u = [](double x) { return 0.8 * std::sin(pi * x); };
  const double s = 0.3;
  Eigen::VectorXd w(grid.size());
  for (std::ptrdiff_t i = 0; i < grid.x_size(); ++i)
    for (std::ptrdiff_t j = 0; j < grid.k_size(); ++j) {
      const double x = grid.x_point(i)[0], k = grid.k_point(j)[0];
      w[i * grid.k_size() + j] =
          rho(x) * std::exp(-(k - u(x)) * (k - u(x)) / (2 * s * s)) / (std::sqrt(2 * pi) * s);
    }
  const auto density = solver.density(w);
  const auto current = solver.current(w, 0.0);
  for (std::ptrdiff_t i = 0; i < grid.x_size(); ++i) {
    const double x = grid.x_point(i)[0];
    CHECK_THAT(density[i], WithinAbs(rho(x), 1e-10));
    CHECK_THAT(current(0, i), WithinAbs(mass(0, x) * rho(x) * u(x), 1e-10));
  }
}

TEST_CASE("WenoTransport rejects bad input, naming the value", "[kinetic]") {
  auto solver = wavekin::make_weno_transport(rotation_grid(32), oscillator());
  Eigen::VectorXd w = sample(solver.grid(), 0);
  CHECK_THROWS_WITH(solver.step(w, 0, -0.01), Contains("-0.01"));
  CHECK_THROWS_AS(solver.step(w, 0, 0.0), wavekin::invalid_argument);
  Eigen::VectorXd bad = w;
  bad[17] = std::nan("");
  CHECK_THROWS_WITH(solver.step(bad, 0, 1e-3), Contains("entry 17"));
  Eigen::VectorXd short_w(10);
  CHECK_THROWS_AS(solver.step(short_w, 0, 1e-3), wavekin::invalid_argument);
  const auto negative = wavekin::make_hamiltonian<1>([](double, double x) { return x; },
                                                     [](double, double) { return 1.0; },
                                                     [](double, double) { return 0.0; },
                                                     [](double, double) { return 0.0; });
  auto bad_mass = wavekin::make_weno_transport(rotation_grid(32), negative);
  CHECK_THROWS_AS(bad_mass.max_stable_dt(0), wavekin::invalid_argument);
  CHECK_THROWS_WITH(bad_mass.max_stable_dt(0), Contains("-5"));
  CHECK_THROWS_AS(wavekin::make_weno_transport(rotation_grid(32), oscillator(), {2.0, 1e-6}),
                  wavekin::invalid_argument);
  CHECK_THROWS_AS(rotation_grid(33), wavekin::invalid_argument);
}

}  // namespace wavekin_test_weno_transport
