// wavekin/kinetic/spectral_shift_transport.hpp — free transport ∂_t W + m_0 k·∇_x W = 0
// with constant m_0 solved exactly: a Fourier shift in x for every k.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"

namespace wavekin {

/// \brief The Liouville equation with H = ½ m_0|k|², m_0 constant and V = 0 (the transport
/// part of P2 (3.6) in §4.2.2, where m_0 = 1), solved exactly in time:
/// W(t + dt, x, k) = W(t, x − m_0 k dt, k), by multiplying the x-Fourier coefficients of each
/// k-line by e^{−i ξ·m_0 k dt}.
///
/// Exact for W band-limited in x (spectral accuracy for smooth W), unconditionally stable,
/// no CFL limit (max_stable_dt is infinite). The Nyquist slot is not moved (its shift is
/// ambiguous for real data; NyquistMode::zero), and W stays real (the real part is kept).
/// Mass Σ W is conserved to round-off: the ξ = 0 coefficient is untouched.
/// Cost per step: 2 N_k FFTs of the x-grid.
///
/// \tparam Dim space dimension d
template <int Dim>
requires PositiveDimension<Dim>
class SpectralShiftTransport {
 public:
  using Field = Eigen::VectorXd;
  using Vector = Eigen::Matrix<double, Dim, 1>;

  /// \pre mass finite and > 0.
  SpectralShiftTransport(PhaseSpaceGrid<Dim> grid, double mass, FftOptions fft = {})
      : m_grid(std::move(grid)), m_mass(mass), m_fft(m_grid.x_grid().counts(), fft) {
    require(std::isfinite(mass) && mass > 0,
            "SpectralShiftTransport: m_0 must be finite and > 0, got {}", mass);
    const auto& x = m_grid.x_grid();
    for (int a = 0; a < Dim; ++a)
      m_xi[static_cast<std::size_t>(a)] = x.wavenumbers(a, NyquistMode::zero);
    m_line.resize(static_cast<std::size_t>(x.size()));
  }

  [[nodiscard]] const PhaseSpaceGrid<Dim>& grid() const noexcept { return m_grid; }
  [[nodiscard]] double mass() const noexcept { return m_mass; }
  /// \brief No stability limit: infinity.
  [[nodiscard]] double max_stable_dt(double /*t*/) const noexcept {
    return std::numeric_limits<double>::infinity();
  }

  /// \brief W ← W(x − m_0 k dt, k).
  /// \pre W.size() == grid().size(), W finite, dt and t finite (dt may be negative).
  void step(Field& W, double t, double dt) {
    require(W.size() == m_grid.size(),
            "SpectralShiftTransport::step: W has {} entries, expected {}", W.size(), m_grid.size());
    require(std::isfinite(dt) && std::isfinite(t),
            "SpectralShiftTransport::step: t = {} and dt = {} must be finite", t, dt);
    require_finite(W, "SpectralShiftTransport::step: W");
    const auto& x = m_grid.x_grid();
    const std::ptrdiff_t nx = x.size(), nk = m_grid.k_size();
    const double inv_n = 1.0 / static_cast<double>(nx);
    for (std::ptrdiff_t q = 0; q < nk; ++q) {
      const Vector shift = m_mass * dt * m_grid.k_point(q);
      for (std::ptrdiff_t i = 0; i < nx; ++i) m_line[static_cast<std::size_t>(i)] = W[i * nk + q];
      m_fft.forward(m_line.data());
      // Slot l's multi-index, fastest axis last (PeriodicGrid's row-major order).
      for (std::ptrdiff_t l = 0; l < nx; ++l) {
        double phase = 0;
        std::ptrdiff_t remainder = l;
        for (int a = Dim - 1; a >= 0; --a) {
          const std::ptrdiff_t n = x.count(a);
          phase +=
              m_xi[static_cast<std::size_t>(a)][static_cast<std::size_t>(remainder % n)] * shift[a];
          remainder /= n;
        }
        m_line[static_cast<std::size_t>(l)] *= std::polar(inv_n, -phase);
      }
      m_fft.backward(m_line.data());
      for (std::ptrdiff_t i = 0; i < nx; ++i)
        W[i * nk + q] = m_line[static_cast<std::size_t>(i)].real();
    }
  }

 private:
  PhaseSpaceGrid<Dim> m_grid;
  double m_mass;
  Fft<Dim> m_fft;
  std::array<std::vector<double>, Dim> m_xi;
  std::vector<std::complex<double>> m_line;
};

}  // namespace wavekin
