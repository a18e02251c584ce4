// wavekin/schrodinger/split_step_spectral.hpp — Strang time-splitting Fourier-spectral
// propagator of the Schrödinger equation with a constant scalar mass.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <complex>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/detail/fft_placement.hpp"
#include "wavekin/schrodinger/detail/interleaved_kernels.hpp"
#include "wavekin/schrodinger/detail/unit_phases.hpp"
#include "wavekin/schrodinger/detail/wavenumber_tables.hpp"

namespace wavekin {

/// \brief Strang time-splitting spectral method (Bao–Jin–Markowich) for
/// \f[ i\varepsilon u_t = -\tfrac{\varepsilon^2}{2} m_0 \Delta u + V(t,x) u \f]
/// on a periodic box, with a constant scalar mass m₀ > 0 (the VMSE P2 (1.1)
/// with m ≡ m₀). One step of size Δt from t_n is
/// \f[ u \leftarrow e^{-iV(t_{n+1})\Delta t/(2\varepsilon)}\,
///     \mathcal F^{-1} e^{-i\varepsilon\Delta t\, m_0 |\xi|^2/2} \mathcal F\,
///     e^{-iV(t_n)\Delta t/(2\varepsilon)} u : \f]
/// the potential half steps use V at the two ends of the step (a trapezoidal
/// rule for ∫V dt, which keeps the scheme symmetric and second order for
/// time-dependent V), the kinetic step is exact in Fourier space, with the
/// Nyquist slot kept (even-order symbol, NyquistMode::keep).
///
/// Properties: each factor is unitary, so the discrete L² norm is conserved to
/// round-off; for V = 0 the step is exact in time (only the spatial
/// truncation remains), for V ≠ 0 the error is O(Δt²) with constant growing
/// like 1/ε (use Δt = O(ε) to resolve the phase, Δt = o(1) for observables,
/// Bao–Jin–Markowich 2002). Spectral in Δx.
///
/// Cost per step: 2 FFTs, 2 potential samples (N evaluations each, skipped for
/// a ConstantCoefficient), 2N complex exponentials; one sample and N exponentials for a potential
/// that ignores t (ignores_sample_time: GridFieldCoefficient, written between steps); for a
/// potential fixed in time (is_static_in_time: ConstantCoefficient, StaticFieldCoefficient) 2 FFTs
/// and 3 multiplication passes, the phases made once per step size. Inside advance() (what
/// integrate calls when no observer looks at u between steps) one step's last potential half-step
/// merges with the next one's first: 2 passes a step, and one sample of a time-dependent V (a
/// potential that ignores t is sampled once for the whole call). The FFTs run
/// out of place between two aligned work arrays on grids of at most 2^15 points (FFTW's in-place
/// plans there copy through buffers of their own: a pair 1.2–1.5× slower at N = 320–4096) and in
/// place above. Everything is allocated at construction; step() and advance() allocate nothing.
/// Not thread-safe; movable.
///
/// \tparam Dim       number of axes, >= 1
/// \tparam Scalar    float or double
/// \tparam Potential CoefficientField policy for V (default: the constant 0)
template <int Dim, RealScalar Scalar = double, class Potential = ConstantCoefficient<Scalar>>
requires PositiveDimension<Dim>
class SplitStepSpectral {
  static_assert(CoefficientField<Potential, Dim, Scalar>,
                "SplitStepSpectral: Potential must model CoefficientField<Potential, Dim, Scalar>: "
                "provide sample(grid, t, std::span<Scalar>) and static constexpr bool is_constant");

 public:
  using scalar_type = Scalar;
  using complex_type = Complex<Scalar>;
  using Grid = PeriodicGrid<Dim, Scalar>;
  static constexpr int dimension = Dim;

  /// \pre epsilon, mass finite and > 0 (else invalid_argument naming the value).
  SplitStepSpectral(const Grid& grid, Scalar epsilon, Scalar mass, Potential potential = {},
                    FftOptions fft_options = {})
      : m_grid(grid),
        m_epsilon(epsilon),
        m_mass(mass),
        m_potential(std::move(potential)),
        m_fft(grid.counts(), fft_options),
        m_xi(grid, NyquistMode::keep),
        m_n(static_cast<std::size_t>(grid.size())) {
    require(std::isfinite(epsilon) && epsilon > 0,
            "SplitStepSpectral: epsilon must be finite and > 0, got {}", epsilon);
    require(std::isfinite(mass) && mass > 0,
            "SplitStepSpectral: the mass must be finite and > 0, got m = {}", mass);
    m_potential_values.resize(m_n);
    // A potential sampled once per step (samples_once) has the same values at both ends; only a
    // time-dependent one needs the second end of the step.
    if constexpr (!samples_once) m_potential_end.resize(m_n);
    m_work = AlignedVector<complex_type>(m_n);
    if (ffts_out_of_place()) m_spectrum = AlignedVector<complex_type>(m_n);
    m_kinetic.resize(m_n);
    m_potential_phase.resize(m_n);
    if constexpr (!samples_once) m_potential_end_phase.resize(m_n);
    if constexpr (samples_once) m_full_phase.resize(m_n);
  }

  SplitStepSpectral(SplitStepSpectral&&) noexcept = default;
  SplitStepSpectral& operator=(SplitStepSpectral&&) noexcept = default;
  SplitStepSpectral(const SplitStepSpectral&) = delete;
  SplitStepSpectral& operator=(const SplitStepSpectral&) = delete;
  ~SplitStepSpectral() = default;

  /// \brief Advances u from t to t + dt in place.
  /// \pre u.size() == grid().size(); u finite; dt finite and != 0 (negative: backwards); t finite;
  ///      V finite at t and t + dt (else invalid_argument; u unchanged).
  void step(std::span<complex_type> u, Scalar t, Scalar dt) {
    detail::check_step_arguments<Dim, Scalar>(m_grid, u.size(), t, dt, who);
    if constexpr (is_static_in_time<Potential>) {
      // A potential fixed in time: its phases are made once per Δt (like the kinetic factor), so
      // the step has no exponentials, only two FFTs and three passes.
      update_static_phases(dt);
      update_kinetic(dt);
      strang(u, m_potential_phase, m_potential_phase);
    } else if constexpr (samples_once) {
      // V ignores t (GridFieldCoefficient: values written between steps): the same at both ends
      // of the step, so one sample and one phase serve both half-steps.
      sample_potential(t);
      update_kinetic(dt);
      make_phase(m_potential_values, dt / (2 * m_epsilon), m_potential_phase);
      strang(u, m_potential_phase, m_potential_phase);
    } else {
      // Sample both ends before touching u, so that a bad V leaves u unchanged.
      const Scalar half = dt / (2 * m_epsilon);
      sample_potential(t);
      sample_potential_end(t + dt);
      update_kinetic(dt);
      make_phase(m_potential_values, half, m_potential_phase);
      make_phase(m_potential_end, half, m_potential_end_phase);
      strang(u, m_potential_phase, m_potential_end_phase);
    }
  }

  /// \brief Advances u by `count` steps of dt from t (step k from t + k·dt to t + (k + 1)·dt), as
  /// count calls of step() would, up to round-off. Between two steps the potential's half-steps
  /// at the shared time t_k merge into one e^{−iV(t_k)Δt/ε}, so a step costs 2 FFTs and 2 passes
  /// instead of 3 (and one sample of a time-dependent V instead of two). integrate and
  /// integrate_n_steps call it when no observer looks at u between steps (MultiStepper).
  /// \pre as step(), and count >= 0; V finite at every t + k·dt. On an error u is left as it was
  ///      at t.
  void advance(std::span<complex_type> u, Scalar t, Scalar dt, std::int64_t count) {
    require(count >= 0, "{}: step count {} must be >= 0", who_advance, count);
    if (count <= 1) {
      if (count == 1) step(u, t, dt);
      return;
    }
    detail::check_step_arguments<Dim, Scalar>(m_grid, u.size(), t, dt, who_advance);
    const Scalar end = t + static_cast<Scalar>(count) * dt;
    require(std::isfinite(end), "{}: the end time t + count·dt = {} is not finite", who_advance,
            end);
    using detail::interleaved::complex_multiply;
    update_kinetic(dt);
    if constexpr (samples_once) {
      // V is the same at every t_k of the call: fixed in time (its phases cached per dt), or
      // ignoring t (sampled once for the call, as count calls of step() would sample it).
      if constexpr (is_static_in_time<Potential>)
        update_static_phases(dt);
      else
        make_phases(t, dt);
      first_half_and_kinetic_step(u, m_potential_phase, who_advance);
      for (std::int64_t k = 1; k < count; ++k) {
        complex_multiply(m_n, m_work.data(), m_full_phase.data(), m_work.data());
        kinetic_step();
      }
      complex_multiply(m_n, m_work.data(), m_potential_phase.data(), u.data());
    } else {
      // V is sampled at each t_k just before its phase is needed; u is written only at the end,
      // so a bad V at any t_k leaves u as it was.
      const Scalar half = dt / (2 * m_epsilon);
      sample_potential(t);
      make_phase(m_potential_values, half, m_potential_phase);
      first_half_and_kinetic_step(u, m_potential_phase, who_advance);
      for (std::int64_t k = 1; k <= count; ++k) {
        sample_potential(t + static_cast<Scalar>(k) * dt);
        const bool last = k == count;  // its half-step only, and into u
        make_phase(m_potential_values, last ? half : 2 * half, m_potential_phase);
        complex_multiply(m_n, m_work.data(), m_potential_phase.data(),
                         last ? u.data() : m_work.data());
        if (!last) kinetic_step();
      }
    }
  }

  /// \brief True when the step's FFTs run out of place between two aligned arrays (grids of at
  /// most 2^15 points), false when they run in place.
  [[nodiscard]] bool ffts_out_of_place() const noexcept { return detail::ffts_out_of_place(m_n); }

  [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
  [[nodiscard]] Scalar epsilon() const noexcept { return m_epsilon; }
  [[nodiscard]] Scalar mass() const noexcept { return m_mass; }
  [[nodiscard]] Potential& potential() noexcept { return m_potential; }
  [[nodiscard]] const Potential& potential() const noexcept { return m_potential; }

 private:
  static constexpr const char* who = "SplitStepSpectral::step";
  // V sampled once per step (and once per advance()): its values do not depend on t
  // (ignores_sample_time: GridFieldCoefficient, and the potentials fixed in time).
  static constexpr bool samples_once = ignores_sample_time<Potential>;
  static constexpr const char* who_advance = "SplitStepSpectral::advance";
  // phase = e^{−i·half·V}, half = Δt/(2ε): one function for cached and per-step phases, on
  // vector lanes (detail::interleaved::unit_phases: 2.6× std::polar's speed in a portable build,
  // 7× with AVX2 and FMA).
  static void make_phase(const AlignedVector<Scalar>& values, Scalar half,
                         AlignedVector<complex_type>& phase) {
    detail::interleaved::unit_phases(values.size(), -half, values.data(), phase.data());
  }

  // u ← last · F⁻¹ e^{−iεΔt m₀|ξ|²/2} F (first · u), with one kernel for every potential, so a
  // static potential's cached phases give the per-step ones bit for bit. u is written only by
  // the last pass, after first_half_and_kinetic_step has checked it.
  void strang(std::span<complex_type> u, const AlignedVector<complex_type>& first,
              const AlignedVector<complex_type>& last) {
    first_half_and_kinetic_step(u, first, who);
    detail::interleaved::complex_multiply(m_n, m_work.data(), last.data(), u.data());
  }

  // m_work ← F⁻¹ e^{−iεΔt m₀|ξ|²/2} F (first · u), with u's finiteness checked on the forward
  // transform's zero mode Σ_j (first · u)_j (detail::check_finite_wave) before anything else: a
  // load, where a norm in the multiplication pass cost a sixth of that pass.
  void first_half_and_kinetic_step(std::span<const complex_type> u,
                                   const AlignedVector<complex_type>& first, const char* caller) {
    detail::interleaved::complex_multiply(m_n, u.data(), first.data(), m_work.data());
    detail::check_finite_wave<Scalar>(*forward(), u, caller);
    kinetic_phase();
  }

  // The spectrum: m_spectrum on grids where out-of-place FFTs are faster
  // (detail::ffts_out_of_place), m_work in place above.
  complex_type* spectrum() { return ffts_out_of_place() ? m_spectrum.data() : m_work.data(); }

  // spectrum ← F m_work; returns the spectrum.
  complex_type* forward() {
    complex_type* out = spectrum();
    m_fft.forward(m_work.data(), out);
    return out;
  }

  // m_work ← F⁻¹ e^{−iεΔt m₀|ξ|²/2} (the spectrum, F m_work).
  void kinetic_phase() {
    complex_type* in = spectrum();
    detail::interleaved::complex_multiply(m_n, in, m_kinetic.data(), in);
    m_fft.backward(in, m_work.data());
  }

  // m_work ← F⁻¹ e^{−iεΔt m₀|ξ|²/2} F m_work.
  void kinetic_step() {
    (void)forward();
    kinetic_phase();
  }

  // The half-step e^{−iVΔt/(2ε)} and advance()'s whole step e^{−iVΔt/ε} of a potential sampled
  // once (samples_once), at t.
  void make_phases(Scalar t, Scalar dt) {
    const Scalar half = dt / (2 * m_epsilon);
    sample_potential(t);
    make_phase(m_potential_values, half, m_potential_phase);
    make_phase(m_potential_values, 2 * half, m_full_phase);
  }

  // A static potential's phases (make_phases), kept while dt repeats.
  void update_static_phases(Scalar dt) {
    if (dt == m_potential_dt) return;
    make_phases(0, dt);
    m_potential_dt = dt;
  }

  void update_kinetic(Scalar dt) {
    if (dt != m_kinetic_dt) {
      // e^{−iεΔt m₀|ξ|²/2}/N: the inverse FFT's 1/N folded in.
      const Scalar inv_n = Scalar(1) / static_cast<Scalar>(m_n);
      detail::interleaved::unit_phases(m_n, -m_epsilon * dt * m_mass / 2, m_xi.xi_squared.data(),
                                       m_kinetic.data());
      for (auto& phase : m_kinetic) phase *= inv_n;
      m_kinetic_dt = dt;
    }
  }

  void sample_into(AlignedVector<Scalar>& values, Scalar t) {
    if constexpr (requires { m_potential.value(); } && Potential::is_constant) {
      std::fill(values.begin(), values.end(), m_potential.value());
    } else {
      m_potential.sample(m_grid, t, std::span<Scalar>(values));
    }
    check_finite_potential<Dim, Scalar>(m_grid, values, t, "SplitStepSpectral");
  }
  void sample_potential(Scalar t) { sample_into(m_potential_values, t); }
  void sample_potential_end(Scalar t) { sample_into(m_potential_end, t); }

  Grid m_grid;
  Scalar m_epsilon;
  Scalar m_mass;
  Potential m_potential;
  Fft<Dim, Scalar> m_fft;
  detail::WavenumberTable<Dim, Scalar> m_xi;  // Nyquist kept: even-order symbol
  std::size_t m_n;
  AlignedVector<Scalar> m_potential_values, m_potential_end;
  AlignedVector<complex_type> m_work;
  AlignedVector<complex_type> m_spectrum;   // F m_work, on grids of at most 2^15 points
  AlignedVector<complex_type> m_kinetic;    // cached for the last dt
  // NaN before the first step: any dt, of either sign, differs from it.
  Scalar m_kinetic_dt = std::numeric_limits<Scalar>::quiet_NaN();
  // e^{−iVΔt/(2ε)} at t_n (static potentials: cached for the last dt) and at t_{n+1}
  AlignedVector<complex_type> m_potential_phase, m_potential_end_phase;
  Scalar m_potential_dt = std::numeric_limits<Scalar>::quiet_NaN();
  // e^{−iVΔt/ε}, the whole step inside advance() of a potential sampled once (a static one's
  // cached with the half-step's)
  AlignedVector<complex_type> m_full_phase;
};

/// \brief Deduces Dim and Scalar from the grid.
template <int Dim, class Scalar, class Potential>
SplitStepSpectral(const PeriodicGrid<Dim, Scalar>&, Scalar, Scalar, Potential)
    -> SplitStepSpectral<Dim, Scalar, Potential>;
template <int Dim, class Scalar, class Potential>
SplitStepSpectral(const PeriodicGrid<Dim, Scalar>&, Scalar, Scalar, Potential, FftOptions)
    -> SplitStepSpectral<Dim, Scalar, Potential>;

}  // namespace wavekin
