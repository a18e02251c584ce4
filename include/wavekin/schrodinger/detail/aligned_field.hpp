// wavekin/schrodinger/detail/aligned_field.hpp — an fftw_malloc'd complex field with
// element access, the work array type of the Schrödinger propagators.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/detail/fftw_traits.hpp"

namespace wavekin::detail {

/// A field allocated with FFTW's alignment, so the plans made at construction
/// (on fftw_malloc'd arrays) run on it without FFTW_UNALIGNED fallback plans,
/// which would otherwise be planned lazily inside a time step.
template <class Scalar>
class AlignedField {
 public:
  using value_type = Complex<Scalar>;

  AlignedField() = default;
  explicit AlignedField(std::size_t size) : m_buffer(size) {}

  [[nodiscard]] value_type* data() const noexcept { return m_buffer.data(); }
  [[nodiscard]] std::size_t size() const noexcept { return m_buffer.size(); }
  value_type& operator[](std::size_t k) noexcept { return m_buffer.data()[k]; }
  const value_type& operator[](std::size_t k) const noexcept { return m_buffer.data()[k]; }

 private:
  fftw_buffer<Scalar, value_type> m_buffer;
};

/// True when a propagator on n points runs its FFTs between two aligned arrays rather than in
/// place: on grids of at most 2^15 points, where FFTW's in-place plans copy through buffers of
/// their own (measured on AVX2, MEASURE plans: an in-place pair 1.5× the out-of-place time at
/// N = 320, 1.2–1.25× at 1280–4096); above, the second array would be one more field streaming
/// through the caches with every transform (CrankNicolsonSpectral at 512²: a step 1.2× slower).
[[nodiscard]] constexpr bool ffts_out_of_place(std::size_t n) noexcept {
  return n <= (std::size_t(1) << 15);
}

}  // namespace wavekin::detail
