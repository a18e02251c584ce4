// Tests for wavekin/bloch/plane_wave_basis.hpp: the cutoff set against brute force, order,
// label look-up, exact shifting (relabelling), coefficient maps, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <set>
#include <vector>

#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/core/memory.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_plane_wave_basis {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using wavekin::lattice_index;
using wavekin::PlaneWaveBasis;

namespace {

template <int Dim>
std::set<std::vector<std::int64_t>> label_set(const PlaneWaveBasis<Dim>& basis) {
  std::set<std::vector<std::int64_t>> out;
  for (const auto& n : basis.labels()) out.insert(std::vector<std::int64_t>(n.begin(), n.end()));
  return out;
}

// All labels in the box |n_l| <= 30 with ½|k+G|² <= E: an enumeration that
// shares nothing with the library's bounding-box logic.
std::set<std::vector<std::int64_t>> brute_force(const wavekin::Lattice<2>& lattice,
                                                const Eigen::Vector2d& k, double cutoff) {
  std::set<std::vector<std::int64_t>> out;
  for (int a = -30; a <= 30; ++a)
    for (int b = -30; b <= 30; ++b)
      if ((k + lattice.reciprocal(lattice_index(a, b))).squaredNorm() / 2 <= cutoff)
        out.insert({a, b});
  return out;
}

}  // namespace

TEST_CASE("PlaneWaveBasis holds exactly the plane waves below the cutoff, sorted",
          "[bloch][basis]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.7);
  const Eigen::Vector2d k(0.37, -1.21);
  const double cutoff = 95.3;
  const PlaneWaveBasis<2> basis(lattice, k, cutoff);
  REQUIRE(basis.size() > 30);  // ≈ πR²/|B| = 598/15.8
  REQUIRE(label_set(basis) == brute_force(lattice, k, cutoff));
  for (Eigen::Index i = 0; i < basis.size(); ++i) {
    REQUIRE(basis.index_of(basis.label(i)) == i);
    REQUIRE(basis.kinetic_energy(i) <= cutoff);
    // k + G as stored is k + reciprocal(n), bit for bit.
    REQUIRE(basis.wavevector(i) == k + lattice.reciprocal(basis.label(i)));
    if (i > 0) REQUIRE(basis.kinetic_energy(i - 1) <= basis.kinetic_energy(i));
  }
  REQUIRE(basis.index_of(lattice_index(1000, 0)) == PlaneWaveBasis<2>::npos);
  REQUIRE_FALSE(basis.contains(lattice_index(1000, 0)));
}

TEST_CASE("PlaneWaveBasis at k + μ is the basis at k with labels shifted by −μ", "[bloch][basis]") {
  const auto lattice = wavekin::Lattice<3>::cubic(1.1);
  const Eigen::Vector3d k(0.21, -0.43, 0.05);
  const auto mu = lattice_index(2, -1, 3);
  const PlaneWaveBasis<3> basis(lattice, k, 60.7);
  const PlaneWaveBasis<3> solved(lattice, k + lattice.reciprocal(mu), 60.7);
  const auto shifted = basis.shifted(mu);
  REQUIRE(shifted.size() == basis.size());
  REQUIRE((shifted.k() - (k + lattice.reciprocal(mu))).norm() == 0);
  REQUIRE(label_set(shifted) == label_set(solved));  // the cutoff sphere moves with k
  for (Eigen::Index i = 0; i < basis.size(); ++i) {
    REQUIRE(shifted.label(i) == basis.label(i) - mu);
    // Same plane wave: k+μ+(G−μ) = k+G up to the rounding of two additions of
    // vectors of size ≤ |μ| + R ≈ 40: 1e-13.
    REQUIRE((shifted.wavevector(i) - basis.wavevector(i)).norm() <= 1e-13);
  }
}

TEST_CASE("map_coefficients moves rows by label and zero-fills missing ones", "[bloch][basis]") {
  const auto lattice = wavekin::Lattice<1>::line(1.0);
  const PlaneWaveBasis<1> small(lattice, Eigen::Matrix<double, 1, 1>(0.1), 30.0);
  const PlaneWaveBasis<1> large(lattice, Eigen::Matrix<double, 1, 1>(0.1), 300.0);
  REQUIRE(small.size() < large.size());
  Eigen::MatrixXcd c(small.size(), 2);
  for (Eigen::Index i = 0; i < small.size(); ++i) {
    c(i, 0) = {double(small.label(i)[0]), 1.0};
    c(i, 1) = {0.0, -double(i)};
  }
  const Eigen::MatrixXcd up = wavekin::map_coefficients(small, c, large);
  for (Eigen::Index i = 0; i < large.size(); ++i) {
    const auto j = small.index_of(large.label(i));
    if (j == PlaneWaveBasis<1>::npos) {
      REQUIRE(up.row(i).isZero(0));
    } else {
      REQUIRE(up.row(i) == c.row(j));
    }
  }
  // Back down: the round trip is the identity on the small basis.
  REQUIRE(wavekin::map_coefficients(large, up, small) == c);
  REQUIRE_THROWS_WITH(wavekin::map_coefficients(large, c, small),
                      Contains("coefficient rows for a basis of"));
}

TEST_CASE("PlaneWaveBasis rejects bad input, naming it", "[bloch][basis][errors]") {
  const auto lattice = wavekin::Lattice<2>::square(1.0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_THROWS_MATCHES(
      PlaneWaveBasis<2>(lattice, Eigen::Vector2d(0, 0), -1.0), wavekin::invalid_argument,
      Catch::Matchers::Message("PlaneWaveBasis: energy cutoff E_cut = -1 must be finite and > 0"));
  REQUIRE_THROWS_WITH(PlaneWaveBasis<2>(lattice, Eigen::Vector2d(0, 0), nan),
                      Contains("E_cut = nan"));
  REQUIRE_THROWS_WITH(PlaneWaveBasis<2>(lattice, Eigen::Vector2d(0, nan), 10.0),
                      Contains("component 1 of k is not finite (nan)"));
  const PlaneWaveBasis<2> basis(lattice, Eigen::Vector2d(0, 0), 10.0);
  REQUIRE_THROWS_WITH(basis.label(basis.size()), Contains("is outside [0,"));
}

TEST_CASE("PlaneWaveBasis estimates its size before enumerating and rejects impossible cutoffs",
          "[bloch][basis][errors]") {
  // Regressions: E_cut = 1e40 gave 9 plane waves (the enumeration box overflowed int64), and
  // E_cut = 1e6 died in std::bad_alloc after asking for ~300 GB of plane-wave matrix.
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const Eigen::Vector2d k(0.1, 0.2);
  for (const double cutoff : {1e40, 1e300, std::numeric_limits<double>::max()}) {
    CAPTURE(cutoff);
    CHECK_THROWS_AS(PlaneWaveBasis<2>(lattice, k, cutoff), wavekin::invalid_argument);
  }
  CHECK_THROWS_WITH(PlaneWaveBasis<2>(lattice, k, 1e40),
                    Contains("E_cut = 1e+40") && Contains("plane waves"));
  const auto memory = static_cast<double>(wavekin::physical_memory_bytes());
  const double estimate = PlaneWaveBasis<2>::size_estimate(lattice, 1e6);
  // πR²/|B| with R² = 2e6, |B| = 8π²/√3.
  CHECK_THAT(estimate, WithinRel(std::numbers::pi * 2e6 / (8 * std::numbers::pi *
                                                           std::numbers::pi / std::sqrt(3.0)),
                                 1e-12));
  CHECK_THAT(PlaneWaveBasis<2>::matrix_bytes(estimate), WithinRel(16 * estimate * estimate, 1e-15));
  if (memory > 0 && PlaneWaveBasis<2>::matrix_bytes(estimate) > memory) {
    CHECK_THROWS_WITH(PlaneWaveBasis<2>(lattice, k, 1e6),
                      Contains("E_cut = 1000000") && Contains("GB for the plane-wave matrix") &&
                          Contains("N = 1.38e+05 plane waves") && Contains("this machine has"));
  } else {
    WARN("this machine holds the E_cut = 1e6 plane-wave matrix; its rejection is not tested");
  }
  for (const double cutoff : {0.0, -0.0, -1.0, std::numeric_limits<double>::infinity(),
                              -std::numeric_limits<double>::infinity()}) {
    CAPTURE(cutoff);
    CHECK_THROWS_WITH(PlaneWaveBasis<2>(lattice, k, cutoff), Contains("must be finite and > 0"));
  }
  // The estimate is the ball over the zone: within its surface term of the true count.
  const PlaneWaveBasis<2> basis(lattice, k, 400.0);
  const double expected = PlaneWaveBasis<2>::size_estimate(lattice, 400.0);
  CHECK(std::abs(static_cast<double>(basis.size()) - expected) < 0.1 * expected);
}

}  // namespace wavekin_test_plane_wave_basis
