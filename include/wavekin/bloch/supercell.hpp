// wavekin/bloch/supercell.hpp — a torus of M^d lattice cells with n^d grid points per cell: its
// grid, and which quasi-momentum p_r and label G each FFT slot r + M·g carries.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/core/zone_grid.hpp"

namespace wavekin {

/// \brief The supercell torus T = {Σ_a θ_a e_a : θ ∈ [0, M)^Dim} of M^Dim cells of the lattice
/// Λ, sampled with n points per cell along each basis vector, and the bookkeeping that makes
/// its FFT a Bloch decomposition (P1 §2.1 (iii), (2.2)–(2.3); docs/conventions.md §5–§6).
///
/// Grid point i = (i_0, …, i_{Dim−1}), 0 ≤ i_a < nM, sits at z_i = Σ_a (i_a / n) e_a: the
/// PeriodicGrid `grid()` holds the lattice coordinates θ = i/n (lengths M, row-major, FFTW's
/// layout) and `point()` maps them to z. Here z is the fast variable x/ε of P1 (1.2): on a
/// torus of M cells per axis and semiclassical parameter ε, x = εz.
///
/// The DFT of a field on this grid has slots s = (s_a), and slot s carries the wavevector
/// k_s = Σ_a (s'_a / M) e^a with s'_a the signed frequency of s_a (PeriodicGrid::frequency,
/// Nyquist kept: the kinetic symbol is even). Writing s_a = r_a + M g_a with 0 ≤ r_a < M and
/// 0 ≤ g_a < n gives k_s = p_r + G, where
/// - p_r = Σ_a (r_a / M) e^a is the quasi-momentum, vertex r of the ZoneGrid `zone()` (its order:
///   first index fastest; weight |B| / M^Dim), "p_r = 2πr/M in lattice coordinates";
/// - G = Σ_a g'_a e^a ∈ Λ* with g'_a = g_a for g_a < n/2 and g_a − n otherwise: the label of
///   plane wave b (cell-label index b, row-major over g ∈ [0, n)^Dim), independent of r.
///
/// The n^Dim slots of one r are exactly the plane waves e^{i(p_r + G)·z} that the grid can carry
/// at quasi-momentum p_r, with labels in the box [−n/2, n/2)^Dim; a Bloch state at p_r lives on
/// them (SupercellBloch).
///
/// \tparam Dim     dimension of space
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
  requires PositiveDimension<Dim>
class Supercell {
 public:
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using Label = LatticeIndex<Dim>;
  using Grid = PeriodicGrid<Dim, Scalar>;
  using Zone = ZoneGrid<Dim, Scalar>;
  using Index = Eigen::Index;

  /// \pre cells_per_axis M >= 1; points_per_cell n even and >= 4 (the Nyquist rule of
  ///      docs/conventions.md §3); (nM)^Dim at most 2^31.
  Supercell(const Lattice<Dim, Scalar>& lattice, Index cells_per_axis, Index points_per_cell)
      : m_lattice(lattice),
        m_cells(cells_per_axis),
        m_points(points_per_cell),
        m_grid(make_grid(cells_per_axis, points_per_cell)),
        m_zone(lattice, filled(cells_per_axis)) {
    double total = 1;
    for (int a = 0; a < Dim; ++a) total *= static_cast<double>(cells_per_axis * points_per_cell);
    require(total <= 2147483648.0, "Supercell: {:.3g} grid points are too many", total);
    m_cell_size = 1;
    for (int a = 0; a < Dim; ++a) m_cell_size *= m_points;
    m_labels.resize(static_cast<std::size_t>(m_cell_size));
    for (Index b = 0; b < m_cell_size; ++b) {
      Index rest = b;
      Label g;
      for (int a = Dim - 1; a >= 0; --a) {  // row-major: last axis fastest
        const Index ga = rest % m_points;
        rest /= m_points;
        g[a] = ga < m_points / 2 ? ga : ga - m_points;
      }
      m_labels[static_cast<std::size_t>(b)] = g;
    }
    m_slots.resize(static_cast<std::size_t>(momentum_count() * m_cell_size));
    for (Index r = 0; r < momentum_count(); ++r) {
      const auto ra = zone_indices(r);
      for (Index b = 0; b < m_cell_size; ++b) {
        typename Grid::MultiIndex s;
        for (int a = 0; a < Dim; ++a) {
          const std::int64_t g = m_labels[static_cast<std::size_t>(b)][a];
          const std::int64_t ga = g < 0 ? g + m_points : g;
          s[static_cast<std::size_t>(a)] = static_cast<std::ptrdiff_t>(ra[a] + m_cells * ga);
        }
        m_slots[static_cast<std::size_t>(r * m_cell_size + b)] = m_grid.flat_index(s);
      }
    }
  }

  [[nodiscard]] const Lattice<Dim, Scalar>& lattice() const noexcept { return m_lattice; }
  /// \brief M, cells along each basis vector.
  [[nodiscard]] Index cells_per_axis() const noexcept { return m_cells; }
  /// \brief n, grid points per cell along each basis vector.
  [[nodiscard]] Index points_per_cell() const noexcept { return m_points; }
  /// \brief n^Dim: grid points per cell = plane waves per quasi-momentum.
  [[nodiscard]] Index cell_size() const noexcept { return m_cell_size; }
  /// \brief M^Dim quasi-momenta.
  [[nodiscard]] Index momentum_count() const noexcept { return m_zone.size(); }
  /// \brief (nM)^Dim grid points.
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return m_grid.size(); }
  /// \brief The grid in lattice coordinates θ ∈ [0, M)^Dim (row-major flat indices).
  [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
  /// \brief The quasi-momenta p_r and their weights |B|/M^Dim (ZoneGrid order).
  [[nodiscard]] const Zone& zone() const noexcept { return m_zone; }
  /// \brief p_r.
  [[nodiscard]] Vector momentum(Index r) const { return m_zone.momentum(r); }
  /// \brief |B| / M^Dim, the weight of every p_r: Σ_r w f(p_r) ≈ ∫_B f dp.
  [[nodiscard]] Scalar momentum_weight() const noexcept { return m_zone.weight(); }

  /// \brief z_i = Σ_a θ_a e_a of grid point i (flat, row-major), in units of the cell (z = x/ε).
  [[nodiscard]] Vector point(std::ptrdiff_t flat) const {
    return m_lattice.basis() * m_grid.point(flat);
  }
  /// \brief The cell origin z_ν = Σ_a ν_a e_a, ν flat row-major over [0, M)^Dim: the M^Dim points
  /// x_ν = εz_ν at which a cell-scale envelope (a Wigner–Bloch σ) is sampled.
  [[nodiscard]] Vector cell_origin(std::ptrdiff_t flat) const {
    require(flat >= 0 && flat < momentum_count(), "Supercell: cell {} is outside [0, {})", flat,
            momentum_count());
    Vector nu;
    for (int a = Dim - 1; a >= 0; --a) {
      nu[a] = static_cast<Scalar>(flat % m_cells);
      flat /= m_cells;
    }
    return m_lattice.basis() * nu;
  }
  /// \brief ∫_T f dz ≈ volume_element() Σ_i f(z_i): |C| / n^Dim.
  [[nodiscard]] Scalar volume_element() const noexcept {
    return m_lattice.cell_volume() / static_cast<Scalar>(m_cell_size);
  }

  /// \brief The label g' ∈ [−n/2, n/2)^Dim of plane wave b (G = Σ g'_a e^a).
  [[nodiscard]] const Label& label(Index b) const {
    require(b >= 0 && b < m_cell_size, "Supercell: plane wave {} is outside [0, {})", b,
            m_cell_size);
    return m_labels[static_cast<std::size_t>(b)];
  }
  /// \brief All n^Dim labels, in cell-label order.
  [[nodiscard]] const std::vector<Label>& labels() const noexcept { return m_labels; }
  /// \brief p_r + G_b.
  [[nodiscard]] Vector wavevector(Index r, Index b) const {
    return momentum(r) + m_lattice.reciprocal(label(b));
  }
  /// \brief The flat FFT slot of p_r + G_b (slot r_a + M g_a along axis a).
  [[nodiscard]] std::ptrdiff_t slot(Index r, Index b) const {
    require(r >= 0 && r < momentum_count(), "Supercell: quasi-momentum {} is outside [0, {})", r,
            momentum_count());
    require(b >= 0 && b < m_cell_size, "Supercell: plane wave {} is outside [0, {})", b,
            m_cell_size);
    return m_slots[static_cast<std::size_t>(r * m_cell_size + b)];
  }
  /// \brief The slots of p_r (n^Dim of them, cell-label order).
  [[nodiscard]] const std::ptrdiff_t* slots(Index r) const {
    require(r >= 0 && r < momentum_count(), "Supercell: quasi-momentum {} is outside [0, {})", r,
            momentum_count());
    return m_slots.data() + r * m_cell_size;
  }
  /// \brief The integers r_a of p_r = Σ_a (r_a/M) e^a (ZoneGrid order: first index fastest).
  [[nodiscard]] std::array<Index, Dim> zone_indices(Index r) const {
    require(r >= 0 && r < momentum_count(), "Supercell: quasi-momentum {} is outside [0, {})", r,
            momentum_count());
    std::array<Index, Dim> out;
    for (int a = 0; a < Dim; ++a) {
      out[static_cast<std::size_t>(a)] = r % m_cells;
      r /= m_cells;
    }
    return out;
  }
  /// \brief The vertex r of p_r with these integers (taken mod M).
  [[nodiscard]] Index zone_vertex(const std::array<Index, Dim>& indices) const {
    Index r = 0;
    for (int a = Dim - 1; a >= 0; --a)
      r = r * m_cells + (((indices[static_cast<std::size_t>(a)] % m_cells) + m_cells) % m_cells);
    return r;
  }

 private:
  static std::array<Index, Dim> filled(Index value) {
    std::array<Index, Dim> out;
    out.fill(value);
    return out;
  }
  static Grid make_grid(Index cells, Index points) {
    require(cells >= 1, "Supercell: cells per axis M = {} must be >= 1", cells);
    require(points >= 4 && points % 2 == 0,
            "Supercell: points per cell n = {} must be even and >= 4", points);
    typename Grid::Counts counts;
    counts.fill(static_cast<std::ptrdiff_t>(cells * points));
    return Grid(counts, Vector::Constant(static_cast<Scalar>(cells)));
  }

  Lattice<Dim, Scalar> m_lattice;
  Index m_cells;
  Index m_points;
  Grid m_grid;
  Zone m_zone;
  Index m_cell_size = 0;
  std::vector<Label> m_labels;
  std::vector<std::ptrdiff_t> m_slots;
};

}  // namespace wavekin
