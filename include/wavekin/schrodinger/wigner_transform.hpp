// wavekin/schrodinger/wigner_transform.hpp — the discrete Wigner transform of a periodic
// wave function on a phase-space grid (1-D, and any dimension on a tensor k grid).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <span>
#include <type_traits>
#include <vector>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"

namespace wavekin {

/// \brief The k-period πε/h of the discrete Wigner transform on `grid`:
/// wigner_transform is periodic in k with this period (see there).
template <RealScalar Scalar>
[[nodiscard]] Scalar wigner_momentum_period(const PeriodicGrid<1, Scalar>& grid, Scalar epsilon) {
  return std::numbers::pi_v<Scalar> * epsilon / grid.spacing(0);
}

/// \brief Discrete Wigner transform of a periodic 1-D wave function,
/// \f[ W^\varepsilon(x,k) = \frac{1}{2\pi}\int e^{+iky}\,u(x-\varepsilon y/2)\,
///     \overline{u(x+\varepsilon y/2)}\,dy \f]
/// (docs/conventions.md: e^{ik₀x/ε} ↦ δ(k − k₀), ∫W dk = |u|²), evaluated at
/// every grid point x_j and every requested k_m.
///
/// Discretisation: the half shifts εy/2 are taken as whole grid steps s h, so
/// y = 2sh/ε, dy = 2h/ε, and the y-integral becomes the trapezoidal sum over
/// one period s = −N/2 … N/2 of the periodic integrand (indices mod N, end
/// points s = ±N/2 weighted ½):
/// \f[ W_{j}(k) = \frac{h}{\pi\varepsilon}\Big[|u_j|^2
///   + 2\,\mathrm{Re}\sum_{s=1}^{N/2-1} e^{2iksh/\varepsilon}u_{j-s}\overline{u_{j+s}}
///   + |u_{j+N/2}|^2\cos(kL/\varepsilon)\Big], \f]
/// real by construction. Consequences:
/// - W is periodic in k with period P = πε/h (wigner_momentum_period). A wave
///   with local wavenumber ξ = k₀/ε appears at k₀ mod P, but the grid carries
///   |ξ| up to π/h, i.e. |k₀| up to P: the transform is free of aliasing only
///   if u's spectrum lies in |k| < P/2 = πε/(2h), half the grid's Nyquist
///   range (the classic factor 2 of the discrete Wigner transform; refine the
///   grid, e.g. by FFT interpolation of u, if it does not).
/// - The trapezoidal y-sum is spectrally accurate when u is smooth on the
///   scale h (the integrand is periodic in y on a periodic grid).
/// - The y-window is one period, |y| ≤ L/ε. A periodic u is its own image at
///   distance L, so at its ends the window pairs u(x − L/2) with u(x + L/2):
///   a packet centred at x₀ leaves a "ghost" centred at x₀ ± L/2, of size up
///   to (h/πε)|u(x₀)|² and decaying in x like the packet itself (e^{−2Aδ²} for
///   |u|² = e^{−2A(x−x₀)²}, δ the distance from x₀ ± L/2). Read W only where
///   the packet is; use a box at least twice the packet's extent.
/// - ∫_P W dk = |u_j|² exactly (to round-off) for the rectangle rule on a
///   uniform grid of K > N/2 points covering one period; k-resolution is
///   whatever the caller asks (the transform is evaluated, not interpolated).
///
/// Cost O(N·K·N/2) (direct sums); allocates the N×K result and a K×N/2 phase
/// table. Output row-major: W[j·K + m] = W(x_j, k_m).
/// \pre u.size() == grid size; u finite; epsilon finite and > 0; every k finite
///      (else invalid_argument naming the value).
template <RealScalar Scalar>
[[nodiscard]] std::vector<Scalar> wigner_transform(
    const PeriodicGrid<1, Scalar>& grid, std::type_identity_t<std::span<const Complex<Scalar>>> u,
    Scalar epsilon, std::type_identity_t<std::span<const Scalar>> k_values) {
  const std::ptrdiff_t n = grid.size();
  require(u.size() == static_cast<std::size_t>(n),
          "wigner_transform: u has {} values, expected {} (grid size)", u.size(), n);
  require(std::isfinite(epsilon) && epsilon > 0,
          "wigner_transform: epsilon must be finite and > 0, got {}", epsilon);
  for (std::size_t j = 0; j < u.size(); ++j)
    require(std::isfinite(u[j].real()) && std::isfinite(u[j].imag()),
            "wigner_transform: u[{}] = ({}, {}) is not finite", j, u[j].real(), u[j].imag());
  for (std::size_t m = 0; m < k_values.size(); ++m)
    require(std::isfinite(k_values[m]), "wigner_transform: k[{}] = {} is not finite", m,
            k_values[m]);

  const std::size_t kcount = k_values.size();
  const std::ptrdiff_t half = n / 2;
  const Scalar h = grid.spacing(0);
  // phase[m][s] = e^{2i k_m s h/ε}, s = 0 … N/2 − 1; the s = N/2 term is a cosine.
  std::vector<Complex<Scalar>> phase(kcount * static_cast<std::size_t>(half));
  std::vector<Scalar> end_weight(kcount);
  for (std::size_t m = 0; m < kcount; ++m) {
    for (std::ptrdiff_t s = 0; s < half; ++s) {
      // The phase in double: k s h/ε reaches ~N·P·h/ε = Nπ, where float loses digits.
      const double angle = 2.0 * static_cast<double>(k_values[m]) * static_cast<double>(s) *
                           static_cast<double>(h) / static_cast<double>(epsilon);
      phase[m * static_cast<std::size_t>(half) + static_cast<std::size_t>(s)] = Complex<Scalar>(
          static_cast<Scalar>(std::cos(angle)), static_cast<Scalar>(std::sin(angle)));
    }
    end_weight[m] = static_cast<Scalar>(
        std::cos(static_cast<double>(k_values[m]) * static_cast<double>(grid.length(0)) /
                 static_cast<double>(epsilon)));
  }

  std::vector<Scalar> w(static_cast<std::size_t>(n) * kcount);
  std::vector<Complex<Scalar>> products(static_cast<std::size_t>(half));
  const Scalar prefactor = h / (std::numbers::pi_v<Scalar> * epsilon);
  auto wrap = [n](std::ptrdiff_t i) { return ((i % n) + n) % n; };
  for (std::ptrdiff_t j = 0; j < n; ++j) {
    for (std::ptrdiff_t s = 1; s < half; ++s)
      products[static_cast<std::size_t>(s)] = u[static_cast<std::size_t>(wrap(j - s))] *
                                              std::conj(u[static_cast<std::size_t>(wrap(j + s))]);
    const Scalar centre = std::norm(u[static_cast<std::size_t>(j)]);
    const Scalar opposite = std::norm(u[static_cast<std::size_t>(wrap(j + half))]);
    for (std::size_t m = 0; m < kcount; ++m) {
      const Complex<Scalar>* row = phase.data() + m * static_cast<std::size_t>(half);
      Scalar sum = 0;
      for (std::ptrdiff_t s = 1; s < half; ++s)
        sum += std::real(row[s] * products[static_cast<std::size_t>(s)]);
      w[static_cast<std::size_t>(j) * kcount + m] =
          prefactor * (centre + 2 * sum + opposite * end_weight[m]);
    }
  }
  return w;
}

/// \brief Discrete Wigner transform in any dimension, on a tensor k grid:
/// \f[ W^\varepsilon(x,k) = (2\pi)^{-d}\int e^{+ik\cdot y}\,u(x-\varepsilon y/2)\,
///     \overline{u(x+\varepsilon y/2)}\,dy, \f]
/// discretised axis by axis exactly as the 1-D wigner_transform (shifts s_a h_a,
/// y_a = 2 s_a h_a/ε, trapezoidal sum over s_a = −N_a/2 … N_a/2 with the end
/// points weighted ½), so it inherits the 1-D notes: period πε/h_a in k_a,
/// aliasing-free only for spectra in |k_a| < πε/(2h_a), ghosts half a box away
/// from a packet along each axis, and ∫W dk = |u|² exactly on uniform k grids
/// of K_a > N_a/2 points over one period per axis (wigner_momentum_grid on
/// the axis' 1-D grid). For Dim = 1 it equals the 1-D overload to round-off.
///
/// Output row-major over (x, k): W[j·K + m], j the grid's flat index and m the
/// row-major index of (k_0[m_0], …, k_{Dim−1}[m_{Dim−1}]), K = Π K_a.
/// Cost per grid point: the window of Π(N_a + 1) products, contracted one axis
/// at a time against per-axis phase tables, O(Σ_a (Π_{b≤a} K_b)(Π_{b≥a}(N_b + 1)));
/// allocates the result and O(Π(N_a + 1) + K) work space.
/// \pre u.size() == grid size; u finite; epsilon finite and > 0; every k_a
///      non-empty with finite entries (else invalid_argument naming the value).
template <int Dim, RealScalar Scalar>
requires PositiveDimension<Dim>
[[nodiscard]] std::vector<Scalar> wigner_transform(
    const PeriodicGrid<Dim, Scalar>& grid, std::type_identity_t<std::span<const Complex<Scalar>>> u,
    Scalar epsilon, const std::type_identity_t<std::array<std::vector<Scalar>, Dim>>& k_axes) {
  using complex_type = Complex<Scalar>;
  const auto n = static_cast<std::size_t>(grid.size());
  require(u.size() == n, "wigner_transform: u has {} values, expected {} (grid size)", u.size(), n);
  require(std::isfinite(epsilon) && epsilon > 0,
          "wigner_transform: epsilon must be finite and > 0, got {}", epsilon);
  for (std::size_t j = 0; j < u.size(); ++j)
    require(std::isfinite(u[j].real()) && std::isfinite(u[j].imag()),
            "wigner_transform: u[{}] = ({}, {}) is not finite", j, u[j].real(), u[j].imag());

  // Per axis: window size M_a = N_a + 1 (s_a = −N_a/2 … N_a/2) and the phase
  // table e^{2i k s h/ε}, with the trapezoid's ½ folded into the end columns.
  std::array<std::size_t, Dim> window{}, kcount{};
  std::array<std::vector<complex_type>, Dim> phase;
  std::size_t window_size = 1, k_total = 1;
  for (int a = 0; a < Dim; ++a) {
    const auto ax = static_cast<std::size_t>(a);
    const auto& ks = k_axes[ax];
    require(!ks.empty(), "wigner_transform: the k grid of axis {} is empty", a);
    for (std::size_t m = 0; m < ks.size(); ++m)
      require(std::isfinite(ks[m]), "wigner_transform: k[{}][{}] = {} is not finite", a, m, ks[m]);
    const std::ptrdiff_t half = grid.count(a) / 2;
    window[ax] = static_cast<std::size_t>(2 * half + 1);
    kcount[ax] = ks.size();
    window_size *= window[ax];
    k_total *= kcount[ax];
    phase[ax].resize(kcount[ax] * window[ax]);
    const double h = static_cast<double>(grid.spacing(a));
    for (std::size_t m = 0; m < kcount[ax]; ++m)
      for (std::ptrdiff_t s = -half; s <= half; ++s) {
        const double angle = 2.0 * static_cast<double>(ks[m]) * static_cast<double>(s) * h /
                             static_cast<double>(epsilon);
        const double weight = (s == -half || s == half) ? 0.5 : 1.0;
        phase[ax][m * window[ax] + static_cast<std::size_t>(s + half)] =
            complex_type(static_cast<Scalar>(weight * std::cos(angle)),
                         static_cast<Scalar>(weight * std::sin(angle)));
      }
  }
  Scalar prefactor = 1;
  for (int a = 0; a < Dim; ++a)
    prefactor *= grid.spacing(a) / (std::numbers::pi_v<Scalar> * epsilon);

  // Work arrays sized for the largest intermediate tensor of the contraction.
  std::size_t largest = window_size;
  {
    std::size_t done = 1, rest = window_size;
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
      rest /= window[a];
      done *= kcount[a];
      largest = std::max(largest, done * rest);
    }
  }
  std::vector<complex_type> current(largest), next(largest);
  std::vector<Scalar> w(n * k_total);
  const auto& counts = grid.counts();
  const auto& strides = grid.strides();
  std::array<std::ptrdiff_t, Dim> j_index{}, s_index{};
  for (std::size_t j = 0; j < n; ++j) {
    // j's multi-index (row-major).
    {
      std::size_t rest = j;
      for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
        j_index[a] = static_cast<std::ptrdiff_t>(rest) / strides[a];
        rest -= static_cast<std::size_t>(j_index[a] * strides[a]);
      }
    }
    // Products u_{j−s} conj u_{j+s} over the window, row-major in s.
    for (std::size_t t = 0; t < window_size; ++t) {
      std::size_t rest = t;
      std::ptrdiff_t minus = 0, plus = 0;
      for (int a = Dim - 1; a >= 0; --a) {
        const auto ax = static_cast<std::size_t>(a);
        const auto slot = static_cast<std::ptrdiff_t>(rest % window[ax]);
        rest /= window[ax];
        s_index[ax] = slot - counts[ax] / 2;
        const std::ptrdiff_t nn = counts[ax];
        minus += (((j_index[ax] - s_index[ax]) % nn + nn) % nn) * strides[ax];
        plus += (((j_index[ax] + s_index[ax]) % nn + nn) % nn) * strides[ax];
      }
      current[t] =
          u[static_cast<std::size_t>(minus)] * std::conj(u[static_cast<std::size_t>(plus)]);
    }
    // Contract axis by axis: (A, M_a, B) → (A, K_a, B).
    std::size_t outer = 1, inner = window_size;
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
      inner /= window[a];
      const complex_type* table = phase[a].data();
      for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t m = 0; m < kcount[a]; ++m) {
          complex_type* target = next.data() + (o * kcount[a] + m) * inner;
          std::fill(target, target + inner, complex_type(0));
          for (std::size_t s = 0; s < window[a]; ++s) {
            const complex_type factor = table[m * window[a] + s];
            const complex_type* source = current.data() + (o * window[a] + s) * inner;
            for (std::size_t i = 0; i < inner; ++i) target[i] += factor * source[i];
          }
        }
      outer *= kcount[a];
      current.swap(next);
    }
    for (std::size_t m = 0; m < k_total; ++m) w[j * k_total + m] = prefactor * current[m].real();
  }
  return w;
}

/// \brief A uniform k grid of `count` points covering one Wigner period
/// [centre − P/2, centre + P/2), P = wigner_momentum_period(grid, ε), spacing
/// P/count: with count > N/2 the rectangle rule over it integrates W exactly.
/// \pre count >= 1; epsilon > 0; centre finite.
template <RealScalar Scalar>
[[nodiscard]] std::vector<Scalar> wigner_momentum_grid(const PeriodicGrid<1, Scalar>& grid,
                                                       Scalar epsilon, std::ptrdiff_t count,
                                                       Scalar centre = Scalar(0)) {
  require(count >= 1, "wigner_momentum_grid: count must be >= 1, got {}", count);
  require(std::isfinite(epsilon) && epsilon > 0,
          "wigner_momentum_grid: epsilon must be finite and > 0, got {}", epsilon);
  require(std::isfinite(centre), "wigner_momentum_grid: centre must be finite, got {}", centre);
  const Scalar period = wigner_momentum_period(grid, epsilon);
  std::vector<Scalar> k(static_cast<std::size_t>(count));
  for (std::ptrdiff_t m = 0; m < count; ++m)
    k[static_cast<std::size_t>(m)] =
        centre - period / 2 + period * static_cast<Scalar>(m) / static_cast<Scalar>(count);
  return k;
}

}  // namespace wavekin
