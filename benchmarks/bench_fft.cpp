// Benchmarks of the core FFT layer: one forward+inverse FFT pair (the unit every
// spectral step is quoted in), the same through an unaligned array (the
// FFTW_UNALIGNED fallback), a real-to-complex pair, and the spectral derivative,
// gradient and Laplacian, each expressed as a multiple of the FFT pair.
// SPDX-License-Identifier: MIT
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <complex>
#include <vector>

#include "wavekin/core/fft.hpp"
#include "wavekin/core/spectral_derivative.hpp"

namespace {

using cplx = std::complex<double>;

template <int Dim>
wavekin::PeriodicGrid<Dim> make_grid(std::ptrdiff_t n) {
  return wavekin::PeriodicGrid<Dim>::cube(n, 1.0);
}

template <int Dim>
std::vector<cplx> smooth_field(const wavekin::PeriodicGrid<Dim>& grid) {
  std::vector<cplx> f(static_cast<std::size_t>(grid.size()));
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const auto x = grid.point(j);
    f[static_cast<std::size_t>(j)] = std::exp(std::sin(2 * M_PI * x.sum()));
  }
  return f;
}

// The timing loop of every benchmark here: `run` once per iteration (it returns the array it
// wrote, kept from the optimiser), throughput counted in grid points.
template <class Run>
void time_per_point(benchmark::State& state, std::ptrdiff_t points, Run&& run) {
  for (auto _ : state) benchmark::DoNotOptimize(run());
  state.SetItemsProcessed(state.iterations() * points);
}

// The pair with the plans of FftRigor `rigor`: ESTIMATE (the library's default) against MEASURE
// (the drivers' default, kept as FFTW wisdom so that resumed runs make the same plans).
template <int Dim, wavekin::FftRigor rigor = wavekin::FftRigor::estimate>
void fft_pair(benchmark::State& state) {
  const auto grid = make_grid<Dim>(state.range(0));
  const wavekin::Fft<Dim> fft(grid, wavekin::FftOptions{.rigor = rigor});
  auto f = smooth_field(grid);
  std::vector<cplx> g(f.size());
  time_per_point(state, grid.size(), [&] {
    fft.forward(f.data(), g.data());
    fft.inverse(g.data(), f.data());
    return f.data();
  });
}

template <int Dim>
void fft_pair_unaligned(benchmark::State& state) {
  const auto grid = make_grid<Dim>(state.range(0));
  const wavekin::Fft<Dim> fft(grid);
  const auto f0 = smooth_field(grid);
  // Arrays starting 8 bytes into a malloc'd buffer have a different FFTW
  // alignment class (address mod 16) from the planning buffers, so the
  // transforms run through the lazily made FFTW_UNALIGNED plans.
  std::vector<unsigned char> bytes_f((f0.size() + 1) * sizeof(cplx)), bytes_g(bytes_f.size());
  auto* f = reinterpret_cast<cplx*>(bytes_f.data() + 8);
  auto* g = reinterpret_cast<cplx*>(bytes_g.data() + 8);
  std::copy(f0.begin(), f0.end(), f);
  time_per_point(state, grid.size(), [&] {
    fft.forward(f, g);
    fft.inverse(g, f);
    return f;
  });
}

template <int Dim>
void real_fft_pair(benchmark::State& state) {
  const auto grid = make_grid<Dim>(state.range(0));
  const wavekin::RealFft<Dim> fft(grid.counts());
  std::vector<double> f(static_cast<std::size_t>(grid.size()), 1.0);
  std::vector<cplx> g(static_cast<std::size_t>(fft.complex_size()));
  time_per_point(state, grid.size(), [&] {
    fft.forward(f.data(), g.data());
    fft.inverse(g.data(), f.data());
    return f.data();
  });
}

// A spectral derivative operator on a smooth field: the set-up of the benchmarks below.
template <int Dim>
struct SpectralCase {
  explicit SpectralCase(const benchmark::State& state)
      : grid(make_grid<Dim>(state.range(0))), d(grid), f(smooth_field(grid)) {}
  wavekin::PeriodicGrid<Dim> grid;
  wavekin::SpectralDerivative<Dim> d;
  std::vector<cplx> f;
};

template <int Dim>
void derivative(benchmark::State& state) {
  SpectralCase<Dim> c(state);
  std::vector<cplx> df(c.f.size());
  time_per_point(state, c.grid.size(), [&] {
    c.d.derivative(c.f.data(), df.data(), 0);
    return df.data();
  });
}

template <int Dim>
void laplacian(benchmark::State& state) {
  SpectralCase<Dim> c(state);
  std::vector<cplx> out(c.f.size());
  time_per_point(state, c.grid.size(), [&] {
    c.d.laplacian(c.f.data(), out.data());
    return out.data();
  });
}

template <int Dim>
void gradient(benchmark::State& state) {
  SpectralCase<Dim> c(state);
  std::array<std::vector<cplx>, Dim> out;
  std::array<cplx*, Dim> ptrs;
  for (int a = 0; a < Dim; ++a) {
    out[static_cast<std::size_t>(a)].resize(c.f.size());
    ptrs[static_cast<std::size_t>(a)] = out[static_cast<std::size_t>(a)].data();
  }
  time_per_point(state, c.grid.size(), [&] {
    c.d.gradient(c.f.data(), ptrs);
    return ptrs[0];
  });
}

}  // namespace

BENCHMARK(fft_pair<1>)->Arg(1024)->Arg(16384);
BENCHMARK(fft_pair_unaligned<1>)->Arg(1024)->Arg(16384);
BENCHMARK(real_fft_pair<1>)->Arg(1024)->Arg(16384);
BENCHMARK(derivative<1>)->Arg(1024)->Arg(16384);
BENCHMARK(laplacian<1>)->Arg(1024)->Arg(16384);
BENCHMARK(fft_pair<1, wavekin::FftRigor::measure>)->Arg(1024)->Arg(16384);
BENCHMARK(fft_pair<2>)->Arg(256)->Arg(1280);
BENCHMARK(fft_pair<2, wavekin::FftRigor::measure>)->Arg(256)->Arg(1280);
BENCHMARK(derivative<2>)->Arg(256);
BENCHMARK(gradient<2>)->Arg(256);
BENCHMARK(fft_pair<3>)->Arg(64);
BENCHMARK(gradient<3>)->Arg(64);

BENCHMARK_MAIN();
