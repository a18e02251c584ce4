// wavekin/bloch/gauge.hpp — gauge policies: how BandTable fixes the free phases / U(n) of Bloch
// states. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>

#include <Eigen/Core>
#include <Eigen/SVD>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/matrix_elements.hpp"

namespace wavekin {

/// \brief Keeps the solver's gauge (largest coefficient of each band real
/// positive, see BlochSolver): deterministic, not smooth.
struct SolverGauge {
  template <int Dim, RealScalar Scalar>
  void align(BlochState<Dim, Scalar>& /*state*/, const BlochState<Dim, Scalar>& /*parent*/) const {}
};

/// \brief Discrete parallel transport (docs/conventions.md §8): a state is
/// rotated so that its overlap with a neighbouring, already fixed state is
/// Hermitian positive semidefinite.
///
/// Bands are grouped into clusters whose energies differ by at most
/// `degeneracy_tolerance`·max(1, |E|). For a cluster with overlap block
/// \f$A = A(k, k_{\rm parent})\f$ (overlap_A, defined after P1 (4.11)) and SVD A = WΣVᴴ, the
/// columns are replaced by C X with X = conj(W) Vᵀ, so that the new block is
/// VΣVᴴ (the Löwdin choice: the rotation closest to the identity). For a
/// simple band this is the phase making A_mm(k, k_parent) real and positive.
/// Along a path this is a smooth gauge wherever the bands are; around a loop it
/// accumulates the Berry phase (no smooth periodic gauge need exist, and none
/// exists around a Dirac point). At a degeneracy the transported basis is the
/// one closest to the neighbour's, which states the U(n) choice made.
struct ParallelTransportGauge {
  double degeneracy_tolerance = 1e-8;

  template <int Dim, RealScalar Scalar>
  void align(BlochState<Dim, Scalar>& state, const BlochState<Dim, Scalar>& parent) const {
    using ComplexMatrix = Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;
    const Eigen::Index bands = std::min(state.band_count(), parent.band_count());
    const ComplexMatrix a = overlap_A(state, parent);
    Eigen::Index first = 0;
    while (first < bands) {
      Eigen::Index last = first + 1;
      while (last < bands &&
             std::abs(state.energies[last] - state.energies[last - 1]) <=
                 Scalar(degeneracy_tolerance) * std::max(Scalar(1), std::abs(state.energies[last])))
        ++last;
      const Eigen::Index size = last - first;
      const ComplexMatrix block = a.block(first, first, size, size);
      const Eigen::JacobiSVD<ComplexMatrix> svd(block, Eigen::ComputeFullU | Eigen::ComputeFullV);
      // A vanishing overlap (a band swap across a crossing not resolved by
      // the grid) carries no phase information: keep the solver's gauge.
      if (svd.singularValues()(size - 1) > Scalar(1e-3)) {
        const ComplexMatrix x = svd.matrixU().conjugate() * svd.matrixV().transpose();
        state.coefficients.middleCols(first, size) =
            (state.coefficients.middleCols(first, size) * x).eval();
      }
      first = last;
    }
  }
};

/// \brief A gauge policy: `gauge.align(state, parent)` re-gauges `state`
/// (a unitary change of its columns within degenerate clusters, energies
/// untouched) using an already fixed neighbour.
template <class Gauge, int Dim, class Scalar>
concept GaugePolicy = requires(const Gauge& gauge, BlochState<Dim, Scalar>& state,
                               const BlochState<Dim, Scalar>& parent) {
  gauge.align(state, parent);
};

}  // namespace wavekin
