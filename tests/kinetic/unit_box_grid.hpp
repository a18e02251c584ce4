// tests/kinetic/unit_box_grid.hpp — the 1-D phase-space grid most kinetic tests run on, and
// the random fields on it.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <random>

#include <Eigen/Core>

#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"

namespace wavekin_test {

// x on the unit box [0, 1) with nx points, k on [k_min, k_max] with nk cells.
inline wavekin::PhaseSpaceGrid<1> unit_box_grid(std::ptrdiff_t nx, std::ptrdiff_t nk, double k_min,
                                                double k_max) {
  using Vec1 = Eigen::Matrix<double, 1, 1>;
  return {wavekin::PeriodicGrid<1>({nx}, Vec1(1.0)), {nk}, Vec1(k_min), Vec1(k_max)};
}

// size values uniform in [0, 1), reproducible from seed (std::mt19937_64).
inline Eigen::VectorXd random_field(std::ptrdiff_t size, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Eigen::VectorXd w(size);
  for (auto& v : w) v = u(rng);
  return w;
}

}  // namespace wavekin_test
