// One Monte Carlo sample of P1 (4.1) in 2D at ε = 1/16 (issue 14's unit of cost): a supercell of
// 80² cells with 16² points per cell (a 1280² grid), the static potential V(x/ε) + √ε N(x/ε)
// with N drawn by circulant embedding, 320 split-step steps; against the FFT pairs it needs (one
// forward + inverse pair per step), timed in the same process with the same plans (MEASURE, as the
// drivers plan). Reported: `sample_over_ffts` = (sample CPU time) / (320 × pair CPU time), and
// `draw_over_pair`, the cost of drawing N in pairs.
// Also one SplitStepSpectral step in 1D, N = 320 … 8192 (P2's scales: unit box, ε = 4/N, a static
// potential V(x/ε) + noise as a StaticFieldCoefficient), against its one in-place forward +
// backward pair on an aligned array: `step_per_its_ffts`, the median over rounds that alternate
// steps and pairs in the same process; `advance_step_per_its_ffts`, the same for a step inside
// advance() over 64 steps (what integrate runs when no observer looks between steps); with a
// potential that changes every step too, and the phases alone (phases_1d).
// SPDX-License-Identifier: MIT
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <type_traits>
#include <vector>

#include "bench_support.hpp"
#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/montecarlo/random_potential_sample.hpp"
#include "wavekin/schrodinger/detail/fft_placement.hpp"
#include "wavekin/schrodinger/detail/interleaved_kernels.hpp"
#include "wavekin/schrodinger/detail/unit_phases.hpp"
#include "wavekin/schrodinger/split_step_spectral.hpp"

namespace {

using cplx = std::complex<double>;
using Point = wavekin::PeriodicGrid<2>::Point;

void p1_sample_2d(benchmark::State& state) {
  const double epsilon = 1.0 / 16;
  const std::ptrdiff_t cells = 80, per_cell = 16, n = cells * per_cell;  // 1280
  const std::int64_t steps = 320;
  const double box = epsilon * static_cast<double>(cells);  // x = εz, unit square cells
  const wavekin::PeriodicGrid<2> grid({n, n}, Point(box, box));
  const wavekin::FftOptions fft{.rigor = wavekin::FftRigor::measure};
  std::vector<double> crystal(static_cast<std::size_t>(grid.size()));
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const Point z = grid.point(j) / epsilon;
    crystal[static_cast<std::size_t>(j)] =
        2 * (std::cos(2 * std::numbers::pi * z[0]) + std::cos(2 * std::numbers::pi * z[1]));
  }
  const wavekin::GaussianCorrelation<2> correlation(1.0, 1.0);
  const wavekin::RandomPotentialSample<2> sample({grid, epsilon, 0.05 * epsilon, crystal, fft},
                                                 correlation);
  std::vector<cplx> wave0(static_cast<std::size_t>(grid.size()));
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const Point x = grid.point(j) - Point(box / 2, box / 2);
    wave0[static_cast<std::size_t>(j)] = std::exp(cplx(-x.squaredNorm() / 0.5, x[0] / epsilon));
  }
  // The reference pair: the same transform as the step's, planned first (so that the sample's
  // propagator finds the plan in FFTW's wisdom and its construction does not time candidates).
  const wavekin::Fft<2> pair(grid.counts(), fft);
  std::vector<cplx> work = wave0;
  std::vector<double> field(wave0.size());
  // Each iteration times the sample, then as many pairs as it has steps, so both see the same
  // machine load; the ratios reported are the medians over the iterations.
  std::vector<double> sample_ratio, draw_ratio, pair_ms;
  std::uint64_t index = 0;
  for (auto _ : state) {
    std::vector<cplx> wave = wave0;
    double t0 = wavekin::bench::thread_seconds();
    sample.run(2026, index, wave, steps);
    const double sample_seconds = wavekin::bench::thread_seconds() - t0;
    benchmark::DoNotOptimize(wave.data());
    t0 = wavekin::bench::thread_seconds();
    sample.draw(2026, index, field);
    const double draw_seconds = wavekin::bench::thread_seconds() - t0;
    t0 = wavekin::bench::thread_seconds();
    for (std::int64_t k = 0; k < steps; ++k) {
      pair.forward(work.data(), work.data());
      pair.backward(work.data(), work.data());
    }
    const double pair_seconds =
        (wavekin::bench::thread_seconds() - t0) / static_cast<double>(steps);
    benchmark::DoNotOptimize(work.data());
    sample_ratio.push_back(sample_seconds / (static_cast<double>(steps) * pair_seconds));
    draw_ratio.push_back(draw_seconds / pair_seconds);
    pair_ms.push_back(1e3 * pair_seconds);
    ++index;
  }
  state.counters["sample_over_ffts"] = wavekin::bench::median(sample_ratio);
  state.counters["draw_over_pair"] = wavekin::bench::median(draw_ratio);
  state.counters["pair_ms"] = wavekin::bench::median(pair_ms);
}

// A potential that changes every step, V(t, x) = (1 + t/2)·V₀(x): sampled at both ends of a
// step (one cos a point each, the caller's cost) with N complex exponentials each (ours).
struct PulsedLattice {
  double epsilon;
  double operator()(double t, double x) const {
    return (1 + t / 2) * 2 * std::cos(2 * std::numbers::pi * x / epsilon);
  }
};
using PulsedPotential = wavekin::FunctionCoefficient<PulsedLattice>;

template <class Potential>
Potential make_potential(std::vector<double> values, double epsilon) {
  if constexpr (std::is_same_v<Potential, PulsedPotential>)
    return Potential(PulsedLattice{epsilon});
  else
    return Potential(std::move(values));
}

// Potential: StaticFieldCoefficient (phases made once per step size), GridFieldCoefficient
// (values a caller may write between steps: one sample and N complex exponentials a step, once
// per advance() call) or PulsedPotential (above).
template <class Potential>
void split_step_1d(benchmark::State& state) {
  const long points = state.range(0);
  const auto grid = wavekin::PeriodicGrid<1>::cube(points, 1.0);
  const double epsilon = 4.0 / static_cast<double>(points), dt = 0.05 * epsilon;
  const wavekin::FftOptions fft{.rigor = wavekin::FftRigor::measure};
  std::vector<double> potential(static_cast<std::size_t>(grid.size()));
  wavekin::AlignedVector<cplx> u(potential.size());  // a wave on a cache line (aligned_vector.hpp)
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const double x = grid.point(j)[0];
    potential[static_cast<std::size_t>(j)] =
        2 * std::cos(2 * std::numbers::pi * x / epsilon) + 0.3 * std::sin(7.0 * x / epsilon);
    u[static_cast<std::size_t>(j)] = std::exp(cplx(-64 * (x - 0.5) * (x - 0.5), x / epsilon));
  }
  wavekin::SplitStepSpectral propagator(
      grid, epsilon, 1.0, make_potential<Potential>(std::move(potential), epsilon), fft);
  (void)wavekin::bench::seconds_per_step(state, propagator, u, dt);
  // Then rounds that alternate steps with forward + backward pairs in the form the step runs
  // them (out of place between two aligned arrays up to 2^15 points, in place above), each ratio
  // within one round (bench_support.hpp).
  const wavekin::Fft<1> transform(grid.counts(), fft);
  wavekin::bench::AlignedPair<1> pair(transform, u, !propagator.ffts_out_of_place());
  double t = 0;
  auto step = [&] {
    propagator.step(u, t, dt);
    t += dt;
  };
  // And the steps as integrate takes them when nothing observes u between steps: advance() over
  // 64 steps, whose shared potential half-steps merge (2 passes a step instead of 3).
  constexpr std::int64_t merged = 64;
  auto advance = [&] {
    propagator.advance(u, t, dt, merged);
    t += static_cast<double>(merged) * dt;
  };
  // And a lone step's three multiplication passes alone, on arrays of the step's kinds (u, the
  // work arrays, the phase tables): the floor of a lone step is its FFTs plus these, so
  // `step_per_ffts_and_passes` near 1 says nothing else is left to take out of it.
  const auto n = u.size();
  wavekin::AlignedVector<cplx> work(n), spectrum(n);
  wavekin::AlignedVector<cplx> phase(n, std::polar(1.0, 0.3)), kinetic(n, std::polar(1.0, -0.2));
  auto passes = [&] {
    using wavekin::detail::interleaved::complex_multiply;
    complex_multiply(n, u.data(), phase.data(), work.data());
    complex_multiply(n, spectrum.data(), kinetic.data(), spectrum.data());
    complex_multiply(n, work.data(), phase.data(), u.data());
    benchmark::DoNotOptimize(u.data());
  };
  const auto rounds =
      wavekin::bench::alternating_seconds_per_call(7, 0.03, step, pair, advance, passes);
  state.counters["step_per_its_ffts"] =
      wavekin::bench::median_over_rounds(rounds, [](const auto& r) { return r[0] / r[1]; });
  state.counters["advance_step_per_its_ffts"] = wavekin::bench::median_over_rounds(
      rounds, [&](const auto& r) { return r[2] / (static_cast<double>(merged) * r[1]); });
  state.counters["three_passes_per_its_ffts"] =
      wavekin::bench::median_over_rounds(rounds, [](const auto& r) { return r[3] / r[1]; });
  state.counters["step_per_ffts_and_passes"] = wavekin::bench::median_over_rounds(
      rounds, [](const auto& r) { return r[0] / (r[1] + r[3]); });
}

// The split step's N phases e^{−iθ_k} (θ_k = VΔt/2ε in [−1.5, 1.5]): unit_phases on the vector
// lanes against std::polar a point at a time, and against the step's FFT pair, in alternating
// rounds: `polar_over_unit_phases`, `unit_phases_over_pair`.
void phases_1d(benchmark::State& state) {
  const auto points = static_cast<std::size_t>(state.range(0));
  std::vector<double> v(points);
  for (std::size_t k = 0; k < points; ++k)
    v[k] = 1.5 * std::cos(2 * std::numbers::pi * static_cast<double>(k * 37) /
                          static_cast<double>(points));
  std::vector<cplx> phase(points);
  auto vector_lanes = [&] {
    wavekin::detail::interleaved::unit_phases(points, -1.0, v.data(), phase.data());
    benchmark::DoNotOptimize(phase.data());
  };
  auto polar = [&] {
    for (std::size_t k = 0; k < points; ++k) phase[k] = std::polar(1.0, -v[k]);
    benchmark::DoNotOptimize(phase.data());
  };
  for (auto _ : state) vector_lanes();
  const auto grid = wavekin::PeriodicGrid<1>::cube(state.range(0), 1.0);
  const wavekin::Fft<1> transform(grid.counts(), {.rigor = wavekin::FftRigor::measure});
  std::vector<cplx> u(phase);
  wavekin::bench::AlignedPair<1> pair(transform, u, !wavekin::detail::ffts_out_of_place(points));
  const auto rounds =
      wavekin::bench::alternating_seconds_per_call(7, 0.03, vector_lanes, polar, pair);
  state.counters["polar_over_unit_phases"] =
      wavekin::bench::median_over_rounds(rounds, [](const auto& r) { return r[1] / r[0]; });
  state.counters["unit_phases_over_pair"] =
      wavekin::bench::median_over_rounds(rounds, [](const auto& r) { return r[0] / r[2]; });
}

// One complex multiplication pass over N values (the split step's, `complex_multiply`) with its
// arrays on cache lines against the same pass with arrays 16 bytes past a line (where
// std::allocator puts about half of its blocks): `one_input_off`, `both_inputs_off` and
// `output_off` are their times over the aligned pass's, in alternating rounds.
void multiply_pass_placement(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  // Each array once on a line and once one complex value (16 bytes) past it.
  wavekin::AlignedVector<cplx> a(n + 1, cplx(0.6, 0.8)), b(n + 1, cplx(0.8, -0.6)),
      out(n + 1, cplx(0.0, 0.0));
  cplx *a0 = a.data(), *b0 = b.data(), *out0 = out.data();
  cplx *a16 = a0 + 1, *b16 = b0 + 1, *out16 = out0 + 1;
  using wavekin::detail::interleaved::complex_multiply;
  auto pass = [&](const cplx* x, const cplx* y, cplx* z) {
    return [=] {
      complex_multiply(n, x, y, z);
      benchmark::DoNotOptimize(z);
    };
  };
  auto aligned = pass(a0, b0, out0), one = pass(a16, b0, out0), both = pass(a16, b16, out0),
       output = pass(a0, b0, out16);
  for (auto _ : state) aligned();
  const auto rounds =
      wavekin::bench::alternating_seconds_per_call(7, 0.03, aligned, one, both, output);
  const auto over_aligned = [&](std::size_t k) {
    return wavekin::bench::median_over_rounds(rounds, [k](const auto& r) { return r[k] / r[0]; });
  };
  state.counters["one_input_off"] = over_aligned(1);
  state.counters["both_inputs_off"] = over_aligned(2);
  state.counters["output_off"] = over_aligned(3);
}

}  // namespace

BENCHMARK(multiply_pass_placement)->Arg(320)->Arg(1280)->Unit(benchmark::kNanosecond);
BENCHMARK(phases_1d)->Arg(320)->Arg(4096)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(split_step_1d, wavekin::StaticFieldCoefficient<double>)
    ->Arg(320)
    ->Arg(1280)
    ->Arg(4096)
    ->Arg(8192)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(split_step_1d, wavekin::GridFieldCoefficient<double>)
    ->Arg(320)
    ->Arg(4096)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(split_step_1d, PulsedPotential)
    ->Arg(320)
    ->Arg(4096)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(p1_sample_2d)->Unit(benchmark::kSecond)->Iterations(3);

BENCHMARK_MAIN();
