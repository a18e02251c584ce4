// wavekin/bloch/sampled_potential.hpp — a potential sampled on a uniform grid of the cell.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/detail/checked_size.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief A real potential given by samples V(Σ θ_j e_j) at θ_j = i_j / N_j,
/// i_j = 0 … N_j − 1 (lattice coordinates). Models PeriodicPotential.
///
/// The samples are stored with the first index fastest:
/// flat = i_0 + N_0 (i_1 + N_1 (i_2 + …)). At construction the discrete
/// Fourier coefficients \f$X_m = \frac{1}{\prod N_j}\sum_i V_i
/// e^{-2\pi i \sum_j m_j i_j/N_j}\f$ (the trapezoidal rule for V̂) are
/// computed axis by axis, O(∏N · ΣN_j). `fourier_coefficient` returns the
/// coefficient of the real trigonometric interpolant of the samples:
/// V̂(n) = X_{n mod N} for |n_j| < N_j/2 on every axis, halved per axis where
/// |n_j| = N_j/2 (even N_j: the Nyquist mode is split evenly between ±N_j/2,
/// which keeps V̂(−n) = conj V̂(n)), and 0 beyond. For a band-limited V with
/// |n_j| < N_j/2 this is exact.
/// \tparam Dim     dimension of space
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
class SampledPotential {
 public:
  using Shape = std::array<std::size_t, Dim>;

  /// \pre every N_j >= 1; values.size() = ∏ N_j; all values finite.
  SampledPotential(const Shape& shape, std::vector<Scalar> values) : m_shape(shape) {
    for (int j = 0; j < Dim; ++j)
      require(shape[j] >= 1, "SampledPotential: N_{} = {} points along axis {} (need >= 1)", j,
              shape[j], j);
    const auto total = detail::checked_product(shape);
    require(total == values.size(), "SampledPotential: {} values given for a grid of {} points",
            values.size(), total ? fmt::format("{}", *total) : std::string("too many"));
    require_finite(values, "SampledPotential: sample values");
    m_coefficients.assign(values.begin(), values.end());
    std::size_t stride = 1;
    for (int j = 0; j < Dim; ++j) {
      transform_axis(stride, shape[j], values.size());
      stride *= shape[j];
    }
  }

  [[nodiscard]] const Shape& shape() const noexcept { return m_shape; }

  /// \brief V̂(μ_n) of the trigonometric interpolant (see the class doc).
  [[nodiscard]] std::complex<Scalar> fourier_coefficient(const Lattice<Dim, Scalar>& /*lattice*/,
                                                         const LatticeIndex<Dim>& n) const {
    Scalar weight = 1;
    std::size_t flat = 0;
    std::size_t stride = 1;
    for (int j = 0; j < Dim; ++j) {
      const auto size = static_cast<std::int64_t>(m_shape[j]);
      const std::int64_t twice = 2 * (n[j] < 0 ? -n[j] : n[j]);
      if (twice > size) return 0;
      if (twice == size) weight /= 2;
      const std::int64_t m = ((n[j] % size) + size) % size;
      flat += static_cast<std::size_t>(m) * stride;
      stride *= m_shape[j];
    }
    return weight * m_coefficients[flat];
  }

 private:
  // In-place DFT with 1/N along one axis: a direct sum (N ≤ a few hundred per axis).
  void transform_axis(std::size_t stride, std::size_t size, std::size_t total) {
    std::vector<std::complex<Scalar>> twiddle(size), line(size), out(size);
    for (std::size_t m = 0; m < size; ++m)
      twiddle[m] = std::polar(
          Scalar(1), static_cast<Scalar>(-2 * std::numbers::pi_v<double> * static_cast<double>(m) /
                                         static_cast<double>(size)));
    for (std::size_t start = 0; start < total; ++start) {
      if ((start / stride) % size != 0) continue;  // not the first point of a line
      for (std::size_t i = 0; i < size; ++i) line[i] = m_coefficients[start + i * stride];
      for (std::size_t m = 0; m < size; ++m) {
        std::complex<Scalar> sum(0);
        for (std::size_t i = 0; i < size; ++i) sum += line[i] * twiddle[(m * i) % size];
        out[m] = sum / static_cast<Scalar>(size);
      }
      for (std::size_t m = 0; m < size; ++m) m_coefficients[start + m * stride] = out[m];
    }
  }

  Shape m_shape;
  std::vector<std::complex<Scalar>> m_coefficients;
};

}  // namespace wavekin
