// Tests for wavekin/kinetic/kinetic.hpp: the umbrella pulls in the Liouville, radiative
// transfer and coherence headers.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>

#include "wavekin/kinetic/kinetic.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_kinetic_umbrella {

TEST_CASE("kinetic umbrella exposes the Liouville solvers", "[kinetic]") {
  const auto h = wavekin::make_hamiltonian<1>(
      [](double, double) { return 1.0; }, [](double, double) { return 0.0; },
      [](double, double) { return 0.0; }, [](double, double) { return 0.0; });
  const wavekin::Characteristics solver(h);
  const wavekin::PhaseSpaceGrid<1> grid(wavekin::PeriodicGrid<1>::cube(8, 1.0), {8},
                                        Eigen::Matrix<double, 1, 1>::Constant(-1),
                                        Eigen::Matrix<double, 1, 1>::Constant(1));
  auto weno = wavekin::make_weno_transport(grid, h);
  CHECK(weno.grid().size() == 64);
  CHECK(solver.options().rtol == 1e-10);
  // The radiative transfer pieces are reachable too: a collision on the same grid
  // conserves mass (Σ Q[W] = 0) for a constant W.
  const wavekin::CollisionOperator<1> collision(
      grid, wavekin::SeparableCorrelation<>(1.0, 1.0, 1.0), 1.0);
  Eigen::VectorXd q;
  collision.apply(Eigen::VectorXd::Ones(64), q);
  CHECK(q.cwiseAbs().maxCoeff() < 1e-12 * collision.max_rate());
  const wavekin::SpectralShiftTransport<1> shift(grid, 1.0);
  CHECK(std::isinf(shift.max_stable_dt(0)));
}

}  // namespace wavekin_test_kinetic_umbrella
