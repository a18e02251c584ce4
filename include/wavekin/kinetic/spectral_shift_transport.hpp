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

#if defined(WAVEKIN_HAS_OPENMP)
#include <omp.h>
#endif

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
/// ambiguous for real data; NyquistMode::zero), and W stays real (RealFft: only the half
/// spectrum of each real k-line is stored).
/// Mass Σ W is conserved to round-off: the ξ = 0 coefficient is untouched.
/// Cost per step: 2 N_k real FFTs of the x-grid (the k-lines over OpenMP threads when
/// WAVEKIN_HAS_OPENMP and the phase space has at least 2^20 points) and two transpositions of W; the phases e^{−i ξ·m_0 k dt}
/// (N_k × N_x/2 complex numbers) are computed once per distinct dt and reused.
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
    const Eigen::Index nx = m_grid.x_size(), nk = m_grid.k_size();
    const auto spectra = static_cast<Eigen::Index>(m_fft.complex_size());
    if (dt != m_phase_dt) set_phases(dt);
    // The k-lines made contiguous (W is x-major), shifted one by one, put back.
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<RowMajor> w(W.data(), nx, nk);
    m_lines = w.transpose();
    // Threads only pay on large grids: a parallel region costs microseconds (far more when
    // the other cores are busy), a line of a few hundred points less.
    [[maybe_unused]] const bool parallel = m_grid.size() >= parallel_threshold;
    int threads = 1;
#if defined(WAVEKIN_HAS_OPENMP)
    if (parallel) threads = omp_get_max_threads();
#endif
    m_spectrum.resize(static_cast<std::size_t>(threads * spectra));
#if defined(WAVEKIN_HAS_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads) if (parallel)
#endif
    for (Eigen::Index q = 0; q < nk; ++q) {
      int thread = 0;
#if defined(WAVEKIN_HAS_OPENMP)
      thread = omp_get_thread_num();
#endif
      std::complex<double>* line = m_spectrum.data() + thread * spectra;
      m_fft.forward(m_lines.row(q).data(), line);
      const std::complex<double>* phase = m_phases.data() + q * spectra;
      for (Eigen::Index l = 0; l < spectra; ++l) line[l] *= phase[l];
      m_fft.inverse(line, m_lines.row(q).data());
    }
    w = m_lines.transpose();
  }

 private:
  // m_phases[q][l] = e^{−i ξ_l·m_0 k_q dt} on the stored half spectrum (slot l's multi-index
  // fastest axis last, as RealFft's layout), for the dt of the last step.
  void set_phases(double dt) {
    const auto shape = m_fft.complex_counts();
    const auto spectra = static_cast<std::ptrdiff_t>(m_fft.complex_size());
    m_phases.resize(static_cast<std::size_t>(m_grid.k_size() * spectra));
    for (std::ptrdiff_t q = 0; q < m_grid.k_size(); ++q) {
      const Vector shift = m_mass * dt * m_grid.k_point(q);
      for (std::ptrdiff_t l = 0; l < spectra; ++l) {
        double phase = 0;
        std::ptrdiff_t remainder = l;
        for (int a = Dim - 1; a >= 0; --a) {
          const auto n = static_cast<std::ptrdiff_t>(shape[static_cast<std::size_t>(a)]);
          phase +=
              m_xi[static_cast<std::size_t>(a)][static_cast<std::size_t>(remainder % n)] * shift[a];
          remainder /= n;
        }
        m_phases[static_cast<std::size_t>(q * spectra + l)] = std::polar(1.0, -phase);
      }
    }
    m_phase_dt = dt;
  }

  static constexpr std::ptrdiff_t parallel_threshold = std::ptrdiff_t{1} << 20;

  PhaseSpaceGrid<Dim> m_grid;
  double m_mass;
  RealFft<Dim> m_fft;
  std::array<std::vector<double>, Dim> m_xi;
  double m_phase_dt = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::complex<double>> m_phases, m_spectrum;
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m_lines;
};

}  // namespace wavekin
