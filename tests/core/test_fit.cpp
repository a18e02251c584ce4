// Tests for wavekin/core/fit.hpp: exact slopes of power laws and exponentials, a least-squares
// case solved by hand, and NaN where no line is defined.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "wavekin/core/fit.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_fit {

using namespace wavekin::test::matchers;

TEST_CASE("log_log_slope is the exponent of a power law", "[fit]") {
  // y = 3 x^{-1.5} on x = 2^{-k}: log y = log 3 − 1.5 log x exactly up to the rounding of the
  // logarithms, a few ε of |log x| ≤ 7: 1e-13 absolute is ~100× that.
  std::vector<double> x, y;
  for (int k = 0; k <= 10; ++k) {
    x.push_back(std::ldexp(1.0, -k));
    y.push_back(3 * std::pow(x.back(), -1.5));
  }
  CHECK_THAT(wavekin::log_log_slope(x, y), WithinAbs(-1.5, 1e-13));
  // Non-positive samples have no logarithm and are left out, not fatal.
  x.push_back(0.5);
  y.push_back(0.0);
  CHECK_THAT(wavekin::log_log_slope(x, y), WithinAbs(-1.5, 1e-13));
}

TEST_CASE("log_linear_slope is the rate of an exponential", "[fit]") {
  std::vector<double> t, y;
  for (int k = 0; k <= 20; ++k) {
    t.push_back(0.1 * k);
    y.push_back(2 * std::exp(-0.75 * t.back()));
  }
  CHECK_THAT(wavekin::log_linear_slope(t, y), WithinAbs(-0.75, 1e-13));
}

TEST_CASE("least_squares_line on a case solved by hand", "[fit]") {
  // Points (0, 1), (1, 3), (2, 2): x̄ = 1, ȳ = 2, Σ(x−x̄)(y−ȳ) = 1, Σ(x−x̄)² = 2, so slope ½ and
  // intercept 2 − ½ = 3/2; every sum is exact in binary, so the results are exact.
  const std::vector<double> x{0, 1, 2}, y{1, 3, 2};
  const auto fit = wavekin::least_squares_line(x, y);
  CHECK(fit.slope == 0.5);
  CHECK(fit.intercept == 1.5);
  CHECK(fit.points == 3);
}

TEST_CASE("fits with fewer than two points or one abscissa are NaN, sizes must agree", "[fit]") {
  const std::vector<double> one{1.0}, two{1.0, 1.0}, y2{1.0, 2.0};
  CHECK(std::isnan(wavekin::least_squares_line(one, one).slope));
  CHECK(std::isnan(wavekin::least_squares_line(two, y2).slope));
  CHECK(std::isnan(wavekin::log_log_slope(std::vector<double>{1, 2}, std::vector<double>{1, -1})));
  CHECK_THROWS_AS(wavekin::least_squares_line(one, y2), wavekin::invalid_argument);
}

}  // namespace wavekin_test_fit
