// A downstream program: builds a lattice and a grid, differentiates spectrally,
// and exits non-zero if the library misbehaves.
// SPDX-License-Identifier: MIT
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <vector>

#include <wavekin/wavekin.hpp>

int main() {
  const auto lattice = wavekin::Lattice<2>::triangular();
  const double identity_error =
      (lattice.basis().transpose() * lattice.dual_basis() -
       2 * std::numbers::pi * Eigen::Matrix2d::Identity())
          .norm();

  const auto grid = wavekin::PeriodicGrid<1>::cube(32, 2.0);
  wavekin::SpectralDerivative<1> d(grid);
  std::vector<std::complex<double>> f(32), df(32);
  double derivative_error = 0;
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) f[j] = std::sin(std::numbers::pi * grid.point(j)[0]);
  d.derivative(f.data(), df.data(), 0);
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j)
    derivative_error = std::max(
        derivative_error, std::abs(df[j] - std::numbers::pi * std::cos(std::numbers::pi * grid.point(j)[0])));

  std::printf("wavekin %s: dual-basis error %.2e, spectral derivative error %.2e\n",
              wavekin::version_string, identity_error, derivative_error);
  return identity_error < 1e-12 && derivative_error < 1e-12 ? 0 : 1;
}
