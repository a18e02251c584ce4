// Tests for wavekin/core/zone_grid.hpp: the zone grid's quadrature and order, its refinement near
// a crossing, its patches (balls around centres) and the displacement to the nearest translate.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/zone_grid.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_zone_grid {

using namespace wavekin::test::matchers;

TEST_CASE("a zone grid's quadrature integrates over the zone in BandTable's order", "[core][zone_grid]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const auto quad = wavekin::ZoneGrid<2>(lattice, {6, 4}).quadrature();
  REQUIRE(quad.points.size() == 24);
  double total = 0, fourier = 0;
  for (std::size_t q = 0; q < quad.points.size(); ++q) {
    total += quad.weights[q];
    // cos(p·e_1) has period e^1 in θ_1: the rectangle rule on 6 points integrates it to 0 exactly.
    fourier += quad.weights[q] * std::cos(quad.points[q].dot(lattice.basis_vector(0)));
  }
  // Sums of 24 terms of size |B|/24: round-off only.
  CHECK_THAT(total, WithinAbs(lattice.zone_volume(), 1e-13));
  CHECK_THAT(fourier, WithinAbs(0.0, 1e-13));
  // First index fastest: point 1 is e^1/6, point 6 is e^2/4 (exact up to one rounding).
  CHECK((quad.points[1] - lattice.dual_vector(0) / 6).norm() < 1e-14);
  CHECK((quad.points[6] - lattice.dual_vector(1) / 4).norm() < 1e-14);
  CHECK_THROWS_WITH(wavekin::ZoneGrid<2>(lattice, {0, 4}), Contains("got 0"));
}

TEST_CASE("a zone grid refined near a crossing resolves a packet there", "[core][zone_grid]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const std::array<Eigen::Index, 2> counts{24, 24};
  const auto uniform = wavekin::ZoneGrid<2>(lattice, counts).quadrature();
  // Refinement 1 is the uniform rule, point for point.
  const auto same =
      wavekin::ZoneGrid<2>(lattice, counts).refined_near(Eigen::Vector2d(1.0, 2.0), 1.0, 1);
  REQUIRE(same.points.size() == uniform.points.size());
  for (std::size_t q = 0; q < same.points.size(); ++q) CHECK(same.points[q] == uniform.points[q]);
  // A packet of width s = 0.04 centred at Γ = 0, whose mass sits on both sides of the zone's
  // corner: ∫_B Σ_μ exp(−|p − μ|²/2s²) dp = 2πs² exactly (the Λ*-periodisation of the
  // Gaussian integrates over one zone to its integral over ℝ²).
  const double s = 0.04, exact = 2 * std::numbers::pi * s * s;
  const auto integrate = [&](const wavekin::MomentumQuadrature<2, double>& quad) {
    double sum = 0;
    for (std::size_t q = 0; q < quad.points.size(); ++q) {
      const Eigen::Vector2d p = lattice.reduce_centred(quad.points[q]).p;
      double g = 0;
      for (int a = -1; a <= 1; ++a)
        for (int b = -1; b <= 1; ++b)
          g += std::exp(
              -(p + a * lattice.dual_vector(0) + b * lattice.dual_vector(1)).squaredNorm() /
              (2 * s * s));
      sum += quad.weights[q] * g;
    }
    return sum;
  };
  const auto refined =
      wavekin::ZoneGrid<2>(lattice, counts).refined_near(Eigen::Vector2d::Zero(), 8 * s, 16);
  double total = 0;
  for (const double w : refined.weights) total += w;
  // Sums of ~10⁴ positive terms of size ≤ |B|/576: round-off only.
  CHECK_THAT(total, WithinRel(lattice.zone_volume(), 1e-13));
  // The cells within 8s = 0.32 of Γ (spacing |e^l|/24 ≈ 0.30): the 4 corner cells and their
  // neighbours are refined, split 16 × 16 each, so the point count grows by (256 − 1) × refined.
  const auto refined_cells = (refined.points.size() - uniform.points.size()) / 255;
  CHECK((refined.points.size() - uniform.points.size()) % 255 == 0);
  CHECK(refined_cells >= 4);
  CHECK(refined_cells <= 30);
  // The coarse grid (spacing 0.30 ≈ 7.5 s) cannot see the packet: its point at Γ carries
  // |B|/576 ≈ 8 × 2πs² (measured relative error 6.9). The refined one (sub-spacing 0.019 ≈ s/2)
  // integrates it to the midpoint rule's Gaussian accuracy exp(−2π²s²/h²) plus the packet's
  // mass outside the 7 refined cells (≲ e^{−28}): measured 2.2e-12; 1e-10 allows the round-off
  // of 2361 terms and the tail.
  const double coarse_error = std::abs(integrate(uniform) / exact - 1);
  const double refined_error = std::abs(integrate(refined) / exact - 1);
  if (std::getenv("WAVEKIN_TEST_VERBOSE"))
    std::printf("refined quadrature: coarse error %.3e, refined error %.3e, %zu points\n",
                coarse_error, refined_error, refined.points.size());
  CHECK(coarse_error > 0.1);
  CHECK(refined_error < 1e-10);
  CHECK_THROWS_WITH(
      wavekin::ZoneGrid<2>(lattice, counts).refined_near(Eigen::Vector2d::Zero(), -1.0, 2),
      Contains("radius"));
  CHECK_THROWS_WITH(
      wavekin::ZoneGrid<2>(lattice, counts).refined_near(Eigen::Vector2d::Zero(), 1.0, 0),
      Contains("factor"));
}

TEST_CASE("a zone grid's balls keep the vertices nearest a centre's translates", "[core][zone_grid]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::ZoneGrid<2> grid(lattice, {30, 30});
  // K at θ = (1/3, 2/3): its translates by e^1, e^2 and e^1 + e^2 are as near to parts of B.
  const Eigen::Vector2d k = lattice.dual_basis() * Eigen::Vector2d(1.0 / 3, 2.0 / 3);
  const double radius = 0.5;
  const auto patch = grid.restricted_to_balls({k}, radius);
  REQUIRE(patch.is_patch());
  // Brute force over every vertex and the 5 × 5 translates nearest it: the same vertices.
  std::vector<Eigen::Index> expected;
  for (Eigen::Index v = 0; v < grid.size(); ++v) {
    double best = 1e300;
    for (int a = -2; a <= 2; ++a)
      for (int b = -2; b <= 2; ++b)
        best = std::min(best, (grid.momentum(v) - k - a * lattice.dual_vector(0) -
                               b * lattice.dual_vector(1)).norm());
    if (best <= radius) expected.push_back(v);
    // displacement() finds that nearest translate (to round-off of a few |e^l|).
    CHECK_THAT(grid.distance(grid.momentum(v), k), WithinAbs(best, 1e-12));
  }
  CHECK(patch.support() == expected);
  CHECK(patch.size() == static_cast<Eigen::Index>(expected.size()));
  // Vertex v of the patch is grid point support[v]; its weight is the whole grid's.
  CHECK((patch.momentum(2) - grid.momentum(expected[2])).norm() == 0);
  CHECK(patch.weight() == grid.weight());
  CHECK(patch == wavekin::ZoneGrid<2>(lattice, {30, 30}, expected));
  CHECK_FALSE(patch == grid);
  CHECK_THROWS_WITH(patch.momentum(patch.size()), Contains("outside"));
}

TEST_CASE("a zone grid rejects point counts that overflow, stating the request", "[core][zone_grid]") {
  const auto lattice = wavekin::Lattice<3>::cubic(1.0);
  const Eigen::Index n = Eigen::Index{1} << 30;
  CHECK_THROWS_AS(wavekin::ZoneGrid<3>(lattice, {n, n, n}), wavekin::invalid_argument);
  CHECK_THROWS_WITH(wavekin::ZoneGrid<3>(lattice, {n, n, n}),
                    Contains("1073741824 × 1073741824 × 1073741824") && Contains("too many"));
  CHECK_THROWS_WITH(wavekin::ZoneGrid<3>(lattice, {100000, 100000, 100001}), Contains("too many"));
  // refined_near's factor^Dim sub-points are checked the same way (factor^3 overflowed int64).
  const wavekin::ZoneGrid<3> grid(lattice, {2, 2, 2});
  CHECK_THROWS_WITH(grid.refined_near(Eigen::Vector3d::Zero(), 0.1, 1 << 30),
                    Contains("factor 1073741824") && Contains("sub-points"));
}

}  // namespace wavekin_test_zone_grid
