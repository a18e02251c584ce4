// Tests for wavekin/bloch/sampled_potential.hpp: exact recovery of band-limited potentials,
// the split Nyquist mode, reality, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <vector>

#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/sampled_potential.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_sampled_potential {

using Catch::Matchers::Contains;
using wavekin::lattice_index;

TEST_CASE("SampledPotential recovers a band-limited potential exactly", "[bloch][potential]") {
  // Samples of a CosineSum with labels |n_j| < N_j/2 on a 12 × 10 grid of a
  // skew cell: the DFT is exact up to rounding (120 terms, each ε·Σ|a|): 1e-14.
  const auto lattice =
      wavekin::Lattice<2>::from_basis((Eigen::Matrix2d() << 1.0, 0.3, 0.0, 0.8).finished());
  wavekin::CosineSum<2> cosines;
  cosines.add(1.0, lattice_index(1, 0))
      .add(-0.5, lattice_index(2, 3), 0.7)
      .add(0.3, lattice_index(0, 0));
  const std::size_t n0 = 12, n1 = 10;
  std::vector<double> values(n0 * n1);
  for (std::size_t j = 0; j < n1; ++j)
    for (std::size_t i = 0; i < n0; ++i) {
      const Eigen::Vector2d y = lattice.basis() * Eigen::Vector2d(double(i) / n0, double(j) / n1);
      double v = 0;
      for (const auto& t : cosines.terms())
        v += t.amplitude * std::cos(lattice.reciprocal(t.index).dot(y) + t.phase);
      values[i + n0 * j] = v;
    }
  const wavekin::SampledPotential<2> sampled({n0, n1}, values);
  for (int a = -7; a <= 7; ++a)
    for (int b = -6; b <= 6; ++b) {
      const auto n = lattice_index(a, b);
      REQUIRE(std::abs(sampled.fourier_coefficient(lattice, n) -
                       cosines.fourier_coefficient(lattice, n)) <= 1e-14);
    }
}

TEST_CASE("SampledPotential splits the Nyquist mode evenly and stays real", "[bloch][potential]") {
  // V_i = (−1)^i on 4 points is cos(2π·2θ): X_2 = 1, shared as ½ at n = ±2.
  const auto lattice = wavekin::Lattice<1>::line(1.0);
  const wavekin::SampledPotential<1> v({4}, {1.0, -1.0, 1.0, -1.0});
  REQUIRE(std::abs(v.fourier_coefficient(lattice, lattice_index(2)) - 0.5) <= 1e-15);
  REQUIRE(std::abs(v.fourier_coefficient(lattice, lattice_index(-2)) - 0.5) <= 1e-15);
  REQUIRE(v.fourier_coefficient(lattice, lattice_index(3)) == std::complex<double>(0));
  REQUIRE(std::abs(v.fourier_coefficient(lattice, lattice_index(0))) <= 1e-15);
}

TEST_CASE("SampledPotential rejects bad grids and values", "[bloch][potential][errors]") {
  REQUIRE_THROWS_MATCHES(
      wavekin::SampledPotential<2>({3, 4}, std::vector<double>(11)), wavekin::invalid_argument,
      Catch::Matchers::Message("SampledPotential: 11 values given for a grid of 12 points"));
  REQUIRE_THROWS_WITH(wavekin::SampledPotential<2>({0, 4}, {}), Contains("N_0 = 0"));
  std::vector<double> values(4, 1.0);
  values[2] = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_THROWS_WITH(wavekin::SampledPotential<1>({4}, values), Contains("entry 2 is not finite"));
  // A shape whose product overflows size_t (2^64 here) used to wrap to 0 and match no values.
  const std::size_t half = std::size_t{1} << 32;
  REQUIRE_THROWS_WITH(wavekin::SampledPotential<2>({half, half}, {}),
                      Contains("0 values given for a grid of too many points"));
}

}  // namespace wavekin_test_sampled_potential
