// wavekin/core/zone_grid.hpp — the one description of a momentum grid: a lattice, counts along the
// dual basis and an optional support (a patch), with momenta, weights, balls and refinement.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/detail/checked_size.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

/// \brief Quasimomenta p_q with quadrature weights w_q: ∫_B f(p) dp ≈ Σ_q w_q f(p_q).
///
/// Any list will do: a ZoneGrid's (ZoneGrid::quadrature()), or a locally refined set around a
/// crossing (ZoneGrid::refined_near), so that the ε^{1/r} neighbourhood of P1 (3.21) is resolved.
template <int PDim, RealScalar Scalar = double>
struct MomentumQuadrature {
  using Momentum = Eigen::Matrix<Scalar, PDim, 1>;
  std::vector<Momentum> points;
  std::vector<Scalar> weights;
};

/// \brief The uniform grid p = Σ_l (i_l / N_l) e^l, 0 ≤ i_l < N_l, of the zone
/// B = {Σ θ_l e^l : θ ∈ [0,1)^Dim} (P1 (3.4)), or a patch of it: the grid vertices listed in
/// `support` (flat indices, first index fastest, strictly increasing). It is the one description
/// of a p-grid: CoherenceField, EnergyShellQuadrature and the collision operators all take it.
///
/// Vertex v ↔ grid point grid_index(v) (v itself without a support). Order: first index fastest,
/// BandTable::uniform_grid's order, so band tables match it point by point. Weights |B| / ΠN_l:
/// the rectangle rule, spectrally accurate for smooth Λ*-periodic integrands.
///
/// \tparam Dim     dimension of p
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
  requires PositiveDimension<Dim>
class ZoneGrid {
 public:
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using Counts = std::array<Eigen::Index, Dim>;
  static constexpr int dimension = Dim;

  /// \pre every count >= 1, their product representable; support indices strictly increasing
  ///      inside the grid (invalid_argument naming the entry otherwise).
  ZoneGrid(const Lattice<Dim, Scalar>& lattice, const Counts& counts,
           std::vector<Eigen::Index> support = {})
      : m_lattice(lattice), m_counts(counts), m_support(std::move(support)) {
    for (int l = 0; l < Dim; ++l) {
      const auto n = m_counts[static_cast<std::size_t>(l)];
      require(n >= 1, "ZoneGrid: points along e^{} must be >= 1, got {}", l + 1, n);
    }
    const auto total = detail::checked_product(m_counts);
    require(total.has_value() && *total <= max_grid_size,
            "ZoneGrid: {} = {:.3g} grid points are too many (at most {:.3g})",
            fmt::join(m_counts, " × "), product_estimate(m_counts),
            static_cast<double>(max_grid_size));
    m_grid_size = *total;
    for (std::size_t k = 0; k < m_support.size(); ++k) {
      require(m_support[k] >= 0 && m_support[k] < m_grid_size,
              "ZoneGrid: support entry {} is grid index {}, outside [0, {})", k, m_support[k],
              m_grid_size);
      require(k == 0 || m_support[k] > m_support[k - 1],
              "ZoneGrid: support entry {} ({}) does not increase", k, m_support[k]);
    }
  }

  [[nodiscard]] const Lattice<Dim, Scalar>& lattice() const noexcept { return m_lattice; }
  [[nodiscard]] const Counts& counts() const noexcept { return m_counts; }
  /// \brief The grid vertices kept (flat indices); empty for the whole grid.
  [[nodiscard]] const std::vector<Eigen::Index>& support() const noexcept { return m_support; }
  [[nodiscard]] bool is_patch() const noexcept { return !m_support.empty(); }
  /// \brief ΠN_l, the whole grid's point count.
  [[nodiscard]] Eigen::Index grid_size() const noexcept { return m_grid_size; }
  /// \brief Number of vertices: support().size(), or grid_size() without a support.
  [[nodiscard]] Eigen::Index size() const noexcept {
    return is_patch() ? static_cast<Eigen::Index>(m_support.size()) : m_grid_size;
  }
  /// \brief Flat grid index of vertex v.
  [[nodiscard]] Eigen::Index grid_index(Eigen::Index v) const {
    require(v >= 0 && v < size(), "ZoneGrid: vertex {} is outside [0, {})", v, size());
    return is_patch() ? m_support[static_cast<std::size_t>(v)] : v;
  }
  /// \brief Σ_l (i_l / N_l) e^l of the flat grid index (first index fastest).
  [[nodiscard]] Vector grid_point(Eigen::Index flat) const {
    Vector theta;
    for (int l = 0; l < Dim; ++l) {
      const auto n = m_counts[static_cast<std::size_t>(l)];
      theta[l] = static_cast<Scalar>(flat % n) / static_cast<Scalar>(n);
      flat /= n;
    }
    return m_lattice.dual_basis() * theta;
  }
  /// \brief The momentum of vertex v.
  [[nodiscard]] Vector momentum(Eigen::Index v) const { return grid_point(grid_index(v)); }
  /// \brief Every vertex's quadrature weight, |B| / ΠN_l.
  [[nodiscard]] Scalar weight() const noexcept {
    return m_lattice.zone_volume() / static_cast<Scalar>(m_grid_size);
  }
  /// \brief The vertices' momenta and weights, in vertex order.
  [[nodiscard]] MomentumQuadrature<Dim, Scalar> quadrature() const {
    MomentumQuadrature<Dim, Scalar> out;
    out.points.reserve(static_cast<std::size_t>(size()));
    for (Eigen::Index v = 0; v < size(); ++v) out.points.push_back(momentum(v));
    out.weights.assign(static_cast<std::size_t>(size()), weight());
    return out;
  }

  /// \brief p − c' for c' the Λ*-translate of `centre` nearest p (which ball a momentum lies in,
  /// and where in it). Reduces into the Γ-centred parallelepiped, then tries the neighbouring
  /// translates (the parallelepiped is not the Wigner–Seitz cell of an oblique lattice).
  [[nodiscard]] Vector displacement(const Vector& p, const Vector& centre) const {
    const Vector d = m_lattice.reduce_centred(p - centre).p;
    Vector best = d;
    std::array<int, Dim> shift;
    shift.fill(-1);
    while (true) {
      Vector n;
      for (int l = 0; l < Dim; ++l) n[l] = static_cast<Scalar>(shift[static_cast<std::size_t>(l)]);
      const Vector candidate = d + m_lattice.dual_basis() * n;
      if (candidate.norm() < best.norm()) best = candidate;
      int l = 0;
      while (l < Dim && ++shift[static_cast<std::size_t>(l)] > 1)
        shift[static_cast<std::size_t>(l++)] = -1;
      if (l == Dim) break;
    }
    return best;
  }
  /// \brief |displacement(p, centre)|: the distance to the nearest Λ*-translate of `centre`.
  [[nodiscard]] Scalar distance(const Vector& p, const Vector& centre) const {
    return displacement(p, centre).norm();
  }

  /// \brief The patch of this grid's vertices within `radius` of one of `centres` (distance to
  /// the nearest Λ*-translate): e.g. the balls B_ε(K) ∪ B_ε(K') of P1 (5.2), resolved by a fine
  /// grid without sampling the rest of the zone. Cost O(size · centres · 3^Dim).
  /// \pre centres non-empty and finite; radius finite and > 0.
  [[nodiscard]] ZoneGrid restricted_to_balls(const std::vector<Vector>& centres,
                                             Scalar radius) const {
    require(!centres.empty(), "ZoneGrid::restricted_to_balls: no ball centres given");
    for (std::size_t c = 0; c < centres.size(); ++c)
      require(centres[c].allFinite(), "ZoneGrid::restricted_to_balls: centre {} is not finite", c);
    require(std::isfinite(radius) && radius > 0,
            "ZoneGrid::restricted_to_balls: radius must be finite and > 0, got {}", radius);
    std::vector<Eigen::Index> support;
    for (Eigen::Index v = 0; v < size(); ++v) {
      const Vector p = momentum(v);
      for (const auto& centre : centres)
        if (distance(p, centre) <= radius) {
          support.push_back(grid_index(v));
          break;
        }
    }
    require(!support.empty(),
            "ZoneGrid::restricted_to_balls: no grid vertex lies within {} of a centre; refine the "
            "grid or widen the balls",
            radius);
    return ZoneGrid(m_lattice, m_counts, std::move(support));
  }

  /// \brief The grid refined near a crossing: vertices within `radius` of `centre` (nearest
  /// Λ*-translate) are each replaced by factor^Dim points, so that a packet of width ∝ ε^{1/r}
  /// around a crossing p* (P1 (3.21)) is resolved without refining the whole zone.
  ///
  /// Each vertex p_i = Σ_l (i_l/N_l) e^l stands for the cell Σ_l θ_l e^l,
  /// θ_l ∈ [(i_l − ½)/N_l, (i_l + ½)/N_l), of which it is the midpoint; a refined cell is split
  /// into factor^Dim equal sub-cells, each carrying its midpoint and weight |cell|/factor^Dim.
  /// The weights of a whole grid sum to |B| exactly and the rule is the composite midpoint rule
  /// on the mixed partition: second order in the local cell size, spectral where no cell is
  /// refined. Points keep the vertex order, a refined cell's sub-points (first index fastest) in
  /// place of its vertex.
  /// \pre centre finite; radius finite and >= 0; factor >= 1.
  [[nodiscard]] MomentumQuadrature<Dim, Scalar> refined_near(const Vector& centre, Scalar radius,
                                                             int factor) const {
    require(centre.allFinite(), "ZoneGrid::refined_near: centre must be finite");
    require(std::isfinite(radius) && radius >= 0,
            "ZoneGrid::refined_near: radius must be finite and >= 0, got {}", radius);
    require(factor >= 1, "ZoneGrid::refined_near: factor must be >= 1, got {}", factor);
    std::array<Eigen::Index, Dim> factors;
    factors.fill(factor);
    const auto sub_cells = detail::checked_product(factors);
    require(sub_cells.has_value() && *sub_cells <= max_grid_size,
            "ZoneGrid::refined_near: factor {} makes {:.3g} sub-points per refined vertex (at most "
            "{:.3g})",
            factor, product_estimate(factors), static_cast<double>(max_grid_size));
    const Eigen::Index sub_count = *sub_cells;
    MomentumQuadrature<Dim, Scalar> out;
    for (Eigen::Index v = 0; v < size(); ++v) {
      const Vector p = momentum(v);
      if (factor == 1 || distance(p, centre) > radius) {
        out.points.push_back(p);
        out.weights.push_back(weight());
        continue;
      }
      for (Eigen::Index flat = 0; flat < sub_count; ++flat) {
        Vector offset;  // in units of e^l
        Eigen::Index rest = flat;
        for (int l = 0; l < Dim; ++l) {
          const auto s = rest % factor;
          rest /= factor;
          offset[l] = ((static_cast<Scalar>(s) + Scalar(0.5)) / static_cast<Scalar>(factor) -
                       Scalar(0.5)) /
                      static_cast<Scalar>(m_counts[static_cast<std::size_t>(l)]);
        }
        out.points.push_back(p + m_lattice.dual_basis() * offset);
        out.weights.push_back(weight() / static_cast<Scalar>(sub_count));
      }
    }
    return out;
  }

  /// \brief Same lattice basis (exactly), counts and support.
  [[nodiscard]] bool operator==(const ZoneGrid& other) const {
    return m_lattice.basis() == other.m_lattice.basis() && m_counts == other.m_counts &&
           m_support == other.m_support;
  }

 private:
  // More vertices than any grid that can be stored: every count product is checked against it.
  static constexpr Eigen::Index max_grid_size = Eigen::Index{1'000'000'000'000'000};

  // Π counts in floating point, for messages about products too large to hold.
  static double product_estimate(const std::array<Eigen::Index, Dim>& counts) {
    double product = 1;
    for (const auto n : counts) product *= static_cast<double>(n);
    return product;
  }

  Lattice<Dim, Scalar> m_lattice;
  Counts m_counts;
  std::vector<Eigen::Index> m_support;
  Eigen::Index m_grid_size = 0;
};

/// \brief `ZoneGrid(lattice, {n, n})` and `ZoneGrid(lattice, counts, support)` take Dim and Scalar
/// from the lattice.
template <int Dim, RealScalar Scalar>
ZoneGrid(const Lattice<Dim, Scalar>&, const std::type_identity_t<std::array<Eigen::Index, Dim>>&)
    -> ZoneGrid<Dim, Scalar>;
template <int Dim, RealScalar Scalar>
ZoneGrid(const Lattice<Dim, Scalar>&, const std::type_identity_t<std::array<Eigen::Index, Dim>>&,
         std::vector<Eigen::Index>) -> ZoneGrid<Dim, Scalar>;

}  // namespace wavekin
