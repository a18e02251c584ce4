// wavekin/random/running_statistics.hpp — streaming means, variances and covariance matrices
// of Monte Carlo observables (P2 (4.25)–(4.30)): Welford updates, exact Chan merges.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Core>

#include "wavekin/core/error.hpp"
#include "wavekin/core/memory.hpp"

namespace wavekin {

/// \brief One observable vector of a Monte Carlo sample, e.g. ρ^ε(x) on N_x grid points.
struct ObservableSpec {
  std::string name;         ///< e.g. "rho", "J"
  std::size_t size = 0;     ///< entries per sample (≥ 1)
  bool covariance = false;  ///< keep the size × size covariance matrix (memory size²)

  friend bool operator==(const ObservableSpec&, const ObservableSpec&) = default;
};

/// \brief Streaming statistics of one or more observable vectors: count, mean, variance,
/// standard deviation and (per observable, optional) the full covariance matrix, e.g.
/// E[ρ^ε(x)], std ρ^ε(x) and Cov(ρ^ε(x), ρ^ε(y)) of P2 (4.25)–(4.30).
///
/// add() is Welford's update: with d = x − x̄_{n−1}, x̄_n = x̄_{n−1} + d/n and the sums of
/// squared deviations M_n = M_{n−1} + ((n−1)/n) d dᵀ (the matrix only where asked, its
/// diagonal always). merge() is the exact pairwise formula of Chan, Golub and LeVeque:
/// δ = x̄_b − x̄_a, x̄ = x̄_a + δ n_b/n, M = M_a + M_b + (n_a n_b/n) δ δᵀ. Both avoid the
/// cancellation of the one-pass Σx² − n x̄² formula. The matrix is accumulated in its lower
/// triangle by symmetric rank-one updates, so covariance() is exactly symmetric.
///
/// Determinism: the result is a fixed sequence of IEEE operations on the inputs, so the
/// same samples added (and partial results merged) in the same order give bitwise the
/// same statistics; Ensemble relies on this for thread-count independence.
///
/// Cost per sample: O(Σ size) plus O(size²) per observable with a covariance matrix.
class RunningStatistics {
 public:
  /// \brief Statistics of nothing (no observables); merge() into it adopts the other's specs.
  RunningStatistics() = default;

  /// \brief Empty statistics of the observables `specs`.
  /// \pre every size ≥ 1, names distinct.
  explicit RunningStatistics(std::vector<ObservableSpec> specs) : m_specs(std::move(specs)) {
    for (std::size_t k = 0; k < m_specs.size(); ++k) {
      require(m_specs[k].size >= 1, "RunningStatistics: observable '{}' has size 0, expected >= 1",
              m_specs[k].name);
      for (std::size_t j = 0; j < k; ++j)
        require(m_specs[j].name != m_specs[k].name,
                "RunningStatistics: observable name '{}' appears twice", m_specs[k].name);
      // Mean and squared deviations, and the size × size matrix where asked: stated before
      // the allocation, so a covariance of a 10^6-point field is an error, not bad_alloc.
      const auto n = static_cast<double>(m_specs[k].size);
      require_fits_in_memory(n * (m_specs[k].covariance ? n + 2 : 2) * sizeof(double),
                             fmt::format("RunningStatistics: observable '{}' of size {}{}",
                                         m_specs[k].name, m_specs[k].size,
                                         m_specs[k].covariance ? " with its covariance" : ""),
                             "its running sums");
    }
    m_observables.reserve(m_specs.size());
    for (const auto& spec : m_specs) {
      const auto n = static_cast<Eigen::Index>(spec.size);
      m_observables.push_back({Eigen::VectorXd::Zero(n), Eigen::VectorXd::Zero(n),
                               spec.covariance ? Eigen::MatrixXd::Zero(n, n) : Eigen::MatrixXd()});
    }
  }

  /// \brief The observables described.
  [[nodiscard]] const std::vector<ObservableSpec>& specs() const noexcept { return m_specs; }
  /// \brief Number of samples added (including merged ones).
  [[nodiscard]] std::uint64_t count() const noexcept { return m_count; }
  /// \brief Index of the observable called `name`; invalid_argument if there is none.
  [[nodiscard]] std::size_t index_of(std::string_view name) const {
    for (std::size_t k = 0; k < m_specs.size(); ++k)
      if (m_specs[k].name == name) return k;
    throw invalid_argument(fmt::format("RunningStatistics: no observable named '{}'", name));
  }

  /// \brief Adds one sample: `sample[k]` is observable k (sizes as in specs()).
  void add(std::span<const Eigen::VectorXd> sample) {
    require(sample.size() == m_specs.size(),
            "RunningStatistics::add: got {} observables, expected {}", sample.size(),
            m_specs.size());
    for (std::size_t k = 0; k < m_specs.size(); ++k) {
      require(static_cast<std::size_t>(sample[k].size()) == m_specs[k].size,
              "RunningStatistics::add: observable '{}' has {} entries, expected {}",
              m_specs[k].name, sample[k].size(), m_specs[k].size);
      require_finite(sample[k], "RunningStatistics::add: sample");
    }
    ++m_count;
    const double n = static_cast<double>(m_count);
    const double weight = (n - 1) / n;
    for (std::size_t k = 0; k < m_specs.size(); ++k) {
      auto& o = m_observables[k];
      m_delta = sample[k] - o.mean;
      o.mean += m_delta / n;
      o.m2 += weight * m_delta.cwiseAbs2();
      if (m_specs[k].covariance)
        o.comoment.selfadjointView<Eigen::Lower>().rankUpdate(m_delta, weight);
    }
  }

  /// \brief Adds one sample given as a list of vectors.
  void add(const std::vector<Eigen::VectorXd>& sample) {
    add(std::span<const Eigen::VectorXd>(sample.data(), sample.size()));
  }

  /// \brief Merges `other` into this (Chan et al.'s exact pairwise formula): the result
  /// equals, up to rounding, the statistics of both sample sets together.
  /// \pre same specs (names, sizes, covariance flags), or this one default-constructed.
  void merge(const RunningStatistics& other) {
    if (m_specs.empty() && m_count == 0) {
      *this = other;
      return;
    }
    require_same_specs(other);
    if (other.m_count == 0) return;
    if (m_count == 0) {
      *this = other;
      return;
    }
    const double na = static_cast<double>(m_count);
    const double nb = static_cast<double>(other.m_count);
    const double n = na + nb;
    const double weight = na * nb / n;
    for (std::size_t k = 0; k < m_specs.size(); ++k) {
      auto& a = m_observables[k];
      const auto& b = other.m_observables[k];
      m_delta = b.mean - a.mean;
      a.mean += m_delta * (nb / n);
      a.m2 += b.m2 + weight * m_delta.cwiseAbs2();
      if (m_specs[k].covariance) {
        a.comoment.triangularView<Eigen::Lower>() += b.comoment;
        a.comoment.selfadjointView<Eigen::Lower>().rankUpdate(m_delta, weight);
      }
    }
    m_count += other.m_count;
  }

  /// \brief The sample mean x̄ of observable k (P2 (4.25): the estimate of E[ρ^ε]).
  [[nodiscard]] const Eigen::VectorXd& mean(std::size_t k) const { return at(k).mean; }

  /// \brief The unbiased sample variance M/(n−1) of each entry of observable k.
  /// \pre count() ≥ 2.
  [[nodiscard]] Eigen::VectorXd variance(std::size_t k) const {
    require_count(2, "variance");
    return at(k).m2 / static_cast<double>(m_count - 1);
  }

  /// \brief The sample standard deviation √variance of observable k.
  [[nodiscard]] Eigen::VectorXd standard_deviation(std::size_t k) const {
    return variance(k).cwiseSqrt();
  }

  /// \brief The standard error of the mean, standard_deviation/√n, of observable k.
  [[nodiscard]] Eigen::VectorXd standard_error(std::size_t k) const {
    return standard_deviation(k) / std::sqrt(static_cast<double>(m_count));
  }

  /// \brief The unbiased sample covariance matrix M/(n−1) of observable k, e.g.
  /// Cov(ρ^ε(x_i), ρ^ε(x_j)); exactly symmetric. Its diagonal equals variance(k) up to
  /// rounding (the two are accumulated separately).
  /// \pre the observable was declared with `covariance = true`; count() ≥ 2.
  [[nodiscard]] Eigen::MatrixXd covariance(std::size_t k) const {
    require(at(k).comoment.size() > 0,
            "RunningStatistics::covariance: observable '{}' was declared without covariance",
            m_specs[k].name);
    require_count(2, "covariance");
    Eigen::MatrixXd c = at(k).comoment.selfadjointView<Eigen::Lower>();
    return c / static_cast<double>(m_count - 1);
  }

  /// \brief The whole state as one array of doubles: count, then per observable the mean,
  /// the diagonal sums M and, where kept, the lower triangle of the matrix M column by
  /// column. deserialize() restores it bitwise (the count is exact below 2^53).
  [[nodiscard]] std::vector<double> serialize() const {
    std::vector<double> out{static_cast<double>(m_count)};
    for (std::size_t k = 0; k < m_specs.size(); ++k) {
      const auto& o = m_observables[k];
      out.insert(out.end(), o.mean.begin(), o.mean.end());
      out.insert(out.end(), o.m2.begin(), o.m2.end());
      const auto n = o.comoment.cols();
      for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = j; i < n; ++i) out.push_back(o.comoment(i, j));
    }
    return out;
  }

  /// \brief Statistics of `specs` restored from serialize()'s array; invalid_argument if
  /// the array's length does not fit the specs or the count is not a whole number.
  [[nodiscard]] static RunningStatistics deserialize(std::vector<ObservableSpec> specs,
                                                     std::span<const double> state) {
    RunningStatistics s(std::move(specs));
    std::size_t expected = 1;
    for (const auto& spec : s.m_specs)
      expected += 2 * spec.size + (spec.covariance ? spec.size * (spec.size + 1) / 2 : 0);
    require(state.size() == expected,
            "RunningStatistics::deserialize: state has {} numbers, these observables need {}",
            state.size(), expected);
    const double count = state[0];
    require(count >= 0 && count < 0x1.0p53 && count == std::floor(count),
            "RunningStatistics::deserialize: count {} is not a whole number in [0, 2^53)", count);
    s.m_count = static_cast<std::uint64_t>(count);
    std::size_t p = 1;
    for (auto& o : s.m_observables) {
      const auto n = o.mean.size();
      for (Eigen::Index i = 0; i < n; ++i) o.mean[i] = state[p++];
      for (Eigen::Index i = 0; i < n; ++i) o.m2[i] = state[p++];
      for (Eigen::Index j = 0; j < o.comoment.cols(); ++j)
        for (Eigen::Index i = j; i < n; ++i) o.comoment(i, j) = state[p++];
    }
    return s;
  }

 private:
  struct Moments {
    Eigen::VectorXd mean;
    Eigen::VectorXd m2;        // Σ (x − x̄)² per entry
    Eigen::MatrixXd comoment;  // Σ (x − x̄)(x − x̄)ᵀ, lower triangle; empty if not kept
  };

  const Moments& at(std::size_t k) const {
    require(k < m_specs.size(), "RunningStatistics: observable index {} out of range [0, {})", k,
            m_specs.size());
    return m_observables[k];
  }

  void require_count(std::uint64_t minimum, const char* what) const {
    require(m_count >= minimum, "RunningStatistics::{}: needs at least {} samples, have {}", what,
            minimum, m_count);
  }

  void require_same_specs(const RunningStatistics& other) const {
    require(other.m_specs.size() == m_specs.size(),
            "RunningStatistics::merge: {} observables against {}", other.m_specs.size(),
            m_specs.size());
    for (std::size_t k = 0; k < m_specs.size(); ++k) {
      const auto& a = m_specs[k];
      const auto& b = other.m_specs[k];
      require(a == b,
              "RunningStatistics::merge: observable {} is '{}' (size {}, covariance {}) here and "
              "'{}' (size {}, covariance {}) in the other",
              k, a.name, a.size, a.covariance, b.name, b.size, b.covariance);
    }
  }

  std::vector<ObservableSpec> m_specs;
  std::vector<Moments> m_observables;
  std::uint64_t m_count = 0;
  Eigen::VectorXd m_delta;  // work vector, reused so that add() does not allocate
};

}  // namespace wavekin
