// wavekin/schrodinger/crank_nicolson_spectral.hpp — Crank–Nicolson Fourier-spectral
// propagator of the varying-mass Schrödinger equation, solved by preconditioned GMRES.
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

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/detail/aligned_field.hpp"
#include "wavekin/schrodinger/detail/complex_product.hpp"
#include "wavekin/schrodinger/detail/wavenumber_tables.hpp"

namespace wavekin {

/// \brief Solver parameters of CrankNicolsonSpectral.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
struct CrankNicolsonOptions {
  /// \brief Relative residual ‖b − A x‖/‖b‖ at which GMRES stops (> 0). The
  /// default is ~10⁴ machine epsilons in double, ~10² in float.
  Scalar tolerance = std::is_same_v<Scalar, float> ? Scalar(1e-5) : Scalar(1e-12);
  /// \brief Total GMRES iterations (operator applications, over all restarts)
  /// allowed per step before convergence_error (>= 1).
  int max_iterations = 500;
  /// \brief Krylov subspace dimension between restarts (>= 1). Memory is
  /// (restart + 1) complex fields.
  int restart = 30;
  /// \brief FFT planning options.
  FftOptions fft = {};
};

/// \brief What one CrankNicolsonSpectral::step did.
template <RealScalar Scalar = double>
struct CrankNicolsonStepReport {
  /// \brief GMRES iterations (applications of the preconditioned operator);
  /// 0 on the exact diagonal path.
  int iterations = 0;
  /// \brief True relative residual ‖b − A x‖/‖b‖ of the accepted solution,
  /// recomputed explicitly (0 on the exact diagonal path).
  Scalar residual = 0;
  /// \brief True if the step was the exact diagonal Fourier solve.
  bool diagonal = false;
};

/// \brief Running totals over every step of a CrankNicolsonSpectral.
template <RealScalar Scalar = double>
struct CrankNicolsonStatistics {
  long long steps = 0;           ///< steps taken
  long long diagonal_steps = 0;  ///< of which exact diagonal solves
  long long iterations = 0;      ///< GMRES iterations summed over all steps
  int max_iterations = 0;        ///< largest iteration count of one step
  Scalar max_residual = 0;       ///< largest accepted relative residual
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
/// Solve: the implicit system is matrix-free, applied through FFTs, and solved
/// in Fourier space by restarted GMRES with right preconditioning by the
/// constant-coefficient operator with the mean mass m̄ and mean potential V̄,
/// diagonal in Fourier space: P̂(ξ) = 1 + (iεΔt/4) m̄|ξ|² + (iΔt/2ε) V̄. The
/// initial guess is P̂^{-1} b̂, the constant-mass solution. For mass variation
/// δ = max|m − m̄|/m̄ the preconditioned operator is I + O(δ) uniformly in Δx
/// and Δt, so the iteration count depends on δ (and the V variation times
/// Δt/ε), not on the grid: measured 5–7 per step for P2 §4.1.2 ex. 1
/// (δ = 0.2, n = 6) at tolerance 1e-12.
/// When m and V are both constant (compile-time: both policies have
/// `is_constant`; or detected: max − min == 0 over the grid at this step),
/// the step is the exact diagonal solve with zero Krylov iterations.
///
/// Cost per step: 2 FFTs, plus per GMRES iteration 2·Dim FFTs (variable m)
/// and 2 more if V varies, O(restart·N) for orthogonalisation, and one extra
/// operator application each for the right-hand side and the final true
/// residual. Memory: restart + 7 complex fields and Dim + 3 real ones.
/// Everything (plans, Krylov basis, coefficient buffers) is allocated at
/// construction; step() allocates nothing (u is copied through aligned work
/// arrays, so no FFTW fallback plan is ever made inside a step).
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
    m_uhat = buffer(m_n);
    m_rhs = buffer(m_n);
    m_solution = buffer(m_n);
    m_work = buffer(m_n);
    m_work2 = buffer(m_n);
    m_preconditioner.resize(m_n);
    const auto restart = static_cast<std::size_t>(options.restart);
    m_basis.resize((restart + 1) * m_n);
    m_hessenberg.resize((restart + 1) * restart);
    m_cosines.resize(restart);
    m_sines.resize(restart);
    m_g.resize(restart + 1);
    m_y.resize(restart);
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
    detail::check_step_input<Dim, Scalar>(m_grid, u, t, dt, "CrankNicolsonSpectral::step");

    const Scalar t_half = t + dt / 2;
    sample_coefficients(t_half);
    m_c = m_epsilon * dt / 4;
    m_d = dt / (2 * m_epsilon);

    // Through our own aligned arrays: a caller array of another FFTW
    // alignment class would make Fft plan its fallback inside the step.
    std::copy(u.begin(), u.end(), m_uhat.data());
    m_fft.forward(m_uhat.data());
    StepReport report;
    if (m_mass_uniform && m_potential_uniform) {
      // (1 − iθ)/(1 + iθ) with θ = c m |ξ|² + d V: the scheme's exact solution.
      for (std::size_t k = 0; k < m_n; ++k) {
        const Scalar theta = m_c * m_mass_mean * m_xi.xi_squared[k] + m_d * m_potential_mean;
        const Scalar inv = Scalar(1) / (1 + theta * theta);  // (1 − iθ)² / (1 + θ²)
        m_uhat[k] = detail::complex_product(
            complex_type((1 - theta * theta) * inv, -2 * theta * inv), m_uhat[k]);
      }
      m_fft.inverse(m_uhat.data());
      std::copy(m_uhat.data(), m_uhat.data() + m_n, u.begin());
      report.diagonal = true;
    } else {
      for (std::size_t k = 0; k < m_n; ++k) {
        // 1/(1 + iθ) = (1 − iθ)/(1 + θ²), without the slow checked complex division.
        const Scalar theta = m_c * m_mass_mean * m_xi.xi_squared[k] + m_d * m_potential_mean;
        const Scalar inv = Scalar(1) / (1 + theta * theta);
        m_preconditioner[k] = complex_type(inv, -theta * inv);
      }
      // b̂ = B̂ Û^n = Û^n − i Ĥ Û^n.
      apply_operator(m_uhat.data(), m_rhs.data(), Scalar(-1), false);
      gmres(report);
      m_fft.inverse(m_solution.data());
      std::copy(m_solution.data(), m_solution.data() + m_n, u.begin());
    }
    m_last = report;
    ++m_statistics.steps;
    if (report.diagonal) ++m_statistics.diagonal_steps;
    m_statistics.iterations += report.iterations;
    m_statistics.max_iterations = std::max(m_statistics.max_iterations, report.iterations);
    m_statistics.max_residual = std::max(m_statistics.max_residual, report.residual);
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
  using Buffer = detail::AlignedField<Scalar>;

  static Buffer buffer(std::size_t n) { return Buffer(n); }

  void sample_coefficients(Scalar t_half) {
    constexpr const char* who = "CrankNicolsonSpectral";
    const auto mass = detail::sample_with_range(m_mass, m_grid, t_half, m_mass_values);
    m_mass_mean = mass.mean;
    m_mass_uniform = mass.uniform;
    check_positive_mass<Dim, Scalar>(m_grid, m_mass_values, t_half, who);
    const auto potential =
        detail::sample_with_range(m_potential, m_grid, t_half, m_potential_values);
    m_potential_mean = potential.mean;
    m_potential_uniform = potential.uniform;
    check_finite_potential<Dim, Scalar>(m_grid, m_potential_values, t_half, who);
  }

  // out = (I + s·iĤ) ŷ for s = ±1 and unnormalised Fourier coefficients, where
  // H = −c Σ_a D_a m D_a + d V: the GMRES operator Â P̂^{-1} w (s = +1, ŷ = P̂^{-1} w,
  // `precondition`) or the right-hand side B̂ Û^n (s = −1, ŷ = w). Since
  // i·(−c iξ_a ẑ_a) = c ξ_a ẑ_a with ẑ_a = (m D_a y)^,
  //   (I + s iĤ) ŷ = ŷ (1 + s i d V̄) + s c Σ_a ξ_a ẑ_a   [+ s i d (V y)^ if V varies]
  // (with uniform m, ẑ_a = m̄ iξ_a ŷ and the sum is diagonal),
  // evaluated in one pass before and one after each FFT pair (at N = 4096 the
  // vector passes are half the step: benchmarks/RESULTS.md). ŷ is
  // left in m_work2; out must differ from w.
  void apply_operator(const complex_type* w, complex_type* out, Scalar s, bool precondition) {
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(m_n);
    complex_type* y = m_work2.data();
    const auto load = [&](std::size_t k) {
      return precondition ? detail::complex_product(m_preconditioner[k], w[k]) : w[k];
    };
    // s d V̄, the diagonal potential term (0 when V varies: added below).
    const Scalar shift = m_potential_uniform ? s * m_d * m_potential_mean : Scalar(0);
    if (m_mass_uniform) {
      const Scalar kinetic = s * m_c * m_mass_mean;
      for (std::size_t k = 0; k < m_n; ++k) {
        const complex_type yk = load(k);
        y[k] = yk;
        // −c m̄ (iξ)² = c m̄ |ξ|²: Ĥ is real diagonal, (I + s iĤ) ŷ = ŷ (1 + iθ).
        const Scalar theta = kinetic * m_xi.xi_squared[k] + shift;
        out[k] = complex_type(yk.real() - theta * yk.imag(), yk.imag() + theta * yk.real());
      }
    } else {
      for (int a = 0; a < Dim; ++a) {
        const std::vector<Scalar>& xi = m_xi.xi[static_cast<std::size_t>(a)];
        // (D_a y)^ with the 1/N of the inverse folded in.
        if (a == 0) {
          for (std::size_t k = 0; k < m_n; ++k) {
            const complex_type yk = load(k);
            y[k] = yk;
            m_work[k] = complex_type(-xi[k] * yk.imag(), xi[k] * yk.real()) * inv_n;
          }
        } else {
          for (std::size_t k = 0; k < m_n; ++k)
            m_work[k] = complex_type(-xi[k] * y[k].imag(), xi[k] * y[k].real()) * inv_n;
        }
        m_fft.backward(m_work.data());
        for (std::size_t k = 0; k < m_n; ++k) m_work[k] *= m_mass_values[k];
        m_fft.forward(m_work.data());
        const Scalar sc = s * m_c;
        if (a == 0) {
          for (std::size_t k = 0; k < m_n; ++k)
            out[k] =
                complex_type(y[k].real() - shift * y[k].imag(), y[k].imag() + shift * y[k].real()) +
                (sc * xi[k]) * m_work[k];
        } else {
          for (std::size_t k = 0; k < m_n; ++k) out[k] += (sc * xi[k]) * m_work[k];
        }
      }
    }
    if (!m_potential_uniform) {
      for (std::size_t k = 0; k < m_n; ++k) m_work[k] = y[k] * inv_n;
      m_fft.backward(m_work.data());
      for (std::size_t k = 0; k < m_n; ++k) m_work[k] *= m_d * m_potential_values[k];
      m_fft.forward(m_work.data());
      for (std::size_t k = 0; k < m_n; ++k)
        out[k] += complex_type(-s * m_work[k].imag(), s * m_work[k].real());
    }
  }

  // out = Â P̂^{-1} w = (I + iĤ) P̂^{-1} w.
  void apply_preconditioned(const complex_type* w, complex_type* out) {
    apply_operator(w, out, Scalar(1), true);
  }

  complex_type* basis(std::size_t j) { return m_basis.data() + j * m_n; }
  complex_type& h(std::size_t i, std::size_t j) {
    return m_hessenberg[i * static_cast<std::size_t>(m_options.restart) + j];
  }

  // Vector kernels of GMRES, accumulated in double (a float run keeps its
  // inner products to float round-off instead of N·ε_float). Plain loops
  // rather than Eigen maps: Eigen's complex<float> broadcast reads a
  // 4-byte-aligned value as a double, which UBSan reports.
  // Complex products are written out in real arithmetic: std::complex's
  // operator* checks for NaN (C99 Annex G) and so never vectorises.
  // Reductions keep four interleaved partial sums: a single running sum is a
  // chain of N dependent additions, bound by the adder's latency. The order is
  // fixed, so results are reproducible. term(k) returns the (re, im) pair to add
  // (and may update element k on the way); the sums live in registers.
  template <class Term>
  [[nodiscard]] complex_type reduce(Term term) const {
    double r0 = 0, r1 = 0, r2 = 0, r3 = 0, i0 = 0, i1 = 0, i2 = 0, i3 = 0;
    std::size_t k = 0;
    for (; k + 4 <= m_n; k += 4) {
      const auto [a0, b0] = term(k);
      const auto [a1, b1] = term(k + 1);
      const auto [a2, b2] = term(k + 2);
      const auto [a3, b3] = term(k + 3);
      r0 += a0, r1 += a1, r2 += a2, r3 += a3;
      i0 += b0, i1 += b1, i2 += b2, i3 += b3;
    }
    for (; k < m_n; ++k) {
      const auto [a0, b0] = term(k);
      r0 += a0, i0 += b0;
    }
    return complex_type(static_cast<Scalar>((r0 + r1) + (r2 + r3)),
                        static_cast<Scalar>((i0 + i1) + (i2 + i3)));
  }
  // conj(a)·b
  [[nodiscard]] complex_type dot(const complex_type* a, const complex_type* b) const {
    return reduce([=](std::size_t k) {
      const double ar = a[k].real(), ai = a[k].imag(), br = b[k].real(), bi = b[k].imag();
      return std::pair<double, double>(ar * br + ai * bi, ar * bi - ai * br);
    });
  }
  [[nodiscard]] Scalar norm(const complex_type* a) const {
    return std::sqrt(reduce([=](std::size_t k) {
                       const double ar = a[k].real(), ai = a[k].imag();
                       return std::pair<double, double>(ar * ar + ai * ai, 0.0);
                     }).real());
  }
  void axpy(complex_type alpha, const complex_type* x, complex_type* y) const {
    const Scalar ar = alpha.real(), ai = alpha.imag();
    for (std::size_t k = 0; k < m_n; ++k)
      y[k] = complex_type(y[k].real() + ar * x[k].real() - ai * x[k].imag(),
                          y[k].imag() + ar * x[k].imag() + ai * x[k].real());
  }
  // v −= α x and, in the same pass, conj(next)·v of the updated v — the next
  // modified Gram–Schmidt projection — or ‖v‖² (real part) when next is null.
  complex_type axpy_dot(complex_type alpha, const complex_type* x, complex_type* v,
                        const complex_type* next) const {
    const Scalar ar = alpha.real(), ai = alpha.imag();
    const auto update = [=](std::size_t k) {
      const Scalar vr = v[k].real() + ar * x[k].real() - ai * x[k].imag();
      const Scalar vi = v[k].imag() + ar * x[k].imag() + ai * x[k].real();
      v[k] = complex_type(vr, vi);
      return std::pair<double, double>(vr, vi);
    };
    if (next == nullptr)
      return reduce([=](std::size_t k) {
        const auto [vr, vi] = update(k);
        return std::pair<double, double>(vr * vr + vi * vi, 0.0);
      });
    return reduce([=](std::size_t k) {
      const auto [vr, vi] = update(k);
      const double nr = next[k].real(), ni = next[k].imag();
      return std::pair<double, double>(nr * vr + ni * vi, nr * vi - ni * vr);
    });
  }
  void scale(Scalar factor, complex_type* x) const {
    for (std::size_t k = 0; k < m_n; ++k) x[k] *= factor;
  }

  // Restarted GMRES on Â P̂^{-1} w = b̂ (right preconditioning, so the
  // residual it minimises is the true one); x̂ = P̂^{-1} w lands in m_solution.
  void gmres(StepReport& report) {
    const std::size_t restart = static_cast<std::size_t>(m_options.restart);
    const complex_type* b = m_rhs.data();
    complex_type* w = m_solution.data();  // holds w until the final P̂^{-1}
    const Scalar b_norm = norm(b);
    if (b_norm == Scalar(0)) {
      std::fill(w, w + m_n, complex_type(0));
      report.iterations = 0;
      report.residual = 0;
      return;
    }
    std::copy(b, b + m_n, w);  // x̂_0 = P̂^{-1} b̂, the constant-mass solution
    int iterations = 0;
    Scalar relative = 0;
    while (true) {
      // True residual r = b − K w into basis(0).
      complex_type* r = basis(0);
      apply_preconditioned(w, r);
      for (std::size_t k = 0; k < m_n; ++k) r[k] = b[k] - r[k];
      const Scalar beta = norm(r);
      relative = beta / b_norm;
      if (relative <= m_options.tolerance) break;
      if (iterations >= m_options.max_iterations) {
        throw convergence_error(fmt::format(
            "CrankNicolsonSpectral: GMRES did not converge in {} iterations: relative residual "
            "{} > tolerance {}",
            iterations, relative, m_options.tolerance));
      }
      scale(Scalar(1) / beta, r);
      std::fill(m_g.begin(), m_g.end(), complex_type(0));
      m_g[0] = beta;
      std::size_t j = 0;
      for (; j < restart && iterations < m_options.max_iterations;) {
        complex_type* v = basis(j + 1);
        apply_preconditioned(basis(j), v);
        // Modified Gram–Schmidt, each projection's update fused with the next
        // inner product (j + 2 passes over v instead of 2j + 3).
        complex_type hij = dot(basis(0), v);  // conj(v_0)·v
        for (std::size_t i = 0; i <= j; ++i) {
          h(i, j) = hij;
          hij = axpy_dot(-hij, basis(i), v, i < j ? basis(i + 1) : nullptr);
        }
        const Scalar h_next = std::sqrt(hij.real());  // ‖v‖ after the projections
        if (h_next > Scalar(0)) scale(Scalar(1) / h_next, v);
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
      // y = R^{-1} g (back substitution), w += Σ_i y_i v_i.
      for (std::size_t i = j; i-- > 0;) {
        complex_type sum = m_g[i];
        for (std::size_t l = i + 1; l < j; ++l) sum -= h(i, l) * m_y[l];
        m_y[i] = sum / h(i, i);
      }
      for (std::size_t i = 0; i < j; ++i) axpy(m_y[i], basis(i), w);
    }
    for (std::size_t k = 0; k < m_n; ++k) w[k] = detail::complex_product(m_preconditioner[k], w[k]);
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

  std::vector<Scalar> m_mass_values, m_potential_values;
  Scalar m_mass_mean = 0, m_potential_mean = 0;
  bool m_mass_uniform = false, m_potential_uniform = false;
  Scalar m_c = 0, m_d = 0;  // εΔt/4 and Δt/(2ε) of the current step

  Buffer m_uhat, m_rhs, m_solution, m_work, m_work2;
  std::vector<complex_type> m_preconditioner;  // 1/P̂(ξ)
  std::vector<complex_type> m_basis;           // (restart + 1) Krylov vectors
  std::vector<complex_type> m_hessenberg;      // (restart + 1) × restart, rotated in place
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
