// wavekin/bloch/time_reversal.hpp — the Bloch state at −k of a real potential, from the one at k.
// SPDX-License-Identifier: MIT
#pragma once

#include <complex>
#include <utility>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

/// \brief The time-reversed Bloch state at −k: \f$c^m_G(-k) = \overline{c^m_{-G}(k)}\f$, exact for a
/// real V (Ψ_m(x, −k) = conj Ψ_m(x, k), so E_m(−k) = E_m(k)). The basis at −k with the same cutoff
/// holds exactly the labels −G. Used to put K' = −K of graphene in the gauge of K (P1 §5), which
/// makes D_i(−k) = −conj D_i(k) and A(−p, −q) = conj A(p, q) exact.
/// \pre state's basis symmetric under G ↦ −G at −k (always true for a cutoff basis).
template <int Dim, RealScalar Scalar>
BlochState<Dim, Scalar> time_reversed(const BlochState<Dim, Scalar>& state) {
  PlaneWaveBasis<Dim, Scalar> basis(state.basis.lattice(), Eigen::Matrix<Scalar, Dim, 1>(-state.k),
                                    state.basis.energy_cutoff());
  require(basis.size() == state.basis.size(),
          "time_reversed: the basis at -k has {} plane waves, the one at k {}", basis.size(),
          state.basis.size());
  Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic> c(
      basis.size(), state.coefficients.cols());
  for (Eigen::Index i = 0; i < basis.size(); ++i) {
    const auto from = state.basis.index_of(LatticeIndex<Dim>(-basis.label(i)));
    require(from != PlaneWaveBasis<Dim, Scalar>::npos,
            "time_reversed: label -G of plane wave {} at -k is missing at k", i);
    c.row(i) = state.coefficients.row(from).conjugate();
  }
  return BlochState<Dim, Scalar>{basis.k(), state.energies, std::move(c), std::move(basis)};
}

}  // namespace wavekin
