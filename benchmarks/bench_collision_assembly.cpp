// Assembly of the band-diagonal collision of P1 (C.3) (BandDiagonalCollision) on the 2D random
// study's zone grid (examples/p1_ground_truth/random_study.hpp, run_random_study_2d): the
// rectangular cell 1 × √3 of the crystal V = Σ_{j=1..3} cos(b_j·z), its 5 lowest supercell bands on
// M² zone points (M = 24, 48 = ε = 1/8 at side 6, 96 = ε = 1/16 at side 6; 8 points per cell),
// Gaussian R with ℓ = 1. Timed: the assembly alone (the Bloch states are solved before). The same
// file built against an older include/ times the older assembly (docs/p1_ground_truth.md).
// SPDX-License-Identifier: MIT
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/core/correlation.hpp"

namespace {

void c3_assembly_2d(benchmark::State& state) {
  using wavekin::lattice_index;
  const Eigen::Index cells = state.range(0);
  const auto rectangle = wavekin::Lattice<2>::rectangular(1.0, std::sqrt(3.0));
  const wavekin::Supercell<2> cell(rectangle, cells, 8);
  wavekin::CosineSum<2> crystal;
  crystal.add(1.0, lattice_index(1, -1))
      .add(1.0, lattice_index(0, 2))
      .add(1.0, lattice_index(-1, -1));
  const wavekin::SupercellBloch<2> bloch(cell, crystal, 5);
  const auto bands =
      wavekin::collision_bands_from_states<2>(cell.zone(), bloch.states(), {0, 1, 2, 3, 4});
  const wavekin::GaussianCorrelation<2> correlation(1.0, 1.0);
  Eigen::Index nonzeros = 0;
  for (auto _ : state) {
    const wavekin::BandDiagonalCollision<2> c3(bands, correlation);
    nonzeros = c3.matrix().nonZeros();
    benchmark::DoNotOptimize(nonzeros);
  }
  state.counters["vertices"] = static_cast<double>(cells * cells);
  state.counters["nonzeros"] = static_cast<double>(nonzeros);
}

BENCHMARK(c3_assembly_2d)->Arg(24)->Arg(48)->Arg(96)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
