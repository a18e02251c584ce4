// Composite Gauss–Legendre quadrature shared by the test executables (random, core).
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

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

}  // namespace wavekin_test
