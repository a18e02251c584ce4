// P2 §4.1.2 ex. 1's mass, P2 (4.9): m(t, x) = g(x)·f(t) with g = 1 + 0.2 sin 2πx and
// f = 1 + 0.2 cos 2πt, for the benchmarks that time P2's example (bench_time_to_accuracy,
// revisions/propagators.cpp). No wavekin header: revisions/ compiles it against other
// revisions' headers.
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

}  // namespace wavekin::bench
