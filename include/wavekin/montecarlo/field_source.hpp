// wavekin/montecarlo/field_source.hpp — where a Monte Carlo sample's random mass m_1 comes from:
// the streaming sampler (exact AR(1) in t and x) or the Karhunen–Loève expansion (P2
// (4.21)–(4.28)). SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/random/karhunen_loeve.hpp"
#include "wavekin/random/random_stream.hpp"
#include "wavekin/random/streaming_sampler.hpp"

namespace wavekin {

/// \brief A field source: `source.start(seed, sample)` opens sample `sample`'s path of m_1 (its
/// own RandomStream, so the path is the same on any thread), and `path.fill(step, t, m1)` writes
/// m_1(t/ε, x/ε) at the grid points for time step `step` (0, 1, 2, … in order, t = the step's
/// evaluation time), or m_1's time average over that step (StepSampling::average);
/// `source.terms()` is the number of random coefficients per sample (0 for a
/// streamed field).
template <class S>
concept FieldSource = requires(const S& source, std::uint64_t seed, std::uint64_t sample) {
  {source.start(seed, sample)};
  { source.terms() } -> std::convertible_to<std::size_t>;
}
&&requires(decltype(std::declval<const S&>().start(0, 0)) path, std::ptrdiff_t step, double t,
           std::span<double> m1) {
  path.fill(step, t, m1);
};

/// \brief What m_1 a time step of a propagator sees: its value at one time of the step (P2's
/// t_{n+½}), or its time average over the step.
enum class StepSampling {
  point,    ///< the value at the step's time: P2's Crank–Nicolson (4.5)
  average,  ///< (1/Δt)∫ m_1 dt over the step: the exponential midpoint rule's exact ∫A dt
};

/// \brief m_1 of P2's covariance (4.15) by the streaming sampler on a 1D grid: exact in law at
/// the grid points and time steps, no truncation, O(N_x) per step (docs/conventions.md §19).
/// With StepSampling::average each step gets m_1's exact time average over it instead
/// (StreamingSampler::advance(step_average): one more spatial field a step). The AR(1) is only
/// Hölder-½ in t, so a value at one time holds the exponential midpoint rule (MagnusSpectral) to
/// first order in Δt; the average gives it its ∫A dt exactly (benchmarks/RESULTS.md, "Rough
/// masses").
class StreamingFieldSource {
 public:
  /// \brief One sample's field: an AR(1) path advanced once per step after the first (point), or
  /// once per step with that step's average (average).
  class Path {
   public:
    Path(StreamingSampler<ExponentialLineSampler> sampler, StepSampling sampling)
        : m_sampler(std::move(sampler)), m_sampling(sampling) {}
    /// \pre steps in order 0, 1, 2, …; m1.size() == the grid size.
    void fill(std::ptrdiff_t step, double /*t*/, std::span<double> m1) {
      if (m_sampling == StepSampling::average) {
        m_sampler.advance(m1);
        return;
      }
      if (step > 0) m_sampler.advance();
      const auto field = m_sampler.field();
      require(m1.size() == field.size(), "StreamingFieldSource: m1 has {} entries, expected {}",
              m1.size(), field.size());
      std::copy(field.begin(), field.end(), m1.begin());
    }

   private:
    StreamingSampler<ExponentialLineSampler> m_sampler;
    StepSampling m_sampling;
  };

  /// \pre ε, Δt finite and > 0 (invalid_argument naming the value, from the sampler).
  StreamingFieldSource(const SeparableCorrelation<>& covariance, double epsilon,
                       PeriodicGrid<1> grid, double dt, StepSampling sampling = StepSampling::point)
      : m_covariance(covariance),
        m_epsilon(epsilon),
        m_grid(std::move(grid)),
        m_dt(dt),
        m_sampling(sampling) {}

  [[nodiscard]] Path start(std::uint64_t seed, std::uint64_t sample) const {
    return Path(make_streaming_sampler(m_covariance, m_epsilon, m_grid, m_dt, seed, sample),
                m_sampling);
  }
  [[nodiscard]] static std::size_t terms() noexcept { return 0; }
  [[nodiscard]] StepSampling sampling() const noexcept { return m_sampling; }

 private:
  SeparableCorrelation<> m_covariance;
  double m_epsilon;
  PeriodicGrid<1> m_grid;
  double m_dt;
  StepSampling m_sampling;
};

/// \brief m_1 of P2's covariance (4.15) by the truncated Karhunen–Loève expansion
/// (P2 (4.21)–(4.28)) on [0, T] × [0, L], evaluated at fixed points x_k: N_KL coefficients ξ per
/// sample, drawn from the sample's own stream (StreamPurpose::karhunen_loeve).
class KarhunenLoeveFieldSource {
 public:
  /// \brief One sample's field: its ξ and an evaluator of the φ_j(x_k) table.
  class Path {
   public:
    Path(std::vector<double> xi, KarhunenLoeveEvaluator evaluator)
        : m_xi(std::move(xi)), m_evaluator(std::move(evaluator)) {}
    void fill(std::ptrdiff_t /*step*/, double t, std::span<double> m1) {
      m_evaluator.evaluate(m_xi, t, m1);
    }

   private:
    std::vector<double> m_xi;
    KarhunenLoeveEvaluator m_evaluator;
  };

  /// \pre as KarhunenLoeveExpansion(covariance, ε, T, L); x the evaluation points in [0, L].
  KarhunenLoeveFieldSource(const SeparableCorrelation<>& covariance, double epsilon,
                           double final_time, double box_length, std::vector<double> x,
                           XiDistribution xi = XiDistribution::gaussian)
      : m_expansion(covariance, epsilon, final_time, box_length), m_x(std::move(x)), m_xi(xi) {}

  // Paths point at the expansion: the source stays where it was built.
  KarhunenLoeveFieldSource(const KarhunenLoeveFieldSource&) = delete;
  KarhunenLoeveFieldSource& operator=(const KarhunenLoeveFieldSource&) = delete;

  [[nodiscard]] Path start(std::uint64_t seed, std::uint64_t sample) const {
    RandomStream stream(seed, sample, StreamPurpose::karhunen_loeve);
    auto xi = m_expansion.draw_xi(stream, m_xi);
    return Path(std::move(xi), KarhunenLoeveEvaluator(m_expansion, m_x));
  }
  [[nodiscard]] std::size_t terms() const noexcept { return m_expansion.size(); }
  [[nodiscard]] const KarhunenLoeveExpansion& expansion() const noexcept { return m_expansion; }

 private:
  KarhunenLoeveExpansion m_expansion;
  std::vector<double> m_x;
  XiDistribution m_xi;
};

}  // namespace wavekin
