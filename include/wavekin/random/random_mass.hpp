// wavekin/random/random_mass.hpp — the random mass m^ε = m_0 + ε^γ m_1(t/ε, x/ε) of P2 (3.2)
// and what to do when a sample makes it non-positive (NonPositiveMassPolicy).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief What to do when m^ε ≤ 0 somewhere (Gaussian ξ can produce it; P2 is silent,
/// docs/conventions.md §19). The VMSE needs m ≥ C > 0 (P2 (2.5)).
enum class NonPositiveMassPolicy {
  error,   ///< throw invalid_argument naming the sample, the point x and the time t
  redraw,  ///< discard the sample's m_1 and draw it again from the same per-sample stream
  clip,    ///< replace m^ε by max(m^ε, floor) pointwise, also where 0 < m^ε < floor
           ///< (biases the statistics; counted)
};

/// \brief Options of RandomMass.
struct RandomMassOptions {
  double gamma = 0.5;  ///< exponent γ of ε^γ: ½ in P2 (3.2); 1 and 0.4 in (4.31)–(4.32)
  NonPositiveMassPolicy policy = NonPositiveMassPolicy::error;  ///< see the policy
  double floor = 1e-2;                                          ///< clip value, > 0 (clip policy)
  int max_redraws = 100;  ///< redraws per sample before giving up (redraw policy), >= 0
};

/// \brief Counts of non-positive-mass events, always reported whatever the policy.
struct NonPositiveMassCounts {
  std::size_t points = 0;   ///< values m^ε ≤ 0 met (before any clip or redraw)
  std::size_t slices = 0;   ///< assemble() calls (time slices) that met at least one
  std::size_t samples = 0;  ///< samples (assemble_sample) that met at least one
  std::size_t redraws = 0;  ///< redraws done (redraw policy)
  std::size_t clipped = 0;  ///< values raised to the floor (clip policy; includes 0 < m < floor)
};

/// \brief The random mass m^ε(t,x) = m_0(t,x) + ε^γ m_1(t/ε, x/ε) (P2 (3.2), γ = ½; the
/// scalings (4.31)–(4.32) use γ = 1 and 0.4), formed from sampled m_1 values (from
/// KarhunenLoeveEvaluator or StreamingSampler), with a NonPositiveMassPolicy.
///
/// Counters are atomic, so one object may serve samples on several threads; counts()
/// gives a snapshot. Cost O(N) per slice.
class RandomMass {
 public:
  /// \pre ε finite and > 0; γ finite and >= 0; floor finite and > 0; max_redraws >= 0
  ///      (else invalid_argument naming the value).
  explicit RandomMass(double epsilon, RandomMassOptions options = {})
      : m_epsilon(epsilon), m_options(options) {
    require(std::isfinite(epsilon) && epsilon > 0,
            "RandomMass: epsilon must be finite and > 0, got {}", epsilon);
    require(std::isfinite(options.gamma) && options.gamma >= 0,
            "RandomMass: gamma must be finite and >= 0, got {}", options.gamma);
    require(std::isfinite(options.floor) && options.floor > 0,
            "RandomMass: the clip floor must be finite and > 0, got {}", options.floor);
    require(options.max_redraws >= 0, "RandomMass: max_redraws must be >= 0, got {}",
            options.max_redraws);
    m_scale = std::pow(epsilon, options.gamma);
  }

  RandomMass(const RandomMass&) = delete;
  RandomMass& operator=(const RandomMass&) = delete;

  /// \brief ε.
  [[nodiscard]] double epsilon() const noexcept { return m_epsilon; }
  /// \brief ε^γ.
  [[nodiscard]] double scale() const noexcept { return m_scale; }
  /// \brief The options.
  [[nodiscard]] const RandomMassOptions& options() const noexcept { return m_options; }
  /// \brief A snapshot of the event counts.
  [[nodiscard]] NonPositiveMassCounts counts() const noexcept {
    return {n_points.load(), n_slices.load(), n_samples.load(), n_redraws.load(), n_clipped.load()};
  }

  /// \brief mass_k = m0_k + ε^γ m1_k at the points x_k of one time slice t of sample
  /// `sample`, with the policy applied.
  /// \return false when the policy is redraw and some mass_k ≤ 0 (mass is then
  ///         unspecified: draw m_1 again), true otherwise.
  /// \pre m0, m1, mass the same size; x that size or empty (then messages give the point
  ///      index only); all values finite. With the error policy, m ≤ 0 throws
  ///      invalid_argument naming sample, x (or index) and t.
  bool assemble(std::uint64_t sample, double t, std::span<const double> x,
                std::span<const double> m0, std::span<const double> m1, std::span<double> mass) {
    require(
        m0.size() == m1.size() && mass.size() == m1.size() && (x.empty() || x.size() == m1.size()),
        "RandomMass::assemble: sizes of m0 {}, m1 {}, mass {}, x {} differ", m0.size(), m1.size(),
        mass.size(), x.size());
    std::size_t met = 0;
    return assemble_counted(sample, t, x, m0, m1, mass, met);
  }

  /// \brief One sample's mass on a space–time grid (row-major, time slices of
  /// x.size() points), redrawing m_1 under the redraw policy.
  ///
  /// `draw(std::span<double> m1)` fills m_1 at every (t_n, x_k); it must draw from the
  /// sample's own stream, so a redraw continues that stream and the result is still a
  /// function of the sample index alone.
  /// \pre m0 and mass have times.size() × x.size() entries.
  /// \return the number of redraws this sample needed.
  template <class Draw>
  int assemble_sample(std::uint64_t sample, std::span<const double> times,
                      std::span<const double> x, std::span<const double> m0, Draw&& draw,
                      std::span<double> mass) {
    const std::size_t nx = x.size(), total = times.size() * x.size();
    require(nx > 0 && m0.size() == total && mass.size() == total,
            "RandomMass::assemble_sample: m0 has {} and mass {} entries, expected {} x {}",
            m0.size(), mass.size(), times.size(), nx);
    std::vector<double> m1(total);
    bool counted = false;
    for (int attempt = 0;; ++attempt) {
      draw(std::span<double>(m1));
      bool accepted = true;
      std::size_t met = 0;
      for (std::size_t n = 0; n < times.size() && accepted; ++n) {
        accepted = assemble_counted(sample, times[n], x, m0.subspan(n * nx, nx),
                                    std::span<const double>(m1).subspan(n * nx, nx),
                                    mass.subspan(n * nx, nx), met);
        if (attempt == 0 && met > 0) counted = true;
      }
      if (attempt == 0 && counted) ++n_samples;
      if (accepted) return attempt;
      require<error>(attempt < m_options.max_redraws,
                     "RandomMass: sample {} still has m <= 0 after {} redraws", sample,
                     m_options.max_redraws);
      ++n_redraws;
    }
  }

 private:
  bool assemble_counted(std::uint64_t sample, double t, std::span<const double> x,
                        std::span<const double> m0, std::span<const double> m1,
                        std::span<double> mass, std::size_t& met) {
    met = 0;
    std::size_t clipped = 0;
    const bool clip = m_options.policy == NonPositiveMassPolicy::clip;
    for (std::size_t k = 0; k < m1.size(); ++k) {
      const double value = m0[k] + m_scale * m1[k];
      require(std::isfinite(value),
              "RandomMass: sample {} at point {}, t = {}: m0 = {}, m1 = {} is not finite", sample,
              k, t, m0[k], m1[k]);
      mass[k] = value;
      if (clip && value < m_options.floor) {
        mass[k] = m_options.floor;
        ++clipped;
      }
      if (value > 0) continue;
      ++met;
      if (m_options.policy == NonPositiveMassPolicy::error) {
        record(met, 0);
        if (x.empty()) {
          throw invalid_argument(
              fmt::format("RandomMass: sample {} has non-positive mass m = {} at point {} "
                          "(t = {}); the VMSE needs m > 0",
                          sample, value, k, t));
        }
        throw invalid_argument(
            fmt::format("RandomMass: sample {} has non-positive mass m = {} at x = {} "
                        "(point {}), t = {}; the VMSE needs m > 0",
                        sample, value, x[k], k, t));
      }
    }
    record(met, clipped);
    return met == 0 || m_options.policy != NonPositiveMassPolicy::redraw;
  }

  void record(std::size_t met, std::size_t clipped) {
    n_clipped += clipped;
    if (met == 0) return;
    n_points += met;
    ++n_slices;
  }

  double m_epsilon;
  RandomMassOptions m_options;
  double m_scale = 1;
  std::atomic<std::size_t> n_points{0}, n_slices{0}, n_samples{0}, n_redraws{0}, n_clipped{0};
};

}  // namespace wavekin
