// wavekin/core/integrate.hpp — the library's one time loop: integrate(...) and
// integrate_n_steps(...) over any stepper `step(state, t, dt)`, with an optional observer (every
// step, or every(stride, …)).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief A time stepper: `stepper.step(state, t, dt)` advances `state` from time t to t + dt.
/// Time is never stored in the state: the caller (usually integrate) owns it, so one state can be
/// stepped by different schemes and a restarted run needs only (state, t).
template <class S, class State, class Time = double>
concept Stepper = requires(S& stepper, State& state, Time t, Time dt) {
  stepper.step(state, t, dt);
};

/// \brief A Stepper that can also take `count` steps of dt at once:
/// `stepper.advance(state, t0, dt, count)` leaves `state` where count calls of
/// step(state, t0 + k·dt, dt), k = 0 … count − 1, would, up to round-off, and faster, because
/// consecutive steps share work (SplitStepSpectral merges one step's last potential half-step with
/// the next one's first). integrate and integrate_n_steps call it when no observer looks at the
/// state between steps (the observer is NoObserver); with an observer they call step().
template <class S, class State, class Time = double>
concept MultiStepper = Stepper<S, State, Time> &&
    requires(S& stepper, State& state, Time t, Time dt, std::int64_t count) {
  stepper.advance(state, t, dt, count);
};

/// \brief An observer that does nothing (the default of integrate and integrate_n_steps).
struct NoObserver {
  template <class State, class Time>
  void operator()(const State&, Time, std::int64_t) const noexcept {}
};

/// \brief An observer called every `stride` steps only (made by every()): integrate and
/// integrate_n_steps call `observer(state, t, k)` at k = 0, stride, 2·stride, … and after the last
/// step, and between two calls a MultiStepper takes the steps in one advance().
template <class Observer>
struct Every {
  std::int64_t stride;
  Observer observer;
};

/// \brief `observer` called at t0, after every `stride`-th step and after the last:
/// `integrate_n_steps(propagator, u, 0.0, dt, 100 * n, every(100, record))`.
/// \pre stride >= 1 (invalid_argument naming it otherwise).
template <class Observer>
Every<std::decay_t<Observer>> every(std::int64_t stride, Observer&& observer) {
  require(stride >= 1, "every: the observation stride {} must be >= 1", stride);
  return {stride, std::forward<Observer>(observer)};
}

namespace detail {

template <class Observer>
inline constexpr bool is_every = false;
template <class Observer>
inline constexpr bool is_every<Every<Observer>> = true;

// Steps k0 … k0 + count − 1 of a loop from t0: one advance() for a MultiStepper when Merge
// (nothing observes them one by one), else step() at the times t0 + k·dt.
template <bool Merge, class State, class Time, class Step>
void take_steps(Step& stepper, State& state, Time t0, Time dt, std::int64_t k0,
                std::int64_t count) {
  if (count <= 0) return;
  if constexpr (Merge && MultiStepper<Step, State, Time>) {
    stepper.advance(state, t0 + static_cast<Time>(k0) * dt, dt, count);
  } else {
    for (std::int64_t k = k0; k < k0 + count; ++k)
      stepper.step(state, t0 + static_cast<Time>(k) * dt, dt);
  }
}

// The callable an observer argument holds (an Every's observer, else itself), and the steps
// between its calls (an Every's stride, else 1).
template <class Observer>
auto& observer_of(Observer& observer) {
  if constexpr (is_every<std::remove_cvref_t<Observer>>) {
    return observer.observer;
  } else {
    return observer;
  }
}
template <class Observer>
std::int64_t stride_of(const Observer& observer) {
  if constexpr (is_every<std::remove_cvref_t<Observer>>) {
    return observer.stride;
  } else {
    return 1;
  }
}

}  // namespace detail

/// \brief `count` steps of length dt from t0: observer(state, t0, 0) first, then
/// observer(state, t0 + k·dt, k) after step k. Times are t0 + k·dt, not a running sum, so they
/// carry no accumulated rounding. Returns the final time t0 + count·dt.
/// Where nothing looks at the state between steps, a MultiStepper takes them in one
/// advance(): all count steps with no observer (NoObserver), the steps between two calls with
/// an every(stride, observer) (which starts at t0 + k·dt, its own steps at that plus j·dt: one
/// rounding more in a time-dependent coefficient's sample time, none accumulated).
/// \pre t0 and dt finite, dt > 0, count >= 0 (invalid_argument naming the value otherwise).
template <class State, class Time, class Step, class Observer = NoObserver>
  requires Stepper<Step, State, Time>
Time integrate_n_steps(Step& stepper, State& state, Time t0, std::type_identity_t<Time> dt,
                       std::int64_t count, Observer&& observer = {}) {
  require(std::isfinite(t0), "integrate_n_steps: start time t0 = {} is not finite", t0);
  require(std::isfinite(dt) && dt > 0, "integrate_n_steps: time step dt = {} must be finite and > 0",
          dt);
  require(count >= 0, "integrate_n_steps: step count {} must be >= 0", count);
  if constexpr (std::is_same_v<std::remove_cvref_t<Observer>, NoObserver>) {
    detail::take_steps<true>(stepper, state, t0, dt, 0, count);
  } else {
    // Observed at k = 0, then after every stride-th step and the last; a plain observer sees
    // every step, each taken by step().
    constexpr bool merge = detail::is_every<std::remove_cvref_t<Observer>>;
    auto& observe = detail::observer_of(observer);
    const std::int64_t stride = detail::stride_of(observer);
    const auto& view = static_cast<const State&>(state);
    observe(view, t0, std::int64_t{0});
    for (std::int64_t k = 0; k < count;) {
      const std::int64_t block = std::min(stride, count - k);
      detail::take_steps<merge>(stepper, state, t0, dt, k, block);
      k += block;
      observe(view, t0 + static_cast<Time>(k) * dt, k);
    }
  }
  return t0 + static_cast<Time>(count) * dt;
}

/// \brief The number of steps of at most dt that integrate takes from t0 to t1:
/// ceil((t1 − t0)/dt), where a ratio within 1e-9 (relative) of an integer counts as that integer,
/// so T/dt = 80 gives 80 steps, not 81.
template <class Time>
std::int64_t step_count(Time t0, Time t1, Time dt) {
  require(std::isfinite(t0) && std::isfinite(t1) && t1 >= t0,
          "integrate: the interval [{}, {}] must be finite with t1 >= t0", t0, t1);
  require(std::isfinite(dt) && dt > 0, "integrate: time step dt = {} must be finite and > 0", dt);
  const double ratio = static_cast<double>(t1 - t0) / static_cast<double>(dt);
  require(ratio < 9e18, "integrate: (t1 - t0)/dt = {} steps is too many", ratio);
  const double nearest = std::round(ratio);
  if (std::abs(ratio - nearest) <= 1e-9 * std::max(1.0, nearest))
    return static_cast<std::int64_t>(nearest);
  return static_cast<std::int64_t>(std::ceil(ratio));
}

/// \brief From t0 to t1 in equal steps of at most dt: n = step_count(t0, t1, dt) steps of
/// (t1 − t0)/n, so the last one lands on t1 exactly and dt is kept when it divides the interval.
/// observer(state, t, k) is called at t0 (k = 0) and after every step. Returns the step count.
/// \pre t0, t1 finite, t1 >= t0; dt finite and > 0.
template <class State, class Time, class Step, class Observer = NoObserver>
  requires Stepper<Step, State, Time>
std::int64_t integrate(Step& stepper, State& state, Time t0, std::type_identity_t<Time> t1,
                       std::type_identity_t<Time> dt, Observer&& observer = {}) {
  const std::int64_t n = step_count<Time>(t0, t1, dt);
  if (n == 0) {
    detail::observer_of(observer)(static_cast<const State&>(state), t0, std::int64_t{0});
    return 0;
  }
  integrate_n_steps(stepper, state, t0, (t1 - t0) / static_cast<Time>(n), n,
                    std::forward<Observer>(observer));
  return n;
}

}  // namespace wavekin
