// wavekin/coherence/band_diagonal_collision.hpp — the band-diagonal radiative transfer collision
// of P1 (C.3) and its total scattering rate.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/coherence/collision_bands.hpp"
#include "wavekin/coherence/detail/collision_assembly.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief The band-diagonal radiative transfer collision of P1 (C.3) (Bal–Fannjiang–
/// Papanicolaou–Ryzhik; docs/conventions.md §16, docs/errata.md item 6: δ(E_j(p) − E_m(q))):
/// \f[C[\sigma]_j(p) = \sum_m\kappa\sum_{\mu\in\Lambda^*}\int_B\hat R(p-q+\mu)\,
/// \delta(E_j(p)-E_m(q))\,|A_{jm}(p,q-\mu)|^2\,[\sigma_{mm}(q)-\sigma_{jj}(p)]\,dq,\f]
/// assembled once as a real sparse matrix on the vector s_{v·n+j} = σ_jj(p_v).
///
/// Discretisation. δ(E_j(p) − E_m(q)) dq is the energy-shell quadrature (linear simplices) at
/// E = E_j(p), symmetrised over the pair: ½[w^m_q(E_j(p)) + w^j_p(E_m(q))]. The μ-sum keeps the
/// μ with R̂(p − q + μ) > mu_tolerance·R̂(0) (each dropped term is below that). The gain kernel K
/// is then made exactly symmetric, K ← ½(K + Kᵀ) (the continuum kernel is, by R̂ even and
/// A_mj(q, p − μ) = conj A_jm(p, q + μ)), and the loss is its row sum, so with equal vertex
/// weights Σ_v Σ_j C[σ]_j(p_v) = 0 to round-off (∫∫Σ_jσ_jj conserved) and constants are
/// stationary. Cost of assembly: n² vertices shell queries, each visiting only the simplices
/// whose energy range holds the level (EnergyShellQuadrature), plus one overlap call per (point
/// pair on a shell, μ), shared by the pair's band pairs.
/// \tparam Dim  dimension of p
template <int Dim>
class BandDiagonalCollision : public detail::CollisionSummary<Dim> {
  using Summary = detail::CollisionSummary<Dim>;
  using Summary::m_band_count;
  using Summary::m_kappa;
  using Summary::m_vertex_count;

 public:
  using Matrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

  /// \tparam Correlation  a SpatialCorrelation<Dim> (core/correlation.hpp: GaussianCorrelation,
  ///                      ExponentialCorrelation); another type stops at a static_assert saying so
  /// \pre bands consistent (vertex count, finite energies, overlap n × n); options valid.
  template <class Correlation>
  BandDiagonalCollision(const CollisionBands<Dim>& bands, const Correlation& correlation,
                        const BandCollisionOptions& options = {})
      : BandDiagonalCollision(detail::CollisionSetup<Dim, Correlation>(bands, correlation, options,
                                                                       "BandDiagonalCollision")) {}

  // Moves swap the operator: Eigen 3.4's SparseMatrix has no move constructor (see
  // CoherentCollision).
  BandDiagonalCollision(BandDiagonalCollision&& other) noexcept
      : Summary(std::move(other)), m_rate(std::move(other.m_rate)) {
    m_operator.swap(other.m_operator);
  }
  BandDiagonalCollision& operator=(BandDiagonalCollision&& other) noexcept {
    Summary::operator=(std::move(other));
    m_rate = std::move(other.m_rate);
    m_operator.swap(other.m_operator);
    return *this;
  }
  BandDiagonalCollision(const BandDiagonalCollision&) = default;
  BandDiagonalCollision& operator=(const BandDiagonalCollision&) = default;
  ~BandDiagonalCollision() = default;

  /// \brief The operator C on s_{v·n+j} = σ_jj(p_v).
  [[nodiscard]] const Matrix& matrix() const noexcept { return m_operator; }
  /// \brief Total scattering rate out of (p_v, j), the loss coefficient of (C.3).
  [[nodiscard]] double rate(Eigen::Index vertex, Eigen::Index band) const {
    require(vertex >= 0 && vertex < m_vertex_count && band >= 0 && band < m_band_count,
            "BandDiagonalCollision::rate: (vertex {}, band {}) outside [0, {}) x [0, {})", vertex,
            band, m_vertex_count, m_band_count);
    return m_rate[vertex * m_band_count + band];
  }
  /// \brief C[s] for s_{v·n+j} = σ_jj(p_v).
  /// \pre s.size() == vertex_count()·band_count(), finite.
  [[nodiscard]] Eigen::VectorXd apply(const Eigen::VectorXd& s) const {
    require(s.size() == m_operator.cols(),
            "BandDiagonalCollision::apply: vector has {} entries, expected vertices x bands = {}",
            s.size(), m_operator.cols());
    require(s.allFinite(), "BandDiagonalCollision::apply: the vector is not finite");
    return m_operator * s;
  }

 private:
  template <class Correlation>
  explicit BandDiagonalCollision(const detail::CollisionSetup<Dim, Correlation>& setup)
      : detail::CollisionSummary<Dim>(setup) {
    const Eigen::Index n = m_band_count;
    const Eigen::Index size = m_vertex_count * n;
    std::vector<Eigen::Triplet<double>> triplets;
    setup.for_each_pair([&](Eigen::Index row, Eigen::Index col, double weight, const auto&) {
      const Eigen::Index p = row / n, j = row % n, q = col / n, m = col % n;
      double sum = 0;
      setup.for_each_mu_entry(p, q, j, m,
                              [&](double r, std::complex<double> a) { sum += r * std::norm(a); });
      if (sum != 0) triplets.emplace_back(row, col, m_kappa * weight * sum);
    });
    Matrix k(size, size);
    k.setFromTriplets(triplets.begin(), triplets.end());
    const Matrix kt = k.transpose();
    Matrix sym = 0.5 * (k + kt);
    m_rate = sym * Eigen::VectorXd::Ones(sym.cols());
    Matrix diag(sym.rows(), sym.cols());
    diag.reserve(Eigen::VectorXi::Constant(sym.rows(), 1));
    for (Eigen::Index r = 0; r < sym.rows(); ++r) diag.insert(r, r) = m_rate[r];
    m_operator = sym - diag;
    m_operator.makeCompressed();
  }

  Eigen::VectorXd m_rate;
  Matrix m_operator;
};

/// \brief The total scattering rate out of (p_v, band j) of P1 (C.3)/(4.15) at one vertex, from the
/// one-sided shell weights at E = E_j(p_v), without assembling an operator:
/// \f$\kappa\sum_m\sum_\mu\int_B\hat R(p-q+\mu)\delta(E_j(p)-E_m(q))|A_{jm}(p,q-\mu)|^2dq\f$.
/// Cost: n·ΠN_l·Dim! simplex visits.
template <int Dim, class Correlation>
double band_diagonal_rate(const CollisionBands<Dim>& bands, const Correlation& correlation,
                          Eigen::Index vertex, Eigen::Index band,
                          const BandCollisionOptions& options = {}) {
  const detail::CollisionSetup<Dim, Correlation> setup(bands, correlation, options,
                                                       "band_diagonal_rate");
  require(vertex >= 0 && vertex < setup.vertex_count() && band >= 0 && band < setup.band_count(),
          "band_diagonal_rate: (vertex {}, band {}) outside [0, {}) x [0, {})", vertex, band,
          setup.vertex_count(), setup.band_count());
  double sum = 0;
  for (Eigen::Index m = 0; m < setup.band_count(); ++m)
    for (const auto& w : setup.quadrature().weights(bands.energies(vertex, band), m))
      setup.for_each_mu_entry(vertex, w.vertex, band, m, [&](double r, std::complex<double> a) {
        sum += w.weight * r * std::norm(a);
      });
  return setup.kappa() * sum;
}

}  // namespace wavekin
