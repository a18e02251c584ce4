// wavekin/schrodinger/crank_nicolson_spectral.hpp — Crank–Nicolson Fourier-spectral
// propagator of the varying-mass Schrödinger equation, solved by a preconditioned fixed point
// (GMRES where that contracts too slowly).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/aligned_vector.hpp"
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

/// \brief Solver parameters of CrankNicolsonSpectral.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
struct CrankNicolsonOptions {
  /// \brief Relative residual ‖U^n − (I + iH)Z‖/‖U^n‖ of the step's system (the step is
  /// U^{n+1} = 2Z − U^n, so its error is at most 2·tolerance·‖U^n‖) at which the solver stops (>
  /// 0). The default is ~10⁴ machine epsilons in double, ~10² in float.
  Scalar tolerance = std::is_same_v<Scalar, float> ? Scalar(1e-5) : Scalar(1e-12);
  /// \brief Total solver iterations (operator applications: fixed point, then GMRES over all
  /// restarts) allowed per step before convergence_error (>= 1).
  int max_iterations = 500;
  /// \brief GMRES's Krylov subspace dimension between restarts (>= 1), when GMRES takes over
  /// from the fixed point. Memory is (restart + 1) complex fields.
  int restart = 30;
  /// \brief Grids of at most this many points keep the preconditioner P̂^{-1} in a table (16 bytes
  /// a point: one complex multiplication a point per iteration instead of a division); larger
  /// ones, whose passes are memory-bound, make it from the wavenumber tables as they go. 0: never.
  /// Either way the scheme and its solution are the same.
  std::size_t preconditioner_table_points = std::size_t(1) << 15;
  /// \brief FFT planning options.
  FftOptions fft = {};
};

/// \brief What one CrankNicolsonSpectral::step did.
template <RealScalar Scalar = double>
struct CrankNicolsonStepReport {
  /// \brief Solver iterations (applications of the preconditioned operator, fixed point and
  /// GMRES); 0 on the exact diagonal path.
  int iterations = 0;
  /// \brief True relative residual ‖U^n − (I + iH)Z‖/‖U^n‖ of the accepted solution,
  /// recomputed explicitly (0 on the exact diagonal path).
  Scalar residual = 0;
  /// \brief True if the step was the exact diagonal Fourier solve.
  bool diagonal = false;
  /// \brief True if the fixed-point iteration did not contract fast enough and GMRES finished
  /// the solve.
  bool gmres = false;
};

/// \brief Running totals over every step of a CrankNicolsonSpectral.
template <RealScalar Scalar = double>
struct CrankNicolsonStatistics {
  long long steps = 0;           ///< steps taken
  long long diagonal_steps = 0;  ///< of which exact diagonal solves
  long long gmres_steps = 0;     ///< of which finished by GMRES (the fixed point was too slow)
  long long iterations = 0;      ///< solver iterations summed over all steps
  int max_iterations = 0;        ///< largest iteration count of one step
  Scalar max_residual = 0;       ///< largest accepted relative residual
  long long ffts = 0;            ///< FFTs executed (forward and inverse counted apart)
  /// Second Gram–Schmidt rounds (Krylov vectors whose projection removed all but 1e-3 of them).
  long long reorthogonalisations = 0;
};

/// \brief Crank–Nicolson time stepping with Fourier-spectral derivatives for
/// the varying-mass Schrödinger equation (VMSE, P2 (1.1))
/// \f[ i\varepsilon u_t = -\tfrac{\varepsilon^2}{2}\nabla\cdot(m(t,x)\nabla u) + V(t,x)u \f]
/// on a periodic box, scheme P2 (4.5) with m and V at t_{n+½}:
/// \f[ \Big(I - \tfrac{i\varepsilon\Delta t}{4}\sum_a D_a m D_a + \tfrac{i\Delta
/// t}{2\varepsilon}V\Big)U^{n+1}
///   = \Big(I + \tfrac{i\varepsilon\Delta t}{4}\sum_a D_a m D_a - \tfrac{i\Delta
///   t}{2\varepsilon}V\Big)U^n, \f]
/// D_a the Fourier derivative (P2 (4.6)–(4.7)) with its Nyquist slot zeroed
/// (NyquistMode::zero: odd order, exactly skew-adjoint). P2 keeps l = −M/2 in
/// D; zeroing it makes D_a m D_a exactly symmetric (hence the exact
/// conservation laws below) and differs from P2 only in the Nyquist content
/// of U, which a resolved solution does not have. The Nyquist mode of axis a
/// is therefore not moved by the kinetic term along a.
///
/// Writing H = −(εΔt/4) Σ_a D_a m D_a + (Δt/2ε) V, which is Hermitian for
/// real m, V, the step is the Cayley transform U^{n+1} = (I + iH)^{-1}(I − iH) U^n:
/// unitary, so the discrete L² norm is conserved up to the solver tolerance,
/// and for m, V independent of t so is the discrete energy
/// ⟨U, (2ε/Δt) H U⟩ = ∫ (ε²/2) m Σ_a|D_a U|² + V|U|² dx (energy() in
/// observables.hpp). Second order in Δt, spectral in Δx; unconditionally
/// stable. P̂-preconditioned convergence (below) is measured, not assumed:
/// every step reports its iterations and true residual.
///
/// Solve: U^{n+1} = 2Z − U^n with (I + iH)Z = U^n (the Cayley transform is 2(I + iH)^{-1} − I,
/// so no operator application makes a right-hand side). The system is matrix-free, applied
/// through FFTs, and solved in Fourier space with right preconditioning by the
/// constant-coefficient operator with the mean mass m̄ and mean potential V̄, diagonal in Fourier
/// space: P̂(ξ) = 1 + (iεΔt/4) m̄|ξ|² + (iΔt/2ε) V̄. For mass variation δ = max|m − m̄|/m̄ the
/// preconditioned operator is K = I + N with N = O(δ) uniformly in Δx and Δt, so the iteration
/// count depends on δ (and the V variation times Δt/ε), not on the grid. The solver is the fixed
/// point w ← Û^n − N w from w₀ = Û^n (Ẑ₀ = P̂^{-1} Û^n, the constant-mass solution): each
/// iteration is one application of N, its residual is the difference of two iterates (exact, no
/// extra application), and it needs no Krylov vectors. Measured 7–9 iterations per step for
/// P2 §4.1.2 ex. 1 (δ = 0.2, n = 6) at tolerance 1e-12, where GMRES needed 5–7 plus two
/// residual applications and passes over its Krylov vectors that cost more than the iterations
/// saved. Where the fixed point contracts less than twofold in an iteration (large contrast at a
/// long step), restarted GMRES on N (its Krylov space is K's, and its Arnoldi vectors never
/// come from a sum that cancels to O(δ)) goes on from the latest iterate; the step report says
/// so. When m and V are both constant (compile-time: both policies have `is_constant`; or
/// detected: max − min == 0 over the grid at this step), the step is the exact diagonal solve
/// with zero iterations.
///
/// Cost per step: 2 FFTs, plus per operator application 2·Dim FFTs (variable m) and 2 more if V
/// varies: one application per fixed-point iteration (and, if GMRES takes over, one per GMRES
/// iteration and one per true residual). Between its FFTs a fixed-point iteration makes two
/// kinds of pass over the data: a multiplication after each inverse FFT, by c(m − m̄)/N or
/// d(V − V̄)/N (every scalar of the operator rides on it), and one pass in Fourier space. With
/// two or more varying terms that pass (detail::interleaved::fixed_point_pass_kernel) sums the
/// terms, updates the iterate, takes its residual and forms the next iteration's FFT inputs,
/// with P̂^{-1} read from a table (grids of at most preconditioner_table_points points) or made
/// from the wavenumber tables. With a single varying term (a varying mass in 1D, or a varying
/// potential alone) and the table, the iteration is carried by the transformed term instead of
/// the iterate (the term iteration, term_fixed_point()): the pass
/// (detail::interleaved::term_iteration_kernel) reads the term, its previous value, the step's
/// first input g and a table h = τσP̂^{-1}, and writes only the next input; the iterates are the
/// same, and the one accepted is never written: (2Ẑ − Û^n)/N is made from its term in one pass
/// (detail::interleaved::term_finish_kernel). When m̄ changes every step (a SeparableCoefficient
/// with a pulse), P̂^{-1} and h are remade in one vector pass. GMRES's applications run the same
/// operations in chunks that stay in L1, its Gram–Schmidt riding on them. The solver's FFTs run
/// out of place through a scratch array on grids of at most 2^15 points and in place on larger
/// ones, where one more field streaming through the caches cost more (512², MEASURE plans: a step
/// 1.2× slower); the term iteration rotates three arrays and needs no scratch. With P2's 20 %
/// mass the step is 1.3–1.55× the time of FFTW's own transforms timed alone in 1D at
/// N = 320–4096 (medians 1.39–1.47 over ten runs at 320–1024 points) and 1.2–1.4×
/// above, and 1.0–1.45× in 2D (benchmarks/RESULTS.md, bench_crank_nicolson, on AVX2). Memory:
/// restart + 1 Krylov vectors, Dim + 1 term buffers and 3 work fields (complex); on grids of at
/// most 2^15 points a scratch field, and with the P̂^{-1} table two more (P̂^{-1} and h); Dim + 3
/// real fields. Everything (plans, Krylov basis, coefficient buffers) is allocated at construction;
/// step() allocates nothing. It transforms u out of place into its own arrays and back when u has
/// the FFT plans' alignment (any std::vector), and else copies u through an aligned array, so no
/// FFTW fallback plan is ever made inside a step.
///
/// Not thread-safe (one object per thread); movable, not copyable.
///
/// \tparam Dim       number of axes, >= 1
/// \tparam Scalar    float or double
/// \tparam Mass      CoefficientField policy for m (ConstantCoefficient,
///                   FunctionCoefficient, GridFieldCoefficient, or your own);
///                   sampled at t_{n+½}, must be > 0 everywhere
/// \tparam Potential CoefficientField policy for V; sampled at t_{n+½}
template <int Dim, RealScalar Scalar = double,
          class Mass = FunctionCoefficient<
              std::function<Scalar(Scalar, const Eigen::Matrix<Scalar, Dim, 1>&)>, Scalar>,
          class Potential = ConstantCoefficient<Scalar>>
requires PositiveDimension<Dim>
class CrankNicolsonSpectral {
  static_assert(CoefficientField<Mass, Dim, Scalar>,
                "CrankNicolsonSpectral: Mass must model CoefficientField<Mass, Dim, Scalar>: "
                "provide sample(grid, t, std::span<Scalar>) and static constexpr bool is_constant");
  static_assert(CoefficientField<Potential, Dim, Scalar>,
                "CrankNicolsonSpectral: Potential must model CoefficientField<Potential, Dim, "
                "Scalar>: provide sample(grid, t, std::span<Scalar>) and is_constant");

 public:
  using scalar_type = Scalar;
  using complex_type = Complex<Scalar>;
  using Grid = PeriodicGrid<Dim, Scalar>;
  using Options = CrankNicolsonOptions<Scalar>;
  using StepReport = CrankNicolsonStepReport<Scalar>;
  using Statistics = CrankNicolsonStatistics<Scalar>;
  static constexpr int dimension = Dim;
  /// \brief True when the policies alone guarantee the exact diagonal path.
  static constexpr bool constant_coefficients = Mass::is_constant && Potential::is_constant;

  /// \brief Plans the FFTs and allocates every buffer for `grid`.
  /// \pre epsilon finite and > 0; options.tolerance finite and > 0;
  ///      options.max_iterations >= 1; options.restart >= 1 (else invalid_argument).
  CrankNicolsonSpectral(const Grid& grid, Scalar epsilon, Mass mass, Potential potential = {},
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
            "CrankNicolsonSpectral: epsilon must be finite and > 0, got {}", epsilon);
    require(std::isfinite(options.tolerance) && options.tolerance > 0,
            "CrankNicolsonSpectral: tolerance must be finite and > 0, got {}", options.tolerance);
    require(options.max_iterations >= 1,
            "CrankNicolsonSpectral: max_iterations must be >= 1, got {}", options.max_iterations);
    require(options.restart >= 1, "CrankNicolsonSpectral: restart must be >= 1, got {}",
            options.restart);
    m_mass_values.resize(m_n);
    m_potential_values.resize(m_n);
    if (tabulates_preconditioner()) {
      m_inverse_symbol = buffer(m_n);
      m_term_symbol = buffer(m_n);
    }
    m_uhat = buffer(m_n);
    if (solver_ffts_out_of_place()) m_scratch = buffer(m_n);
    m_solution = buffer(m_n);
    m_iterate = buffer(m_n);
    for (auto& z : m_terms) z = buffer(m_n);
    const auto restart = static_cast<std::size_t>(options.restart);
    m_basis.resize((restart + 1) * m_n);
    m_hessenberg.resize((restart + 1) * restart);
    m_cosines.resize(restart);
    m_sines.resize(restart);
    m_g.resize(restart + 1);
    m_y.resize(restart);
    m_dots.resize(restart + 1);
    m_projections.resize(restart + 1);
  }

  CrankNicolsonSpectral(CrankNicolsonSpectral&&) noexcept = default;
  CrankNicolsonSpectral& operator=(CrankNicolsonSpectral&&) noexcept = default;
  CrankNicolsonSpectral(const CrankNicolsonSpectral&) = delete;
  CrankNicolsonSpectral& operator=(const CrankNicolsonSpectral&) = delete;
  ~CrankNicolsonSpectral() = default;

  /// \brief Advances u from t to t + dt in place: one step of P2 (4.5).
  /// \pre u.size() == grid().size(); every u finite; dt finite and != 0 (negative: backwards); t
  ///      finite; the mass sampled at t + dt/2 finite and > 0 everywhere and
  ///      the potential finite (violations throw invalid_argument naming the
  ///      value, and for coefficients the point and time; u is unchanged).
  /// \throws convergence_error if GMRES does not reach the tolerance within
  ///      max_iterations (message: iterations and residual; u is unchanged).
  void step(std::span<complex_type> u, Scalar t, Scalar dt) {
    using namespace detail::interleaved;  // the per-chunk kernels
    // u's finiteness is checked through ‖Û^n‖, which GMRES needs too.
    detail::check_step_arguments<Dim, Scalar>(m_grid, u.size(), t, dt,
                                              "CrankNicolsonSpectral::step");

    const Scalar t_half = t + dt / 2;
    sample_coefficients(t_half);
    m_c = m_epsilon * dt / 4;
    m_d = dt / (2 * m_epsilon);
    if (tabulates_preconditioner()) tabulate_preconditioner();

    // Û^n = F u into m_uhat, out of place from u when u has the FFT plans' alignment (any
    // std::vector does; FFTW's in-place plans at N = 320–1024 copy through buffers of their own,
    // about 1.5× the out-of-place time); else through a copy, so that Fft never plans its
    // unaligned fallback inside a step. u is not written until the last transform.
    const bool direct = transforms_directly(u.data());
    if (direct) {
      m_fft.forward(u.data(), m_uhat.data());
    } else {
      std::copy(u.begin(), u.end(), m_uhat.data());
      m_fft.forward(m_uhat.data());
    }
    // ‖Û^n‖² = N‖u‖² (Parseval): GMRES's scale, and a non-finite u shows in it.
    double b_norm2 = 0;
    chunked([&](std::size_t k0, std::size_t k1) { b_norm2 += norm2(k0, k1, m_uhat.data()); });
    if (!std::isfinite(b_norm2))
      detail::check_finite_wave<Scalar>(u, "CrankNicolsonSpectral::step");
    StepReport report;
    // The 1/N of the unnormalised inverse FFTs rides on the passes next to them.
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(m_n);
    if (m_mass_uniform && m_potential_uniform) {
      // (1 − iθ)/(1 + iθ) with θ = c m |ξ|² + d V: the scheme's exact solution, over N.
      for (std::size_t k = 0; k < m_n; ++k) {
        const Scalar theta = m_c * m_mass_mean * m_xi.xi_squared[k] + m_d * m_potential_mean;
        const Scalar inv = inv_n / (1 + theta * theta);  // (1 − iθ)² / (1 + θ²) / N
        m_iterate[k] = detail::complex_product(
            complex_type((1 - theta * theta) * inv, -2 * theta * inv), m_uhat[k]);
      }
      report.diagonal = true;
    } else {
      // Û^{n+1} = 2 Ẑ − Û^n with Â Ẑ = Û^n: the Cayley step (I + iH)^{-1}(I − iH) is
      // 2(I + iH)^{-1} − I, so no operator application makes the right-hand side.
      const auto b_norm = static_cast<Scalar>(std::sqrt(b_norm2));
      // (2Ẑ − Û^n)/N in m_iterate: a converged fixed point leaves it there; after GMRES it is
      // made here. (The fixed point swaps m_solution and m_iterate: the array is taken after it.)
      if (!fixed_point(report, b_norm)) {
        gmres(report, b_norm);
        report.gmres = true;
        chunked([&](std::size_t k0, std::size_t k1) { finish(k0, k1, m_solution.data()); });
      }
    }
    // U^{n+1} = F^{-1}[(2Ẑ − Û^n)/N] (unnormalised inverse), into u.
    if (direct) {
      m_fft.backward(m_iterate.data(), u.data());
    } else {
      m_fft.backward(m_iterate.data());
      std::copy(m_iterate.data(), m_iterate.data() + m_n, u.begin());
    }
    m_statistics.ffts += 2;
    m_last = report;
    ++m_statistics.steps;
    if (report.diagonal) ++m_statistics.diagonal_steps;
    if (report.gmres) ++m_statistics.gmres_steps;
    m_statistics.iterations += report.iterations;
    m_statistics.max_iterations = std::max(m_statistics.max_iterations, report.iterations);
    m_statistics.max_residual = std::max(m_statistics.max_residual, report.residual);
  }

  /// \brief True when step() transforms u directly (out of place, u → Û^n and back), false when
  /// it copies u through an aligned array and transforms that in place: u lacks the alignment
  /// of the FFT plans (an offset into a buffer).
  [[nodiscard]] bool transforms_directly(const complex_type* u) const {
    return m_fft.runs_planned(u, m_uhat.data()) && m_fft.runs_planned(m_iterate.data(), u);
  }

  /// \brief True when the solver's FFTs run out of place through a scratch array (grids of at
  /// most 2^15 points), false when they run in place.
  [[nodiscard]] bool solver_ffts_out_of_place() const noexcept {
    return detail::ffts_out_of_place(m_n);
  }

  /// \brief Iterations and residual of the latest step.
  [[nodiscard]] const StepReport& last_step_report() const noexcept { return m_last; }
  /// \brief Totals since construction (or reset_statistics()).
  [[nodiscard]] const Statistics& statistics() const noexcept { return m_statistics; }
  void reset_statistics() noexcept { m_statistics = {}; }

  [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
  [[nodiscard]] Scalar epsilon() const noexcept { return m_epsilon; }
  [[nodiscard]] const Options& options() const noexcept { return m_options; }
  /// \brief The mass policy; writable, e.g. GridFieldCoefficient::values().
  [[nodiscard]] Mass& mass() noexcept { return m_mass; }
  [[nodiscard]] const Mass& mass() const noexcept { return m_mass; }
  /// \brief The potential policy; writable.
  [[nodiscard]] Potential& potential() noexcept { return m_potential; }
  [[nodiscard]] const Potential& potential() const noexcept { return m_potential; }
  /// \brief m at t_{n+½} of the latest step, as the scheme used it (zeros
  ///        before the first step).
  [[nodiscard]] std::span<const Scalar> mass_values() const noexcept { return m_mass_values; }
  /// \brief V at t_{n+½} of the latest step.
  [[nodiscard]] std::span<const Scalar> potential_values() const noexcept {
    return m_potential_values;
  }

 private:
  using Buffer = AlignedVector<complex_type>;  // on a cache line, as FFTW's plans expect

  static Buffer buffer(std::size_t n) { return Buffer(n); }

  void sample_coefficients(Scalar t_half) {
    constexpr const char* who = "CrankNicolsonSpectral";
    const auto mass = detail::sample_mass(m_mass, m_grid, t_half, m_mass_values, who);
    m_mass_mean = mass.mean;
    m_mass_uniform = mass.uniform;
    const auto potential =
        detail::sample_potential(m_potential, m_grid, t_half, m_potential_values, who);
    m_potential_mean = potential.mean;
    m_potential_uniform = potential.uniform;
  }

  // y = P̂^{-1} w on [k0, k1): 1/P̂(ξ) = 1/(1 + iθ), θ = c m̄ |ξ|² + d V̄, made from the
  // wavenumber tables as it goes (the passes that read w read ξ anyway; no stored P̂^{-1}).
  // y holds the chunk's real and imaginary parts. Small grids read P̂^{-1} from a table (one
  // complex multiplication a point instead of a division); large ones, whose passes are
  // memory-bound, make it from the wavenumber tables they read anyway.
  void precondition(std::size_t k0, std::size_t k1, const complex_type* w, Scalar* y) const {
    if (tabulates_preconditioner()) {
      detail::interleaved::complex_multiply(k1 - k0, w + k0, m_inverse_symbol.data() + k0,
                                            reinterpret_cast<complex_type*>(y));
      return;
    }
    std::array<const Scalar*, Dim> xi{};
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) xi[a] = m_xi.xi[a].data() + k0;
    detail::interleaved::precondition_kernel<Dim>(0, k1 - k0, xi, m_c * m_mass_mean,
                                                  m_d * m_potential_mean,
                                                  detail::interleaved::re(w + k0), y);
  }

  // m_iterate = (2 P̂^{-1} w − b̂)/N on [k0, k1): Û^{n+1} = 2Ẑ − Û^n from the accepted iterate
  // w, with the last inverse FFT's 1/N.
  void finish(std::size_t k0, std::size_t k1, const complex_type* w) {
    alignas(64) Scalar y[2 * chunk];
    precondition(k0, k1, w, y);
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(m_n), two_over_n = 2 * inv_n;
    const Scalar* __restrict__ b = detail::interleaved::re(m_uhat.data() + k0);
    Scalar* __restrict__ out = detail::interleaved::re(m_iterate.data() + k0);
    for (std::size_t i = 0; i < 2 * (k1 - k0); ++i) out[i] = two_over_n * y[i] - inv_n * b[i];
  }

  [[nodiscard]] bool tabulates_preconditioner() const noexcept {
    return m_n <= m_options.preconditioner_table_points;
  }
  // P̂^{-1}(ξ) = (1 − iθ)/(1 + θ²), θ = c m̄ |ξ|² + d V̄, and when N has a single varying term
  // (term_fixed_point()) its h = τσ P̂^{-1}: iξ² P̂^{-1} for a varying mass in 1D, i P̂^{-1} for a
  // varying potential alone. Remade when c m̄ or d V̄ or the varying terms change (for a mass and
  // potential whose means are fixed, once per step size).
  void tabulate_preconditioner() {
    const Scalar kinetic = m_c * m_mass_mean, shift = m_d * m_potential_mean;
    const int single = single_varying_term();
    if (kinetic == m_table_kinetic && shift == m_table_shift && single == m_table_term) return;
    // A mass whose mean changes every step remakes the tables every step: both in one pass on
    // the kernel target's vector lanes (a scalar loop of complex divisions took about a
    // twentieth of a 320-point step, two loops on the baseline target's lanes 3 %).
    using detail::interleaved::inverse_symbol_kernel;
    using detail::interleaved::re;
    const Scalar* xi_squared = m_xi.xi_squared.data();
    Scalar* p = re(m_inverse_symbol.data());
    Scalar* h = re(m_term_symbol.data());
    if (single < 0)
      inverse_symbol_kernel<0>(m_n, kinetic, shift, xi_squared, p, h);
    else if (single < Dim)
      inverse_symbol_kernel<1>(m_n, kinetic, shift, xi_squared, p, h);
    else
      inverse_symbol_kernel<2>(m_n, kinetic, shift, xi_squared, p, h);
    m_table_kinetic = kinetic;
    m_table_shift = shift;
    m_table_term = single;
  }

  // The vector passes run in chunks of this many entries: a chunk of every operand stays in
  // L1 while the chunk's fused work (a load update, several inner products) runs over it.
  static constexpr std::size_t chunk = 256;

  // Calls body(k0, k1) over [0, n) in chunks.
  template <class Body>
  void chunked(Body&& body) const {
    for (std::size_t k0 = 0; k0 < m_n; k0 += chunk) body(k0, std::min(m_n, k0 + chunk));
  }

  // out = N w, where K = Â P̂^{-1} = (P̂ + iÊ) P̂^{-1} = I + N, N = iÊ P̂^{-1}, and E = H − H̄ =
  // −c Σ_a D_a (m − m̄) D_a + d (V − V̄) is what the preconditioner leaves out, on unnormalised
  // Fourier coefficients. With ŷ = P̂^{-1} w and ẑ_a = ((m − m̄) D_a y)^, i·(−c iξ_a ẑ_a) =
  // c ξ_a ẑ_a, so
  //   N w = c Σ_a ξ_a ẑ_a + i d ((V − V̄) y)^
  // (the ẑ_a sum only if m varies, the last term only if V does). The scalars c, d and the 1/N
  // of the inverse FFT all ride on the multiplication in x-space (by c(m − m̄)/N and
  // d(V − V̄)/N), so the passes in Fourier space multiply by ξ_a and i only. The fixed point and
  // GMRES work with N, not K: K v = v + N v, and with ‖N v‖ ~ 1e-3 ‖v‖ (P2's steps) projecting v
  // out of K v would cancel all but 1e-3 of it. Each term has its own buffer, so the passes are one
  // that makes every term's input (ŷ only in an L1 chunk), one multiply after each term's inverse
  // FFT, and one that sums the terms; the caller's work rides on the first and the last: before(k0,
  // k1) runs on each chunk before w is read there (it may write w, e.g. to normalise or update it),
  // after(k0, k1) on each chunk of out once it is final. At least one term varies (else the step is
  // diagonal). out differs from w and from the term buffers.
  template <class Before, class After>
  void apply(complex_type* w, complex_type* out, Before&& before, After&& after) {
    const Terms terms = varying_terms();
    chunked([&](std::size_t k0, std::size_t k1) {
      before(k0, k1);
      make_inputs(terms, k0, k1, w);
    });
    transform_terms(terms);
    chunked([&](std::size_t k0, std::size_t k1) {
      sum_terms(terms, k0, k1, out);
      after(k0, k1);
    });
  }

  // The varying terms of N: the axes a < Dim of a varying mass, then the potential (term Dim).
  struct Terms {
    std::array<int, Dim + 1> which{};
    int count = 0;
  };
  [[nodiscard]] Terms varying_terms() const {
    Terms terms;
    if (!m_mass_uniform)
      for (int a = 0; a < Dim; ++a) terms.which[static_cast<std::size_t>(terms.count++)] = a;
    if (!m_potential_uniform) terms.which[static_cast<std::size_t>(terms.count++)] = Dim;
    return terms;
  }
  // The one varying term (an axis of m, or Dim for V) when N has a single one, else −1: the
  // case of term_fixed_point() and of the table h.
  [[nodiscard]] int single_varying_term() const {
    const Terms terms = varying_terms();
    return terms.count == 1 ? terms.which[0] : -1;
  }
  [[nodiscard]] const Scalar* term_xi(int term) const {
    return term < Dim ? m_xi.xi[static_cast<std::size_t>(term)].data() : nullptr;
  }
  [[nodiscard]] complex_type* term_buffer(int t) {
    return m_terms[static_cast<std::size_t>(t)].data();
  }

  // Each term's FFT input made from w on the chunk [k0, k1): ẑ = iξ_a ŷ or ŷ with
  // ŷ = P̂^{-1} w held in an L1 chunk only.
  // `first`, if given, takes the first term's input in place of its buffer.
  void make_inputs(const Terms& terms, std::size_t k0, std::size_t k1, const complex_type* w,
                   complex_type* first = nullptr) {
    using namespace detail::interleaved;  // the per-chunk kernels
    // Real parts, not std::complex: an array of std::complex would be zero-filled on every call.
    alignas(64) Scalar y[2 * chunk];
    precondition(k0, k1, w, y);
    for (int t = 0; t < terms.count; ++t) {
      const Scalar* xi = term_xi(terms.which[static_cast<std::size_t>(t)]);
      complex_type* z = t == 0 && first != nullptr ? first : term_buffer(t);
      input_kernel(0, k1 - k0, y, re(z + k0), xi == nullptr ? nullptr : xi + k0);
    }
  }
  // Each term's inverse FFT, multiplication by c(m − m̄)/N or d(V − V̄)/N, forward FFT. On grids
  // of at most 2^15 points (solver_ffts_out_of_place()) out of place through one scratch array
  // (FFTW's in-place ESTIMATE plans copy through buffers of their own; that made a step at N = 320
  // … 4096 up to 1.3× slower); on larger ones in place, where a scratch array would be one more
  // field streaming through the caches with every transform.
  void transform_terms(const Terms& terms) {
    using namespace detail::interleaved;  // the per-chunk kernels
    for (int t = 0; t < terms.count; ++t) {
      const int term = terms.which[static_cast<std::size_t>(t)];
      complex_type* z = term_buffer(t);
      complex_type* s = solver_ffts_out_of_place() ? m_scratch.data() : z;
      m_fft.backward(z, s);
      multiply_by_deviation(term, s);
      m_fft.forward(s, z);
      m_statistics.ffts += 2;
    }
  }
  // z *= what P̂ leaves out of H for the term, over N (the 1/N of the inverse FFT before it):
  // c(m − m̄)/N for an axis of the mass, d(V − V̄)/N for the potential (term Dim), made from the
  // sampled values as they are read.
  void multiply_by_deviation(int term, complex_type* z) const {
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(m_n);
    if (term < Dim)
      detail::interleaved::multiply_kernel(m_n, detail::interleaved::re(z), m_mass_values.data(),
                                           m_c * inv_n, m_mass_mean);
    else
      detail::interleaved::multiply_kernel(m_n, detail::interleaved::re(z),
                                           m_potential_values.data(), m_d * inv_n,
                                           m_potential_mean);
  }
  // out = N w on the chunk [k0, k1), from the transformed terms.
  void sum_terms(const Terms& terms, std::size_t k0, std::size_t k1, complex_type* out) {
    using namespace detail::interleaved;  // the per-chunk kernels
    for (int t = 0; t < terms.count; ++t)
      add_term(k0, k1, re(term_buffer(t)), re(out),
               term_xi(terms.which[static_cast<std::size_t>(t)]), t == 0);
  }

  // One fixed-point iteration after its FFT pairs, in one pass over the arrays
  // (detail::interleaved::fixed_point_pass_kernel): next = b̂ − N w from the transformed terms,
  // the next iteration's FFT inputs made from it, and ‖next − w‖² (w's residual) returned.
  double fixed_point_pass(const complex_type* w, complex_type* next) {
    using namespace detail::interleaved;  // the per-point kernels
    FixedPointPass<Dim, Scalar> pass{};
    pass.b = re(m_uhat.data());
    pass.w = re(w);
    pass.next = re(next);
    // The buffers hold the axes of a varying mass, then the potential (varying_terms()).
    const int kinetic_terms = m_mass_uniform ? 0 : Dim;
    for (int a = 0; a < Dim; ++a) {
      pass.xi[static_cast<std::size_t>(a)] = m_xi.xi[static_cast<std::size_t>(a)].data();
      pass.work[static_cast<std::size_t>(a)] = a < kinetic_terms ? re(term_buffer(a)) : nullptr;
    }
    pass.potential_work = m_potential_uniform ? nullptr : re(term_buffer(kinetic_terms));
    pass.inverse_symbol = tabulates_preconditioner() ? re(m_inverse_symbol.data()) : nullptr;
    pass.kinetic = m_c * m_mass_mean;
    pass.shift = m_d * m_potential_mean;
    if (m_mass_uniform) return fixed_point_pass_kernel<false, true>(m_n, pass);
    if (m_potential_uniform) return fixed_point_pass_kernel<true, false>(m_n, pass);
    return fixed_point_pass_kernel<true, true>(m_n, pass);
  }

  complex_type* basis(std::size_t j) { return m_basis.data() + j * m_n; }
  complex_type& h(std::size_t i, std::size_t j) {
    return m_hessenberg[i * static_cast<std::size_t>(m_options.restart) + j];
  }

  // Orthogonalises v against basis(0 … j) by classical Gram–Schmidt with the inner products
  // given (h_i = conj(v_i)·v, `dots`, taken in the pass that made v), in one pass that also
  // takes ‖v‖². A second round (inner products and update in one more pass each) runs when the
  // projection removed all but 1e-3 of v, where one round's orthogonality (≈ 1e-16 over the
  // remaining fraction) would no longer be far below the tolerance, and `used(‖v‖)` says the
  // normalised v will be a Krylov vector (not when the iteration stops here: then only ‖v‖
  // enters, through the residual estimate, to about 1e-13 of itself). Writes h(i, j) and
  // returns ‖v‖ after the projections.
  template <class Used>
  Scalar orthogonalise(std::size_t j, complex_type* v, std::vector<std::complex<double>>& dots,
                       double v_norm2, Used&& used) {
    using namespace detail::interleaved;  // the per-chunk kernels
    for (std::size_t i = 0; i <= j; ++i) h(i, j) = complex_type(dots[i]);
    for (int round = 0;; ++round) {
      double after = 0;
      chunked([&](std::size_t k0, std::size_t k1) {
        for (std::size_t i = 0; i <= j; ++i) axpy(k0, k1, -complex_type(dots[i]), basis(i), v);
        after += norm2(k0, k1, v);
      });
      const auto norm_after = static_cast<Scalar>(std::sqrt(after));
      if (round == 1 || after >= 1e-6 * v_norm2 || !used(norm_after)) return norm_after;
      std::fill(dots.begin(), dots.end(), std::complex<double>(0));
      chunked([&](std::size_t k0, std::size_t k1) {
        for (std::size_t i = 0; i <= j; ++i) dots[i] += dot(k0, k1, basis(i), v);
      });
      for (std::size_t i = 0; i <= j; ++i) h(i, j) += complex_type(dots[i]);
      v_norm2 = after;
      ++m_statistics.reorthogonalisations;
    }
  }

  // The fixed-point iteration w ← b̂ − N w from w₀ = b̂ (Richardson on K w = b̂, the Neumann
  // series of K^{-1} = (I + N)^{-1}). Its residual is the difference of two iterates,
  // b̂ − K w = (b̂ − N w) − w, so each iteration is one application of N and the update rides on
  // its last pass: no Krylov vectors, no extra passes. It converges at the rate of N's spectral
  // radius, which for a disk-like spectrum about 0 (|N| = O(δ), see the class comment) is what
  // GMRES's minimal polynomial achieves too. Returns true when the residual of w (m_solution) is
  // below the tolerance, with (2Ẑ − b̂)/N (Ẑ = P̂^{-1} w) made in m_iterate (finish()); false,
  // with the latest iterate in m_solution, when an iteration did not halve the residual (N's
  // spectrum too wide) or max_iterations is spent: GMRES goes on from it.
  bool fixed_point(StepReport& report, Scalar b_norm) {
    const complex_type* b = m_uhat.data();
    const Terms terms = varying_terms();
    if (single_varying_term() >= 0 && tabulates_preconditioner())
      return term_fixed_point(report, b_norm);
    // w₀ = b̂, copied in the pass that makes the first inputs. Each later iteration's inputs are
    // made from its iterate in the pass that makes it (one pass per application less; after the
    // last iteration they go unused).
    chunked([&](std::size_t k0, std::size_t k1) {
      std::copy(b + k0, b + k1, m_solution.data() + k0);
      make_inputs(terms, k0, k1, m_solution.data());
    });
    double previous = std::numeric_limits<double>::infinity();
    while (report.iterations < m_options.max_iterations) {
      const complex_type* w = m_solution.data();
      complex_type* next = m_iterate.data();
      transform_terms(terms);
      const double r_norm2 = fixed_point_pass(w, next);
      ++report.iterations;
      const Scalar relative =
          b_norm > 0 ? static_cast<Scalar>(std::sqrt(r_norm2)) / b_norm : Scalar(0);
      if (relative <= m_options.tolerance) {
        report.residual = relative;
        // (2Ẑ − b̂)/N over next, which is no longer needed.
        chunked([&](std::size_t k0, std::size_t k1) { finish(k0, k1, w); });
        return true;
      }
      std::swap(m_solution, m_iterate);
      if (r_norm2 > 0.25 * previous) return false;
      previous = r_norm2;
    }
    return false;
  }

  // fixed_point() when N has a single varying term (a varying mass in 1D, or a varying potential
  // alone) and P̂^{-1} is tabulated: the same iterates, carried by the transformed term. With
  // W_k = F[δ · F^{-1}[τ P̂^{-1} w_k]] (δ = c(m − m̄)/N and τ = iξ, or δ = d(V − V̄)/N and τ = 1),
  // N w_k = σ W_k (σ = ξ or i), so w_{k+1} = b̂ − σ W_k; the next FFT input is
  // τ P̂^{-1} w_{k+1} = g − h W_k with g = τ P̂^{-1} b̂ made once a step and h = τσ P̂^{-1}
  // tabulated (tabulate_preconditioner()), and w_k's residual w_{k+1} − w_k is −σ(W_k − W_{k−1})
  // (W_{−1} = 0). An iteration's pass (detail::interleaved::term_iteration_kernel) reads W_k,
  // W_{k−1}, g, h and ξ and writes the next input: one array written instead of two, no iterate
  // read, and one complex product a point instead of two (measured at N = 320 on AVX2: the pass
  // 0.26 µs against 0.37, the step's share outside FFTW 31 % against 37 %). Three arrays rotate
  // as the FFT input, the transform's output W_k and W_{k−1}: an input is dead once transformed,
  // so each backward FFT writes into W_{k−1}'s array (dead once the pass has used it) and the
  // forward FFT back over its own input, with no scratch array. On return m_solution holds the
  // iterate as fixed_point() leaves it: w_k = b̂ − σ W_{k−1} when converged (its residual is the
  // one reported; (2P̂^{-1} w_k − b̂)/N is made in m_iterate in the same pass), w_{k+1} = b̂ − σ W_k
  // otherwise.
  bool term_fixed_point(StepReport& report, Scalar b_norm) {
    using namespace detail::interleaved;  // the per-point kernels
    const Terms terms = varying_terms();
    const bool kinetic = terms.which[0] < Dim;
    const Scalar* xi = term_xi(terms.which[0]);
    const complex_type* b = m_uhat.data();
    // g, the input of w₀ = b̂, is the first FFT's source; m_solution is free until the iterate
    // is formed at the end.
    complex_type* g = m_solution.data();
    chunked([&](std::size_t k0, std::size_t k1) { make_inputs(terms, k0, k1, b, g); });
    // m_solution = b̂ − σ W, over g: the iterate GMRES goes on from.
    const auto form_iterate = [&](const complex_type* w_term) {
      complex_type* w = m_solution.data();
      chunked([&](std::size_t k0, std::size_t k1) {
        add_term(k0, k1, re(w_term), re(w), xi, true);
        for (std::size_t k = k0; k < k1; ++k) w[k] = b[k] - w[k];
      });
    };
    // (2P̂^{-1} w − b̂)/N into m_iterate from the accepted iterate w = b̂ − σ W (b̂ when W is
    // null) in one pass that never writes w (finish()'s result; measured at N = 320 on AVX2,
    // forming w and then finishing took about 6 % of a step). W may lie in m_iterate.
    const auto finish_from_term = [&](const complex_type* w_term) {
      const Scalar inv_n = Scalar(1) / static_cast<Scalar>(m_n);
      const Scalar* w_parts = w_term == nullptr ? nullptr : re(w_term);
      if (kinetic)
        term_finish_kernel<true>(m_n, re(b), w_parts, xi, re(m_inverse_symbol.data()), 2 * inv_n,
                                 inv_n, re(m_iterate.data()));
      else
        term_finish_kernel<false>(m_n, re(b), w_parts, xi, re(m_inverse_symbol.data()), 2 * inv_n,
                                  inv_n, re(m_iterate.data()));
    };
    // Each iteration: source → (backward FFT, ×δ) free_array → (forward FFT) target = W_k; the
    // pass writes the next input into free_array. From k = 1 on the three arrays rotate, each
    // forward FFT writing over its own source.
    const complex_type* source = g;
    complex_type* target = term_buffer(0);
    complex_type* free_array = term_buffer(1);
    complex_type* previous = nullptr;  // W_{k−1}
    const Scalar* symbol = re(m_term_symbol.data());
    double last = std::numeric_limits<double>::infinity();
    while (true) {
      m_fft.backward(source, free_array);
      multiply_by_deviation(terms.which[0], free_array);
      m_fft.forward(free_array, target);
      m_statistics.ffts += 2;
      double r_norm2 = 0;
      if (previous == nullptr) {
        const Scalar* none = nullptr;
        r_norm2 = kinetic ? term_iteration_kernel<true, false>(m_n, re(target), none, re(g), symbol,
                                                               xi, re(free_array))
                          : term_iteration_kernel<false, false>(m_n, re(target), none, re(g),
                                                                symbol, xi, re(free_array));
      } else {
        r_norm2 = kinetic ? term_iteration_kernel<true, true>(m_n, re(target), re(previous), re(g),
                                                              symbol, xi, re(free_array))
                          : term_iteration_kernel<false, true>(m_n, re(target), re(previous), re(g),
                                                               symbol, xi, re(free_array));
      }
      ++report.iterations;
      const Scalar relative =
          b_norm > 0 ? static_cast<Scalar>(std::sqrt(r_norm2)) / b_norm : Scalar(0);
      if (relative <= m_options.tolerance) {
        report.residual = relative;
        finish_from_term(previous);
        return true;
      }
      if (r_norm2 > 0.25 * last || report.iterations >= m_options.max_iterations) {
        form_iterate(target);
        return false;
      }
      last = r_norm2;
      complex_type* const done = previous != nullptr ? previous : m_iterate.data();
      previous = target;
      source = target = free_array;
      free_array = done;
    }
  }

  // Restarted GMRES on K w = b̂ with b̂ = Û^n (right preconditioning, so the residual it
  // minimises is the true one), from w₀ = b̂ (Ẑ₀ = P̂^{-1} Û^n, the constant-coefficient
  // solution). Each Krylov vector is normalised in the pass that next reads it; each update
  // w += Σ y_i v_i rides on the first pass of the next true-residual application; when that
  // residual is below the tolerance, w (in m_solution) gives the solution Ẑ = P̂^{-1} w.
  // b_norm = ‖b̂‖.
  void gmres(StepReport& report, Scalar b_norm) {
    using namespace detail::interleaved;  // the per-chunk kernels
    const std::size_t restart = static_cast<std::size_t>(m_options.restart);
    const complex_type* b = m_uhat.data();
    complex_type* w = m_solution.data();
    std::vector<std::complex<double>>& dots = m_dots;
    std::size_t update = 0;  // pending w += Σ_{i < update} y_i v_i
    int iterations = report.iterations;
    Scalar relative = 0;
    while (true) {
      // True residual r = b − K w into basis(0), after the pending update of w.
      complex_type* r = basis(0);
      double r_norm2 = 0;
      apply(
          w, r,
          [&](std::size_t k0, std::size_t k1) {
            for (std::size_t i = 0; i < update; ++i) axpy(k0, k1, m_y[i], basis(i), w);
          },
          [&](std::size_t k0, std::size_t k1) {
            residual_kernel(k0, k1, re(b), re(w), re(r));
            r_norm2 += norm2(k0, k1, r);
          });
      const Scalar beta = static_cast<Scalar>(std::sqrt(r_norm2));
      relative = b_norm > 0 ? beta / b_norm : Scalar(0);
      if (relative <= m_options.tolerance) break;
      if (iterations >= m_options.max_iterations) {
        throw convergence_error(
            fmt::format("CrankNicolsonSpectral: no convergence in {} iterations (fixed point, then "
                        "GMRES): relative residual "
                        "{} > tolerance {}",
                        iterations, relative, m_options.tolerance));
      }
      std::fill(m_g.begin(), m_g.end(), complex_type(0));
      m_g[0] = beta;
      // basis(j) is finished in the first pass that reads it (the next operator application):
      // v −= Σ_{i < pending} proj_i v_i, then v *= factor.
      Scalar factor = Scalar(1) / beta;
      std::size_t pending = 0;
      std::size_t j = 0;
      for (; j < restart && iterations < m_options.max_iterations;) {
        complex_type* vj = basis(j);
        complex_type* v = basis(j + 1);
        std::fill(dots.begin(), dots.begin() + static_cast<std::ptrdiff_t>(j + 1),
                  std::complex<double>(0));
        double v_norm2 = 0;
        apply(
            vj, v,
            [&](std::size_t k0, std::size_t k1) {
              for (std::size_t i = 0; i < pending; ++i)
                axpy(k0, k1, -complex_type(m_projections[i]), basis(i), vj);
              scale(k0, k1, factor, vj);
            },
            [&](std::size_t k0, std::size_t k1) {
              for (std::size_t i = 0; i <= j; ++i) dots[i] += dot(k0, k1, basis(i), v);
              v_norm2 += norm2(k0, k1, v);
            });
        // v = N v_j. Classical Gram–Schmidt with its update deferred to the next pass over v:
        // ‖v − Σ h_i v_i‖² = ‖v‖² − Σ|h_i|² for orthonormal v_i, accurate to ~1e-16 ‖v‖² over
        // the result. Where the projection removes all but 1e-3 of v that would lose digits, so
        // the update is done now, in its own pass, with a second round if v stays in use
        // (orthogonalise).
        for (std::size_t i = 0; i <= j; ++i) h(i, j) = complex_type(dots[i]);
        double remaining = v_norm2;
        for (std::size_t i = 0; i <= j; ++i) remaining -= std::norm(dots[i]);
        Scalar h_next;
        if (remaining >= 1e-6 * v_norm2) {
          h_next = static_cast<Scalar>(std::sqrt(remaining));
          std::copy(dots.begin(), dots.begin() + static_cast<std::ptrdiff_t>(j + 1),
                    m_projections.begin());
          pending = j + 1;
        } else {
          // Whether v, normalised, becomes basis(j + 1): the iteration goes on after this one
          // (the residual estimate |g_{j+1}| from the column's rotations, as below).
          const auto used = [&](Scalar norm_after) {
            if (j + 1 >= restart || iterations + 1 >= m_options.max_iterations) return false;
            // Column j of K's Hessenberg (N's plus e_j), through the previous rotations.
            const auto column = [&](std::size_t i) {
              return h(i, j) + (i == j ? complex_type(1) : complex_type(0));
            };
            complex_type diag = column(0);
            for (std::size_t i = 0; i < j; ++i)
              diag = -std::conj(m_sines[i]) * diag + m_cosines[i] * column(i + 1);
            const Scalar radius = std::hypot(std::abs(diag), norm_after);
            return radius > 0 &&
                   std::abs(m_g[j]) * norm_after / radius / b_norm > m_options.tolerance;
          };
          h_next = orthogonalise(j, v, dots, v_norm2, used);
          pending = 0;
        }
        // K v_j = v_j + N v_j: the Hessenberg column of K is that of N plus e_j.
        h(j, j) += Scalar(1);
        factor = h_next > Scalar(0) ? Scalar(1) / h_next : Scalar(1);
        // Previous rotations on column j, then a new one to zero h(j+1, j).
        for (std::size_t i = 0; i < j; ++i) {
          const complex_type x = h(i, j), y = h(i + 1, j);
          h(i, j) = m_cosines[i] * x + m_sines[i] * y;
          h(i + 1, j) = -std::conj(m_sines[i]) * x + m_cosines[i] * y;
        }
        const complex_type diag = h(j, j);
        const Scalar diag_abs = std::abs(diag);
        const Scalar radius = std::hypot(diag_abs, h_next);
        if (diag_abs == Scalar(0)) {
          m_cosines[j] = 0;
          m_sines[j] = 1;
        } else {
          m_cosines[j] = diag_abs / radius;
          m_sines[j] = (diag / diag_abs) * h_next / radius;
        }
        h(j, j) = m_cosines[j] * diag + m_sines[j] * h_next;
        m_g[j + 1] = -std::conj(m_sines[j]) * m_g[j];
        m_g[j] = m_cosines[j] * m_g[j];
        ++iterations;
        ++j;
        if (std::abs(m_g[j]) / b_norm <= m_options.tolerance || h_next == Scalar(0)) break;
      }
      // y = R^{-1} g (back substitution); w += Σ_i y_i v_i in the next residual's pass.
      for (std::size_t i = j; i-- > 0;) {
        complex_type sum = m_g[i];
        for (std::size_t l = i + 1; l < j; ++l) sum -= h(i, l) * m_y[l];
        m_y[i] = sum / h(i, i);
      }
      update = j;
    }
    report.iterations = iterations;
    report.residual = relative;
  }

  Grid m_grid;
  Scalar m_epsilon;
  Mass m_mass;
  Potential m_potential;
  Options m_options;
  Fft<Dim, Scalar> m_fft;
  detail::WavenumberTable<Dim, Scalar> m_xi;  // Nyquist zeroed: D_a is odd order
  std::size_t m_n;

  AlignedVector<Scalar> m_mass_values, m_potential_values;
  Scalar m_mass_mean = 0, m_potential_mean = 0;
  bool m_mass_uniform = false, m_potential_uniform = false;
  Scalar m_c = 0, m_d = 0;  // εΔt/4 and Δt/(2ε) of the current step

  Buffer m_inverse_symbol;  // P̂^{-1} on small grids, for m_table_kinetic and m_table_shift
  // NaN until the first table: any value differs from it.
  Scalar m_table_kinetic = std::numeric_limits<Scalar>::quiet_NaN(),
         m_table_shift = std::numeric_limits<Scalar>::quiet_NaN();
  Buffer m_term_symbol;  // h = τσ P̂^{-1} of term_fixed_point(), for m_table_term (−1: none)
  int m_table_term = -1;
  Buffer m_uhat, m_solution, m_iterate;
  Buffer m_scratch;                          // the terms' FFTs run out of place through it
  std::array<Buffer, Dim + 1> m_terms;       // one per varying term of N (the axes of m, then V)
  std::vector<std::complex<double>> m_dots;  // Gram–Schmidt inner products
  std::vector<std::complex<double>> m_projections;  // the deferred update of the newest vector
  AlignedVector<complex_type> m_basis;              // (restart + 1) Krylov vectors
  std::vector<complex_type> m_hessenberg;           // (restart + 1) × restart, rotated in place
  std::vector<Scalar> m_cosines;
  std::vector<complex_type> m_sines;
  std::vector<complex_type> m_g, m_y;

  StepReport m_last;
  Statistics m_statistics;
};

/// \brief Deduces Dim and Scalar from the grid.
template <int Dim, class Scalar, class Mass, class Potential>
CrankNicolsonSpectral(const PeriodicGrid<Dim, Scalar>&, Scalar, Mass, Potential,
                      CrankNicolsonOptions<Scalar>)
    -> CrankNicolsonSpectral<Dim, Scalar, Mass, Potential>;
template <int Dim, class Scalar, class Mass, class Potential>
CrankNicolsonSpectral(const PeriodicGrid<Dim, Scalar>&, Scalar, Mass, Potential)
    -> CrankNicolsonSpectral<Dim, Scalar, Mass, Potential>;

}  // namespace wavekin
