// Benchmarks of one Crank–Nicolson spectral step of the VMSE with P2's 20 %
// mass variation (1D: N = 320 … 2^14; 2D: 256², 512²), each against the
// forward + backward FFT pairs it runs on the same grid, measured in the same run.
// SPDX-License-Identifier: MIT
//
// Counters of `cn_step`: solver iterations (operator applications) per step, steps GMRES
// finished (`gmres_steps_per_step`), FFTs per step (the propagator's own count,
// CrankNicolsonStatistics::ffts), and, as medians over rounds that alternate steps with FFT
// pairs (bench_support.hpp, alternating_seconds_per_call): `step_per_fft_pair` (the step's CPU
// time over that of one out-of-place pair), `step_per_own_ffts` (over the FFTs it runs, each
// timed in the form the step runs it: the first and last out of place between u and the
// propagator's arrays (in place through a copy when u lacks the plans' alignment), the solver's
// out of place between aligned arrays on grids of at most 2^15 points, in place above) and
// `non_fft_fraction` = 1 − own FFTs / step. Built as bench_crank_nicolson_in_step
// (WAVEKIN_FFT_TIMING), it also reports `step_per_ffts_in_step`: the step's wall time over that
// of its FFTs timed inside the steps.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <numbers>
#include <vector>

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"

#include "bench_support.hpp"
#include "p2_example.hpp"

namespace {

using cplx = std::complex<double>;
constexpr double two_pi = 2 * std::numbers::pi;

template <int Dim>
wavekin::PeriodicGrid<Dim> unit_box(long n) {
  return wavekin::PeriodicGrid<Dim>::cube(n, 1.0);
}

template <int Dim>
void fft_pair(benchmark::State& state) {
  const auto grid = unit_box<Dim>(state.range(0));
  const wavekin::Fft<Dim> fft(grid.counts());
  const std::vector<cplx> f(static_cast<std::size_t>(grid.size()), cplx(1, 0.5));
  wavekin::bench::AlignedPair<Dim> pair(fft, f, false);
  for (auto _ : state) pair();
}

// m(t, x) = (1 + 0.2 sin 2πx_1 cos 2πx_2 …)(1 + 0.2 cos 2πt): P2 (4.9) in 1D,
// the same 20 % variation in 2D.
template <int Dim>
double paper_shape(const Eigen::Matrix<double, Dim, 1>& x) {
  double shape = std::sin(two_pi * x[0]);
  for (int a = 1; a < Dim; ++a) shape *= std::cos(two_pi * x[a]);
  return 1 + 0.2 * shape;
}
double paper_pulse(double t) {
  return 1 + 0.2 * std::cos(two_pi * t);
}
template <int Dim>
double paper_mass(double t, const Eigen::Matrix<double, Dim, 1>& x) {
  return paper_shape<Dim>(x) * paper_pulse(t);
}

// Steps a packet of the paper's form; Mass is either the function above,
// sampled by the propagator every step (sin/cos per point included in the
// step time), the same as f(t)·g(x) (SeparableCoefficient), or that function tabulated once at
// t = 0 into a field the caller owns (GridFieldCoefficient: how sampled random masses arrive).
template <int Dim, class Mass>
void run_steps(benchmark::State& state, const wavekin::PeriodicGrid<Dim>& grid, Mass mass,
               wavekin::FftOptions fft_options = {}) {
  using Point = Eigen::Matrix<double, Dim, 1>;
  const auto [epsilon, dt] = wavekin::bench::p2_unit_box_scales(grid.count(0));
  wavekin::CrankNicolsonOptions<double> options;
  options.fft = fft_options;
  // CN_TOL=1e-8 (say) measures the step at another solver tolerance than the default.
  if (const char* tol = std::getenv("CN_TOL")) options.tolerance = std::atof(tol);
  wavekin::CrankNicolsonSpectral<Dim, double, Mass> propagator(grid, epsilon, std::move(mass), {},
                                                               options);
  wavekin::AlignedVector<cplx> u(static_cast<std::size_t>(grid.size()));  // on a cache line
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const Point x = grid.point(j);
    const double r2 = (x.array() - 0.25).square().sum();
    u[static_cast<std::size_t>(j)] = std::exp(cplx(-128 * r2, x.sum() / epsilon));
  }
  (void)wavekin::bench::seconds_per_step_timing_ffts(state, propagator, u, dt);
  // Then rounds that alternate steps with FFT pairs on the same grid (FFTW's pair alone,
  // forward + backward), so that every ratio compares times taken under the same load: in place
  // on an aligned array, how the solver runs them above 2^15 points, and out of place between
  // two, how the step runs its first and last (u is a std::vector) and its solver runs them on
  // grids of at most 2^15 points.
  const wavekin::Fft<Dim> fft(grid.counts(), fft_options);
  wavekin::bench::AlignedPair<Dim> in_place(fft, u), out_of_place(fft, u, false);
  double t = 0;
  auto step = [&] {
    propagator.step(u, t, dt);
    t += dt;
  };
  const auto rounds =
      wavekin::bench::alternating_seconds_per_call(7, 0.03, step, in_place, out_of_place);

  const auto& stats = propagator.statistics();
  const double iterations =
      static_cast<double>(stats.iterations) / static_cast<double>(stats.steps);
  const double ffts = static_cast<double>(stats.ffts) / static_cast<double>(stats.steps);
  const bool solver_out_of_place = propagator.solver_ffts_out_of_place();
  state.counters["iterations_per_step"] = iterations;
  state.counters["gmres_steps_per_step"] =
      static_cast<double>(stats.gmres_steps) / static_cast<double>(stats.steps);
  state.counters["ffts_per_step"] = ffts;
  state.counters["epsilon"] = epsilon;
  // Medians over the rounds of: the step over one out-of-place pair, the fraction of the step
  // outside its FFTs, and the done-means of "a step costs at most 1.5× its own FFTs": the step
  // over the FFTs it runs, each timed alone in the form the step runs it.
  state.counters["step_per_fft_pair"] =
      wavekin::bench::median_over_rounds(rounds, [](const auto& r) { return r[0] / r[2]; });
  const bool direct = propagator.transforms_directly(u.data());
  const auto own_ffts = [&](const auto& r) {
    return 0.5 * (2 * (direct ? r[2] : r[1]) + (ffts - 2) * (solver_out_of_place ? r[2] : r[1]));
  };
  state.counters["non_fft_fraction"] = wavekin::bench::median_over_rounds(
      rounds, [&](const auto& r) { return 1 - own_ffts(r) / r[0]; });
  state.counters["step_per_own_ffts"] =
      wavekin::bench::median_over_rounds(rounds, [&](const auto& r) { return r[0] / own_ffts(r); });
  state.counters["reorthogonalisations_per_step"] =
      static_cast<double>(stats.reorthogonalisations) / static_cast<double>(stats.steps);
}

template <int Dim>
void cn_step(benchmark::State& state) {
  using F = std::function<double(double, const Eigen::Matrix<double, Dim, 1>&)>;
  run_steps(state, unit_box<Dim>(state.range(0)),
            wavekin::FunctionCoefficient<F>(F(&paper_mass<Dim>)));
}

// The same mass as a SeparableCoefficient: g(x) = 1 + 0.2 sin 2πx_1 … tabulated once, one
// multiplication by f(t) = 1 + 0.2 cos 2πt a point a step.
template <int Dim>
void cn_step_separable(benchmark::State& state) {
  const auto grid = unit_box<Dim>(state.range(0));
  run_steps(state, grid, wavekin::SeparableCoefficient(&paper_pulse, grid, &paper_shape<Dim>));
}

// paper_mass tabulated once at t = 0 into a field the caller owns.
template <int Dim>
wavekin::GridFieldCoefficient<double> paper_mass_field(const wavekin::PeriodicGrid<Dim>& grid) {
  std::vector<double> values(static_cast<std::size_t>(grid.size()));
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j)
    values[static_cast<std::size_t>(j)] = paper_mass<Dim>(0.0, grid.point(j));
  return wavekin::GridFieldCoefficient<double>(std::move(values));
}

template <int Dim>
void cn_step_field(benchmark::State& state) {
  const auto grid = unit_box<Dim>(state.range(0));
  run_steps(state, grid, paper_mass_field(grid));
}

// As cn_step_field, with FFTW_MEASURE plans for the step and for the reference pair:
// FFTW_ESTIMATE's 2-D plans for power-of-two grids ≥ 256² stride through columns and
// run about 10× slower (benchmarks/RESULTS.md).
template <int Dim>
void cn_step_field_measured(benchmark::State& state) {
  const auto grid = unit_box<Dim>(state.range(0));
  run_steps(state, grid, paper_mass_field(grid),
            wavekin::FftOptions{.rigor = wavekin::FftRigor::measure});
}

}  // namespace

// FFT pairs first, then the steps on the same grids: compare rows within one run.
BENCHMARK(fft_pair<1>)->Arg(4096)->Arg(16384)->Unit(benchmark::kMicrosecond);
BENCHMARK(fft_pair<2>)->Arg(256)->Arg(512)->Unit(benchmark::kMicrosecond);
BENCHMARK(cn_step<1>)->Arg(320)->Arg(1024)->Arg(4096)->Arg(16384)->Unit(benchmark::kMicrosecond);
BENCHMARK(cn_step_separable<1>)
    ->Arg(320)
    ->Arg(1024)
    ->Arg(4096)
    ->Arg(16384)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(cn_step<2>)->Arg(256)->Arg(512)->Unit(benchmark::kMicrosecond);
BENCHMARK(cn_step_field<1>)
    ->Arg(320)
    ->Arg(1024)
    ->Arg(4096)
    ->Arg(8192)
    ->Arg(16384)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(cn_step_field<2>)->Arg(256)->Arg(512)->Unit(benchmark::kMicrosecond);
BENCHMARK(cn_step_field_measured<1>)->Arg(4096)->Arg(16384)->Unit(benchmark::kMicrosecond);
BENCHMARK(cn_step_field_measured<2>)->Arg(256)->Arg(512)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
