// wavekin/coherence/coherent_collision.hpp — the full coupled collision of P1 (4.15) on the
// coherence matrix σ(p), as one sparse operator. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <complex>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/coherence/detail/collision_assembly.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief The collision of the coupled RTE, P1 (4.15) (docs/conventions.md §14):
/// \f[Q[\sigma]_{jl}(p) = \sum_{m,m'}\kappa\sum_{\mu\in\Lambda^*}\int_B\hat R(p-q+\mu)\,
/// \delta(E_l(p)-E_m(q))\,\overline{A_{jm}(p,q-\mu)}\,\big[\sigma_{mm'}(q)A_{lm'}(p,q-\mu)
/// - \sigma_{m'l}(p)A_{m'm}(p,q-\mu)\big]\,dq,\f]
/// implemented as written (the relaxation term (i/ε)(E_l − E_j)σ_jl is CoherenceLiouville's), as
/// one complex sparse matrix on the vector s_{(v·n+j)·n+l} = σ_jl(p_v) — CoherenceField's block
/// order, so the same operator acts on every x.
///
/// Discretisation as BandDiagonalCollision: the pair measure ½[w^m_q(E_l(p)) + w^l_p(E_m(q))]
/// (linear-simplex energy shells, symmetric in the pair), the μ-sum truncated at
/// R̂ ≤ mu_tolerance·R̂(0), κ from BandCollisionOptions (default (2π)^{1−d}). A(p, q − μ) comes from
/// CollisionBands::overlap, i.e. for Bloch bands from the relabelling c^m_G(q − μ) = c^m_{G−μ}(q)
/// of ONE gauge (collision_bands_from_table: the BandTable's, ParallelTransportGauge by
/// default). No symmetrisation is imposed: Q is not trace-conserving for general σ (docs/errata.md
/// items 5 and 20, docs/collision.md), and the tests measure by how much.
///
/// Loss shell (BandCollisionOptions::loss_shell, LossShell): P1's δ(E_l(p) − E_m(q)) on the loss
/// term (`column`, the default), or δ(E_m'(p) − E_m(q)) (`state`), whose trace budget vanishes
/// identically: the operator then conserves Σ_v ∫ tr σ for every σ, to round-off.
///
/// Identities the tests check: for band-diagonal σ the diagonal of Q[σ] is the (C.3) collision
/// exactly (same discretisation), so ∫∫ tr σ is conserved to round-off for such σ.
/// Cost of assembly: n² vertices shell queries (only the simplices whose energy range holds the
/// level), one overlap call per (point pair on a shell, μ), n² gain nonzeros per (pair, band
/// pair) and n² loss nonzeros per (point, band).
/// \tparam Dim  dimension of p
template <int Dim>
class CoherentCollision : public detail::CollisionSummary<Dim> {
  using Summary = detail::CollisionSummary<Dim>;
  using Summary::m_band_count;
  using Summary::m_kappa;
  using Summary::m_vertex_count;

 public:
  using complex_type = std::complex<double>;
  using Matrix = Eigen::SparseMatrix<complex_type, Eigen::RowMajor>;

  /// \tparam Correlation  a SpatialCorrelation<Dim> (core/correlation.hpp: GaussianCorrelation,
  ///                      ExponentialCorrelation); another type stops at a static_assert saying so
  /// \pre bands consistent (vertex count, finite energies, overlap n × n); options valid.
  template <class Correlation>
  CoherentCollision(const CollisionBands<Dim>& bands, const Correlation& correlation,
                    const BandCollisionOptions& options = {})
      : CoherentCollision(detail::CollisionSetup<Dim, Correlation>(bands, correlation, options,
                                                                   "CoherentCollision"),
                          options.loss_shell) {}

  /// \brief (4.15) with the point-sum pair measure of P1 (5.3)–(5.4): δ(E_l(p) − E_m(q)) dq
  /// replaced by 1 for every q among the points and every pair of bands (GrapheneValleys: the
  /// points {K, K'}). Operator, loss matrices and mu_count(p, q) as for the energy shells; no
  /// zone grid.
  /// \pre at least one finite point; n >= 1; an overlap callable; options valid.
  template <class Correlation>
  CoherentCollision(const PointSumBands<Dim>& bands, const Correlation& correlation,
                    const BandCollisionOptions& options = {})
      : CoherentCollision(detail::CollisionSetup<Dim, Correlation>(bands, correlation, options,
                                                                   "CoherentCollision"),
                          options.loss_shell) {}

  // Eigen 3.4's SparseMatrix has no move constructor (std::move of it copies), so the moves swap
  // it: a collision handed to a solver by value is not duplicated (in 2D at ε = 1/16 the operator
  // alone is gigabytes).
  CoherentCollision(CoherentCollision&& other) noexcept
      : Summary(std::move(other)),
        m_gershgorin(other.m_gershgorin),
        m_loss(std::move(other.m_loss)) {
    m_operator.swap(other.m_operator);
  }
  CoherentCollision& operator=(CoherentCollision&& other) noexcept {
    Summary::operator=(std::move(other));
    m_gershgorin = other.m_gershgorin;
    m_loss = std::move(other.m_loss);
    m_operator.swap(other.m_operator);
    return *this;
  }
  CoherentCollision(const CoherentCollision&) = default;
  CoherentCollision& operator=(const CoherentCollision&) = default;
  ~CoherentCollision() = default;

  /// \brief The operator on s_{(v·n+j)·n+l} = σ_jl(p_v).
  [[nodiscard]] const Matrix& matrix() const noexcept { return m_operator; }
  /// \brief max_r Σ_c |Q_rc|, a bound on the spectral radius (Gershgorin); the time steppers
  /// use it to keep their explicit sub-steps stable.
  [[nodiscard]] double spectral_bound() const noexcept { return m_gershgorin; }

  /// \brief The loss matrix Γ of column band l at p_v: the loss term of (4.15) is
  /// −Σ_m' Γ_jm' σ_m'l(p), \f$\Gamma_{jm'} = \kappa\sum_m\sum_\mu\int_B\hat R(p-q+\mu)
  /// \delta(E_l(p)-E_m(q))\overline{A_{jm}}A_{m'm}\,dq\f$; Γ_ll(p) is the total scattering rate
  /// out of (p, l) (the free RTE rate when V = 0). With LossShell::state the δ is
  /// δ(E_m'(p) − E_m(q)) and Γ is the same for every l.
  /// \pre 0 <= vertex < vertex_count(), 0 <= l < band_count().
  [[nodiscard]] const Eigen::MatrixXcd& loss(Eigen::Index vertex, Eigen::Index l) const {
    require(vertex >= 0 && vertex < m_vertex_count && l >= 0 && l < m_band_count,
            "CoherentCollision::loss: (vertex {}, band {}) outside [0, {}) x [0, {})", vertex, l,
            m_vertex_count, m_band_count);
    return m_loss[static_cast<std::size_t>(vertex * m_band_count + l)];
  }

  /// \brief Q[σ] for the vector s_{(v·n+j)·n+l} = σ_jl(p_v).
  /// \pre s.size() == vertex_count()·n², finite.
  [[nodiscard]] Eigen::VectorXcd apply(const Eigen::VectorXcd& s) const {
    require(s.size() == m_operator.cols(),
            "CoherentCollision::apply: vector has {} entries, expected vertices x n^2 = {}",
            s.size(), m_operator.cols());
    require(s.allFinite(), "CoherentCollision::apply: the vector is not finite");
    return m_operator * s;
  }

 private:
  template <class Correlation>
  CoherentCollision(const detail::CollisionSetup<Dim, Correlation>& setup, LossShell shell)
      : detail::CollisionSummary<Dim>(setup) {
    require(shell == LossShell::column || shell == LossShell::state,
            "CoherentCollision: loss_shell {} is not a LossShell", static_cast<int>(shell));
    const Eigen::Index n = m_band_count;
    m_loss.assign(static_cast<std::size_t>(m_vertex_count * n), Eigen::MatrixXcd::Zero(n, n));
    // The operator is written row by row into its final storage, reserved once: for_each_pair
    // visits the pair measure's rows in order, and every entry of a pair (p, b) ← (q, m), gain
    // or loss, lies in p's n² rows, so p's entries are collected, sorted and appended when the
    // pairs move past p. The assembly's peak is the operator plus one p's entries (a triplet list
    // for the whole operator and setFromTriplets' transposed copy took 2–4× the operator).
    const Eigen::Index size = m_vertex_count * n * n;
    m_operator.resize(size, size);
    std::vector<Eigen::Triplet<complex_type>> block;  // the entries of rows p·n² … (p + 1)·n² − 1
    Eigen::Index block_p = 0;
    const auto emit = [&](Eigen::Index r, Eigen::Index col, complex_type v) {
      block.emplace_back(r, col, v);
    };
    // Appends p = block_p's rows: its gain entries, then its loss −Σ_m' Γ_jm' σ_m'l(p) from Γ,
    // duplicates (a gain and a loss entry meet where q = p) summed.
    const auto flush = [&] {
      const Eigen::Index p = block_p;
      for (Eigen::Index l = 0; l < n; ++l) {
        const Eigen::MatrixXcd& gamma = m_loss[static_cast<std::size_t>(p * n + l)];
        for (Eigen::Index j = 0; j < n; ++j)
          for (Eigen::Index mp = 0; mp < n; ++mp)
            if (gamma(j, mp) != complex_type(0))
              emit((p * n + j) * n + l, (p * n + mp) * n + l, -gamma(j, mp));
      }
      std::sort(block.begin(), block.end(), [](const auto& a, const auto& b) {
        return a.row() != b.row() ? a.row() < b.row() : a.col() < b.col();
      });
      auto it = block.begin();
      for (Eigen::Index r = p * n * n; r < (p + 1) * n * n; ++r) {
        m_operator.startVec(r);
        while (it != block.end() && it->row() == r) {
          const Eigen::Index col = it->col();
          complex_type value = 0;
          for (; it != block.end() && it->row() == r && it->col() == col; ++it)
            value += it->value();
          m_operator.insertBack(r, col) = value;
        }
      }
      block.clear();
      ++block_p;
    };
    Eigen::MatrixXcd gain(n, n), loss(n, n);
    const Eigen::MatrixXcd zero = Eigen::MatrixXcd::Zero(n, n);
    setup.for_each_pair(
        [&](Eigen::Index row, Eigen::Index col, double weight, const auto& terms_of) {
          // The pair (p, b) ← (q, m) of the measure: b is σ's column band l for the gain and
          // (with LossShell::column) the loss; with LossShell::state the loss takes b as the band
          // m' it acts on, for every column l.
          const Eigen::Index p = row / n, b = row % n, q = col / n, m = col % n;
          while (block_p < p) flush();
          const auto& terms = terms_of();
          if (terms.empty()) return;
          gain.setZero();
          loss.setZero();
          for (const auto& term : terms)
            detail::add_coherent_terms(term.r, term.a, b, m, gain, loss);
          const double c = m_kappa * weight;
          // The gain now; the loss is summed into Γ and emitted once per (p, l) in flush():
          // n² entries instead of n² per pair.
          detail::scatter_coherent_terms(p, q, b, m, c, gain, zero, emit);
          if (shell == LossShell::column) {
            m_loss[static_cast<std::size_t>(row)] += c * loss;
            return;
          }
          // loss(j, b) = Σ_μ r conj(A_jm) A_bm: the column m' = b of Γ, the same for every l.
          for (Eigen::Index l = 0; l < n; ++l)
            m_loss[static_cast<std::size_t>(p * n + l)].col(b) += c * loss.col(b);
        },
        // At most n² gain entries per pair and n² loss entries per (p, l).
        [&](Eigen::Index pairs) {
          const Eigen::Index bound = pairs * n * n + m_vertex_count * n * n * n;
          require(bound <= Eigen::Index(std::numeric_limits<Matrix::StorageIndex>::max()),
                  "CoherentCollision: up to {} nonzeros, more than the sparse index type holds "
                  "({}): narrow the energy window (BandCollisionOptions::energy_min/max) or the "
                  "bands",
                  bound, std::numeric_limits<Matrix::StorageIndex>::max());
          m_operator.reserve(bound);
        });
    while (block_p < m_vertex_count) flush();
    m_operator.finalize();
    for (Eigen::Index r = 0; r < size; ++r) {
      double sum = 0;
      for (Matrix::InnerIterator it(m_operator, r); it; ++it) sum += std::abs(it.value());
      m_gershgorin = std::max(m_gershgorin, sum);
    }
  }

  double m_gershgorin = 0;
  std::vector<Eigen::MatrixXcd> m_loss;
  Matrix m_operator;
};

}  // namespace wavekin
