// wavekin/random/streaming_sampler.hpp — exact streaming samplers of Gaussian fields with an
// exponential time covariance: AR(1) in time times an AR(1)-in-x or circulant-embedding field.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/random/random_stream.hpp"

namespace wavekin {

/// \brief Exact sampler of the 1D Gaussian field with covariance exp(−|x−z|/ℓ) at the
/// points of a grid, by the AR(1) (Ornstein–Uhlenbeck) recursion along x:
/// g_0 ~ N(0,1), g_{k+1} = r g_k + √(1−r²) ζ_{k+1}, r = exp(−h/ℓ).
///
/// The recursion is the Markov property of the OU process, so the covariances at the
/// grid points are exact: E[g_j g_k] = r^{|j−k|}. Cost O(N_x) per field, no storage.
/// The grid's periodicity is not used: the field is a stretch of a stationary field
/// on the line (the KL field of P2 is not periodic either).
class ExponentialLineSampler {
 public:
  /// \pre ℓ finite and > 0 (else invalid_argument); the grid's checks (even N >= 4).
  ExponentialLineSampler(const PeriodicGrid<1>& grid, double correlation_length)
      : n(grid.size()), h(grid.spacing(0)), ell(correlation_length) {
    require(std::isfinite(ell) && ell > 0,
            "ExponentialLineSampler: the correlation length must be finite and > 0, got {}", ell);
    r = std::exp(-h / ell);
    innovation = std::sqrt(-std::expm1(-2 * h / ell));
  }

  /// \brief Number of points of one field.
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return n; }
  /// \brief Complex work entries sample_pair needs (none).
  [[nodiscard]] std::ptrdiff_t work_size() const noexcept { return 0; }
  /// \brief The lag-one correlation r = exp(−h/ℓ).
  [[nodiscard]] double lag_correlation() const noexcept { return r; }

  /// \brief One field into `out`.
  /// \pre out.size() == size().
  void sample(RandomStream& stream, std::span<double> out) const {
    check(out.size());
    out[0] = stream.normal();
    for (std::size_t k = 1; k < out.size(); ++k)
      out[k] = r * out[k - 1] + innovation * stream.normal();
  }
  /// \brief Two independent fields (the interface StreamingSampler uses).
  void sample_pair(RandomStream& stream, std::span<double> first, std::span<double> second,
                   std::span<std::complex<double>> /*work*/) const {
    sample(stream, first);
    sample(stream, second);
  }

 private:
  void check(std::size_t size) const {
    require(size == static_cast<std::size_t>(n),
            "ExponentialLineSampler: output has {} entries, expected {}", size, n);
  }

  std::ptrdiff_t n;
  double h;
  double ell;
  double r = 0;
  double innovation = 0;
};

/// \brief Options of CirculantEmbedding.
struct CirculantOptions {
  /// Embedding box = padding × the grid's point count per axis. 2 or more: the box is at
  /// least twice the grid's extent and every lag appears once, unaliased (a stretch of a
  /// field on ℝ^Dim). 1: no padding, the field is periodic on the grid's own box, with the
  /// covariance r(d_T) of the torus distance (a static random potential on a supercell).
  int padding = 2;
  /// Eigenvalues of the circulant down to −tolerance × (largest) are round-off and set to
  /// 0; a more negative one is an error.
  double tolerance = 1e-10;
};

/// \brief Exact sampler of a stationary Gaussian field with covariance r(x−z) at the
/// points of a Dim-dimensional grid, by circulant embedding (Dietrich–Newsam 1997;
/// Wood–Chan 1994).
///
/// The covariance on the grid is embedded in a periodic box of M_a = padding·N_a points
/// per axis with the same spacing: the circulant's first row is c_m = r(lag_m), lag_m,a =
/// min(m_a, M_a − m_a) h_a. Its eigenvalues Λ = FFT(c) are real; when all are >= 0,
/// Y = FFT(√(Λ/M) ∘ (ζ₁ + iζ₂)) (ζ i.i.d. N(0,1), M = Π M_a) has Re Y and Im Y two
/// independent fields whose covariance on the embedded grid is exactly r. Eigenvalues in
/// [−tol·Λ_max, 0) are set to 0 (round-off); below that the constructor throws and says
/// to enlarge the padding (a Gaussian r whose length is not small against the box needs
/// more than 2). With padding 1 the embedding box is the grid's box: the fields are periodic
/// on it and their covariance is exactly r(d_T(x, z)), d_T the distance on the torus (lag_m,a
/// = min(m_a, N_a − m_a) h_a), whenever that circulant is non-negative — true to round-off for
/// the Gaussian and exponential r of core/correlation.hpp when their length is small against
/// the box. Construction O(M log M); each pair of fields O(M log M); storage M reals
/// (√Λ/M) — O(N) for fixed padding. The object is immutable and its sample_pair const,
/// so one embedding serves all samples and threads (each with its own work array).
///
/// \tparam Dim number of axes
template <int Dim>
class CirculantEmbedding {
 public:
  using Point = Eigen::Matrix<double, Dim, 1>;
  using Counts = std::array<std::ptrdiff_t, Dim>;

  /// \brief Embeds r (a callable `double(const Point& lag)`) for the points of `grid`.
  /// \pre options.padding >= 2; r(lags) finite; the circulant non-negative (up to the
  ///      tolerance) (else invalid_argument naming the eigenvalue and the padding).
  template <class Correlation>
  CirculantEmbedding(const PeriodicGrid<Dim>& grid, Correlation&& correlation,
                     CirculantOptions options = {})
      : m_counts(grid.counts()), n(grid.size()), fft(embed_counts(grid.counts(), options)) {
    require(std::isfinite(options.tolerance) && options.tolerance >= 0,
            "CirculantEmbedding: tolerance must be finite and >= 0, got {}", options.tolerance);
    m_embedding_counts = fft.counts();
    const std::ptrdiff_t m = fft.size();
    std::vector<std::complex<double>> c(static_cast<std::size_t>(m));
    for (std::ptrdiff_t flat = 0; flat < m; ++flat) {
      Point lag;
      std::ptrdiff_t rest = flat;
      for (int axis = Dim - 1; axis >= 0; --axis) {
        const auto ma = m_embedding_counts[static_cast<std::size_t>(axis)];
        const auto index = rest % ma;
        rest /= ma;
        lag[axis] = static_cast<double>(std::min(index, ma - index)) * grid.spacing(axis);
      }
      const double value = correlation(lag);
      require(std::isfinite(value), "CirculantEmbedding: the covariance at lag index {} is {}",
              flat, value);
      c[static_cast<std::size_t>(flat)] = value;
    }
    const double variance = c[0].real();
    fft.forward(c.data(), c.data());
    m_max_eigenvalue = 0;
    m_min_eigenvalue = c[0].real();
    for (const auto& value : c) {
      m_max_eigenvalue = std::max(m_max_eigenvalue, value.real());
      m_min_eigenvalue = std::min(m_min_eigenvalue, value.real());
    }
    require(m_max_eigenvalue > 0,
            "CirculantEmbedding: the circulant has no positive eigenvalue (covariance at lag 0 "
            "is {})",
            variance);
    require(m_min_eigenvalue >= -options.tolerance * m_max_eigenvalue,
            "CirculantEmbedding: the circulant has a negative eigenvalue {} (largest {}, "
            "tolerance {}): the embedding is not non-negative definite; enlarge the padding "
            "(now {}) or check that the covariance is positive definite",
            m_min_eigenvalue, m_max_eigenvalue, options.tolerance, options.padding);
    root.resize(static_cast<std::size_t>(m));
    for (std::size_t k = 0; k < root.size(); ++k) {
      root[k] = std::sqrt(std::max(c[k].real(), 0.0) / static_cast<double>(m));
    }
  }

  /// \brief Number of grid points of one field.
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return n; }
  /// \brief Complex work entries sample_pair needs (the embedding's size M).
  [[nodiscard]] std::ptrdiff_t work_size() const noexcept { return fft.size(); }
  /// \brief Points per axis of the periodic embedding.
  [[nodiscard]] const Counts& embedding_counts() const noexcept { return m_embedding_counts; }
  /// \brief Smallest eigenvalue of the circulant, before clipping.
  [[nodiscard]] double min_eigenvalue() const noexcept { return m_min_eigenvalue; }
  /// \brief Largest eigenvalue of the circulant.
  [[nodiscard]] double max_eigenvalue() const noexcept { return m_max_eigenvalue; }

  /// \brief Two independent fields with covariance r on the grid (row-major).
  /// \pre first.size() == second.size() == size(); work.size() == work_size().
  void sample_pair(RandomStream& stream, std::span<double> first, std::span<double> second,
                   std::span<std::complex<double>> work) const {
    require(first.size() == static_cast<std::size_t>(n) &&
                second.size() == static_cast<std::size_t>(n) &&
                work.size() == static_cast<std::size_t>(fft.size()),
            "CirculantEmbedding::sample_pair: sizes {}, {}, {}; expected {}, {}, {}", first.size(),
            second.size(), work.size(), n, n, fft.size());
    for (std::size_t k = 0; k < root.size(); ++k) {
      const double re = stream.normal();
      const double im = stream.normal();
      work[k] = {root[k] * re, root[k] * im};
    }
    fft.forward(work.data(), work.data());
    for (std::ptrdiff_t flat = 0; flat < n; ++flat) {
      std::ptrdiff_t rest = flat, embedded = 0, stride = 1;
      for (int axis = Dim - 1; axis >= 0; --axis) {
        const auto a = static_cast<std::size_t>(axis);
        embedded += (rest % m_counts[a]) * stride;
        rest /= m_counts[a];
        stride *= m_embedding_counts[a];
      }
      first[static_cast<std::size_t>(flat)] = work[static_cast<std::size_t>(embedded)].real();
      second[static_cast<std::size_t>(flat)] = work[static_cast<std::size_t>(embedded)].imag();
    }
  }

 private:
  static Counts embed_counts(const Counts& counts, const CirculantOptions& options) {
    require(options.padding >= 1,
            "CirculantEmbedding: padding must be >= 1 (1: periodic on the grid's box), got {}",
            options.padding);
    Counts embedded{};
    for (std::size_t a = 0; a < counts.size(); ++a) embedded[a] = counts[a] * options.padding;
    return embedded;
  }

  Counts m_counts;
  Counts m_embedding_counts{};
  std::ptrdiff_t n;
  Fft<Dim> fft;
  std::vector<double> root;
  double m_min_eigenvalue = 0;
  double m_max_eigenvalue = 0;
};

/// \brief The law of an Ornstein–Uhlenbeck step average given the step's start: for X stationary
/// with unit variance and correlation e^{−|t−s|/τ}, and x = Δt/τ, ρ = e^{−x},
///
///   X_{k+1} = ρ X_k + √(1−ρ²) Z₁,   Ā_k = (1/Δt) ∫_{t_k}^{t_{k+1}} X dt = μ X_k + ν Z₁ + σ Z₂,
///
/// Z₁, Z₂ i.i.d. N(0, 1) independent of X_k, with μ = (1−ρ)/x, ν = (1−ρ)²/(x√(1−ρ²)) and
/// σ² = 2(x − 2 tanh(x/2))/x² (docs/random.md, "Step averages", derives them). Exact in law
/// for every x: E[Ā | X_k] = μX_k, Cov(Ā, X_{k+1} | X_k) = (1−ρ)²/x and Var(Ā | X_k) =
/// [2(x − 1 + ρ) − (1 − ρ)²]/x². σ is computed without cancellation: by the Taylor series of
/// y − tanh y (y = x/2) up to y ≤ 0.1, in long double above: within 1e-16 of a 40-digit
/// evaluation at x = 10⁻⁶, 0.01, 0.05, 0.2 and 0.7.
struct StepAverageWeights {
  double start;        ///< μ, the weight of X_k
  double innovation;   ///< ν, the weight of the step's innovation Z₁
  double independent;  ///< σ, the weight of the independent Z₂

  /// \pre x = Δt/τ finite and > 0 (else invalid_argument naming it).
  [[nodiscard]] static StepAverageWeights of(double x) {
    require(std::isfinite(x) && x > 0,
            "StepAverageWeights: dt over the correlation time must be finite and > 0, got {}", x);
    const double one_minus_rho = -std::expm1(-x);
    const double root = std::sqrt(-std::expm1(-2 * x));
    const double y = x / 2;
    double sigma = 0;
    if (y <= 0.1) {
      // σ² = 4(y − tanh y)/x² = (y − tanh y)/y², and (y − tanh y)/y³ from tanh's series: the
      // next term, −6404582/10854718875 y^14, is below 2e-17 of the first at y = 0.1.
      const double y2 = y * y;
      const double series =
          1.0 / 3 +
          y2 * (-2.0 / 15 + y2 * (17.0 / 315 +
                                  y2 * (-62.0 / 2835 + y2 * (1382.0 / 155925 +
                                                             y2 * (-21844.0 / 6081075 +
                                                                   y2 * (929569.0 / 638512875))))));
      sigma = std::sqrt(y * series);
    } else {
      // y − tanh y loses log10(y/(y − tanh y)) < 2.5 digits of long double's 19 at y ≥ 0.1.
      const long double yl = y;
      sigma = static_cast<double>(std::sqrt(yl - std::tanh(yl)) / yl);
    }
    return {one_minus_rho / x, one_minus_rho * one_minus_rho / (x * root), sigma};
  }
};

/// \brief Streams a Gaussian field m_1 with covariance D² exp(−|t−s|/τ) r(x−z) on a grid,
/// one time level at a time: the AR(1)/Ornstein–Uhlenbeck recursion in time,
/// m_{n+1} = ρ m_n + √(1−ρ²) D g_{n+1}, ρ = exp(−Δt/τ), with g fresh fields of the
/// spatial sampler (ExponentialLineSampler or CirculantEmbedding), m_0 = D g_0.
///
/// Exact at the grid points for every Δt (the OU process is Markov): stationary
/// variance D², lag correlations ρ^{lag} in time. For P2's m_1(t/ε, x/ε) with (4.15),
/// τ = aε and the spatial length bε (make_streaming_sampler). Holds O(N_x) numbers
/// (current field, one cached fresh field, the sampler's work array); costs O(N_x) (AR(1)
/// in x) or O(M log M) per two steps (circulant) — unlike the KL expansion, independent
/// of the final time. Each sample owns its stream (RandomStream(seed, i,
/// StreamPurpose::streaming)), so sample i's path is the same on any thread.
///
/// advance(step_average) also writes the time average of m_1 over the step it takes, exact in law
/// jointly with the path (StepAverageWeights): one more spatial field a step, from a second
/// stream (StreamPurpose::streaming_average), so the path itself is that of advance().
///
/// \tparam Spatial ExponentialLineSampler or CirculantEmbedding<Dim> (anything with
///         size(), work_size() and a const sample_pair(stream, first, second, work)).
template <class Spatial>
class StreamingSampler {
 public:
  /// \pre D, τ, Δt finite and > 0; spatial not null (else invalid_argument naming the value).
  /// \param average_stream the stream of the step averages' own fields (needed by
  ///        advance(step_average) only)
  StreamingSampler(std::shared_ptr<const Spatial> spatial, double standard_deviation,
                   double correlation_time, double dt, RandomStream stream,
                   std::optional<RandomStream> average_stream = std::nullopt)
      : sampler(std::move(spatial)), D(standard_deviation), draws(stream) {
    require(sampler != nullptr, "StreamingSampler: the spatial sampler is null");
    require(std::isfinite(D) && D > 0,
            "StreamingSampler: the standard deviation D must be finite and > 0, got {}", D);
    require(std::isfinite(correlation_time) && correlation_time > 0,
            "StreamingSampler: the correlation time must be finite and > 0, got {}",
            correlation_time);
    require(std::isfinite(dt) && dt > 0, "StreamingSampler: dt must be finite and > 0, got {}", dt);
    rho = std::exp(-dt / correlation_time);
    innovation = std::sqrt(-std::expm1(-2 * dt / correlation_time));
    weights = StepAverageWeights::of(dt / correlation_time);
    const auto size = static_cast<std::size_t>(sampler->size());
    current.resize(size);
    work.resize(static_cast<std::size_t>(sampler->work_size()));
    if (average_stream) average_draws.emplace(*average_stream);
    draws.next(*sampler, work);
    for (std::size_t k = 0; k < size; ++k) current[k] = D * draws.fresh[k];
  }

  /// \brief m_1 at the current time level (row-major over the grid).
  [[nodiscard]] std::span<const double> field() const noexcept { return current; }
  /// \brief Number of advance() calls so far.
  [[nodiscard]] std::ptrdiff_t steps() const noexcept { return m_steps; }
  /// \brief The time-step correlation ρ = exp(−Δt/τ).
  [[nodiscard]] double step_correlation() const noexcept { return rho; }

  /// \brief The weights of the step averages (StepAverageWeights at Δt/τ).
  [[nodiscard]] const StepAverageWeights& step_average_weights() const noexcept { return weights; }

  /// \brief Moves the field one time step Δt forward.
  void advance() {
    draws.next(*sampler, work);
    for (std::size_t k = 0; k < current.size(); ++k) {
      current[k] = rho * current[k] + innovation * D * draws.fresh[k];
    }
    ++m_steps;
  }

  /// \brief Moves the field one time step Δt forward, as advance() and to the same field, and
  /// writes m_1's time average over that step, (1/Δt)∫ m_1 dt, into `step_average`.
  /// \pre built with an average stream; step_average.size() == the grid size (else
  ///      invalid_argument).
  void advance(std::span<double> step_average) {
    require(average_draws.has_value(),
            "StreamingSampler::advance: step averages need the sampler built with an average "
            "stream (make_streaming_sampler passes one)");
    require(step_average.size() == current.size(),
            "StreamingSampler::advance: the step average has {} entries, expected {}",
            step_average.size(), current.size());
    draws.next(*sampler, work);
    average_draws->next(*sampler, work);
    // ν and σ of StepAverageWeights, on this step's fresh field g₁ and the average's own g₂.
    const double on_fresh = D * weights.innovation, on_own = D * weights.independent;
    for (std::size_t k = 0; k < current.size(); ++k) {
      step_average[k] =
          weights.start * current[k] + on_fresh * draws.fresh[k] + on_own * average_draws->fresh[k];
      current[k] = rho * current[k] + innovation * D * draws.fresh[k];
    }
    ++m_steps;
  }

 private:
  // One stream's fresh unit fields, drawn two at a time (sample_pair) and used one at a time.
  struct Draws {
    explicit Draws(RandomStream source) : stream(source) {}

    RandomStream stream;
    std::vector<double> fresh, spare;
    bool has_spare = false;

    void next(const Spatial& spatial, std::span<std::complex<double>> work) {
      if (has_spare) {
        fresh.swap(spare);
        has_spare = false;
        return;
      }
      fresh.resize(static_cast<std::size_t>(spatial.size()));
      spare.resize(fresh.size());
      spatial.sample_pair(stream, fresh, spare, work);
      has_spare = true;
    }
  };

  std::shared_ptr<const Spatial> sampler;
  double D;
  Draws draws;
  std::optional<Draws> average_draws;
  double rho = 0;
  double innovation = 0;
  StepAverageWeights weights{};
  std::vector<double> current;
  std::vector<std::complex<double>> work;
  std::ptrdiff_t m_steps = 0;
};

/// \brief The streaming sampler of P2's m_1(t/ε, x/ε) for the covariance (4.15) on a 1D
/// grid: τ = aε, AR(1) along x with length bε. Sample `sample` of a run seeded `seed`; its step
/// averages (advance(step_average)) come from that sample's StreamPurpose::streaming_average
/// stream.
/// \pre ε finite and > 0; Δt finite and > 0.
inline StreamingSampler<ExponentialLineSampler> make_streaming_sampler(
    const SeparableCorrelation<>& covariance, double epsilon, const PeriodicGrid<1>& grid,
    double dt, std::uint64_t seed, std::uint64_t sample) {
  require(std::isfinite(epsilon) && epsilon > 0,
          "make_streaming_sampler: epsilon must be finite and > 0, got {}", epsilon);
  return {std::make_shared<const ExponentialLineSampler>(grid,
                                                         covariance.correlation_length() * epsilon),
          covariance.amplitude(),
          covariance.correlation_time() * epsilon,
          dt,
          RandomStream(seed, sample, StreamPurpose::streaming),
          RandomStream(seed, sample, StreamPurpose::streaming_average)};
}

/// \brief The circulant embedding of the spatial factor of `covariance` read at x/ε,
/// z ↦ r_x(z/ε), on `grid` (Euclidean |z|).
/// \tparam Covariance a SeparableCorrelation whose spatial factor has dimension Dim
/// \pre ε finite and > 0; see CirculantEmbedding.
template <int Dim, class Covariance>
std::shared_ptr<const CirculantEmbedding<Dim>> make_circulant_embedding(
    const Covariance& covariance, double epsilon, const PeriodicGrid<Dim>& grid,
    CirculantOptions options = {}) {
  static_assert(Covariance::dimension == Dim,
                "make_circulant_embedding: the covariance's spatial factor must have the grid's "
                "dimension");
  require(std::isfinite(epsilon) && epsilon > 0,
          "make_circulant_embedding: epsilon must be finite and > 0, got {}", epsilon);
  return std::make_shared<const CirculantEmbedding<Dim>>(
      grid,
      [&](const Eigen::Matrix<double, Dim, 1>& lag) {
        return covariance.spatial().value(Eigen::Matrix<double, Dim, 1>(lag / epsilon));
      },
      options);
}

}  // namespace wavekin
