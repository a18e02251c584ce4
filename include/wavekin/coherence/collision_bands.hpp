// wavekin/coherence/collision_bands.hpp — what the collisions of P1 (4.15), (5.2), (C.3) read
// besides R̂(q) (core/correlation.hpp): the prefactor κ, options, band energies and overlaps.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <numbers>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/zone_grid.hpp"

namespace wavekin {

/// \brief The collision prefactor κ = (2π)^{1−d} wavekin uses (docs/conventions.md §14, docs/errata.md item 4).
/// With V ≡ 0 the collision of P1 (4.15)/(C.3) must reduce to the free RTE
/// ∂_tW + k·∇_xW = (2π)^{1−d} ∫ R̂(k−k') δ(½|k|²−½|k'|²)[W(k') − W(k)] dk'; the tests measure the
/// ratio rate/free rate = 1 with this κ (docs/collision.md).
inline double rte_kappa(int dim) {
  return std::pow(2 * std::numbers::pi, 1 - dim);
}

/// \brief The prefactor as P1 writes it, κ = (2π)^{−(d−1)}|B|^{−1}: off by the factor |B|^{−1}
/// in the V = 0 reduction (docs/collision.md). For comparison only.
inline double p1_kappa(int dim, double zone_volume) {
  return rte_kappa(dim) / zone_volume;
}

/// \brief Which energy shell the loss term of P1 (4.15) sits on (CoherentCollision only; for
/// band-diagonal σ the two coincide, and (C.3) has no choice to make).
///  - `column` (P1 as written): −σ_m'l(p) … δ(E_l(p) − E_m(q)), the energy of σ's column band l.
///    The trace budget d/dt∫tr σ = Σ∫∫R̂ A_jm conj(A_m'm) σ_jm'(p)[δ(E_j(p) − E_m(q)) −
///    δ(E_m'(p) − E_m(q))] is not zero for general σ (docs/collision.md).
///  - `state`: −σ_m'l(p) … δ(E_m'(p) − E_m(q)), the energy of the state m' the loss acts on. Its
///    trace budget vanishes identically (the gain, after p ↔ q, carries the same δ), and it
///    differs from `column` only where σ has coherences between bands of different energy.
enum class LossShell { column, state };

/// \brief Options of the collision operators.
struct BandCollisionOptions {
  /// Prefactor κ; NaN (the default) means rte_kappa(Dim) = (2π)^{1−d}.
  double kappa = std::numeric_limits<double>::quiet_NaN();
  /// The μ-sum keeps the terms with R̂(p − q + μ) > mu_tolerance·R̂(0).
  double mu_tolerance = 1e-12;
  /// Largest number of lattice vectors μ the truncated sum may need (a guard against a loose
  /// correlation tail with a tight tolerance).
  std::size_t max_mu_count = 20000;
  /// The loss term's energy shell (CoherentCollision; see LossShell).
  LossShell loss_shell = LossShell::column;
  /// Energy shells kept (energy-shell collisions only): the pairs (p, l) ← (q, m) of the pair
  /// measure with E_l(p) and E_m(q) both in [energy_min, energy_max]; the others are dropped.
  /// The collision moves population along energy shells, so data whose bands carry energies in
  /// the window stay there, and the operator restricted to it is the whole one for them, at a
  /// fraction of the pairs (memory and assembly time). Default: every energy.
  double energy_min = -std::numeric_limits<double>::infinity();
  double energy_max = std::numeric_limits<double>::infinity();
};

namespace detail {

// Overlaps that give a single entry A_jm(p, q − μ) at a fraction of the whole matrix's cost (the
// band-diagonal (C.3) needs one entry per pair; LabelTableOverlap in from_bloch.hpp).
template <int Dim>
class OverlapEntries {
 public:
  virtual ~OverlapEntries() = default;
  [[nodiscard]] virtual Eigen::MatrixXcd matrix(Eigen::Index p, Eigen::Index q,
                                                const LatticeIndex<Dim>& mu) const = 0;
  [[nodiscard]] virtual std::complex<double> entry(Eigen::Index p, Eigen::Index q,
                                                   const LatticeIndex<Dim>& mu, Eigen::Index j,
                                                   Eigen::Index m) const = 0;
};

// The CollisionBands::Overlap callable of an OverlapEntries (shared between copies): the
// collisions recognise it (std::function::target) and take single entries where they need them;
// a callable set in its place is called for whole matrices.
template <int Dim>
class EntryOverlap {
 public:
  explicit EntryOverlap(std::shared_ptr<const OverlapEntries<Dim>> source)
      : m_source(std::move(source)) {}
  [[nodiscard]] Eigen::MatrixXcd operator()(Eigen::Index p, Eigen::Index q,
                                            const LatticeIndex<Dim>& mu) const {
    return m_source->matrix(p, q, mu);
  }
  [[nodiscard]] const OverlapEntries<Dim>& source() const noexcept { return *m_source; }

 private:
  std::shared_ptr<const OverlapEntries<Dim>> m_source;
};

}  // namespace detail

/// \brief Band energies and overlaps on a ZoneGrid (the whole zone, or a patch of it), what the
/// collisions of P1 (4.15), (5.2) and (C.3) read.
///
/// Both p and q of the collision range over the grid's vertices (for a patch, e.g.
/// ZoneGrid::restricted_to_balls for the balls B_ε(K) ∪ B_ε(K') of P1 (5.2), over its support
/// only). `energies` is vertices × n. `overlap(p, q, μ)` returns the n × n matrix with entry
/// (j, m) = A_jm(p_p, q_q − μ) = Σ_G c^j_G(p) conj(c^m_{G−μ}(q)) (docs/conventions.md §6–§7; μ = Σ n_l e^l),
/// all states in ONE gauge.
template <int Dim>
struct CollisionBands {
  using Overlap =
      std::function<Eigen::MatrixXcd(Eigen::Index p, Eigen::Index q, const LatticeIndex<Dim>& mu)>;
  ZoneGrid<Dim> grid;
  Eigen::MatrixXd energies;
  Overlap overlap;
};

/// \brief Points, band count and overlaps of a point-sum collision: P1 (5.3)–(5.4) is (4.15) with
/// the pair measure δ(E_l(p) − E_m(q)) dq replaced by 1 for every q in a finite set of points
/// (the Dirac points {K, K'}) and every pair of bands. `overlap(p, q, μ)` as for CollisionBands,
/// with p, q indices into `points`; `lattice` gives the μ-sum.
template <int Dim>
struct PointSumBands {
  using Vector = Eigen::Matrix<double, Dim, 1>;
  using Overlap = typename CollisionBands<Dim>::Overlap;
  Lattice<Dim, double> lattice;
  std::vector<Vector> points;
  Eigen::Index band_count = 0;
  Overlap overlap;
};

/// \brief The empty lattice (V ≡ 0), exactly: the n lowest bands E_b(p) = ½|p + G_b(p)|², the
/// plane waves sorted by energy at each vertex (ties by label), Ψ_b = e^{i(p+G_b(p))·x}, so
/// A_jm(p, q − μ) = δ_{μ, G_j(p) − G_m(q)}. Sorted bands are Λ*-periodic (what the energy-shell
/// quadrature on the periodic zone grid needs; single unsorted branches are not), with kinks
/// where plane waves cross. The V = 0 reduction of P1 (4.15) to the free RTE is tested on it.
/// \pre band_count >= 1; every points[l] >= 2.
template <int Dim>
CollisionBands<Dim> empty_lattice_collision_bands(const Lattice<Dim, double>& lattice,
                                                  const std::array<Eigen::Index, Dim>& points,
                                                  Eigen::Index band_count) {
  require(band_count >= 1, "empty_lattice_collision_bands: band count n = {} must be >= 1",
          band_count);
  for (int l = 0; l < Dim; ++l)
    require(points[static_cast<std::size_t>(l)] >= 2,
            "empty_lattice_collision_bands: {} grid points along e^{} (need >= 2)",
            points[static_cast<std::size_t>(l)], l + 1);
  // Candidates: |n_l| <= n + 1 holds the n lowest plane waves of every p in B (each box shell
  // of labels lies above the previous one by at least one band's worth of energy).
  std::vector<LatticeIndex<Dim>> candidates;
  LatticeIndex<Dim> idx = LatticeIndex<Dim>::Constant(-(band_count + 1));
  while (true) {
    candidates.push_back(idx);
    int l = 0;
    for (; l < Dim; ++l) {
      if (++idx[l] <= band_count + 1) break;
      idx[l] = -(band_count + 1);
    }
    if (l == Dim) break;
  }
  const ZoneGrid<Dim> grid(lattice, points);
  const auto zone = grid.quadrature();
  const auto vertices = static_cast<Eigen::Index>(zone.points.size());
  Eigen::MatrixXd e(vertices, band_count);
  std::vector<LatticeIndex<Dim>> label(static_cast<std::size_t>(vertices * band_count));
  std::vector<std::pair<double, std::size_t>> order(candidates.size());
  for (Eigen::Index v = 0; v < vertices; ++v) {
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const Eigen::Matrix<double, Dim, 1> k =
          zone.points[static_cast<std::size_t>(v)] +
          lattice.dual_basis() * candidates[c].template cast<double>();
      order[c] = {0.5 * k.squaredNorm(), c};
    }
    std::sort(order.begin(), order.end());
    for (Eigen::Index b = 0; b < band_count; ++b) {
      e(v, b) = order[static_cast<std::size_t>(b)].first;
      label[static_cast<std::size_t>(v * band_count + b)] =
          candidates[order[static_cast<std::size_t>(b)].second];
    }
  }
  auto overlap = [label, band_count](Eigen::Index p, Eigen::Index q,
                                     const LatticeIndex<Dim>& mu) -> Eigen::MatrixXcd {
    Eigen::MatrixXcd a = Eigen::MatrixXcd::Zero(band_count, band_count);
    for (Eigen::Index j = 0; j < band_count; ++j)
      for (Eigen::Index m = 0; m < band_count; ++m)
        if (label[static_cast<std::size_t>(p * band_count + j)] -
                label[static_cast<std::size_t>(q * band_count + m)] ==
            mu)
          a(j, m) = 1;
    return a;
  };
  return CollisionBands<Dim>{grid, e, overlap};
}

}  // namespace wavekin
