// Tests for wavekin/kinetic/phase_space_grid.hpp: layout, points, volumes, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include "wavekin/kinetic/phase_space_grid.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_phase_space_grid {

using namespace wavekin::test::matchers;
using Vec1 = Eigen::Matrix<double, 1, 1>;

TEST_CASE("PhaseSpaceGrid<1>: points, spacings, layout and volumes", "[kinetic]") {
  const wavekin::PhaseSpaceGrid<1> g(wavekin::PeriodicGrid<1>({8}, Vec1::Constant(4.0), Vec1::Constant(-2.0)),
                                     {10}, Vec1::Constant(-1.0), Vec1::Constant(1.5));
  CHECK(g.size() == 80);
  CHECK(g.x_size() == 8);
  CHECK(g.k_size() == 10);
  CHECK(g.stride(0) == 10);
  CHECK(g.stride(1) == 1);
  CHECK(g.periodic(0));
  CHECK_FALSE(g.periodic(1));
  CHECK_THAT(g.spacing(0), WithinAbs(0.5, 1e-15));
  CHECK_THAT(g.spacing(1), WithinAbs(0.25, 1e-15));
  CHECK_THAT(g.cell_volume(), WithinAbs(0.125, 1e-15));
  CHECK_THAT(g.k_point(0)[0], WithinAbs(-0.875, 1e-15));  // cell centre
  CHECK_THAT(g.k_point(9)[0], WithinAbs(1.375, 1e-15));
  CHECK_THAT(g.x_point(3)[0], WithinAbs(-0.5, 1e-15));
  CHECK_THROWS_AS(g.count(2), wavekin::invalid_argument);
}

TEST_CASE("PhaseSpaceGrid<2>: strides of the 4D layout", "[kinetic]") {
  const wavekin::PhaseSpaceGrid<2> g(wavekin::PeriodicGrid<2>::cube(4, 1.0), {6, 8},
                                     Eigen::Vector2d(-1, -2), Eigen::Vector2d(1, 2));
  CHECK(g.size() == 4 * 4 * 6 * 8);
  CHECK(g.stride(0) == 4 * 48);
  CHECK(g.stride(1) == 48);
  CHECK(g.stride(2) == 8);
  CHECK(g.stride(3) == 1);
  CHECK_THAT(g.k_point(9)[0], WithinAbs(-1 + 1.5 / 3, 1e-15));  // j0 = 1
  CHECK_THAT(g.k_point(9)[1], WithinAbs(-2 + 1.5 * 0.5, 1e-15));  // j1 = 1
}

TEST_CASE("PhaseSpaceGrid rejects odd or short k grids and empty intervals", "[kinetic]") {
  const auto x = wavekin::PeriodicGrid<1>::cube(8, 1.0);
  CHECK_THROWS_WITH(wavekin::PhaseSpaceGrid<1>(x, {7}, Vec1::Constant(-1), Vec1::Constant(1)),
                    Contains("got 7"));
  CHECK_THROWS_AS(wavekin::PhaseSpaceGrid<1>(x, {4}, Vec1::Constant(-1), Vec1::Constant(1)),
                  wavekin::invalid_argument);
  CHECK_THROWS_AS(wavekin::PhaseSpaceGrid<1>(x, {8}, Vec1::Constant(1), Vec1::Constant(1)),
                  wavekin::invalid_argument);
  CHECK_THROWS_WITH(wavekin::PeriodicGrid<1>::cube(9, 1.0), Contains("got 9"));
}

TEST_CASE("PhaseSpaceGrid rejects x × k point counts that overflow", "[kinetic]") {
  const auto x = wavekin::PeriodicGrid<1>::cube(std::ptrdiff_t{1} << 40, 1.0);
  CHECK_THROWS_WITH(wavekin::PhaseSpaceGrid<1>(x, {std::ptrdiff_t{1} << 30}, Vec1::Constant(-1),
                                               Vec1::Constant(1)),
                    Contains("1099511627776 x-points") && Contains("overflow"));
  const auto small = wavekin::PeriodicGrid<2>::cube(4, 1.0);
  const std::ptrdiff_t n = std::ptrdiff_t{1} << 32;
  CHECK_THROWS_WITH(wavekin::PhaseSpaceGrid<2>(small, {n, n}, Eigen::Vector2d(-1, -1),
                                               Eigen::Vector2d(1, 1)),
                    Contains("4294967296 × 4294967296") && Contains("overflow"));
}

}  // namespace wavekin_test_phase_space_grid
