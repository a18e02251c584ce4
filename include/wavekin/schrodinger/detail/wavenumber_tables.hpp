// wavekin/schrodinger/detail/wavenumber_tables.hpp — per-point wavenumber tables in
// FFT layout, shared by the Schrödinger propagators and observables.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/periodic_grid.hpp"

namespace wavekin::detail {

/// Wavenumbers of every FFT slot of a grid, flat (row-major), so that the
/// spectral loops of a time step are single passes without index arithmetic.
/// `xi[a][k]` is ξ_a of slot k with the given Nyquist mode; `xi_squared[k]`
/// is Σ_a ξ_a². Both start on a cache line, as every table the kernels stream through.
template <int Dim, class Scalar>
struct WavenumberTable {
  std::array<AlignedVector<Scalar>, Dim> xi;
  AlignedVector<Scalar> xi_squared;

  WavenumberTable(const PeriodicGrid<Dim, Scalar>& grid, NyquistMode mode) {
    const auto n = static_cast<std::size_t>(grid.size());
    std::array<std::vector<Scalar>, Dim> axis_xi;
    for (int a = 0; a < Dim; ++a) {
      axis_xi[static_cast<std::size_t>(a)] = grid.wavenumbers(a, mode);
      xi[static_cast<std::size_t>(a)].resize(n);
    }
    xi_squared.assign(n, Scalar(0));
    std::array<std::ptrdiff_t, Dim> index{};
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
        const Scalar value = axis_xi[a][static_cast<std::size_t>(index[a])];
        xi[a][k] = value;
        xi_squared[k] += value * value;
      }
      for (int a = Dim - 1; a >= 0; --a) {
        const auto s = static_cast<std::size_t>(a);
        if (++index[s] < grid.counts()[s]) break;
        index[s] = 0;
      }
    }
  }
};

}  // namespace wavekin::detail
