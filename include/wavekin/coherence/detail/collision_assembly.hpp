// wavekin/coherence/detail/collision_assembly.hpp — what the collision operators of P1 (4.15),
// (5.3)–(5.4) and (C.3) share in their assembly: validation, the truncated μ-sum and the pair
// measure (energy shells or a point sum).
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <optional>
#include <unordered_map>
#include <utility>
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

// The truncated μ-sum of P1 (4.15) on a set of momentum points: the lattice vectors μ with
// |p − q + μ| ≤ radius for some pair (p, q), where R̂(p − q + μ) > mu_tolerance·R̂(0) holds only
// inside that radius (SpatialCorrelation::radius).
template <int Dim>
class MuSum {
 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;

  MuSum(const Lattice<Dim, double>& lattice, std::vector<Vector> momenta, double radius,
        double spread, std::size_t max_count, const char* who)
      : m_momenta(std::move(momenta)), m_radius(radius) {
    // |p − q| ≤ spread for every pair, so every kept μ has |μ| ≤ radius + spread.
    const double reach = radius + spread;
    // About |ball of radius reach| / |B| lattice vectors: refuse before enumerating a huge set.
    const double estimate = lattice.reciprocal_count_estimate(reach);
    require(estimate <= 50.0 * static_cast<double>(max_count),
            "{}: the mu-sum needs about {:.3g} lattice vectors (max_mu_count = {}); raise "
            "mu_tolerance or max_mu_count",
            who, estimate, max_count);
    for (const auto& g : lattice.reciprocal_vectors(reach)) {
      m_mu.push_back(g.index);
      m_mu_vec.push_back(g.vector);
    }
    require(m_mu.size() <= max_count,
            "{}: the mu-sum needs {} lattice vectors (max_mu_count = {}); raise mu_tolerance or "
            "max_mu_count",
            who, m_mu.size(), max_count);
  }

  [[nodiscard]] std::size_t size() const noexcept { return m_mu.size(); }
  [[nodiscard]] const Vector& momentum(Eigen::Index v) const {
    return m_momenta[static_cast<std::size_t>(v)];
  }

  // Calls visit(μ, p − q + μ) for every kept μ of the point pair (p, q).
  template <class Visit>
  void for_each(Eigen::Index p, Eigen::Index q, Visit&& visit) const {
    const Vector d = momentum(p) - momentum(q);
    for (std::size_t k = 0; k < m_mu.size(); ++k) {
      const Vector arg = d + m_mu_vec[k];
      if (arg.norm() <= m_radius) visit(m_mu[k], arg);
    }
  }

  // The number of kept μ of the point pair (p, q).
  [[nodiscard]] std::size_t count(Eigen::Index p, Eigen::Index q) const {
    std::size_t n = 0;
    for_each(p, q, [&](const LatticeIndex<Dim>&, const Vector&) { ++n; });
    return n;
  }

 private:
  std::vector<Vector> m_momenta;
  double m_radius;
  std::vector<LatticeIndex<Dim>> m_mu;
  std::vector<Vector> m_mu_vec;
};

// What the collision operators of P1 (4.15), (5.3)–(5.4) and (C.3) share in their assembly:
// validated options, the points with their overlaps, the truncated μ-sum, and the pair measure
// that stands for δ(E_l(p) − E_m(q)) dq. Two measures:
//  - CollisionBands (a ZoneGrid and band energies): the energy shells, the symmetric
//    ½[w^m_q(E_l(p)) + w^l_p(E_m(q))] of linear simplices;
//  - PointSumBands (a list of points): weight 1 for every pair of points and bands, P1's point
//    sum over q ∈ {K, K'} of (5.3)–(5.4).
template <int Dim, class Correlation>
class CollisionSetup {
  static_assert(check_spatial_correlation<Correlation, Dim>());

 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;
  using Overlap = typename CollisionBands<Dim>::Overlap;

  CollisionSetup(const CollisionBands<Dim>& bands, const Correlation& correlation,
                 const BandCollisionOptions& options, const char* who)
      : m_correlation(correlation),
        m_overlap(&bands.overlap),
        m_entries(bands.overlap.template target<EntryOverlap<Dim>>()),
        m_who(who),
        m_zone(bands.grid) {
    for (int l = 0; l < Dim; ++l) {
      const auto nl = bands.grid.counts()[static_cast<std::size_t>(l)];
      require(nl >= 2, "{}: {} grid points along e^{} (need >= 2)", who, nl, l + 1);
    }
    const Eigen::Index total = bands.grid.size();
    require(bands.energies.rows() == total && bands.energies.cols() >= 1,
            "{}: energies are {}x{}, expected {} vertices x n >= 1 bands", who,
            bands.energies.rows(), bands.energies.cols(), total);
    require(bands.energies.allFinite(), "{}: the band energies are not all finite", who);
    m_band_count = bands.energies.cols();
    m_vertex_count = total;
    validate_options(options);
    m_quadrature.emplace_back(bands.grid, bands.energies);
    m_energies = &bands.energies;
    require(!std::isnan(options.energy_min) && !std::isnan(options.energy_max) &&
                options.energy_min < options.energy_max,
            "{}: energy window [{}, {}] is empty or NaN", who, options.energy_min,
            options.energy_max);
    m_energy_min = options.energy_min;
    m_energy_max = options.energy_max;
    std::vector<Vector> momenta;
    for (Eigen::Index v = 0; v < total; ++v) momenta.push_back(m_quadrature[0].momentum(v));
    // |p − q| ≤ Σ_l |e^l| for p, q ∈ B.
    double spread = 0;
    for (int l = 0; l < Dim; ++l) spread += bands.grid.lattice().dual_basis().col(l).norm();
    m_mu.emplace_back(bands.grid.lattice(), std::move(momenta), m_radius, spread,
                      options.max_mu_count, who);
  }

  CollisionSetup(const PointSumBands<Dim>& bands, const Correlation& correlation,
                 const BandCollisionOptions& options, const char* who)
      : m_correlation(correlation),
        m_overlap(&bands.overlap),
        m_entries(bands.overlap.template target<EntryOverlap<Dim>>()),
        m_who(who) {
    require(!bands.points.empty(), "{}: no points given", who);
    require(bands.band_count >= 1, "{}: band count n = {} must be >= 1", who, bands.band_count);
    double spread = 0;
    for (const auto& p : bands.points) {
      require(p.allFinite(), "{}: a point is not finite", who);
      for (const auto& q : bands.points) spread = std::max(spread, (p - q).norm());
    }
    m_band_count = bands.band_count;
    m_vertex_count = static_cast<Eigen::Index>(bands.points.size());
    validate_options(options);
    m_mu.emplace_back(bands.lattice, bands.points, m_radius, spread, options.max_mu_count, who);
  }

  [[nodiscard]] Eigen::Index vertex_count() const { return m_vertex_count; }
  [[nodiscard]] Eigen::Index band_count() const { return m_band_count; }
  [[nodiscard]] double kappa() const { return m_kappa; }
  [[nodiscard]] const MuSum<Dim>& mu_sum() const { return m_mu[0]; }
  [[nodiscard]] const std::optional<ZoneGrid<Dim>>& zone() const { return m_zone; }
  // The energy-shell quadrature (CollisionBands only).
  [[nodiscard]] const EnergyShellQuadrature<Dim>& quadrature() const {
    require(!m_quadrature.empty(), "{}: a point-sum collision has no energy shells", m_who);
    return m_quadrature[0];
  }

  // Calls visit(R̂(p − q + μ), A(p, q − μ)) for every kept μ of the pair (p, q).
  template <class Visit>
  void for_each_mu(Eigen::Index p, Eigen::Index q, Visit&& visit) const {
    mu_sum().for_each(p, q, [&](const LatticeIndex<Dim>& mu, const Vector& arg) {
      const double r = m_correlation.spectral_density(arg);
      const Eigen::MatrixXcd a = (*m_overlap)(p, q, mu);
      require(a.rows() == band_count() && a.cols() == band_count() && a.allFinite(),
              "{}: overlap at (p {}, q {}) is {}x{} or not finite, expected finite {}x{}", m_who, p,
              q, a.rows(), a.cols(), band_count(), band_count());
      visit(r, a);
    });
  }

  // Calls visit(R̂(p − q + μ), A_jm(p, q − μ)) for every kept μ of the pair (p, q). An
  // EntryOverlap (collision_bands_from_states) gives the entry alone, at about 1/n² of the
  // matrix's cost; any other overlap callable gives its matrix's entry.
  template <class Visit>
  void for_each_mu_entry(Eigen::Index p, Eigen::Index q, Eigen::Index j, Eigen::Index m,
                         Visit&& visit) const {
    if (m_entries == nullptr) {
      for_each_mu(p, q, [&](double r, const Eigen::MatrixXcd& a) { visit(r, a(j, m)); });
      return;
    }
    mu_sum().for_each(p, q, [&](const LatticeIndex<Dim>& mu, const Vector& arg) {
      const double r = m_correlation.spectral_density(arg);
      const std::complex<double> a = m_entries->source().entry(p, q, mu, j, m);
      require(std::isfinite(a.real()) && std::isfinite(a.imag()),
              "{}: overlap entry ({}, {}) at (p {}, q {}) is not finite", m_who, j, m, p, q);
      visit(r, a);
    });
  }

  // One kept μ of a point pair (p, q): r = R̂(p − q + μ) and a = A(p, q − μ).
  struct MuTerm {
    double r;
    Eigen::MatrixXcd a;
  };

  // Calls visit(row, col, weight, terms) for every nonzero S(row = p·n + l, col = q·n + m) of
  // the pair measure, in row order; terms() gives the MuTerms of the point pair (p, q) in the
  // order of for_each_mu, computed on the first call for the pair and shared by all its band
  // pairs (l, m): the overlaps, not the shells, are the bulk of an assembly. Before the first
  // visit, count(pairs) is told how many pairs there will be (to reserve storage).
  template <class Visit, class Count = void (*)(Eigen::Index)>
  void for_each_pair(
      Visit&& visit, Count&& count = [](Eigen::Index) {}) const {
    const Eigen::Index n = band_count();
    std::unordered_map<Eigen::Index, std::vector<MuTerm>> cache;  // the q of the current p
    Eigen::Index cached_p = -1;
    const auto terms_of = [&](Eigen::Index p, Eigen::Index q) -> const std::vector<MuTerm>& {
      if (p != cached_p) {
        cache.clear();
        cached_p = p;
      }
      const auto [it, inserted] = cache.try_emplace(q);
      if (inserted)
        for_each_mu(p, q, [&](double r, const Eigen::MatrixXcd& a) {
          it->second.push_back(MuTerm{r, a});
        });
      return it->second;
    };
    if (m_quadrature.empty()) {  // the point sum
      const Eigen::Index size = m_vertex_count * n;
      count(size * size);
      for (Eigen::Index row = 0; row < size; ++row)
        for (Eigen::Index col = 0; col < size; ++col)
          visit(
              row, col, 1.0, [&]() -> const auto& { return terms_of(row / n, col / n); });
      return;
    }
    const auto s = shell_pair_measure();
    count(s.nonZeros());
    for (Eigen::Index row = 0; row < s.outerSize(); ++row)
      for (Eigen::SparseMatrix<double, Eigen::RowMajor>::InnerIterator it(s, row); it; ++it)
        visit(
            row, it.col(),
            it.value(), [&]() -> const auto& { return terms_of(row / n, it.col() / n); });
  }

 private:
  void validate_options(const BandCollisionOptions& options) {
    require(static_cast<bool>(*m_overlap), "{}: no overlap callable given", m_who);
    m_kappa = std::isnan(options.kappa) ? rte_kappa(Dim) : options.kappa;
    require(std::isfinite(m_kappa) && m_kappa > 0, "{}: kappa = {} must be finite and > 0", m_who,
            m_kappa);
    require(
        std::isfinite(options.mu_tolerance) && options.mu_tolerance > 0 && options.mu_tolerance < 1,
        "{}: mu_tolerance = {} must be in (0, 1)", m_who, options.mu_tolerance);
    m_radius = m_correlation.radius(options.mu_tolerance);
    require(std::isfinite(m_radius) && m_radius >= 0,
            "{}: correlation radius {} at mu_tolerance = {} is not finite", m_who, m_radius,
            options.mu_tolerance);
  }

  // The symmetric pair measure S((p,l),(q,m)) = ½[w^m_q(E_l(p)) + w^l_p(E_m(q))] ≈
  // δ(E_l(p) − E_m(q)) dq, rows and columns indexed v·n + band, row-major.
  [[nodiscard]] Eigen::SparseMatrix<double, Eigen::RowMajor> shell_pair_measure() const {
    const Eigen::Index n = band_count();
    const Eigen::Index size = vertex_count() * n;
    std::vector<Eigen::Triplet<double>> triplets;
    const auto kept = [&](Eigen::Index v, Eigen::Index band) {
      const double e = (*m_energies)(v, band);
      return e >= m_energy_min && e <= m_energy_max;
    };
    for (Eigen::Index p = 0; p < vertex_count(); ++p)
      for (Eigen::Index l = 0; l < n; ++l) {
        if (!kept(p, l)) continue;
        for (Eigen::Index m = 0; m < n; ++m)
          for (const auto& w : quadrature().weights((*m_energies)(p, l), m)) {
            if (!kept(w.vertex, m)) continue;
            triplets.emplace_back(p * n + l, w.vertex * n + m, 0.5 * w.weight);
            triplets.emplace_back(w.vertex * n + m, p * n + l, 0.5 * w.weight);
          }
      }
    Eigen::SparseMatrix<double, Eigen::RowMajor> s(size, size);
    s.setFromTriplets(triplets.begin(), triplets.end());
    return s;
  }

  Correlation m_correlation;
  const Overlap* m_overlap;
  const EntryOverlap<Dim>* m_entries;  // the overlap when it gives single entries, else null
  const char* m_who;
  std::optional<ZoneGrid<Dim>> m_zone;
  const Eigen::MatrixXd* m_energies = nullptr;
  Eigen::Index m_band_count = 0;
  Eigen::Index m_vertex_count = 0;
  double m_kappa = 0;
  double m_radius = 0;
  double m_energy_min = -std::numeric_limits<double>::infinity();  // the kept energy shells
  double m_energy_max = std::numeric_limits<double>::infinity();
  std::vector<EnergyShellQuadrature<Dim>> m_quadrature;  // empty for a point sum
  std::vector<MuSum<Dim>> m_mu;                          // one entry once set up
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
  [[nodiscard]] std::size_t mu_count() const noexcept { return m_mu.size(); }
  /// \brief The momentum grid (or patch) p and q range over.
  /// \pre an energy-shell collision (from CollisionBands); a point sum has no zone grid.
  [[nodiscard]] const ZoneGrid<Dim>& zone() const {
    require(m_zone.has_value(), "collision: a point-sum collision has no zone grid");
    return *m_zone;
  }
  /// \brief The number of lattice vectors μ kept in the sum for the point pair (p, q), i.e.
  /// with |p − q + μ| within the correlation's radius.
  [[nodiscard]] std::size_t mu_count(Eigen::Index p, Eigen::Index q) const {
    require(p >= 0 && p < m_vertex_count && q >= 0 && q < m_vertex_count,
            "collision: point pair ({}, {}) outside [0, {})", p, q, m_vertex_count);
    return m_mu.count(p, q);
  }

 protected:
  template <class Correlation>
  explicit CollisionSummary(const CollisionSetup<Dim, Correlation>& setup)
      : m_band_count(setup.band_count()),
        m_vertex_count(setup.vertex_count()),
        m_kappa(setup.kappa()),
        m_zone(setup.zone()),
        m_mu(setup.mu_sum()) {}

  Eigen::Index m_band_count;
  Eigen::Index m_vertex_count;
  double m_kappa;
  std::optional<ZoneGrid<Dim>> m_zone;
  MuSum<Dim> m_mu;
};

}  // namespace detail

}  // namespace wavekin
