// benchmarks/bench_support.hpp — what the benchmark programs share: the thread's CPU clock, the
// mean CPU time of a call, of a propagator's steps and of an aligned FFT pair.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <complex>
#include <ctime>
#include <span>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/fft.hpp"

namespace wavekin::bench {

/// \brief CPU seconds of this thread: steadier than wall time on a shared machine.
inline double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// \brief Mean CPU seconds of one call of `fn`, called until `min_seconds` have passed (at least
/// once, at most `max_calls` times). The clock is read after batches of calls that double in
/// size, not after every call: reading the thread CPU clock is a system call (~0.3 µs), which
/// at N = 320 is a third of an FFT pair and would inflate the reference that ratios divide by.
template <class Fn>
double seconds_per_call(Fn&& fn, double min_seconds = 0.2, long max_calls = 1000000) {
  long calls = 0;
  long batch = 1;
  const double start = thread_seconds();
  double elapsed = 0;
  do {
    for (long i = 0; i < batch && calls < max_calls; ++i, ++calls) fn();
    batch *= 2;
    elapsed = thread_seconds() - start;
  } while (elapsed < min_seconds && calls < max_calls);
  return elapsed / static_cast<double>(calls);
}

/// \brief Mean CPU seconds of one `propagator.step(u, t, dt)` over the benchmark loop of `state`
/// (a benchmark::State), t advancing by dt from 0.
template <class State, class Propagator, class Field>
double seconds_per_step(State& state, Propagator& propagator, Field& u, double dt) {
  double t = 0;
  const double start = thread_seconds();
  for (auto _ : state) {
    propagator.step(u, t, dt);
    t += dt;
  }
  return (thread_seconds() - start) / static_cast<double>(state.iterations());
}

/// \brief Mean CPU seconds of one `propagator.step(u, t, dt)` as seconds_per_step, and, in the
/// builds that time the FFTs inside the step (WAVEKIN_FFT_TIMING: the `*_in_step` programs), the
/// counter `step_per_ffts_in_step`: the steps' wall time over that of their FFTs, which run in
/// the cache state the step's other passes leave (not on a hot array alone).
template <class State, class Propagator, class Field>
double seconds_per_step_timing_ffts(State& state, Propagator& propagator, Field& u, double dt) {
#ifdef WAVEKIN_FFT_TIMING
  detail::fft_wall_seconds = 0;
  const auto wall_start = std::chrono::steady_clock::now();
#endif
  const double seconds = seconds_per_step(state, propagator, u, dt);
#ifdef WAVEKIN_FFT_TIMING
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  state.counters["step_per_ffts_in_step"] = wall / detail::fft_wall_seconds;
#endif
  return seconds;
}

/// \brief One forward + backward pair of `fft` on FFTW-aligned copies of `u`, in place (the
/// default) or out of place from one aligned array to another — the two forms in which the
/// spectral propagators run their transforms. The pair is FFTW's alone (Fft::backward, no 1/N
/// pass): the values grow by N a pair and soon are inf or NaN, which x86-64 computes at full
/// speed (a zero array times the same).
template <int Dim>
class AlignedPair {
 public:
  AlignedPair(const Fft<Dim>& fft, std::span<const std::complex<double>> u, bool in_place = true)
      : m_fft(fft), m_a(u.size()), m_b(u.size()), m_in_place(in_place) {
    std::copy(u.begin(), u.end(), m_a.data());
  }
  void operator()() {
    if (m_in_place) {
      m_fft.forward(m_a.data());
      m_fft.backward(m_a.data());
    } else {
      m_fft.forward(m_a.data(), m_b.data());
      m_fft.backward(m_b.data(), m_a.data());
    }
    benchmark::DoNotOptimize(m_a.data());
  }

 private:
  const Fft<Dim>& m_fft;
  AlignedVector<std::complex<double>> m_a, m_b;
  bool m_in_place;
};

/// \brief Mean CPU seconds of one AlignedPair call.
template <int Dim>
double aligned_pair_seconds(const Fft<Dim>& fft, std::span<const std::complex<double>> u,
                            bool in_place = true) {
  AlignedPair<Dim> pair(fft, u, in_place);
  return seconds_per_call(pair);
}

/// \brief CPU seconds per call of each of `fns`, over `rounds` rounds in each of which every fn
/// runs in turn for about `block_seconds` (at least once). A ratio taken within one round
/// compares calls that ran under the same load of a shared machine; its median over the rounds
/// is steadier than the ratio of two means taken one after the other. Returns [round][fn].
template <class... Fns>
std::vector<std::array<double, sizeof...(Fns)>> alternating_seconds_per_call(int rounds,
                                                                             double block_seconds,
                                                                             Fns&... fns) {
  std::vector<std::array<double, sizeof...(Fns)>> out(static_cast<std::size_t>(rounds));
  for (auto& round : out) round = {seconds_per_call(fns, block_seconds)...};
  return out;
}

/// \brief The median of `values` (the upper one of an even count). \pre values not empty.
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// \brief The median of f(round) over the rounds of alternating_seconds_per_call.
template <class Rounds, class F>
double median_over_rounds(const Rounds& rounds, F&& f) {
  std::vector<double> values;
  values.reserve(rounds.size());
  for (const auto& round : rounds) values.push_back(f(round));
  return median(std::move(values));
}

}  // namespace wavekin::bench
