// Tests of the overlaps that give single entries (detail::EntryOverlap in collision_bands.hpp; the
// label tables of from_bloch.hpp): the entry A_jm against the matrix, and the (C.3) operator
// assembled from entries against the one assembled from whole matrices. SPDX-License-Identifier:
// MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/core/correlation.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_entry_overlap {

TEST_CASE(
    "EntryOverlap of Bloch states: the entry is the matrix's, and (C.3) from entries is "
    "(C.3) from matrices",
    "[coherence][collision]") {
  // 2D Bloch bands of a three-cosine crystal on a 6 × 5 rectangular zone grid, three bands.
  using wavekin::lattice_index;
  const auto lattice = wavekin::Lattice<2>::rectangular(1.0, 1.7);
  wavekin::CosineSum<2> crystal;
  crystal.add(1.0, lattice_index(1, -1))
      .add(1.0, lattice_index(0, 2))
      .add(1.0, lattice_index(-1, -1));
  const auto table = wavekin::BandTable<2>::uniform_grid(
      wavekin::BlochSolver(lattice, crystal, {.energy_cutoff = 120}), {6, 5}, 3);
  std::vector<wavekin::BlochState<2, double>> states;
  for (Eigen::Index v = 0; v < table.size(); ++v) states.push_back(table.state(v));
  const wavekin::detail::LabelTableOverlap<2> overlap(states, {0, 1, 2});
  // The entry is the same sum over the paired labels as the matrix's product, in another order:
  // 1e-14 of the entries' O(1) size.
  std::mt19937 pick(3);
  std::uniform_int_distribution<Eigen::Index> vertex(0, table.size() - 1);
  double largest = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const Eigen::Index p = vertex(pick), q = vertex(pick);
    const wavekin::LatticeIndex<2> mu(trial % 5 - 2, trial % 3 - 1);
    const Eigen::MatrixXcd a = overlap(p, q, mu);
    largest = std::max(largest, a.cwiseAbs().maxCoeff());
    for (Eigen::Index j = 0; j < 3; ++j)
      for (Eigen::Index m = 0; m < 3; ++m)
        CHECK(std::abs(overlap.entry(p, q, mu, j, m) - a(j, m)) < 1e-14);
  }
  CHECK(largest > 0.5);  // some pairs overlap at O(1): the comparison is not of zeros

  // (C.3): collision_bands_from_table's overlap is an EntryOverlap, so the assembly takes
  // entries; the same callable behind a lambda hides its type and the assembly takes matrices.
  // Same pairs, weights and μ; the sums differ by the order of the label sums: 1e-13 of the
  // largest entry.
  const auto bands = wavekin::collision_bands_from_table(lattice, table, {0, 1, 2});
  REQUIRE(bands.overlap.target<wavekin::detail::EntryOverlap<2>>() != nullptr);
  auto hidden = bands;
  hidden.overlap = [full = bands.overlap](Eigen::Index p, Eigen::Index q,
                                          const wavekin::LatticeIndex<2>& mu) {
    return full(p, q, mu);
  };
  const wavekin::GaussianCorrelation<2> correlation(1.0, 1.0);
  const wavekin::BandDiagonalCollision<2> entries(bands, correlation);
  const wavekin::BandDiagonalCollision<2> matrices(hidden, correlation);
  const Eigen::MatrixXd e = Eigen::MatrixXd(entries.matrix());
  const Eigen::MatrixXd m = Eigen::MatrixXd(matrices.matrix());
  REQUIRE(m.cwiseAbs().maxCoeff() > 0);
  CHECK((e - m).cwiseAbs().maxCoeff() < 1e-13 * m.cwiseAbs().maxCoeff());
}

}  // namespace wavekin_test_entry_overlap
