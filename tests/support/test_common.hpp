// Small helpers shared by the test files: the complex alias, 2π, the Catch2 matchers, and the
// WAVEKIN_TEST_VERBOSE switch that makes tests print what they measured.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <span>

#include <catch2/catch.hpp>
#include <Eigen/Core>

namespace wavekin::test {

using cd = std::complex<double>;
inline constexpr double two_pi = 2 * std::numbers::pi;

/// \brief True when WAVEKIN_TEST_VERBOSE is set: tests then print the errors they measured.
inline bool verbose() {
  return std::getenv("WAVEKIN_TEST_VERBOSE") != nullptr;
}

}  // namespace wavekin::test

/// Names many test files use: `using namespace wavekin::test::common;`.
namespace wavekin::test::common {
using cplx = std::complex<double>;
using Vec1 = Eigen::Matrix<double, 1, 1>;
using Vec2 = Eigen::Vector2d;
inline constexpr double pi = std::numbers::pi;
/// Machine epsilon of double, the unit of the round-off tolerances.
inline constexpr double eps = std::numeric_limits<double>::epsilon();
/// ‖u − exact‖ / ‖exact‖ on a grid (equal weights).
inline double relative_l2_error(std::span<const cplx> u, std::span<const cplx> exact) {
  double error = 0, norm = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    error += std::norm(u[i] - exact[i]);
    norm += std::norm(exact[i]);
  }
  return std::sqrt(error / norm);
}
}  // namespace wavekin::test::common

/// The Catch2 matchers the tests use: `using namespace wavekin::test::matchers;`.
namespace wavekin::test::matchers {
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using Catch::Matchers::EndsWith;
}  // namespace wavekin::test::matchers
