// wavekin/schrodinger/detail/unit_phases.hpp — e^{iθ_k}, θ_k = scale·v_k, for a whole array at
// once: the phases of SplitStepSpectral (its potential's e^{−iVΔt/2ε} each step, its kinetic
// e^{−iεΔt m₀|ξ|²/2}).
// SPDX-License-Identifier: MIT
#pragma once

#include "interleaved_kernels.hpp"

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace wavekin::detail::interleaved {

// In double, on the vector lanes of interleaved_kernels.hpp (Lanes), instead of std::polar's
// scalar sincos, which cost about as much as the whole FFT pair per 60 points (a 320-point
// split step with a potential that changes every step took 6.4× its FFTs, most of it in sincos).
// For each θ:
//   1. n = round(θ·2/π), by adding and subtracting 1.5·2⁵², which also leaves n mod 4 in the low
//      bits of the sum (two's complement through the mantissa, for |n| < 2⁵¹);
//   2. r = θ − n·π/2 in [−π/4, π/4] (to a rounding), by Cody and Waite's reduction with π/2 =
//      P₁ + P₂ + P₃: P₁ and P₂ have 33 significant bits, so n·P₁ and n·P₂ are exact for
//      |n| < 2²⁰, and θ − n·P₁ is exact (Sterbenz); together 119 bits of π/2;
//   3. sin r and cos r by their Taylor series to r¹⁷ and r¹⁶, whose next terms are below 1e-19
//      and 3e-18 on |r| ≤ π/4, with cos r = (1 − r²/2) + the rounding error of 1 − r²/2 + …
//      (exact: Fast2Sum) so the leading subtraction does not cost a bit;
//   4. e^{iθ} = iⁿ (cos r + i sin r): parts swapped for odd n, signs flipped by bit.
// |θ| ≤ 2¹⁹ keeps |n| < 2²⁰; larger or non-finite θ (rare: a phase that large has lost its
// meaning to θ's own rounding) go to std::polar. Measured against long-double sin and cos
// (test_schrodinger "unit_phases*"): at most 1.2e-16 from e^{iθ} in either part for |θ| ≤ 100,
// 1.5e-16 up to 2¹⁹ (std::polar: 5.6e-17).
// Each θ gives the same phase wherever it sits in the array (the tail runs as a padded vector),
// so a potential's cached phases and those it makes afresh agree bit for bit.
namespace phase_constants {
inline constexpr double two_over_pi = 0x1.45f306dc9c883p-1;
inline constexpr double round_shift = 0x1.8p52;  // 1.5·2⁵²: x + it − it rounds x to an integer
inline constexpr double pi_2_a = 0x1.921fb54400000p+0;  // π/2 = a + b + c to 119 bits
inline constexpr double pi_2_b = 0x1.0b4611a600000p-34;
inline constexpr double pi_2_c = 0x1.3198a2e037073p-69;
inline constexpr double largest = 0x1p19;  // |θ| above: std::polar
// (−1)^k/(2k + 1)! for k = 1 … 8, and (−1)^k/(2k)! for k = 2 … 8
inline constexpr double s3 = -1.0 / 6, s5 = 1.0 / 120, s7 = -1.0 / 5040, s9 = 1.0 / 362880,
                        s11 = -1.0 / 39916800, s13 = 1.0 / 6227020800, s15 = -1.0 / 1307674368000,
                        s17 = 1.0 / 355687428096000;
inline constexpr double c4 = 1.0 / 24, c6 = -1.0 / 720, c8 = 1.0 / 40320, c10 = -1.0 / 3628800,
                        c12 = 1.0 / 479001600, c14 = -1.0 / 87178291200, c16 = 1.0 / 20922789888000;
}  // namespace phase_constants

using UnsignedLaneBits =
    unsigned long long __attribute__((vector_size(lanes * sizeof(unsigned long long))));

// (cos θ, sin θ) interleaved into the two vectors `low` (the first half of the lanes' θ) and
// `high`; `outside` gets all ones in the lanes whose θ is not in [−2¹⁹, 2¹⁹] (NaN included).
[[gnu::always_inline]] inline void unit_phase_vector(Lanes theta, Lanes& low, Lanes& high,
                                                     LaneBits& outside) {
  namespace c = phase_constants;
  const Lanes shifted = theta * c::two_over_pi + c::round_shift;
  const Lanes n = shifted - c::round_shift;
  const UnsignedLaneBits quadrant = (UnsignedLaneBits)shifted & 3;
  const Lanes r = ((theta - n * c::pi_2_a) - n * c::pi_2_b) - n * c::pi_2_c;
  const Lanes z = r * r;
  const Lanes sin_tail =
      c::s3 +
      z * (c::s5 +
           z * (c::s7 + z * (c::s9 + z * (c::s11 + z * (c::s13 + z * (c::s15 + z * c::s17))))));
  const Lanes sine = r + (r * z) * sin_tail;
  const Lanes cos_tail =
      c::c4 + z * (c::c6 + z * (c::c8 + z * (c::c10 + z * (c::c12 + z * (c::c14 + z * c::c16)))));
  const Lanes h = 0.5 * z;
  const Lanes w = 1.0 - h;
  const Lanes cosine = w + (((1.0 - w) - h) + (z * z) * cos_tail);
  // iⁿ: odd n swaps the parts; the real part is negated for n ≡ 1, 2, the imaginary for 2, 3.
  const UnsignedLaneBits swap = -(quadrant & 1);
  const UnsignedLaneBits cb = (UnsignedLaneBits)cosine, sb = (UnsignedLaneBits)sine;
  const UnsignedLaneBits real_bits = ((cb & ~swap) | (sb & swap)) ^ (((quadrant + 1) & 2) << 62);
  const UnsignedLaneBits imag_bits = ((sb & ~swap) | (cb & swap)) ^ ((quadrant & 2) << 62);
  const Lanes re_part = (Lanes)real_bits, im_part = (Lanes)imag_bits;
#if defined(__AVX512F__)
  low = __builtin_shufflevector(re_part, im_part, 0, 8, 1, 9, 2, 10, 3, 11);
  high = __builtin_shufflevector(re_part, im_part, 4, 12, 5, 13, 6, 14, 7, 15);
#elif defined(__AVX__)
  low = __builtin_shufflevector(re_part, im_part, 0, 4, 1, 5);
  high = __builtin_shufflevector(re_part, im_part, 2, 6, 3, 7);
#else
  low = __builtin_shufflevector(re_part, im_part, 0, 2);
  high = __builtin_shufflevector(re_part, im_part, 1, 3);
#endif
  const LaneBits magnitude = (LaneBits)theta & ~sign_bit;
  outside |= ~((Lanes)magnitude <= c::largest);  // a comparison: −1 in true lanes
}

/// out_k = e^{iθ_k}, θ_k = scale·v_k, k < n (in double on the vector lanes, see above; other
/// scalars by std::polar).
template <class Scalar>
inline void unit_phases(std::size_t n, Scalar scale, const Scalar* v, std::complex<Scalar>* out_) {
  if constexpr (std::is_same_v<Scalar, double>) {
    double* out = re(out_);
    LaneBits outside{};
    // One loop body for every vector, the tail's padded with zeros, so that floating-point
    // contraction (fused multiply-adds where the target has them) treats all alike.
    double padded[lanes] = {}, parts[2 * lanes];
    for (std::size_t k = 0; k < n; k += lanes) {
      const bool whole = k + lanes <= n;
      if (!whole) std::memcpy(padded, v + k, (n - k) * sizeof(double));
      Lanes theta, low, high;
      std::memcpy(&theta, whole ? v + k : padded, sizeof theta);
      unit_phase_vector(scale * theta, low, high, outside);
      double* to = whole ? out + 2 * k : parts;
      std::memcpy(to, &low, sizeof low);
      std::memcpy(to + lanes, &high, sizeof high);
      if (!whole) std::memcpy(out + 2 * k, parts, 2 * (n - k) * sizeof(double));
    }
    bool any = false;
    for (std::size_t l = 0; l < lanes; ++l) any = any || outside[l] != 0;
    if (!any) return;
    for (std::size_t k = 0; k < n; ++k) {
      const double theta = scale * v[k];
      if (!(std::abs(theta) <= phase_constants::largest)) out_[k] = std::polar(1.0, theta);
    }
  } else {
    for (std::size_t k = 0; k < n; ++k) out_[k] = std::polar(Scalar(1), scale * v[k]);
  }
}

}  // namespace wavekin::detail::interleaved
