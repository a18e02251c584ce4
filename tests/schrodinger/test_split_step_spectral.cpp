// Tests for wavekin/schrodinger/split_step_spectral.hpp: exactness for a free Gaussian
// packet (1-D and 2-D), norm conservation with a potential, second order in Δt
// for a time-dependent potential, and rejected input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <numbers>
#include <span>
#include <vector>

#include "allocation_counter.hpp"
#include "gaussian_packet.hpp"
#include "nonfinite_wave.hpp"
#include "test_common.hpp"
#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/schrodinger/observables.hpp"
#include "wavekin/schrodinger/split_step_spectral.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_split_step_spectral {

using Catch::Matchers::Contains;
using wavekin::ConstantCoefficient;
using wavekin::FunctionCoefficient;
using wavekin::PeriodicGrid;
using wavekin::SplitStepSpectral;
using wavekin_test::GaussianPacket;
using wavekin_test::UnitBoxPacket;

using wavekin_test::allocation_count;
using wavekin_test::l2_distance;
using namespace wavekin::test;

// V(x) = 0.4 cos 2πx + 0.1 on the grid: a static potential of unit-box tests.
std::vector<double> cosine_potential(const PeriodicGrid<1>& grid) {
  std::vector<double> v(static_cast<std::size_t>(grid.size()));
  for (std::size_t j = 0; j < v.size(); ++j)
    v[j] = 0.4 * std::cos(two_pi * grid.point(static_cast<std::ptrdiff_t>(j))[0]) + 0.1;
  return v;
}

TEST_CASE("Split step: a free Gaussian packet is exact in time", "[schrodinger][split_step]") {
  // V = 0: the kinetic factor is the exact propagator of every Fourier mode,
  // so only spatial truncation (round-off here: |û| < 1e-16 beyond |ξ − k| = 70
  // ≪ ξ_max = 201, see the CN test) and FFT round-off remain, whatever Δt.
  // 1e-8 in L¹(ρ) is the bound asked for; measured ~1e-15.
  const GaussianPacket packet{32.0, 1.0, 0.5, 0.05, 1.5, 2.0};
  const PeriodicGrid<1> grid({128}, PeriodicGrid<1>::Point(2.0));
  SplitStepSpectral split(grid, packet.epsilon, packet.mass, ConstantCoefficient<>(0.0));
  for (const long long steps : {1LL, 7LL, 100LL}) {
    auto u = packet.sample(grid, 0.0);
    wavekin::integrate_n_steps(split, u, 0.0, 0.05 / static_cast<double>(steps), steps);
    const double error = wavekin_test::density_l1_distance(grid, u, packet.sample(grid, 0.05));
    if (verbose())
      std::printf("split step Gaussian, %lld steps: L1(rho) error %.3e\n", steps, error);
    CHECK(error <= 1e-8);
    // And the wave function itself, phase included, to FFT round-off × steps.
    CHECK(l2_distance(grid, u, packet.sample(grid, 0.05)) <= 1e-12);
  }
}

TEST_CASE("Split step: 2-D free Gaussian is the product of 1-D solutions",
          "[schrodinger][split_step]") {
  // With constant mass the 2-D equation separates: the solution from
  // u₀(x)v₀(y) is u(t, x) v(t, y), each the 1-D closed form. Error as 1-D.
  const GaussianPacket px{32.0, 1.0, 0.5, 0.05, 1.2, 2.0};
  const GaussianPacket py{20.0, 0.75, -0.25, 0.05, 1.2, 1.5};
  using Point = PeriodicGrid<2>::Point;
  const PeriodicGrid<2> grid({128, 96}, Point(2.0, 1.5));
  const PeriodicGrid<1> gx({128}, PeriodicGrid<1>::Point(2.0));
  const PeriodicGrid<1> gy({96}, PeriodicGrid<1>::Point(1.5));
  auto product = [&](double t) {
    const auto ux = px.sample(gx, t), uy = py.sample(gy, t);
    std::vector<cd> u(128 * 96);
    for (std::size_t i = 0; i < 128; ++i)
      for (std::size_t j = 0; j < 96; ++j) u[i * 96 + j] = ux[i] * uy[j];
    return u;
  };
  auto u = product(0.0);
  SplitStepSpectral split(grid, 0.05, 1.2, ConstantCoefficient<>(0.0));
  wavekin::integrate_n_steps(split, u, 0.0, 0.01, 4);
  CHECK(l2_distance(grid, u, product(0.04)) <= 1e-12);
}

TEST_CASE_METHOD(UnitBoxPacket, "Split step: L2 norm conserved with a potential over 1000 steps",
                 "[schrodinger][split_step]") {
  // Every factor is unitary (pointwise phases, and a Fourier phase between
  // FFTs); each step adds only FFT round-off ~ε_machine·log N ≈ 1e-15, so
  // 1000 steps stay far below the 1e-12 asked for (measured ~1e-14).
  SplitStepSpectral split(grid, epsilon, 1.3, FunctionCoefficient([](double t, double x) {
                            return 0.3 * std::cos(two_pi * x) * (1 + 0.5 * std::sin(t));
                          }));
  const double norm0 = wavekin::l2_norm(grid, u);
  wavekin::integrate_n_steps(split, u, 0.0, 1e-3, 1000);
  const double drift = std::abs(wavekin::l2_norm(grid, u) / norm0 - 1);
  if (verbose()) std::printf("split step norm drift over 1000 steps: %.3e\n", drift);
  CHECK(drift <= 1e-12);
}

TEST_CASE_METHOD(UnitBoxPacket,
                 "Split step: a static potential's cached phases give the uncached steps exactly",
                 "[schrodinger][split_step]") {
  // StaticFieldCoefficient makes e^{−iVΔt/(2ε)} once per Δt; GridFieldCoefficient recomputes it
  // every step from the same values with the same expression, so the two runs must agree bit
  // for bit, including across a change of Δt (the cache is rebuilt) and a negative Δt.
  std::vector<double> v = cosine_potential(grid);
  SplitStepSpectral cached(grid, epsilon, 1.3, wavekin::StaticFieldCoefficient<double>(v));
  SplitStepSpectral uncached(grid, epsilon, 1.3, wavekin::GridFieldCoefficient<double>(v));
  auto w = u;
  for (const double dt : {1e-3, 1e-3, 2e-3, -1e-3, 2e-3}) {
    cached.step(u, 0.0, dt);
    uncached.step(w, 0.0, dt);
  }
  double worst = 0;
  for (std::size_t j = 0; j < u.size(); ++j) worst = std::max(worst, std::abs(u[j] - w[j]));
  CHECK(worst == 0.0);
  // A static field must be finite where it is made.
  v[3] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(wavekin::StaticFieldCoefficient<double>(v), Contains("grid point 3"));
}

TEST_CASE_METHOD(UnitBoxPacket, "Split step: where u lies in memory changes no bit of the steps",
                 "[schrodinger][split_step]") {
  // The step copies u into its own arrays in its first pass and writes it in its last; the
  // kernels load and store without alignment assumptions, so a wave in an AlignedVector (on a
  // cache line), in a std::vector and 16 bytes past a cache line must step bit for bit alike,
  // through step() and advance(), while their speeds differ (aligned_vector.hpp).
  SplitStepSpectral split(grid, epsilon, 1.3,
                          wavekin::StaticFieldCoefficient<double>(cosine_potential(grid)));
  wavekin::AlignedVector<std::complex<double>> aligned(u.begin(), u.end());
  wavekin::AlignedVector<std::complex<double>> storage(u.size() + 1);
  const std::span<std::complex<double>> off(storage.data() + 1, u.size());
  std::copy(u.begin(), u.end(), off.begin());
  const auto initial = u;
  CHECK(reinterpret_cast<std::uintptr_t>(aligned.data()) % wavekin::cache_line_bytes == 0);
  CHECK(reinterpret_cast<std::uintptr_t>(off.data()) % wavekin::cache_line_bytes == 16);
  for (std::span<std::complex<double>> w :
       {std::span<std::complex<double>>(u), std::span<std::complex<double>>(aligned), off}) {
    split.step(w, 0.0, 1e-3);
    split.advance(w, 1e-3, 1e-3, 7);
  }
  CHECK(std::equal(u.begin(), u.end(), aligned.begin()));
  CHECK(std::equal(u.begin(), u.end(), off.begin()));
  // The steps ran: u moved, with its norm (unitary factors: 8 steps' round-off, ~1e-15).
  CHECK(u != initial);
  CHECK(std::abs(wavekin::l2_norm(grid, u) / wavekin::l2_norm(grid, initial) - 1) < 1e-13);
}

TEST_CASE_METHOD(UnitBoxPacket,
                 "Split step: advance(count) is count steps with their shared half-steps merged",
                 "[schrodinger][split_step]") {
  // advance() multiplies by e^{−iV(t_k)Δt/ε} where count calls of step() multiply by
  // e^{−iV(t_k)Δt/(2ε)} twice: the same unitary factors, rounded once instead of twice, so the
  // two runs differ by round-off only, ~1e-16 a point a step. Over 3 × 40 steps, and with FFT
  // round-off ~1e-15 a step on either side, 1e-13 of ‖u‖ (≈ 1) is a margin of ~50 over the
  // measured 2e-15, and far below a wrong phase anywhere (a missing half-step moves u by ~1e-2).
  const std::vector<double> v = cosine_potential(grid);
  const auto run = [&](auto&& propagator) {
    auto merged = u, stepped = u;
    double t = 0;
    // A change of Δt rebuilds the cached phases; a negative Δt runs backwards.
    for (const double dt : {1e-3, 2e-3, -1e-3}) {
      propagator.advance(merged, t, dt, 40);
      for (int k = 0; k < 40; ++k) propagator.step(stepped, t + k * dt, dt);
      t += 40 * dt;
    }
    CHECK(l2_distance(grid, merged, u) > 1e-2);  // it moved
    return l2_distance(grid, merged, stepped);
  };
  const double fixed =
      run(SplitStepSpectral(grid, epsilon, 1.3, wavekin::StaticFieldCoefficient<double>(v)));
  // A potential that ignores t is sampled once per call (its phases made for that call only).
  const double grid_field =
      run(SplitStepSpectral(grid, epsilon, 1.3, wavekin::GridFieldCoefficient<double>(v)));
  const double moving =
      run(SplitStepSpectral(grid, epsilon, 1.3, FunctionCoefficient([](double t, double x) {
                              return 0.4 * std::cos(two_pi * x) * (1 + 20 * t) + 0.1;
                            })));
  if (verbose())
    std::printf("advance against steps: static V %.3e, grid field %.3e, time-dependent V %.3e\n",
                fixed, grid_field, moving);
  CHECK(fixed <= 1e-13);
  CHECK(grid_field <= 1e-13);
  CHECK(moving <= 1e-13);

  // A grid field's values written between two calls take effect at the second: the same phases,
  // by the same expression and kernel, as two static potentials, so bit for bit.
  SplitStepSpectral written(grid, epsilon, 1.3, wavekin::GridFieldCoefficient<double>(v));
  std::vector<double> doubled = v;
  for (auto& x : doubled) x *= 2;
  SplitStepSpectral first(grid, epsilon, 1.3, wavekin::StaticFieldCoefficient<double>(v));
  SplitStepSpectral second(grid, epsilon, 1.3, wavekin::StaticFieldCoefficient<double>(doubled));
  auto rewritten = u, two_fields = u;
  written.advance(rewritten, 0.0, 1e-3, 10);
  std::copy(doubled.begin(), doubled.end(), written.potential().values().begin());
  written.advance(rewritten, 0.01, 1e-3, 10);
  first.advance(two_fields, 0.0, 1e-3, 10);
  second.advance(two_fields, 0.01, 1e-3, 10);
  CHECK(rewritten == two_fields);

  // integrate_n_steps takes the advance() path when nothing observes u between steps, and
  // step() when an observer does: bit for bit each.
  SplitStepSpectral split(grid, epsilon, 1.3, wavekin::StaticFieldCoefficient<double>(v));
  auto direct = u, integrated = u, observed = u, stepped = u;
  split.advance(direct, 0.0, 1e-3, 25);
  wavekin::integrate_n_steps(split, integrated, 0.0, 1e-3, 25);
  int observations = 0;
  wavekin::integrate_n_steps(split, observed, 0.0, 1e-3, 25,
                             [&](const auto&, double, std::int64_t) { ++observations; });
  for (int k = 0; k < 25; ++k) split.step(stepped, k * 1e-3, 1e-3);
  CHECK(integrated == direct);
  CHECK(observed == stepped);
  CHECK(observations == 26);
  CHECK(direct != stepped);  // the merged path is a different rounding, not the same code
  // count 0 leaves u alone, count 1 is one step.
  auto once = u, one_step = u;
  split.advance(once, 0.0, 1e-3, 0);
  CHECK(once == u);
  split.advance(once, 0.0, 1e-3, 1);
  split.step(one_step, 0.0, 1e-3);
  CHECK(once == one_step);
}

TEST_CASE("Split step: advance() names bad input and leaves u as it was",
          "[schrodinger][split_step]") {
  const PeriodicGrid<1> grid({16}, PeriodicGrid<1>::Point(1.0));
  std::vector<cd> u(16);
  for (std::size_t k = 0; k < u.size(); ++k) u[k] = std::polar(1.0, 0.3 * double(k));
  const auto before = u;
  // V turns NaN after t = 0.35: the 4th of 10 steps of 0.1 ends there. The error names V and the
  // time, and u is as it was at t = 0, not three steps on.
  SplitStepSpectral split(grid, 0.1, 1.0, FunctionCoefficient([](double t, double x) {
                            return t > 0.35 ? std::numeric_limits<double>::quiet_NaN()
                                            : std::cos(two_pi * x);
                          }));
  CHECK_THROWS_WITH(split.advance(u, 0.0, 0.1, 10), Contains("V = nan") && Contains("t = 0.4"));
  CHECK(u == before);
  CHECK_THROWS_WITH(split.advance(u, 0.0, 0.1, -1), Contains("step count -1"));
  CHECK_THROWS_WITH(split.advance(u, 0.0, 0.0, 5), Contains("got 0"));
  CHECK_THROWS_WITH(split.advance(u, 0.0, 1e303, 1000000), Contains("is not finite"));
  SplitStepSpectral fixed(grid, 0.1, 1.0,
                          wavekin::StaticFieldCoefficient<double>(std::vector<double>(16, 0.2)));
  auto bad = u;
  bad[5] = cd(std::numeric_limits<double>::quiet_NaN(), 0.0);
  const auto bad_before = bad;
  CHECK_THROWS_WITH(fixed.advance(bad, 0.0, 0.1, 10),
                    Contains("SplitStepSpectral::advance") && Contains("u[5] = (nan, 0)"));
  CHECK(std::equal(bad.begin(), bad.end(), bad_before.begin(), [](cd a, cd b) {
    return std::memcmp(&a, &b, sizeof a) == 0;  // NaN != NaN: compare the bits
  }));
  CHECK(u == before);
}

TEST_CASE("Split step: second order in dt with a time-dependent potential",
          "[schrodinger][split_step]") {
  // Errors at Δt = T/20, T/40, T/80 against T/2560 (error (1/32)² of the
  // finest, negligible); Strang with V at both ends of the step is symmetric,
  // hence second order: observed order within [1.8, 2.2].
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(1.0));
  const double epsilon = 1.0 / 32;
  const GaussianPacket packet{64.0, 0.5, 1.0, epsilon, 1.0, 1.0};
  auto run = [&](long long steps) {
    auto u = packet.sample(grid, 0.0);
    SplitStepSpectral split(grid, epsilon, 1.0, FunctionCoefficient([](double t, double x) {
                              return 0.5 * std::cos(two_pi * x) * (1 + 0.2 * std::cos(two_pi * t));
                            }));
    wavekin::integrate_n_steps(split, u, 0.0, 0.1 / static_cast<double>(steps), steps);
    return u;
  };
  const auto reference = run(2560);
  const double e1 = l2_distance(grid, run(20), reference);
  const double e2 = l2_distance(grid, run(40), reference);
  const double e3 = l2_distance(grid, run(80), reference);
  const double order_1 = std::log2(e1 / e2), order_2 = std::log2(e2 / e3);
  if (verbose())
    std::printf("split step errors %.3e %.3e %.3e: orders %.3f %.3f\n", e1, e2, e3, order_1,
                order_2);
  CHECK(order_1 >= 1.8);
  CHECK(order_1 <= 2.2);
  CHECK(order_2 >= 1.8);
  CHECK(order_2 <= 2.2);
}

TEST_CASE("Split step: time-symmetric, a first step of dt = -1 runs backwards",
          "[schrodinger][split_step]") {
  // Strang with the trapezoid rule in time is symmetric: a step of −dt from t + dt undoes a step
  // of dt, to round-off (unitary factors, FFT round-off ~1e-15 on a unit-size field). dt = −1 as
  // the very first step checks that no cached kinetic factor is mistaken for it.
  const PeriodicGrid<1> grid({64}, PeriodicGrid<1>::Point(1.0));
  SplitStepSpectral split(grid, 0.1, 1.0, FunctionCoefficient([](double t, double x) {
                            return std::cos(two_pi * x) * (1 + 0.3 * t);
                          }));
  std::vector<cd> u(64);
  for (std::size_t k = 0; k < u.size(); ++k)
    u[k] = std::exp(cd(-40 * std::pow(double(k) / 64 - 0.5, 2), 3.0 * double(k) / 64));
  const auto u0 = u;
  split.step(u, 0.0, -1.0);
  CHECK(l2_distance(grid, u, u0) > 1e-2);  // it moved
  split.step(u, -1.0, 1.0);
  CHECK(l2_distance(grid, u, u0) <= 1e-13);
}

TEST_CASE("Split step: bad input throws invalid_argument naming the value",
          "[schrodinger][split_step]") {
  const PeriodicGrid<1> grid({16}, PeriodicGrid<1>::Point(1.0));
  std::vector<cd> u(16, cd(1.0, 0.0));
  CHECK_THROWS_WITH(SplitStepSpectral(grid, 0.1, 0.0, ConstantCoefficient<>(0.0)),
                    Contains("m = 0"));
  CHECK_THROWS_WITH(SplitStepSpectral(grid, 0.1, -2.0, ConstantCoefficient<>(0.0)),
                    Contains("m = -2"));
  CHECK_THROWS_WITH(SplitStepSpectral(grid, -0.1, 1.0, ConstantCoefficient<>(0.0)),
                    Contains("epsilon must be finite and > 0, got -0.1"));
  SplitStepSpectral split(grid, 0.1, 1.0, FunctionCoefficient([](double t, double) {
                            return t > 1 ? std::numeric_limits<double>::quiet_NaN() : 0.0;
                          }));
  CHECK_THROWS_WITH(split.step(u, 0.0, 0.0), Contains("got 0"));
  CHECK_THROWS_WITH(split.step(u, 0.0, std::numeric_limits<double>::infinity()),
                    Contains("got inf"));
  std::vector<cd> small(4);
  CHECK_THROWS_WITH(split.step(small, 0.0, 0.1), Contains("4 values, expected 16"));
  auto bad = u;
  bad[7] = cd(0.0, std::numeric_limits<double>::infinity());
  CHECK_THROWS_WITH(split.step(bad, 0.0, 0.1), Contains("u[7] = (0, inf)"));
  // The same through the path of a potential fixed in time (cached phases): named, and u left as
  // it was.
  SplitStepSpectral fixed(grid, 0.1, 1.0,
                          wavekin::StaticFieldCoefficient<double>(std::vector<double>(16, 0.2)));
  const auto bad_before = bad;
  CHECK_THROWS_WITH(fixed.step(bad, 0.0, 0.1), Contains("u[7] = (0, inf)"));
  CHECK(bad == bad_before);
  // V(t_{n+1}) = NaN: rejected before u is touched.
  const auto before = u;
  CHECK_THROWS_WITH(split.step(u, 0.95, 0.1), Contains("V = nan") && Contains("t = 1.05"));
  CHECK(u == before);
}

TEST_CASE("Split step: a non-finite u anywhere is named, on every FFT algorithm's grid",
          "[schrodinger][split_step]") {
  // u's finiteness is read off the first transform's zero mode, which must show a NaN or an
  // infinity at any point whatever algorithm FFTW plans (nonfinite_wave.hpp), in 1D with a
  // static potential and in 2D (6×10) with a time-dependent one.
  for (const std::ptrdiff_t n : wavekin_test::nonfinite_sweep_points) {
    const PeriodicGrid<1> grid({n}, PeriodicGrid<1>::Point(1.0));
    std::vector<double> potential(static_cast<std::size_t>(n));
    for (std::size_t j = 0; j < potential.size(); ++j) potential[j] = std::cos(0.1 * double(j));
    SplitStepSpectral split(grid, 0.1, 1.0, wavekin::StaticFieldCoefficient<double>(potential));
    std::vector<cd> u(static_cast<std::size_t>(n));
    for (std::size_t j = 0; j < u.size(); ++j) u[j] = std::polar(1.0, 0.3 * double(j));
    wavekin_test::check_nonfinite_wave_named(split, u);
  }
  const PeriodicGrid<2> grid({6, 10}, PeriodicGrid<2>::Point(1.0, 1.0));
  SplitStepSpectral split(grid, 0.1, 1.0, FunctionCoefficient([](double t, const auto& x) {
                            return std::cos(two_pi * (x[0] + t)) * x[1];
                          }));
  wavekin_test::check_nonfinite_wave_named(split, std::vector<cd>(60, cd(0.5, -0.5)));
}

TEMPLATE_TEST_CASE("Split step runs in float and double", "[schrodinger][split_step]", float,
                   double) {
  // Unitary factors: 100 steps drift by ≲ 100·10·ε_machine (FFT round-off
  // ~ε log N per step): 1.2e-4 in float, 2.2e-13 in double.
  using Scalar = TestType;
  using Grid = PeriodicGrid<1, Scalar>;
  const Grid grid({64}, typename Grid::Point(Scalar(1)));
  std::vector<std::complex<Scalar>> u(64);
  for (std::ptrdiff_t j = 0; j < 64; ++j) {
    const double x = static_cast<double>(grid.coordinate(0, j));
    u[static_cast<std::size_t>(j)] =
        std::complex<Scalar>(std::exp(std::complex<double>(-40 * (x - 0.5) * (x - 0.5), 10 * x)));
  }
  SplitStepSpectral split(grid, Scalar(0.1), Scalar(1.2), ConstantCoefficient<Scalar>(Scalar(0.3)));
  const Scalar norm0 = wavekin::l2_norm(grid, u);
  wavekin::integrate_n_steps(split, u, Scalar(0), Scalar(1e-2), 100);
  const double bound = 1000 * std::numeric_limits<Scalar>::epsilon();
  CHECK(std::abs(wavekin::l2_norm(grid, u) / norm0 - 1) <= bound);
}

TEST_CASE("Split step: step() and advance() allocate nothing", "[schrodinger][split_step]") {
  const PeriodicGrid<1> grid({64}, PeriodicGrid<1>::Point(1.0));
  std::vector<cd> u(64, cd(1.0, 0.0));
  SplitStepSpectral split(grid, 0.1, 1.0, FunctionCoefficient([](double t, double x) {
                            return std::cos(two_pi * x) + t;
                          }));
  const std::span<cd> view(u);
  const long long before = allocation_count.load();
  split.step(view, 0.0, 0.01);
  split.step(view, 0.01, 0.02);  // a new dt refreshes the cached kinetic factor in place
  split.advance(view, 0.03, 0.01, 5);
  CHECK(allocation_count.load() - before == 0);
  SplitStepSpectral fixed(grid, 0.1, 1.0,
                          wavekin::StaticFieldCoefficient<double>(std::vector<double>(64, 0.2)));
  const long long constructed = allocation_count.load();
  fixed.advance(view, 0.0, 0.01, 5);
  fixed.advance(view, 0.0, 0.02, 5);  // a new dt remakes the cached phases in place
  split.advance(view, 0.08, 0.01, 3);
  const long long after = allocation_count.load();
  CHECK(after - constructed == 0);
  SplitStepSpectral field(grid, 0.1, 1.0,
                          wavekin::GridFieldCoefficient<double>(std::vector<double>(64, 0.2)));
  const long long field_constructed = allocation_count.load();
  field.step(view, 0.0, 0.01);
  field.advance(view, 0.01, 0.01, 5);
  CHECK(allocation_count.load() - field_constructed == 0);
  CHECK(constructed - before > 0);  // the counter counts (the construction allocated)
  // and counts the aligned forms too, which the propagators' tables (AlignedVector) use
  const long long aligned_before = allocation_count.load();
  const wavekin::AlignedVector<cd> aligned(64);
  CHECK(allocation_count.load() - aligned_before == 1);
  CHECK(aligned.size() == 64);
}

}  // namespace wavekin_test_split_step_spectral
