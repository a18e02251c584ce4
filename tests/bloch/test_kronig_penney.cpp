// Tests for wavekin/bloch/kronig_penney.hpp: V̂ against the integral done by hand, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>

#include "wavekin/bloch/kronig_penney.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_kronig_penney {

using Catch::Matchers::Contains;
using wavekin::lattice_index;

TEST_CASE("KronigPenney V̂ is (1/a)∫_0^w V0 e^{-iμy} dy", "[bloch][potential]") {
  const double v0 = 7.5, a = 2.0, w = 0.6;
  const wavekin::KronigPenney<> v(v0, a, w);
  const auto lattice = v.lattice();
  REQUIRE(v.fourier_coefficient(lattice, lattice_index(0)) == std::complex<double>(v0 * w / a));
  for (int n = -40; n <= 40; ++n) {
    if (n == 0) continue;
    const double mu = 2 * std::numbers::pi * n / a;
    // ∫_0^w e^{-iμy} dy = (sin μw)/μ − i (1 − cos μw)/μ: another formula than the
    // library's sinc form; both are O(1) combinations of O(1) terms, so 1e-14·V0.
    const std::complex<double> expected =
        v0 / a * std::complex<double>(std::sin(mu * w) / mu, -(1 - std::cos(mu * w)) / mu);
    REQUIRE(std::abs(v.fourier_coefficient(lattice, lattice_index(n)) - expected) <= 1e-14 * v0);
  }
}

TEST_CASE("KronigPenney rejects bad parameters, naming them", "[bloch][potential][errors]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_THROWS_MATCHES(
      wavekin::KronigPenney<>(1.0, 1.0, 1.5), wavekin::invalid_argument,
      Catch::Matchers::Message("KronigPenney: barrier width w = 1.5 must lie in (0, a) = (0, 1)"));
  REQUIRE_THROWS_WITH(wavekin::KronigPenney<>(1.0, 1.0, 0.0), Contains("w = 0 must lie in"));
  REQUIRE_THROWS_WITH(wavekin::KronigPenney<>(1.0, 1.0, 1.0), Contains("w = 1 must lie in"));
  REQUIRE_THROWS_WITH(wavekin::KronigPenney<>(nan, 1.0, 0.5), Contains("V0 = nan"));
  REQUIRE_THROWS_WITH(wavekin::KronigPenney<>(1.0, -2.0, 0.5), Contains("period a = -2"));
  REQUIRE_THROWS_WITH(wavekin::KronigPenney<>(1.0, 1.0, nan), Contains("w = nan"));
  const wavekin::KronigPenney<> v(1.0, 1.0, 0.5);
  REQUIRE_THROWS_WITH(v.fourier_coefficient(wavekin::Lattice<1>::line(2.0), lattice_index(1)),
                      Contains("lattice period 2 differs from the potential's period a = 1"));
}

}  // namespace wavekin_test_kronig_penney
