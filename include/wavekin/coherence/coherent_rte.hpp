// wavekin/coherence/coherent_rte.hpp — time stepping of the coupled RTE of P1 (4.15): Strang
// splitting of the exact transport/relaxation step and the collision. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <utility>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherence_liouville.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/detail/collision_substeps.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief Integrates the coupled RTE of P1 (4.15):
/// \f[\partial_t\sigma + \sum_i(\partial_{x_i}\sigma)D_i(p) = \tfrac{i}{\varepsilon}
/// [\sigma,\mathrm{diag}\,E(p)] + Q[\sigma],\f]
/// Q the CoherentCollision (the same at every x), by Strang splitting:
/// half a step of CoherenceLiouville (exact transport + relaxation), a full collision step, half
/// a Liouville step. The collision step is classic RK4 on ds/dt = Q s, done for all x at once
/// (the field as an N_x × (N_p n²) matrix Y, Y' = Y Qᵀ), in s = ⌈Δt·ρ/2⌉ equal sub-steps, ρ the
/// Gershgorin bound of Q, so that every sub-step has Δt_s·ρ ≤ 2, inside RK4's stability region
/// for the dissipative spectrum of Q. The sub-step count is a function of Δt only, so the
/// scheme is second order in Δt overall (measured in the tests), with no stiffness from 1/ε.
///
/// The field's momentum points must be the collision's zone-grid vertices in their order
/// (a CoherenceField on the collision's ZoneGrid), and the band data the same points.
/// \tparam Dim  dimension of x and p
template <int Dim>
class CoherentRte {
 public:
  using Grid = PeriodicGrid<Dim, double>;
  using Bands = BandData<Dim, double>;
  using Field = CoherenceField<Dim, Dim, double>;
  using Collision = CoherentCollision<Dim>;

  /// \pre epsilon finite and > 0; bands and collision with the same n and the same number of
  ///      momentum points (invalid_argument otherwise).
  CoherentRte(const Grid& grid, Bands bands, double epsilon, Collision collision,
              const CoherenceLiouvilleOptions& options = {})
      : m_liouville(grid, std::move(bands), epsilon, options), m_collision(std::move(collision)) {
    require(m_liouville.bands().band_count() == m_collision.band_count(),
            "CoherentRte: band data have n = {} bands, the collision n = {}",
            m_liouville.bands().band_count(), m_collision.band_count());
    require(m_liouville.bands().size() == m_collision.vertex_count(),
            "CoherentRte: band data have {} momentum points, the collision {} zone vertices",
            m_liouville.bands().size(), m_collision.vertex_count());
    // RK4 stage buffers, allocated here once (nothing is allocated inside a step).
    const auto nx = static_cast<Eigen::Index>(grid.size());
    const auto blocks = static_cast<Eigen::Index>(m_collision.matrix().rows());
    for (auto* buffer : {&m_k1, &m_k2, &m_k3, &m_k4, &m_stage}) buffer->resize(nx, blocks);
  }

  /// \brief σ ≡ 0 on this solver's x-grid and at the collision's zone-grid vertices: the field
  /// step() expects, with nothing to restate.
  [[nodiscard]] Field make_field() const {
    return Field(m_liouville.grid(), m_collision.zone(), m_collision.band_count());
  }
  [[nodiscard]] const CoherenceLiouville<Dim>& liouville() const noexcept { return m_liouville; }
  [[nodiscard]] const Collision& collision() const noexcept { return m_collision; }

  /// \brief Advances `field` from t to t + dt (Strang: Liouville dt/2, collision dt, Liouville
  /// dt/2). The field is validated once, here.
  /// \pre t finite; dt finite and > 0; field matching grid, bands and collision; values finite.
  void step(Field& field, double t, double dt) {
    require(std::isfinite(t), "CoherentRte::step: t = {} is not finite", t);
    require(std::isfinite(dt) && dt > 0, "CoherentRte::step: dt = {} must be finite and > 0", dt);
    check_field(field, "CoherentRte::step");
    m_liouville.transport(field, t, dt / 2);
    collide_unchecked(field, dt);
    m_liouville.transport(field, t + dt / 2, dt / 2);
  }

  /// \brief The collision step alone: ds/dt = Q s over dt at every x (RK4 sub-steps as above).
  /// \pre dt finite and > 0; field matching; values finite.
  void collide(Field& field, double dt) const {
    require(std::isfinite(dt) && dt > 0, "CoherentRte::collide: dt = {} must be finite and > 0",
            dt);
    check_field(field, "CoherentRte::collide");
    collide_unchecked(field, dt);
  }

 private:
  void collide_unchecked(Field& field, double dt) const {
    const auto nx = static_cast<Eigen::Index>(field.grid().size());
    Eigen::Map<Eigen::MatrixXcd> y(field.values().data(), nx, field.block_count());
    detail::collision_substeps(
        y, dt, m_collision.spectral_bound(),
        [this](const auto& in, Eigen::MatrixXcd& out) { apply_q(in, out); }, m_k1, m_k2, m_k3, m_k4,
        m_stage);
  }

  // out = in Qᵀ, i.e. out.col(r) = Σ_c Q_rc in.col(c): one contiguous N_x-long axpy per
  // nonzero of Q (about 8× faster than Eigen's dense × sparse product on these shapes).
  template <class In>
  void apply_q(const In& in, Eigen::MatrixXcd& out) const {
    out.setZero();
    const auto& q = m_collision.matrix();
    for (Eigen::Index r = 0; r < q.outerSize(); ++r)
      for (typename Collision::Matrix::InnerIterator it(q, r); it; ++it)
        out.col(r) += it.value() * in.col(it.col());
  }

  void check_field(const Field& field, const char* who) const {
    require(field.band_count() == m_collision.band_count() &&
                field.momentum_count() == m_collision.vertex_count(),
            "{}: field has n = {} bands at {} momentum points, expected n = {} at {}", who,
            field.band_count(), field.momentum_count(), m_collision.band_count(),
            m_collision.vertex_count());
    require_finite(field.values(), "CoherentRte: field value");
  }

  CoherenceLiouville<Dim> m_liouville;
  Collision m_collision;
  // RK4 stages of the collision step; collide() is const but uses them (one object per thread).
  mutable Eigen::MatrixXcd m_k1, m_k2, m_k3, m_k4, m_stage;
};

}  // namespace wavekin
