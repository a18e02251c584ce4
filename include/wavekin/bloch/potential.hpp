// wavekin/bloch/potential.hpp — the PeriodicPotential concept: a potential given by V̂(μ), μ ∈ Λ*.
// SPDX-License-Identifier: MIT
#pragma once

#include <complex>
#include <concepts>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

/// \brief A Λ-periodic potential V, known through its Fourier coefficients
/// \f$\hat V(\mu) = \frac{1}{|C|}\int_C e^{-i\mu\cdot y} V(y)\,dy\f$, μ ∈ Λ*
/// (band-crossing paper P1, after (2.8); docs/conventions.md §6), so that
/// \f$V(x) = \sum_{\mu} \hat V(\mu) e^{i\mu\cdot x}\f$.
///
/// A type P models it when `p.fourier_coefficient(lattice, n)` returns
/// V̂(μ) for μ = Σ n_l e^l as something convertible to std::complex<Scalar>.
/// The lattice is passed at each call so that a potential described in
/// physical coordinates (wells at given points, a cosine of a given
/// wavevector) is evaluated on the lattice the solver uses. V is real iff
/// V̂(−μ) = conj V̂(μ); BlochSolver checks this.
template <class P, int Dim, class Scalar>
concept PeriodicPotential = RealScalar<Scalar> && PositiveDimension<Dim> &&
    requires(const P& potential, const Lattice<Dim, Scalar>& lattice, const LatticeIndex<Dim>& n) {
  { potential.fourier_coefficient(lattice, n) } -> std::convertible_to<std::complex<Scalar>>;
};

}  // namespace wavekin
