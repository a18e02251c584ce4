// wavekin/kinetic/weno_transport.hpp — the Liouville equation on a phase-space grid:
// fifth-order WENO (Jiang–Shu) flux-split finite differences with SSP-RK3 in time.
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
#include "wavekin/kinetic/hamiltonian.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"

namespace wavekin {

/// \brief Options of WenoTransport.
struct WenoTransportOptions {
  double cfl = 0.5;             ///< C in dt ≤ C / Σ_axes (max|a_axis| / h_axis)
  double weno_epsilon = 1e-6;   ///< ε of the Jiang–Shu weights d_r/(ε + β_r)²
};

namespace detail {

// Jiang–Shu WENO5 value at the right face i+½ from v = (v_{i−2}, …, v_{i+2}) (upwind to
// the left). Fifth order where smooth.
inline double weno5_face(double vm2, double vm1, double v0, double vp1, double vp2, double eps) {
  const double q0 = (2 * vm2 - 7 * vm1 + 11 * v0) / 6;
  const double q1 = (-vm1 + 5 * v0 + 2 * vp1) / 6;
  const double q2 = (2 * v0 + 5 * vp1 - vp2) / 6;
  const double s0 = vm2 - 2 * vm1 + v0, t0 = vm2 - 4 * vm1 + 3 * v0;
  const double s1 = vm1 - 2 * v0 + vp1, t1 = vm1 - vp1;
  const double s2 = v0 - 2 * vp1 + vp2, t2 = 3 * v0 - 4 * vp1 + vp2;
  const double b0 = 13.0 / 12 * s0 * s0 + 0.25 * t0 * t0;
  const double b1 = 13.0 / 12 * s1 * s1 + 0.25 * t1 * t1;
  const double b2 = 13.0 / 12 * s2 * s2 + 0.25 * t2 * t2;
  const double a0 = 0.1 / ((eps + b0) * (eps + b0));
  const double a1 = 0.6 / ((eps + b1) * (eps + b1));
  const double a2 = 0.3 / ((eps + b2) * (eps + b2));
  return (a0 * q0 + a1 * q1 + a2 * q2) / (a0 + a1 + a2);
}

}  // namespace detail

/// \brief Solves the Liouville equation \f$\partial_t W + \nabla_k H\cdot\nabla_x W -
/// \nabla_x H\cdot\nabla_k W = 0\f$ with \f$H = \tfrac12 m_0|k|^2 + V\f$ (P2 §2.3–2.4,
/// docs/conventions.md §20) on a PhaseSpaceGrid<Dim>.
///
/// Discretisation. The phase-space flow is divergence-free, so the equation is written
/// in conservation form \f$\partial_t W + \sum_a \partial_{x_a}(a_{x_a} W) + \sum_a
/// \partial_{k_a}(a_{k_a} W) = 0\f$ with \f$a_x = m_0 k\f$, \f$a_k = -(\tfrac12|k|^2\nabla m_0 +
/// \nabla V)\f$, and each axis is differenced by the conservative finite-difference
/// WENO5 scheme of Jiang–Shu (J. Comput. Phys. 126 (1996)) with local Lax–Friedrichs
/// flux splitting per grid line, \f$f^\pm = \tfrac12(a \pm \alpha)W\f$, \f$\alpha = \max_{line}|a|\f$.
/// x axes are periodic; k axes have three zero ghost cells per side (zero inflow; mass
/// leaves through the k boundary only by outflow). Time: SSP-RK3 (Shu–Osher).
///
/// Order: 5 in space where W is smooth (3 at smooth extrema on coarse grids, the known
/// Jiang–Shu degradation), 3 in time. Invariants: with periodic x and no k outflow,
/// Σ W · cell_volume is conserved to round-off (telescoping fluxes). Stability:
/// dt ≤ cfl / Σ_axes (max|a_axis| / h_axis), cfl = 0.5 by default, checked on every step
/// at the three stage times (t, t + dt, t + dt/2).
/// Cost per step: 3 × (size() × 2·Dim WENO reconstructions + x_size() evaluations of
/// m_0, ∇m_0, ∇V). Buffers are allocated once at construction.
///
/// \tparam Dim space dimension d (every loop is per phase-space axis; tested for d = 1
///             (convergence, moments) and d = 2 (mass conservation))
/// \tparam H   a KineticHamiltonian with H::dimension == Dim
template <int Dim, KineticHamiltonian H>
class WenoTransport {
  static_assert(H::dimension == Dim, "WenoTransport: the Hamiltonian's dimension must equal Dim");

 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;
  using Field = Eigen::VectorXd;
  using Current = Eigen::Matrix<double, Dim, Eigen::Dynamic>;

  /// \pre cfl in (0, 1]; weno_epsilon > 0.
  WenoTransport(PhaseSpaceGrid<Dim> grid, H hamiltonian, WenoTransportOptions options = {})
      : m_grid(std::move(grid)), m_h(std::move(hamiltonian)), m_options(options) {
    require(std::isfinite(options.cfl) && options.cfl > 0 && options.cfl <= 1,
            "WenoTransport: cfl must be in (0, 1], got {}", options.cfl);
    require(std::isfinite(options.weno_epsilon) && options.weno_epsilon > 0,
            "WenoTransport: weno_epsilon must be finite and > 0, got {}", options.weno_epsilon);
    const auto nx = static_cast<std::size_t>(m_grid.x_size());
    m_x_points.resize(nx);
    for (std::size_t i = 0; i < nx; ++i) m_x_points[i] = m_grid.x_point(static_cast<std::ptrdiff_t>(i));
    m_k_points.resize(static_cast<std::size_t>(m_grid.k_size()));
    for (std::ptrdiff_t j = 0; j < m_grid.k_size(); ++j) m_k_points[static_cast<std::size_t>(j)] = m_grid.k_point(j);
    for (auto& c : m_cache) c.resize(nx);
    std::ptrdiff_t longest = 0;
    for (int a = 0; a < 2 * Dim; ++a) longest = std::max(longest, m_grid.count(a));
    m_fp.resize(static_cast<std::size_t>(longest + 6));
    m_fm.resize(static_cast<std::size_t>(longest + 6));
    m_speed.resize(static_cast<std::size_t>(longest));
    m_flux.resize(static_cast<std::size_t>(longest + 1));
    m_w1.resize(m_grid.size());
    m_w2.resize(m_grid.size());
    m_rhs.resize(m_grid.size());
  }

  [[nodiscard]] const PhaseSpaceGrid<Dim>& grid() const noexcept { return m_grid; }
  [[nodiscard]] const H& hamiltonian() const noexcept { return m_h; }
  [[nodiscard]] const WenoTransportOptions& options() const noexcept { return m_options; }

  /// \brief The largest dt the CFL condition allows for velocities at time t:
  /// cfl / Σ_axes (max|a_axis| / h_axis) (infinity if nothing moves).
  [[nodiscard]] double max_stable_dt(double t) {
    fill_cache(m_cache[0], t);
    return stable_dt(m_cache[0]);
  }

  /// \brief Advances W from t to t + dt by one SSP-RK3 step.
  /// \pre W.size() == grid().size(), W finite, dt finite and > 0, and dt ≤ the CFL limit
  ///      at each of the stage times t, t + dt, t + dt/2 (invalid_argument otherwise,
  ///      naming dt and the limit). W is left unchanged when a check fails.
  void step(Field& W, double t, double dt) {
    require(W.size() == m_grid.size(), "WenoTransport::step: W has {} entries, expected {}",
            W.size(), m_grid.size());
    require(std::isfinite(dt) && dt > 0, "WenoTransport::step: dt must be finite and > 0, got {}", dt);
    require(std::isfinite(t), "WenoTransport::step: t must be finite, got {}", t);
    require_finite(W, "WenoTransport::step: W");
    const std::array<double, 3> times{t, t + dt, t + 0.5 * dt};
    for (std::size_t s = 0; s < 3; ++s) {
      fill_cache(m_cache[s], times[s]);
      const double limit = stable_dt(m_cache[s]);
      require(dt <= limit * (1 + 1e-12),
              "WenoTransport::step: dt = {} exceeds the CFL limit {} (cfl = {}) at t = {}", dt,
              limit, m_options.cfl, times[s]);
    }
    apply(W, m_cache[0], m_rhs);
    m_w1 = W + dt * m_rhs;
    apply(m_w1, m_cache[1], m_rhs);
    m_w2 = 0.75 * W + 0.25 * (m_w1 + dt * m_rhs);
    apply(m_w2, m_cache[2], m_rhs);
    W = (1.0 / 3) * W + (2.0 / 3) * (m_w2 + dt * m_rhs);
  }

  /// \brief The spatial operator L(W) = −Σ_axes ∂_axis(a_axis W) at time t (into out).
  void operator_at(const Field& W, double t, Field& out) {
    require(W.size() == m_grid.size(), "WenoTransport: W has {} entries, expected {}", W.size(),
            m_grid.size());
    fill_cache(m_cache[0], t);
    out.resize(m_grid.size());
    apply(W, m_cache[0], out);
  }

  /// \brief ρ⁰(x) = ∫ W dk (midpoint rule in k), one value per x-point.
  [[nodiscard]] Eigen::VectorXd density(const Field& W) const {
    require(W.size() == m_grid.size(), "WenoTransport::density: W has {} entries, expected {}",
            W.size(), m_grid.size());
    Eigen::VectorXd rho(m_grid.x_size());
    for (std::ptrdiff_t i = 0; i < m_grid.x_size(); ++i) {
      rho[i] = W.segment(i * m_grid.k_size(), m_grid.k_size()).sum() * m_grid.k_cell_volume();
    }
    return rho;
  }

  /// \brief J⁰(t, x) = m_0(t, x) ∫ k W dk (docs/conventions.md §20), a Dim × x_size() matrix.
  [[nodiscard]] Current current(const Field& W, double t) const {
    require(W.size() == m_grid.size(), "WenoTransport::current: W has {} entries, expected {}",
            W.size(), m_grid.size());
    Current j = Current::Zero(Dim, m_grid.x_size());
    const auto nk = m_grid.k_size();
    for (std::ptrdiff_t i = 0; i < m_grid.x_size(); ++i) {
      Vector sum = Vector::Zero();
      for (std::ptrdiff_t q = 0; q < nk; ++q) sum += W[i * nk + q] * m_k_points[static_cast<std::size_t>(q)];
      j.col(i) = m_h.mass(t, m_x_points[static_cast<std::size_t>(i)]) * m_grid.k_cell_volume() * sum;
    }
    return j;
  }

  /// \brief Σ W · cell_volume(), the total mass.
  [[nodiscard]] double mass(const Field& W) const { return W.sum() * m_grid.cell_volume(); }

 private:
  struct Coefficients {
    double m;
    Vector dm, dv;
  };
  using Cache = std::vector<Coefficients>;

  void fill_cache(Cache& cache, double t) const {
    for (std::size_t i = 0; i < m_x_points.size(); ++i) {
      cache[i].m = m_h.mass(t, m_x_points[i]);
      cache[i].dm = m_h.mass_gradient(t, m_x_points[i]);
      cache[i].dv = m_h.potential_gradient(t, m_x_points[i]);
    }
  }

  // Velocity along phase-space axis `axis` at flat index idx.
  double velocity(const Cache& cache, int axis, std::ptrdiff_t idx) const {
    const auto nk = m_grid.k_size();
    const auto& c = cache[static_cast<std::size_t>(idx / nk)];
    const Vector& k = m_k_points[static_cast<std::size_t>(idx % nk)];
    if (axis < Dim) return c.m * k[axis];
    const int a = axis - Dim;
    return -(0.5 * k.squaredNorm() * c.dm[a] + c.dv[a]);
  }

  double stable_dt(const Cache& cache) const {
    double rate = 0;
    for (int axis = 0; axis < 2 * Dim; ++axis) {
      double vmax = 0;
      for (std::ptrdiff_t idx = 0; idx < m_grid.size(); ++idx) {
        vmax = std::max(vmax, std::abs(velocity(cache, axis, idx)));
      }
      rate += vmax / m_grid.spacing(axis);
    }
    require(std::isfinite(rate), "WenoTransport: non-finite velocity (check m_0, grad m_0, grad V)");
    return rate == 0 ? std::numeric_limits<double>::infinity() : m_options.cfl / rate;
  }

  void apply(const Field& W, const Cache& cache, Field& out) {
    out.setZero();
    const double eps = m_options.weno_epsilon;
    for (int axis = 0; axis < 2 * Dim; ++axis) {
      const std::ptrdiff_t n = m_grid.count(axis);
      const std::ptrdiff_t s = m_grid.stride(axis);
      const bool periodic = m_grid.periodic(axis);
      const double inv_h = 1.0 / m_grid.spacing(axis);
      const std::ptrdiff_t block = n * s;
      const std::ptrdiff_t outer_count = m_grid.size() / block;
      for (std::ptrdiff_t outer = 0; outer < outer_count; ++outer) {
        for (std::ptrdiff_t inner = 0; inner < s; ++inner) {
          const std::ptrdiff_t base = outer * block + inner;
          double alpha = 0;
          for (std::ptrdiff_t i = 0; i < n; ++i) {
            const double a = velocity(cache, axis, base + i * s);
            m_speed[static_cast<std::size_t>(i)] = a;
            alpha = std::max(alpha, std::abs(a));
          }
          // Split fluxes on the padded line: slot i + 3 holds point i.
          for (std::ptrdiff_t i = -3; i < n + 3; ++i) {
            double fp = 0, fm = 0;
            if (periodic || (i >= 0 && i < n)) {
              const std::ptrdiff_t j = ((i % n) + n) % n;
              const double w = W[base + j * s];
              const double a = m_speed[static_cast<std::size_t>(j)];
              fp = 0.5 * (a + alpha) * w;
              fm = 0.5 * (a - alpha) * w;
            }
            m_fp[static_cast<std::size_t>(i + 3)] = fp;
            m_fm[static_cast<std::size_t>(i + 3)] = fm;
          }
          // Face f holds the flux at i = f − ½, f = 0 … n.
          for (std::ptrdiff_t f = 0; f <= n; ++f) {
            const auto c = static_cast<std::size_t>(f - 1 + 3);  // slot of point i = f − 1
            const double plus = detail::weno5_face(m_fp[c - 2], m_fp[c - 1], m_fp[c], m_fp[c + 1],
                                                   m_fp[c + 2], eps);
            const double minus = detail::weno5_face(m_fm[c + 3], m_fm[c + 2], m_fm[c + 1],
                                                    m_fm[c], m_fm[c - 1], eps);
            m_flux[static_cast<std::size_t>(f)] = plus + minus;
          }
          if (periodic) m_flux[0] = m_flux[static_cast<std::size_t>(n)];  // exact telescoping
          for (std::ptrdiff_t i = 0; i < n; ++i) {
            out[base + i * s] -=
                (m_flux[static_cast<std::size_t>(i + 1)] - m_flux[static_cast<std::size_t>(i)]) * inv_h;
          }
        }
      }
    }
  }

  PhaseSpaceGrid<Dim> m_grid;
  H m_h;
  WenoTransportOptions m_options;
  std::vector<Vector> m_x_points, m_k_points;
  std::array<Cache, 3> m_cache;
  std::vector<double> m_fp, m_fm, m_speed, m_flux;
  Field m_w1, m_w2, m_rhs;
};

/// \brief Builds a WenoTransport, deducing Dim and H from the arguments.
template <int Dim, KineticHamiltonian H>
WenoTransport<Dim, H> make_weno_transport(PhaseSpaceGrid<Dim> grid, H hamiltonian,
                                          WenoTransportOptions options = {}) {
  return WenoTransport<Dim, H>(std::move(grid), std::move(hamiltonian), options);
}

}  // namespace wavekin
