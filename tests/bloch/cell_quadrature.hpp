// tests/bloch/cell_quadrature.hpp — an independent V̂(μ) for the potential tests: the cell
// average (1/|C|)∫_C e^{−iμ·y} V(y) dy by the trapezoidal rule in lattice coordinates.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>

#include <Eigen/Core>

#include "wavekin/core/lattice.hpp"

namespace wavekin_test {

// For a smooth Λ-periodic V the rule is spectrally accurate; for a
// trigonometric polynomial with |n_l| < points/2 it is exact (aliasing-free),
// because Σ_i e^{2πi m i/N}/N = [m ≡ 0 mod N].
template <int Dim, class Function>
std::complex<double> cell_average(const wavekin::Lattice<Dim, double>& lattice, Function&& v,
                                  const Eigen::Matrix<std::int64_t, Dim, 1>& n, int points) {
  std::complex<double> sum = 0;
  Eigen::Matrix<int, Dim, 1> i = Eigen::Matrix<int, Dim, 1>::Zero();
  const Eigen::Matrix<double, Dim, 1> mu = lattice.reciprocal(n);
  std::int64_t count = 0;
  while (true) {
    const Eigen::Matrix<double, Dim, 1> theta = i.template cast<double>() / points;
    const Eigen::Matrix<double, Dim, 1> y = lattice.basis() * theta;
    sum += std::polar(1.0, -mu.dot(y)) * v(y);
    ++count;
    int axis = 0;
    while (axis < Dim && i[axis] == points - 1) i[axis++] = 0;
    if (axis == Dim) break;
    ++i[axis];
  }
  return sum / static_cast<double>(count);
}

}  // namespace wavekin_test
