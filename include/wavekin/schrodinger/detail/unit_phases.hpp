// wavekin/schrodinger/detail/unit_phases.hpp — e^{iθ_k}, θ_k = scale·v_k, for a whole array at
// once: the phases of SplitStepSpectral (its potential's e^{−iVΔt/2ε} each step, its kinetic
// e^{−iεΔt m₀|ξ|²/2}).
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/schrodinger/detail/interleaved_kernels.hpp"

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

}  // namespace wavekin::detail::interleaved

#define WAVEKIN_KERNEL_BODY "wavekin/schrodinger/detail/unit_phases.inc"
#include "wavekin/schrodinger/detail/for_each_kernel_target.inc"

namespace wavekin::detail::interleaved {

WAVEKIN_KERNEL_DISPATCH(unit_phases)

}  // namespace wavekin::detail::interleaved
