// Tests for wavekin/bloch/cosine_sum.hpp: V̂ against a quadrature of V over the cell, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>
#include <numbers>

#include "cell_quadrature.hpp"
#include "wavekin/bloch/cosine_sum.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_cosine_sum {

using Catch::Matchers::Contains;
using wavekin::lattice_index;

TEST_CASE("CosineSum V̂ equals the cell average of V (1D Mathieu, 2D non-separable)",
          "[bloch][potential]") {
  // The trapezoidal rule on 16 points per axis is exact for these trigonometric
  // polynomials (labels |n| <= 2 < 8), so V̂ must agree to rounding: 16^Dim
  // terms of size ≤ Σ|a| each carry ε, hence 1e-13.
  SECTION("Mathieu V0 cos 2x on the line of period π") {
    const auto lattice = wavekin::Lattice<1>::line(std::numbers::pi);
    const wavekin::CosineSum<1> v({{3.0, lattice_index(1)}});
    auto direct = [](const Eigen::Matrix<double, 1, 1>& y) { return 3.0 * std::cos(2 * y[0]); };
    for (int n = -3; n <= 3; ++n) {
      const auto expected = wavekin_test::cell_average<1>(lattice, direct, lattice_index(n), 16);
      REQUIRE(std::abs(v.fourier_coefficient(lattice, lattice_index(n)) - expected) <= 1e-13);
    }
    REQUIRE(v.fourier_coefficient(lattice, lattice_index(1)) == std::complex<double>(1.5));
  }
  SECTION("2D triangular lattice, non-separable terms with phases") {
    const auto lattice = wavekin::Lattice<2>::triangular(1.3);
    wavekin::CosineSum<2> v;
    v.add(1.0, lattice_index(1, 1))
        .add(-0.7, lattice_index(2, -1), 0.4)
        .add(0.25, lattice_index(0, 0));
    auto direct = [&](const Eigen::Vector2d& y) {
      return std::cos(lattice.reciprocal(lattice_index(1, 1)).dot(y)) -
             0.7 * std::cos(lattice.reciprocal(lattice_index(2, -1)).dot(y) + 0.4) + 0.25;
    };
    for (int a = -2; a <= 2; ++a)
      for (int b = -2; b <= 2; ++b) {
        const auto n = lattice_index(a, b);
        const auto expected = wavekin_test::cell_average<2>(lattice, direct, n, 16);
        REQUIRE(std::abs(v.fourier_coefficient(lattice, n) - expected) <= 1e-13);
      }
  }
}

TEST_CASE("CosineSum rejects non-finite amplitudes and phases", "[bloch][potential][errors]") {
  wavekin::CosineSum<2> v;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_THROWS_MATCHES(
      v.add(nan, lattice_index(1, 0)), wavekin::invalid_argument,
      Catch::Matchers::Message("CosineSum: amplitude of the term with index (1, 0) is nan"));
  REQUIRE_THROWS_WITH(v.add(1.0, lattice_index(0, 1), INFINITY),
                      Contains("phase of the term with index (0, 1) is inf"));
}

}  // namespace wavekin_test_cosine_sum
