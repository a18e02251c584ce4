// wavekin/kinetic/band_diagonal_collision.hpp — spatial correlations R̂(q), the collision prefactor
// κ, zone band data for collisions and the band-diagonal RTE collision of P1 (C.3).
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
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/kinetic/coherence_field.hpp"
#include "wavekin/kinetic/energy_shell_quadrature.hpp"

namespace wavekin {

namespace detail {

// The correlation length ℓ of a SpatialCorrelation policy, checked once for every policy.
class CorrelationLength {
 public:
  [[nodiscard]] double length() const noexcept { return m_length; }

 protected:
  CorrelationLength(double length, const char* policy) : m_length(length) {
    require(std::isfinite(length) && length > 0,
            "{}: correlation length ell = {} must be finite and > 0", policy, length);
  }
  double m_length;
};

}  // namespace detail

/// \brief Spatial power spectrum of the Gaussian correlation R(x) = e^{−|x|²/2ℓ²}:
/// \f$\hat R(q) = (2\pi)^{d/2}\ell^d e^{-\ell^2|q|^2/2}\f$ (P1 §4, R̂(q) = ∫ e^{−iq·x} R(x) dx).
template <int Dim>
class GaussianCorrelation : public detail::CorrelationLength {
 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;
  /// \pre ℓ finite and > 0.
  explicit GaussianCorrelation(double length) : CorrelationLength(length, "GaussianCorrelation") {}
  [[nodiscard]] double operator()(const Vector& q) const {
    return std::pow(2 * std::numbers::pi, 0.5 * Dim) * std::pow(m_length, Dim) *
           std::exp(-0.5 * m_length * m_length * q.squaredNorm());
  }
  /// \brief Radius beyond which R̂(q) ≤ tolerance·R̂(0): √(2 ln(1/tol)) / ℓ.
  [[nodiscard]] double radius(double tolerance) const {
    return std::sqrt(2 * std::log(1 / tolerance)) / m_length;
  }
};

/// \brief Spatial power spectrum of the exponential correlation R(x) = e^{−|x|/ℓ}:
/// \f$\hat R(q) = c_d\,\ell^d/(1+\ell^2|q|^2)^{(d+1)/2}\f$, c_d = 2^d π^{(d−1)/2} Γ((d+1)/2)
/// (2ℓ/(1+ℓ²q²) in 1D, 2πℓ²/(1+ℓ²|q|²)^{3/2} in 2D, 8πℓ³/(1+ℓ²|q|²)² in 3D). Its tail is
/// algebraic: the μ-sum needs a looser tolerance than the Gaussian's.
template <int Dim>
class ExponentialCorrelation : public detail::CorrelationLength {
 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;
  /// \pre ℓ finite and > 0.
  explicit ExponentialCorrelation(double length)
      : CorrelationLength(length, "ExponentialCorrelation") {}
  [[nodiscard]] double operator()(const Vector& q) const {
    const double c = std::pow(2.0, Dim) * std::pow(std::numbers::pi, 0.5 * (Dim - 1)) *
                     std::tgamma(0.5 * (Dim + 1));
    return c * std::pow(m_length, Dim) *
           std::pow(1 + m_length * m_length * q.squaredNorm(), -0.5 * (Dim + 1));
  }
  /// \brief Radius beyond which R̂(q) ≤ tolerance·R̂(0): √(tol^{−2/(d+1)} − 1) / ℓ.
  [[nodiscard]] double radius(double tolerance) const {
    return std::sqrt(std::pow(tolerance, -2.0 / (Dim + 1)) - 1) / m_length;
  }
};

/// \brief A spatial power spectrum R̂(q) ≥ 0 (real, even), with the radius beyond which it
/// stays below tolerance·R̂(0) (the truncation of the μ-sum of P1 (4.15), (C.3)).
template <class R, int Dim>
concept SpatialCorrelation = requires(const R& r, const Eigen::Matrix<double, Dim, 1>& q,
                                      double t) {
  { r(q) } -> std::convertible_to<double>;
  { r.radius(t) } -> std::convertible_to<double>;
};

/// \brief The collision prefactor κ = (2π)^{1−d} wavekin uses (MATH.md §2, erratum 4).
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

/// \brief Options of the collision operators.
struct BandCollisionOptions {
  /// Prefactor κ; NaN (the default) means rte_kappa(Dim) = (2π)^{1−d}.
  double kappa = std::numeric_limits<double>::quiet_NaN();
  /// The μ-sum keeps the terms with R̂(p − q + μ) > mu_tolerance·R̂(0).
  double mu_tolerance = 1e-12;
  /// Largest number of lattice vectors μ the truncated sum may need (a guard against a loose
  /// correlation tail with a tight tolerance).
  std::size_t max_mu_count = 20000;
};

/// \brief Band energies and overlaps on the uniform zone grid, or on a patch of it, what the
/// collisions of P1 (4.15), (5.2) and (C.3) read.
///
/// Grid: grid vertex ↔ q = Σ_l (i_l/N_l) e^l, first index fastest (EnergyShellQuadrature's and
/// uniform_zone_quadrature's order). `support` empty: the vertices v are the whole grid. Else
/// the vertices are the grid vertices listed (flat indices, strictly increasing; e.g.
/// zone_ball_support for the balls B_ε(K) ∪ B_ε(K') of P1 (5.2)), and both p and q of the
/// collision range over them only. `energies` is vertices × n. `overlap(p, q, μ)` returns the
/// n × n matrix with entry (j, m) = A_jm(p_p, q_q − μ) = Σ_G c^j_G(p) conj(c^m_{G−μ}(q))
/// (MATH.md §1; μ = Σ n_l e^l), all states in ONE gauge.
template <int Dim>
struct CollisionBands {
  using Overlap =
      std::function<Eigen::MatrixXcd(Eigen::Index p, Eigen::Index q, const LatticeIndex<Dim>& mu)>;
  Lattice<Dim, double> lattice;
  std::array<Eigen::Index, Dim> points;
  Eigen::MatrixXd energies;
  Overlap overlap;
  std::vector<Eigen::Index> support;
};

namespace detail {

// The overlaps A(p, q − μ) of collision_bands_from_states, without building shifted bases: every
// state's coefficients of the chosen bands sit in a dense table over the common box of plane-wave
// labels, so A_jm = Σ_{G ∈ basis(p)} c^j_G(p) conj(c^m_{G−μ}(q)) is index arithmetic (about 8×
// faster assembly than relabel + overlap_A, which rebuild q's basis and its label map each call).
// A table of more than `max_table_entries` (states × box; 2^25 by default, 128 MiB, reached only
// by large 3-D grids) is not built: q's own label map (PlaneWaveBasis::index_of) is used instead.
// The data are shared between copies (CollisionBands is copied freely).
template <int Dim>
class LabelTableOverlap {
 public:
  static constexpr std::size_t default_max_table_entries = std::size_t(1) << 25;

  LabelTableOverlap(const std::vector<BlochState<Dim, double>>& states,
                    const std::vector<Eigen::Index>& bands,
                    std::size_t max_table_entries = default_max_table_entries) {
    auto data = std::make_shared<Data>();
    data->bands = static_cast<Eigen::Index>(bands.size());
    data->low.fill(std::numeric_limits<std::int64_t>::max());
    std::array<std::int64_t, Dim> high;
    high.fill(std::numeric_limits<std::int64_t>::min());
    for (const auto& state : states)
      for (const auto& label : state.basis.labels())
        for (int l = 0; l < Dim; ++l) {
          data->low[static_cast<std::size_t>(l)] =
              std::min<std::int64_t>(data->low[static_cast<std::size_t>(l)], label[l]);
          high[static_cast<std::size_t>(l)] =
              std::max<std::int64_t>(high[static_cast<std::size_t>(l)], label[l]);
        }
    double entries = static_cast<double>(states.size());
    data->cells = 1;
    for (int l = 0; l < Dim; ++l) {
      data->extent[static_cast<std::size_t>(l)] =
          high[static_cast<std::size_t>(l)] - data->low[static_cast<std::size_t>(l)] + 1;
      data->cells *= data->extent[static_cast<std::size_t>(l)];
      entries *= static_cast<double>(data->extent[static_cast<std::size_t>(l)]);
    }
    data->dense = entries <= static_cast<double>(max_table_entries);
    if (data->dense) data->row.assign(states.size() * static_cast<std::size_t>(data->cells), -1);
    for (std::size_t v = 0; v < states.size(); ++v) {
      const auto& state = states[v];
      data->labels.emplace_back(state.basis.labels());
      Eigen::MatrixXcd c(state.coefficients.rows(), data->bands);
      for (Eigen::Index m = 0; m < data->bands; ++m)
        c.col(m) = state.coefficients.col(bands[static_cast<std::size_t>(m)]);
      data->coefficients.push_back(std::move(c));
      if (data->dense) {
        for (std::size_t i = 0; i < data->labels.back().size(); ++i)
          data->row[v * static_cast<std::size_t>(data->cells) +
                    static_cast<std::size_t>(data->cell(data->labels.back()[i]))] =
              static_cast<std::int32_t>(i);
      } else {
        data->bases.push_back(state.basis);
      }
    }
    m_data = std::move(data);
  }

  /// Whether the dense label table was built (false: the bases' label maps are used).
  [[nodiscard]] bool dense() const noexcept { return m_data->dense; }

  [[nodiscard]] Eigen::MatrixXcd operator()(Eigen::Index p, Eigen::Index q,
                                            const LatticeIndex<Dim>& mu) const {
    const Data& d = *m_data;
    Eigen::MatrixXcd out = Eigen::MatrixXcd::Zero(d.bands, d.bands);
    const auto& labels = d.labels[static_cast<std::size_t>(p)];
    const auto& cp = d.coefficients[static_cast<std::size_t>(p)];
    const auto& cq = d.coefficients[static_cast<std::size_t>(q)];
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const LatticeIndex<Dim> shifted = labels[i] - mu;
      Eigen::Index r = -1;
      if (d.dense) {
        const std::int64_t c = d.cell(shifted);
        if (c >= 0)
          r = d.row[static_cast<std::size_t>(q) * static_cast<std::size_t>(d.cells) +
                    static_cast<std::size_t>(c)];
      } else {
        r = d.bases[static_cast<std::size_t>(q)].index_of(shifted);
      }
      if (r < 0) continue;
      for (Eigen::Index j = 0; j < d.bands; ++j)
        for (Eigen::Index m = 0; m < d.bands; ++m)
          out(j, m) += cp(static_cast<Eigen::Index>(i), j) * std::conj(cq(r, m));
    }
    return out;
  }

 private:
  struct Data {
    // Position of a label in the box, or −1 outside it.
    [[nodiscard]] std::int64_t cell(const LatticeIndex<Dim>& label) const {
      std::int64_t flat = 0, stride = 1;
      for (int l = 0; l < Dim; ++l) {
        const std::int64_t offset = label[l] - low[static_cast<std::size_t>(l)];
        if (offset < 0 || offset >= extent[static_cast<std::size_t>(l)]) return -1;
        flat += offset * stride;
        stride *= extent[static_cast<std::size_t>(l)];
      }
      return flat;
    }

    Eigen::Index bands = 0;
    std::array<std::int64_t, Dim> low{}, extent{};
    std::int64_t cells = 0;
    bool dense = true;
    std::vector<std::vector<LatticeIndex<Dim>>> labels;
    std::vector<Eigen::MatrixXcd> coefficients;
    std::vector<std::int32_t> row;                   // dense: state × box → row, −1 if absent
    std::vector<PlaneWaveBasis<Dim, double>> bases;  // otherwise
  };

  std::shared_ptr<const Data> m_data;
};

}  // namespace detail

/// \brief CollisionBands from Bloch states at the vertices (grid order, or the support's order
/// for a patch), for the bands listed. A(p, q − μ) = overlap_A(state_p, relabel(state_q, −μ)),
/// the relabelling c^m_G(q − μ) = c^m_{G−μ}(q) (exact, phase included); plane waves of state_p
/// missing from the shifted basis of q count as zero. Evaluated from dense label tables (memory:
/// states × the box of labels, a few hundred entries each). The collisions are pointwise in p
/// and q, so any gauge will do, as long as the field's σ is written in the same states.
/// \pre one state per vertex (ΠN_l, or support.size()); bands valid for every state.
template <int Dim>
CollisionBands<Dim> collision_bands_from_states(
    const Lattice<Dim, double>& lattice,
    const std::type_identity_t<std::array<Eigen::Index, Dim>>& points,
    std::vector<Eigen::Index> support, const std::vector<BlochState<Dim, double>>& states,
    const std::vector<Eigen::Index>& bands) {
  require(!bands.empty(), "collision_bands_from_states: no bands given");
  require(!states.empty(), "collision_bands_from_states: no Bloch states given");
  Eigen::MatrixXd e(static_cast<Eigen::Index>(states.size()),
                    static_cast<Eigen::Index>(bands.size()));
  for (std::size_t v = 0; v < states.size(); ++v)
    for (std::size_t m = 0; m < bands.size(); ++m) {
      detail::check_band(states[v], bands[m], "collision_bands_from_states");
      e(static_cast<Eigen::Index>(v), static_cast<Eigen::Index>(m)) = states[v].energies[bands[m]];
    }
  return CollisionBands<Dim>{lattice, points, e, detail::LabelTableOverlap<Dim>(states, bands),
                             std::move(support)};
}

/// \brief CollisionBands of a BandTable grid (its gauge: ParallelTransportGauge unless the table
/// was built with another), for the bands listed; see collision_bands_from_states.
/// \pre table is a grid; bands valid.
template <int Dim>
CollisionBands<Dim> collision_bands_from_table(const Lattice<Dim, double>& lattice,
                                               const BandTable<Dim, double>& table,
                                               const std::vector<Eigen::Index>& bands) {
  require(table.is_grid(), "collision_bands_from_table: the table is a path, not a grid");
  std::vector<BlochState<Dim, double>> states;
  states.reserve(static_cast<std::size_t>(table.size()));
  for (Eigen::Index i = 0; i < table.size(); ++i) states.push_back(table.state(i));
  return collision_bands_from_states<Dim>(lattice, table.grid_shape(), {}, states, bands);
}

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
  const auto zone = uniform_zone_quadrature<Dim, double>(lattice, points);
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
  return CollisionBands<Dim>{lattice, points, e, overlap, {}};
}

namespace detail {

// Validated CollisionBands plus what both collisions share: the vertex momenta, the truncated
// set of μ, and the symmetric pair measure of the energy shells.
template <int Dim, class Correlation>
class CollisionSetup {
 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;

  CollisionSetup(const CollisionBands<Dim>& bands, const Correlation& correlation,
                 const BandCollisionOptions& options, const char* who)
      : m_bands(bands), m_correlation(correlation), m_who(who) {
    Eigen::Index total = 1;
    for (int l = 0; l < Dim; ++l) {
      const auto nl = bands.points[static_cast<std::size_t>(l)];
      require(nl >= 2, "{}: {} grid points along e^{} (need >= 2)", who, nl, l + 1);
      total *= nl;
    }
    if (!bands.support.empty()) total = static_cast<Eigen::Index>(bands.support.size());
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
    if (bands.support.empty())
      m_quadrature.emplace_back(bands.lattice, bands.points, bands.energies);
    else
      m_quadrature.emplace_back(bands.lattice, bands.points, bands.support, bands.energies);
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

  // Calls visit(mu, R̂(p − q + μ), A(p, q − μ)) for every kept μ of the pair (p, q).
  template <class Visit>
  void for_each_mu(Eigen::Index p, Eigen::Index q, Visit&& visit) const {
    const Vector d =
        m_momenta[static_cast<std::size_t>(p)] - m_momenta[static_cast<std::size_t>(q)];
    for (std::size_t k = 0; k < m_mu.size(); ++k) {
      const Vector arg = d + m_mu_vec[k];
      if (arg.norm() > m_radius) continue;
      const double r = m_correlation(arg);
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
    // |p − q| ≤ Σ_l |e^l| for p, q ∈ B, so every kept μ has |μ| ≤ radius + Σ_l |e^l|; and
    // n_l = μ·e_l/2π, |n_l| ≤ |μ||e_l|/2π.
    const auto& dual = m_bands.lattice.dual_basis();
    const auto& basis = m_bands.lattice.basis();
    double reach = m_radius;
    for (int l = 0; l < Dim; ++l) reach += dual.col(l).norm();
    std::array<std::int64_t, Dim> bound{};
    double boxes = 1;
    for (int l = 0; l < Dim; ++l) {
      bound[static_cast<std::size_t>(l)] = static_cast<std::int64_t>(
          std::ceil(reach * basis.col(l).norm() / (2 * std::numbers::pi)));
      boxes *= 2.0 * static_cast<double>(bound[static_cast<std::size_t>(l)]) + 1;
    }
    require(boxes <= 50.0 * static_cast<double>(max_count),
            "{}: the mu-sum needs about {} lattice vectors (max_mu_count = {}); raise "
            "mu_tolerance or max_mu_count",
            m_who, boxes, max_count);
    LatticeIndex<Dim> idx;
    for (int l = 0; l < Dim; ++l) idx[l] = -bound[static_cast<std::size_t>(l)];
    while (true) {
      const Vector mu = dual * idx.template cast<double>();
      if (mu.norm() <= reach) {
        m_mu.push_back(idx);
        m_mu_vec.push_back(mu);
      }
      int l = 0;
      for (; l < Dim; ++l) {
        if (++idx[l] <= bound[static_cast<std::size_t>(l)]) break;
        idx[l] = -bound[static_cast<std::size_t>(l)];
      }
      if (l == Dim) break;
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

// What both collision operators report about their assembly.
class CollisionSummary {
 public:
  [[nodiscard]] Eigen::Index band_count() const noexcept { return m_band_count; }
  [[nodiscard]] Eigen::Index vertex_count() const noexcept { return m_vertex_count; }
  /// \brief The prefactor κ used.
  [[nodiscard]] double kappa() const noexcept { return m_kappa; }
  /// \brief Number of lattice vectors μ the truncated sum ranges over.
  [[nodiscard]] std::size_t mu_count() const noexcept { return m_mu_count; }

 protected:
  template <int Dim, class Correlation>
  explicit CollisionSummary(const CollisionSetup<Dim, Correlation>& setup)
      : m_band_count(setup.band_count()),
        m_vertex_count(setup.vertex_count()),
        m_kappa(setup.kappa()),
        m_mu_count(setup.mu_count()) {}

  Eigen::Index m_band_count;
  Eigen::Index m_vertex_count;
  double m_kappa;
  std::size_t m_mu_count;
};

}  // namespace detail

/// \brief The band-diagonal radiative transfer collision of P1 (C.3) (Bal–Fannjiang–
/// Papanicolaou–Ryzhik; MATH.md §2, erratum 6: δ(E_j(p) − E_m(q))):
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
/// stationary. Cost of assembly: n² vertices² simplex visits plus one overlap call per
/// (pair on a shell, μ).
/// \tparam Dim  dimension of p
template <int Dim>
class BandDiagonalCollision : public detail::CollisionSummary {
 public:
  using Matrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

  /// \tparam Correlation  a SpatialCorrelation (GaussianCorrelation, ExponentialCorrelation)
  /// \pre bands consistent (vertex count, finite energies, overlap n × n); options valid.
  template <class Correlation>
  requires SpatialCorrelation<Correlation, Dim> BandDiagonalCollision(
      const CollisionBands<Dim>& bands, const Correlation& correlation,
      const BandCollisionOptions& options = {})
      : BandDiagonalCollision(detail::CollisionSetup<Dim, Correlation>(bands, correlation, options,
                                                                       "BandDiagonalCollision")) {}

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
      : CollisionSummary(setup) {
    const Eigen::Index n = m_band_count;
    const Eigen::Index size = m_vertex_count * n;
    std::vector<Eigen::Triplet<double>> triplets;
    setup.for_each_pair([&](Eigen::Index row, Eigen::Index col, double weight) {
      const Eigen::Index p = row / n, j = row % n, q = col / n, m = col % n;
      double sum = 0;
      setup.for_each_mu(
          p, q, [&](double r, const Eigen::MatrixXcd& a) { sum += r * std::norm(a(j, m)); });
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
requires SpatialCorrelation<Correlation, Dim>
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
      setup.for_each_mu(vertex, w.vertex, [&](double r, const Eigen::MatrixXcd& a) {
        sum += w.weight * r * std::norm(a(band, m));
      });
  return setup.kappa() * sum;
}

}  // namespace wavekin
