// wavekin/random/karhunen_loeve.hpp — the Karhunen–Loève expansion of the random mass m_1 with
// the separable exponential covariance (P2 (4.21)–(4.24)) and its truncation (4.28).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/random/random_stream.hpp"

namespace wavekin {

namespace detail {

// Root in (lo, hi) of a function whose values at lo and hi have opposite signs:
// Newton steps kept inside the bracket, bisection when a step would leave it.
// Converges to the last ulp (the bracket only shrinks).
template <class F>
double bracketed_newton_root(F&& value_and_slope, double lo, double hi) {
  double f_lo = value_and_slope(lo)[0];
  double u = 0.5 * (lo + hi);
  for (int iteration = 0; iteration < 200; ++iteration) {
    const auto [f, slope] = value_and_slope(u);
    if (f == 0) return u;
    if ((f < 0) == (f_lo < 0)) {
      lo = u;
      f_lo = f;
    } else {
      hi = u;
    }
    double next = u - f / slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == u || hi - lo <= 4 * std::numeric_limits<double>::epsilon() * std::abs(u)) {
      return next;
    }
    u = next;
  }
  return u;
}

}  // namespace detail

/// \brief Eigenpairs of the exponential kernel K(t,s) = exp(−|t−s|/c) on [0, T]
/// (P2 (4.22)–(4.24), one factor of the separable covariance), in descending order.
///
/// With u = wT/2 and κ = 2c/T, mode k (0-based; the paper's i = k+1) solves
/// - k even (paper's odd i, cosine mode): 1 − c w tan(wT/2) = 0, i.e. cos u − κ u sin u = 0,
///   u ∈ (nπ, nπ+π/2), n = k/2;
/// - k odd (paper's even i, sine mode): c w + tan(wT/2) = 0, i.e. κ u cos u + sin u = 0,
///   u ∈ (nπ+π/2, (n+1)π), n = (k−1)/2.
/// Each branch function is monotone between the bracket ends (cot u − κu decreases,
/// tan u + κu increases), so each bracket holds exactly one root, found by bracketed
/// Newton to the last ulp. The forms without tan have no pole in the bracket.
/// Eigenvalues λ_k = 2c/(1+c²w_k²) (P2 (4.23)); eigenfunctions (4.23),
/// ψ_k(t) = cos(w_k(t−T/2))/√(T/2 + sin(w_kT)/(2w_k)) (k even) and
/// sin(w_k(t−T/2))/√(T/2 − sin(w_kT)/(2w_k)) (k odd), orthonormal in L²(0,T).
/// The normalisation denominators are ≥ T/2, so |ψ_k| ≤ √(2/T). Σ_k λ_k = T (the trace).
/// Cost O(1) per mode (a few Newton steps).
class ExponentialKernelModes {
 public:
  /// \brief The first `count` modes of exp(−|t−s|/c) on [0, length].
  /// \pre c and length finite and > 0 (else invalid_argument).
  ExponentialKernelModes(double correlation_length, double length, std::size_t count)
      : c(correlation_length), T(length) {
    require(std::isfinite(c) && c > 0,
            "ExponentialKernelModes: the correlation length must be finite and > 0, got {}", c);
    require(std::isfinite(T) && T > 0,
            "ExponentialKernelModes: the interval length must be finite and > 0, got {}", T);
    roots.reserve(count);
    while (roots.size() < count) add_mode();
  }

  /// \brief The modes down to and including the first with λ_k/λ_0 < ratio.
  /// \pre ratio in (0, 1); at most max_modes modes needed (else invalid_argument).
  static ExponentialKernelModes down_to_ratio(double correlation_length, double length,
                                              double ratio, std::size_t max_modes) {
    require(ratio > 0 && ratio < 1,
            "ExponentialKernelModes: the eigenvalue ratio must be in (0, 1), got {}", ratio);
    ExponentialKernelModes modes(correlation_length, length, 1);
    while (modes.eigenvalue(modes.size() - 1) >= ratio * modes.eigenvalue(0)) {
      require(modes.size() < max_modes,
              "ExponentialKernelModes: more than {} modes needed for the ratio {} (c = {}, "
              "length = {})",
              max_modes, ratio, correlation_length, length);
      modes.add_mode();
    }
    return modes;
  }

  /// \brief Number of modes computed.
  [[nodiscard]] std::size_t size() const noexcept { return roots.size(); }
  /// \brief The correlation length c of the kernel.
  [[nodiscard]] double correlation_length() const noexcept { return c; }
  /// \brief The interval length T.
  [[nodiscard]] double length() const noexcept { return T; }
  /// \brief The root w_k of (4.24).
  [[nodiscard]] double root(std::size_t k) const {
    require(k < roots.size(), "ExponentialKernelModes: mode {} requested, only {} computed", k,
            roots.size());
    return roots[k];
  }
  /// \brief λ_k = 2c/(1+c²w_k²).
  [[nodiscard]] double eigenvalue(std::size_t k) const {
    const double w = root(k);
    return 2 * c / (1 + c * c * w * w);
  }
  /// \brief ψ_k(t) of (4.23) (0-based k: even k is the paper's odd, cosine, mode).
  [[nodiscard]] double eigenfunction(std::size_t k, double t) const {
    const double w = root(k);
    const double phase = w * (t - T / 2);
    const double half_sine = std::sin(w * T) / (2 * w);
    return k % 2 == 0 ? std::cos(phase) / std::sqrt(T / 2 + half_sine)
                      : std::sin(phase) / std::sqrt(T / 2 - half_sine);
  }

 private:
  void add_mode() {
    const std::size_t k = roots.size();
    const double kappa = 2 * c / T;
    const double pi = std::numbers::pi;
    const auto n = static_cast<double>(k / 2);
    double u = 0;
    if (k % 2 == 0) {
      u = detail::bracketed_newton_root(
          [kappa](double v) {
            const double s = std::sin(v), co = std::cos(v);
            return std::array<double, 2>{co - kappa * v * s, -s - kappa * s - kappa * v * co};
          },
          n * pi, n * pi + pi / 2);
    } else {
      u = detail::bracketed_newton_root(
          [kappa](double v) {
            const double s = std::sin(v), co = std::cos(v);
            return std::array<double, 2>{kappa * v * co + s, kappa * co - kappa * v * s + co};
          },
          n * pi + pi / 2, (n + 1) * pi);
    }
    roots.push_back(2 * u / T);
  }

  double c;
  double T;
  std::vector<double> roots;
};

/// \brief Options of KarhunenLoeveExpansion.
struct KarhunenLoeveOptions {
  /// The threshold 2^−9 of (4.28) on √(λ_iσ_j / λ_1σ_1).
  double truncation = 0x1p-9;
  /// Upper bound on the number of terms and 1D modes (a guard against ε → 0).
  std::size_t max_terms = 20'000'000;
};

/// \brief One term of the truncated expansion: temporal mode i, spatial mode j
/// (0-based) and weight √(λ_iσ_j).
struct KarhunenLoeveTerm {
  std::size_t i;
  std::size_t j;
  double weight;
};

/// \brief The truncated KL expansion of m_1(t/ε, x/ε) on [0,T]×[0,L] (P2 (4.21)):
/// m_1 = D Σ_p √(λ_{i_p}σ_{j_p}) ξ_p ψ_{i_p}(t) φ_{j_p}(x), with the kernel
/// D² e^{−|t−s|/(aε)} e^{−|x−z|/(bε)} (docs/conventions.md §19).
///
/// Truncation (4.28) as docs/conventions.md §19 reads it: the products λ_iσ_j sorted in descending
/// order; N_KL is the 1-based index of the first with √(λ_iσ_j/λ_1σ_1) < 2^−9, that
/// product kept. (T, L, a, b) = (0.4, 1.625, 100, 100) gives the paper's
/// N_KL = 663, 3157, 27968 at ε = 2^−6, 2^−8, 2^−10. Only the 1D modes are solved for
/// (a few hundred to a few thousand roots) and the kept products enumerated: no matrix.
/// Ties are broken by (i, j), so the order is deterministic.
class KarhunenLoeveExpansion {
 public:
  /// \pre ε, T, L finite and > 0; 0 < truncation < 1 (else invalid_argument naming the value);
  ///      the covariance is P2's (4.15), exponential in time and in x (d = 1).
  KarhunenLoeveExpansion(const SeparableCorrelation<>& covariance, double epsilon, double T,
                         double L, KarhunenLoeveOptions options = {})
      : D(covariance.amplitude()),
        m_epsilon(epsilon),
        m_temporal(make_modes(covariance, epsilon, T, L, options, true)),
        m_spatial(make_modes(covariance, epsilon, T, L, options, false)) {
    const double threshold = options.truncation * options.truncation;
    const double top = m_temporal.eigenvalue(0) * m_spatial.eigenvalue(0);
    std::vector<double> sigma(m_spatial.size());
    for (std::size_t j = 0; j < sigma.size(); ++j) sigma[j] = m_spatial.eigenvalue(j);
    // For each i, the j below the first product under the threshold are kept; the
    // largest first-failing product over i is term N_KL.
    KarhunenLoeveTerm first_dropped{0, 0, -1};
    std::size_t kept = 0;
    std::vector<std::size_t> kept_per_i(m_temporal.size());
    for (std::size_t i = 0; i < m_temporal.size(); ++i) {
      const double lambda = m_temporal.eigenvalue(i);
      const auto it = std::find_if(sigma.begin(), sigma.end(),
                                   [&](double s) { return lambda * s < threshold * top; });
      kept_per_i[i] = static_cast<std::size_t>(it - sigma.begin());
      kept += kept_per_i[i];
      require(kept <= options.max_terms,
              "KarhunenLoeveExpansion: more than max_terms = {} terms for epsilon = {}",
              options.max_terms, epsilon);
      if (it != sigma.end() && lambda * *it > first_dropped.weight) {
        first_dropped = {i, kept_per_i[i], lambda * *it};
      }
    }
    m_terms.reserve(kept + 1);
    for (std::size_t i = 0; i < m_temporal.size(); ++i) {
      const double lambda = m_temporal.eigenvalue(i);
      for (std::size_t j = 0; j < kept_per_i[i]; ++j) m_terms.push_back({i, j, lambda * sigma[j]});
    }
    std::sort(m_terms.begin(), m_terms.end(), [](const auto& p, const auto& q) {
      if (p.weight != q.weight) return p.weight > q.weight;
      return p.i != q.i ? p.i < q.i : p.j < q.j;
    });
    m_terms.push_back(first_dropped);
    double kept_sum = 0;
    for (auto& term : m_terms) {
      kept_sum += term.weight;
      term.weight = std::sqrt(term.weight);
    }
    m_retained = kept_sum / (T * L);
  }

  /// \brief N_KL, the number of terms.
  [[nodiscard]] std::size_t size() const noexcept { return m_terms.size(); }
  /// \brief The terms, by descending weight.
  [[nodiscard]] std::span<const KarhunenLoeveTerm> terms() const noexcept { return m_terms; }
  /// \brief Temporal modes ψ_i, λ_i (kernel e^{−|t−s|/(aε)} on [0,T]).
  [[nodiscard]] const ExponentialKernelModes& temporal() const noexcept { return m_temporal; }
  /// \brief Spatial modes φ_j, σ_j (kernel e^{−|x−z|/(bε)} on [0,L]).
  [[nodiscard]] const ExponentialKernelModes& spatial() const noexcept { return m_spatial; }
  /// \brief ε.
  [[nodiscard]] double epsilon() const noexcept { return m_epsilon; }
  /// \brief D, the standard deviation of m_1.
  [[nodiscard]] double standard_deviation() const noexcept { return D; }
  /// \brief Σ_kept λ_iσ_j / (TL): the fraction of the total variance D²TL retained
  /// (the kernel's trace is TL).
  [[nodiscard]] double retained_variance_fraction() const noexcept { return m_retained; }

  /// \brief The truncated covariance D² Σ_p λσ ψ_i(t)ψ_i(s) φ_j(x)φ_j(z). Cost O(N_KL).
  [[nodiscard]] double covariance(double t, double x, double s, double z) const {
    double sum = 0;
    for (const auto& term : m_terms) {
      sum += term.weight * term.weight * m_temporal.eigenfunction(term.i, t) *
             m_temporal.eigenfunction(term.i, s) * m_spatial.eigenfunction(term.j, x) *
             m_spatial.eigenfunction(term.j, z);
    }
    return D * D * sum;
  }

  /// \brief m_1(t/ε, x/ε) for coefficients ξ (one per term). Cost O(N_KL).
  /// \pre xi.size() == size().
  [[nodiscard]] double evaluate(std::span<const double> xi, double t, double x) const {
    check_xi(xi.size());
    double sum = 0;
    for (std::size_t p = 0; p < m_terms.size(); ++p) {
      const auto& term = m_terms[p];
      sum += term.weight * xi[p] * m_temporal.eigenfunction(term.i, t) *
             m_spatial.eigenfunction(term.j, x);
    }
    return D * sum;
  }

  /// \brief Draws the N_KL coefficients ξ of one sample from its stream.
  [[nodiscard]] std::vector<double> draw_xi(RandomStream& stream,
                                            XiDistribution distribution) const {
    std::vector<double> xi(m_terms.size());
    stream.fill(xi, distribution);
    return xi;
  }

  /// \brief Throws unless n == size().
  void check_xi(std::size_t n) const {
    require(n == m_terms.size(), "KarhunenLoeveExpansion: {} coefficients xi given, expected {}", n,
            m_terms.size());
  }

 private:
  static ExponentialKernelModes make_modes(const SeparableCorrelation<>& covariance, double epsilon,
                                           double T, double L, const KarhunenLoeveOptions& options,
                                           bool temporal) {
    require(std::isfinite(epsilon) && epsilon > 0,
            "KarhunenLoeveExpansion: epsilon must be finite and > 0, got {}", epsilon);
    require(std::isfinite(T) && T > 0,
            "KarhunenLoeveExpansion: the final time T must be finite and > 0, got {}", T);
    require(std::isfinite(L) && L > 0,
            "KarhunenLoeveExpansion: the box length L must be finite and > 0, got {}", L);
    require(options.truncation > 0 && options.truncation < 1,
            "KarhunenLoeveExpansion: the truncation threshold must be in (0, 1), got {}",
            options.truncation);
    const double ratio = options.truncation * options.truncation;
    return temporal ? ExponentialKernelModes::down_to_ratio(covariance.correlation_time() * epsilon,
                                                            T, ratio, options.max_terms)
                    : ExponentialKernelModes::down_to_ratio(
                          covariance.correlation_length() * epsilon, L, ratio, options.max_terms);
  }

  double D;
  double m_epsilon;
  ExponentialKernelModes m_temporal;
  ExponentialKernelModes m_spatial;
  std::vector<KarhunenLoeveTerm> m_terms;
  double m_retained = 0;
};

/// \brief Evaluates a KarhunenLoeveExpansion at fixed points x_k for many times and
/// samples: the φ_j(x_k) table (N_j × N_x numbers) is built once.
///
/// Per call: O(N_KL) for A_j(t) = Σ_{p: j_p = j} √(λσ) ξ_p ψ_{i_p}(t), then
/// O(N_j N_x) for m_1(t, x_k) = D Σ_j A_j φ_j(x_k). Keeps a pointer to the expansion,
/// which must outlive it.
class KarhunenLoeveEvaluator {
 public:
  /// \pre every point finite (else invalid_argument).
  KarhunenLoeveEvaluator(const KarhunenLoeveExpansion& expansion, std::span<const double> x)
      : kl(&expansion) {
    require_finite(x, "KarhunenLoeveEvaluator: x points");
    std::size_t spatial_modes = 0, temporal_modes = 0;
    for (const auto& term : expansion.terms()) {
      spatial_modes = std::max(spatial_modes, term.j + 1);
      temporal_modes = std::max(temporal_modes, term.i + 1);
    }
    phi.resize(static_cast<Eigen::Index>(spatial_modes), static_cast<Eigen::Index>(x.size()));
    for (std::size_t k = 0; k < x.size(); ++k)
      for (std::size_t j = 0; j < spatial_modes; ++j)
        phi(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)) =
            expansion.spatial().eigenfunction(j, x[k]);
    psi.resize(static_cast<Eigen::Index>(temporal_modes));
    amplitudes.resize(static_cast<Eigen::Index>(spatial_modes));
  }

  /// \brief Number of x points.
  [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(phi.cols()); }

  /// \brief out_k = m_1(t/ε, x_k/ε) for coefficients ξ. Not thread-safe (work arrays):
  /// one evaluator per thread.
  /// \pre xi.size() == N_KL, out.size() == size().
  void evaluate(std::span<const double> xi, double t, std::span<double> out) {
    kl->check_xi(xi.size());
    require(out.size() == size(), "KarhunenLoeveEvaluator: output has {} entries, expected {}",
            out.size(), size());
    for (Eigen::Index i = 0; i < psi.size(); ++i)
      psi[i] = kl->temporal().eigenfunction(static_cast<std::size_t>(i), t);
    amplitudes.setZero();
    const auto terms = kl->terms();
    for (std::size_t p = 0; p < terms.size(); ++p) {
      amplitudes[static_cast<Eigen::Index>(terms[p].j)] +=
          terms[p].weight * xi[p] * psi[static_cast<Eigen::Index>(terms[p].i)];
    }
    Eigen::Map<Eigen::VectorXd>(out.data(), static_cast<Eigen::Index>(out.size())).noalias() =
        kl->standard_deviation() * (phi.transpose() * amplitudes);
  }

  /// \brief m_1 on the space–time grid times × x, row-major (one slice of size() values
  /// per time). \pre xi.size() == N_KL, out.size() == times.size() · size().
  void evaluate(std::span<const double> xi, std::span<const double> times, std::span<double> out) {
    require(out.size() == times.size() * size(),
            "KarhunenLoeveEvaluator: output has {} entries, expected {} times x {} points",
            out.size(), times.size(), size());
    for (std::size_t n = 0; n < times.size(); ++n)
      evaluate(xi, times[n], out.subspan(n * size(), size()));
  }

 private:
  const KarhunenLoeveExpansion* kl;
  Eigen::MatrixXd phi;
  Eigen::VectorXd psi;
  Eigen::VectorXd amplitudes;
};

}  // namespace wavekin
