// Tests for wavekin/schrodinger/coefficients.hpp: the three coefficient policies,
// the CoefficientField concept, and the positivity / finiteness checks.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include "wavekin/schrodinger/coefficients.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_coefficients {

using Catch::Matchers::Contains;
using wavekin::ConstantCoefficient;
using wavekin::FunctionCoefficient;
using wavekin::GridFieldCoefficient;
using wavekin::PeriodicGrid;

namespace {

auto sinusoidal_mass = [](double t, double x) {
  return (1 + 0.2 * std::sin(2 * std::numbers::pi * x)) *
         (1 + 0.2 * std::cos(2 * std::numbers::pi * t));
};
using SinusoidalMass = FunctionCoefficient<decltype(sinusoidal_mass)>;

}  // namespace

static_assert(wavekin::CoefficientField<ConstantCoefficient<>, 1, double>);
static_assert(wavekin::CoefficientField<ConstantCoefficient<float>, 3, float>);
static_assert(wavekin::CoefficientField<GridFieldCoefficient<>, 2, double>);
static_assert(wavekin::CoefficientField<SinusoidalMass, 1, double>);
// A callable of a scalar x is a 1-D coefficient only.
static_assert(!wavekin::CoefficientField<SinusoidalMass, 2, double>);
static_assert(ConstantCoefficient<>::is_constant && !SinusoidalMass::is_constant &&
              !GridFieldCoefficient<>::is_constant);
// Wrong scalar type: a double coefficient is not a float field.
static_assert(!wavekin::CoefficientField<ConstantCoefficient<double>, 1, float>);

TEST_CASE("ConstantCoefficient fills the grid with its value", "[schrodinger][coefficients]") {
  const auto grid = PeriodicGrid<2>::cube(4, 1.0);
  const ConstantCoefficient<> c(1.5);
  std::vector<double> out(16, 0.0);
  c.sample(grid, 0.3, std::span<double>(out));
  for (double v : out) CHECK(v == 1.5);
  CHECK(c.value() == 1.5);
  CHECK(ConstantCoefficient<>().value() == 0.0);
  CHECK_THROWS_WITH(ConstantCoefficient<>(std::numeric_limits<double>::quiet_NaN()),
                    Contains("must be finite") && Contains("nan"));
  std::vector<double> wrong(3);
  CHECK_THROWS_WITH(c.sample(grid, 0.0, std::span<double>(wrong)),
                    Contains("3 entries") && Contains("expected 16"));
}

TEST_CASE("FunctionCoefficient samples f(t, x) at every point, 1-D and 2-D",
          "[schrodinger][coefficients]") {
  const PeriodicGrid<1> line({8}, PeriodicGrid<1>::Point(1.25));
  const SinusoidalMass mass(sinusoidal_mass);
  std::vector<double> out(8);
  mass.sample(line, 0.25, std::span<double>(out));
  for (std::ptrdiff_t j = 0; j < 8; ++j)
    CHECK(out[static_cast<std::size_t>(j)] == sinusoidal_mass(0.25, line.coordinate(0, j)));

  // 2-D: x passed as an Eigen vector; row-major layout (last axis fastest).
  using Point = PeriodicGrid<2>::Point;
  const PeriodicGrid<2> plane({4, 6}, Point(1.0, 3.0), Point(0.5, -1.0));
  FunctionCoefficient f([](double t, const Point& x) { return t + 10 * x[0] + 100 * x[1]; });
  std::vector<double> values(24);
  f.sample(plane, 2.0, std::span<double>(values));
  for (std::ptrdiff_t i = 0; i < 4; ++i)
    for (std::ptrdiff_t j = 0; j < 6; ++j) {
      const double expected = 2.0 + 10 * plane.coordinate(0, i) + 100 * plane.coordinate(1, j);
      CHECK(values[static_cast<std::size_t>(i * 6 + j)] == Approx(expected).epsilon(1e-15));
    }
}

TEST_CASE("GridFieldCoefficient copies what the caller wrote", "[schrodinger][coefficients]") {
  const auto grid = PeriodicGrid<1>::cube(4, 1.0);
  GridFieldCoefficient<> field(4, 1.0);
  field.values()[2] = 3.0;
  std::vector<double> out(4);
  field.sample(grid, 7.0, std::span<double>(out));
  CHECK(out == std::vector<double>{1.0, 1.0, 3.0, 1.0});
  GridFieldCoefficient<> small(std::vector<double>{1.0, 2.0});
  CHECK_THROWS_WITH(small.sample(grid, 0.0, std::span<double>(out)),
                    Contains("2 values") && Contains("expected 4"));
  CHECK_THROWS_WITH(GridFieldCoefficient<>(0), Contains("got 0"));
}

TEST_CASE("check_positive_mass names the value, the point and the time",
          "[schrodinger][coefficients]") {
  const PeriodicGrid<1> grid({4}, PeriodicGrid<1>::Point(2.0));
  std::vector<double> mass{1.0, 0.5, -0.25, 1.0};
  CHECK_THROWS_AS(wavekin::check_positive_mass(grid, std::span<const double>(mass), 0.125, "who"),
                  wavekin::invalid_argument);
  CHECK_THROWS_WITH(wavekin::check_positive_mass(grid, std::span<const double>(mass), 0.125, "who"),
                    Contains("m = -0.25") && Contains("x = (1)") && Contains("grid point 2") &&
                        Contains("t = 0.125"));
  mass[2] = 0.0;
  CHECK_THROWS_WITH(wavekin::check_positive_mass(grid, std::span<const double>(mass), 0.0, "who"),
                    Contains("m = 0"));
  mass[2] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(wavekin::check_positive_mass(grid, std::span<const double>(mass), 0.0, "who"),
                    Contains("m = nan"));
  mass[2] = 2.0;
  CHECK_NOTHROW(wavekin::check_positive_mass(grid, std::span<const double>(mass), 0.0, "who"));
  std::vector<double> potential{0.0, std::numeric_limits<double>::infinity(), 0.0, 0.0};
  CHECK_THROWS_WITH(
      wavekin::check_finite_potential(grid, std::span<const double>(potential), 1.0, "who"),
      Contains("V = inf") && Contains("grid point 1"));
}

}  // namespace wavekin_test_coefficients
