// wavekin/core/spectral_derivative.hpp — Fourier-spectral derivatives, gradient,
// divergence, Laplacian and general Fourier multipliers on a PeriodicGrid.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/detail/fftw_traits.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/periodic_grid.hpp"

namespace wavekin {

/// \brief Spectral differentiation of periodic complex fields on a PeriodicGrid.
///
/// A field is a contiguous row-major array of grid.size() complex values
/// f(x_j). Every operator is "transform, multiply by the symbol, transform
/// back": with the project's convention ∂_a ↔ iξ_a, ∂_a^m has symbol (iξ_a)^m
/// and Δ has symbol −|ξ|², ξ_a = 2π·frequency/L_a (PeriodicGrid::wavenumber).
/// For smooth periodic data the error decays faster than any power of N
/// (geometrically for analytic data), down to round-off of order
/// ε·log N·ξ_max^m·max|f|, ξ_max = πN_a/L_a.
///
/// Nyquist mode (see NyquistMode): odd-order operators (derivative of odd
/// order, gradient, divergence) zero it, so real data stay real and ∂ is
/// skew-adjoint; even-order ones (derivative of even order, laplacian) keep it,
/// its symbol (−πN/L)^m being sign-free. Hence divergence(gradient(f)) equals
/// laplacian(f) except in the Nyquist modes, which the former drops.
///
/// Cost: two FFTs for derivative and laplacian, 1 + Dim for gradient and
/// divergence, plus O(N) multiplications. The FFT plans are made once, in the
/// constructor (never inside a time step), and the per-axis wavenumbers are
/// precomputed there too.
///
/// Thread-safety: an object owns a work array and a small symbol table that
/// every call writes, so it is NOT thread-safe — use one object per thread.
/// Inputs are not checked for NaN or infinity (that would cost a pass over the
/// data per call); non-finite input gives non-finite output everywhere.
///
/// Movable, not copyable (it owns FFTW plans).
///
/// \tparam Dim     number of axes, >= 1
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
  requires PositiveDimension<Dim>
class SpectralDerivative {
 public:
  using scalar_type = Scalar;
  using complex_type = Complex<Scalar>;
  using Grid = PeriodicGrid<Dim, Scalar>;
  /// \brief The argument type of apply_symbol's symbol.
  using Wavevector = Eigen::Matrix<Scalar, Dim, 1>;
  static constexpr int dimension = Dim;

  /// \brief Plans the FFTs for `grid` and tabulates its wavenumbers.
  /// \pre options.threads >= 1 (else invalid_argument).
  explicit SpectralDerivative(const Grid& grid, FftOptions options = {})
      : m_grid(grid),
        m_fft(grid, options),
        work(static_cast<std::size_t>(grid.size())),
        inverse_size(Scalar(1) / static_cast<Scalar>(grid.size())) {
    std::ptrdiff_t longest = 0;
    for (int axis = 0; axis < Dim; ++axis) {
      const auto a = static_cast<std::size_t>(axis);
      xi_odd[a] = grid.wavenumbers(axis, NyquistMode::zero);
      xi_even[a] = grid.wavenumbers(axis, NyquistMode::keep);
      xi_even_squared[a] = xi_even[a];
      for (auto& x : xi_even_squared[a]) x *= x;
      longest = std::max(longest, grid.count(axis));
    }
    axis_symbol.resize(static_cast<std::size_t>(longest));
  }

  SpectralDerivative(SpectralDerivative&&) noexcept = default;
  SpectralDerivative& operator=(SpectralDerivative&&) noexcept = default;
  SpectralDerivative(const SpectralDerivative&) = delete;
  SpectralDerivative& operator=(const SpectralDerivative&) = delete;
  ~SpectralDerivative() = default;

  /// \brief The grid the fields live on.
  [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
  /// \brief The owned transform (its const methods may be used freely).
  [[nodiscard]] const Fft<Dim, Scalar>& fft() const noexcept { return m_fft; }
  /// \brief Number of values of a field, grid().size().
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return m_grid.size(); }

  /// \brief out = ∂^order f / ∂x_axis^order, symbol (iξ_axis)^order.
  ///
  /// The Nyquist slot of `axis` is zeroed for odd orders and kept for even
  /// ones (see the class notes).
  /// \pre 0 <= axis < Dim, order >= 1 (else invalid_argument); in, out:
  ///      size() values; in == out or no overlap.
  void derivative(const complex_type* in, complex_type* out, int axis, int order = 1) {
    require(axis >= 0 && axis < Dim, "SpectralDerivative::derivative: axis {} is outside [0, {})",
            axis, Dim);
    require(order >= 1, "SpectralDerivative::derivative: order must be >= 1, got {}", order);
    m_fft.forward(in, out);
    fill_axis_symbol(axis, order);
    multiply_along_axis(out, out, axis);
    m_fft.backward(out);
  }

  /// \brief out[a] = ∂f/∂x_a for every axis: one forward FFT, Dim inverse.
  /// Nyquist slots zeroed.
  /// \pre in and every out[a]: size() values; the out[a] pairwise disjoint;
  ///      one of them may be `in` itself (which is then overwritten).
  void gradient(const complex_type* in, const std::array<complex_type*, Dim>& out) {
    m_fft.forward(in, work.data());
    for (int axis = 0; axis < Dim; ++axis) {
      complex_type* target = out[static_cast<std::size_t>(axis)];
      fill_axis_symbol(axis, 1);
      multiply_along_axis(work.data(), target, axis);
      m_fft.backward(target);
    }
  }

  /// \brief out = Σ_a ∂F_a/∂x_a for the vector field F = (in[0], …, in[Dim−1]).
  /// Nyquist slots zeroed.
  /// \pre every in[a] and out: size() values; out may be one of the in[a]
  ///      (which is then overwritten) but must not partly overlap any.
  void divergence(const std::array<const complex_type*, Dim>& in, complex_type* out) {
    // The component stored in `out`, if any, is consumed first, before `out`
    // is used as the landing array of the other components' transforms.
    int first = 0;
    for (int axis = 0; axis < Dim; ++axis) {
      if (in[static_cast<std::size_t>(axis)] == out) {
        first = axis;
        break;
      }
    }
    complex_type* const accumulator = work.data();
    m_fft.forward(in[static_cast<std::size_t>(first)], accumulator);
    fill_axis_symbol(first, 1);
    multiply_along_axis(accumulator, accumulator, first);
    for (int axis = 0; axis < Dim; ++axis) {
      if (axis == first) continue;
      m_fft.forward(in[static_cast<std::size_t>(axis)], out);
      fill_axis_symbol(axis, 1);
      accumulate_along_axis(out, accumulator, axis);
    }
    m_fft.backward(accumulator, out);
  }

  /// \brief out = Δf, symbol −|ξ|², Nyquist slots kept.
  /// \pre in, out: size() values; in == out or no overlap.
  void laplacian(const complex_type* in, complex_type* out) {
    m_fft.forward(in, out);
    const Scalar scale = -inverse_size;
    for_each_row([&](const auto& index, std::ptrdiff_t start) {
      Scalar partial = 0;
      for (int axis = 0; axis + 1 < Dim; ++axis) {
        const auto a = static_cast<std::size_t>(axis);
        partial += xi_even_squared[a][static_cast<std::size_t>(index[a])];
      }
      const Scalar* last = xi_even_squared[Dim - 1].data();
      complex_type* row = out + start;
      for (std::ptrdiff_t l = 0; l < row_length(); ++l) row[l] *= scale * (partial + last[l]);
    });
    m_fft.backward(out);
  }

  /// \brief out = the Fourier multiplier with symbol σ applied to f:
  /// (σ(D) f)^(ξ) = σ(ξ) f̂(ξ).
  ///
  /// ξ is evaluated with NyquistMode::keep (the Nyquist slot of axis a has
  /// ξ_a = −πN_a/L_a), so an odd symbol such as iξ_a agrees with derivative()
  /// only on fields without Nyquist content. σ is called once per grid point.
  /// \tparam F  callable as σ(const Wavevector&) returning something
  ///            convertible to Complex<Scalar>
  /// \pre in, out: size() values; in == out or no overlap.
  template <class F>
    requires std::invocable<F&, const Wavevector&> &&
             std::convertible_to<std::invoke_result_t<F&, const Wavevector&>, complex_type>
  void apply_symbol(const complex_type* in, complex_type* out, F symbol) {
    m_fft.forward(in, out);
    Wavevector xi = Wavevector::Zero();
    for_each_row([&](const auto& index, std::ptrdiff_t start) {
      for (int axis = 0; axis + 1 < Dim; ++axis) {
        const auto a = static_cast<std::size_t>(axis);
        xi[axis] = xi_even[a][static_cast<std::size_t>(index[a])];
      }
      const Scalar* last = xi_even[Dim - 1].data();
      complex_type* row = out + start;
      for (std::ptrdiff_t l = 0; l < row_length(); ++l) {
        xi[Dim - 1] = last[l];
        const complex_type value = symbol(std::as_const(xi));
        row[l] *= value * inverse_size;
      }
    });
    m_fft.backward(out);
  }

  /// \brief derivative() on spans. \pre sizes == size() (else invalid_argument).
  void derivative(std::span<const complex_type> in, std::span<complex_type> out, int axis,
                  int order = 1) {
    check_size(in.size(), "derivative", "input");
    check_size(out.size(), "derivative", "output");
    derivative(in.data(), out.data(), axis, order);
  }
  /// \brief gradient() on spans. \pre sizes == size().
  void gradient(std::span<const complex_type> in,
                const std::array<std::span<complex_type>, Dim>& out) {
    check_size(in.size(), "gradient", "input");
    std::array<complex_type*, Dim> targets{};
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
      check_size(out[a].size(), "gradient", "output component", static_cast<int>(a));
      targets[a] = out[a].data();
    }
    gradient(in.data(), targets);
  }
  /// \brief divergence() on spans. \pre sizes == size().
  void divergence(const std::array<std::span<const complex_type>, Dim>& in,
                  std::span<complex_type> out) {
    std::array<const complex_type*, Dim> sources{};
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
      check_size(in[a].size(), "divergence", "input component", static_cast<int>(a));
      sources[a] = in[a].data();
    }
    check_size(out.size(), "divergence", "output");
    divergence(sources, out.data());
  }
  /// \brief laplacian() on spans. \pre sizes == size().
  void laplacian(std::span<const complex_type> in, std::span<complex_type> out) {
    check_size(in.size(), "laplacian", "input");
    check_size(out.size(), "laplacian", "output");
    laplacian(in.data(), out.data());
  }
  /// \brief apply_symbol() on spans. \pre sizes == size().
  template <class F>
    requires std::invocable<F&, const Wavevector&> &&
             std::convertible_to<std::invoke_result_t<F&, const Wavevector&>, complex_type>
  void apply_symbol(std::span<const complex_type> in, std::span<complex_type> out, F symbol) {
    check_size(in.size(), "apply_symbol", "input");
    check_size(out.size(), "apply_symbol", "output");
    apply_symbol(in.data(), out.data(), std::move(symbol));
  }

 private:
  // axis_symbol[l] = (iξ_l)^order / N along `axis`: the 1/N of the inverse
  // transform is folded in here, so the backward FFT needs no scaling pass.
  void fill_axis_symbol(int axis, int order) {
    const auto a = static_cast<std::size_t>(axis);
    const std::vector<Scalar>& xi = (order % 2 == 1) ? xi_odd[a] : xi_even[a];
    const std::array<complex_type, 4> powers_of_i{complex_type(1, 0), complex_type(0, 1),
                                                  complex_type(-1, 0), complex_type(0, -1)};
    const complex_type unit_power = powers_of_i[static_cast<std::size_t>(order % 4)] * inverse_size;
    for (std::size_t l = 0; l < xi.size(); ++l) {
      Scalar power = 1;
      for (int k = 0; k < order; ++k) power *= xi[l];
      axis_symbol[l] = unit_power * power;
    }
  }

  // Views a field as [outer][N_axis][inner] (inner = stride of `axis`) and
  // applies op(k, axis_symbol[l]) to every flat index k with axis-index l.
  template <class Op>
  void for_each_along_axis(int axis, Op op) const {
    const auto a = static_cast<std::size_t>(axis);
    const std::ptrdiff_t n = m_grid.counts()[a];
    const std::ptrdiff_t inner = m_grid.strides()[a];
    const std::ptrdiff_t outer = m_grid.size() / (n * inner);
    const complex_type* factors = axis_symbol.data();
    for (std::ptrdiff_t o = 0; o < outer; ++o) {
      for (std::ptrdiff_t l = 0; l < n; ++l) {
        const complex_type factor = factors[l];
        const std::ptrdiff_t base = (o * n + l) * inner;
        for (std::ptrdiff_t i = 0; i < inner; ++i) op(base + i, factor);
      }
    }
  }

  void multiply_along_axis(const complex_type* source, complex_type* target, int axis) const {
    for_each_along_axis(axis, [&](std::ptrdiff_t k, const complex_type& factor) {
      target[k] = source[k] * factor;
    });
  }

  void accumulate_along_axis(const complex_type* source, complex_type* target, int axis) const {
    for_each_along_axis(axis, [&](std::ptrdiff_t k, const complex_type& factor) {
      target[k] += source[k] * factor;
    });
  }

  std::ptrdiff_t row_length() const noexcept { return m_grid.counts()[Dim - 1]; }

  // Calls fn(index, start) for every row along the last axis, where index
  // holds the row's indices along axes 0 … Dim−2 and start its flat offset.
  template <class RowFn>
  void for_each_row(RowFn fn) const {
    std::array<std::ptrdiff_t, Dim> index{};
    const std::ptrdiff_t rows = m_grid.size() / row_length();
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      fn(std::as_const(index), r * row_length());
      for (int axis = Dim - 2; axis >= 0; --axis) {
        const auto a = static_cast<std::size_t>(axis);
        if (++index[a] < m_grid.counts()[a]) break;
        index[a] = 0;
      }
    }
  }

  void check_size(std::size_t actual, const char* method, const char* what,
                  int component = -1) const {
    if (actual == static_cast<std::size_t>(m_grid.size())) [[likely]]
      return;
    if (component >= 0)
      throw invalid_argument(
          fmt::format("SpectralDerivative::{}: {} {} has {} values, expected {} (grid size)",
                      method, what, component, actual, m_grid.size()));
    throw invalid_argument(
        fmt::format("SpectralDerivative::{}: the {} has {} values, expected {} (grid size)", method,
                    what, actual, m_grid.size()));
  }

  Grid m_grid;
  Fft<Dim, Scalar> m_fft;
  detail::fftw_buffer<Scalar, complex_type> work;
  Scalar inverse_size;
  std::array<std::vector<Scalar>, Dim> xi_odd;           // Nyquist zeroed
  std::array<std::vector<Scalar>, Dim> xi_even;          // Nyquist kept
  std::array<std::vector<Scalar>, Dim> xi_even_squared;  // Nyquist kept
  std::vector<complex_type> axis_symbol;                 // one axis, one call
};

}  // namespace wavekin
