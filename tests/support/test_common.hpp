// Small helpers shared by the test files: the complex alias, 2π, and the
// WAVEKIN_TEST_VERBOSE switch that makes tests print what they measured.
// SPDX-License-Identifier: MIT
#pragma once

#include <complex>
#include <cstdlib>
#include <numbers>

namespace wavekin::test {

using cd = std::complex<double>;
inline constexpr double two_pi = 2 * std::numbers::pi;

/// \brief True when WAVEKIN_TEST_VERBOSE is set: tests then print the errors they measured.
inline bool verbose() {
  return std::getenv("WAVEKIN_TEST_VERBOSE") != nullptr;
}

}  // namespace wavekin::test
