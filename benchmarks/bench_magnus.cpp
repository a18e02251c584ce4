// One MagnusSpectral step of the VMSE against its own FFTs: P2's 20 % mass variation at P2's
// scales (Δx = 2^{−n−2} on the unit box, ε = 4/N, Δt = 2^{−1.2n−3}), 1D N = 320 … 8192 and 2D
// 256², 512², FFTW_MEASURE plans. The mass is a GridFieldCoefficient (how sampled random masses
// arrive): the same values at both Gauss points, so a step is one exponential (the midpoint rule).
// SPDX-License-Identifier: MIT
//
// Counters: `terms_per_step` (Chebyshev terms, i.e. operator applications), `ffts_per_step`
// (2 + 2·Dim·terms: the propagator's documented count), and `step_per_its_ffts` = the step's CPU
// time over that of its FFTs, each timed alone on aligned arrays in the form the step runs it
// (its first and last out of place between u and the series, the series' pairs out of place up
// to 2^15 points and in place above): the median over rounds that alternate steps and pairs
// (bench_support.hpp). Built as bench_magnus_in_step, also `step_per_ffts_in_step`
// (bench_support.hpp).
//
// Run: cmake --preset bench && cmake --build --preset bench --target bench_magnus &&
//      build/bench/benchmarks/bench_magnus
#include <benchmark/benchmark.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/schrodinger/magnus_spectral.hpp"

#include "bench_support.hpp"
#include "p2_example.hpp"

namespace {

using cplx = std::complex<double>;
constexpr double two_pi = 2 * std::numbers::pi;

template <int Dim>
void magnus_step(benchmark::State& state) {
  const long points = state.range(0);
  const auto grid = wavekin::PeriodicGrid<Dim>::cube(points, 1.0);
  const auto [epsilon, dt] = wavekin::bench::p2_unit_box_scales(points);
  std::vector<double> mass(static_cast<std::size_t>(grid.size()));
  wavekin::AlignedVector<cplx> u(mass.size());  // a wave on a cache line (aligned_vector.hpp)
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const auto x = grid.point(j);
    double shape = std::sin(two_pi * x[0]);
    for (int a = 1; a < Dim; ++a) shape *= std::cos(two_pi * x[a]);
    mass[static_cast<std::size_t>(j)] = 1 + 0.2 * shape;
    const double r2 = (x.array() - 0.25).square().sum();
    u[static_cast<std::size_t>(j)] = std::exp(cplx(-128 * r2, x.sum() / epsilon));
  }
  wavekin::MagnusOptions<double> options;
  options.fft.rigor = wavekin::FftRigor::measure;
  wavekin::MagnusSpectral propagator(grid, epsilon,
                                     wavekin::GridFieldCoefficient<double>(std::move(mass)),
                                     wavekin::ConstantCoefficient<double>(0.0), options);
  (void)wavekin::bench::seconds_per_step_timing_ffts(state, propagator, u, dt);
  // Then rounds that alternate steps with FFT pairs on aligned arrays in the forms in which the
  // step runs its transforms (its first and last out of place between u and the series, the
  // series' pairs out of place through a scratch array on grids of at most 2^15 points and in
  // place above), each ratio within one round.
  const wavekin::Fft<Dim> fft(grid.counts(), options.fft);
  wavekin::bench::AlignedPair<Dim> in_place(fft, u), out_of_place(fft, u, false);
  double t = 0;
  auto step = [&] {
    propagator.step(u, t, dt);
    t += dt;
  };
  const auto rounds =
      wavekin::bench::alternating_seconds_per_call(7, 0.03, step, in_place, out_of_place);
  const auto& stats = propagator.statistics();
  const double terms =
      static_cast<double>(stats.operator_applications) / static_cast<double>(stats.steps);
  const double ffts = 2 + 2.0 * Dim * terms;
  state.counters["terms_per_step"] = terms;
  state.counters["ffts_per_step"] = ffts;
  const bool series_out_of_place = propagator.ffts_out_of_place();
  const bool direct = propagator.transforms_directly(u.data());
  state.counters["step_per_its_ffts"] =
      wavekin::bench::median_over_rounds(rounds, [&](const auto& r) {
        return r[0] /
               ((direct ? r[2] : r[1]) + (ffts - 2) * 0.5 * (series_out_of_place ? r[2] : r[1]));
      });
}

}  // namespace

BENCHMARK_TEMPLATE(magnus_step, 1)
    ->Arg(320)
    ->Arg(1280)
    ->Arg(4096)
    ->Arg(8192)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(magnus_step, 2)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
