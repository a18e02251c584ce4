// wavekin/core/integrate_to_tolerance.hpp — the time loop with step-size control: ask for an
// accuracy, not a Δt (step doubling with a Richardson error estimate, over any stepper).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <iterator>
#include <type_traits>
#include <utility>

#include "wavekin/core/error.hpp"
#include "wavekin/core/integrate.hpp"

namespace wavekin {

/// \brief What integrate_to_tolerance aims at and how it may change the step.
struct ToleranceOptions {
  /// \brief The global error asked for, in the units of the distance (> 0): each step's estimated
  /// local error is kept below tolerance·Δt/(t1 − t0), so the errors of all steps add up to at
  /// most `tolerance` if they do not cancel.
  double tolerance = 1e-6;
  /// \brief The stepper's order p (>= 1): the estimate is |Φ_Δt − Φ_{Δt/2}∘Φ_{Δt/2}|/(2^p − 1).
  int order = 2;
  /// \brief The first step tried (> 0; clipped to t1 − t0).
  double initial_dt = 1e-2;
  /// \brief New step = Δt · clamp(safety·(allowed/estimate)^{1/(p+1)}, min_factor, max_factor).
  double safety = 0.9, min_factor = 0.2, max_factor = 4.0;
  /// \brief Attempts (accepted + rejected) before convergence_error (>= 1).
  std::int64_t max_attempts = 10'000'000;
};

/// \brief What integrate_to_tolerance did.
struct ToleranceReport {
  std::int64_t accepted = 0, rejected = 0;
  /// \brief Stepper calls: three per attempt (one step of Δt, two of Δt/2).
  std::int64_t stepper_calls = 0;
  /// \brief The sum of the accepted steps' error estimates (an estimate of the global error if
  /// the local errors do not cancel), and the last accepted step.
  double estimated_error = 0, last_dt = 0;
};

/// \brief The relative L² difference ‖a − b‖/‖b‖ of two states stored as ranges of real or
/// complex numbers (a wave function on a grid): the default distance of integrate_to_tolerance.
struct RelativeL2Distance {
  template <class Range>
  double operator()(const Range& a, const Range& b) const {
    double difference = 0, norm = 0;
    auto j = std::begin(b);
    for (auto i = std::begin(a); i != std::end(a); ++i, ++j) {
      difference += std::norm(std::complex<double>(*i) - std::complex<double>(*j));
      norm += std::norm(std::complex<double>(*j));
    }
    return norm > 0 ? std::sqrt(difference / norm) : std::sqrt(difference);
  }
};

/// \brief Integrates from t0 to t1 with the step chosen for a requested accuracy. Each attempt
/// from (u, t) with step Δt computes u₁ = Φ_Δt u and u₂ = Φ_{Δt/2}Φ_{Δt/2} u; for a stepper of
/// order p, u₁ − u₂ = (2^p − 1)·(local error of u₂) + O(Δt^{p+2}) (Richardson), so
/// e = distance(u₁, u₂)/(2^p − 1) estimates u₂'s local error. The attempt is accepted, and u₂
/// kept (not extrapolated, so a unitary stepper's invariants are kept), when
/// e ≤ tolerance·Δt/(t1 − t0); the next Δt scales with (allowed/e)^{1/(p+1)}, within
/// [min_factor, max_factor] times the last one (at most 1 after a rejection), and the last step
/// lands on t1 exactly.
/// observer(state, t, k) is called at t0 (k = 0) and after every accepted step.
///
/// Works with any Stepper whose State is copyable (a std::vector wave function) and whose order
/// is known: CrankNicolsonSpectral (2), MagnusSpectral (4), SymmetricComposition (its scheme's).
/// A step's coefficients must be defined on [t, t + Δt] for every Δt tried. Cost: three stepper
/// calls per attempt, 1.5× the cost of the accepted half steps; worth it when the right Δt is not
/// known in advance (a coefficient whose time scale changes along the run, a new problem).
/// \pre t0, t1 finite, t1 >= t0; options as documented (invalid_argument naming the value).
/// \throws convergence_error after max_attempts, or when Δt underflows below 1e-14·(t1 − t0).
template <class State, class Step, class Distance = RelativeL2Distance,
          class Observer = NoObserver>
  requires Stepper<Step, State, double>
ToleranceReport integrate_to_tolerance(Step& stepper, State& state, double t0, double t1,
                                       const ToleranceOptions& options, Distance distance = {},
                                       Observer&& observer = {}) {
  require(std::isfinite(t0) && std::isfinite(t1) && t1 >= t0,
          "integrate_to_tolerance: the interval [{}, {}] must be finite with t1 >= t0", t0, t1);
  require(std::isfinite(options.tolerance) && options.tolerance > 0,
          "integrate_to_tolerance: tolerance must be finite and > 0, got {}", options.tolerance);
  require(options.order >= 1, "integrate_to_tolerance: order must be >= 1, got {}",
          options.order);
  require(std::isfinite(options.initial_dt) && options.initial_dt > 0,
          "integrate_to_tolerance: initial_dt must be finite and > 0, got {}", options.initial_dt);
  require(options.safety > 0 && options.safety <= 1 && options.min_factor > 0 &&
              options.min_factor < 1 && options.max_factor > 1,
          "integrate_to_tolerance: need 0 < safety <= 1, 0 < min_factor < 1 < max_factor, got "
          "{}, {}, {}",
          options.safety, options.min_factor, options.max_factor);
  require(options.max_attempts >= 1, "integrate_to_tolerance: max_attempts must be >= 1, got {}",
          options.max_attempts);
  ToleranceReport report;
  observer(static_cast<const State&>(state), t0, std::int64_t{0});
  const double span = t1 - t0;
  if (span == 0) return report;
  const double richardson = std::exp2(options.order) - 1;
  double t = t0, dt = std::min(options.initial_dt, span);
  State big = state, small = state;
  while (t < t1) {
    if (report.accepted + report.rejected >= options.max_attempts)
      throw convergence_error(fmt::format(
          "integrate_to_tolerance: {} attempts did not reach t1 = {} (at t = {}, dt = {})",
          options.max_attempts, t1, t, dt));
    if (dt < 1e-14 * span)
      throw convergence_error(fmt::format(
          "integrate_to_tolerance: the step fell to {} at t = {} without meeting tolerance {}",
          dt, t, options.tolerance));
    // The last step lands on t1; a step within 1e-12 of the end takes the rest.
    const bool last = t + dt >= t1 - 1e-12 * span;
    const double h = last ? t1 - t : dt;
    big = state;
    stepper.step(big, t, h);
    small = state;
    stepper.step(small, t, h / 2);
    stepper.step(small, t + h / 2, h / 2);
    report.stepper_calls += 3;
    const double estimate = distance(big, small) / richardson;
    const double allowed = options.tolerance * h / span;
    const double factor =
        estimate > 0 ? options.safety * std::pow(allowed / estimate, 1.0 / (options.order + 1))
                     : options.max_factor;
    if (estimate <= allowed) {
      std::swap(state, small);
      t = last ? t1 : t + h;
      ++report.accepted;
      report.estimated_error += estimate;
      report.last_dt = h;
      observer(static_cast<const State&>(state), t, report.accepted);
      dt = h * std::clamp(factor, options.min_factor, options.max_factor);
    } else {
      ++report.rejected;
      dt = h * std::clamp(factor, options.min_factor, 1.0);
    }
  }
  return report;
}

}  // namespace wavekin
