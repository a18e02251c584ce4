// Tests for wavekin/kinetic/characteristics.hpp: exact trajectories, Jacobians, energy
// conservation, monokinetic branch sums (chirp closed form) and mass through caustics.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include <Eigen/LU>
#include <fmt/format.h>

#include "wavekin/kinetic/characteristics.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_characteristics {

using namespace wavekin::test::matchers;
using Vec1 = Eigen::Matrix<double, 1, 1>;

namespace {

auto free_hamiltonian() {
  return wavekin::make_hamiltonian<1>([](double, double) { return 1.0; },
                                      [](double, double) { return 0.0; },
                                      [](double, double) { return 0.0; },
                                      [](double, double) { return 0.0; });
}

}  // namespace

TEST_CASE("Free streaming: x = y + pT and Jacobian [[1, T], [0, 1]]", "[kinetic]") {
  const wavekin::Characteristics solver(free_hamiltonian());
  const double y = 0.3, p = 0.7, T = 2.0;
  const auto tr = solver.trace(Vec1::Constant(y), Vec1::Constant(p), 0.0, T);
  // The solution is linear in t, which Dormand–Prince integrates exactly: only
  // round-off of ~10 steps remains, so 1e-13 absolute.
  CHECK_THAT(tr.x[0], WithinAbs(y + p * T, 1e-13));
  CHECK_THAT(tr.k[0], WithinAbs(p, 1e-13));
  CHECK_THAT(tr.jacobian(0, 0), WithinAbs(1, 1e-13));
  CHECK_THAT(tr.jacobian(0, 1), WithinAbs(T, 1e-13));
  CHECK_THAT(tr.jacobian(1, 0), WithinAbs(0, 1e-13));
  CHECK_THAT(tr.jacobian(1, 1), WithinAbs(1, 1e-13));
  // Backward in time returns to the start.
  const auto back = solver.trace(tr.x, tr.k, T, 0.0);
  CHECK_THAT(back.x[0], WithinAbs(y, 1e-13));
}

TEST_CASE("Constant mass, linear potential V = -F x: uniform acceleration", "[kinetic]") {
  const double F = 0.8;
  const wavekin::Characteristics solver(wavekin::make_hamiltonian<1>(
      [](double, double) { return 1.0; }, [](double, double) { return 0.0; },
      [F](double, double x) { return -F * x; }, [F](double, double) { return -F; }));
  const double y = -0.4, p = 0.25, T = 3.0;
  const auto tr = solver.trace(Vec1::Constant(y), Vec1::Constant(p), 0.0, T);
  // Quadratic in t: integrated exactly up to round-off (1e-12 on values of order 5).
  CHECK_THAT(tr.k[0], WithinAbs(p + F * T, 1e-12));
  CHECK_THAT(tr.x[0], WithinAbs(y + p * T + 0.5 * F * T * T, 1e-12));
  CHECK_THAT(tr.jacobian(0, 1), WithinAbs(T, 1e-12));
  CHECK_THAT(tr.jacobian(0, 0), WithinAbs(1, 1e-12));
}

TEST_CASE("Energy is conserved along trajectories of a time-independent H", "[kinetic]") {
  const auto h = wavekin::make_hamiltonian<1>(
      [](double, double x) { return 1 + 0.3 * std::sin(x); },
      [](double, double x) { return 0.3 * std::cos(x); },
      [](double, double x) { return 0.5 * std::cos(2 * x); },
      [](double, double x) { return -std::sin(2 * x); });
  const wavekin::Characteristics solver(h);
  double worst = 0;
  for (double p : {-1.5, 0.2, 0.9, 2.0}) {
    const Vec1 y = Vec1::Constant(0.7), p0 = Vec1::Constant(p);
    const auto tr = solver.trace(y, p0, 0.0, 10.0);
    const double e0 = h.value(0, y, p0), e1 = h.value(10.0, tr.x, tr.k);
    worst = std::max(worst, std::abs(e1 - e0) / std::abs(e0));
    // Symplectic structure: det ∂(x,k)/∂(y,p) = 1 (Liouville); the Jacobian carries the
    // finite-difference Hessian error (~1e-12) plus the integration error (~rtol).
    CHECK_THAT(tr.jacobian.determinant(), WithinAbs(1, 1e-7));
  }
  WARN(fmt::format("max relative energy drift over T = 10: {:.2e}", worst));
  // rtol = 1e-10 per step, a few hundred steps: drift bounded by 1e-8.
  CHECK(worst < 1e-8);
}

TEST_CASE("Jacobian matches finite differences of the flow", "[kinetic]") {
  const auto h = wavekin::make_hamiltonian<1>(
      [](double, double x) { return 1 + 0.3 * std::sin(x); },
      [](double, double x) { return 0.3 * std::cos(x); },
      [](double t, double x) { return 0.5 * std::cos(x) * std::cos(t); },
      [](double t, double x) { return -0.5 * std::sin(x) * std::cos(t); });
  const wavekin::Characteristics solver(h, {1e-12, 1e-12, 1000000});
  const double y = 0.2, p = 0.8, T = 3, d = 1e-5;
  const auto c = solver.trace(Vec1::Constant(y), Vec1::Constant(p), 0, T);
  const auto yp = solver.trace(Vec1::Constant(y + d), Vec1::Constant(p), 0, T);
  const auto ym = solver.trace(Vec1::Constant(y - d), Vec1::Constant(p), 0, T);
  const auto pp = solver.trace(Vec1::Constant(y), Vec1::Constant(p + d), 0, T);
  const auto pm = solver.trace(Vec1::Constant(y), Vec1::Constant(p - d), 0, T);
  // Central differences: O(d²) ≈ 1e-10 truncation, 1e-12/d = 1e-7 from the ODE tolerance.
  CHECK_THAT(c.jacobian(0, 0), WithinAbs((yp.x[0] - ym.x[0]) / (2 * d), 1e-6));
  CHECK_THAT(c.jacobian(1, 0), WithinAbs((yp.k[0] - ym.k[0]) / (2 * d), 1e-6));
  CHECK_THAT(c.jacobian(0, 1), WithinAbs((pp.x[0] - pm.x[0]) / (2 * d), 1e-6));
  CHECK_THAT(c.jacobian(1, 1), WithinAbs((pp.k[0] - pm.k[0]) / (2 * d), 1e-6));
}

TEST_CASE("Monokinetic chirp under free streaming matches rho_I(y)/|1 + cT|", "[kinetic]") {
  const double A = 2, x0 = 0, p0 = 6, T = 1;  // p0 T = 6 wraps around the box [-4, 4)
  const wavekin::PeriodicGrid<1> grid({256}, Vec1::Constant(8.0), Vec1::Constant(-4.0));
  const wavekin::Characteristics solver(free_hamiltonian());
  for (double c : {-0.5, 0.7}) {  // focusing and defocusing
    auto rho = [&](double y) { return std::exp(-2 * A * (y - x0) * (y - x0)); };
    auto p = [&](double y) { return p0 + c * y; };
    auto dp = [&](double) { return c; };
    const auto s = wavekin::monokinetic_1d(solver, rho, p, dp, 0.0, T, 4000, grid);
    double err_point = 0, err_dep = 0, err_current = 0, peak = 0;
    for (std::ptrdiff_t j = 0; j < grid.count(0); ++j) {
      const double x = -4 + static_cast<double>(j) * grid.spacing(0);
      // Preimage: x + 8 n = y + (p0 + c y) T.
      double exact = 0, exact_current = 0;
      for (int n = -3; n <= 3; ++n) {
        const double y = (x + 8 * n - p0 * T) / (1 + c * T);
        exact += rho(y) / std::abs(1 + c * T);
        exact_current += (p0 + c * y) * rho(y) / std::abs(1 + c * T);
      }
      peak = std::max(peak, exact);
      err_point = std::max(err_point, std::abs(s.density_pointwise[j] - exact));
      err_dep = std::max(err_dep, std::abs(s.density_deposit[j] - exact));
      err_current = std::max(err_current, std::abs(s.current_pointwise[j] - exact_current));
      CHECK_FALSE(s.caustic[static_cast<std::size_t>(j)]);
    }
    WARN(fmt::format("chirp c = {}: peak {:.3f}, pointwise err {:.2e}, deposit err {:.2e}, "
                     "current err {:.2e}", c, peak, err_point, err_dep, err_current));
    // Pointwise: linear interpolation in y with Δy = 0.002: Δy²|ρ''|/8 ≲ 1e-5·peak.
    CHECK(err_point < 1e-4 * peak);
    CHECK(err_current < 1e-3 * peak * p0);
    // Deposit = ρ⁰ smoothed by the hat of width h = 1/32: error ≈ h²|ρ⁰''|/12 ≲ 2e-2·peak.
    CHECK(err_dep < 2e-2 * peak);
    CHECK_THAT(grid.spacing(0) * s.density_deposit.sum(), WithinRel(s.initial_mass, 1e-13));
  }
}

TEST_CASE("Mass is conserved by the segment deposit through caustics", "[kinetic]") {
  constexpr double pi = std::numbers::pi;
  const wavekin::PeriodicGrid<1> grid({128}, Vec1::Constant(2 * pi), Vec1::Constant(-pi));
  const wavekin::Characteristics solver(free_hamiltonian());
  // p_I = −sin y, T = 2: ∂x/∂y = 1 − 2 cos y vanishes at y = ±π/3: two folds (a cusp
  // formed at T = 1).
  auto rho = [](double y) { return 1 + 0.5 * std::cos(y); };
  auto p = [](double y) { return -std::sin(y); };
  auto dp = [](double y) { return -std::cos(y); };
  const auto s = wavekin::monokinetic_1d(solver, rho, p, dp, 0.0, 2.0, 3000, grid);
  const double deposited = grid.spacing(0) * s.density_deposit.sum();
  WARN(fmt::format("caustic case: initial mass {:.16f}, deposited {:.16f}, rel diff {:.2e}",
                   s.initial_mass, deposited, std::abs(deposited - s.initial_mass) / s.initial_mass));
  // Round-off of ~3000 segment deposits of order-1 numbers: 1e-13 relative.
  CHECK_THAT(deposited, WithinRel(s.initial_mass, 1e-13));
  CHECK_THAT(s.initial_mass, WithinRel(2 * pi, 1e-13));
  int flagged = 0;
  for (bool f : s.caustic) flagged += f ? 1 : 0;
  // A fold segment spans only O(Δy²) in x, so a grid node rarely falls on one: at most
  // one node per fold may be flagged. The folds themselves are where ∂x/∂y changes sign.
  CHECK(flagged <= 2);
  int folds = 0;
  for (Eigen::Index i = 0; i + 1 < s.dx_dy.size(); ++i) folds += (s.dx_dy[i] * s.dx_dy[i + 1] <= 0) ? 1 : 0;
  CHECK(folds == 2);
  // Away from caustics the pointwise branch sum agrees with the deposit (O(h²)).
  double worst = 0;
  for (std::ptrdiff_t j = 0; j < grid.count(0); ++j) {
    const double x = -pi + static_cast<double>(j) * grid.spacing(0);
    // Caustic x-positions: x = ±(π/3 − 2 sin(π/3)) ≈ ∓0.685; stay 0.4 away.
    if (std::abs(std::abs(x) - 0.685) < 0.4) continue;
    worst = std::max(worst, std::abs(s.density_pointwise[j] - s.density_deposit[j]));
  }
  CHECK(worst < 2e-2);
}

TEST_CASE("Characteristics reports step failures and bad input", "[kinetic]") {
  const auto h = wavekin::make_hamiltonian<1>(
      [](double, double x) { return 1 + 0.3 * std::sin(x); },
      [](double, double x) { return 0.3 * std::cos(x); }, [](double, double) { return 0.0; },
      [](double, double) { return 0.0; });
  const wavekin::Characteristics few(h, {1e-10, 1e-10, 5});
  CHECK_THROWS_AS(few.trace(Vec1::Constant(0), Vec1::Constant(1), 0, 100),
                  wavekin::convergence_error);
  CHECK_THROWS_AS(wavekin::Characteristics(h, {-1.0, 1e-10, 10}), wavekin::invalid_argument);
  CHECK_THROWS_WITH(wavekin::Characteristics(h, {1e-10, 1e-10, 0}),
                    Contains("max_steps must be >= 1, got 0"));
  const wavekin::Characteristics solver(h);
  CHECK_THROWS_AS(solver.trace(Vec1::Constant(std::nan("")), Vec1::Constant(1), 0, 1),
                  wavekin::invalid_argument);
  const auto bad_mass = wavekin::make_hamiltonian<1>(
      [](double, double x) { return -1 + 0 * x; }, [](double, double) { return 0.0; },
      [](double, double) { return 0.0; }, [](double, double) { return 0.0; });
  const wavekin::Characteristics bad(bad_mass);
  CHECK_THROWS_WITH(bad.trace(Vec1::Constant(0), Vec1::Constant(1), 0, 1), Contains("-1"));
}

TEST_CASE("Characteristics in 2D: free streaming and the block Jacobian", "[kinetic]") {
  using V2 = Eigen::Vector2d;
  const wavekin::Characteristics solver(wavekin::make_hamiltonian<2>(
      [](double, const V2&) { return 2.0; }, [](double, const V2&) { return V2(0, 0); },
      [](double, const V2&) { return 0.0; }, [](double, const V2&) { return V2(0, 0); }));
  const V2 y(0.1, -0.2), p(0.5, 1.5);
  const double T = 1.5;
  const auto tr = solver.trace(y, p, 0.0, T);
  // ẋ = m_0 k = 2p: linear in t, exact up to round-off.
  CHECK((tr.x - (y + 2 * T * p)).norm() < 1e-13);
  Eigen::Matrix4d expected = Eigen::Matrix4d::Identity();
  expected.topRightCorner<2, 2>() = 2 * T * Eigen::Matrix2d::Identity();
  CHECK((tr.jacobian - expected).norm() < 1e-13);
}

}  // namespace wavekin_test_characteristics
