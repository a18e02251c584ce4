// Shared helpers of the random module's tests: composite Gauss–Legendre quadrature, the
// exact standard error of averaged Gaussian product estimators (Isserlis), and bitwise
// equality of running statistics.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <numbers>
#include <utility>
#include <vector>

#include "wavekin/random/running_statistics.hpp"

namespace wavekin_test {

// Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1] (Newton on P_n).
inline std::vector<std::pair<double, double>> gauss_legendre(int n) {
  std::vector<std::pair<double, double>> rule;
  for (int i = 0; i < n; ++i) {
    double x = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5));
    double derivative = 1;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1, p1 = x;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = n * (x * p1 - p0) / (x * x - 1);
      const double step = p1 / derivative;
      x -= step;
      if (std::abs(step) < 1e-16) break;
    }
    rule.emplace_back(x, 2 / ((1 - x * x) * derivative * derivative));
  }
  return rule;
}

// ∫_lo^hi f by `panels` equal panels of the 20-point Gauss–Legendre rule.
template <class F>
double integrate(F&& f, double lo, double hi, int panels) {
  static const auto rule = gauss_legendre(20);
  const double h = (hi - lo) / panels;
  double sum = 0;
  for (int p = 0; p < panels; ++p) {
    const double mid = lo + (p + 0.5) * h;
    for (const auto& [x, w] : rule) sum += w * f(mid + 0.5 * h * x);
  }
  return 0.5 * h * sum;
}

// Variance of one draw of the estimator (1/K) Σ_k X_{a_k} X_{b_k} of E[X_a X_b] for a
// centred Gaussian vector X with covariance C (Isserlis: Cov(X_aX_b, X_cX_d) =
// C_ac C_bd + C_ad C_bc). Averaging N independent draws divides it by N.
template <class Point, class Covariance>
double product_estimator_variance(const std::vector<std::pair<Point, Point>>& pairs,
                                  Covariance&& covariance) {
  double sum = 0;
  for (const auto& [a, b] : pairs)
    for (const auto& [c, d] : pairs)
      sum += covariance(a, c) * covariance(b, d) + covariance(a, d) * covariance(b, c);
  const auto k = static_cast<double>(pairs.size());
  return sum / (k * k);
}

// True when a and b hold the same statistics bit for bit (their serialized arrays).
inline bool same_bits(const wavekin::RunningStatistics& a, const wavekin::RunningStatistics& b) {
  const auto x = a.serialize();
  const auto y = b.serialize();
  // memcmp on an empty array's null data() is undefined behaviour: compare sizes first.
  return x.size() == y.size() &&
         (x.size() == 0 || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
}

}  // namespace wavekin_test
