// wavekin/coherence/homogeneous_coherent_rte.hpp — the coupled RTE of P1 (4.15) for σ independent
// of x: relaxation and collision on one coherence vector. SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <utility>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/detail/collision_substeps.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief Integrates the coupled RTE of P1 (4.15) for a σ that does not depend on x (random
/// media that are statistically homogeneous, data spread over the whole torus), where the
/// transport term drops and
/// \f[\partial_t\sigma = \tfrac{i}{\varepsilon}[\sigma,\mathrm{diag}\,E(p)] + Q[\sigma],\f]
/// on the vector s_{(v·n+j)·n+l} = σ_jl(p_v) of CoherentCollision. Strang splitting as
/// CoherentRte: half a step of the exact relaxation σ_jl ← e^{(i/ε)(E_l − E_j)Δt/2} σ_jl, a full
/// collision step (RK4 sub-steps with Δt_s·ρ ≤ 2, detail::collision_substeps), half a relaxation
/// step. On a field constant in x, CoherentRte computes the same steps on every x-point; this
/// solver does it once (the tests check the two agree to round-off), so its cost is one sparse
/// product per RK4 stage and its memory the collision plus six vectors.
/// \tparam Dim  dimension of p
template <int Dim>
class HomogeneousCoherentRte {
 public:
  using Collision = CoherentCollision<Dim>;
  using Vector = Eigen::VectorXcd;

  /// \param energies  E_j(p_v), vertices × n: the collision's points and bands (what
  ///                  CollisionBands::energies holds)
  /// \pre epsilon finite and > 0; energies collision.vertex_count() × collision.band_count(),
  ///      finite (invalid_argument otherwise).
  HomogeneousCoherentRte(const Eigen::MatrixXd& energies, double epsilon, Collision collision)
      : m_energies(energies), m_epsilon(epsilon), m_collision(std::move(collision)) {
    require(std::isfinite(epsilon) && epsilon > 0,
            "HomogeneousCoherentRte: epsilon = {} must be finite and > 0", epsilon);
    require(
        energies.rows() == m_collision.vertex_count() &&
            energies.cols() == m_collision.band_count(),
        "HomogeneousCoherentRte: energies are {} x {}, the collision has {} vertices x {} bands",
        energies.rows(), energies.cols(), m_collision.vertex_count(), m_collision.band_count());
    require(energies.allFinite(), "HomogeneousCoherentRte: the energies are not finite");
    const auto size = static_cast<Eigen::Index>(m_collision.matrix().rows());
    for (auto* buffer : {&m_k1, &m_k2, &m_k3, &m_k4, &m_stage, &m_phase}) buffer->resize(size);
  }

  [[nodiscard]] const Collision& collision() const noexcept { return m_collision; }
  [[nodiscard]] double epsilon() const noexcept { return m_epsilon; }
  /// \brief Entries of the state vector: vertices × n².
  [[nodiscard]] Eigen::Index size() const noexcept { return m_collision.matrix().rows(); }

  /// \brief Advances s from t to t + dt (Strang: relaxation dt/2, collision dt, relaxation dt/2).
  /// \pre s.size() == size(), finite; t finite; dt finite and > 0.
  void step(Vector& s, double t, double dt) {
    require(std::isfinite(t), "HomogeneousCoherentRte::step: t = {} is not finite", t);
    require(std::isfinite(dt) && dt > 0,
            "HomogeneousCoherentRte::step: dt = {} must be finite and > 0", dt);
    require(s.size() == size(), "HomogeneousCoherentRte::step: s has {} entries, expected {}",
            s.size(), size());
    require(s.allFinite(), "HomogeneousCoherentRte::step: s is not finite");
    if (dt != m_phase_dt) {
      // e^{(i/ε)(E_l − E_j)dt/2} on entry (v·n + j)·n + l.
      const Eigen::Index n = m_collision.band_count();
      for (Eigen::Index v = 0; v < m_energies.rows(); ++v)
        for (Eigen::Index j = 0; j < n; ++j)
          for (Eigen::Index l = 0; l < n; ++l)
            m_phase[(v * n + j) * n + l] = std::exp(std::complex<double>(
                0, (m_energies(v, l) - m_energies(v, j)) * dt / (2 * m_epsilon)));
      m_phase_dt = dt;
    }
    s.array() *= m_phase.array();
    const auto& q = m_collision.matrix();
    detail::collision_substeps(
        s, dt, m_collision.spectral_bound(),
        [&q](const Vector& in, Vector& out) { out.noalias() = q * in; }, m_k1, m_k2, m_k3, m_k4,
        m_stage);
    s.array() *= m_phase.array();
  }

 private:
  Eigen::MatrixXd m_energies;
  double m_epsilon;
  Collision m_collision;
  Vector m_k1, m_k2, m_k3, m_k4, m_stage, m_phase;
  double m_phase_dt = std::nan("");
};

}  // namespace wavekin
