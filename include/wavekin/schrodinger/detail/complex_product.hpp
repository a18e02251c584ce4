// wavekin/schrodinger/detail/complex_product.hpp — the complex product written in real arithmetic,
// for the per-point passes of the Schrödinger propagators.
// SPDX-License-Identifier: MIT
#pragma once

#include <complex>

namespace wavekin::detail {

// a·b without std::complex's operator*, whose NaN recovery (C99 Annex G) keeps GCC from
// vectorising the loops it sits in. The propagators check their inputs finite, so the recovery
// would never apply.
template <class Scalar>
[[nodiscard]] inline std::complex<Scalar> complex_product(std::complex<Scalar> a,
                                                          std::complex<Scalar> b) noexcept {
  return std::complex<Scalar>(a.real() * b.real() - a.imag() * b.imag(),
                              a.real() * b.imag() + a.imag() * b.real());
}

}  // namespace wavekin::detail
