// wavekin/core/periodic_grid.hpp — a uniform grid on a periodic box, with its FFT wavenumbers.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/detail/checked_size.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief What a spectral multiplier does with the Nyquist mode l = −N/2.
///
/// On an even grid the mode e^{−iπx/h} is indistinguishable from e^{+iπx/h}
/// at the grid points, so its wavenumber ±πN/L is ambiguous.
/// - `keep`: use −πN/L, the varying-mass paper's convention (P2 (4.6)–(4.7),
///   l = −M/2 … M/2−1). Right for even-order operators such as the Laplacian,
///   whose symbol (πN/L)² does not depend on the sign.
/// - `zero`: use 0. Right for odd-order operators (∂_x, ∇, ∇·): it keeps real
///   data real and makes the discrete derivative exactly skew-adjoint; it is the
///   derivative of the real trigonometric interpolant.
enum class NyquistMode { keep, zero };

/// \brief A uniform grid of N_0 × … × N_{Dim−1} points on the periodic box
/// origin + [0, L_0) × … × [0, L_{Dim−1}).
///
/// Points are x_j = origin + (j_0 h_0, …, j_{Dim−1} h_{Dim−1}), h_a = L_a/N_a.
/// Flat indices are row-major (the last axis runs fastest), which is FFTW's
/// layout, so a field is a contiguous array of size() values.
/// Every N_a must be even (spectral methods here rely on a well-defined Nyquist
/// mode, see NyquistMode) and at least 4.
///
/// \tparam Dim     number of axes (any positive number)
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
  requires PositiveDimension<Dim>
class PeriodicGrid {
 public:
  using scalar_type = Scalar;
  using Point = Eigen::Matrix<Scalar, Dim, 1>;
  using Counts = std::array<std::ptrdiff_t, Dim>;
  using MultiIndex = std::array<std::ptrdiff_t, Dim>;
  static constexpr int dimension = Dim;

  /// \pre every count even and >= 4, their product representable in std::ptrdiff_t; every
  /// length finite and > 0; origin finite.
  PeriodicGrid(const Counts& counts, const Point& lengths, const Point& origin = Point::Zero())
      : m_counts(counts), m_lengths(lengths), m_origin(origin) {
    for (int axis = 0; axis < Dim; ++axis) {
      const auto n = counts[axis];
      require(n >= 4 && n % 2 == 0,
              "PeriodicGrid: points along axis {} must be even and >= 4, got {}", axis, n);
      require(std::isfinite(lengths[axis]) && lengths[axis] > 0,
              "PeriodicGrid: box length along axis {} must be finite and > 0, got {}", axis,
              lengths[axis]);
      require(std::isfinite(origin[axis]),
              "PeriodicGrid: origin along axis {} must be finite, got {}", axis, origin[axis]);
      m_spacing[axis] = lengths[axis] / static_cast<Scalar>(n);
    }
    const auto size = detail::checked_product(counts);
    require(size.has_value(),
            "PeriodicGrid: {} points overflow the index type (at most {:.3g} points)",
            fmt::join(counts, " × "), static_cast<double>(std::numeric_limits<std::ptrdiff_t>::max()));
    m_size = *size;
    std::ptrdiff_t stride = 1;
    for (int axis = Dim - 1; axis >= 0; --axis) {
      m_strides[axis] = stride;
      stride *= counts[axis];
    }
  }

  /// \brief The same count and length on every axis, origin at 0.
  static PeriodicGrid cube(std::ptrdiff_t count, Scalar length) {
    Counts counts;
    counts.fill(count);
    return PeriodicGrid(counts, Point::Constant(length));
  }

  [[nodiscard]] const Counts& counts() const noexcept { return m_counts; }
  [[nodiscard]] std::ptrdiff_t count(int axis) const { return m_counts[checked_axis(axis)]; }
  [[nodiscard]] const Point& lengths() const noexcept { return m_lengths; }
  [[nodiscard]] Scalar length(int axis) const { return m_lengths[checked_axis(axis)]; }
  [[nodiscard]] const Point& origin() const noexcept { return m_origin; }
  [[nodiscard]] Point spacings() const noexcept { return m_spacing; }
  [[nodiscard]] Scalar spacing(int axis) const { return m_spacing[checked_axis(axis)]; }
  /// \brief Total number of points, Π N_a.
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return m_size; }
  /// \brief The quadrature weight Π h_a: ∫ f dx ≈ cell_volume() Σ_j f(x_j),
  /// spectrally accurate for smooth periodic f.
  [[nodiscard]] Scalar cell_volume() const noexcept { return m_spacing.prod(); }
  /// \brief Π L_a.
  [[nodiscard]] Scalar box_volume() const noexcept { return m_lengths.prod(); }
  /// \brief Strides of the row-major layout (stride of the last axis is 1).
  [[nodiscard]] const MultiIndex& strides() const noexcept { return m_strides; }

  /// \brief Flat (row-major) index of a multi-index; entries must be in range.
  [[nodiscard]] std::ptrdiff_t flat_index(const MultiIndex& index) const {
    std::ptrdiff_t flat = 0;
    for (int axis = 0; axis < Dim; ++axis) {
      require(index[axis] >= 0 && index[axis] < m_counts[axis],
              "PeriodicGrid: index {} along axis {} is outside [0, {})", index[axis], axis,
              m_counts[axis]);
      flat += index[axis] * m_strides[axis];
    }
    return flat;
  }

  /// \brief Multi-index of a flat index in [0, size()).
  [[nodiscard]] MultiIndex multi_index(std::ptrdiff_t flat) const {
    require(flat >= 0 && flat < m_size, "PeriodicGrid: flat index {} is outside [0, {})", flat,
            m_size);
    MultiIndex index;
    for (int axis = 0; axis < Dim; ++axis) {
      index[axis] = flat / m_strides[axis];
      flat -= index[axis] * m_strides[axis];
    }
    return index;
  }

  /// \brief Coordinate origin_a + j h_a of point j along one axis.
  [[nodiscard]] Scalar coordinate(int axis, std::ptrdiff_t j) const {
    return m_origin[axis] + static_cast<Scalar>(j) * m_spacing[axis];
  }

  /// \brief The grid point with this multi-index.
  [[nodiscard]] Point point(const MultiIndex& index) const {
    Point x;
    for (int axis = 0; axis < Dim; ++axis) x[axis] = coordinate(axis, index[axis]);
    return x;
  }

  /// \brief The grid point with this flat index.
  [[nodiscard]] Point point(std::ptrdiff_t flat) const { return point(multi_index(flat)); }

  /// \brief The signed integer frequency of FFT slot l along an axis:
  /// l for l < N/2 and l − N for l ≥ N/2 (so slot N/2, the Nyquist slot, is −N/2).
  [[nodiscard]] std::ptrdiff_t frequency(int axis, std::ptrdiff_t l) const {
    const auto n = m_counts[checked_axis(axis)];
    return l < n / 2 ? l : l - n;
  }

  /// \brief True for the Nyquist slot l = N/2 of an axis.
  [[nodiscard]] bool is_nyquist(int axis, std::ptrdiff_t l) const {
    return l == m_counts[checked_axis(axis)] / 2;
  }

  /// \brief Angular wavenumber ξ_l = 2π frequency(l)/L of FFT slot l (P2 (4.7):
  /// μ_l = 2πl/L), with the Nyquist slot treated as `mode` says.
  [[nodiscard]] Scalar wavenumber(int axis, std::ptrdiff_t l,
                                  NyquistMode mode = NyquistMode::keep) const {
    if (mode == NyquistMode::zero && is_nyquist(axis, l)) return Scalar(0);
    return static_cast<Scalar>(2 * std::numbers::pi_v<double> *
                               static_cast<double>(frequency(axis, l)) /
                               static_cast<double>(m_lengths[axis]));
  }

  /// \brief All wavenumbers of one axis in FFT order (slot 0 … N−1).
  [[nodiscard]] std::vector<Scalar> wavenumbers(int axis,
                                                NyquistMode mode = NyquistMode::keep) const {
    std::vector<Scalar> xi(static_cast<std::size_t>(count(axis)));
    for (std::size_t l = 0; l < xi.size(); ++l)
      xi[l] = wavenumber(axis, static_cast<std::ptrdiff_t>(l), mode);
    return xi;
  }

 private:
  int checked_axis(int axis) const {
    require(axis >= 0 && axis < Dim, "PeriodicGrid: axis {} is outside [0, {})", axis, Dim);
    return axis;
  }

  Counts m_counts;
  Point m_lengths;
  Point m_origin;
  Point m_spacing;
  MultiIndex m_strides;
  std::ptrdiff_t m_size = 0;
};

}  // namespace wavekin
