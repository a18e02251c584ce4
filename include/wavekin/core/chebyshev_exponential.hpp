// wavekin/core/chebyshev_exponential.hpp — the Chebyshev series of e^{−izx} on [−1, 1]: the
// coefficients that turn a Hermitian operator's spectral bounds into its exponential.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>

#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief The coefficients c_k of the Chebyshev (Jacobi–Anger) expansion
/// \f[ e^{-izx} = \sum_{k\ge 0} c_k T_k(x), \qquad c_k = (2 - \delta_{k0})(-i)^k J_k(z),
///     \qquad x \in [-1, 1], \f]
/// truncated after the last k with |J_k(z)| > tolerance (the dropped tail is then below
/// ~2·tolerance uniformly in x, because |T_k| ≤ 1 there and J_k(z) decays faster than
/// geometrically once k > |z|). For a Hermitian operator A with spectrum in [c − r, c + r],
/// e^{−iτA} v = e^{−iτc} Σ_k c_k(τr) T_k((A − c)/r) v, evaluated (MagnusSpectral) with Clenshaw's
/// backward recurrence b_k = c_k v + 2X b_{k+1} − b_{k+2}, sum c_0 v + X b_1 − b_2 (X = (A − c)/r):
/// one application of A per term, and about |z| + O(|z|^{1/3} + log(1/tolerance)) terms, so the
/// cost grows linearly in the step and never becomes unstable.
///
/// J_k(z) comes from Miller's backward recurrence J_{k−1} = (2k/z) J_k − J_{k+1}, started well
/// past the turning point k = |z| (at |z| + 12|z|^{1/3} + 40, where J_k(z) < 1e-30), and
/// normalised by J_0 + 2Σ_{k≥1} J_{2k} = 1; accurate to a few units of round-off for any z.
///
/// \param z         τr, finite (any sign: J_k(−z) = (−1)^k J_k(z))
/// \param tolerance finite and in (0, 1)
/// \return c_0, …, c_K (at least one coefficient; for z = 0 just {1})
inline std::vector<std::complex<double>> chebyshev_exponential_coefficients(double z,
                                                                            double tolerance) {
  require(std::isfinite(z), "chebyshev_exponential_coefficients: z = {} is not finite", z);
  require(std::isfinite(tolerance) && tolerance > 0 && tolerance < 1,
          "chebyshev_exponential_coefficients: tolerance must be in (0, 1), got {}", tolerance);
  const double a = std::abs(z);
  if (a == 0) return {std::complex<double>(1, 0)};
  const auto top = static_cast<std::size_t>(std::ceil(a + 12 * std::cbrt(a) + 40));
  std::vector<double> j(top + 2, 0.0);
  j[top] = 1e-300;
  double norm = 0;  // J_0 + 2 Σ J_{2k} of the unnormalised sequence
  for (std::size_t k = top; k >= 1; --k) {
    j[k - 1] = (2.0 * static_cast<double>(k) / a) * j[k] - j[k + 1];
    if (std::abs(j[k - 1]) > 1e250) {  // rescale: the backward recurrence grows fast
      for (std::size_t l = k - 1; l <= top; ++l) j[l] *= 1e-250;
      norm *= 1e-250;
    }
    if ((k - 1) % 2 == 0 && k - 1 > 0) norm += 2 * j[k - 1];
  }
  norm += j[0];
  std::size_t last = 0;
  for (std::size_t k = 0; k <= top; ++k) {
    j[k] /= norm;
    if (std::abs(j[k]) > tolerance) last = k;
  }
  std::vector<std::complex<double>> c(last + 1);
  // (−i)^k cycles 1, −i, −1, i; J_k(−z) = (−1)^k J_k(z).
  const std::complex<double> phase[4] = {{1, 0}, {0, -1}, {-1, 0}, {0, 1}};
  for (std::size_t k = 0; k <= last; ++k) {
    const double sign = (z < 0 && k % 2 == 1) ? -1.0 : 1.0;
    c[k] = (k == 0 ? 1.0 : 2.0) * sign * j[k] * phase[k % 4];
  }
  return c;
}

}  // namespace wavekin
