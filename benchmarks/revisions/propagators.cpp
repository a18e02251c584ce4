// One propagator of wavekin's headers behind a small interface, compiled twice by compare.sh:
// once against another revision's headers with the namespace renamed (-DWAVEKIN_REVISION_OLD),
// once against this tree's. The two then run in one process, in alternating blocks, so that a
// shared machine's load falls on both alike (compare.cpp).
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

#ifdef WAVEKIN_REVISION_OLD
#define wavekin wavekin_old  // every symbol of the old headers in a namespace of its own
#define WAVEKIN_REVISION old_revision
#else
#define WAVEKIN_REVISION this_revision
#endif
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/magnus_spectral.hpp"
#include "wavekin/schrodinger/split_step_spectral.hpp"

#include "p2_example.hpp"
#include "propagators.hpp"

namespace WAVEKIN_REVISION {
namespace {

using cplx = std::complex<double>;
using wavekin::bench::p2_example_pulse;
using wavekin::bench::p2_example_shape;

// u lies WAVEKIN_WAVE_OFFSET bytes past a cache line (0 unless compare.sh --offset sets it), in
// both builds alike: where a std::vector's data fall changes from build to build and moves a step's
// time.
#ifndef WAVEKIN_WAVE_OFFSET
#define WAVEKIN_WAVE_OFFSET 0
#endif
template <class Propagator>
class Stepping final : public Steps {
 public:
  Stepping(Propagator&& propagator, const std::vector<cplx>& u, double dt)
      : m_propagator(std::move(propagator)), m_storage(u.size() + 8), m_dt(dt) {
    const auto address = reinterpret_cast<std::uintptr_t>(m_storage.data());
    const std::size_t skip = (64 - address % 64) % 64 + WAVEKIN_WAVE_OFFSET;  // a multiple of 16
    m_u = std::span<cplx>(m_storage.data() + skip / sizeof(cplx), u.size());
    std::copy(u.begin(), u.end(), m_u.begin());
  }
  void run(long count) override {
    for (long i = 0; i < count; ++i, m_t += m_dt) m_propagator.step(m_u, m_t, m_dt);
  }

 private:
  Propagator m_propagator;
  std::vector<cplx> m_storage;
  std::span<cplx> m_u;
  double m_t = 0, m_dt;
};

// bench_p1_sample's split-step problem: a static lattice potential V(x/ε) as a
// StaticFieldCoefficient (phases cached per Δt), ε = 4/N, Δt = 0.05ε, MEASURE plans.
std::unique_ptr<Steps> make_split_step(long points) {
  const auto grid = wavekin::PeriodicGrid<1>::cube(points, 1.0);
  const double epsilon = 4.0 / static_cast<double>(points), dt = 0.05 * epsilon;
  std::vector<double> potential(static_cast<std::size_t>(grid.size()));
  std::vector<cplx> u(potential.size());
  for (std::size_t j = 0; j < u.size(); ++j) {
    const double x = grid.point(static_cast<std::ptrdiff_t>(j))[0];
    potential[j] =
        2 * std::cos(2 * std::numbers::pi * x / epsilon) + 0.3 * std::sin(7.0 * x / epsilon);
    u[j] = std::exp(cplx(-64 * (x - 0.5) * (x - 0.5), x / epsilon));
  }
  using V = wavekin::StaticFieldCoefficient<double>;
  using S = wavekin::SplitStepSpectral<1, double, V>;
  return std::make_unique<Stepping<S>>(
      S(grid, epsilon, 1.0, V(std::move(potential)), {.rigor = wavekin::FftRigor::measure}), u, dt);
}

}  // namespace

// bench_magnus's and bench_crank_nicolson's problem: P2's 20 % mass at P2's scales on the unit
// box (ε = 4/N, Δt = 2^{−1.2n−3}, n = log2 N − 2), a packet, MEASURE plans.
std::unique_ptr<Steps> make(Propagator which, long points) {
  if (which == Propagator::split_step) return make_split_step(points);
  const auto grid = wavekin::PeriodicGrid<1>::cube(points, 1.0);
  const auto [epsilon, dt] = wavekin::bench::p2_unit_box_scales(points);
  std::vector<double> mass(static_cast<std::size_t>(grid.size()));
  std::vector<cplx> u(mass.size());
  for (std::size_t j = 0; j < mass.size(); ++j) {
    const double x = grid.point(static_cast<std::ptrdiff_t>(j))[0];
    mass[j] = p2_example_shape(x);
    u[j] = std::exp(cplx(-128 * (x - 0.25) * (x - 0.25), x / epsilon));
  }
  const wavekin::FftOptions fft{.rigor = wavekin::FftRigor::measure};
  using Field = wavekin::GridFieldCoefficient<double>;
  if (which == Propagator::magnus) {
    using M = wavekin::MagnusSpectral<1, double, Field>;
    return std::make_unique<Stepping<M>>(M(grid, epsilon, Field(mass), {}, {.fft = fft}), u, dt);
  }
  wavekin::CrankNicolsonOptions<double> options;
  options.fft = fft;
  if (which == Propagator::crank_nicolson_field) {
    using C = wavekin::CrankNicolsonSpectral<1, double, Field>;
    return std::make_unique<Stepping<C>>(C(grid, epsilon, Field(mass), {}, options), u, dt);
  }
  using S = wavekin::SeparableCoefficient<double (*)(double), double>;
  using C = wavekin::CrankNicolsonSpectral<1, double, S>;
  return std::make_unique<Stepping<C>>(
      C(grid, epsilon, S(&p2_example_pulse, grid, &p2_example_shape), {}, options), u, dt);
}

}  // namespace WAVEKIN_REVISION
