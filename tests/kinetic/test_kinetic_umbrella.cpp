// Tests for wavekin/kinetic/kinetic.hpp: the umbrella pulls in every Liouville header.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include "wavekin/kinetic/kinetic.hpp"

TEST_CASE("kinetic umbrella exposes the Liouville solvers", "[kinetic]") {
  const auto h = wavekin::make_hamiltonian<1>([](double, double) { return 1.0; },
                                              [](double, double) { return 0.0; },
                                              [](double, double) { return 0.0; },
                                              [](double, double) { return 0.0; });
  const wavekin::Characteristics solver(h);
  const wavekin::PhaseSpaceGrid<1> grid(wavekin::PeriodicGrid<1>::cube(8, 1.0), {8},
                                        Eigen::Matrix<double, 1, 1>::Constant(-1),
                                        Eigen::Matrix<double, 1, 1>::Constant(1));
  auto weno = wavekin::make_weno_transport(grid, h);
  CHECK(weno.grid().size() == 64);
  CHECK(solver.options().rtol == 1e-10);
}
