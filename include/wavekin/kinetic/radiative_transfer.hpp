// wavekin/kinetic/radiative_transfer.hpp — the radiative transfer equation of the
// random-mass VMSE (P2 (3.6)): Strang splitting of transport and collision.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <numbers>
#include <utility>

#include <Eigen/Core>

#include "wavekin/core/error.hpp"
#include "wavekin/kinetic/collision_operator.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"

namespace wavekin {

/// \brief What RadiativeTransfer needs of a transport solver: `step(W, t, dt)` and
/// `max_stable_dt(t)` (WenoTransport, SpectralShiftTransport).
template <class T>
concept TransportSolver = requires(T& solver, Eigen::VectorXd& W, double t, double dt) {
  solver.step(W, t, dt);
  { solver.max_stable_dt(t) } -> std::convertible_to<double>;
};

/// \brief What RadiativeTransfer needs of a collision solver: `step(W, dt)` returning its
/// substeps, and `grid()` (CollisionOperator: SSP-RK3 substeps; ExactCollision: e^{dt C}).
template <class T>
concept CollisionSolver = requires(T& solver, Eigen::VectorXd& W, double dt) {
  { solver.step(W, dt) } -> std::convertible_to<int>;
  solver.grid().size();
};

/// \brief Substeps taken by the last RadiativeTransfer::step.
struct RadiativeTransferReport {
  int transport_substeps = 0;  ///< per half step
  int collision_substeps = 0;  ///< substeps of the collision step (1 for ExactCollision)
};

/// \brief The radiative transfer equation (P2 (3.6), docs/conventions.md §20)
/// \f[ \partial_t W + m_0 k\cdot\nabla_x W - \tfrac{|k|^2}{2}\nabla_x m_0\cdot\nabla_k W = Q[W] \f]
/// advanced by Strang splitting: half a transport step, a collision step, half a
/// transport step. Second order in dt when each part is at least second order (WENO5 +
/// SSP-RK3 or the exact shift; SSP-RK3 collision or the exact ExactCollision, which leaves only
/// the commutator of the two parts). A part whose stability limit is below
/// its share of dt is split into equal substeps (reported), so any dt is safe; docs/errata.md
/// item 14 (unsplit WENO + collision unstable) is the reason for splitting at all.
/// Mass: each part conserves Σ W to round-off (periodic x, no k outflow while W vanishes
/// at the k boundary), hence so does the step.
///
/// \tparam Transport a TransportSolver on the same PhaseSpaceGrid
/// \tparam Collision a CollisionSolver (CollisionOperator or ExactCollision)
template <TransportSolver Transport, CollisionSolver Collision>
class RadiativeTransfer {
 public:
  using Field = Eigen::VectorXd;

  RadiativeTransfer(Transport transport, Collision collision)
      : m_transport(std::move(transport)), m_collision(std::move(collision)) {
    require(m_transport.grid().size() == m_collision.grid().size(),
            "RadiativeTransfer: transport grid has {} points, collision grid {}",
            m_transport.grid().size(), m_collision.grid().size());
  }

  [[nodiscard]] Transport& transport() noexcept { return m_transport; }
  [[nodiscard]] Collision& collision() noexcept { return m_collision; }
  [[nodiscard]] const RadiativeTransferReport& last_report() const noexcept { return m_report; }

  /// \brief Advances W from t to t + dt.
  /// \pre W.size() == grid size, W finite, dt finite and > 0 (invalid_argument otherwise).
  void step(Field& W, double t, double dt) {
    require(std::isfinite(dt) && dt > 0,
            "RadiativeTransfer::step: dt must be finite and > 0, got {}", dt);
    require(std::isfinite(t), "RadiativeTransfer::step: t must be finite, got {}", t);
    const double half = dt / 2;
    m_report.transport_substeps = transport(W, t, half);
    m_report.collision_substeps = m_collision.step(W, dt);
    transport(W, t + half, half);
  }

 private:
  int transport(Field& W, double t, double dt) {
    const double limit = m_transport.max_stable_dt(t);
    const int substeps = std::isfinite(limit)
                             ? std::max(1, static_cast<int>(std::ceil(dt / limit * (1 - 1e-12))))
                             : 1;
    const double h = dt / substeps;
    for (int s = 0; s < substeps; ++s) m_transport.step(W, t + s * h, h);
    return substeps;
  }

  Transport m_transport;
  Collision m_collision;
  RadiativeTransferReport m_report;
};

/// \brief Regularised monokinetic data W_I(x, k) = ρ_I(x) δ_η(k − p_0) on a 1-D-in-k
/// PhaseSpaceGrid: δ_η a Gaussian of standard deviation η, normalised so that its grid sum
/// times Δk is exactly 1 (so Σ W = Σ ρ_I: the δ's mass is exact). Converges to the δ as
/// η → 0 with η ≥ 2Δk (the Gaussian resolved): moments ∫ f(k) δ_η dk = f(p_0) + η² f''(p_0)/2 +
/// O(η⁴), so observables converge at second order in η.
/// \pre η ≥ 2Δk finite; p_0 at least 6η inside the k-interval (invalid_argument otherwise).
template <class Rho>
Eigen::VectorXd monokinetic_initial_data(const PhaseSpaceGrid<1>& grid, const Rho& rho, double p0,
                                         double eta) {
  const double dk = grid.k_spacings()[0];
  require(std::isfinite(eta) && eta >= 2 * dk,
          "monokinetic_initial_data: eta = {} must be finite and >= 2 dk = {}", eta, 2 * dk);
  require(std::isfinite(p0) && p0 - 6 * eta >= grid.k_min()[0] && p0 + 6 * eta <= grid.k_max()[0],
          "monokinetic_initial_data: p0 = {} must lie 6 eta = {} inside [{}, {}]", p0, 6 * eta,
          grid.k_min()[0], grid.k_max()[0]);
  const std::ptrdiff_t nk = grid.k_size(), nx = grid.x_size();
  Eigen::VectorXd delta(nk);
  for (std::ptrdiff_t q = 0; q < nk; ++q) {
    const double s = (grid.k_coordinate(0, q) - p0) / eta;
    delta[q] = std::exp(-0.5 * s * s);
  }
  delta /= delta.sum() * dk;
  Eigen::VectorXd W(grid.size());
  for (std::ptrdiff_t i = 0; i < nx; ++i) {
    const double r = rho(grid.x_point(i)[0]);
    require(std::isfinite(r) && r >= 0, "monokinetic_initial_data: rho_I = {} at x = {}", r,
            grid.x_point(i)[0]);
    W.segment(i * nk, nk) = r * delta;
  }
  return W;
}

}  // namespace wavekin
