// wavekin/bloch/bloch_wave_packet.hpp — Bloch wave packets φ⁰(x) = Σ_m a_m(x) Ψ_m(x/ε, p₀) on a
// supercell grid (P1 (3.8), docs/conventions.md §12). SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief The wave packet \f$\phi^0(x) = \sum_m a_m(x)\,\Psi_m(x/\varepsilon, p_0)\f$ at the
/// supercell grid points x_i = εz_i, p₀ = p_{r0} a quasi-momentum of the supercell (the only ones
/// whose Bloch waves are periodic on it), Ψ_m the states of `bloch` (its gauge).
///
/// The packet is well resolved when the a_m vary on the scale of x (many cells per feature) and
/// are periodic (or have decayed) on the torus of side εM per basis vector; its Bloch
/// coefficients then sit at p_r within O(ε/width) of p₀ (docs/conventions.md §12).
/// \param bands      the bands m, indices into bloch's kept bands
/// \param amplitude  callable x ↦ (a_m(x))_m, a complex vector with bands.size() entries
/// \param epsilon    ε > 0 of P1 (1.2)
/// \pre r0 a valid quasi-momentum; bands valid; amplitudes finite and of the right size.
template <int Dim, RealScalar Scalar, class Amplitude>
std::vector<std::complex<Scalar>> bloch_wave_packet(const SupercellBloch<Dim, Scalar>& bloch,
                                                    Eigen::Index r0,
                                                    const std::vector<Eigen::Index>& bands,
                                                    const Amplitude& amplitude, Scalar epsilon) {
  require(std::isfinite(epsilon) && epsilon > 0, "bloch_wave_packet: ε = {} must be finite and > 0",
          epsilon);
  require(!bands.empty(), "bloch_wave_packet: no bands given");
  const auto& cell = bloch.supercell();
  std::vector<std::vector<std::complex<Scalar>>> waves;
  for (const Eigen::Index m : bands) waves.push_back(bloch.bloch_wave(r0, m));
  std::vector<std::complex<Scalar>> out(static_cast<std::size_t>(cell.size()));
  for (std::ptrdiff_t i = 0; i < cell.size(); ++i) {
    const Eigen::Matrix<Scalar, Dim, 1> x = epsilon * cell.point(i);
    const Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, 1> a = amplitude(x);
    require(a.size() == static_cast<Eigen::Index>(bands.size()) && a.allFinite(),
            "bloch_wave_packet: the amplitude at grid point {} has {} entries (expected {}) or is "
            "not finite",
            i, a.size(), bands.size());
    std::complex<Scalar> sum(0);
    for (std::size_t m = 0; m < bands.size(); ++m)
      sum += a[static_cast<Eigen::Index>(m)] * waves[m][static_cast<std::size_t>(i)];
    out[static_cast<std::size_t>(i)] = sum;
  }
  return out;
}

}  // namespace wavekin
