// wavekin/coherence/energy_shell_quadrature.hpp — sparse vertex weights for the energy-shell
// integral ∫_B f(q) δ(E − E_m(q)) dq on a periodic zone grid. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/zone_grid.hpp"
#include "wavekin/coherence/detail/energy_interval_index.hpp"
#include "wavekin/coherence/detail/simplex_shell.hpp"

namespace wavekin {

/// \brief δ policy of EnergyShellQuadrature: the exact δ of the piecewise-linear
/// interpolant of E_m on simplices (segments, triangles, tetrahedra). The default.
struct LinearSimplices {};

namespace detail {

// The width η of a regularised δ, checked once for every policy.
class DeltaWidth {
 public:
  DeltaWidth(double eta, const char* policy) : m_eta(eta) {
    require(std::isfinite(eta) && eta > 0, "{}: width eta = {} must be finite and > 0", policy,
            eta);
  }
  [[nodiscard]] double width() const noexcept { return m_eta; }

 protected:
  double m_eta;
};

}  // namespace detail

/// \brief δ policy: the Gaussian \f$\delta_\eta(x) = e^{-x^2/2\eta^2}/(\eta\sqrt{2\pi})\f$.
/// Vertices with |E − E_v| > 8η are dropped (relative weight e^{−32} ≈ 1.3e-14).
class GaussianDelta : public detail::DeltaWidth {
 public:
  /// \pre η finite and > 0.
  explicit GaussianDelta(double eta) : DeltaWidth(eta, "GaussianDelta") {}
  [[nodiscard]] double operator()(double x) const noexcept {
    return std::exp(-0.5 * (x / m_eta) * (x / m_eta)) / (m_eta * std::sqrt(2 * std::numbers::pi));
  }
  /// \brief Largest |E − E_v| that gets a weight.
  [[nodiscard]] double cutoff() const noexcept { return 8 * m_eta; }
};

/// \brief δ policy: the Lorentzian \f$\delta_\eta(x) = (\eta/\pi)/(x^2 + \eta^2)\f$. Its tails
/// are never cut (every vertex gets a weight), and its bias is in general O(η), not O(η²).
class LorentzianDelta : public detail::DeltaWidth {
 public:
  /// \pre η finite and > 0.
  explicit LorentzianDelta(double eta) : DeltaWidth(eta, "LorentzianDelta") {}
  [[nodiscard]] double operator()(double x) const noexcept {
    return m_eta / (std::numbers::pi * (x * x + m_eta * m_eta));
  }
  [[nodiscard]] double cutoff() const noexcept { return std::numeric_limits<double>::infinity(); }
};

/// \brief A regularised δ: a nascent delta δ_η(x) (integral 1) with a support radius.
template <class Delta>
concept RegularisedDelta = requires(const Delta& delta, double x) {
  { delta(x) } -> std::convertible_to<double>;
  { delta.cutoff() } -> std::convertible_to<double>;
};

/// \brief The δ policies EnergyShellQuadrature accepts.
template <class Delta>
concept ShellDelta = std::same_as<Delta, LinearSimplices> || RegularisedDelta<Delta>;

/// \brief One entry of a sparse weight vector: grid vertex (flat index) and weight.
template <RealScalar Scalar = double>
struct ShellWeight {
  Eigen::Index vertex;
  Scalar weight;
};

/// \brief Quadrature of the energy shell \f$\int_B f(q)\,\delta(E - E_m(q))\,dq\f$ of
/// P1 (4.15) and (C.2)–(C.3) (docs/conventions.md §15) on a periodic uniform grid of the
/// zone: weights w_v(E) on the grid vertices v with
/// \f$\sum_v w_v f(q_v) \approx \int_B f\,\delta(E - E_m)\,dq\f$, and the density of states
/// \f$g_m(E) = \sum_v w_v = \int_B \delta(E - E_m(q))\,dq\f$.
///
/// Grid: vertex i = (i_1, …, i_Dim), 0 ≤ i_l < N_l, sits at q = Σ_l (i_l / N_l) e^l, the
/// zone B = {Σ θ_l e^l, θ ∈ [0,1)^Dim} of P1 (3.4); the flat index runs with the FIRST index
/// fastest, the layout of `BandTable::uniform_grid`, so
/// `EnergyShellQuadrature<d>(ZoneGrid<d>(lattice, table.grid_shape()), table.energies())` takes
/// a band table as it is. Energies are given as a vertices × bands matrix.
///
/// `LinearSimplices` (default): E_m and f are interpolated linearly on simplices — each
/// parallelepiped cell is cut into Dim! simplices around its shortest main diagonal
/// (Blöchl's choice, which keeps the simplices least distorted on oblique lattices) — and
/// the δ of the interpolant is integrated exactly (closed forms in
/// detail/simplex_shell.hpp and docs/energy_shell.md): d = 1 gives Σ_roots f/|E'| with the
/// secant slope, d = 2 linear triangles, d = 3 linear tetrahedra. Simplices whose energies
/// agree to 1e-12·max|E| count as flat (no weight: a round-off spread must not weigh
/// 1/round-off). Exact for E_m and f linear on every simplex. For smooth bands (away from band
/// edges, van Hove energies and crossings) g converges with order (Dim+1)/2 in the root mean square
/// over energies — measured 1.0 (1D), 1.5 (2D), 2.0 (3D); pointwise the error oscillates with N —
/// and integrals of g against smooth functions of E at O(h²); crossings on the shell give order 1.
/// The constructor indexes every band's simplices by their energy range
/// (detail/energy_interval_index.hpp, O(Dim!·ΠN_l) per band), so a level E visits only the
/// simplices the shell can cross — O(Dim!·ΠN_l^{(d−1)/d}) per (E, band) for a band without flat
/// stretches, instead of every simplex — in the order of a full scan, so every weight is the full
/// scan's to the last bit.
///
/// A `RegularisedDelta` (GaussianDelta, LorentzianDelta): w_v = (|B|/ΠN_l) δ_η(E − E_m(q_v)),
/// the trapezoidal rule for the smoothed shell; its bias is O(η²) (Gaussian) and it needs
/// h ≪ η. Cost O(ΠN_l) per (E, band).
///
/// Every weight scales with the Cartesian cell volume |B|/ΠN_l, so any lattice basis works.
/// \tparam Dim     dimension of q: 1, 2 or 3
/// \tparam Delta   LinearSimplices or a RegularisedDelta
/// \tparam Scalar  float or double
template <int Dim, ShellDelta Delta = LinearSimplices, RealScalar Scalar = double>
class EnergyShellQuadrature {
  static_assert(Dim >= 1 && Dim <= 3,
                "EnergyShellQuadrature: linear simplices are implemented for Dim = 1, 2, 3");

 public:
  using Shape = std::array<Eigen::Index, Dim>;
  using Energies = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using VertexField = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using Weight = ShellWeight<Scalar>;
  static constexpr int dimension = Dim;

  /// \brief Weights for the bands `energies` (one row per vertex of `zone`, first grid index
  /// fastest; one column per band).
  ///
  /// On a patch (zone.is_patch(), e.g. P1 (5.2) with q restricted to balls B_ε(K) ∪ B_ε(K')):
  /// only the support's vertices carry energies, and only the cells whose 2^Dim corners are all
  /// in the support are integrated over, so \f$\sum_k w_k f_k \approx \int_P f(q)\,
  /// \delta(E - E_m(q))\,dq\f$ over the union P of those cells: the shell is cut at the patch's
  /// edge. Vertex indices in weights(), integrate() and momentum() are positions in the support.
  /// A RegularisedDelta weighs every support vertex. With every vertex listed this is the
  /// full-grid quadrature, weight for weight. Cost O(Dim!·|support|) per band (the index of
  /// linear simplices).
  /// \pre every N_l >= 2; energies.rows() == zone.size(), at least one column, all finite.
  EnergyShellQuadrature(const ZoneGrid<Dim, Scalar>& zone, Energies energies, Delta delta = Delta{})
      : m_zone(zone),
        m_points(zone.counts()),
        m_energies(std::move(energies)),
        m_delta(std::move(delta)),
        m_dual(zone.lattice().dual_basis()),
        m_support(zone.support()) {
    const Lattice<Dim, Scalar>& lattice = zone.lattice();
    const Shape& points = zone.counts();
    Eigen::Index total = 1;
    for (int l = 0; l < Dim; ++l) {
      require(points[static_cast<std::size_t>(l)] >= 2,
              "EnergyShellQuadrature: {} grid points along e^{} (need >= 2)",
              points[static_cast<std::size_t>(l)], l + 1);
      m_stride[static_cast<std::size_t>(l)] = total;
      total *= points[static_cast<std::size_t>(l)];
    }
    m_vertex_count = m_support.empty() ? total : static_cast<Eigen::Index>(m_support.size());
    require(m_energies.rows() == m_vertex_count,
            "EnergyShellQuadrature: energies have {} rows, expected one per {} vertex ({})",
            m_energies.rows(), m_support.empty() ? "grid" : "patch", m_vertex_count);
    require(m_energies.cols() >= 1, "EnergyShellQuadrature: energies have no band (0 columns)");
    for (Eigen::Index m = 0; m < m_energies.cols(); ++m)
      for (Eigen::Index v = 0; v < m_vertex_count; ++v)
        require(std::isfinite(m_energies(v, m)),
                "EnergyShellQuadrature: energy of band {} at vertex {} is not finite ({})", m, v,
                m_energies(v, m));
    m_cell_volume = lattice.zone_volume() / static_cast<Scalar>(total);
    // Round-off tolerance below which a simplex counts as flat: energies computed along
    // different paths (the three vertices of a triangle centred on a Dirac point) agree only to
    // ~1e-14 of the energy scale, and a flat simplex must not weigh 1/round-off.
    m_flat = flat_tolerance() * m_energies.cwiseAbs().maxCoeff();
    if constexpr (std::same_as<Delta, LinearSimplices>) {
      build_simplices();
      if (!m_support.empty()) build_patch_cells();
      build_index();
    }
  }



  [[nodiscard]] const Shape& points() const noexcept { return m_points; }
  [[nodiscard]] Eigen::Index vertex_count() const noexcept { return m_vertex_count; }
  [[nodiscard]] Eigen::Index band_count() const noexcept { return m_energies.cols(); }
  [[nodiscard]] const Energies& energies() const noexcept { return m_energies; }
  [[nodiscard]] const Delta& delta() const noexcept { return m_delta; }
  /// \brief Relative spread, in units of max|E|, below which a simplex's energies count as
  /// equal (a flat simplex: no weight at any E). 1e-12 for double, 1e-5 for float.
  static constexpr Scalar flat_tolerance() noexcept {
    return std::same_as<Scalar, float> ? Scalar(1e-5) : Scalar(1e-12);
  }
  /// \brief Cartesian volume of one grid cell, |B| / ΠN_l.
  [[nodiscard]] Scalar cell_volume() const noexcept { return m_cell_volume; }

  /// \brief Flat index of vertex i; any integer i, taken modulo N (periodic grid).
  [[nodiscard]] Eigen::Index flatten(const Shape& i) const noexcept {
    Eigen::Index flat = 0;
    for (int l = 0; l < Dim; ++l) {
      const auto n = m_points[static_cast<std::size_t>(l)];
      const auto r = ((i[static_cast<std::size_t>(l)] % n) + n) % n;
      flat += r * m_stride[static_cast<std::size_t>(l)];
    }
    return flat;
  }

  /// \brief The grid (or patch) the quadrature lives on.
  [[nodiscard]] const ZoneGrid<Dim, Scalar>& zone() const noexcept { return m_zone; }
  /// \brief Whether the quadrature covers a patch of the grid.
  [[nodiscard]] bool is_patch() const noexcept { return m_zone.is_patch(); }
  /// \brief Flat grid index of vertex v (v itself on the full grid).
  [[nodiscard]] Eigen::Index grid_index(Eigen::Index vertex) const {
    return m_zone.grid_index(vertex);
  }
  /// \brief q_v = Σ_l (i_l / N_l) e^l of vertex v (in B).
  [[nodiscard]] Vector momentum(Eigen::Index vertex) const { return m_zone.momentum(vertex); }

  /// \brief Sparse weights w_v(E) of band m, sorted by vertex, zeros left out:
  /// Σ_v w_v f_v ≈ ∫_B f(q) δ(E − E_m(q)) dq (P1 (4.15)).
  /// \pre E finite, 0 <= band < band_count().
  [[nodiscard]] std::vector<Weight> weights(Scalar energy, Eigen::Index band) const {
    check(energy, band, "weights");
    // The contributions in visiting order, stably sorted by vertex and summed from 0 in that
    // order: each weight is the same sum, term for term, as a dense accumulation.
    std::vector<Weight> terms;
    accumulate(energy, band, [&](Eigen::Index v, Scalar w) { terms.push_back(Weight{v, w}); });
    std::stable_sort(terms.begin(), terms.end(),
                     [](const Weight& a, const Weight& b) { return a.vertex < b.vertex; });
    std::vector<Weight> out;
    for (std::size_t k = 0; k < terms.size();) {
      Scalar sum = 0;
      const Eigen::Index v = terms[k].vertex;
      for (; k < terms.size() && terms[k].vertex == v; ++k) sum += terms[k].weight;
      if (sum != 0) out.push_back(Weight{v, sum});
    }
    return out;
  }

  /// \brief g_m(E) = ∫_B δ(E − E_m(q)) dq = Σ_v w_v(E).
  /// \pre E finite, 0 <= band < band_count().
  [[nodiscard]] Scalar density_of_states(Scalar energy, Eigen::Index band) const {
    check(energy, band, "density_of_states");
    Scalar sum = 0;
    accumulate(energy, band, [&](Eigen::Index, Scalar w) { sum += w; });
    return sum;
  }

  /// \brief g(E) = Σ_m g_m(E), summed over all bands.
  [[nodiscard]] Scalar density_of_states(Scalar energy) const {
    Scalar sum = 0;
    for (Eigen::Index m = 0; m < band_count(); ++m) sum += density_of_states(energy, m);
    return sum;
  }

  /// \brief Σ_v w_v(E) f_v ≈ ∫_B f(q) δ(E − E_m(q)) dq for f given at the vertices.
  /// \pre E finite, 0 <= band < band_count(), f.size() == vertex_count().
  [[nodiscard]] Scalar integrate(Scalar energy, Eigen::Index band,
                                 const Eigen::Ref<const VertexField>& f) const {
    check(energy, band, "integrate");
    require(f.size() == m_vertex_count,
            "EnergyShellQuadrature::integrate: f has {} entries, expected one per vertex ({})",
            f.size(), m_vertex_count);
    Scalar sum = 0;
    accumulate(energy, band, [&](Eigen::Index v, Scalar w) { sum += w * f[v]; });
    return sum;
  }

 private:
  static constexpr int simplices_per_cell = Dim == 1 ? 1 : (Dim == 2 ? 2 : 6);
  static constexpr int corners_per_cell = 1 << Dim;
  using Corners = std::array<Eigen::Index, corners_per_cell>;

  // Flat index of corner b (bit l: one step along e^l, axis flips applied) of the cell whose
  // unflipped corner 0 is the grid point i (periodic wrap).
  [[nodiscard]] Eigen::Index corner_index(const Shape& i, int b) const noexcept {
    Eigen::Index flat = 0;
    for (int l = 0; l < Dim; ++l) {
      const auto n = m_points[static_cast<std::size_t>(l)];
      auto c = i[static_cast<std::size_t>(l)] + (((b ^ m_flips) >> l) & 1);
      if (c == n) c = 0;
      flat += c * m_stride[static_cast<std::size_t>(l)];
    }
    return flat;
  }

  // The cells of a patch whose corners are all in the support, corners as patch positions.
  // Every such cell has its corner 0 in the support, so walking the support once finds each.
  void build_patch_cells() {
    const auto position = [&](Eigen::Index flat) -> Eigen::Index {
      const auto it = std::lower_bound(m_support.begin(), m_support.end(), flat);
      return it != m_support.end() && *it == flat ? it - m_support.begin() : -1;
    };
    // Unflipped corner 0 of the cell whose (flipped) corner 0 is grid point c.
    const auto base = [&](Eigen::Index flat) {
      Shape i;
      for (int l = 0; l < Dim; ++l) {
        const auto n = m_points[static_cast<std::size_t>(l)];
        const auto c = (flat / m_stride[static_cast<std::size_t>(l)]) % n;
        i[static_cast<std::size_t>(l)] = ((m_flips >> l) & 1) ? (c + n - 1) % n : c;
      }
      return i;
    };
    for (const Eigen::Index flat : m_support) {
      const Shape i = base(flat);
      Corners corner;
      bool inside = true;
      for (int b = 0; b < corners_per_cell && inside; ++b) {
        corner[static_cast<std::size_t>(b)] = position(corner_index(i, b));
        inside = corner[static_cast<std::size_t>(b)] >= 0;
      }
      if (inside) m_patch_cells.push_back(corner);
    }
  }

  void check(Scalar energy, Eigen::Index band, const char* what) const {
    require(std::isfinite(energy), "EnergyShellQuadrature::{}: energy E = {} is not finite", what,
            energy);
    require(band >= 0 && band < band_count(),
            "EnergyShellQuadrature::{}: band {} is outside [0, {})", what, band, band_count());
  }

  // The cell's corners are coded by bit masks b (bit l: one step along e^l). Axis l is
  // flipped (its corner with bit 0 at i_l + 1) when that makes the main diagonal from
  // corner 0 to corner 2^Dim − 1 the shortest of the cell's main diagonals. The simplices
  // are the Dim! monotone paths from corner 0 to the opposite corner.
  void build_simplices() {
    Scalar best = std::numeric_limits<Scalar>::infinity();
    for (int flips = 0; flips < (1 << (Dim - 1)); ++flips) {
      Vector diagonal = Vector::Zero();
      for (int l = 0; l < Dim; ++l) {
        const Scalar sign = (l > 0 && ((flips >> (l - 1)) & 1)) ? Scalar(-1) : Scalar(1);
        diagonal +=
            sign * m_dual.col(l) / static_cast<Scalar>(m_points[static_cast<std::size_t>(l)]);
      }
      // A relative margin keeps the unflipped choice on exact ties (square, cubic grids).
      if (diagonal.norm() < best * (1 - 64 * std::numeric_limits<Scalar>::epsilon())) {
        best = diagonal.norm();
        m_flips = flips << 1;
      }
    }
    std::array<int, Dim> axes;
    for (int l = 0; l < Dim; ++l) axes[static_cast<std::size_t>(l)] = l;
    std::size_t s = 0;
    do {
      int mask = 0;
      m_simplices[s][0] = 0;
      for (int j = 0; j < Dim; ++j) {
        mask |= 1 << axes[static_cast<std::size_t>(j)];
        m_simplices[s][static_cast<std::size_t>(j + 1)] = mask;
      }
      ++s;
    } while (std::next_permutation(axes.begin(), axes.end()));
  }

  // The Dim + 1 vertices of simplex `id` = cell · simplices_per_cell + s, cells in the order
  // of a full scan: the grid's cells by their unflipped corner 0, first index fastest, or the
  // patch's cells.
  [[nodiscard]] std::array<Eigen::Index, Dim + 1> simplex_vertices(std::size_t id) const {
    const auto cell = static_cast<Eigen::Index>(id / simplices_per_cell);
    const auto& simplex = m_simplices[id % simplices_per_cell];
    std::array<Eigen::Index, Dim + 1> out;
    if (is_patch()) {
      const Corners& corner = m_patch_cells[static_cast<std::size_t>(cell)];
      for (std::size_t k = 0; k <= Dim; ++k) out[k] = corner[static_cast<std::size_t>(simplex[k])];
      return out;
    }
    Shape i;
    for (int l = 0; l < Dim; ++l)
      i[static_cast<std::size_t>(l)] = (cell / m_stride[static_cast<std::size_t>(l)]) %
                                       m_points[static_cast<std::size_t>(l)];
    for (std::size_t k = 0; k <= Dim; ++k) out[k] = corner_index(i, simplex[k]);
    return out;
  }

  // Per band, the energy range [min, max) of every simplex in an EnergyIntervalIndex; flat
  // simplices (max − min <= m_flat), which never weigh, are left out.
  void build_index() {
    const std::size_t cells =
        is_patch() ? m_patch_cells.size() : static_cast<std::size_t>(m_vertex_count);
    const std::size_t count = cells * simplices_per_cell;
    std::vector<std::array<Eigen::Index, Dim + 1>> vertices(count);
    for (std::size_t id = 0; id < count; ++id) vertices[id] = simplex_vertices(id);
    std::vector<Scalar> lo(count), hi(count);
    for (Eigen::Index m = 0; m < band_count(); ++m) {
      const auto e = m_energies.col(m);
      for (std::size_t id = 0; id < count; ++id) {
        lo[id] = hi[id] = e[vertices[id][0]];
        for (std::size_t k = 1; k <= Dim; ++k) {
          lo[id] = std::min(lo[id], e[vertices[id][k]]);
          hi[id] = std::max(hi[id], e[vertices[id][k]]);
        }
      }
      m_index.emplace_back(lo, hi, [&](std::size_t id) { return hi[id] - lo[id] <= m_flat; });
    }
  }

  // Calls add(v, w) for every (vertex, weight) contribution; a vertex may come many times.
  // Linear simplices: only the simplices whose energy range can contain E, in the order of a
  // full scan over the cells (so every sum over them is the full scan's, to the last bit).
  template <class Add>
  void accumulate(Scalar energy, Eigen::Index band, Add&& add) const {
    const auto e = m_energies.col(band);
    if constexpr (std::same_as<Delta, LinearSimplices>) {
      const Scalar volume = m_cell_volume / static_cast<Scalar>(simplices_per_cell);
      std::array<Scalar, Dim + 1> ev, w;
      for (const auto id : m_index[static_cast<std::size_t>(band)].candidates(energy)) {
        const auto vertex = simplex_vertices(id);
        for (std::size_t k = 0; k <= Dim; ++k) ev[k] = e[vertex[k]];
        if (detail::simplex_shell_weights<Dim, Scalar>(ev, volume, energy, w, m_flat))
          for (std::size_t k = 0; k <= Dim; ++k) add(vertex[k], w[k]);
      }
    } else {
      const double cutoff = static_cast<double>(m_delta.cutoff());
      for (Eigen::Index v = 0; v < m_vertex_count; ++v) {
        const double x = static_cast<double>(energy) - static_cast<double>(e[v]);
        if (std::abs(x) <= cutoff) add(v, m_cell_volume * static_cast<Scalar>(m_delta(x)));
      }
    }
  }

  ZoneGrid<Dim, Scalar> m_zone;
  Shape m_points;
  Shape m_stride{};
  Eigen::Index m_vertex_count = 0;
  Energies m_energies;
  Delta m_delta;
  Eigen::Matrix<Scalar, Dim, Dim> m_dual;
  Scalar m_cell_volume = 0;
  int m_flips = 0;
  Scalar m_flat = 0;
  std::array<std::array<int, Dim + 1>, simplices_per_cell> m_simplices{};
  std::vector<Eigen::Index> m_support;  // empty: the full grid
  std::vector<Corners> m_patch_cells;
  std::vector<detail::EnergyIntervalIndex<Scalar>> m_index;  // per band (linear simplices)
};

}  // namespace wavekin
