// wavekin/kinetic/exact_collision.hpp — the collision step of the radiative transfer equation
// (P2 (3.6)) solved exactly in time when the collision does not depend on x: W ← W e^{Δt C},
// one GEMM over all x. SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <limits>
#include <utility>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "wavekin/core/error.hpp"
#include "wavekin/kinetic/collision_operator.hpp"

namespace wavekin {

/// \brief The collision part W_t = Q[W] of the radiative transfer equation (P2 (3.6),
/// docs/conventions.md §20) advanced exactly: a collision policy of RadiativeTransfer, in place
/// of CollisionOperator's own SSP-RK3 step, for a CollisionOperator with one kernel (m_0 the
/// same at every x-point, CollisionOperator::kernel_count() == 1, as in P2 §4.2.2).
///
/// On every k-line Q[W] = C W with C = S − diag λ (CollisionOperator::generator), symmetric
/// because the kernel σ(k, p) is, so C = V diag(μ) Vᵀ (one eigendecomposition, at
/// construction) and e^{Δt C} = V diag(e^{Δt μ}) Vᵀ (one N_k³ product per distinct Δt, cached).
/// A step is then W ← W·e^{Δt C} for the N_x × N_k array W: one GEMM, exact for any Δt
/// (no stability limit, no substeps), so Strang splitting with the exact shift transport is
/// second order with an error set by the commutator of transport and collision alone.
///
/// Mass: 1ᵀC = 0 (P2 (3.6) conserves ∫W dk), so e^{Δt C} has unit row sums; the computed
/// propagator is symmetrised and its diagonal corrected to make them exact, and Σ W is
/// conserved to round-off. Positivity: e^{Δt C} ≥ 0 entrywise (C has non-negative off-diagonal
/// entries); the computed one may carry entries of order −1e-16 max|E|.
/// Cost: assembly as CollisionOperator, plus O(N_k³) (eigendecomposition, then one product per
/// new Δt); a step is 2 N_x N_k² flops (the dense GEMM whether or not the kernel is compressed).
///
/// \tparam Dim    space dimension d
/// \tparam Kernel as CollisionOperator
template <int Dim, class Kernel =
                       SeparableCorrelation<ExponentialCorrelation<1>, ExponentialCorrelation<Dim>>>
requires PositiveDimension<Dim>
class ExactCollision {
 public:
  using Field = Eigen::VectorXd;
  using Operator = CollisionOperator<Dim, Kernel>;

  /// \pre collision.kernel_count() == 1 (invalid_argument otherwise: with m_0 varying in x
  ///      there is one propagator per value, not one GEMM).
  explicit ExactCollision(Operator collision) : m_collision(std::move(collision)) {
    require(m_collision.kernel_count() == 1,
            "ExactCollision: the collision must not depend on x (one kernel), but m_0 takes {} "
            "distinct values on the grid",
            m_collision.kernel_count());
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m_collision.generator(0));
    require<convergence_error>(eig.info() == Eigen::Success,
                               "ExactCollision: eigendecomposition of the {} x {} generator failed",
                               m_collision.grid().k_size(), m_collision.grid().k_size());
    m_rates = eig.eigenvalues();
    m_modes = eig.eigenvectors();
  }

  [[nodiscard]] const PhaseSpaceGrid<Dim>& grid() const noexcept { return m_collision.grid(); }
  [[nodiscard]] const Operator& collision() const noexcept { return m_collision; }
  // The driver reports these of its collision policy, whichever it is.
  [[nodiscard]] double kept_fraction() const noexcept { return m_collision.kept_fraction(); }
  [[nodiscard]] const Eigen::VectorXd& rates(std::ptrdiff_t x_flat) const {
    return m_collision.rates(x_flat);
  }
  /// \brief No stability limit: infinity.
  [[nodiscard]] double max_stable_dt() const noexcept {
    return std::numeric_limits<double>::infinity();
  }

  /// \brief e^{dt C}, the N_k × N_k propagator of one k-line (cached for the last dt).
  /// \pre dt finite and > 0 (invalid_argument otherwise).
  const Eigen::MatrixXd& propagator(double dt) {
    require(std::isfinite(dt) && dt > 0, "ExactCollision: dt must be finite and > 0, got {}", dt);
    if (dt == m_dt) return m_propagator;
    const Eigen::MatrixXd scaled = m_modes * (dt * m_rates).array().exp().matrix().asDiagonal();
    m_propagator.noalias() = scaled * m_modes.transpose();
    m_propagator = 0.5 * (m_propagator + m_propagator.transpose()).eval();
    m_propagator.diagonal().array() += 1 - m_propagator.rowwise().sum().array();
    m_dt = dt;
    return m_propagator;
  }

  /// \brief W ← W e^{dt Q}, exactly; returns 1 (one product, RadiativeTransferReport's
  /// collision_substeps).
  /// \pre W.size() == grid().size(), W finite, dt finite and > 0 (invalid_argument otherwise).
  int step(Field& W, double dt) {
    const auto& grid = m_collision.grid();
    require(W.size() == grid.size(), "ExactCollision::step: W has {} entries, expected {}",
            W.size(), grid.size());
    require_finite(W, "ExactCollision::step: W");
    const Eigen::MatrixXd& e = propagator(dt);
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    m_work.resize(W.size());
    const Eigen::Map<const RowMajor> w(W.data(), grid.x_size(), grid.k_size());
    Eigen::Map<RowMajor>(m_work.data(), grid.x_size(), grid.k_size()).noalias() = w * e;
    W.swap(m_work);
    return 1;
  }

 private:
  Operator m_collision;
  Eigen::VectorXd m_rates;  // eigenvalues μ of C (≤ 0)
  Eigen::MatrixXd m_modes;  // its orthonormal eigenvectors V
  double m_dt = std::numeric_limits<double>::quiet_NaN();
  Eigen::MatrixXd m_propagator;
  Field m_work;
};

}  // namespace wavekin
