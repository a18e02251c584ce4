// The umbrella header wavekin/schrodinger/schrodinger.hpp brings in the whole module.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <complex>
#include <functional>
#include <vector>

#include "wavekin/schrodinger/schrodinger.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_schrodinger_umbrella {

TEST_CASE("schrodinger.hpp declares every public type of the module", "[schrodinger]") {
  const auto grid = wavekin::PeriodicGrid<1>::cube(16, 1.0);
  wavekin::CrankNicolsonSpectral cn(grid, 0.1, wavekin::ConstantCoefficient<>(1.0),
                                    wavekin::ConstantCoefficient<>(0.0));
  wavekin::SplitStepSpectral split(grid, 0.1, 1.0, wavekin::ConstantCoefficient<>(0.0));
  // The default policies: potential 0 (and a type-erased callable mass).
  wavekin::CrankNicolsonSpectral<1> defaulted(
      grid, 0.1,
      wavekin::FunctionCoefficient<
          std::function<double(double, const Eigen::Matrix<double, 1, 1>&)>>(
          [](double, const Eigen::Matrix<double, 1, 1>& x) { return 1.0 + 0.1 * x[0]; }));
  wavekin::SplitStepSpectral<1> split_defaulted(grid, 0.1, 1.0);
  std::vector<std::complex<double>> u(16, 1.0);
  defaulted.step(u, 0.0, 0.01);
  split_defaulted.step(u, 0.0, 0.01);
  cn.step(u, 0.0, 0.01);
  split.step(u, 0.0, 0.01);
  CHECK(wavekin::total_mass(grid, u) == Approx(1.0).epsilon(1e-14));
  CHECK(wavekin::wigner_momentum_period(grid, 0.1) > 0);
}

}  // namespace wavekin_test_schrodinger_umbrella
