// Shared helpers of the random module's tests: the exact standard error of averaged Gaussian
// product estimators (Isserlis), bitwise equality of running statistics, and the quadrature of
// tests/support/quadrature.hpp.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <numbers>
#include <utility>
#include <vector>

#include "wavekin/random/running_statistics.hpp"
#include "quadrature.hpp"

namespace wavekin_test {

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
