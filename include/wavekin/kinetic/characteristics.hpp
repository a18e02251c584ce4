// wavekin/kinetic/characteristics.hpp — the particle method for the Liouville equation:
// Hamiltonian characteristics with their Jacobian, and 1D monokinetic branch sums.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/kinetic/hamiltonian.hpp"

namespace wavekin {

/// \brief Tolerances and limits of the Dormand–Prince integrator of Characteristics.
struct CharacteristicsOptions {
  double rtol = 1e-10;               ///< relative tolerance per component
  double atol = 1e-10;               ///< absolute tolerance per component
  std::size_t max_steps = 1000000;   ///< accepted + rejected steps before convergence_error
};

/// \brief Forward characteristics \f$\dot x = \nabla_k H = m_0 k\f$,
/// \f$\dot k = -\nabla_x H = -\tfrac12|k|^2\nabla m_0 - \nabla V\f$ (P2 §2.3–2.4,
/// docs/conventions.md §20–§21) integrated together with the Jacobian
/// \f$\mathcal J = \partial(x,k)/\partial(y,p)\f$ of the flow, \f$\dot{\mathcal J} = DF\,\mathcal J\f$.
///
/// Integrator: embedded Dormand–Prince 5(4) (FSAL, 6 new right-hand sides per step),
/// local error control in the RMS norm with weights atol + rtol·|z| over all of
/// (x, k, 𝒥); the step is accepted when that norm is ≤ 1. Global error is then a
/// modest multiple of rtol for non-chaotic flows. Cost per step: 6 evaluations of
/// ∇m_0, ∇V and their Hessians (4 gradient calls each by finite differences, see
/// Hamiltonian), O(d³) for the variational product.
/// Failure (step size below 16 ε_mach |t|, non-finite state or more than max_steps
/// steps) throws convergence_error with the time reached.
///
/// \tparam H a KineticHamiltonian (e.g. from make_hamiltonian)
template <KineticHamiltonian H>
class Characteristics {
 public:
  static constexpr int Dim = H::dimension;
  static constexpr int StateSize = 2 * Dim + 4 * Dim * Dim;
  using Vector = Eigen::Matrix<double, Dim, 1>;
  using Jacobian = Eigen::Matrix<double, 2 * Dim, 2 * Dim>;
  using State = Eigen::Matrix<double, StateSize, 1>;

  /// \brief One traced characteristic.
  struct Trajectory {
    Vector x;           ///< x(t1; y, p), not wrapped into any box
    Vector k;           ///< k(t1; y, p)
    Jacobian jacobian;  ///< ∂(x, k)/∂(y, p): blocks [[J_xy, J_xp], [J_ky, J_kp]]
    std::size_t accepted = 0;
    std::size_t rejected = 0;
  };

  /// \pre rtol, atol finite and > 0.
  explicit Characteristics(H hamiltonian, CharacteristicsOptions options = {})
      : m_h(std::move(hamiltonian)), m_options(options) {
    require(std::isfinite(options.rtol) && options.rtol > 0,
            "Characteristics: rtol must be finite and > 0, got {}", options.rtol);
    require(std::isfinite(options.atol) && options.atol > 0,
            "Characteristics: atol must be finite and > 0, got {}", options.atol);
    require(options.max_steps >= 1, "Characteristics: max_steps must be >= 1, got {}",
            options.max_steps);
  }

  [[nodiscard]] const H& hamiltonian() const noexcept { return m_h; }
  [[nodiscard]] const CharacteristicsOptions& options() const noexcept { return m_options; }

  /// \brief Right-hand side of (x, k, 𝒥): F and DF·𝒥.
  [[nodiscard]] State rhs(double t, const State& z) const {
    const Vector x = z.template head<Dim>();
    const Vector k = z.template segment<Dim>(Dim);
    const double m = m_h.mass(t, x);
    const Vector dm = m_h.mass_gradient(t, x);
    const Vector dv = m_h.potential_gradient(t, x);
    typename H::Matrix hm, hv;
    m_h.hessians(t, x, hm, hv);
    const double k2 = k.squaredNorm();
    Jacobian df;
    df.template topLeftCorner<Dim, Dim>() = k * dm.transpose();
    df.template topRightCorner<Dim, Dim>() = m * H::Matrix::Identity();
    df.template bottomLeftCorner<Dim, Dim>() = -0.5 * k2 * hm - hv;
    df.template bottomRightCorner<Dim, Dim>() = -dm * k.transpose();
    State out;
    out.template head<Dim>() = m * k;
    out.template segment<Dim>(Dim) = -0.5 * k2 * dm - dv;
    const Eigen::Map<const Jacobian> jac(z.data() + 2 * Dim);
    Eigen::Map<Jacobian>(out.data() + 2 * Dim) = df * jac;
    return out;
  }

  /// \brief Traces the characteristic from (y, p) at t0 to t1 (t1 < t0 runs backward).
  /// \pre y, p, t0, t1 finite. Throws convergence_error on step-size failure.
  [[nodiscard]] Trajectory trace(const Vector& y, const Vector& p, double t0, double t1) const {
    require(y.allFinite() && p.allFinite() && std::isfinite(t0) && std::isfinite(t1),
            "Characteristics::trace: y, p, t0 = {}, t1 = {} must be finite", t0, t1);
    State z;
    z.template head<Dim>() = y;
    z.template segment<Dim>(Dim) = p;
    Eigen::Map<Jacobian>(z.data() + 2 * Dim).setIdentity();
    Trajectory out;
    if (t1 != t0) integrate(z, t0, t1, out);
    out.x = z.template head<Dim>();
    out.k = z.template segment<Dim>(Dim);
    out.jacobian = Eigen::Map<const Jacobian>(z.data() + 2 * Dim);
    return out;
  }

 private:
  void integrate(State& z, double t0, double t1, Trajectory& out) const {
    // Dormand–Prince 5(4) tableau.
    constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
    constexpr double a21 = 1.0 / 5;
    constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
    constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
    constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                     a54 = -212.0 / 729;
    constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247,
                     a64 = 49.0 / 176, a65 = -5103.0 / 18656;
    constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                     b6 = 11.0 / 84;
    constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920,
                     e5 = -17253.0 / 339200, e6 = 22.0 / 525, e7 = -1.0 / 40;
    const double span = t1 - t0;
    const double direction = span > 0 ? 1.0 : -1.0;
    double t = t0;
    double h = span / 100;
    State k1 = rhs(t, z);
    bool last_rejected = false;
    while (direction * (t1 - t) > 0) {
      if (out.accepted + out.rejected >= m_options.max_steps) {
        throw convergence_error(fmt::format(
            "Characteristics: more than {} steps, stopped at t = {} of [{}, {}]",
            m_options.max_steps, t, t0, t1));
      }
      if (direction * (t + h - t1) > 0) h = t1 - t;
      const State k2 = rhs(t + c2 * h, z + h * (a21 * k1));
      const State k3 = rhs(t + c3 * h, z + h * (a31 * k1 + a32 * k2));
      const State k4 = rhs(t + c4 * h, z + h * (a41 * k1 + a42 * k2 + a43 * k3));
      const State k5 = rhs(t + c5 * h, z + h * (a51 * k1 + a52 * k2 + a53 * k3 + a54 * k4));
      const State k6 =
          rhs(t + h, z + h * (a61 * k1 + a62 * k2 + a63 * k3 + a64 * k4 + a65 * k5));
      const State znew = z + h * (b1 * k1 + b3 * k3 + b4 * k4 + b5 * k5 + b6 * k6);
      const State k7 = rhs(t + h, znew);
      const State err = h * (e1 * k1 + e3 * k3 + e4 * k4 + e5 * k5 + e6 * k6 + e7 * k7);
      const State scale =
          (m_options.atol + m_options.rtol * z.cwiseAbs().cwiseMax(znew.cwiseAbs()).array())
              .matrix();
      const double norm = std::sqrt((err.cwiseQuotient(scale)).squaredNorm() / StateSize);
      if (!std::isfinite(norm) || !znew.allFinite()) {
        throw convergence_error(
            fmt::format("Characteristics: non-finite state at t = {} (step {})", t, h));
      }
      double factor = norm == 0 ? 5.0 : std::clamp(0.9 * std::pow(norm, -0.2), 0.2, 5.0);
      if (norm <= 1) {
        t = (direction * (t1 - (t + h)) <= 0) ? t1 : t + h;
        z = znew;
        k1 = k7;
        ++out.accepted;
        if (last_rejected) factor = std::min(factor, 1.0);
        last_rejected = false;
      } else {
        ++out.rejected;
        last_rejected = true;
        factor = std::min(factor, 1.0);
      }
      h *= factor;
      if (std::abs(h) < 16 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(t))) {
        throw convergence_error(fmt::format(
            "Characteristics: step size {} underflows at t = {} (rtol = {}, atol = {})", h, t,
            m_options.rtol, m_options.atol));
      }
    }
  }

  H m_h;
  CharacteristicsOptions m_options;
};

/// \brief Result of Characteristics on 1D monokinetic data (see monokinetic_1d).
struct MonokineticSolution1D {
  Eigen::VectorXd y;            ///< particle labels y_i (n + 1 of them, y_n = y_0 + L)
  Eigen::VectorXd x_unwrapped;  ///< x(T; y_i) without wrap-around
  Eigen::VectorXd x;            ///< x(T; y_i) wrapped into [origin, origin + L)
  Eigen::VectorXd k;            ///< k(T; y_i)
  Eigen::VectorXd dx_dy;        ///< ∂x/∂y = J_xy + J_xp p_I'(y) at y_i
  Eigen::VectorXd rho_initial;  ///< ρ_I(y_i)
  double initial_mass = 0;      ///< Δy Σ_{i<n} ρ_I(y_i), the mass the deposit conserves
  /// ρ⁰ as a measure: segment masses deposited on the output grid, divided by h.
  Eigen::VectorXd density_deposit;
  /// J⁰ = m_0(T, x_j) × (deposited k-weighted mass)/h.
  Eigen::VectorXd current_deposit;
  /// Pointwise branch sum Σ ρ_I(y)/|∂x/∂y| at the grid points; +infinity where the
  /// point lies on a segment containing a caustic (see monokinetic_1d).
  Eigen::VectorXd density_pointwise;
  /// Pointwise m_0 Σ k ρ_I/|∂x/∂y| (+infinity like density_pointwise).
  Eigen::VectorXd current_pointwise;
  /// True where density_pointwise was not evaluated because of a caustic.
  std::vector<bool> caustic;
};

namespace detail {

// ∫_{-∞}^{s} of the hat function max(0, 1 − |u|) du.
inline double hat_antiderivative(double s) {
  if (s <= -1) return 0;
  if (s <= 0) return 0.5 * (s + 1) * (s + 1);
  if (s <= 1) return 1 - 0.5 * (1 - s) * (1 - s);
  return 1;
}

inline std::ptrdiff_t wrap_index(std::ptrdiff_t j, std::ptrdiff_t n) {
  const std::ptrdiff_t r = j % n;
  return r < 0 ? r + n : r;
}

}  // namespace detail

/// \brief Monokinetic data \f$W_I = \rho_I(y)\delta(k - p_I(y))\f$ in 1D pushed to time T
/// (docs/errata.md items 7, 12, 14; P2 §4.1): \f$\rho^0(T,x) = \sum_{y: x(T;y)=x}
/// \rho_I(y)/|\partial x/\partial y|\f$ and \f$J^0 = m_0 \sum k\,\rho_I/|\partial x/\partial y|\f$.
///
/// n particles y_i = origin + i L/n, i = 0 … n (y_n = y_0 + L is particle 0 shifted by one
/// period, which needs H to be L-periodic in x) are traced with their Jacobians;
/// \f$\partial x/\partial y = J_{xy} + J_{xp}\,p_I'(y)\f$.
///
/// Two reconstructions on the output grid x_j (periodic, wrap-around):
/// - **Deposit** (ρ⁰ as a measure). The segment [y_i, y_{i+1}] carries the mass
///   Δy(ρ_i + ρ_{i+1})/2; it is spread uniformly over the linear interpolant
///   [x_i, x_{i+1}] of its endpoints and assigned to grid nodes by the exact integral of
///   the hat (cloud-in-cell) functions, normalised so each segment's weights sum to 1:
///   total mass h Σ_j ρ⁰_j = Δy Σ_i ρ_I(y_i) to round-off, caustics included. At a caustic
///   (∂x/∂y = 0) ρ⁰ is infinite (an integrable x^{-1/2} singularity at a fold); the deposit
///   gives a finite value there that grows with the particle count like the true cell
///   average. Accuracy: O(Δy² + h²) away from caustics.
/// - **Pointwise branch sum**: each segment with ∂x/∂y of one strict sign at both ends
///   is a monotone branch; a node in [min, max) of its endpoints (mod L) gets
///   ρ/|∂x/∂y| with ρ, ∂x/∂y, k interpolated linearly in y. A node on a segment whose
///   endpoints' ∂x/∂y differ in sign (or vanish) lies within one particle spacing of a
///   caustic: it is not evaluated, set to +infinity and flagged in `caustic`.
///
/// \pre n ≥ 2; T finite; rho, p, dp callables of double y → double; ρ_I ≥ 0 finite.
/// Cost: n traces + O(n · (segment length/h + 3)) deposit + O(n · N) pointwise sum.
template <KineticHamiltonian H, class Rho, class Momentum, class MomentumDerivative>
  requires(H::dimension == 1)
MonokineticSolution1D monokinetic_1d(const Characteristics<H>& solver, const Rho& rho,
                                     const Momentum& p, const MomentumDerivative& dp, double t0,
                                     double t1, std::ptrdiff_t particles,
                                     const PeriodicGrid<1>& output) {
  require(particles >= 2, "monokinetic_1d: particles must be >= 2, got {}", particles);
  require(std::isfinite(t0) && std::isfinite(t1), "monokinetic_1d: t0 = {}, t1 = {} must be finite",
          t0, t1);
  using Vec = Eigen::Matrix<double, 1, 1>;
  const double length = output.length(0);
  const double origin = output.origin()[0];
  const std::ptrdiff_t n = particles;
  const double dy = length / static_cast<double>(n);
  MonokineticSolution1D s;
  s.y.resize(n + 1);
  s.x_unwrapped.resize(n + 1);
  s.x.resize(n + 1);
  s.k.resize(n + 1);
  s.dx_dy.resize(n + 1);
  s.rho_initial.resize(n + 1);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double y = origin + static_cast<double>(i) * dy;
    const double r = rho(y);
    require(std::isfinite(r) && r >= 0, "monokinetic_1d: rho_I({}) = {} must be finite and >= 0", y,
            r);
    const double p0 = p(y);
    const double dp0 = dp(y);
    require(std::isfinite(p0) && std::isfinite(dp0),
            "monokinetic_1d: p_I({}) = {} and p_I'({}) = {} must be finite", y, p0, y, dp0);
    const auto tr = solver.trace(Vec::Constant(y), Vec::Constant(p0), t0, t1);
    s.y[i] = y;
    s.rho_initial[i] = r;
    s.x_unwrapped[i] = tr.x[0];
    s.k[i] = tr.k[0];
    s.dx_dy[i] = tr.jacobian(0, 0) + tr.jacobian(0, 1) * dp0;
  }
  s.y[n] = s.y[0] + length;
  s.rho_initial[n] = s.rho_initial[0];
  s.x_unwrapped[n] = s.x_unwrapped[0] + length;
  s.k[n] = s.k[0];
  s.dx_dy[n] = s.dx_dy[0];
  for (std::ptrdiff_t i = 0; i <= n; ++i) {
    s.x[i] = s.x_unwrapped[i] - length * std::floor((s.x_unwrapped[i] - origin) / length);
  }
  s.initial_mass = dy * s.rho_initial.head(n).sum();

  const std::ptrdiff_t nx = output.count(0);
  const double hx = output.spacing(0);
  const auto& ham = solver.hamiltonian();
  Eigen::VectorXd mass_at(nx);
  for (std::ptrdiff_t j = 0; j < nx; ++j) {
    mass_at[j] = ham.mass(t1, Vec::Constant(origin + static_cast<double>(j) * hx));
  }

  // Deposit.
  Eigen::VectorXd mass_dep = Eigen::VectorXd::Zero(nx), mom_dep = Eigen::VectorXd::Zero(nx);
  std::vector<double> weights;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double m = 0.5 * dy * (s.rho_initial[i] + s.rho_initial[i + 1]);
    const double mk = 0.5 * dy * (s.rho_initial[i] * s.k[i] + s.rho_initial[i + 1] * s.k[i + 1]);
    const double ua = (std::min(s.x_unwrapped[i], s.x_unwrapped[i + 1]) - origin) / hx;
    const double ub = (std::max(s.x_unwrapped[i], s.x_unwrapped[i + 1]) - origin) / hx;
    if (ub - ua < 1e-6) {  // point deposit at the midpoint (cloud-in-cell)
      const double u = 0.5 * (ua + ub);
      const double fl = std::floor(u);
      const double w = u - fl;
      const auto j = static_cast<std::ptrdiff_t>(fl);
      mass_dep[detail::wrap_index(j, nx)] += (1 - w) * m;
      mass_dep[detail::wrap_index(j + 1, nx)] += w * m;
      mom_dep[detail::wrap_index(j, nx)] += (1 - w) * mk;
      mom_dep[detail::wrap_index(j + 1, nx)] += w * mk;
      continue;
    }
    const auto jlo = static_cast<std::ptrdiff_t>(std::floor(ua)) - 1;
    const auto jhi = static_cast<std::ptrdiff_t>(std::ceil(ub)) + 1;
    weights.assign(static_cast<std::size_t>(jhi - jlo + 1), 0.0);
    double total = 0;
    for (std::ptrdiff_t j = jlo; j <= jhi; ++j) {
      const double jj = static_cast<double>(j);
      const double w = detail::hat_antiderivative(ub - jj) - detail::hat_antiderivative(ua - jj);
      weights[static_cast<std::size_t>(j - jlo)] = w;
      total += w;
    }
    for (std::ptrdiff_t j = jlo; j <= jhi; ++j) {
      const double w = weights[static_cast<std::size_t>(j - jlo)] / total;
      mass_dep[detail::wrap_index(j, nx)] += w * m;
      mom_dep[detail::wrap_index(j, nx)] += w * mk;
    }
  }
  s.density_deposit = mass_dep / hx;
  s.current_deposit = mass_at.cwiseProduct(mom_dep) / hx;

  // Pointwise branch sum.
  s.density_pointwise = Eigen::VectorXd::Zero(nx);
  s.current_pointwise = Eigen::VectorXd::Zero(nx);
  s.caustic.assign(static_cast<std::size_t>(nx), false);
  const double inf = std::numeric_limits<double>::infinity();
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double a = s.x_unwrapped[i], b = s.x_unwrapped[i + 1];
    const double lo = std::min(a, b), hi = std::max(a, b);
    if (hi == lo) continue;
    const bool fold = !(s.dx_dy[i] * s.dx_dy[i + 1] > 0);
    for (std::ptrdiff_t j = 0; j < nx; ++j) {
      const double xj = origin + static_cast<double>(j) * hx;
      const auto shift_lo = static_cast<std::ptrdiff_t>(std::ceil((lo - xj) / length));
      const auto shift_hi = static_cast<std::ptrdiff_t>(std::floor((hi - xj) / length));
      for (std::ptrdiff_t q = shift_lo; q <= shift_hi; ++q) {
        const double xq = xj + static_cast<double>(q) * length;
        if (xq < lo || xq >= hi) continue;
        const auto js = static_cast<std::size_t>(j);
        if (fold) {
          s.caustic[js] = true;
          s.density_pointwise[j] = inf;
          s.current_pointwise[j] = inf;
          continue;
        }
        const double frac = (xq - a) / (b - a);
        const double r = s.rho_initial[i] + frac * (s.rho_initial[i + 1] - s.rho_initial[i]);
        const double jac = s.dx_dy[i] + frac * (s.dx_dy[i + 1] - s.dx_dy[i]);
        const double kk = s.k[i] + frac * (s.k[i + 1] - s.k[i]);
        if (!s.caustic[js]) {
          s.density_pointwise[j] += r / std::abs(jac);
          s.current_pointwise[j] += mass_at[j] * kk * r / std::abs(jac);
        }
      }
    }
  }
  return s;
}

}  // namespace wavekin
