// wavekin/coherence/graphene_valleys.hpp — the graphene valley model of P1 (5.3)–(5.4): two 2 × 2
// coherence matrices at the Dirac points K, K', transported in x and coupled by the collision.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherence_liouville.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/collision_bands.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/periodic_grid.hpp"

namespace wavekin {

namespace detail {

// exp(M) of a small dense matrix by scaling and squaring of a degree-20 Taylor polynomial:
// after scaling ‖M/2^s‖₁ ≤ ½ the truncation error is below 2^{−20}/20! ≈ 4e-25, far under
// round-off.
inline Eigen::MatrixXcd small_matrix_exp(const Eigen::MatrixXcd& m) {
  const double norm = m.cwiseAbs().colwise().sum().maxCoeff();
  int s = 0;
  if (norm > 0.5) s = static_cast<int>(std::ceil(std::log2(norm / 0.5)));
  const Eigen::MatrixXcd a = m / std::ldexp(1.0, s);
  const auto n = m.rows();
  Eigen::MatrixXcd sum = Eigen::MatrixXcd::Identity(n, n);
  Eigen::MatrixXcd term = Eigen::MatrixXcd::Identity(n, n);
  for (int k = 1; k <= 20; ++k) {
    term = (term * a) / static_cast<double>(k);
    sum += term;
  }
  for (int k = 0; k < s; ++k) sum = (sum * sum).eval();
  return sum;
}

}  // namespace detail

/// \brief What the valley model of P1 (5.3)–(5.4) reads at the two Dirac points K (v = 0) and
/// K' = −K (v = 1), all in one gauge: the lattice, the band data (two bands, E_1 = E_2 = E_* at
/// both points; D_i at each) and the overlaps on the two bands, `overlap(v, u, μ)` = the 2 × 2
/// matrix A_jm(p_v, p_u − μ). valley_bands_from_state (from_bloch.hpp) builds it from a Bloch
/// state at K, with K' in the time-reversed gauge.
struct ValleyBands {
  using Overlap = std::function<Eigen::Matrix2cd(int v, int u, const LatticeIndex<2>& mu)>;
  Lattice<2, double> lattice;
  BandData<2> bands;
  Overlap overlap;
};

/// \brief The graphene valley model of P1 (5.3)–(5.4) (docs/conventions.md §17, P1 §5): two 2 × 2
/// coherence matrices σ^K(t,x), σ^{K'}(t,x), x ∈ a periodic 2-D box, for the two bands meeting at
/// the Dirac points K and K' = −K,
/// \f[\partial_t\sigma_{jl}(\mathbf K) + \sum_{i,n}\partial_{x_i}\sigma_{jn}(\mathbf K)
/// D_{i,nl}(\mathbf K) = \kappa\sum_{m,m'}\sum_{\mu\in\Lambda^*}\sum_{\mathbf q\in\{\mathbf K,
/// \mathbf K'\}}\hat R(\mathbf K-\mathbf q+\mu)\,\overline{A_{jm}(\mathbf K,\mathbf q-\mu)}
/// \bigl[\sigma_{mm'}(\mathbf q)A_{lm'}(\mathbf K,\mathbf q-\mu)-\sigma_{m'l}(\mathbf K)
/// A_{m'm}(\mathbf K,\mathbf q-\mu)\bigr]\f]
/// and the same with K ↔ K' (5.4). That is (4.15) with its pair measure δ(E_l(p) − E_m(q)) dq
/// replaced by 1 on q ∈ {K, K'}, and the code says so: the collision is a CoherentCollision<2> on
/// PointSumBands {K, K'} (collision()), the same operator as the energy-shell one with the other
/// pair measure. No relaxation term (E_1 = E_2 = E_* at both points). Intra-valley
/// terms carry R̂(μ), inter-valley terms R̂(K − K' + μ) = R̂(2K + μ), whose smallest argument is
/// |K| (2K ≡ −K mod Λ*). κ = rte_kappa(2) = 1/(2π) by default (docs/conventions.md §14,
/// docs/errata.md item 4; P1 writes an extra |B|^{−1}); the μ-sum keeps R̂ > mu_tolerance·R̂(0), μ ↦
/// −μ symmetric.
///
/// Gauge: that of the ValleyBands. From valley_bands_from_state: the two bands of the given state
/// at K, as the solver returned them (any U(2) of the degenerate pair), and at K' = −K their time
/// reversal c^m_G(K') = conj c^m_{−G}(K) (V real). Then D_i(K') = −conj D_i(K) and A(K', K' − μ) =
/// conj A(K, K + μ), so (σ^K, σ^{K'})(t, x) ↦ (conj σ^{K'}(t, −x), conj σ^K(t, −x)) maps solutions
/// to solutions. σ must be given in this gauge.
///
/// Collision as an 8 × 8 complex matrix L on the stacked entries s = v·4 + j·2 + l (v = 0: K,
/// v = 1: K'), assembled once: dσ/dt = Lσ at every x. Invariant: Σ_v tr σ^v is conserved by L
/// exactly (the gain summed over (v, j) equals the loss after (v, μ) ↔ (u, −μ), because
/// A(q, p − (−μ)) = A(p, q − μ)ᴴ and R̂ is even), and ∫ σ^v dx by the transport (ξ = 0 is frozen
/// when E_1 = E_2), so Σ_v ∫ tr σ^v dx is conserved to round-off; so is the whole x-integrated
/// pair S^v = ∫σ^v dx, which obeys dS/dt = L S exactly, under step() as well.
///
/// The intra-valley μ = 0 term vanishes identically (A(K, K) = I on the two bands: gain = loss),
/// so for a long correlation L ≈ 0 (docs/collision.md §6).
///
/// step(): Strang splitting, exp(½Δt L) · exact transport (CoherenceLiouville, ExactPropagator)
/// · exp(½Δt L); second order in Δt (exact when L and the transport commute, e.g. for
/// x-independent σ).
/// \tparam Correlation a SpatialCorrelation<2> (core/correlation.hpp)
template <class Correlation>
class GrapheneValleys {
  static_assert(detail::check_spatial_correlation<Correlation, 2>());

 public:
  using Grid = PeriodicGrid<2>;
  using Field = CoherenceField<2, 2>;
  using Vector = Eigen::Vector2d;

  /// \param grid        the periodic x-box
  /// \param valleys     band data and overlaps at K, K' (valley_bands_from_state)
  /// \param correlation R̂ (GaussianCorrelation<2>, ExponentialCorrelation<2>, …)
  /// \pre two bands at two points K ≠ 0 and K' = −K, degenerate at each (|E_2 − E_1| ≤
  ///      1e-6·max(1, |E|)); an overlap callable; options as BandCollisionOptions
  ///      (invalid_argument otherwise). `fft`: planning of the transport's FFTs.
  GrapheneValleys(const Grid& grid, ValleyBands valleys, const Correlation& correlation,
                  const BandCollisionOptions& options = {}, FftOptions fft = {})
      : m_grid(grid),
        m_liouville(grid, checked_bands(valleys), 1.0, {.fft = fft}),
        m_operator(point_sum(valleys), correlation, options),
        m_collision(m_operator.matrix()) {}

  /// \brief The momentum points {K, K'} and a zero field on the grid (weights 1).
  [[nodiscard]] Field make_field() const {
    return Field(m_grid, MomentumQuadrature<2>{{m_points[0], m_points[1]}, {1.0, 1.0}}, 2);
  }
  /// \brief K (v = 0) and K' = −K (v = 1).
  [[nodiscard]] const Vector& point(int valley) const { return m_points.at(checked(valley)); }
  /// \brief The crossing energy E_* (mean of the two bands at K).
  [[nodiscard]] double crossing_energy() const noexcept { return m_energy; }
  [[nodiscard]] double kappa() const noexcept { return m_operator.kappa(); }
  /// \brief Number of (pair, μ) terms kept: [0] intra-valley (K←K and K'←K'), [1] inter-valley
  /// (K←K' and K'←K).
  [[nodiscard]] std::array<std::size_t, 2> mu_counts() const {
    return {m_operator.mu_count(0, 0) + m_operator.mu_count(1, 1),
            m_operator.mu_count(0, 1) + m_operator.mu_count(1, 0)};
  }
  /// \brief The collision as the (4.15) operator with the point-sum pair measure on {K, K'}.
  [[nodiscard]] const CoherentCollision<2>& collision() const noexcept { return m_operator; }
  /// \brief D_i at valley v (the transport matrices, P1 (5.3) LHS).
  [[nodiscard]] const Eigen::MatrixXcd& D(int valley, int axis) const {
    return m_liouville.bands().D(checked(valley), axis);
  }
  /// \brief The assembled 8 × 8 collision matrix L, entries s = v·4 + j·2 + l.
  [[nodiscard]] const Eigen::MatrixXcd& collision_matrix() const noexcept { return m_collision; }

  /// \brief Advances `field` (from make_field()) from t to t + dt, Strang splitting.
  /// \pre t finite; dt finite and > 0; field with the points {K, K'} and 2 bands, values finite
  ///      (invalid_argument).
  void step(Field& field, double t, double dt) {
    require(std::isfinite(t), "GrapheneValleys::step: t = {} is not finite", t);
    require(std::isfinite(dt) && dt > 0, "GrapheneValleys::step: dt = {} must be finite and > 0",
            dt);
    require(field.band_count() == 2 && field.momentum_count() == 2 &&
                field.momentum(0).isApprox(m_points[0]) && field.momentum(1).isApprox(m_points[1]),
            "GrapheneValleys::step: the field has {} points and {} bands, expected K, K' and 2",
            field.momentum_count(), field.band_count());
    m_liouville.check_field(field);
    if (dt != m_dt) {
      m_half = detail::small_matrix_exp(0.5 * dt * m_collision);
      m_dt = dt;
    }
    collide(field);
    m_liouville.transport(field, t, dt);
    collide(field);
  }

 private:
  static std::size_t checked(int valley) {
    require(valley == 0 || valley == 1, "GrapheneValleys: valley {} must be 0 (K) or 1 (K')",
            valley);
    return static_cast<std::size_t>(valley);
  }

  BandData<2> checked_bands(const ValleyBands& valleys) {
    const auto& bands = valleys.bands;
    require(bands.size() == 2 && bands.band_count() == 2,
            "GrapheneValleys: the valley band data have {} points and {} bands, expected K, K' and 2",
            bands.size(), bands.band_count());
    require(static_cast<bool>(valleys.overlap), "GrapheneValleys: no overlap callable given");
    const Vector k = bands.momentum(0);
    require(k.norm() > 0, "GrapheneValleys: K = ({}, {}) must be non-zero", k[0], k[1]);
    require((bands.momentum(1) + k).norm() <= 1e-12 * k.norm(),
            "GrapheneValleys: the second point must be K' = -K");
    for (Eigen::Index v = 0; v < 2; ++v) {
      const double e1 = bands.energies(v)[0];
      const double e2 = bands.energies(v)[1];
      require(std::abs(e2 - e1) <= 1e-6 * std::max(1.0, std::abs(e1)),
              "GrapheneValleys: the two bands do not meet at point {} (E = {}, {})", v, e1, e2);
    }
    m_energy = 0.5 * (bands.energies(0)[0] + bands.energies(0)[1]);
    m_points = {bands.momentum(0), bands.momentum(1)};
    // E_1 = E_2 = E_* exactly: no relaxation term, so ε is irrelevant (set to 1).
    BandData<2> flat(2);
    for (Eigen::Index v = 0; v < 2; ++v)
      flat.add(bands.momentum(v), Eigen::Vector2d::Constant(m_energy), bands.D(v));
    return flat;
  }

  // (5.3)–(5.4) as (4.15) with the pair measure δ(E_l(p) − E_m(q)) dq replaced by 1 on
  // q ∈ {K, K'}: the points and overlaps of the valley bands.
  static PointSumBands<2> point_sum(const ValleyBands& valleys) {
    auto overlap = valleys.overlap;
    return PointSumBands<2>{
        valleys.lattice,
        {valleys.bands.momentum(0), valleys.bands.momentum(1)},
        2,
        [overlap](Eigen::Index p, Eigen::Index q, const LatticeIndex<2>& mu) -> Eigen::MatrixXcd {
          return overlap(static_cast<int>(p), static_cast<int>(q), mu);
        }};
  }

  void collide(Field& field) const {
    std::array<std::complex<double>*, 8> block{};
    for (int k = 0; k < 8; ++k) block[static_cast<std::size_t>(k)] = field.block(k / 4, (k / 2) % 2, k % 2).data();
    Eigen::Matrix<std::complex<double>, 8, 1> s;
    for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x) {
      for (int k = 0; k < 8; ++k) s[k] = block[static_cast<std::size_t>(k)][x];
      const Eigen::Matrix<std::complex<double>, 8, 1> t = m_half * s;
      for (int k = 0; k < 8; ++k) block[static_cast<std::size_t>(k)][x] = t[k];
    }
  }

  Grid m_grid;
  double m_energy = 0;
  std::array<Vector, 2> m_points;
  CoherenceLiouville<2> m_liouville;
  CoherentCollision<2> m_operator;
  Eigen::MatrixXcd m_collision;
  Eigen::MatrixXcd m_half;
  double m_dt = 0;
};

}  // namespace wavekin
