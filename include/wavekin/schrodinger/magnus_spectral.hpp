// wavekin/schrodinger/magnus_spectral.hpp — fourth-order commutator-free Magnus propagator of the
// varying-mass Schrödinger equation, its exponentials by Chebyshev series through FFTs.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/chebyshev_exponential.hpp"
#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/detail/aligned_field.hpp"
#include "wavekin/schrodinger/detail/complex_product.hpp"
#include "wavekin/schrodinger/detail/wavenumber_tables.hpp"

namespace wavekin {

/// \brief Parameters of MagnusSpectral.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
struct MagnusOptions {
  /// \brief Chebyshev terms with |J_k(τr)| ≤ tolerance are dropped
  /// (core/chebyshev_exponential.hpp): each exponential is then accurate, and unitary, to about
  /// 2·tolerance relative to ‖u‖. Finite, in (0, 1). Default 1e-14 in double, 1e-7 in float.
  Scalar tolerance = std::is_same_v<Scalar, float> ? Scalar(1e-7) : Scalar(1e-14);
  /// \brief FFT planning options.
  FftOptions fft{};
};

/// \brief Running totals of a MagnusSpectral.
struct MagnusStatistics {
  std::int64_t steps = 0;
  /// \brief Exponentials computed (two per step, one when the coefficients sampled at the two
  /// Gauss points are equal).
  std::int64_t exponentials = 0;
  /// \brief Of these, exponentials of a uniform mass and potential: one diagonal multiplication.
  std::int64_t diagonal_exponentials = 0;
  /// \brief Applications of the operator, one per Chebyshev term: each costs Dim FFT pairs, one
  /// more when V varies in x.
  std::int64_t operator_applications = 0;
  /// \brief The largest number of Chebyshev terms in one exponential.
  int max_terms = 0;
};

/// \brief The fourth-order commutator-free Magnus integrator (Blanes–Moan; Thalhammer's CF4) for
/// the varying-mass Schrödinger equation (VMSE, P2 (1.1))
/// \f[ i\varepsilon u_t = -\tfrac{\varepsilon^2}{2}\nabla\cdot(m(t,x)\nabla u) + V(t,x)u
///     =: \varepsilon A(t) u \f]
/// on a periodic box, with Fourier-spectral derivatives as in CrankNicolsonSpectral (D_a with its
/// Nyquist slot zeroed, so A(t) = (ε/2)Σ_a D_a^† m D_a + V/ε is exactly Hermitian). One step:
/// \f[ u^{n+1} = e^{-i\Delta t(\alpha_2 A_1 + \alpha_1 A_2)}\, e^{-i\Delta t(\alpha_1 A_1 +
///     \alpha_2 A_2)}\, u^n,\quad A_j = A(t_n + c_j\Delta t),\ c_{1,2} = \tfrac12 \mp
///     \tfrac{\sqrt3}{6},\ \alpha_{1,2} = \tfrac14 \pm \tfrac{\sqrt3}{6}. \f]
/// Its product matches the Magnus series Ω = (Δt/2)(A₁ + A₂) + (√3Δt²/12)[A₂, A₁] + O(Δt⁵) (for
/// −iA), so the scheme is of order 4 for coefficients smooth in t. Each exponent is itself a VMSE
/// operator, with mass α m(t₁) + β m(t₂) and potential α V(t₁) + β V(t₂), so A is never formed.
///
/// Exponentials: e^{−iτÃ}v = e^{−iτc} Σ_k c_k(τr) T_k((Ã − c)/r) v, the Chebyshev series of
/// core/chebyshev_exponential.hpp, on the interval [c − r, c + r] ⊇ spec Ã given by the sampled
/// ranges: (ε/2)m̃|ξ|² ∈ [(ε/2)min(m̃, 0)ξ²_max, (ε/2)max(m̃, 0)ξ²_max] plus Ṽ/ε ∈ [min Ṽ/ε, max Ṽ/ε].
/// Hence the scheme's properties:
///  - the stiff kinetic modes are propagated exactly up to the Magnus truncation; there is no
///    Cayley phase error (CN's, Δt·ω ≳ 1) and no stability limit (RK4IP's): any Δt works, the cost
///    grows linearly with it (about τr + O((τr)^{1/3} + log(1/tolerance)) terms);
///  - the discrete L² norm is conserved to the series tolerance per exponential (not to round-off:
///    the series is a polynomial, not a unitary map);
///  - for a mass and potential separable as f(t)·g(x) (P2 §4.1.2 ex. 1) all A(t) commute, the
///    Magnus series stops at its first term, and the only time error left is the two-point Gauss
///    rule for ∫f dt (order 4, a tiny constant);
///  - coefficients only Hölder in t (the streaming sampler's AR(1), P2 (3.2)) limit the order to
///    what their regularity allows, as for any scheme;
///  - fixed in time (is_static_in_time: constants, StaticFieldCoefficient), or sampled equal at
///    both Gauss points (a GridFieldCoefficient written once per step, as random masses arrive:
///    then the step is the exponential midpoint rule, second order for smooth m), the step is the
///    single exponential e^{−iΔtA}, exact up to the tolerance; uniform in x, a diagonal
///    multiplication.
///
/// Cost per step: 2 FFTs, 2 samples of each coefficient (one if fixed in time), and per Chebyshev
/// term Dim FFT pairs (one more if V varies in x) and 2 + Dim passes over the field. Everything is
/// allocated at construction; step() allocates only the series coefficients (a short vector).
/// Not thread-safe (one object per thread); movable, not copyable.
///
/// \tparam Dim       number of axes, >= 1
/// \tparam Scalar    float or double
/// \tparam Mass      CoefficientField policy for m, sampled at t_n + c_{1,2}Δt; > 0 everywhere
/// \tparam Potential CoefficientField policy for V, sampled at the same times
template <int Dim, RealScalar Scalar = double,
          class Mass = FunctionCoefficient<
              std::function<Scalar(Scalar, const Eigen::Matrix<Scalar, Dim, 1>&)>, Scalar>,
          class Potential = ConstantCoefficient<Scalar>>
requires PositiveDimension<Dim>
class MagnusSpectral {
  static_assert(CoefficientField<Mass, Dim, Scalar>,
                "MagnusSpectral: Mass must model CoefficientField<Mass, Dim, Scalar>");
  static_assert(CoefficientField<Potential, Dim, Scalar>,
                "MagnusSpectral: Potential must model CoefficientField<Potential, Dim, Scalar>");

 public:
  using scalar_type = Scalar;
  using complex_type = Complex<Scalar>;
  using Grid = PeriodicGrid<Dim, Scalar>;
  using Options = MagnusOptions<Scalar>;
  using Statistics = MagnusStatistics;
  static constexpr int dimension = Dim;
  /// \brief True when both coefficients are fixed in time: one exponential per step.
  static constexpr bool static_in_time = is_static_in_time<Mass> && is_static_in_time<Potential>;

  /// \brief Plans the FFTs and allocates every buffer for `grid`.
  /// \pre epsilon finite and > 0; options.tolerance finite and in (0, 1) (else invalid_argument).
  MagnusSpectral(const Grid& grid, Scalar epsilon, Mass mass, Potential potential = {},
                 Options options = {})
      : m_grid(grid),
        m_epsilon(epsilon),
        m_mass(std::move(mass)),
        m_potential(std::move(potential)),
        m_options(options),
        m_fft(grid.counts(), options.fft),
        m_xi(grid, NyquistMode::zero),
        m_n(static_cast<std::size_t>(grid.size())) {
    require(std::isfinite(epsilon) && epsilon > 0,
            "MagnusSpectral: epsilon must be finite and > 0, got {}", epsilon);
    require(std::isfinite(options.tolerance) && options.tolerance > 0 && options.tolerance < 1,
            "MagnusSpectral: tolerance must be finite and in (0, 1), got {}", options.tolerance);
    for (auto* v : {&m_mass1, &m_mass2, &m_potential1, &m_potential2, &m_kinetic_weight,
                    &m_potential_weight, &m_diagonal})
      v->resize(m_n);
    m_uhat = Buffer(m_n);
    m_previous = Buffer(m_n);
    m_current = Buffer(m_n);
    m_work = Buffer(m_n);
    m_sum = Buffer(m_n);
    m_xi_squared_max = *std::max_element(m_xi.xi_squared.begin(), m_xi.xi_squared.end());
  }

  MagnusSpectral(MagnusSpectral&&) noexcept = default;
  MagnusSpectral& operator=(MagnusSpectral&&) noexcept = default;
  MagnusSpectral(const MagnusSpectral&) = delete;
  MagnusSpectral& operator=(const MagnusSpectral&) = delete;
  ~MagnusSpectral() = default;

  /// \brief Advances u from t to t + dt in place (dt < 0 runs backwards).
  /// \pre u.size() == grid().size(); u, t finite; dt finite and != 0; the mass at t + c_{1,2}dt
  ///      finite and > 0 everywhere, the potential finite (invalid_argument naming the value, and
  ///      for coefficients the point and time; u is unchanged).
  void step(std::span<complex_type> u, Scalar t, Scalar dt) {
    detail::check_step_input<Dim, Scalar>(m_grid, u, t, dt, "MagnusSpectral::step");
    const Scalar half_gap = static_cast<Scalar>(std::numbers::sqrt3 / 6);
    const Scalar t1 = t + (Scalar(0.5) - half_gap) * dt, t2 = t + (Scalar(0.5) + half_gap) * dt;
    sample(t1, m_mass1, m_potential1);
    if constexpr (!static_in_time) sample(t2, m_mass2, m_potential2);

    std::copy(u.begin(), u.end(), m_uhat.data());
    m_fft.forward(m_uhat.data());
    // Equal samples at both Gauss points (fixed in time, or a GridFieldCoefficient the caller
    // sets once per step): the two exponentials commute and merge into e^{−iΔtA}.
    bool same = static_in_time;
    if constexpr (!static_in_time) same = m_mass1 == m_mass2 && m_potential1 == m_potential2;
    if (same) {
      exponential(dt, Scalar(1), m_mass1, Scalar(0), m_mass1, m_potential1, m_potential1);
    } else {
      const Scalar alpha1 = Scalar(0.25) + half_gap, alpha2 = Scalar(0.25) - half_gap;
      exponential(dt, alpha1, m_mass1, alpha2, m_mass2, m_potential1, m_potential2);
      exponential(dt, alpha2, m_mass1, alpha1, m_mass2, m_potential1, m_potential2);
    }
    m_fft.inverse(m_uhat.data());
    std::copy(m_uhat.data(), m_uhat.data() + m_n, u.begin());
    ++m_statistics.steps;
  }

  [[nodiscard]] const Statistics& statistics() const noexcept { return m_statistics; }
  void reset_statistics() noexcept { m_statistics = {}; }
  [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
  [[nodiscard]] Scalar epsilon() const noexcept { return m_epsilon; }
  [[nodiscard]] const Options& options() const noexcept { return m_options; }
  /// \brief The mass policy; writable (e.g. GridFieldCoefficient::values()).
  [[nodiscard]] Mass& mass() noexcept { return m_mass; }
  [[nodiscard]] const Mass& mass() const noexcept { return m_mass; }
  [[nodiscard]] Potential& potential() noexcept { return m_potential; }
  [[nodiscard]] const Potential& potential() const noexcept { return m_potential; }

 private:
  using Buffer = detail::AlignedField<Scalar>;

  void sample(Scalar t, std::vector<Scalar>& mass, std::vector<Scalar>& potential) {
    constexpr const char* who = "MagnusSpectral";
    detail::sample_with_range(m_mass, m_grid, t, mass);
    check_positive_mass<Dim, Scalar>(m_grid, mass, t, who);
    detail::sample_with_range(m_potential, m_grid, t, potential);
    check_finite_potential<Dim, Scalar>(m_grid, potential, t, who);
  }

  // m_uhat ← e^{−iτÃ} m_uhat for Ã the VMSE operator with mass a·m1 + b·m2 and potential
  // a·V1 + b·V2 (over the step τ; a + b is 1 for one exponential, ½ for each of two).
  void exponential(Scalar tau, Scalar a, const std::vector<Scalar>& m1, Scalar b,
                   const std::vector<Scalar>& m2, const std::vector<Scalar>& v1,
                   const std::vector<Scalar>& v2) {
    ++m_statistics.exponentials;
    const auto mix = [&](const std::vector<Scalar>& x1, const std::vector<Scalar>& x2,
                         std::vector<Scalar>& out) {
      Scalar lo = std::numeric_limits<Scalar>::max(), hi = std::numeric_limits<Scalar>::lowest();
      for (std::size_t k = 0; k < m_n; ++k) {
        out[k] = a * x1[k] + b * x2[k];
        lo = std::min(lo, out[k]);
        hi = std::max(hi, out[k]);
      }
      return std::pair<Scalar, Scalar>(lo, hi);
    };
    const auto [mass_lo, mass_hi] = mix(m1, m2, m_kinetic_weight);
    const auto [potential_lo, potential_hi] = mix(v1, v2, m_potential_weight);
    const bool mass_uniform = mass_hi == mass_lo, potential_uniform = potential_hi == potential_lo;
    const Scalar half_eps = m_epsilon / 2;
    if (mass_uniform && potential_uniform) {
      // e^{−iτθ(ξ)}, θ = (ε/2)m̃|ξ|² + Ṽ/ε: exact.
      ++m_statistics.diagonal_exponentials;
      for (std::size_t k = 0; k < m_n; ++k) {
        const Scalar theta =
            tau * (half_eps * mass_lo * m_xi.xi_squared[k] + potential_lo / m_epsilon);
        m_uhat[k] =
            detail::complex_product(complex_type(std::cos(theta), -std::sin(theta)), m_uhat[k]);
      }
      return;
    }
    // Spectral interval of Ã (class comment); a 1e-12 relative margin absorbs rounding.
    const Scalar lo =
        half_eps * std::min(mass_lo, Scalar(0)) * m_xi_squared_max + potential_lo / m_epsilon;
    const Scalar hi =
        half_eps * std::max(mass_hi, Scalar(0)) * m_xi_squared_max + potential_hi / m_epsilon;
    const Scalar centre = (lo + hi) / 2;
    const Scalar radius = (hi - lo) / 2 * (1 + Scalar(1e-12)) + std::numeric_limits<Scalar>::min();
    // X = (Ã − c)/r in Fourier space: X ŷ = D ŷ + Σ_a ξ_a F[w_k F^{-1}[ξ_a ŷ]] + F[w_V F^{-1}ŷ]
    // with (D_a^† m D_a y)^ = ξ_a F[m F^{-1}[ξ_a ŷ]], w_k = (ε/2)m̃/(N r), w_V = Ṽ/(ε N r) (the 1/N
    // of the unnormalised inverse FFT folded in), D = ((ε/2)m̃|ξ|² if m̃ uniform + Ṽ/ε if uniform −
    // c)/r.
    const Scalar inv_nr = Scalar(1) / (static_cast<Scalar>(m_n) * radius);
    for (std::size_t k = 0; k < m_n; ++k) {
      m_diagonal[k] = ((mass_uniform ? half_eps * mass_lo * m_xi.xi_squared[k] : Scalar(0)) +
                       (potential_uniform ? potential_lo / m_epsilon : Scalar(0)) - centre) /
                      radius;
      m_kinetic_weight[k] *= half_eps * inv_nr;
      m_potential_weight[k] *= inv_nr / m_epsilon;
    }
    m_kinetic_uniform = mass_uniform;
    m_potential_uniform = potential_uniform;

    const auto series =
        chebyshev_exponential_coefficients(static_cast<double>(tau) * static_cast<double>(radius),
                                           static_cast<double>(m_options.tolerance));
    const std::complex<double> shift =
        std::exp(std::complex<double>(0, -static_cast<double>(tau) * static_cast<double>(centre)));
    const auto coefficient = [&](std::size_t k) {
      const std::complex<double> c = series[k] * shift;
      return complex_type(static_cast<Scalar>(c.real()), static_cast<Scalar>(c.imag()));
    };
    const auto terms = static_cast<int>(series.size());
    m_statistics.max_terms = std::max(m_statistics.max_terms, terms);
    // T_0 = û in m_previous; the sum c_0 T_0 in m_uhat.
    complex_type* previous = m_previous.data();
    complex_type* current = m_current.data();
    std::copy(m_uhat.data(), m_uhat.data() + m_n, previous);
    const complex_type c0 = coefficient(0);
    for (std::size_t k = 0; k < m_n; ++k) m_uhat[k] = detail::complex_product(c0, m_uhat[k]);
    if (terms == 1) return;
    // T_1 = X T_0, then T_{k+1} = 2X T_k − T_{k−1} over T_{k−1}'s storage.
    apply(previous, current, nullptr, coefficient(1));
    for (std::size_t k = 2; k < series.size(); ++k) {
      apply(current, previous, previous, coefficient(k));
      std::swap(previous, current);
    }
    m_statistics.operator_applications += terms - 1;
  }

  // out = X in (prev null) or 2X in − prev (out may be prev), and m_uhat += c·out. The last
  // FFT-pair contribution (ξ_a F[w_k F^{-1}[ξ_a in]], or F[w_V F^{-1} in]) is added in the final
  // pass straight from m_work; earlier ones (Dim > 1, or V varying) move to m_sum in the pass that
  // prepares the next one. A term is then 2 + Dim passes over the field besides its FFT pairs.
  void apply(const complex_type* in, complex_type* out, const complex_type* prev, complex_type c) {
    complex_type* sum = m_sum.data();
    complex_type* work = m_work.data();
    bool have_sum = false, pending = false;
    const Scalar* pending_multiplier = nullptr;  // of m_work's contribution; null: 1
    // work[k] ← next(k), moving a pending contribution of work into sum in the same pass.
    const auto prepare = [&](auto next) {
      const auto move = [&](auto term) {
        if (have_sum)
          for (std::size_t k = 0; k < m_n; ++k) {
            sum[k] += term(k);
            work[k] = next(k);
          }
        else
          for (std::size_t k = 0; k < m_n; ++k) {
            sum[k] = term(k);
            work[k] = next(k);
          }
        have_sum = true;
      };
      const Scalar* mult = pending_multiplier;
      if (!pending)
        for (std::size_t k = 0; k < m_n; ++k) work[k] = next(k);
      else if (mult != nullptr)
        move([=](std::size_t k) { return mult[k] * work[k]; });
      else
        move([=](std::size_t k) { return work[k]; });
    };
    if (!m_kinetic_uniform) {
      for (int a = 0; a < Dim; ++a) {
        const Scalar* xi = m_xi.xi[static_cast<std::size_t>(a)].data();
        prepare([=](std::size_t k) { return xi[k] * in[k]; });
        m_fft.backward(work);
        for (std::size_t k = 0; k < m_n; ++k) work[k] *= m_kinetic_weight[k];
        m_fft.forward(work);
        pending = true;
        pending_multiplier = xi;
      }
    }
    if (!m_potential_uniform) {
      prepare([=](std::size_t k) { return in[k]; });
      m_fft.backward(work);
      for (std::size_t k = 0; k < m_n; ++k) work[k] *= m_potential_weight[k];
      m_fft.forward(work);
      pending = true;
      pending_multiplier = nullptr;
    }
    // One pass: x = D·in + (the FFT-pair contributions), out = x or 2x − prev, m_uhat += c·out.
    // D is one number unless the mass is uniform (then it carries (ε/2)m̃|ξ|²/r).
    const Scalar cr = c.real(), ci = c.imag();
    const auto combine = [&](auto diagonal, auto extra, auto recurrence) {
      for (std::size_t k = 0; k < m_n; ++k) {
        complex_type x = diagonal(k) * in[k] + extra(k);
        if constexpr (decltype(recurrence)::value) x = Scalar(2) * x - prev[k];
        out[k] = x;
        m_uhat[k] += complex_type(cr * x.real() - ci * x.imag(), cr * x.imag() + ci * x.real());
      }
    };
    const Scalar* mult = pending_multiplier;
    const auto with_extra = [&](auto diagonal, auto recurrence) {
      if (have_sum && pending && mult != nullptr)
        combine(diagonal, [=](std::size_t k) { return sum[k] + mult[k] * work[k]; }, recurrence);
      else if (have_sum && pending)
        combine(diagonal, [=](std::size_t k) { return sum[k] + work[k]; }, recurrence);
      else if (pending && mult != nullptr)
        combine(diagonal, [=](std::size_t k) { return mult[k] * work[k]; }, recurrence);
      else if (pending)
        combine(diagonal, [=](std::size_t k) { return work[k]; }, recurrence);
      else
        combine(diagonal, [](std::size_t) { return complex_type(0); }, recurrence);
    };
    const auto with_diagonal = [&](auto recurrence) {
      if (m_kinetic_uniform)
        with_extra([d = m_diagonal.data()](std::size_t k) { return d[k]; }, recurrence);
      else
        with_extra([d = m_diagonal.front()](std::size_t) { return d; }, recurrence);
    };
    if (prev != nullptr)
      with_diagonal(std::true_type{});
    else
      with_diagonal(std::false_type{});
  }

  Grid m_grid;
  Scalar m_epsilon;
  Mass m_mass;
  Potential m_potential;
  Options m_options;
  Fft<Dim, Scalar> m_fft;
  detail::WavenumberTable<Dim, Scalar> m_xi;  // Nyquist zeroed: D_a is odd order
  std::size_t m_n;
  Scalar m_xi_squared_max = 0;

  std::vector<Scalar> m_mass1, m_mass2, m_potential1, m_potential2;      // at t_n + c_{1,2}Δt
  std::vector<Scalar> m_kinetic_weight, m_potential_weight, m_diagonal;  // of the exponent
  bool m_kinetic_uniform = false, m_potential_uniform = false;
  Buffer m_uhat, m_previous, m_current, m_work, m_sum;
  Statistics m_statistics;
};

/// \brief Deduces Dim and Scalar from the grid.
template <int Dim, class Scalar, class Mass, class Potential>
MagnusSpectral(const PeriodicGrid<Dim, Scalar>&, Scalar, Mass, Potential, MagnusOptions<Scalar>)
    -> MagnusSpectral<Dim, Scalar, Mass, Potential>;
template <int Dim, class Scalar, class Mass, class Potential>
MagnusSpectral(const PeriodicGrid<Dim, Scalar>&, Scalar, Mass, Potential)
    -> MagnusSpectral<Dim, Scalar, Mass, Potential>;

}  // namespace wavekin
