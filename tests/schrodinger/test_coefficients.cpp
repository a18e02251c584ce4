// Tests for wavekin/schrodinger/coefficients.hpp: the three coefficient policies,
// the CoefficientField concept, and the positivity / finiteness checks.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <functional>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include "wavekin/core/integrate.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/magnus_spectral.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_coefficients {

using Catch::Matchers::Contains;
using wavekin::ConstantCoefficient;
using wavekin::FunctionCoefficient;
using wavekin::GridFieldCoefficient;
using wavekin::PeriodicGrid;
using wavekin::SeparableCoefficient;

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

TEST_CASE("SeparableCoefficient samples f(t)·g(x) from g tabulated once, 1-D and 2-D",
          "[schrodinger][coefficients]") {
  // P2 §4.1.2 ex. 1's mass, m = (1 + 0.2 sin 2πx)(1 + 0.2 cos 2πt), on its n = 6 grid.
  const PeriodicGrid<1> line({320}, PeriodicGrid<1>::Point(1.25));
  auto f = [](double t) { return 1 + 0.2 * std::cos(2 * std::numbers::pi * t); };
  auto g = [](double x) { return 1 + 0.2 * std::sin(2 * std::numbers::pi * x); };
  const SeparableCoefficient mass(f, line, g);
  static_assert(wavekin::CoefficientField<decltype(mass), 1, double>);
  static_assert(!decltype(mass)::is_constant && !wavekin::is_static_in_time<decltype(mass)> &&
                !wavekin::ignores_sample_time<decltype(mass)>);
  std::vector<double> out(320);
  for (const double t : {0.0, 0.137, 0.5}) {
    mass.sample(line, t, std::span<double>(out));
    for (std::ptrdiff_t j = 0; j < 320; ++j) {
      const double x = line.coordinate(0, j);
      // g(x_j) is stored, f(t) computed once: the product is f(t)·g(x_j) rounded once, exactly
      // what sinusoidal_mass computes in the other order.
      CHECK(out[static_cast<std::size_t>(j)] == f(t) * g(x));
      CHECK(out[static_cast<std::size_t>(j)] == sinusoidal_mass(t, x));
    }
  }
  CHECK(mass.temporal(0.5) == f(0.5));
  CHECK(mass.spatial().size() == 320);

  // 2-D, g a callable of the point; and the same from g's values.
  using Point = PeriodicGrid<2>::Point;
  const PeriodicGrid<2> plane({4, 6}, Point(1.0, 3.0), Point(0.5, -1.0));
  auto g2 = [](const Point& x) { return 10 * x[0] + 100 * x[1]; };
  const SeparableCoefficient field(f, plane, g2);
  std::vector<double> spatial(24);
  for (std::ptrdiff_t i = 0; i < 4; ++i)
    for (std::ptrdiff_t j = 0; j < 6; ++j)
      spatial[static_cast<std::size_t>(i * 6 + j)] =
          10 * plane.coordinate(0, i) + 100 * plane.coordinate(1, j);
  const SeparableCoefficient from_values(f, spatial);
  std::vector<double> a(24), b(24);
  field.sample(plane, 0.3, std::span<double>(a));
  from_values.sample(plane, 0.3, std::span<double>(b));
  CHECK(a == b);
  for (std::size_t k = 0; k < 24; ++k) CHECK(a[k] == f(0.3) * spatial[k]);

  // Bad input: empty or non-finite g, a g of another grid, an output of the wrong size.
  CHECK_THROWS_WITH(SeparableCoefficient(f, std::vector<double>{}), Contains("no spatial values"));
  CHECK_THROWS_WITH(
      SeparableCoefficient(f, std::vector<double>{1.0, std::numeric_limits<double>::infinity()}),
      Contains("g = inf") && Contains("grid point 1"));
  const SeparableCoefficient short_g(f, std::vector<double>{1.0, 2.0});
  CHECK_THROWS_WITH(short_g.sample(line, 0.0, std::span<double>(out)),
                    Contains("g has 2 values") && Contains("expected 320"));
  std::vector<double> wrong(3);
  CHECK_THROWS_WITH(mass.sample(line, 0.0, std::span<double>(wrong)),
                    Contains("3 entries") && Contains("expected 320"));
}

TEST_CASE("SeparableCoefficient's range is f(t) times g's, without a pass over the sample",
          "[schrodinger][coefficients]") {
  // The propagators read a sample's extremes and mean (detail::sample_with_range); a separable
  // coefficient gives them from g's, kept since construction. Truth: the same values through the
  // generic scan (a StaticFieldCoefficient holding the sample).
  const PeriodicGrid<1> line({320}, PeriodicGrid<1>::Point(1.25));
  auto g = [](double x) { return 1 + 0.2 * std::sin(2 * std::numbers::pi * x); };
  double factor = 0;
  auto f = [&factor](double) { return factor; };
  const SeparableCoefficient mass(f, line, g);
  std::vector<double> values(320), scanned(320);
  for (const double value : {1.3, -0.7}) {
    factor = value;
    const auto range = wavekin::detail::sample_with_range(mass, line, 0.0, values);
    std::vector<double> copy(320);
    mass.sample(line, 0.0, std::span<double>(copy));
    const auto truth = wavekin::detail::sample_with_range(wavekin::StaticFieldCoefficient<>(copy),
                                                          line, 0.0, scanned);
    CHECK(values == copy);
    // The extremes are the same products (f times g's extremes, swapped for f < 0): exact.
    CHECK(range.min == truth.min);
    CHECK(range.max == truth.max);
    CHECK(!range.uniform);
    // The means differ in rounding only: f·mean(g) against a sum of 320 products (relative
    // round-off of the sum ~ 320 × 1.1e-16; bound 1e-13).
    CHECK(std::abs(range.mean - truth.mean) <= 1e-13 * std::abs(truth.mean));
  }
  // A uniform g: uniform, the mean exactly the value.
  factor = 2.5;
  const SeparableCoefficient flat(f, std::vector<double>(320, 0.4));
  const auto uniform = wavekin::detail::sample_with_range(flat, line, 0.0, values);
  CHECK(uniform.uniform);
  CHECK(uniform.mean == 2.5 * 0.4);
  // f(t) NaN, zero or negative: the mass check names the point and the time.
  for (const double value : {std::numeric_limits<double>::quiet_NaN(), 0.0, -1.0}) {
    factor = value;
    CHECK_THROWS_WITH(wavekin::detail::sample_mass(mass, line, 0.25, values, "who"),
                      Contains("the mass must be finite and > 0") && Contains("grid point 0") &&
                          Contains("t = 0.25"));
  }
  // f(t) so large that f·g overflows: an infinite end; the potential check names it.
  factor = std::numeric_limits<double>::max();
  CHECK_THROWS_WITH(wavekin::detail::sample_potential(mass, line, 0.25, values, "who"),
                    Contains("V = inf"));
}

TEST_CASE("SeparableCoefficient drives CN and Magnus as the same mass as a FunctionCoefficient",
          "[schrodinger][coefficients]") {
  // P2 §4.1.2 ex. 1 at n = 6 (ε = 2⁻⁶, Δt = 2^{−10.2}, N = 320), 60 steps. The samples agree bit
  // for bit (test above); the means do to round-off only (SeparableCoefficient's is f(t) times
  // g's mean, not a sum over the sample), and they set CN's preconditioner and Magnus's splitting,
  // so the two runs agree to the solvers' round-off: CN stops at relative residual 1e-12 a step,
  // Magnus's series at 1e-14 (tolerance 60 steps × 1e-12 with room, against a wave of norm ~0.4;
  // a policy that sampled a different mass, even by 1e-9 relatively, would be far out).
  const PeriodicGrid<1> grid({320}, PeriodicGrid<1>::Point(1.25));
  const double epsilon = std::exp2(-6.0), dt = std::exp2(-10.2);
  auto f = [](double t) { return 1 + 0.2 * std::cos(2 * std::numbers::pi * t); };
  auto g = [](double x) { return 1 + 0.2 * std::sin(2 * std::numbers::pi * x); };
  std::vector<std::complex<double>> u0(320);
  for (std::ptrdiff_t j = 0; j < 320; ++j) {
    const double x = grid.coordinate(0, j);
    u0[static_cast<std::size_t>(j)] =
        std::exp(std::complex<double>(-128 * (x - 0.25) * (x - 0.25), x / epsilon));
  }
  auto run = [&](auto propagator) {
    auto u = u0;
    std::span<std::complex<double>> state(u);
    wavekin::integrate_n_steps(propagator, state, 0.0, dt, 60);
    return u;
  };
  const auto distance = [](const auto& a, const auto& b) {
    double most = 0;
    for (std::size_t j = 0; j < a.size(); ++j) most = std::max(most, std::abs(a[j] - b[j]));
    return most;
  };
  const ConstantCoefficient<> no_potential(0.0);
  const double cn = distance(run(wavekin::CrankNicolsonSpectral(
                                 grid, epsilon, SeparableCoefficient(f, grid, g), no_potential)),
                             run(wavekin::CrankNicolsonSpectral(
                                 grid, epsilon, SinusoidalMass(sinusoidal_mass), no_potential)));
  const double magnus = distance(
      run(wavekin::MagnusSpectral(grid, epsilon, SeparableCoefficient(f, grid, g), no_potential)),
      run(wavekin::MagnusSpectral(grid, epsilon, SinusoidalMass(sinusoidal_mass), no_potential)));
  std::printf("SeparableCoefficient against FunctionCoefficient, 60 steps: CN %.2e, Magnus %.2e\n",
              cn, magnus);
  CHECK(cn <= 1e-10);
  CHECK(magnus <= 1e-10);
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
