// wavekin/coherence/detail/collision_assembly.hpp — what the collision operators of P1 (4.15) and
// (C.3) share in their assembly: validation, the truncated μ-sum and the energy-shell pair measure.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/coherence/collision_bands.hpp"
#include "wavekin/coherence/energy_shell_quadrature.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/zone_grid.hpp"

namespace wavekin {

namespace detail {

// Validated CollisionBands plus what both collisions share: the vertex momenta, the truncated
// set of μ, and the symmetric pair measure of the energy shells.
template <int Dim, class Correlation>
class CollisionSetup {
  static_assert(check_spatial_correlation<Correlation, Dim>());

 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;

  CollisionSetup(const CollisionBands<Dim>& bands, const Correlation& correlation,
                 const BandCollisionOptions& options, const char* who)
      : m_bands(bands), m_correlation(correlation), m_who(who) {
    for (int l = 0; l < Dim; ++l) {
      const auto nl = bands.grid.counts()[static_cast<std::size_t>(l)];
      require(nl >= 2, "{}: {} grid points along e^{} (need >= 2)", who, nl, l + 1);
    }
    const Eigen::Index total = bands.grid.size();
    require(bands.energies.rows() == total && bands.energies.cols() >= 1,
            "{}: energies are {}x{}, expected {} vertices x n >= 1 bands", who,
            bands.energies.rows(), bands.energies.cols(), total);
    require(bands.energies.allFinite(), "{}: the band energies are not all finite", who);
    require(static_cast<bool>(bands.overlap), "{}: no overlap callable given", who);
    m_kappa = std::isnan(options.kappa) ? rte_kappa(Dim) : options.kappa;
    require(std::isfinite(m_kappa) && m_kappa > 0, "{}: kappa = {} must be finite and > 0", who,
            m_kappa);
    require(
        std::isfinite(options.mu_tolerance) && options.mu_tolerance > 0 && options.mu_tolerance < 1,
        "{}: mu_tolerance = {} must be in (0, 1)", who, options.mu_tolerance);
    m_quadrature.emplace_back(bands.grid, bands.energies);
    m_radius = correlation.radius(options.mu_tolerance);
    require(std::isfinite(m_radius) && m_radius >= 0,
            "{}: correlation radius {} at mu_tolerance = {} is not finite", who, m_radius,
            options.mu_tolerance);
    for (Eigen::Index v = 0; v < total; ++v) m_momenta.push_back(m_quadrature[0].momentum(v));
    enumerate_mu(options.max_mu_count);
  }

  [[nodiscard]] Eigen::Index vertex_count() const { return m_quadrature[0].vertex_count(); }
  [[nodiscard]] Eigen::Index band_count() const { return m_bands.energies.cols(); }
  [[nodiscard]] double kappa() const { return m_kappa; }
  [[nodiscard]] const EnergyShellQuadrature<Dim>& quadrature() const { return m_quadrature[0]; }
  [[nodiscard]] std::size_t mu_count() const { return m_mu.size(); }
  [[nodiscard]] const ZoneGrid<Dim>& zone() const { return m_bands.grid; }

  // Calls visit(mu, R̂(p − q + μ), A(p, q − μ)) for every kept μ of the pair (p, q).
  template <class Visit>
  void for_each_mu(Eigen::Index p, Eigen::Index q, Visit&& visit) const {
    const Vector d =
        m_momenta[static_cast<std::size_t>(p)] - m_momenta[static_cast<std::size_t>(q)];
    for (std::size_t k = 0; k < m_mu.size(); ++k) {
      const Vector arg = d + m_mu_vec[k];
      if (arg.norm() > m_radius) continue;
      const double r = m_correlation.spectral_density(arg);
      const Eigen::MatrixXcd a = m_bands.overlap(p, q, m_mu[k]);
      require(a.rows() == band_count() && a.cols() == band_count() && a.allFinite(),
              "{}: overlap at (p {}, q {}) is {}x{} or not finite, expected finite {}x{}", m_who, p,
              q, a.rows(), a.cols(), band_count(), band_count());
      visit(r, a);
    }
  }

  // The symmetric pair measure S((p,l),(q,m)) = ½[w^m_q(E_l(p)) + w^l_p(E_m(q))] ≈
  // δ(E_l(p) − E_m(q)) dq, rows and columns indexed v·n + band, row-major.
  [[nodiscard]] Eigen::SparseMatrix<double, Eigen::RowMajor> pair_measure() const {
    const Eigen::Index n = band_count();
    const Eigen::Index size = vertex_count() * n;
    std::vector<Eigen::Triplet<double>> triplets;
    for (Eigen::Index p = 0; p < vertex_count(); ++p)
      for (Eigen::Index l = 0; l < n; ++l)
        for (Eigen::Index m = 0; m < n; ++m)
          for (const auto& w : quadrature().weights(m_bands.energies(p, l), m)) {
            triplets.emplace_back(p * n + l, w.vertex * n + m, 0.5 * w.weight);
            triplets.emplace_back(w.vertex * n + m, p * n + l, 0.5 * w.weight);
          }
    Eigen::SparseMatrix<double, Eigen::RowMajor> s(size, size);
    s.setFromTriplets(triplets.begin(), triplets.end());
    return s;
  }

  // Calls visit(row, col, weight) for every nonzero S(row = p·n + l, col = q·n + m), in row order.
  template <class Visit>
  void for_each_pair(Visit&& visit) const {
    const auto s = pair_measure();
    for (Eigen::Index row = 0; row < s.outerSize(); ++row)
      for (Eigen::SparseMatrix<double, Eigen::RowMajor>::InnerIterator it(s, row); it; ++it)
        visit(row, it.col(), it.value());
  }

 private:
  void enumerate_mu(std::size_t max_count) {
    // |p − q| ≤ Σ_l |e^l| for p, q ∈ B, so every kept μ has |μ| ≤ radius + Σ_l |e^l|.
    double reach = m_radius;
    for (int l = 0; l < Dim; ++l) reach += m_bands.grid.lattice().dual_basis().col(l).norm();
    // About |ball of radius reach| / |B| lattice vectors: refuse before enumerating a huge set.
    const double estimate = m_bands.grid.lattice().reciprocal_count_estimate(reach);
    require(estimate <= 50.0 * static_cast<double>(max_count),
            "{}: the mu-sum needs about {:.3g} lattice vectors (max_mu_count = {}); raise "
            "mu_tolerance or max_mu_count",
            m_who, estimate, max_count);
    for (const auto& g : m_bands.grid.lattice().reciprocal_vectors(reach)) {
      m_mu.push_back(g.index);
      m_mu_vec.push_back(g.vector);
    }
    require(m_mu.size() <= max_count,
            "{}: the mu-sum needs {} lattice vectors (max_mu_count = {}); raise mu_tolerance or "
            "max_mu_count",
            m_who, m_mu.size(), max_count);
  }

  const CollisionBands<Dim>& m_bands;
  Correlation m_correlation;
  const char* m_who;
  double m_kappa = 0;
  double m_radius = 0;
  std::vector<EnergyShellQuadrature<Dim>> m_quadrature;
  std::vector<Vector> m_momenta;
  std::vector<LatticeIndex<Dim>> m_mu;
  std::vector<Vector> m_mu_vec;
};

// The (4.15) terms of one pair (p, l) ← (q, m) and one μ, added into gain and loss (n × n):
// gain(j, m') += r conj(A_jm) A_lm',  loss(j, m') += r conj(A_jm) A_m'm, with r = R̂(p − q + μ)
// and A = A(p, q − μ). Both the energy-shell collision (CoherentCollision) and the point-sum
// valley model (GrapheneValleys, P1 (5.3)–(5.4)) are sums of these with their own pair measure.
inline void add_coherent_terms(double r, const Eigen::MatrixXcd& a, Eigen::Index l, Eigen::Index m,
                               Eigen::MatrixXcd& gain, Eigen::MatrixXcd& loss) {
  const Eigen::Index n = a.rows();
  for (Eigen::Index j = 0; j < n; ++j) {
    const std::complex<double> c = r * std::conj(a(j, m));
    for (Eigen::Index mp = 0; mp < n; ++mp) {
      gain(j, mp) += c * a(l, mp);
      loss(j, mp) += c * a(mp, m);
    }
  }
}

// Scatters c·gain and −c·loss of the pair (p, l) ← (q, m) into the operator on
// s_{(v·n+j)·n+l} = σ_jl(p_v): row (p, j, l), gain columns (q, m, m'), loss columns (p, m', l).
// emit(row, col, value) receives the nonzeros.
template <class Emit>
void scatter_coherent_terms(Eigen::Index p, Eigen::Index q, Eigen::Index l, Eigen::Index m,
                            double c, const Eigen::MatrixXcd& gain, const Eigen::MatrixXcd& loss,
                            Emit&& emit) {
  const Eigen::Index n = gain.rows();
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index mp = 0; mp < n; ++mp) {
      const Eigen::Index out = (p * n + j) * n + l;
      if (gain(j, mp) != std::complex<double>(0)) emit(out, (q * n + m) * n + mp, c * gain(j, mp));
      if (loss(j, mp) != std::complex<double>(0)) emit(out, (p * n + mp) * n + l, -c * loss(j, mp));
    }
}

// What both collision operators report about their assembly, and the zone grid they act on.
template <int Dim>
class CollisionSummary {
 public:
  [[nodiscard]] Eigen::Index band_count() const noexcept { return m_band_count; }
  [[nodiscard]] Eigen::Index vertex_count() const noexcept { return m_vertex_count; }
  /// \brief The prefactor κ used.
  [[nodiscard]] double kappa() const noexcept { return m_kappa; }
  /// \brief Number of lattice vectors μ the truncated sum ranges over.
  [[nodiscard]] std::size_t mu_count() const noexcept { return m_mu_count; }
  /// \brief The momentum grid (or patch) p and q range over.
  [[nodiscard]] const ZoneGrid<Dim>& zone() const noexcept { return m_zone; }

 protected:
  template <class Correlation>
  explicit CollisionSummary(const CollisionSetup<Dim, Correlation>& setup)
      : m_band_count(setup.band_count()),
        m_vertex_count(setup.vertex_count()),
        m_kappa(setup.kappa()),
        m_mu_count(setup.mu_count()),
        m_zone(setup.zone()) {}

  Eigen::Index m_band_count;
  Eigen::Index m_vertex_count;
  double m_kappa;
  std::size_t m_mu_count;
  ZoneGrid<Dim> m_zone;
};

}  // namespace detail

}  // namespace wavekin
