// wavekin/core/concepts.hpp — the concepts shared by every module.
// SPDX-License-Identifier: MIT
#pragma once

#include <complex>
#include <concepts>
#include <cstddef>

namespace wavekin {

/// \brief A floating-point type the library computes in: `float` or `double`
/// (the two precisions FFTW is linked for).
template <class Scalar>
concept RealScalar = std::same_as<Scalar, float> || std::same_as<Scalar, double>;

/// \brief A dimension the library can be instantiated for: any positive one.
/// (Tests sweep 1, 2 and 3; nothing in the code is specialised to them.)
template <int Dim>
concept PositiveDimension = (Dim >= 1);

/// \brief `std::complex<Scalar>` for a RealScalar.
template <RealScalar Scalar>
using Complex = std::complex<Scalar>;

}  // namespace wavekin
