// Exact solution of the free constant-mass Schrödinger equation for a Gaussian
// packet on a periodic box (sum of periodic images), and the distances between grid fields the
// schrodinger tests measure errors in.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <vector>

#include "wavekin/core/periodic_grid.hpp"

namespace wavekin_test {

// For iε u_t = −(ε²/2) m u_xx, i.e. u_t = iβ u_xx with β = εm/2, the packet
//   u₀(x) = exp(−A(x − x₀)² + i p₀ x/ε)
// stays Gaussian with complex width A/(1 + 4iAβt): writing k = p₀/ε, y = x − x₀,
//   u(t, x) = e^{ikx₀} (1 + 4iAβt)^{−1/2} exp[(−Ay² + iky − iβk²t)/(1 + 4iAβt)]
// (complete the square, or solve û_t = −iβξ²û). The principal square root is
// the continuous branch from t = 0 since Re(1 + 4iAβt) = 1 > 0. On a box of
// length L the periodic solution with initial data Σ_n u₀(x + nL) is, by
// linearity and translation invariance, Σ_n u(t, x + nL).
struct GaussianPacket {
  double a, x0, p0, epsilon, mass, length;
  int images = 6;  // e^{−A (6L)²} underflows for every A used here

  [[nodiscard]] std::complex<double> free_value(double t, double x) const {
    using cd = std::complex<double>;
    const double beta = epsilon * mass / 2, k = p0 / epsilon, y = x - x0;
    const cd width = cd(1, 4 * a * beta * t);
    return std::exp(cd(0, k * x0)) / std::sqrt(width) *
           std::exp(cd(-a * y * y, k * y - beta * k * k * t) / width);
  }
  [[nodiscard]] std::complex<double> value(double t, double x) const {
    std::complex<double> sum = 0;
    for (int n = -images; n <= images; ++n) sum += free_value(t, x + n * length);
    return sum;
  }
  [[nodiscard]] std::vector<std::complex<double>> sample(const wavekin::PeriodicGrid<1>& grid,
                                                         double t) const {
    std::vector<std::complex<double>> u(static_cast<std::size_t>(grid.size()));
    for (std::ptrdiff_t j = 0; j < grid.size(); ++j)
      u[static_cast<std::size_t>(j)] = value(t, grid.coordinate(0, j));
    return u;
  }
};

// The set-up of the conservation tests (a Catch fixture, TEST_CASE_METHOD): the packet
// A = 64, x₀ = 0.5, p₀ = 0.5, ε = 0.05, m = 1 on the unit box, sampled at t = 0 on 128 points.
struct UnitBoxPacket {
  wavekin::PeriodicGrid<1> grid =
      wavekin::PeriodicGrid<1>({128}, wavekin::PeriodicGrid<1>::Point(1.0));
  double epsilon = 0.05;
  GaussianPacket packet{64.0, 0.5, 0.5, epsilon, 1.0, 1.0};
  std::vector<std::complex<double>> u = packet.sample(grid, 0.0);
};

// Discrete L² distance (cell volume included) between two fields on `grid`.
template <int Dim>
double l2_distance(const wavekin::PeriodicGrid<Dim>& grid,
                   const std::vector<std::complex<double>>& u,
                   const std::vector<std::complex<double>>& v) {
  double sum = 0;
  for (std::size_t j = 0; j < u.size(); ++j) sum += std::norm(u[j] - v[j]);
  return std::sqrt(sum * grid.cell_volume());
}

// ∫|ρ_a − ρ_b| dx on the grid (trapezoidal rule).
inline double density_l1_distance(const wavekin::PeriodicGrid<1>& grid,
                                  const std::vector<std::complex<double>>& u,
                                  const std::vector<std::complex<double>>& v) {
  double sum = 0;
  for (std::size_t j = 0; j < u.size(); ++j) sum += std::abs(std::norm(u[j]) - std::norm(v[j]));
  return sum * grid.cell_volume();
}

}  // namespace wavekin_test
