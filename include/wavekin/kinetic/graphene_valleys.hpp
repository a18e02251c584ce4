// wavekin/kinetic/graphene_valleys.hpp — the graphene valley model of P1 (5.3)–(5.4): two 2 × 2
// coherence matrices at the Dirac points K, K', transported in x and coupled by the collision.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/kinetic/band_data.hpp"
#include "wavekin/kinetic/band_diagonal_collision.hpp"
#include "wavekin/kinetic/coherence_field.hpp"
#include "wavekin/kinetic/coherence_liouville.hpp"

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

// The time-reversed Bloch state at −k: c^m_G(−k) = conj(c^m_{−G}(k)), exact for a real V
// (Ψ_m(x, −k) = conj Ψ_m(x, k)). The basis at −k with the same cutoff holds exactly the labels −G.
inline BlochState<2, double> time_reversed(const BlochState<2, double>& state) {
  PlaneWaveBasis<2, double> basis(state.basis.lattice(), Eigen::Vector2d(-state.k),
                                  state.basis.energy_cutoff());
  require(basis.size() == state.basis.size(),
          "GrapheneValleys: the basis at -K has {} plane waves, the one at K {}", basis.size(),
          state.basis.size());
  Eigen::MatrixXcd c(basis.size(), state.coefficients.cols());
  for (Eigen::Index i = 0; i < basis.size(); ++i) {
    const auto from = state.basis.index_of(LatticeIndex<2>(-basis.label(i)));
    require(from != PlaneWaveBasis<2, double>::npos,
            "GrapheneValleys: label -G of plane wave {} at -K is missing at K", i);
    c.row(i) = state.coefficients.row(from).conjugate();
  }
  return BlochState<2, double>{basis.k(), state.energies, std::move(c), std::move(basis)};
}

}  // namespace detail

/// \brief The graphene valley model of P1 (5.3)–(5.4) (MATH.md §2, "Graphene (§5)"): two 2 × 2
/// coherence matrices σ^K(t,x), σ^{K'}(t,x), x ∈ a periodic 2-D box, for the two bands meeting at
/// the Dirac points K and K' = −K,
/// \f[\partial_t\sigma_{jl}(\mathbf K) + \sum_{i,n}\partial_{x_i}\sigma_{jn}(\mathbf K)
/// D_{i,nl}(\mathbf K) = \kappa\sum_{m,m'}\sum_{\mu\in\Lambda^*}\sum_{\mathbf q\in\{\mathbf K,
/// \mathbf K'\}}\hat R(\mathbf K-\mathbf q+\mu)\,\overline{A_{jm}(\mathbf K,\mathbf q-\mu)}
/// \bigl[\sigma_{mm'}(\mathbf q)A_{lm'}(\mathbf K,\mathbf q-\mu)-\sigma_{m'l}(\mathbf K)
/// A_{m'm}(\mathbf K,\mathbf q-\mu)\bigr]\f]
/// and the same with K ↔ K' (5.4). Implemented literally: the δ and ∫dq of (4.15) are replaced by
/// the sum over q ∈ {K, K'}; no relaxation term (E_1 = E_2 = E_* at both points). Intra-valley
/// terms carry R̂(μ), inter-valley terms R̂(K − K' + μ) = R̂(2K + μ), whose smallest argument is
/// |K| (2K ≡ −K mod Λ*). κ = rte_kappa(2) = 1/(2π) by default (MATH.md §2, erratum 4; P1 writes
/// an extra |B|^{−1}); the μ-sum keeps R̂ > mu_tolerance·R̂(0), μ ↦ −μ symmetric.
///
/// Gauge: the two bands `lower_band`, `lower_band + 1` of the given state at K, as the solver
/// returned them (any U(2) of the degenerate pair), and at K' = −K their time reversal
/// c^m_G(K') = conj c^m_{−G}(K) (V real). Then D_i(K') = −conj D_i(K) and A(K', K' − μ) =
/// conj A(K, K + μ), so (σ^K, σ^{K'})(t, x) ↦ (conj σ^{K'}(t, −x), conj σ^K(t, −x)) maps solutions
/// to solutions. σ must be given in this gauge. A_jm(p, q − μ) = overlap_A(state_p,
/// relabel(state_q, −μ)) restricted to the two bands (as collision_bands_from_table).
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
template <class Correlation>
requires SpatialCorrelation<Correlation, 2>
class GrapheneValleys {
 public:
  using Grid = PeriodicGrid<2>;
  using Field = CoherenceField<2, 2>;
  using Vector = Eigen::Vector2d;

  /// \param grid        the periodic x-box
  /// \param state_k     Bloch state at a Dirac point K (holds at least lower_band + 2 bands)
  /// \param lower_band  index of the lower of the two bands meeting at K
  /// \param correlation R̂ (GaussianCorrelation<2>, ExponentialCorrelation<2>, …)
  /// \pre K ≠ 0 finite; the two bands degenerate at K (|E_2 − E_1| ≤ 1e-6·max(1, |E|)); options
  ///      as BandCollisionOptions (invalid_argument otherwise).
  GrapheneValleys(const Grid& grid, const BlochState<2, double>& state_k, Eigen::Index lower_band,
                  const Correlation& correlation, const BandCollisionOptions& options = {})
      : m_grid(grid), m_liouville(grid, make_bands(state_k, lower_band), 1.0) {
    m_kappa = std::isnan(options.kappa) ? rte_kappa(2) : options.kappa;
    require(std::isfinite(m_kappa) && m_kappa > 0, "GrapheneValleys: kappa = {} must be > 0",
            m_kappa);
    require(
        std::isfinite(options.mu_tolerance) && options.mu_tolerance > 0 && options.mu_tolerance < 1,
        "GrapheneValleys: mu_tolerance = {} must be in (0, 1)", options.mu_tolerance);
    assemble(lower_band, correlation, options);
  }

  /// \brief The momentum points {K, K'} and a zero field on the grid (weights 1).
  [[nodiscard]] Field make_field() const {
    return Field(m_grid, MomentumQuadrature<2>{{m_points[0], m_points[1]}, {1.0, 1.0}}, 2);
  }
  /// \brief K (v = 0) and K' = −K (v = 1).
  [[nodiscard]] const Vector& point(int valley) const { return m_points.at(checked(valley)); }
  /// \brief The crossing energy E_* (mean of the two bands at K).
  [[nodiscard]] double crossing_energy() const noexcept { return m_energy; }
  [[nodiscard]] double kappa() const noexcept { return m_kappa; }
  /// \brief Number of (pair, μ) terms kept: [0] intra-valley (K←K and K'←K'), [1] inter-valley
  /// (K←K' and K'←K).
  [[nodiscard]] std::array<std::size_t, 2> mu_counts() const noexcept { return m_mu_counts; }
  /// \brief D_i at valley v (the transport matrices, P1 (5.3) LHS).
  [[nodiscard]] const Eigen::MatrixXcd& D(int valley, int axis) const {
    return m_liouville.bands().D(checked(valley), axis);
  }
  /// \brief The assembled 8 × 8 collision matrix L, entries s = v·4 + j·2 + l.
  [[nodiscard]] const Eigen::MatrixXcd& collision_matrix() const noexcept { return m_collision; }

  /// \brief Advances `field` (from make_field()) by dt, Strang splitting.
  /// \pre dt finite and > 0; field with the points {K, K'} and 2 bands (invalid_argument).
  void step(Field& field, double dt) {
    require(std::isfinite(dt) && dt > 0, "GrapheneValleys::step: dt = {} must be finite and > 0",
            dt);
    require(field.band_count() == 2 && field.momentum_count() == 2 &&
                field.momentum(0).isApprox(m_points[0]) && field.momentum(1).isApprox(m_points[1]),
            "GrapheneValleys::step: the field has {} points and {} bands, expected K, K' and 2",
            field.momentum_count(), field.band_count());
    if (dt != m_dt) {
      m_half = detail::small_matrix_exp(0.5 * dt * m_collision);
      m_dt = dt;
    }
    collide(field);
    m_liouville.step(field, dt);
    collide(field);
  }

  /// \brief `count` steps of dt.
  void steps(Field& field, double dt, std::int64_t count) {
    require(count >= 0, "GrapheneValleys::steps: count = {} must be >= 0", count);
    for (std::int64_t k = 0; k < count; ++k) step(field, dt);
  }

 private:
  static std::size_t checked(int valley) {
    require(valley == 0 || valley == 1, "GrapheneValleys: valley {} must be 0 (K) or 1 (K')",
            valley);
    return static_cast<std::size_t>(valley);
  }

  BandData<2> make_bands(const BlochState<2, double>& state_k, Eigen::Index lower_band) {
    require(state_k.k.allFinite() && state_k.k.norm() > 0,
            "GrapheneValleys: K = ({}, {}) must be finite and non-zero", state_k.k[0],
            state_k.k[1]);
    require(lower_band >= 0 && lower_band + 1 < state_k.band_count(),
            "GrapheneValleys: lower_band = {} needs bands {} and {} of a state with {}", lower_band,
            lower_band, lower_band + 1, state_k.band_count());
    const double e1 = state_k.energies[lower_band];
    const double e2 = state_k.energies[lower_band + 1];
    require(std::abs(e2 - e1) <= 1e-6 * std::max(1.0, std::abs(e1)),
            "GrapheneValleys: bands {} and {} do not meet at K (E = {}, {})", lower_band,
            lower_band + 1, e1, e2);
    m_energy = 0.5 * (e1 + e2);
    m_states = {state_k, detail::time_reversed(state_k)};
    m_points = {m_states[0].k, m_states[1].k};
    // E_1 = E_2 = E_* exactly: no relaxation term, so ε is irrelevant (set to 1).
    BandData<2> bands(2);
    for (const auto& s : m_states)
      bands.add(s.k, Eigen::Vector2d::Constant(m_energy),
                interband_D(s, {lower_band, lower_band + 1}));
    return bands;
  }

  void assemble(Eigen::Index lower_band, const Correlation& correlation,
                const BandCollisionOptions& options) {
    const auto& lattice = m_states[0].basis.lattice();
    const double radius = correlation.radius(options.mu_tolerance);
    require(std::isfinite(radius) && radius >= 0,
            "GrapheneValleys: correlation radius {} is not finite", radius);
    m_collision = Eigen::MatrixXcd::Zero(8, 8);
    m_mu_counts = {0, 0};
    const std::array<Eigen::Index, 2> band{lower_band, lower_band + 1};
    for (int v = 0; v < 2; ++v)
      for (int u = 0; u < 2; ++u) {
        const Vector delta =
            m_points[static_cast<std::size_t>(v)] - m_points[static_cast<std::size_t>(u)];
        std::array<std::int64_t, 2> bound{};
        double boxes = 1;
        for (int l = 0; l < 2; ++l) {
          bound[static_cast<std::size_t>(l)] = static_cast<std::int64_t>(std::ceil(
              (radius + delta.norm()) * lattice.basis().col(l).norm() / (2 * std::numbers::pi)));
          boxes *= 2.0 * static_cast<double>(bound[static_cast<std::size_t>(l)]) + 1;
        }
        require(boxes <= 50.0 * static_cast<double>(options.max_mu_count),
                "GrapheneValleys: the mu-sum needs about {} lattice vectors (max_mu_count = {})",
                boxes, options.max_mu_count);
        std::size_t kept = 0;
        for (std::int64_t n0 = -bound[0]; n0 <= bound[0]; ++n0)
          for (std::int64_t n1 = -bound[1]; n1 <= bound[1]; ++n1) {
            const LatticeIndex<2> mu(n0, n1);
            const Vector arg = delta + lattice.dual_basis() * mu.cast<double>();
            if (arg.norm() > radius) continue;
            ++kept;
            const double r = m_kappa * correlation(arg);
            const Eigen::MatrixXcd full =
                overlap_A(m_states[static_cast<std::size_t>(v)],
                          relabel(m_states[static_cast<std::size_t>(u)], LatticeIndex<2>(-mu)));
            Eigen::Matrix2cd a;
            for (int j = 0; j < 2; ++j)
              for (int m = 0; m < 2; ++m)
                a(j, m) =
                    full(band[static_cast<std::size_t>(j)], band[static_cast<std::size_t>(m)]);
            add_terms(v, u, r, a);
          }
        m_mu_counts[v == u ? 0 : 1] += kept;
      }
  }

  // Gain κR̂ conj(A_jm) A_lm' σ^u_mm' and loss −κR̂ conj(A_jm) A_m'm σ^v_m'l into row (v, j, l).
  void add_terms(int v, int u, double r, const Eigen::Matrix2cd& a) {
    for (int j = 0; j < 2; ++j)
      for (int l = 0; l < 2; ++l) {
        const int row = v * 4 + j * 2 + l;
        for (int m = 0; m < 2; ++m)
          for (int mp = 0; mp < 2; ++mp) {
            m_collision(row, u * 4 + m * 2 + mp) += r * std::conj(a(j, m)) * a(l, mp);
            m_collision(row, v * 4 + mp * 2 + l) -= r * std::conj(a(j, m)) * a(mp, m);
          }
      }
  }

  void collide(Field& field) const {
    Eigen::Matrix<std::complex<double>, 8, 1> s;
    for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x) {
      for (int k = 0; k < 8; ++k) s[k] = field(k / 4, (k / 2) % 2, k % 2, x);
      const Eigen::Matrix<std::complex<double>, 8, 1> t = m_half * s;
      for (int k = 0; k < 8; ++k) field(k / 4, (k / 2) % 2, k % 2, x) = t[k];
    }
  }

  Grid m_grid;
  double m_energy = 0;
  std::vector<BlochState<2, double>> m_states;  // K, K'
  std::array<Vector, 2> m_points;
  CoherenceLiouville<2> m_liouville;
  double m_kappa = 0;
  std::array<std::size_t, 2> m_mu_counts{};
  Eigen::MatrixXcd m_collision;
  Eigen::MatrixXcd m_half;
  double m_dt = 0;
};

}  // namespace wavekin
