// vmse_sample.hpp — one Monte Carlo sample of P2 §4.2.2 (VMSE with a random mass), shared by
// the vmse_rte driver and benchmarks/bench_vmse_samplers.cpp.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/core/spectral_derivative.hpp"
#include "wavekin/random/covariance.hpp"
#include "wavekin/random/karhunen_loeve.hpp"
#include "wavekin/random/random_mass.hpp"
#include "wavekin/random/random_stream.hpp"
#include "wavekin/random/streaming_sampler.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/observables.hpp"

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
};

/// \brief Time spent per phase (field sampling, propagation), summed over samples and threads.
/// `thread_cpu` reads CLOCK_THREAD_CPUTIME_ID instead of the wall clock (benchmarks).
struct PhaseClock {
  bool thread_cpu = false;
  std::atomic<long long> sampling_ns{0}, propagation_ns{0};

  [[nodiscard]] long long now_ns() const {
    if (thread_cpu) {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
    }
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

/// \brief One VMSE sample of P2 §4.2.2 at ε = 2^−n: m^ε = 1 + ε^γ m_1(t/ε, x/ε), m_1 drawn
/// by the streaming sampler (exact AR(1) in t and x) or the KL expansion, read at the
/// Crank–Nicolson half steps t_{n+½} (P2 (4.5)); returns ρ^ε(T) and J^ε(T) (J with the
/// sample's own mass at the last half step, P2 (4.26), docs/conventions.md §18). Each call
/// builds its own propagator and field source, so one object serves all threads of an
/// Ensemble (RandomMass's counts are atomic).
class Sample {
 public:
  explicit Sample(const SampleSettings& s)
      : m_epsilon(std::ldexp(1.0, -s.n)),
        m_grid({std::lround(box_length / std::ldexp(1.0, -s.n - 2))},
               Eigen::Matrix<double, 1, 1>(box_length)),
        m_covariance(s.amplitude, correlation, correlation),
        m_mass(m_epsilon, mass_options(s)),
        m_p0(s.p0),
        m_final_time(s.final_time),
        m_use_kl(s.karhunen_loeve),
        m_xi(s.xi) {
    const double dt_paper = std::exp2(-1.2 * s.n - 3);
    m_steps = static_cast<long>(std::ceil(m_final_time / dt_paper - 1e-9));
    m_dt = m_final_time / static_cast<double>(m_steps);
    m_x.resize(static_cast<std::size_t>(m_grid.size()));
    for (std::size_t j = 0; j < m_x.size(); ++j)
      m_x[j] = m_grid.coordinate(0, static_cast<std::ptrdiff_t>(j));
    if (m_use_kl) m_kl.emplace(m_covariance, m_epsilon, m_final_time, box_length);
  }

  [[nodiscard]] const std::vector<double>& x() const noexcept { return m_x; }
  [[nodiscard]] double epsilon() const noexcept { return m_epsilon; }
  [[nodiscard]] long steps() const noexcept { return m_steps; }
  [[nodiscard]] double dt() const noexcept { return m_dt; }
  [[nodiscard]] std::size_t kl_terms() const noexcept { return m_kl ? m_kl->size() : 0; }
  [[nodiscard]] NonPositiveMassCounts counts() const noexcept { return m_mass.counts(); }

  /// ρ^ε(T), J^ε(T) of sample `sample` of the ensemble with master seed `seed`.
  std::vector<Eigen::VectorXd> operator()(std::uint64_t sample, std::uint64_t seed,
                                          PhaseClock& clock) {
    const std::size_t nx = m_x.size();
    const std::vector<double> m0(nx, 1.0);
    std::vector<double> m1(nx);
    CrankNicolsonSpectral<1, double, GridFieldCoefficient<double>> propagator(
        m_grid, m_epsilon, GridFieldCoefficient<double>(std::vector<double>(nx, 1.0)));
    std::vector<std::complex<double>> u(nx);
    for (std::size_t j = 0; j < nx; ++j) {
      const double y = m_x[j] - packet_x0;
      u[j] = std::exp(std::complex<double>(-packet_A * y * y, m_p0 * m_x[j] / m_epsilon));
    }
    // The field source: one streaming path or one KL coefficient vector per sample.
    std::optional<StreamingSampler<ExponentialLineSampler>> streaming;
    std::optional<KarhunenLoeveEvaluator> evaluator;
    std::vector<double> xi;
    long long start = clock.now_ns();
    if (m_use_kl) {
      RandomStream stream(seed, sample, StreamPurpose::karhunen_loeve);
      xi = m_kl->draw_xi(stream, m_xi);
      evaluator.emplace(*m_kl, m_x);
    } else {
      streaming.emplace(
          make_streaming_sampler(m_covariance, m_epsilon, m_grid, m_dt, seed, sample));
    }
    long long sampling = 0, propagation = 0;
    for (long step = 0; step < m_steps; ++step) {
      const double t_half = (static_cast<double>(step) + 0.5) * m_dt;
      if (m_use_kl) {
        evaluator->evaluate(xi, t_half, m1);
      } else {
        if (step > 0) streaming->advance();
        std::copy(streaming->field().begin(), streaming->field().end(), m1.begin());
      }
      m_mass.assemble(sample, t_half, m_x, m0, m1, propagator.mass().values());
      const long long mid = clock.now_ns();
      sampling += mid - start;
      propagator.step(u, static_cast<double>(step) * m_dt, m_dt);
      start = clock.now_ns();
      propagation += start - mid;
    }
    clock.sampling_ns += sampling;
    clock.propagation_ns += propagation;
    const std::vector<double> rho = density(m_grid, std::span<const std::complex<double>>(u));
    SpectralDerivative<1> derivative(m_grid);
    const auto j = current<1, double>(derivative, u, propagator.mass_values(), m_epsilon)[0];
    return {Eigen::Map<const Eigen::VectorXd>(rho.data(), static_cast<Eigen::Index>(nx)),
            Eigen::Map<const Eigen::VectorXd>(j.data(), static_cast<Eigen::Index>(nx))};
  }

 private:
  static RandomMassOptions mass_options(const SampleSettings& s) {
    RandomMassOptions options;
    options.gamma = s.gamma;
    options.policy = s.policy;
    return options;
  }

  double m_epsilon;
  PeriodicGrid<1> m_grid;
  SeparableExponentialCovariance m_covariance;
  RandomMass m_mass;
  double m_p0, m_final_time;
  bool m_use_kl;
  XiDistribution m_xi;
  long m_steps = 0;
  double m_dt = 0;
  std::vector<double> m_x;
  std::optional<KarhunenLoeveExpansion> m_kl;
};

}  // namespace wavekin::examples::vmse
