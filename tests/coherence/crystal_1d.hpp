// tests/coherence/crystal_1d.hpp — the 1-D crystal of the collision tests: V(x) = 2 cos(2πx) on
// the unit lattice, its two lowest bands on a uniform zone grid, BandTable's gauge.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/coherence/collision_bands.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin_test {

// Bands 0 and 1 (gap ≥ amplitude ≈ 2 at p = π: 1D bands never overlap, so each shell meets one
// band only) at `points` zone points, solved with the given energy cutoff.
struct Crystal1D {
  wavekin::Lattice<1> lattice = wavekin::Lattice<1>::line(1.0);
  wavekin::BandTable<1> table;
  explicit Crystal1D(Eigen::Index points, double energy_cutoff = 300)
      : table(wavekin::BandTable<1>::uniform_grid(
            wavekin::BlochSolver(lattice, wavekin::CosineSum<1>({{2.0, wavekin::lattice_index(1)}}),
                                 {.energy_cutoff = energy_cutoff}),
            {points}, 2)) {}
  [[nodiscard]] wavekin::CollisionBands<1> collision_bands() const {
    return wavekin::collision_bands_from_table(lattice, table, {0, 1});
  }
};

}  // namespace wavekin_test
