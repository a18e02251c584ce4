// wavekin/schrodinger/detail/fft_placement.hpp — where the Schrödinger propagators run their
// FFTs: out of place between two aligned arrays on small grids, in place above.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>

namespace wavekin::detail {

/// True when a propagator on n points runs its FFTs between two aligned arrays rather than in
/// place: on grids of at most 2^15 points, where FFTW's in-place plans copy through buffers of
/// their own (measured on AVX2, MEASURE plans: an in-place pair 1.5× the out-of-place time at
/// N = 320, 1.2–1.25× at 1280–4096); above, the second array would be one more field streaming
/// through the caches with every transform (CrankNicolsonSpectral at 512²: a step 1.2× slower).
[[nodiscard]] constexpr bool ffts_out_of_place(std::size_t n) noexcept {
  return n <= (std::size_t(1) << 15);
}

}  // namespace wavekin::detail
