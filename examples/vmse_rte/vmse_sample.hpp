// vmse_sample.hpp — one Monte Carlo sample of P2 §4.2.2 (VMSE with a random mass) with the
// paper's parameters, shared by the vmse_rte driver and benchmarks/bench_vmse_samplers.cpp; the
// sample itself is the library's VmseSample (montecarlo/vmse_sample.hpp).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/montecarlo/field_source.hpp"
#include "wavekin/montecarlo/vmse_sample.hpp"
#include "wavekin/random/random_mass.hpp"
#include "wavekin/random/random_stream.hpp"

namespace wavekin::examples::vmse {

/// P2 §4.2.2: box [0, 1.625), a = b = 100, packet exp(−A(x − x_0)²) with A = 2^8, x_0 = 0.3.
inline constexpr double box_length = 1.625, correlation = 100, packet_A = 256, packet_x0 = 0.3;

/// \brief The parameters of one VMSE sample at ε = 2^−n.
struct SampleSettings {
  int n = 6;                    ///< ε = 2^−n, Δx = 2^{−n−2}, Δt ≈ 2^{−1.2n−3}
  double amplitude = 1.5;       ///< D of the covariance (4.15)
  double p0 = 1.5;              ///< initial momentum
  double final_time = 0.4;      ///< T
  double gamma = 0.5;           ///< m^ε = 1 + ε^γ m_1 (P2: ½; Figs 10–11: 1 and 0.4)
  bool karhunen_loeve = false;  ///< KL expansion (4.21)–(4.28) instead of the streaming sampler
  XiDistribution xi = XiDistribution::gaussian;  ///< KL coefficients
  NonPositiveMassPolicy policy = NonPositiveMassPolicy::error;
  bool magnus = false;   ///< MagnusSpectral (exponential midpoint) instead of P2's CN
  /// Streaming source: what m_1 each step gets, its value at the step's time (P2's t_{n+½}) or
  /// its exact time average over the step.
  StepSampling step_sampling = StepSampling::point;
  long step_factor = 1;  ///< steps of step_factor × P2's Δt (P2's K / step_factor, rounded up)
};

/// \brief The step factor at which MagnusSpectral is at least as accurate as P2's CN at P2's Δt on
/// these samples, as measured by benchmarks/bench_vmse_table1 (its worst error over samples 0–2
/// at most CN's best). Karhunen–Loève masses are smooth in t: 8, 16, 32 at n = 6, 7, 8
/// (`accuracy`), so min(32, 2^{n−3}). The streaming sampler's AR(1) is only Hölder-½ in t; fed
/// its exact step averages (StepSampling::average, the driver's choice for Magnus) Magnus reaches
/// 16, 16, 16, 32, 32 at n = 5 … 9 (`accuracy_streaming`), so 16 at n = 5, 6, 7 (8 below, not
/// measured) and 32 beyond. (Fed values at one time a step it reached only 4, 4, 8, 8, 8.)
inline long magnus_step_factor(int n, bool karhunen_loeve) {
  if (karhunen_loeve) return std::min(32L, 1L << std::max(0, n - 3));
  return n <= 4 ? 8 : n <= 7 ? 16 : 32;
}

/// \brief What a VmseSample of P2 §4.2.2 is built from: the grid, step, packet, mass options and
/// covariance of the settings.
struct SampleParts {
  PeriodicGrid<1> grid;
  double setup_epsilon, dt;
  VmseSampleSetup setup;
  RandomMassOptions mass;
  SeparableCorrelation<> covariance;
  std::vector<double> x;
};

/// \brief The parts of a sample at ε = 2^−n with `steps` steps to T (0: P2's K = T/Δt with
/// Δt = 2^{−1.2n−3} rounded up, divided by the settings' step factor, rounded up).
inline SampleParts sample_parts(const SampleSettings& s, long steps = 0) {
  require(s.step_factor >= 1, "vmse sample: step factor must be >= 1, got {}", s.step_factor);
  const double epsilon = std::ldexp(1.0, -s.n);
  PeriodicGrid<1> grid({std::lround(box_length / std::ldexp(1.0, -s.n - 2))},
                       Eigen::Matrix<double, 1, 1>(box_length));
  if (steps == 0) {
    const auto paper =
        static_cast<long>(std::ceil(s.final_time / std::exp2(-1.2 * s.n - 3) - 1e-9));
    steps = (paper + s.step_factor - 1) / s.step_factor;
  }
  const double dt = s.final_time / static_cast<double>(steps);
  const auto nx = static_cast<std::size_t>(grid.size());
  std::vector<double> x(nx);
  std::vector<std::complex<double>> u(nx);
  for (std::size_t j = 0; j < nx; ++j) {
    x[j] = grid.coordinate(0, static_cast<std::ptrdiff_t>(j));
    const double y = x[j] - packet_x0;
    u[j] = std::exp(std::complex<double>(-packet_A * y * y, s.p0 * x[j] / epsilon));
  }
  RandomMassOptions mass;
  mass.gamma = s.gamma;
  mass.policy = s.policy;
  VmseSampleSetup setup{grid, epsilon, dt, steps, std::move(u), std::vector<double>(nx, 1.0)};
  return {grid,        epsilon,
          dt,          std::move(setup),
          mass,        SeparableCorrelation<>(s.amplitude, correlation, correlation),
          std::move(x)};
}

/// \brief One VMSE sample of P2 §4.2.2 at ε = 2^−n, m_0 = 1, with the field source the settings
/// and propagator the settings name (the command line chooses them, so the four instantiations
/// are held in a variant).
class Sample {
 public:
  explicit Sample(const SampleSettings& s) : m_sample(make(s)) {}

  [[nodiscard]] const std::vector<double>& x() const noexcept {
    return std::visit([](const auto& v) -> const std::vector<double>& { return v.x(); }, m_sample);
  }
  [[nodiscard]] double epsilon() const noexcept { return setup().epsilon; }
  [[nodiscard]] long steps() const noexcept { return setup().steps; }
  [[nodiscard]] double dt() const noexcept { return setup().dt; }
  [[nodiscard]] std::size_t kl_terms() const noexcept {
    return std::visit([](const auto& v) { return v.source().terms(); }, m_sample);
  }
  [[nodiscard]] NonPositiveMassCounts counts() const noexcept {
    return std::visit([](const auto& v) { return v.counts(); }, m_sample);
  }

  /// ρ^ε(T), J^ε(T) of sample `sample` of the ensemble with master seed `seed`.
  std::vector<Eigen::VectorXd> operator()(std::uint64_t sample, std::uint64_t seed,
                                          PhaseClock& clock) {
    return std::visit([&](auto& v) { return v(sample, seed, clock); }, m_sample);
  }

 private:
  using Magnus = MagnusSpectral<1, double, GridFieldCoefficient<double>>;
  using Streaming = VmseSample<StreamingFieldSource>;
  using KarhunenLoeve = VmseSample<KarhunenLoeveFieldSource>;
  using StreamingMagnus = VmseSample<StreamingFieldSource, Magnus>;
  using KarhunenLoeveMagnus = VmseSample<KarhunenLoeveFieldSource, Magnus>;
  using Variant = std::variant<Streaming, KarhunenLoeve, StreamingMagnus, KarhunenLoeveMagnus>;

  [[nodiscard]] const VmseSampleSetup& setup() const noexcept {
    return std::visit([](const auto& v) -> const VmseSampleSetup& { return v.setup(); }, m_sample);
  }

  static Variant make(const SampleSettings& s) {
    if (s.magnus) return make_with<StreamingMagnus, KarhunenLoeveMagnus>(s);
    return make_with<Streaming, KarhunenLoeve>(s);
  }
  template <class StreamingSample, class KarhunenLoeveSample>
  static Variant make_with(const SampleSettings& s) {
    auto parts = sample_parts(s);
    if (s.karhunen_loeve)
      return Variant(std::in_place_type<KarhunenLoeveSample>, std::move(parts.setup), parts.mass,
                     parts.covariance, parts.setup_epsilon, s.final_time, box_length,
                     std::move(parts.x), s.xi);
    return Variant(std::in_place_type<StreamingSample>, std::move(parts.setup), parts.mass,
                   parts.covariance, parts.setup_epsilon, parts.grid, parts.dt, s.step_sampling);
  }

  Variant m_sample;
};

}  // namespace wavekin::examples::vmse
