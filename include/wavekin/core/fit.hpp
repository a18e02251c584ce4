// wavekin/core/fit.hpp — least-squares straight lines, and the slopes of log–log and log–linear
// plots that convergence studies and decay rates read off (orders, exponents, rates).
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief A least-squares line y ≈ intercept + slope·x over `points` samples.
struct LinearFit {
  double slope = std::numeric_limits<double>::quiet_NaN();
  double intercept = std::numeric_limits<double>::quiet_NaN();
  std::size_t points = 0;
};

/// \brief The least-squares line through (x_i, y_i): slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², from the
/// centred sums (no cancellation between Σx² and (Σx)² when the x are close together).
///
/// Fewer than two points, or all x equal, give NaN slope and intercept (no line is defined):
/// a study that has not yet sampled two resolutions reports NaN, it does not fail.
/// \pre x.size() == y.size() (else invalid_argument). Cost O(n).
inline LinearFit least_squares_line(std::span<const double> x, std::span<const double> y) {
  require(x.size() == y.size(), "least_squares_line: {} abscissae but {} ordinates", x.size(),
          y.size());
  LinearFit fit;
  fit.points = x.size();
  if (x.size() < 2) return fit;
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n;
  my /= n;
  double cov = 0, var = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    cov += (x[i] - mx) * (y[i] - my);
    var += (x[i] - mx) * (x[i] - mx);
  }
  if (var == 0) return fit;
  fit.slope = cov / var;
  fit.intercept = my - fit.slope * mx;
  return fit;
}

/// \brief The least-squares slope of log y against log x: the exponent p of y ≈ C x^p, e.g. a
/// measured convergence order. Pairs with x ≤ 0 or y ≤ 0 (no logarithm; an error that reached
/// exactly 0) are left out; NaN if fewer than two remain.
/// \pre x.size() == y.size().
inline double log_log_slope(std::span<const double> x, std::span<const double> y) {
  require(x.size() == y.size(), "log_log_slope: {} abscissae but {} ordinates", x.size(), y.size());
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i] > 0 && y[i] > 0) lx.push_back(std::log(x[i])), ly.push_back(std::log(y[i]));
  return least_squares_line(lx, ly).slope;
}

/// \brief The least-squares slope of log y against t: the rate −γ of y ≈ C e^{−γt}. Pairs with
/// y ≤ floor are left out (floor ≥ 0: a noise level below which the decay is not resolved);
/// NaN if fewer than two remain.
/// \pre t.size() == y.size().
inline double log_linear_slope(std::span<const double> t, std::span<const double> y,
                               double floor = 0) {
  require(t.size() == y.size(), "log_linear_slope: {} abscissae but {} ordinates", t.size(),
          y.size());
  std::vector<double> lt, ly;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (y[i] > floor && y[i] > 0) lt.push_back(t[i]), ly.push_back(std::log(y[i]));
  return least_squares_line(lt, ly).slope;
}

}  // namespace wavekin
