// wavekin/schrodinger/detail/interleaved_kernels.hpp — per-chunk vector kernels on interleaved
// complex arrays (the passes of CrankNicolsonSpectral's operator and of its GMRES, of
// MagnusSpectral's Chebyshev series and of SplitStepSpectral's phases), built for each kernel
// target (kernel_target.hpp) and called through forwarders that pick the process's target.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <complex>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>

#include "wavekin/schrodinger/detail/kernel_target.hpp"

namespace wavekin::detail::interleaved {

// The arrays are read as their real and imaginary parts (std::complex arrays may be,
// [complex.numbers.general]): re(a)[2k] = Re a_k, re(a)[2k + 1] = Im a_k.
template <class Scalar>
inline Scalar* re(std::complex<Scalar>* a) {
  return reinterpret_cast<Scalar*>(a);
}
template <class Scalar>
inline const Scalar* re(const std::complex<Scalar>* a) {
  return reinterpret_cast<const Scalar*>(a);
}

// The inverse of the Crank–Nicolson preconditioner's symbol, 1/(1 + iθ) = (1 − iθ)/(1 + θ²),
// θ = kinetic·|ξ|² + shift: the one formula of CrankNicolsonSpectral's P̂^{-1} table and of the
// scalar tails below (their vector loops compute the same, a vector at a time).
template <class Scalar>
inline std::complex<Scalar> inverse_preconditioner(Scalar kinetic, Scalar xi_squared,
                                                   Scalar shift) {
  const Scalar theta = kinetic * xi_squared + shift;
  const Scalar inv = Scalar(1) / (1 + theta * theta);
  return {inv, -theta * inv};
}

// The arguments of fixed_point_pass_kernel (interleaved_kernels.inc, where its fields are
// described).
template <int Dim, class Scalar>
struct FixedPointPass {
  const Scalar* b;
  const Scalar* w;
  Scalar* next;
  std::array<Scalar*, Dim> work;
  Scalar* potential_work;
  std::array<const Scalar*, Dim> xi;
  const Scalar* inverse_symbol;
  Scalar kinetic, shift;
};

// The arguments of clenshaw_term_kernel and clenshaw_start_kernel (interleaved_kernels.inc).
template <int Dim, class Scalar>
struct ChebyshevTerm {
  const Scalar* v;     // the series' argument
  const Scalar* in;    // b_{k+1}
  const Scalar* prev;  // b_{k+2} (unused without Prev)
  Scalar* out;         // b_k, or the sum (Last)
  std::array<Scalar*, Dim> work;
  Scalar* potential_work;
  std::array<const Scalar*, Dim> xi;
  const Scalar* xi_squared;
  Scalar alpha, beta;
  std::complex<Scalar> c;  // c_k
};

// The arguments of the scaled_clenshaw kernels (interleaved_kernels.inc): the recurrence carried by
// y_k = ξ b_k in 1D with a varying mass alone.
template <class Scalar>
struct ScaledChebyshevTerm {
  const Scalar* v;                 // the series' argument (the sum only)
  Scalar* xv;                      // ξ v (written by the start, read by every term)
  const Scalar* in;                // y_{k+1}
  const Scalar* prev;              // y_{k+2} (unused without Prev)
  Scalar* out;                     // y_k, or the sum
  const Scalar* work;              // G y_{k+1}
  const Scalar* xi;                // ξ
  const Scalar* inverse_xi;        // 1/ξ, 0 where ξ = 0 (the sum only)
  const Scalar* twice_xi_squared;  // 2ξ², each twice (one per part of a complex value)
  Scalar beta;
  std::complex<Scalar> c;  // c_k
};

}  // namespace wavekin::detail::interleaved

#define WAVEKIN_KERNEL_BODY "wavekin/schrodinger/detail/interleaved_kernels.inc"
#include "wavekin/schrodinger/detail/for_each_kernel_target.inc"

namespace wavekin::detail::interleaved {

WAVEKIN_KERNEL_DISPATCH(precondition_kernel)
WAVEKIN_KERNEL_DISPATCH(input_kernel)
WAVEKIN_KERNEL_DISPATCH(multiply_kernel)
WAVEKIN_KERNEL_DISPATCH(add_term)
WAVEKIN_KERNEL_DISPATCH_NODISCARD(dot)
WAVEKIN_KERNEL_DISPATCH_NODISCARD(norm2)
WAVEKIN_KERNEL_DISPATCH(axpy)
WAVEKIN_KERNEL_DISPATCH(residual_kernel)
WAVEKIN_KERNEL_DISPATCH_NODISCARD(fixed_point_pass_kernel)
WAVEKIN_KERNEL_DISPATCH_NODISCARD(term_iteration_kernel)
WAVEKIN_KERNEL_DISPATCH(term_finish_kernel)
WAVEKIN_KERNEL_DISPATCH(inverse_symbol_kernel)
WAVEKIN_KERNEL_DISPATCH(scale)
WAVEKIN_KERNEL_DISPATCH(complex_multiply)
WAVEKIN_KERNEL_DISPATCH(clenshaw_term_kernel)
WAVEKIN_KERNEL_DISPATCH(clenshaw_start_kernel)
WAVEKIN_KERNEL_DISPATCH(scaled_clenshaw_start_kernel)
WAVEKIN_KERNEL_DISPATCH(scaled_clenshaw_term_kernel)
WAVEKIN_KERNEL_DISPATCH(scaled_clenshaw_sum_kernel)

}  // namespace wavekin::detail::interleaved
