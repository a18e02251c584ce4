// wavekin/montecarlo/random_potential_sample.hpp — one Monte Carlo sample of P1 (1.2)/(4.1): a
// periodic potential plus a weak static random one, √ε N(x/ε), by split-step spectral.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/random/random_stream.hpp"
#include "wavekin/random/streaming_sampler.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/split_step_spectral.hpp"

namespace wavekin {

/// \brief The stream purpose of the static random potential N of P1 (4.1): one field per
/// sample, drawn from RandomStream(seed, sample, random_potential_purpose).
inline constexpr StreamPurpose random_potential_purpose =
    static_cast<StreamPurpose>(static_cast<std::uint64_t>(StreamPurpose::user) + 14);

/// \brief The discretisation of one sample of P1 (4.1): the periodic x-grid (a supercell of
/// M^Dim lattice cells scaled by ε, x = εz), ε, the time step and the periodic potential
/// V(x_i/ε) at the grid points (row-major).
template <int Dim>
struct RandomPotentialSetup {
  PeriodicGrid<Dim> grid;
  double epsilon;
  double dt;
  std::vector<double> periodic_potential;
  FftOptions fft_options{};
};

/// \brief One Monte Carlo sample of P1 (4.1) (= (1.2) with its random term)
/// \f[ i\varepsilon\partial_t\phi + \tfrac{\varepsilon^2}{2}\Delta\phi - V(x/\varepsilon)\phi
///     - \sqrt\varepsilon N(x/\varepsilon)\phi = 0, \f]
/// N a stationary, mean-zero real Gaussian field, static in time, with E[N(y)N(y + z)] = R(z)
/// (P1 (4.2); R of a core SpatialCorrelation, amplitude included, docs/conventions.md §2).
///
/// **N.** On the torus the grid is, N is the periodic Gaussian field whose covariance is R of
/// the torus distance in the fast variable, E[N(x_i/ε)N(x_j/ε)] = R(d_T(x_i, x_j)/ε), sampled
/// exactly at the grid points by circulant embedding without padding (CirculantEmbedding,
/// padding 1): exact whenever that circulant is non-negative, which holds up to R at half the
/// box when the correlation length ε ℓ is small against the box. Eigenvalues down to −1e-8 of
/// the largest are clipped to 0 (a covariance error of that relative size: the Gaussian's
/// R(L/2) tail); a more negative one throws. This is the
/// torus version of the field on ℝ^d of (4.2); they agree where R(z) has decayed within half
/// the supercell. A sample's field is RandomStream(seed, sample, random_potential_purpose)'s:
/// the same on any thread or rank. D = 0 (R ≡ 0) is the deterministic problem.
///
/// **Propagation.** SplitStepSpectral (Strang, exact kinetic factor, Nyquist slot kept) with the
/// potential V + √ε N, fixed in time. Its kinetic symbol on the supercell grid is ½|p_r + G|²
/// in the fast variable, the grid Hamiltonian of SupercellBloch, so with N ≡ 0 it converges
/// (O(Δt²)) to SupercellBloch::evolve. Resolve the phase: Δt = O(ε) (Δt/ε times the spread of
/// the energies present ≲ 1).
///
/// Cost per sample: one field (one FFT of the grid), N exponentials once, then 2 FFTs and 3
/// multiplication passes per step (StaticFieldCoefficient: the potential phase is cached).
/// One object serves every thread of an Ensemble (`run` is const; it builds its own propagator).
/// \tparam Dim dimension of space; the grid's axes must be Cartesian (rectangular lattices).
template <int Dim>
class RandomPotentialSample {
 public:
  using complex_type = std::complex<double>;
  using Propagator = SplitStepSpectral<Dim, double, StaticFieldCoefficient<double>>;

  /// \tparam Correlation a SpatialCorrelation<Dim> in the fast variable z = x/ε
  /// \pre ε, Δt finite and > 0; one potential value per grid point, all finite; the unpadded
  ///      circulant of R non-negative (invalid_argument naming the value).
  template <class Correlation>
  RandomPotentialSample(RandomPotentialSetup<Dim> setup, const Correlation& correlation)
      : m_setup(std::move(setup)) {
    static_assert(SpatialCorrelation<Correlation, Dim> &&
                      requires(const Correlation& r, const Eigen::Matrix<double, Dim, 1>& z) {
                        { r.value(z) } -> std::convertible_to<double>;
                        { r.amplitude() } -> std::convertible_to<double>;
                      },
                  "RandomPotentialSample: Correlation must be a SpatialCorrelation<Dim> with "
                  "value(z) and amplitude() (core/correlation.hpp: GaussianCorrelation, "
                  "ExponentialCorrelation)");
    require(std::isfinite(m_setup.epsilon) && m_setup.epsilon > 0,
            "RandomPotentialSample: ε must be finite and > 0, got {}", m_setup.epsilon);
    require(std::isfinite(m_setup.dt) && m_setup.dt > 0,
            "RandomPotentialSample: Δt must be finite and > 0, got {}", m_setup.dt);
    require(m_setup.periodic_potential.size() == static_cast<std::size_t>(m_setup.grid.size()),
            "RandomPotentialSample: {} potential values for a grid of {} points",
            m_setup.periodic_potential.size(), m_setup.grid.size());
    for (std::size_t i = 0; i < m_setup.periodic_potential.size(); ++i)
      require(std::isfinite(m_setup.periodic_potential[i]),
              "RandomPotentialSample: the periodic potential at grid point {} is {}", i,
              m_setup.periodic_potential[i]);
    if (correlation.amplitude() > 0) {
      const double epsilon = m_setup.epsilon;
      m_embedding = std::make_shared<const CirculantEmbedding<Dim>>(
          m_setup.grid,
          [&](const Eigen::Matrix<double, Dim, 1>& lag) {
            return correlation.value(Eigen::Matrix<double, Dim, 1>(lag / epsilon));
          },
          CirculantOptions{1, 1e-8});
    }
  }

  [[nodiscard]] const RandomPotentialSetup<Dim>& setup() const noexcept { return m_setup; }
  /// \brief False for D = 0: no random potential.
  [[nodiscard]] bool is_random() const noexcept { return m_embedding != nullptr; }

  /// \brief N(x_i/ε) of sample `sample` of the ensemble seeded `seed` (zero when D = 0).
  /// \pre out.size() == grid().size().
  void draw(std::uint64_t seed, std::uint64_t sample, std::span<double> out) const {
    require(out.size() == static_cast<std::size_t>(m_setup.grid.size()),
            "RandomPotentialSample::draw: {} entries for a grid of {} points", out.size(),
            m_setup.grid.size());
    if (!is_random()) {
      std::fill(out.begin(), out.end(), 0.0);
      return;
    }
    RandomStream stream(seed, sample, random_potential_purpose);
    std::vector<double> unused(out.size());
    std::vector<complex_type> work(static_cast<std::size_t>(m_embedding->work_size()));
    m_embedding->sample_pair(stream, out, unused, work);
  }

  /// \brief Solves (4.1) for sample `sample` from φ(0) = `wave` over `steps` steps of Δt, in
  /// place; `observer(wave, t, k)` sees the wave at t = 0 and after every step, or, passed as
  /// every(stride, observer), after every stride-th step (integrate_n_steps; the steps between
  /// run merged, SplitStepSpectral::advance).
  /// \pre wave.size() == grid().size(), finite; steps >= 0.
  template <class Observer = NoObserver>
  void run(std::uint64_t seed, std::uint64_t sample, std::span<complex_type> wave,
           std::int64_t steps, Observer&& observer = {}) const {
    require(wave.size() == static_cast<std::size_t>(m_setup.grid.size()),
            "RandomPotentialSample::run: the wave has {} values for a grid of {} points",
            wave.size(), m_setup.grid.size());
    require(steps >= 0, "RandomPotentialSample::run: steps = {}, expected >= 0", steps);
    std::vector<double> potential(wave.size());
    draw(seed, sample, potential);
    const double scale = std::sqrt(m_setup.epsilon);
    for (std::size_t i = 0; i < potential.size(); ++i)
      potential[i] = m_setup.periodic_potential[i] + scale * potential[i];
    Propagator propagator(m_setup.grid, m_setup.epsilon, 1.0,
                          StaticFieldCoefficient<double>(std::move(potential)),
                          m_setup.fft_options);
    integrate_n_steps(propagator, wave, 0.0, m_setup.dt, steps,
                      std::forward<Observer>(observer));
  }

 private:
  RandomPotentialSetup<Dim> m_setup;
  std::shared_ptr<const CirculantEmbedding<Dim>> m_embedding;
};

}  // namespace wavekin
