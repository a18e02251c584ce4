// wavekin/schrodinger/magnus_spectral.hpp — fourth-order commutator-free Magnus propagator of the
// varying-mass Schrödinger equation, its exponentials by Chebyshev series through FFTs.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
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

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/chebyshev_exponential.hpp"
#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/detail/complex_product.hpp"
#include "wavekin/schrodinger/detail/fft_placement.hpp"
#include "wavekin/schrodinger/detail/interleaved_kernels.hpp"
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
/// Cost per step: 2 FFTs; the coefficients sampled at both Gauss points (once when they ignore t
/// within a step, ignores_sample_time: GridFieldCoefficient and those fixed in time); per
/// Chebyshev term Dim FFT pairs (one more if V varies in x), a multiplication pass after each
/// pair's inverse FFT and one pass of Clenshaw's backward recurrence that also makes the next
/// term's FFT inputs (it writes the new b_k and those inputs; the forward recurrence, which
/// carries a partial sum as well, wrote one array more and made the step at N = 320–1280 about
/// 5 % slower). In 1D with a varying mass alone (P2's random masses), on grids of at most 2^11
/// points, the recurrence is carried by ξ b_k instead, which is the next term's FFT input as it
/// stands: the pass writes one array, not two (scaled_series(), scales_recurrence()). The FFTs run
/// out of place: the first and last between u and the series when u has the plans' alignment (any
/// std::vector; else through a copy), the series' pairs through a scratch array on grids of at most
/// 2^15 points (in place above), where FFTW's in-place plans copy through buffers of their own (a
/// step at N = 320 took 29–31 µs in place, 22.6–23.5 out of place). Everything is allocated at
/// construction; step() allocates only the series coefficients (a short vector), and only when τr
/// changes.
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
    for (auto* v : {&m_mass1, &m_potential1}) v->resize(m_n);
    if constexpr (!samples_once)
      for (auto* v : {&m_mass2, &m_potential2, &m_mixed_mass, &m_mixed_potential}) v->resize(m_n);
    for (auto& b : m_series) b = Buffer(m_n);
    for (auto& b : m_work) b = Buffer(m_n);
    m_potential_work = Buffer(m_n);
    if (ffts_out_of_place()) m_scratch = Buffer(m_n);
    m_xi_squared_max = *std::max_element(m_xi.xi_squared.begin(), m_xi.xi_squared.end());
    if (scales_recurrence()) {
      // The scaled recurrence's tables (exponential()): 2ξ² in pairs, 1/ξ, and where ξ = 0.
      m_scaled_v = Buffer(m_n);
      m_twice_xi_squared.resize(2 * m_n);
      m_inverse_xi.resize(m_n);
      for (std::size_t k = 0; k < m_n; ++k) {
        const Scalar xi = m_xi.xi[0][k];
        m_twice_xi_squared[2 * k] = m_twice_xi_squared[2 * k + 1] = 2 * xi * xi;
        m_inverse_xi[k] = xi == 0 ? Scalar(0) : 1 / xi;
        if (xi == 0) m_zero_modes.push_back(k);
      }
    }
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
    constexpr const char* who = "MagnusSpectral::step";
    detail::check_step_arguments<Dim, Scalar>(m_grid, u.size(), t, dt, who);
    const Scalar half_gap = static_cast<Scalar>(std::numbers::sqrt3 / 6);
    const Scalar t1 = t + (Scalar(0.5) - half_gap) * dt, t2 = t + (Scalar(0.5) + half_gap) * dt;
    // Sampled every step, also when fixed in time: the policies are writable (mass()), and a
    // constant's sample is free (sample_with_range fills only when the value changes).
    sample(t1, m_mass1, m_potential1, m_range1);
    // Equal samples at both Gauss points (a policy that ignores t within a step, or equal
    // values): the two exponentials commute and merge into e^{−iΔtA}.
    bool same = samples_once;
    if constexpr (!samples_once) {
      sample(t2, m_mass2, m_potential2, m_range2);
      same = m_mass1 == m_mass2 && m_potential1 == m_potential2;
    }

    // F u into the series' first array, out of place from u when u has the FFT plans' alignment
    // (any std::vector), else through a copy; u's finiteness checked on the transform's zero mode
    // (detail::check_finite_wave). u is not written until the last transform.
    std::size_t state = 0;
    const bool direct = transforms_directly(u.data());
    if (direct) {
      m_fft.forward(u.data(), m_series[state].data());
    } else {
      std::copy(u.begin(), u.end(), m_series[state].data());
      m_fft.forward(m_series[state].data());
    }
    detail::check_finite_wave<Scalar>(m_series[state][0], u, who);
    if (same) {
      state = exponential(state, dt, exponent(m_mass1, m_potential1, m_range1));
    } else {
      const Scalar alpha1 = Scalar(0.25) + half_gap, alpha2 = Scalar(0.25) - half_gap;
      state = exponential(state, dt, mix(alpha1, alpha2));
      state = exponential(state, dt, mix(alpha2, alpha1));
    }
    if (direct) {
      m_fft.inverse(m_series[state].data(), u.data());
    } else {
      m_fft.inverse(m_series[state].data());
      std::copy(m_series[state].data(), m_series[state].data() + m_n, u.begin());
    }
    ++m_statistics.steps;
  }

  /// \brief True when step() transforms u directly (out of place, u → the series and back), false
  /// when it copies u through an aligned array: u lacks the FFT plans' alignment (an offset into
  /// a buffer).
  [[nodiscard]] bool transforms_directly(const complex_type* u) const {
    return m_fft.runs_planned(u, m_series[0].data()) && m_fft.runs_planned(m_series[0].data(), u);
  }

  /// \brief True when a varying mass alone (a uniform potential) has its series summed by the
  /// recurrence on ξ b_k (scaled_series()): 1D grids of at most 2^11 points. Measured on AVX2,
  /// one process alternating with the recurrence on b_k (benchmarks/revisions): a step 0.92–0.97
  /// of its time at 320 points, 0.90–0.94 at 1280, 0.97–0.98 at 2048; 1.00–1.03 from 2560 to
  /// 8192, where the pass's extra array (ξv) costs about what the store it saves did.
  [[nodiscard]] bool scales_recurrence() const noexcept {
    return Dim == 1 && m_n <= (std::size_t(1) << 11);
  }

  /// \brief True when the series' FFT pairs run out of place through a scratch array (grids of at
  /// most 2^15 points), false when they run in place.
  [[nodiscard]] bool ffts_out_of_place() const noexcept { return detail::ffts_out_of_place(m_n); }

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
  using Buffer = AlignedVector<complex_type>;  // on a cache line, as FFTW's plans expect
  using Table = AlignedVector<Scalar>;  // per-point reals, on a cache line
  using Range = detail::SampledRange<Scalar>;
  // Both coefficients sampled once per step: the same values at both Gauss points.
  static constexpr bool samples_once = ignores_sample_time<Mass> && ignores_sample_time<Potential>;

  // The exponent's mass and potential (the sampled values, or their mixture) with their ranges.
  struct Exponent {
    const Scalar* mass;
    Scalar mass_lo, mass_hi;
    const Scalar* potential;
    Scalar potential_lo, potential_hi;
  };

  // Samples both coefficients at t, checked (detail::sample_mass, sample_potential).
  void sample(Scalar t, Table& mass, Table& potential, std::array<Range, 2>& range) {
    constexpr const char* who = "MagnusSpectral";
    range[0] = detail::sample_mass(m_mass, m_grid, t, mass, who);
    range[1] = detail::sample_potential(m_potential, m_grid, t, potential, who);
  }
  static Exponent exponent(const Table& mass, const Table& potential,
                           const std::array<Range, 2>& range) {
    return {mass.data(), range[0].min, range[0].max, potential.data(), range[1].min, range[1].max};
  }

  // The exponent with mass a·m(t₁) + b·m(t₂) and potential a·V(t₁) + b·V(t₂) (over the step; a + b
  // is ½), with its exact range (b may be negative: the ranges of the samples would only bound it).
  Exponent mix(Scalar a, Scalar b) {
    const auto blend = [&](const Table& x1, const Table& x2, Table& out) {
      Scalar lo = std::numeric_limits<Scalar>::max(), hi = std::numeric_limits<Scalar>::lowest();
      for (std::size_t k = 0; k < m_n; ++k) {
        out[k] = a * x1[k] + b * x2[k];
        lo = std::min(lo, out[k]);
        hi = std::max(hi, out[k]);
      }
      return std::pair<Scalar, Scalar>(lo, hi);
    };
    const auto [mass_lo, mass_hi] = blend(m_mass1, m_mass2, m_mixed_mass);
    const auto [potential_lo, potential_hi] = blend(m_potential1, m_potential2, m_mixed_potential);
    return {m_mixed_mass.data(), mass_lo, mass_hi, m_mixed_potential.data(), potential_lo,
            potential_hi};
  }

  // e^{−iτÃ} of the series array `state` (Fourier space) for Ã the VMSE operator of `e`; returns
  // the array that holds the result.
  std::size_t exponential(std::size_t state, Scalar tau, const Exponent& e) {
    using namespace detail::interleaved;
    ++m_statistics.exponentials;
    const bool mass_uniform = e.mass_hi == e.mass_lo,
               potential_uniform = e.potential_hi == e.potential_lo;
    const Scalar half_eps = m_epsilon / 2;
    complex_type* v = m_series[state].data();
    if (mass_uniform && potential_uniform) {
      // e^{−iτθ(ξ)}, θ = (ε/2)m̃|ξ|² + Ṽ/ε: exact.
      ++m_statistics.diagonal_exponentials;
      for (std::size_t k = 0; k < m_n; ++k) {
        const Scalar theta =
            tau * (half_eps * e.mass_lo * m_xi.xi_squared[k] + e.potential_lo / m_epsilon);
        v[k] = detail::complex_product(complex_type(std::cos(theta), -std::sin(theta)), v[k]);
      }
      return state;
    }
    // Spectral interval of Ã (class comment); a 1e-12 relative margin absorbs rounding.
    const Scalar lo =
        half_eps * std::min(e.mass_lo, Scalar(0)) * m_xi_squared_max + e.potential_lo / m_epsilon;
    const Scalar hi =
        half_eps * std::max(e.mass_hi, Scalar(0)) * m_xi_squared_max + e.potential_hi / m_epsilon;
    const Scalar centre = (lo + hi) / 2;
    const Scalar radius = (hi - lo) / 2 * (1 + Scalar(1e-12)) + std::numeric_limits<Scalar>::min();
    const auto& series = coefficients(static_cast<double>(tau) * static_cast<double>(radius));
    const std::complex<double> shift =
        std::exp(std::complex<double>(0, -static_cast<double>(tau) * static_cast<double>(centre)));
    const auto coefficient = [&](std::size_t k) {
      const std::complex<double> c = series[k] * shift;
      return complex_type(static_cast<Scalar>(c.real()), static_cast<Scalar>(c.imag()));
    };
    const auto terms = static_cast<int>(series.size());
    m_statistics.max_terms = std::max(m_statistics.max_terms, terms);
    m_statistics.operator_applications += terms - 1;
    // X = (Ã − c)/r in Fourier space: X ŷ = D ŷ + Σ_a ξ_a F[w_k F^{-1}[ξ_a ŷ]] + F[w_V F^{-1}ŷ]
    // with (D_a^† m D_a y)^ = ξ_a F[m F^{-1}[ξ_a ŷ]], w_k = (ε/2)m̃/(N r), w_V = Ṽ/(ε N r) (the 1/N
    // of the unnormalised inverse FFT folded in), D = ((ε/2)m̃|ξ|² if m̃ uniform + Ṽ/ε if uniform −
    // c)/r. The multiplications by w_k and w_V are the only passes between FFTs: each term's
    // ξ_a-products for the next term are made in the pass that ends it.
    const Scalar inv_nr = Scalar(1) / (static_cast<Scalar>(m_n) * radius);
    ChebyshevTerm<Dim, Scalar> term{};
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
      term.work[a] = re(m_work[a].data());
      term.xi[a] = m_xi.xi[a].data();
    }
    term.potential_work = re(m_potential_work.data());
    term.xi_squared = m_xi.xi_squared.data();
    term.alpha = mass_uniform ? half_eps * e.mass_lo / radius : Scalar(0);
    term.beta = ((potential_uniform ? e.potential_lo / m_epsilon : Scalar(0)) - centre) / radius;
    term.v = re(v);
    const Scalar kinetic_scale = half_eps * inv_nr, potential_scale = inv_nr / m_epsilon;
    const std::size_t n = series.size() - 1;
    if (scales_recurrence() && !mass_uniform && potential_uniform && n > 0)
      return scaled_series(state, n, coefficient, term.beta, e.mass, kinetic_scale);
    // The pass for mass and potential each uniform or not: K<kinetic, potential>(...).
    const auto dispatch = [&](auto pass) {
      if (!mass_uniform && !potential_uniform)
        pass(std::true_type{}, std::true_type{});
      else if (!mass_uniform)
        pass(std::true_type{}, std::false_type{});
      else
        pass(std::false_type{}, std::true_type{});
    };
    // One term: the FFT pairs of X b_{k+1}, then the pass that makes b_k (or the sum, Last).
    const auto term_step = [&](auto prev, auto last) {
      if (!mass_uniform)
        for (auto& w : m_work) transform_pair(w.data(), w.data(), e.mass, kinetic_scale);
      if (!potential_uniform)
        transform_pair(m_potential_work.data(), m_potential_work.data(), e.potential,
                       potential_scale);
      dispatch([&](auto kinetic, auto potential) {
        clenshaw_term_kernel<decltype(prev)::value, decltype(last)::value, decltype(kinetic)::value,
                             decltype(potential)::value>(m_n, term);
      });
    };
    // Clenshaw's backward recurrence (detail::clenshaw_term_kernel) over the two arrays besides v:
    // b_n = c_n v; b_k = c_k v + 2X b_{k+1} − b_{k+2}, k = n − 1, …, 1; the sum c_0 v + X b_1 −
    // b_2. Each b_k goes over b_{k+2}.
    const std::size_t current = (state + 1) % 3;
    term.out = re(m_series[current].data());
    term.c = coefficient(n);
    if (n == 0) {  // one term: c_0 v
      clenshaw_start_kernel<false, false>(m_n, term);
      return current;
    }
    dispatch([&](auto kinetic, auto potential) {
      clenshaw_start_kernel<decltype(kinetic)::value, decltype(potential)::value>(m_n, term);
    });
    return recurrence(current, n, term, coefficient, term_step);
  }

  // target ← F[scale · factor · F^{-1} source] (unnormalised inverse; source kept unless it is
  // target): one operator term's FFT pair and the multiplication between. Out of place through
  // m_scratch on grids of at most 2^15 points (detail::ffts_out_of_place: FFTW's in-place plans
  // there copy through buffers of their own, a MEASURE pair 1.2–1.5× slower at N = 320–4096),
  // through target above (in place when source is target).
  void transform_pair(const complex_type* source, complex_type* target, const Scalar* factor,
                      Scalar scale) {
    using detail::interleaved::multiply_kernel;
    using detail::interleaved::re;
    complex_type* between = ffts_out_of_place() ? m_scratch.data() : target;
    m_fft.backward(source, between);
    multiply_kernel(m_n, re(between), factor, scale);
    m_fft.forward(between, target);
  }

  // The series of exponential() for a varying mass alone in 1D (X = β + ξGξ, G = F[w F^{-1}·]),
  // by Clenshaw's recurrence carried by y_k = ξ b_k (detail::scaled_clenshaw_*): each y_k is the
  // next term's FFT input as it stands, so a term's pass writes one array, not two. Where ξ = 0
  // (m_zero_modes) y is 0 and b_k, for which X is β there, runs as scalars beside it.
  template <class Coefficient>
  std::size_t scaled_series(std::size_t state, std::size_t n, const Coefficient& coefficient,
                            Scalar beta, const Scalar* mass, Scalar kinetic_scale) {
    using namespace detail::interleaved;
    ScaledChebyshevTerm<Scalar> term{};
    const complex_type* v = m_series[state].data();
    term.v = re(v);
    term.xv = re(m_scaled_v.data());
    term.xi = m_xi.xi[0].data();
    term.inverse_xi = m_inverse_xi.data();
    term.twice_xi_squared = m_twice_xi_squared.data();
    term.work = re(m_work[0].data());
    term.beta = beta;
    const std::size_t current = (state + 1) % 3;
    term.out = re(m_series[current].data());
    term.c = coefficient(n);
    scaled_clenshaw_start_kernel(m_n, term);
    // b_{k+1} and b_{k+2} where ξ = 0 (at most two points in 1D)
    std::array<complex_type, 2> next{}, after{};
    for (std::size_t z = 0; z < m_zero_modes.size(); ++z) next[z] = term.c * v[m_zero_modes[z]];
    // One term: the FFT pair of G y_{k+1}, the pass that makes y_k (or the sum, Last), and b_k
    // where ξ = 0.
    const auto term_step = [&](auto prev, auto last) {
      transform_pair(reinterpret_cast<const complex_type*>(term.in), m_work[0].data(), mass,
                     kinetic_scale);
      if constexpr (decltype(last)::value)
        scaled_clenshaw_sum_kernel<decltype(prev)::value>(m_n, term);
      else
        scaled_clenshaw_term_kernel<decltype(prev)::value>(m_n, term);
      for (std::size_t z = 0; z < m_zero_modes.size(); ++z) {
        const complex_type cv = term.c * v[m_zero_modes[z]];
        if constexpr (decltype(last)::value) {
          reinterpret_cast<complex_type*>(term.out)[m_zero_modes[z]] =
              cv + beta * next[z] - after[z];
        } else {
          const complex_type b = cv + 2 * beta * next[z] - after[z];
          after[z] = next[z];
          next[z] = b;
        }
      }
    };
    return recurrence(current, n, term, coefficient, term_step);
  }

  // Clenshaw's backward recurrence over the series arrays, its start b_n (or y_n) made in
  // m_series[current]: for k = n − 1, …, 0, with term.in = b_{k+1} and term.prev = term.out =
  // b_{k+2} (b_k goes over it), term_step(prev, last) (std::bool_constants: b_{k+2} is not zero;
  // k = 0, the sum). Returns the array that holds the sum.
  template <class Term, class Coefficient, class TermStep>
  std::size_t recurrence(std::size_t current, std::size_t n, Term& term,
                         const Coefficient& coefficient, const TermStep& term_step) {
    using detail::interleaved::re;
    std::size_t other = (current + 1) % 3;  // the third array, neither v nor b_n
    for (std::size_t k = n; k-- > 0;) {
      term.in = re(m_series[current].data());
      term.prev = re(m_series[other].data());
      term.out = re(m_series[other].data());
      term.c = coefficient(k);
      const bool prev = k + 1 < n;  // b_{k+2} is not zero
      if (k == 0) {
        if (prev)
          term_step(std::true_type{}, std::true_type{});
        else
          term_step(std::false_type{}, std::true_type{});
      } else if (prev) {
        term_step(std::true_type{}, std::false_type{});
      } else {
        term_step(std::false_type{}, std::false_type{});
      }
      std::swap(current, other);
    }
    return current;
  }

  // The series coefficients for τr = z, kept while z repeats (a mass that does not change).
  const std::vector<std::complex<double>>& coefficients(double z) {
    if (!(z == m_series_z)) {
      m_series_coefficients =
          chebyshev_exponential_coefficients(z, static_cast<double>(m_options.tolerance));
      m_series_z = z;
    }
    return m_series_coefficients;
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

  Table m_mass1, m_mass2, m_potential1, m_potential2;                // at t_n + c_{1,2}Δt
  std::array<Range, 2> m_range1{}, m_range2{};                       // of mass and potential
  Table m_mixed_mass, m_mixed_potential;                             // of one of two exponents
  std::array<Buffer, 3> m_series;  // v, b_{k+1} and b_{k+2} (Clenshaw), rotating
  std::array<Buffer, Dim> m_work;  // the kinetic FFT pairs, one per axis
  Buffer m_potential_work;         // the potential's
  Buffer m_scratch;                // F^{-1} of a term, on grids of at most 2^15 points
  // 1D, a varying mass alone (scaled_series): ξv, 2ξ² in pairs, 1/ξ (0 where ξ = 0), where ξ = 0
  Buffer m_scaled_v;
  Table m_twice_xi_squared, m_inverse_xi;
  std::vector<std::size_t> m_zero_modes;
  double m_series_z = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::complex<double>> m_series_coefficients;
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
