// Tests for wavekin/kinetic/exact_collision.hpp: the exact collision propagator against
// SSP-RK3 substeps (third-order convergence to it) and against Eigen's Padé matrix exponential,
// the semigroup property, mass to round-off at any dt, Strang splitting with it, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <unsupported/Eigen/MatrixFunctions>

#include "wavekin/core/integrate.hpp"
#include "wavekin/kinetic/exact_collision.hpp"
#include "wavekin/kinetic/radiative_transfer.hpp"
#include "wavekin/kinetic/spectral_shift_transport.hpp"

#include "unit_box_grid.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_exact_collision {

using namespace wavekin::test::matchers;
using Kernel = wavekin::SeparableCorrelation<>;
using Collision = wavekin::CollisionOperator<1, Kernel>;
using Exact = wavekin::ExactCollision<1, Kernel>;
using wavekin_test::random_field;
using wavekin_test::unit_box_grid;

namespace {

// The k-line generator C rebuilt from Q alone (Q[e_j] on one x-point), not from generator().
Eigen::MatrixXd generator_from_apply(const Collision& collision) {
  const auto nk = collision.grid().k_size();
  Eigen::MatrixXd c(nk, nk);
  Eigen::VectorXd e = Eigen::VectorXd::Zero(collision.grid().size()), column;
  for (Eigen::Index j = 0; j < nk; ++j) {
    e.setZero();
    e[j] = 1;
    collision.apply(e, column);
    c.col(j) = column.head(nk);
  }
  return c;
}

double packet(double x) { return std::exp(-40 * (x - 0.5) * (x - 0.5)); }

}  // namespace

TEST_CASE("Exact collision step is the limit of SSP-RK3 substeps", "[kinetic]") {
  const auto g = unit_box_grid(4, 40, -2, 2);
  Collision rk3(g, Kernel(1.0, 2, 2), 1.0);
  Exact exact(rk3);
  const double T = 4 / rk3.max_rate();  // a few collision times
  const Eigen::VectorXd w0 = random_field(g.size(), 5);
  Eigen::VectorXd truth = w0;
  CHECK(exact.step(truth, T) == 1);
  std::vector<double> errors;
  for (const int steps : {8, 16, 32, 64}) {
    Eigen::VectorXd w = w0;
    for (int s = 0; s < steps; ++s) rk3.step(w, T / steps);
    errors.push_back((w - truth).cwiseAbs().maxCoeff());
  }
  INFO("errors " << errors[0] << " " << errors[1] << " " << errors[2] << " " << errors[3]);
  // SSP-RK3 converges at order 3 to the exact flow; 2.8 allows the pre-asymptotic drift of the
  // ratio. A wrong propagator (e.g. e^{−dt C} or a missing mode) stalls the ratio near 0.
  CHECK(std::log2(errors[2] / errors[3]) >= 2.8);
  CHECK(errors[3] < 1e-5 * w0.cwiseAbs().maxCoeff());
}

TEST_CASE("Exact collision propagator matches the Pade matrix exponential", "[kinetic]") {
  // P2's kernel shape (a = b = 100, D = 1.5) on a coarse k-box around p_0 = 1.5.
  const auto g = unit_box_grid(4, 64, 0.5, 2.5);
  const Collision collision(g, Kernel(1.5, 100, 100), 1.0);
  Exact exact(collision);
  const Eigen::MatrixXd c = generator_from_apply(collision);
  for (const double dt : {std::ldexp(1.0, -12), std::ldexp(1.0, -6), 0.4}) {
    const Eigen::MatrixXd pade = (dt * c).exp();
    const double error = (exact.propagator(dt) - pade).cwiseAbs().maxCoeff();
    INFO("dt " << dt << " max entry error " << error);
    // Both are backward stable: entries ≤ 1 agree to a few hundred ulps of the norm
    // (eigendecomposition error ~ N_k ε ‖C dt‖ with ‖C dt‖ up to ~ 300 at dt = 0.4).
    CHECK(error < 1e-11);
  }
}

TEST_CASE("Exact collision conserves mass to round-off and is a semigroup", "[kinetic]") {
  const auto g = unit_box_grid(8, 64, 0.5, 2.5);
  for (const double tolerance : {0.0, 1e-3}) {
    const Collision collision(g, Kernel(1.5, 100, 100), 1.0,
                              wavekin::CollisionOptions{.compression_tolerance = tolerance});
    Exact exact(collision);
    const Eigen::VectorXd w0 = random_field(g.size(), 11);
    // dt far above SSP-RK3's limit 1/max λ: no substeps, still exact.
    const double dt = 50 * collision.max_stable_dt();
    Eigen::VectorXd once = w0, twice = w0;
    exact.step(once, 2 * dt);
    exact.step(twice, dt);
    exact.step(twice, dt);
    // Unit row sums are imposed on the propagator: Σ W changes by round-off only.
    CHECK_THAT(once.sum(), WithinRel(w0.sum(), 1e-14));
    CHECK_THAT(twice.sum(), WithinRel(w0.sum(), 1e-14));
    // e^{2dt C} = (e^{dt C})²: to round-off of the eigendecomposition.
    CHECK((once - twice).cwiseAbs().maxCoeff() < 1e-12 * w0.cwiseAbs().maxCoeff());
    // e^{dt C} ≥ 0 (C off-diagonal ≥ 0): non-negative data stays so, up to round-off.
    CHECK(once.minCoeff() > -1e-14);
  }
}

TEST_CASE("Strang splitting with the exact collision is second order", "[kinetic]") {
  STATIC_REQUIRE(wavekin::CollisionSolver<Exact>);
  STATIC_REQUIRE(wavekin::CollisionSolver<Collision>);
  const auto g = unit_box_grid(32, 64, 0.25, 2.75);
  const Kernel kernel(1.0, 1.0, 1.0);
  auto make = [&] {
    return wavekin::RadiativeTransfer(wavekin::SpectralShiftTransport<1>(g, 1.0),
                                      Exact(Collision(g, kernel, 1.0)));
  };
  const Eigen::VectorXd w0 = wavekin::monokinetic_initial_data(g, packet, 1.5, 0.2);
  auto probe = make();
  const double T = 20 * probe.collision().collision().max_stable_dt();  // many collision times
  auto solve = [&](long steps) {
    auto rte = make();
    Eigen::VectorXd w = w0;
    wavekin::integrate_n_steps(rte, w, 0.0, T / static_cast<double>(steps), steps);
    CHECK(rte.last_report().collision_substeps == 1);
    return w;
  };
  const Eigen::VectorXd reference = solve(1024);
  CHECK_THAT(reference.sum(), WithinRel(w0.sum(), 1e-12));
  std::vector<double> errors;
  for (const long steps : {8, 16, 32, 64})
    errors.push_back((solve(steps) - reference).cwiseAbs().maxCoeff());
  INFO("errors " << errors[0] << " " << errors[1] << " " << errors[2] << " " << errors[3]);
  // Only the commutator of transport and collision is left: at least order 2 (1.8 allows the
  // drift of the ratio) at dt from 2.5 to 0.3 collision times, where SSP-RK3 would need substeps.
  CHECK(std::log2(errors[1] / errors[2]) >= 1.8);
  CHECK(std::log2(errors[2] / errors[3]) >= 1.8);
}

TEST_CASE("Exact collision rejects bad input", "[kinetic]") {
  const auto g = unit_box_grid(4, 12, -1, 1);
  const Kernel kernel(1.0, 1, 1);
  // m_0 varying in x: one kernel per value, not one propagator.
  const std::vector<double> mass{1.0, 2.0, 1.0, 2.0};
  CHECK_THROWS_AS(Exact(Collision(g, kernel, mass)), wavekin::invalid_argument);
  Exact exact(Collision(g, kernel, 1.0));
  Eigen::VectorXd w = Eigen::VectorXd::Ones(g.size());
  CHECK_THROWS_AS(exact.step(w, 0.0), wavekin::invalid_argument);
  CHECK_THROWS_AS(exact.step(w, -1e-3), wavekin::invalid_argument);
  CHECK_THROWS_AS(exact.step(w, std::nan("")), wavekin::invalid_argument);
  CHECK_THROWS_AS(exact.propagator(INFINITY), wavekin::invalid_argument);
  Eigen::VectorXd short_w = Eigen::VectorXd::Ones(g.size() - 1);
  CHECK_THROWS_AS(exact.step(short_w, 1e-3), wavekin::invalid_argument);
  w[3] = std::nan("");
  CHECK_THROWS_AS(exact.step(w, 1e-3), wavekin::invalid_argument);
  CHECK_THROWS_AS(Collision(g, kernel, 1.0).generator(4), wavekin::invalid_argument);
}

}  // namespace wavekin_test_exact_collision
