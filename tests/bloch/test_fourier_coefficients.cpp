// Tests for wavekin/bloch/fourier_coefficients.hpp: table look-up, conjugate pairs, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>

#include "wavekin/bloch/fourier_coefficients.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_fourier_coefficients {

using Catch::Matchers::Contains;
using wavekin::lattice_index;

TEST_CASE("FourierCoefficients returns the table and zero elsewhere", "[bloch][potential]") {
  const auto lattice = wavekin::Lattice<2>::square(1.0);
  wavekin::FourierCoefficients<2> v;
  v.set(lattice_index(0, 0), 2.0).set_conjugate_pair(lattice_index(1, -2), {0.5, 0.25});
  STATIC_REQUIRE(wavekin::PeriodicPotential<wavekin::FourierCoefficients<2>, 2, double>);
  REQUIRE(v.size() == 3);
  // Stored values come back bit for bit: no arithmetic is involved.
  REQUIRE(v.fourier_coefficient(lattice, lattice_index(0, 0)) == std::complex<double>(2.0));
  REQUIRE(v.fourier_coefficient(lattice, lattice_index(1, -2)) == std::complex<double>(0.5, 0.25));
  REQUIRE(v.fourier_coefficient(lattice, lattice_index(-1, 2)) == std::complex<double>(0.5, -0.25));
  REQUIRE(v.fourier_coefficient(lattice, lattice_index(5, 5)) == std::complex<double>(0.0));
}

TEST_CASE("FourierCoefficients rejects bad entries, naming them", "[bloch][potential][errors]") {
  wavekin::FourierCoefficients<1> v;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_THROWS_MATCHES(
      v.set(lattice_index(2), {nan, 0.0}), wavekin::invalid_argument,
      Catch::Matchers::Message(
          "FourierCoefficients: the value for index (2) is not finite (nan, 0)"));
  v.set(lattice_index(1), 1.0);
  REQUIRE_THROWS_WITH(v.set(lattice_index(1), 2.0), Contains("index (1) is given twice"));
  REQUIRE_THROWS_WITH(v.set_conjugate_pair(lattice_index(-1), 2.0),  // its partner (1) exists
                      Contains("index (1) is given twice"));
  REQUIRE(v.size() == 1);  // the failed pair left the table unchanged
  REQUIRE_THROWS_WITH(v.set_conjugate_pair(lattice_index(0), {1.0, 0.5}),
                      Contains("must be real, got (1, 0.5)"));
}

}  // namespace wavekin_test_fourier_coefficients
