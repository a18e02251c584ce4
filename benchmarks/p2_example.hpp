// P2 §4.1.2 ex. 1 for the benchmarks that time it: its mass, P2 (4.9), m(t, x) = g(x)·f(t) with
// g = 1 + 0.2 sin 2πx and f = 1 + 0.2 cos 2πt, and its scales, P2 (4.10). No wavekin header:
// revisions/ compiles it against other revisions' headers.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <numbers>

namespace wavekin::bench {

/// g(x) = 1 + 0.2 sin 2πx
inline double p2_example_shape(double x) {
  return 1 + 0.2 * std::sin(2 * std::numbers::pi * x);
}
/// f(t) = 1 + 0.2 cos 2πt
inline double p2_example_pulse(double t) {
  return 1 + 0.2 * std::cos(2 * std::numbers::pi * t);
}

/// P2 (4.10): on the mesh Δx = 2^{−n−2}, ε = 2^{−n} and Δt = 2^{−1.2n−3}.
struct P2Scales {
  double epsilon, dt;
};
inline P2Scales p2_scales(double n) {
  return {std::exp2(-n), std::exp2(-1.2 * n - 3)};
}
/// The same on the unit box of N points (Δx = 1/N: n = log2 N − 2, ε = 4/N).
inline P2Scales p2_unit_box_scales(long points) {
  return p2_scales(std::log2(static_cast<double>(points)) - 2);
}

}  // namespace wavekin::bench
