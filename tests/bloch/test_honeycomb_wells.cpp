// Tests for wavekin/bloch/honeycomb_wells.hpp: V̂ against a real-space periodised sum of
// wells averaged over the cell, symmetries, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>

#include "cell_quadrature.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_honeycomb_wells {

using Catch::Matchers::Contains;
using wavekin::lattice_index;

TEST_CASE("HoneycombWells V̂ equals the cell average of the periodised wells",
          "[bloch][potential]") {
  const double depth = 5.0, s = 0.18;
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::HoneycombWells<> v(depth, s);
  const Eigen::Vector2d b = wavekin::HoneycombWells<>::site_b(lattice);
  REQUIRE((b - Eigen::Vector2d(0.5, std::sqrt(3.0) / 6)).norm() <= 1e-15);
  // V(x) = Σ_ν [w(x−ν) + w(x−B−ν)] summed over |ν_j| <= 4 cells: the nearest
  // omitted well is ≥ 3 lattice constants away, e^{−9/(2·0.18²)} ≈ 1e-60.
  auto direct = [&](const Eigen::Vector2d& y) {
    double sum = 0;
    for (int i = -4; i <= 4; ++i)
      for (int j = -4; j <= 4; ++j) {
        const Eigen::Vector2d nu = lattice.lattice_vector(lattice_index(i, j));
        sum += std::exp(-(y - nu).squaredNorm() / (2 * s * s)) +
               std::exp(-(y - b - nu).squaredNorm() / (2 * s * s));
      }
    return -depth * sum;
  };
  // 64 points per axis: the trapezoidal rule on a smooth periodic function
  // errs by about V̂ at the aliased frequency |μ| ≈ 64·|e^l| ≈ 460, i.e.
  // e^{−s²·460²/2} ≈ 0 — round-off (64² terms of size ≤ V0) dominates: 1e-12.
  for (int a = -3; a <= 3; ++a)
    for (int c = -3; c <= 3; ++c) {
      const auto n = lattice_index(a, c);
      const auto expected = wavekin_test::cell_average<2>(lattice, direct, n, 64);
      REQUIRE(std::abs(v.fourier_coefficient(lattice, n) - expected) <= 1e-12 * depth);
      // Reality and inversion through the bond centre hold exactly by construction.
      REQUIRE(v.fourier_coefficient(lattice, lattice_index(-a, -c)) ==
              std::conj(v.fourier_coefficient(lattice, n)));
    }
}

TEST_CASE("HoneycombWells rejects bad parameters, naming them", "[bloch][potential][errors]") {
  REQUIRE_THROWS_MATCHES(
      wavekin::HoneycombWells<>(1.0, 0.0), wavekin::invalid_argument,
      Catch::Matchers::Message("HoneycombWells: well width s = 0 must be finite and > 0"));
  REQUIRE_THROWS_WITH(wavekin::HoneycombWells<>(1.0, -0.1), Contains("s = -0.1"));
  REQUIRE_THROWS_WITH(wavekin::HoneycombWells<>(std::numeric_limits<double>::quiet_NaN(), 0.1),
                      Contains("V0 = nan"));
}

}  // namespace wavekin_test_honeycomb_wells
