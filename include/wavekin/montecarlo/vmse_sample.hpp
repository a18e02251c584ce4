// wavekin/montecarlo/vmse_sample.hpp — one Monte Carlo sample of the VMSE with a random mass
// (P2 §4.2.2): a field source for m_1 composed with a spectral propagator (P2's Crank–Nicolson by
// default, or MagnusSpectral).
// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/core/spectral_derivative.hpp"
#include "wavekin/montecarlo/field_source.hpp"
#include "wavekin/random/random_mass.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/magnus_spectral.hpp"
#include "wavekin/schrodinger/observables.hpp"

namespace wavekin {

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

/// \brief The discretisation of one VMSE sample: the periodic grid, ε, the Crank–Nicolson step
/// and step count (T = steps·Δt), the initial wave u(0) and the background mass m_0 at the grid
/// points.
struct VmseSampleSetup {
  PeriodicGrid<1> grid;
  double epsilon;
  double dt;
  long steps;
  std::vector<std::complex<double>> initial;
  std::vector<double> background_mass;
};

/// \brief One VMSE sample: m^ε = m_0 + ε^γ m_1(t/ε, x/ε) (P2 (3.2), RandomMass), m_1 from the
/// field source at the Crank–Nicolson half steps t_{n+½} (P2 (4.5)), or each step's time average
/// of m_1 where the source gives it (StreamingFieldSource with StepSampling::average; m is linear
/// in m_1, so that is m's average); returns ρ^ε(T) and J^ε(T),
/// J with the sample's own mass at the last half step, or over the last step (P2 (4.26),
/// docs/conventions.md §18).
/// Each call builds its own propagator and field path, so one object serves all threads of an
/// Ensemble (RandomMass's counts are atomic); sample i's result does not depend on the thread.
/// Cost per sample: `steps` propagator steps (Crank–Nicolson: GMRES, O(N_x log N_x) per
/// iteration; Magnus: the exponential midpoint rule e^{−iΔtA(t_{n+½})}, O(N_x log N_x) per
/// Chebyshev term) plus the source's O(N_x) (streaming) or O(N_KL + N_j N_x) (Karhunen–Loève) per
/// step.
/// \tparam Source     a FieldSource (StreamingFieldSource, KarhunenLoeveFieldSource)
/// \tparam Propagator CrankNicolsonSpectral or MagnusSpectral on a GridFieldCoefficient mass
template <class Source,
          class Propagator = CrankNicolsonSpectral<1, double, GridFieldCoefficient<double>>>
class VmseSample {
  static_assert(FieldSource<Source>,
                "VmseSample<Source>: Source must model wavekin::FieldSource (start(seed, sample) "
                "returning a path with fill(step, t, m1), and terms()), e.g. StreamingFieldSource");

 public:
  /// \pre setup.initial and setup.background_mass hold one value per grid point, Δt > 0,
  ///      steps ≥ 1 (invalid_argument naming the value).
  /// \param source_arguments the field source's constructor arguments (built in place)
  template <class... SourceArguments>
  VmseSample(VmseSampleSetup setup, RandomMassOptions mass, SourceArguments&&... source_arguments)
      : m_setup(std::move(setup)),
        m_mass(m_setup.epsilon, mass),
        m_source(std::forward<SourceArguments>(source_arguments)...) {
    const auto n = static_cast<std::size_t>(m_setup.grid.size());
    require(m_setup.initial.size() == n && m_setup.background_mass.size() == n,
            "VmseSample: {} initial values and {} background masses for {} grid points",
            m_setup.initial.size(), m_setup.background_mass.size(), n);
    require(std::isfinite(m_setup.dt) && m_setup.dt > 0, "VmseSample: dt must be > 0, got {}",
            m_setup.dt);
    require(m_setup.steps >= 1, "VmseSample: steps must be >= 1, got {}", m_setup.steps);
    m_x.resize(n);
    for (std::size_t j = 0; j < n; ++j)
      m_x[j] = m_setup.grid.coordinate(0, static_cast<std::ptrdiff_t>(j));
  }

  [[nodiscard]] const std::vector<double>& x() const noexcept { return m_x; }
  [[nodiscard]] const VmseSampleSetup& setup() const noexcept { return m_setup; }
  [[nodiscard]] const Source& source() const noexcept { return m_source; }
  [[nodiscard]] NonPositiveMassCounts counts() const noexcept { return m_mass.counts(); }

  /// ρ^ε(T), J^ε(T) of sample `sample` of the ensemble with master seed `seed`; the time spent
  /// drawing m_1 and propagating is added to `clock`.
  std::vector<Eigen::VectorXd> operator()(std::uint64_t sample, std::uint64_t seed,
                                          PhaseClock& clock) {
    const std::size_t nx = m_x.size();
    const double dt = m_setup.dt;
    std::vector<double> m1(nx);
    Propagator propagator(m_setup.grid, m_setup.epsilon,
                          GridFieldCoefficient<double>(std::vector<double>(nx, 1.0)));
    // On a cache line: every step's first transform reads u (core/aligned_vector.hpp).
    AlignedVector<std::complex<double>> u(m_setup.initial.begin(), m_setup.initial.end());
    long long start = clock.now_ns();
    auto path = m_source.start(seed, sample);
    long long sampling = 0, propagation = 0;
    for (long step = 0; step < m_setup.steps; ++step) {
      const double t_half = (static_cast<double>(step) + 0.5) * dt;
      path.fill(step, t_half, m1);
      m_mass.assemble(sample, t_half, m_x, m_setup.background_mass, m1, propagator.mass().values());
      const long long mid = clock.now_ns();
      sampling += mid - start;
      propagator.step(u, static_cast<double>(step) * dt, dt);
      start = clock.now_ns();
      propagation += start - mid;
    }
    clock.sampling_ns += sampling;
    clock.propagation_ns += propagation;
    const std::vector<double> rho = density(m_setup.grid, std::span<const std::complex<double>>(u));
    SpectralDerivative<1> derivative(m_setup.grid);
    const auto j = current<1, double>(
        derivative, u, std::span<const double>(propagator.mass().values()), m_setup.epsilon)[0];
    return {Eigen::Map<const Eigen::VectorXd>(rho.data(), static_cast<Eigen::Index>(nx)),
            Eigen::Map<const Eigen::VectorXd>(j.data(), static_cast<Eigen::Index>(nx))};
  }

 private:
  VmseSampleSetup m_setup;
  RandomMass m_mass;
  Source m_source;
  std::vector<double> m_x;
};

}  // namespace wavekin
