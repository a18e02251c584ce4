// Tests for wavekin/core/error.hpp: the exception family and its checks.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include "wavekin/core/error.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_error {

using Catch::Matchers::Contains;

TEST_CASE("every library exception is a wavekin::error and a std::runtime_error") {
  CHECK_THROWS_AS(throw wavekin::invalid_argument("x"), wavekin::error);
  CHECK_THROWS_AS(throw wavekin::convergence_error("x"), wavekin::error);
  CHECK_THROWS_AS(throw wavekin::io_error("x"), wavekin::error);
  CHECK_THROWS_AS(throw wavekin::io_error("x"), std::runtime_error);
}

TEST_CASE("require formats the message only on failure and throws the requested type") {
  CHECK_NOTHROW(wavekin::require(true, "never {}", 1));
  CHECK_THROWS_WITH(wavekin::require(false, "mass must be > 0, got {}", -0.5),
                    "mass must be > 0, got -0.5");
  CHECK_THROWS_AS(wavekin::require<wavekin::io_error>(false, "cannot open {}", "f.npy"),
                  wavekin::io_error);
}

TEST_CASE("require_finite names the first non-finite entry") {
  const std::vector<double> good{1.0, 2.0};
  CHECK_NOTHROW(wavekin::require_finite(good, "u"));
  const std::vector<double> bad{1.0, 2.0, std::nan(""), 4.0};
  CHECK_THROWS_AS(wavekin::require_finite(bad, "u"), wavekin::invalid_argument);
  CHECK_THROWS_WITH(wavekin::require_finite(bad, "u"), Contains("entry 2") && Contains("u"));
  const std::vector<std::complex<float>> complex_bad{
      {1.f, 0.f}, {0.f, std::numeric_limits<float>::infinity()}};
  CHECK_THROWS_WITH(wavekin::require_finite(complex_bad, "field"), Contains("entry 1"));
}

}  // namespace wavekin_test_error
