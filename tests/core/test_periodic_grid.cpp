// Tests for wavekin/core/periodic_grid.hpp.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "wavekin/core/periodic_grid.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_periodic_grid {

using Catch::Matchers::Contains;
using wavekin::NyquistMode;
using wavekin::PeriodicGrid;

TEMPLATE_TEST_CASE("PeriodicGrid geometry in 1, 2 and 3 D", "", float, double) {
  using Grid3 = PeriodicGrid<3, TestType>;
  const Grid3 grid({4, 6, 8}, typename Grid3::Point(1.0, 2.0, 4.0),
                   typename Grid3::Point(-0.5, 0.0, 1.0));
  CHECK(grid.size() == 4 * 6 * 8);
  CHECK(grid.spacing(0) == TestType(0.25));
  CHECK(grid.spacing(2) == TestType(0.5));
  // Quadrature weight times number of points is the box volume, exactly here
  // because all spacings are powers of two or small rationals.
  CHECK(grid.cell_volume() * TestType(grid.size()) == Approx(grid.box_volume()));
  // Row-major: the last axis runs fastest.
  CHECK(grid.strides()[2] == 1);
  CHECK(grid.strides()[1] == 8);
  CHECK(grid.strides()[0] == 48);
  for (std::ptrdiff_t flat = 0; flat < grid.size(); ++flat)
    REQUIRE(grid.flat_index(grid.multi_index(flat)) == flat);
  const auto x = grid.point({1, 2, 3});
  CHECK(x[0] == TestType(-0.25));
  CHECK(x[1] == Approx(TestType(2.0 / 3.0)));
  CHECK(x[2] == TestType(2.5));
}

TEST_CASE("FFT wavenumbers follow FFT order and the Nyquist convention") {
  const auto grid = PeriodicGrid<1>::cube(8, 2 * std::numbers::pi);
  const auto kept = grid.wavenumbers(0, NyquistMode::keep);
  const auto zeroed = grid.wavenumbers(0, NyquistMode::zero);
  const double expected[8] = {0, 1, 2, 3, -4, -3, -2, -1};
  for (int l = 0; l < 8; ++l) {
    CHECK(kept[static_cast<std::size_t>(l)] == Approx(expected[l]).margin(1e-15));
    CHECK(grid.frequency(0, l) == static_cast<std::ptrdiff_t>(expected[l]));
  }
  CHECK(grid.is_nyquist(0, 4));
  CHECK(zeroed[4] == 0.0);
  CHECK(zeroed[3] == kept[3]);
  // Box length L scales the wavenumbers as 2π l / L (P2 (4.7)).
  const auto scaled = PeriodicGrid<1>::cube(8, 1.25);
  CHECK(scaled.wavenumber(0, 1) == Approx(2 * std::numbers::pi / 1.25));
}

TEST_CASE("PeriodicGrid rejects bad input with a message naming it") {
  using Grid = PeriodicGrid<2>;
  const Grid::Point lengths(1.0, 1.0);
  CHECK_THROWS_AS(Grid({8, 7}, lengths), wavekin::invalid_argument);
  CHECK_THROWS_WITH(Grid({8, 7}, lengths), Contains("axis 1") && Contains("even") && Contains("7"));
  CHECK_THROWS_WITH(Grid({2, 8}, lengths), Contains(">= 4"));
  CHECK_THROWS_WITH(Grid({8, 8}, Grid::Point(1.0, -1.0)), Contains("length") && Contains("-1"));
  CHECK_THROWS_WITH(Grid({8, 8}, Grid::Point(1.0, std::nan(""))), Contains("finite"));
  CHECK_THROWS_WITH(Grid({8, 8}, lengths, Grid::Point(0.0, INFINITY)), Contains("origin"));
  const Grid grid({8, 8}, lengths);
  CHECK_THROWS_WITH(grid.flat_index({8, 0}), Contains("outside"));
  CHECK_THROWS_WITH(grid.multi_index(64), Contains("outside"));
  CHECK_THROWS_WITH(grid.count(2), Contains("axis 2"));
}

TEST_CASE("PeriodicGrid rejects a point count that overflows, stating the request") {
  // Regression: cube(1 << 30, 1.0) in 3D overflowed the point count (signed overflow).
  CHECK_THROWS_AS(PeriodicGrid<3>::cube(std::ptrdiff_t{1} << 30, 1.0), wavekin::invalid_argument);
  CHECK_THROWS_WITH(PeriodicGrid<3>::cube(std::ptrdiff_t{1} << 30, 1.0),
                    Contains("1073741824 × 1073741824 × 1073741824") && Contains("overflow"));
  CHECK_THROWS_WITH((PeriodicGrid<2>({std::ptrdiff_t{1} << 40, std::ptrdiff_t{1} << 40},
                                     PeriodicGrid<2>::Point(1.0, 1.0))),
                    Contains("overflow"));
  // The largest products that fit are accepted (the grid itself holds no points).
  const PeriodicGrid<2> big({std::ptrdiff_t{1} << 31, std::ptrdiff_t{1} << 31},
                            PeriodicGrid<2>::Point(1.0, 1.0));
  CHECK(big.size() == std::ptrdiff_t{1} << 62);
  CHECK(big.strides()[0] == std::ptrdiff_t{1} << 31);
}

}  // namespace wavekin_test_periodic_grid
