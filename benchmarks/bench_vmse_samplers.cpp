// Benchmarks of one Monte Carlo sample of P2 §4.2.2 at ε = 2^−6 (the vmse_rte driver's
// sample: Δx = 2^−8, Δt ≈ 2^−10.2, t = 0.4, m = 1 + ε^½ m_1): KL vs streaming sampler.
// SPDX-License-Identifier: MIT
//
// `vmse_sample_phases` alternates one streaming and one KL (Gaussian ξ) sample per
// iteration, the same sample indices for both, and reports the thread CPU seconds per sample
// spent drawing the field (sampling) and in Crank–Nicolson steps (propagation), and their
// ratios KL / streaming. Alternating puts both at the same moments of a shared machine.
// `kl_setup` times the KL expansion's construction (roots of (4.24), sort, truncation (4.28)),
// done once per ε. `vmse_ensemble` runs Ensembles of streaming samples on 1 and 2 threads in
// turn and reports samples per wall second and the 2-thread speedup (1 without OpenMP).
// P2 Table 1 needed 2.96e3 s per 10^4 samples at n = 6: 0.296 s per sample.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "vmse_rte/vmse_sample.hpp"
#include "wavekin/random/ensemble.hpp"

namespace {

using wavekin::PhaseClock;
using wavekin::examples::vmse::Sample;
using wavekin::examples::vmse::SampleSettings;

constexpr int paper_n = 6;  // ε = 2^−6
constexpr std::uint64_t seed = 20261123;

void vmse_sample_phases(benchmark::State& state) {
  Sample streaming(SampleSettings{.n = paper_n});
  Sample kl(SampleSettings{.n = paper_n, .karhunen_loeve = true});
  PhaseClock streaming_clock{true}, kl_clock{true};
  std::uint64_t sample = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(streaming(sample, seed, streaming_clock));
    benchmark::DoNotOptimize(kl(sample, seed, kl_clock));
    ++sample;
  }
  const double count = static_cast<double>(sample);
  const auto per_sample = [count](const std::atomic<long long>& ns) {
    return static_cast<double>(ns.load()) * 1e-9 / count;
  };
  const double s_sampling = per_sample(streaming_clock.sampling_ns);
  const double s_propagation = per_sample(streaming_clock.propagation_ns);
  const double k_sampling = per_sample(kl_clock.sampling_ns);
  const double k_propagation = per_sample(kl_clock.propagation_ns);
  state.counters["points"] = static_cast<double>(streaming.x().size());
  state.counters["steps"] = static_cast<double>(streaming.steps());
  state.counters["kl_terms"] = static_cast<double>(kl.kl_terms());
  state.counters["streaming_sampling_s"] = s_sampling;
  state.counters["streaming_propagation_s"] = s_propagation;
  state.counters["kl_sampling_s"] = k_sampling;
  state.counters["kl_propagation_s"] = k_propagation;
  state.counters["kl_over_streaming_sampling"] = k_sampling / s_sampling;
  state.counters["kl_over_streaming_sample"] =
      (k_sampling + k_propagation) / (s_sampling + s_propagation);
  state.counters["paper_over_streaming_sample"] = 0.296 / (s_sampling + s_propagation);
}

void kl_setup(benchmark::State& state) {
  for (auto _ : state) {
    const Sample kl(SampleSettings{.n = paper_n, .karhunen_loeve = true});
    benchmark::DoNotOptimize(kl.kl_terms());
  }
}

// Wall seconds of an Ensemble of `samples` streaming samples on `threads` threads.
double ensemble_seconds(Sample& sample, std::uint64_t samples, int threads,
                        std::uint64_t first_seed) {
  wavekin::EnsembleOptions options;
  options.samples = samples;
  options.chunk_size = 1;  // one sample per chunk: both threads stay busy
  options.seed = first_seed;
  options.threads = threads;
  options.display = wavekin::io::Display::never;
  const std::size_t nx = sample.x().size();
  const wavekin::Ensemble ensemble({{"rho", nx, false}, {"current", nx, false}}, options);
  PhaseClock clock;
  const auto start = std::chrono::steady_clock::now();
  const auto result =
      ensemble.run([&](std::uint64_t index, std::uint64_t s) { return sample(index, s, clock); });
  benchmark::DoNotOptimize(result.statistics.count());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void vmse_ensemble(benchmark::State& state) {
  const auto samples = static_cast<std::uint64_t>(state.range(0));
  Sample streaming(SampleSettings{.n = paper_n});
  double one = 0, two = 0;
  std::uint64_t round = 0;
  for (auto _ : state) {
    one += ensemble_seconds(streaming, samples, 1, seed + round);
    two += ensemble_seconds(streaming, samples, 2, seed + round);
    ++round;
  }
  const double total = static_cast<double>(samples * round);
  state.counters["samples_per_second_1_thread"] = total / one;
  state.counters["samples_per_second_2_threads"] = total / two;
  state.counters["speedup_2_threads"] = one / two;
#ifdef WAVEKIN_HAS_OPENMP
  state.counters["openmp"] = 1;
#else
  state.counters["openmp"] = 0;
#endif
}

}  // namespace

BENCHMARK(vmse_sample_phases)->Iterations(8)->Unit(benchmark::kMillisecond);
BENCHMARK(kl_setup)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(vmse_ensemble)->Arg(16)->Iterations(2)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
