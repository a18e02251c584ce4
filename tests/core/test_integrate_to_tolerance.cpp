// Tests for wavekin/core/integrate_to_tolerance.hpp: on y' = −iω(t)y with a known solution, a
// second-order stepper reaches the accuracy asked for, its step count grows like tolerance^{−1/2},
// a too-large first step is rejected and shrunk, the last step lands on t1, the observer sees every
// accepted step; bad options are rejected naming the value.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

#include "test_common.hpp"
#include "wavekin/core/integrate_to_tolerance.hpp"

namespace wavekin_test_integrate_to_tolerance {

using Catch::Matchers::Contains;
using namespace wavekin::test;

namespace {

// ω(t) = 1 + 30t² (the phase speeds up: the right step shrinks along the run), y(t) =
// e^{−i(t + 10t³)} y(0) on each component. The stepper: the exponential midpoint rule
// y ← e^{−iω(t + h/2)h} y, second order (local error (h³/24)ω'' ...).
double omega(double t) { return 1 + 30 * t * t; }
struct Midpoint {
  long calls = 0;
  void step(std::vector<cd>& y, double t, double h) {
    ++calls;
    const cd phase = std::polar(1.0, -omega(t + h / 2) * h);
    for (auto& v : y) v *= phase;
  }
};
double exact_phase(double t) { return t + 10 * t * t * t; }

}  // namespace

TEST_CASE("integrate_to_tolerance: reaches the accuracy asked for with a second-order stepper",
          "[core][integrate]") {
  const std::vector<cd> y0 = {cd(1, 0), cd(0.3, -0.4)};
  long accepted[2];
  const double tolerances[2] = {1e-5, 1e-7};
  for (int i = 0; i < 2; ++i) {
    auto y = y0;
    Midpoint stepper;
    wavekin::ToleranceOptions options;
    options.tolerance = tolerances[i];
    options.order = 2;
    options.initial_dt = 1e-3;
    std::vector<double> times;
    const auto report = wavekin::integrate_to_tolerance(
        stepper, y, 0.0, 1.0, options, wavekin::RelativeL2Distance{},
        [&](const std::vector<cd>&, double t, std::int64_t) { times.push_back(t); });
    const cd phase = std::polar(1.0, -exact_phase(1.0));
    const double error = std::abs(y[0] - y0[0] * phase) / std::abs(y0[0]);
    if (verbose())
      std::printf("tolerance %.0e: error %.2e, %lld accepted, %lld rejected, estimate %.2e\n",
                  tolerances[i], error, static_cast<long long>(report.accepted),
                  static_cast<long long>(report.rejected), report.estimated_error);
    // The sum of local error estimates bounds the global error when they do not cancel (here they
    // add up: the phase error has one sign); the estimate is asymptotically exact, so allow 2×.
    CHECK(error <= 2 * tolerances[i]);
    CHECK(error >= tolerances[i] / 100);  // not grossly over-resolved
    CHECK(times.size() == static_cast<std::size_t>(report.accepted) + 1);
    CHECK(times.back() == 1.0);  // exactly
    CHECK(stepper.calls == 3 * (report.accepted + report.rejected));
    accepted[i] = static_cast<long>(report.accepted);
  }
  // Local error ∝ Δt³ held at tolerance·Δt: Δt ∝ tolerance^{1/2}, so 100× less tolerance takes
  // about 10× the steps; [6, 16] allows for the controller's rounding of the step sequence.
  const double ratio = static_cast<double>(accepted[1]) / static_cast<double>(accepted[0]);
  CHECK(ratio >= 6);
  CHECK(ratio <= 16);
}

TEST_CASE("integrate_to_tolerance: a too-large first step is rejected and shrunk",
          "[core][integrate]") {
  std::vector<cd> y = {cd(1, 0)};
  Midpoint stepper;
  wavekin::ToleranceOptions options;
  options.tolerance = 1e-8;
  options.initial_dt = 1.0;
  const auto report = wavekin::integrate_to_tolerance(stepper, y, 0.0, 1.0, options);
  CHECK(report.rejected >= 1);
  CHECK(std::abs(y[0] - std::polar(1.0, -exact_phase(1.0))) <= 2e-8);
}

TEST_CASE("integrate_to_tolerance: bad options throw invalid_argument naming the value",
          "[core][integrate]") {
  std::vector<cd> y = {cd(1, 0)};
  Midpoint stepper;
  wavekin::ToleranceOptions options;
  options.tolerance = 0;
  CHECK_THROWS_WITH(wavekin::integrate_to_tolerance(stepper, y, 0.0, 1.0, options),
                    Contains("tolerance must be finite and > 0, got 0"));
  options = {};
  options.order = 0;
  CHECK_THROWS_WITH(wavekin::integrate_to_tolerance(stepper, y, 0.0, 1.0, options),
                    Contains("order must be >= 1, got 0"));
  options = {};
  CHECK_THROWS_WITH(wavekin::integrate_to_tolerance(stepper, y, 1.0, 0.0, options),
                    Contains("[1, 0]"));
  options.max_attempts = 3;
  options.tolerance = 1e-12;
  CHECK_THROWS_AS(wavekin::integrate_to_tolerance(stepper, y, 0.0, 1.0, options),
                  wavekin::convergence_error);
}

}  // namespace wavekin_test_integrate_to_tolerance
