// examples/vmse_liouville/p2_examples.hpp — the two set-ups of P2 §4.1.2 that vmse_liouville
// runs: the packet (P2 (4.2), (4.4)), the time-dependent mass of example 1 (P2 (4.9)) and the
// resonant tunnelling diode of example 2 (P2 (4.12)–(4.13)), with the gradients the Liouville
// limit needs.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <functional>
#include <numbers>
#include <string>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"

namespace wavekin::examples::vmse_liouville {

inline constexpr double pi = std::numbers::pi;

// The packet of P2 (4.2), (4.4), shared by both examples.
inline constexpr double packet_A = 128.0;
inline constexpr double packet_x0 = 0.25;
inline constexpr double packet_p0 = 1.0;

// One of P2 §4.1.2's two set-ups: box, final time, Δt law and coefficients.
struct Example {
  int id = 0;
  std::string name;
  double length = 0;
  double final_time = 0;
  double dt_exponent_rate = 0;  // Δt = 2^{−rate·n−3}
  std::function<double(double, double)> mass, mass_gradient, potential, potential_gradient;
};

// The smooth bump b(x) = exp(2^−6 (4/0.25² − 1/((c − x)(x − a)))) on (a, c),
// c = a + 0.25, of P2 (4.12)–(4.13): 1 at the centre, C^∞-flat at the ends.
inline double bump(double x, double a) {
  const double c = a + 0.25;
  if (x <= a || x >= c) return 0;
  const double g = (c - x) * (x - a);
  return std::exp(std::ldexp(4 / (0.25 * 0.25) - 1 / g, -6));
}
// b'(x) = b(x) 2^−6 g'(x)/g(x)², g' = a + c − 2x.
inline double bump_derivative(double x, double a) {
  const double c = a + 0.25;
  if (x <= a || x >= c) return 0;
  const double g = (c - x) * (x - a);
  return bump(x, a) * std::ldexp((a + c - 2 * x) / (g * g), -6);
}

// Both bumps of the diode, the argument wrapped into the box [0, 2).
inline double diode_profile(double x) {
  const double y = x - 2 * std::floor(x / 2);
  return bump(y, 0.5) + bump(y, 1.0);
}
inline double diode_profile_derivative(double x) {
  const double y = x - 2 * std::floor(x / 2);
  return bump_derivative(y, 0.5) + bump_derivative(y, 1.0);
}

inline Example make_example(int id) {
  Example e;
  e.id = id;
  if (id == 1) {
    e.name = "time-dependent mass (P2 (4.9))";
    e.length = 1.25;
    e.final_time = 0.5;
    e.dt_exponent_rate = 1.2;
    e.mass = [](double t, double x) {
      return (1 + 0.2 * std::sin(2 * pi * x)) * (1 + 0.2 * std::cos(2 * pi * t));
    };
    e.mass_gradient = [](double t, double x) {
      return 0.4 * pi * std::cos(2 * pi * x) * (1 + 0.2 * std::cos(2 * pi * t));
    };
    e.potential = [](double, double) { return 0.0; };
    e.potential_gradient = [](double, double) { return 0.0; };
  } else if (id == 2) {
    e.name = "resonant tunnelling diode (P2 (4.12)-(4.13))";
    e.length = 2.0;
    e.final_time = 0.5;
    e.dt_exponent_rate = 1.5;
    e.mass = [](double, double x) { return 1 - 0.5 * diode_profile(x); };
    e.mass_gradient = [](double, double x) { return -0.5 * diode_profile_derivative(x); };
    e.potential = [](double, double x) { return diode_profile(x); };
    e.potential_gradient = [](double, double x) { return diode_profile_derivative(x); };
  } else {
    throw invalid_argument(fmt::format("vmse_liouville: --examples takes 1 and 2, got {}", id));
  }
  return e;
}

inline double initial_density(double x) {
  return std::exp(-2 * packet_A * (x - packet_x0) * (x - packet_x0));
}

}  // namespace wavekin::examples::vmse_liouville
