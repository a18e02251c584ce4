// Tests for wavekin/bloch/bloch.hpp: the umbrella gives the everyday one-line use.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "wavekin/bloch/bloch.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_bloch_umbrella {

TEST_CASE("bloch.hpp: one-line solver with CTAD", "[bloch]") {
  const auto lattice = wavekin::Lattice<1>::line(std::numbers::pi);
  wavekin::BlochSolver solver(lattice, wavekin::CosineSum<1>({{1.0, wavekin::lattice_index(1)}}),
                              {.energy_cutoff = 40});
  STATIC_REQUIRE(
      std::is_same_v<decltype(solver),
                     wavekin::BlochSolver<1, wavekin::CosineSum<1>, wavekin::AutoEigen, double>>);
  const auto state = solver.solve(Eigen::Matrix<double, 1, 1>(0.5), 3);
  REQUIRE(state.band_count() == 3);
  // Mathieu at q = 0.5 (V0 = 1): the lowest band sits between min V − … and
  // the free value ½·0.25; it is below the free value (second-order shift < 0).
  REQUIRE(state.energies[0] < 0.125);
  REQUIRE(wavekin::band_velocity(state, 0)[0] > 0);
}

}  // namespace wavekin_test_bloch_umbrella
