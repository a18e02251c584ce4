// wavekin/bloch/crossing.hpp — locate a band crossing p* and fit E_{1,2} = E_* ∓ λ♯|p − p*|^r (P1
// (3.21), (5.1)). SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

/// \brief The Dirac points K = (e^1 − e^2)/3 and K' = −K of a 2D lattice
/// with the honeycomb sites of HoneycombWells (see Lattice::triangular).
template <RealScalar Scalar>
std::array<Eigen::Matrix<Scalar, 2, 1>, 2> dirac_points(const Lattice<2, Scalar>& lattice) {
  const Eigen::Matrix<Scalar, 2, 1> k =
      (lattice.dual_vector(0) - lattice.dual_vector(1)) / Scalar(3);
  return {k, Eigen::Matrix<Scalar, 2, 1>(-k)};
}

/// \brief Controls of locate_crossing.
struct CrossingOptions {
  /// Stop when the search simplex is smaller than this (in k units).
  double tolerance = 1e-9;
  /// Maximum number of band-gap evaluations (one solve each).
  int max_evaluations = 4000;
  /// Size of the initial simplex around the guess.
  double initial_step = 0.05;
  /// Radius ρ of the fit of r and λ♯ (the second radius is ρ/2).
  double fit_radius = 1e-3;
};

/// \brief A located crossing of bands `lower_band` and `lower_band + 1`:
/// \f$E_{1,2}(p) = E_* \mp \lambda^\sharp |p - p^*|^r + o(|p-p^*|^r)\f$ (P1 (3.21), (5.1)).
template <int Dim, RealScalar Scalar = double>
struct Crossing {
  Eigen::Matrix<Scalar, Dim, 1> point;  ///< p*
  Scalar energy;                        ///< E_* = ½(E_1 + E_2)(p*)
  Scalar gap;         ///< E_2 − E_1 at p* (0 for a true crossing, up to the search tolerance)
  Scalar order;       ///< r, fitted (1: conical, 2: quadratic)
  Scalar slope;       ///< λ♯, averaged over 2·Dim directions (an anisotropic cone has a
                      ///< direction-dependent λ♯)
  Scalar anisotropy;  ///< (max − min)/mean of the directional λ♯
  int evaluations;    ///< band-gap evaluations used
};

/// \brief Order r and slope λ♯ of a crossing along one direction.
template <RealScalar Scalar>
struct DirectionalFit {
  Scalar order;  ///< r = log₂(g(ρ)/g(ρ/2))
  Scalar slope;  ///< λ♯ = g(ρ)/ρ^r, in energy / k^r
};

/// \brief Fits r and λ♯ of P1 (3.21), (5.1),
/// \f$E_{1,2}(p^* + t\,\hat u) = E_* \mp \lambda^\sharp t^r + o(t^r)\f$, along the
/// unit direction û = direction/|direction| from the half-gap
/// g(t) = ½(E_{n+1} − E_n)(p* + tû) at t = ρ and ρ/2: r = log₂(g(ρ)/g(ρ/2)),
/// λ♯ = g(ρ)/ρ^r. Two solves. An anisotropic crossing (λ♯ depending on û,
/// e.g. the quadratic touching of a C₄-symmetric square lattice at M) is
/// characterised by fits along several directions; r is the same along all
/// of them when the leading term is homogeneous of degree r.
/// The error is O(ρ) relative (the next order of the expansion) plus
/// ε_machine·|E|/g(ρ/2) from rounding: choose ρ so that g(ρ/2) ≫ 1e-16·|E|.
/// \pre p_star finite; direction non-zero; radius > 0; lower_band >= 0.
template <class Solver, int Dim, RealScalar Scalar>
DirectionalFit<Scalar> fit_crossing_order(const Solver& solver,
                                          const Eigen::Matrix<Scalar, Dim, 1>& p_star,
                                          Eigen::Index lower_band,
                                          const Eigen::Matrix<Scalar, Dim, 1>& direction,
                                          double radius) {
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  require(lower_band >= 0, "fit_crossing_order: lower_band = {} must be >= 0", lower_band);
  require(std::isfinite(radius) && radius > 0, "fit_crossing_order: radius {} must be > 0",
          radius);
  const Scalar length = direction.norm();
  require(std::isfinite(length) && length > 0,
          "fit_crossing_order: the direction must be finite and non-zero (|u| = {})", length);
  const Vector u = direction / length;
  const Scalar rho = Scalar(radius);
  auto half_gap = [&](Scalar t) {
    const auto e = solver.solve(Vector(p_star + t * u), lower_band + 2).energies;
    return (e[lower_band + 1] - e[lower_band]) / 2;
  };
  const Scalar g1 = half_gap(rho);
  const Scalar g2 = half_gap(rho / 2);
  const Scalar r = std::log2(g1 / g2);
  return {r, g1 / std::pow(rho, r)};
}

/// \brief Finds the point p* near `guess` where bands `lower_band` and
/// `lower_band + 1` meet, by Nelder–Mead minimisation of the gap
/// E_{n+1}(p) − E_n(p) (derivative-free: at a conical point the gap is not
/// differentiable), then fits r and λ♯ from the half-gap at radii ρ and ρ/2
/// along the Cartesian axes ±e_i (fit_crossing_order): r = log₂(g(ρ)/g(ρ/2)),
/// λ♯ = g(ρ)/ρ^r, both averaged over the 2·Dim directions. The axes sample
/// only 2·Dim directions: a crossing whose λ♯ varies between the axes and the
/// diagonals (quadratic touchings usually do) needs fit_crossing_order along
/// the directions of interest. Nelder–Mead stops where the gap sinks into
/// rounding, so for r = 2 p* is found only to √(ε_machine |E| / λ♯).
/// \pre guess finite; lower_band >= 0; options positive.
/// \throws convergence_error if the simplex does not shrink below the
/// tolerance within max_evaluations (message: evaluations and gap reached).
template <class Solver, int Dim, RealScalar Scalar>
Crossing<Dim, Scalar> locate_crossing(const Solver& solver,
                                      const Eigen::Matrix<Scalar, Dim, 1>& guess,
                                      Eigen::Index lower_band,
                                      const CrossingOptions& options = {}) {
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  require(lower_band >= 0, "locate_crossing: lower_band = {} must be >= 0", lower_band);
  require(std::isfinite(options.tolerance) && options.tolerance > 0 &&
              std::isfinite(options.initial_step) && options.initial_step > 0 &&
              std::isfinite(options.fit_radius) && options.fit_radius > 0 &&
              options.max_evaluations > 0,
          "locate_crossing: tolerance {}, initial_step {}, fit_radius {} and max_evaluations {} "
          "must be finite and > 0",
          options.tolerance, options.initial_step, options.fit_radius, options.max_evaluations);
  int evaluations = 0;
  auto energies = [&](const Vector& p) {
    ++evaluations;
    return solver.solve(p, lower_band + 2).energies;
  };
  auto gap = [&](const Vector& p) {
    const auto e = energies(p);
    return e[lower_band + 1] - e[lower_band];
  };
  // Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½).
  std::vector<Vector> x(Dim + 1, guess);
  std::vector<Scalar> f(Dim + 1);
  for (int i = 0; i < Dim; ++i)
    x[static_cast<std::size_t>(i + 1)][i] += Scalar(options.initial_step);
  for (int i = 0; i <= Dim; ++i)
    f[static_cast<std::size_t>(i)] = gap(x[static_cast<std::size_t>(i)]);
  auto diameter = [&] {
    Scalar d = 0;
    for (int i = 1; i <= Dim; ++i) d = std::max(d, (x[static_cast<std::size_t>(i)] - x[0]).norm());
    return d;
  };
  while (diameter() > Scalar(options.tolerance)) {
    if (evaluations >= options.max_evaluations) {
      throw convergence_error(fmt::format(
          "locate_crossing: no convergence after {} evaluations (simplex size {:.3g}, gap {:.3g})",
          evaluations, diameter(), *std::min_element(f.begin(), f.end())));
    }
    std::vector<int> order(Dim + 1);
    for (int i = 0; i <= Dim; ++i) order[static_cast<std::size_t>(i)] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      return f[static_cast<std::size_t>(a)] < f[static_cast<std::size_t>(b)];
    });
    std::vector<Vector> xs;
    std::vector<Scalar> fs;
    for (int i : order) {
      xs.push_back(x[static_cast<std::size_t>(i)]);
      fs.push_back(f[static_cast<std::size_t>(i)]);
    }
    x = xs;
    f = fs;
    Vector centroid = Vector::Zero();
    for (int i = 0; i < Dim; ++i) centroid += x[static_cast<std::size_t>(i)];
    centroid /= Scalar(Dim);
    const Vector reflected = centroid + (centroid - x[Dim]);
    const Scalar fr = gap(reflected);
    if (fr < f[0]) {
      const Vector expanded = centroid + 2 * (centroid - x[Dim]);
      const Scalar fe = gap(expanded);
      if (fe < fr) {
        x[Dim] = expanded;
        f[Dim] = fe;
      } else {
        x[Dim] = reflected;
        f[Dim] = fr;
      }
    } else if (fr < f[Dim - 1]) {
      x[Dim] = reflected;
      f[Dim] = fr;
    } else {
      const Vector contracted = centroid + Scalar(0.5) * (x[Dim] - centroid);
      const Scalar fc = gap(contracted);
      if (fc < f[Dim]) {
        x[Dim] = contracted;
        f[Dim] = fc;
      } else {
        for (int i = 1; i <= Dim; ++i) {
          x[static_cast<std::size_t>(i)] =
              x[0] + Scalar(0.5) * (x[static_cast<std::size_t>(i)] - x[0]);
          f[static_cast<std::size_t>(i)] = gap(x[static_cast<std::size_t>(i)]);
        }
      }
    }
  }
  const auto best = static_cast<std::size_t>(std::min_element(f.begin(), f.end()) - f.begin());
  Crossing<Dim, Scalar> out;
  out.point = x[best];
  const auto e_star = energies(out.point);
  out.energy = (e_star[lower_band] + e_star[lower_band + 1]) / 2;
  out.gap = e_star[lower_band + 1] - e_star[lower_band];
  // Fit r and λ♯ along ±e_i at radii ρ and ρ/2.
  Scalar sum_order = 0, sum_slope = 0, smin = 0, smax = 0;
  int directions = 0;
  for (int i = 0; i < Dim; ++i)
    for (const Scalar sign : {Scalar(1), Scalar(-1)}) {
      Vector dir = Vector::Zero();
      dir[i] = sign;
      const auto fit = fit_crossing_order(solver, out.point, lower_band, dir, options.fit_radius);
      evaluations += 2;
      sum_order += fit.order;
      sum_slope += fit.slope;
      smin = directions == 0 ? fit.slope : std::min(smin, fit.slope);
      smax = directions == 0 ? fit.slope : std::max(smax, fit.slope);
      ++directions;
    }
  out.order = sum_order / Scalar(directions);
  out.slope = sum_slope / Scalar(directions);
  out.anisotropy = (smax - smin) / out.slope;
  out.evaluations = evaluations;
  return out;
}

}  // namespace wavekin
