// Tests for wavekin/core/integrate.hpp: the one time loop, its step counts, the times it hands to
// the stepper and the observer, and its input checks.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "wavekin/core/error.hpp"
#include "wavekin/core/integrate.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_integrate {

using Catch::Matchers::Contains;

namespace {

// du/dt = λ(t) u with λ(t) = cos t, stepped exactly: u(t + dt) = u(t) e^{sin(t + dt) − sin t}.
// The exact answer depends on the times the loop passes, so it checks them.
struct ExactGrowth {
  std::vector<double> times;
  void step(double& u, double t, double dt) {
    times.push_back(t);
    u *= std::exp(std::sin(t + dt) - std::sin(t));
  }
};

// ExactGrowth that can also take count steps at once (a MultiStepper), recording each call.
struct MergingGrowth : ExactGrowth {
  struct Call {
    double t0, dt;
    std::int64_t count;
  };
  std::vector<Call> calls;
  void advance(double& u, double t0, double dt, std::int64_t count) {
    calls.push_back({t0, dt, count});
    const double t1 = t0 + static_cast<double>(count) * dt;
    u *= std::exp(std::sin(t1) - std::sin(t0));
  }
};

}  // namespace

TEST_CASE("integrate takes a MultiStepper's steps in one advance() unless an observer looks",
          "[core][integrate]") {
  static_assert(wavekin::MultiStepper<MergingGrowth, double>);
  static_assert(!wavekin::MultiStepper<ExactGrowth, double>);
  MergingGrowth stepper;
  double u = 1;
  // 0 → 2 in steps of at most 0.3: 7 steps of 2/7, in one call from t0 = 0.
  CHECK(wavekin::integrate(stepper, u, 0.0, 2.0, 0.3) == 7);
  REQUIRE(stepper.calls.size() == 1);
  CHECK(stepper.calls[0].t0 == 0.0);
  CHECK(stepper.calls[0].dt == 2.0 / 7);
  CHECK(stepper.calls[0].count == 7);
  CHECK(stepper.times.empty());
  CHECK(u == Approx(std::exp(std::sin(2.0 * 7 / 7) - std::sin(0.0))).epsilon(1e-14));
  // No steps: no call.
  CHECK(wavekin::integrate_n_steps(stepper, u, 1.0, 0.1, 0) == 1.0);
  CHECK(stepper.calls.size() == 1);
  // An observer sees every step, so the loop calls step() one step at a time.
  int seen = 0;
  wavekin::integrate_n_steps(stepper, u, 0.0, 0.1, 5,
                             [&](const double&, double, std::int64_t) { ++seen; });
  CHECK(seen == 6);
  CHECK(stepper.calls.size() == 1);
  CHECK(stepper.times.size() == 5);
}

TEST_CASE("every(stride, observer) observes every stride-th step, advance() taking those between",
          "[core][integrate]") {
  // 10 steps observed every 3: at k = 0, 3, 6, 9 and after the last (10).
  const std::vector<std::int64_t> expected{0, 3, 6, 9, 10};
  std::vector<std::int64_t> seen;
  std::vector<double> seen_times;
  const auto record = [&](const double&, double t, std::int64_t k) {
    seen.push_back(k);
    seen_times.push_back(t);
  };
  MergingGrowth merging;
  double u = 1;
  CHECK(wavekin::integrate_n_steps(merging, u, 0.5, 0.1, 10, wavekin::every(3, record)) ==
        0.5 + 10 * 0.1);
  CHECK(seen == expected);
  for (std::size_t j = 0; j < seen.size(); ++j)
    CHECK(seen_times[j] == 0.5 + static_cast<double>(seen[j]) * 0.1);
  REQUIRE(merging.calls.size() == 4);
  for (std::size_t j = 0; j < 4; ++j) {
    CHECK(merging.calls[j].t0 == 0.5 + static_cast<double>(3 * j) * 0.1);
    CHECK(merging.calls[j].dt == 0.1);
    CHECK(merging.calls[j].count == (j < 3 ? 3 : 1));
  }
  CHECK(merging.times.empty());
  CHECK(u == Approx(std::exp(std::sin(1.5) - std::sin(0.5))).epsilon(1e-14));
  // A stepper without advance() steps one at a time at t0 + k·dt, observed as above.
  seen.clear();
  seen_times.clear();
  ExactGrowth plain;
  double v = 1;
  wavekin::integrate_n_steps(plain, v, 0.5, 0.1, 10, wavekin::every(3, record));
  CHECK(seen == expected);
  REQUIRE(plain.times.size() == 10);
  for (std::size_t k = 0; k < 10; ++k) CHECK(plain.times[k] == 0.5 + double(k) * 0.1);
  CHECK(v == Approx(std::exp(std::sin(1.5) - std::sin(0.5))).epsilon(1e-14));
  // integrate forwards it; an empty interval is observed once, at t0.
  seen.clear();
  CHECK(wavekin::integrate(merging, u, 2.0, 2.0, 0.1, wavekin::every(3, record)) == 0);
  CHECK(seen == std::vector<std::int64_t>{0});
  CHECK_THROWS_WITH(wavekin::every(0, record), Contains("stride 0"));
}

TEST_CASE("integrate_n_steps passes t0 + k dt and observes every step", "[core][integrate]") {
  ExactGrowth stepper;
  double u = 1;
  std::vector<double> observed;
  std::vector<std::int64_t> indices;
  const double t_end = wavekin::integrate_n_steps(stepper, u, 0.5, 0.1, 30,
                                                  [&](const double& value, double t, std::int64_t k) {
                                                    observed.push_back(t);
                                                    indices.push_back(k);
                                                    CHECK(value > 0);
                                                  });
  REQUIRE(stepper.times.size() == 30);
  REQUIRE(observed.size() == 31);
  for (std::size_t k = 0; k < 30; ++k) CHECK(stepper.times[k] == 0.5 + double(k) * 0.1);
  for (std::size_t k = 0; k <= 30; ++k) {
    CHECK(observed[k] == 0.5 + double(k) * 0.1);
    CHECK(indices[k] == std::int64_t(k));
  }
  CHECK(t_end == 0.5 + 30 * 0.1);
  // Exact stepping: the product telescopes to e^{sin 3.5 − sin 0.5}, to round-off of 30 factors.
  CHECK(u == Approx(std::exp(std::sin(3.5) - std::sin(0.5))).epsilon(1e-14));
}

TEST_CASE("integrate lands on t1 in equal steps of at most dt", "[core][integrate]") {
  // T/dt = 80 up to rounding: 80 steps, not 81.
  CHECK(wavekin::step_count(0.0, 20.0, 20.0 / 80) == 80);
  CHECK(wavekin::step_count(0.0, 1.0, 0.1) == 10);
  CHECK(wavekin::step_count(0.0, 1.0, 0.3) == 4);
  CHECK(wavekin::step_count(2.0, 2.0, 0.3) == 0);
  ExactGrowth stepper;
  double u = 2;
  std::vector<double> observed;
  const auto n = wavekin::integrate(stepper, u, 0.0, 1.0, 0.3,
                                    [&](const double&, double t, std::int64_t) { observed.push_back(t); });
  CHECK(n == 4);
  REQUIRE(observed.size() == 5);
  CHECK(observed.back() == Approx(1.0).epsilon(1e-15));
  for (std::size_t k = 0; k < 4; ++k) CHECK(stepper.times[k] == Approx(0.25 * double(k)).margin(1e-15));
  CHECK(u == Approx(2 * std::exp(std::sin(1.0))).epsilon(1e-14));
  // An empty interval observes the start and takes no step.
  ExactGrowth idle;
  double w = 1;
  int calls = 0;
  CHECK(wavekin::integrate(idle, w, 3.0, 3.0, 0.1, [&](const double&, double, std::int64_t) { ++calls; }) == 0);
  CHECK(calls == 1);
  CHECK(idle.times.empty());
}

TEST_CASE("integrate rejects bad times, steps and counts before stepping", "[core][integrate]") {
  ExactGrowth stepper;
  double u = 1;
  CHECK_THROWS_WITH(wavekin::integrate_n_steps(stepper, u, 0.0, 0.0, 3), Contains("dt = 0"));
  CHECK_THROWS_WITH(wavekin::integrate_n_steps(stepper, u, 0.0, -0.1, 3), Contains("dt = -0.1"));
  CHECK_THROWS_WITH(wavekin::integrate_n_steps(stepper, u, std::nan(""), 0.1, 3), Contains("t0 = nan"));
  CHECK_THROWS_WITH(wavekin::integrate_n_steps(stepper, u, 0.0, 0.1, -2), Contains("step count -2"));
  CHECK_THROWS_WITH(wavekin::integrate(stepper, u, 1.0, 0.5, 0.1), Contains("t1 >= t0"));
  CHECK_THROWS_WITH(wavekin::integrate(stepper, u, 0.0, 1.0, std::nan("")), Contains("dt = nan"));
  CHECK_THROWS_WITH(wavekin::integrate(stepper, u, 0.0, 1e300, 1e-300), Contains("too many"));
  CHECK(stepper.times.empty());
  CHECK(u == 1);
}

}  // namespace wavekin_test_integrate
