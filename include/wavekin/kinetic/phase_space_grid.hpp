// wavekin/kinetic/phase_space_grid.hpp — the phase-space grid x × k of the Liouville
// solvers: periodic in x, a bounded interval with zero-inflow ghosts in k.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <utility>

#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/detail/checked_size.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"

namespace wavekin {

/// \brief Phase-space grid for W(x, k), x ∈ periodic box (a PeriodicGrid<Dim>), k ∈
/// Π_a [k_min_a, k_max_a] with N_a cells (cell centres k_j = k_min + (j + ½)Δk).
///
/// Layout: row-major over the 2·Dim axes (x_0, …, x_{Dim−1}, k_0, …, k_{Dim−1}), last
/// fastest, so flat = x_flat · k_size() + k_flat and every x-point owns a contiguous
/// block of k-values. Axis a < Dim is x_a (periodic); axis Dim + a is k_a, bounded: the
/// solvers treat values outside the interval as zero (zero inflow, free outflow).
/// Quadrature: ∫∫ f dx dk ≈ cell_volume() Σ f (midpoint in k, trapezoidal in x).
///
/// \tparam Dim space dimension d (the phase space has 2d axes)
/// \pre every k count even and >= 6 (the WENO5 stencil needs 5 points; even for the same
///      rule as PeriodicGrid); k_min < k_max finite.
template <int Dim>
  requires PositiveDimension<Dim>
class PhaseSpaceGrid {
 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;
  using Counts = std::array<std::ptrdiff_t, Dim>;
  static constexpr int dimension = Dim;
  static constexpr int axes = 2 * Dim;

  PhaseSpaceGrid(PeriodicGrid<Dim> x_grid, const Counts& k_counts, const Vector& k_min,
                 const Vector& k_max)
      : m_x(std::move(x_grid)), m_k_counts(k_counts), m_k_min(k_min), m_k_max(k_max) {
    m_k_size = 1;
    for (int a = Dim - 1; a >= 0; --a) {
      const auto n = k_counts[static_cast<std::size_t>(a)];
      require(n >= 6 && n % 2 == 0,
              "PhaseSpaceGrid: k points along axis {} must be even and >= 6, got {}", a, n);
      require(std::isfinite(k_min[a]) && std::isfinite(k_max[a]) && k_min[a] < k_max[a],
              "PhaseSpaceGrid: k interval along axis {} must be finite with k_min < k_max, got "
              "[{}, {}]",
              a, k_min[a], k_max[a]);
      m_dk[a] = (k_max[a] - k_min[a]) / static_cast<double>(n);
      m_k_strides[static_cast<std::size_t>(a)] = m_k_size;
      const auto k_size = detail::checked_multiply(m_k_size, n);
      require(k_size.has_value() && detail::checked_multiply(*k_size, m_x.size()).has_value(),
              "PhaseSpaceGrid: {} x-points × {} k-points overflow the index type", m_x.size(),
              fmt::join(k_counts, " × "));
      m_k_size = *k_size;
    }
    for (int a = 0; a < Dim; ++a) {
      m_counts[static_cast<std::size_t>(a)] = m_x.count(a);
      m_counts[static_cast<std::size_t>(Dim + a)] = k_counts[static_cast<std::size_t>(a)];
      m_strides[static_cast<std::size_t>(a)] = m_x.strides()[static_cast<std::size_t>(a)] * m_k_size;
      m_strides[static_cast<std::size_t>(Dim + a)] = m_k_strides[static_cast<std::size_t>(a)];
    }
  }

  [[nodiscard]] const PeriodicGrid<Dim>& x_grid() const noexcept { return m_x; }
  [[nodiscard]] const Counts& k_counts() const noexcept { return m_k_counts; }
  [[nodiscard]] const Vector& k_min() const noexcept { return m_k_min; }
  [[nodiscard]] const Vector& k_max() const noexcept { return m_k_max; }
  /// \brief Δk_a.
  [[nodiscard]] const Vector& k_spacings() const noexcept { return m_dk; }
  [[nodiscard]] std::ptrdiff_t x_size() const noexcept { return m_x.size(); }
  [[nodiscard]] std::ptrdiff_t k_size() const noexcept { return m_k_size; }
  /// \brief x_size() · k_size().
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return m_x.size() * m_k_size; }
  /// \brief Points along phase-space axis (x axes first, then k axes).
  [[nodiscard]] std::ptrdiff_t count(int axis) const { return m_counts[checked(axis)]; }
  /// \brief Stride of phase-space axis in the flat layout.
  [[nodiscard]] std::ptrdiff_t stride(int axis) const { return m_strides[checked(axis)]; }
  /// \brief Grid spacing along phase-space axis (h_a or Δk_a).
  [[nodiscard]] double spacing(int axis) const {
    const auto a = checked(axis);
    return a < static_cast<std::size_t>(Dim) ? m_x.spacing(static_cast<int>(a))
                                             : m_dk[static_cast<int>(a) - Dim];
  }
  /// \brief True for the periodic (x) axes.
  [[nodiscard]] bool periodic(int axis) const { return checked(axis) < static_cast<std::size_t>(Dim); }
  /// \brief Π Δk_a, the k-quadrature weight.
  [[nodiscard]] double k_cell_volume() const noexcept { return m_dk.prod(); }
  /// \brief Π h_a · Π Δk_a.
  [[nodiscard]] double cell_volume() const noexcept { return m_x.cell_volume() * m_dk.prod(); }

  /// \brief k-coordinate j (cell centre) along k axis a.
  [[nodiscard]] double k_coordinate(int a, std::ptrdiff_t j) const noexcept {
    return m_k_min[a] + (static_cast<double>(j) + 0.5) * m_dk[a];
  }
  /// \brief The k-point of a k-flat index in [0, k_size()).
  [[nodiscard]] Vector k_point(std::ptrdiff_t k_flat) const {
    require(k_flat >= 0 && k_flat < m_k_size, "PhaseSpaceGrid: k index {} is outside [0, {})",
            k_flat, m_k_size);
    Vector k;
    for (int a = 0; a < Dim; ++a) {
      const auto s = static_cast<std::size_t>(a);
      k[a] = k_coordinate(a, (k_flat / m_k_strides[s]) % m_k_counts[s]);
    }
    return k;
  }
  /// \brief The x-point of an x-flat index in [0, x_size()).
  [[nodiscard]] Vector x_point(std::ptrdiff_t x_flat) const { return m_x.point(m_x.multi_index(x_flat)); }

 private:
  std::size_t checked(int axis) const {
    require(axis >= 0 && axis < axes, "PhaseSpaceGrid: axis {} is outside [0, {})", axis, axes);
    return static_cast<std::size_t>(axis);
  }

  PeriodicGrid<Dim> m_x;
  Counts m_k_counts;
  Vector m_k_min, m_k_max, m_dk;
  Counts m_k_strides{};
  std::ptrdiff_t m_k_size = 1;
  std::array<std::ptrdiff_t, 2 * Dim> m_counts{}, m_strides{};
};

}  // namespace wavekin
