// tests/coherence/packet_envelope.hpp — a Gaussian wave-packet envelope that is an exact
// trigonometric polynomial of the x-torus of a Supercell (εM per basis vector), for the tests that
// compare finite-ε coherence data with the exact Wigner–Bloch σ of a wave.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>

#include <Eigen/Core>

#include "wavekin/core/lattice.hpp"

namespace wavekin_test {

// A Gaussian envelope of width `width` centred at `centre`, made an exact trigonometric polynomial
// of the x-torus (side εM along each basis vector): a(x) = Σ_δ α_δ e^{iq_δ·x/ε} over the offsets
// q_δ = Σ δ_a e^a / M with |δ_a| ≤ K = (M/2 − 1)/2, α_δ = e^{−|q_δ|² width²/(2ε²)}
// e^{−iq_δ·centre/ε}. Then every difference of two modes has |δ_a| < M/2: the envelopes g_l(x; p)
// of the packet at every p_r (modes δ − δ_r) are represented on the M^Dim cell origins without a
// tie between translates, "nearest translate of p₀" is unambiguous, and the trapezoidal â of
// set_wave_packet is exact: a comparison of set_wave_packet with the exact σ of the wave is exact
// up to round-off.
template <int Dim>
struct PacketEnvelope {
  wavekin::Lattice<Dim> lattice;
  Eigen::Index cells;
  double epsilon;
  double width;
  Eigen::Matrix<double, Dim, 1> centre;

  std::complex<double> operator()(const Eigen::Matrix<double, Dim, 1>& x) const {
    std::complex<double> sum = 0;
    const Eigen::Index k = (cells / 2 - 1) / 2;
    std::array<Eigen::Index, Dim> delta;
    delta.fill(-k);
    while (true) {
      Eigen::Matrix<double, Dim, 1> theta;
      for (int a = 0; a < Dim; ++a)
        theta[a] = static_cast<double>(delta[static_cast<std::size_t>(a)]) / static_cast<double>(cells);
      const Eigen::Matrix<double, Dim, 1> q = lattice.dual_basis() * theta;
      sum += std::exp(-q.squaredNorm() * width * width / (2 * epsilon * epsilon)) *
             std::polar(1.0, q.dot(x - centre) / epsilon);
      int a = 0;
      while (a < Dim && ++delta[static_cast<std::size_t>(a)] > k) delta[static_cast<std::size_t>(a++)] = -k;
      if (a == Dim) break;
    }
    return sum;
  }
};

}  // namespace wavekin_test
