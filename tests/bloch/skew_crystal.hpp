// tests/bloch/skew_crystal.hpp — the skew-lattice crystal of the solver and matrix-element
// tests: a real potential without inversion symmetry (phases) on a skew lattice.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin_test {

// The cutoff the crystal is solved with: V is analytic (its coefficients decay
// super-exponentially), so E_cut = 300 converges it.
inline constexpr double skew_cutoff = 300;

// The solver of the skew crystal at E_cut = skew_cutoff.
inline auto skew_solver() {
  using wavekin::lattice_index;
  const auto lattice =
      wavekin::Lattice<2>::from_basis((Eigen::Matrix2d() << 1.0, 0.35, 0.0, 0.9).finished());
  wavekin::CosineSum<2> v;
  v.add(3.0, lattice_index(1, 0), 0.3)
      .add(-2.0, lattice_index(1, 1), 1.1)
      .add(1.5, lattice_index(0, 2));
  return wavekin::BlochSolver(lattice, v, {.energy_cutoff = skew_cutoff});
}

}  // namespace wavekin_test
