// wavekin/core/composition.hpp — higher order from a symmetric second-order stepper: symmetric
// compositions Φ_{γ_s Δt} ∘ … ∘ Φ_{γ_1 Δt} (triple jump, Suzuki's five stages, Yoshida's seven).
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief The stage coefficients γ_1, …, γ_s of a symmetric composition (γ_k = γ_{s+1−k},
/// Σγ_k = 1) and the order p it reaches from a symmetric (time-reversible) second-order step.
///
/// A one-step method Φ_Δt is symmetric when Φ_{−Δt} ∘ Φ_Δt = id (Crank–Nicolson with its
/// coefficients at the step's midpoint, Strang splitting with the trapezoid rule in time). Its
/// local error then has only odd powers of Δt, and a composition
/// Ψ_Δt = Φ_{γ_s Δt} ∘ … ∘ Φ_{γ_1 Δt} with symmetric γ is again symmetric; the conditions
/// Σγ_k = 1 and Σγ_k³ = 0 cancel the Δt³ term (order 4), and Yoshida's seven-stage solution
/// also cancels Δt⁵ (order 6). Order ≥ 3 needs a negative γ (no real positive solution of
/// Σγ³ = 0), so the base stepper must accept dt < 0 (the Schrödinger steppers do: they are
/// unitary either way). Coefficients:
///  - triple_jump (s = 3, p = 4): γ_1 = γ_3 = 1/(2 − 2^{1/3}), γ_2 = 1 − 2γ_1 (≈ −1.70: the
///    largest error constant of the three);
///  - suzuki (s = 5, p = 4): γ_1 = γ_2 = γ_4 = γ_5 = 1/(4 − 4^{1/3}), γ_3 = 1 − 4γ_1 (≈ −0.66);
///    its sub-steps stay within [−0.66Δt, 0.41Δt], and its error is 63× the triple jump's
///    smaller at the same Δt, 8× at the same cost (measured on tests/core/test_composition.cpp's
///    problem);
///  - yoshida6 (s = 7, p = 6): Yoshida's solution A, w_1..w_3 as published to 15 digits,
///    w_0 = 1 − 2(w_1 + w_2 + w_3), order verified by the tests.
class CompositionScheme {
 public:
  [[nodiscard]] static CompositionScheme triple_jump() {
    const double g = 1.0 / (2.0 - std::cbrt(2.0));
    return CompositionScheme("triple_jump", 4, {g, 1.0 - 2.0 * g, g});
  }
  [[nodiscard]] static CompositionScheme suzuki() {
    const double g = 1.0 / (4.0 - std::cbrt(4.0));
    return CompositionScheme("suzuki", 4, {g, g, 1.0 - 4.0 * g, g, g});
  }
  [[nodiscard]] static CompositionScheme yoshida6() {
    const double w1 = -1.17767998417887, w2 = 0.235573213359357, w3 = 0.784513610477560;
    const double w0 = 1.0 - 2.0 * (w1 + w2 + w3);
    return CompositionScheme("yoshida6", 6, {w3, w2, w1, w0, w1, w2, w3});
  }

  /// \brief A scheme from its name: "triple_jump", "suzuki" or "yoshida6".
  [[nodiscard]] static CompositionScheme named(std::string_view name) {
    if (name == "triple_jump") return triple_jump();
    if (name == "suzuki") return suzuki();
    if (name == "yoshida6") return yoshida6();
    throw invalid_argument(fmt::format(
        "CompositionScheme: unknown scheme '{}' (triple_jump, suzuki or yoshida6)", name));
  }

  [[nodiscard]] std::string_view name() const noexcept { return m_name; }
  /// \brief The order reached from a symmetric second-order step.
  [[nodiscard]] int order() const noexcept { return m_order; }
  /// \brief γ_1, …, γ_s.
  [[nodiscard]] std::span<const double> stages() const noexcept { return m_stages; }

 private:
  CompositionScheme(std::string_view name, int order, std::vector<double> stages)
      : m_name(name), m_order(order), m_stages(std::move(stages)) {}

  std::string_view m_name;
  int m_order;
  std::vector<double> m_stages;
};

/// \brief A stepper of order CompositionScheme::order() built from a symmetric second-order
/// stepper: step(state, t, dt) runs base.step(state, t_k, γ_k dt) for k = 1..s with
/// t_k = t + (γ_1 + … + γ_{k−1}) dt. Cost: s base steps per step. The base must be symmetric
/// (see CompositionScheme) and accept negative dt; its coefficients are evaluated at times in
/// [t − 0.7Δt, t + 1.7Δt] (the sub-steps run back and forth), so time-dependent coefficients
/// must be defined there — a coefficient that is only Hölder in t limits the order to what its
/// regularity allows.
/// \tparam Base a Stepper (core/integrate.hpp), e.g. CrankNicolsonSpectral or SplitStepSpectral
template <class Base>
class SymmetricComposition {
 public:
  explicit SymmetricComposition(Base base, CompositionScheme scheme = CompositionScheme::suzuki())
      : m_base(std::move(base)), m_scheme(std::move(scheme)) {}

  /// \brief Advances `state` from t to t + dt (s base steps).
  /// \pre t, dt finite, dt != 0 (invalid_argument), and what the base step requires.
  template <class State, class Time>
  void step(State& state, Time t, Time dt) {
    require(std::isfinite(t) && std::isfinite(dt) && dt != Time(0),
            "SymmetricComposition::step: t = {} and dt = {} must be finite, dt != 0", t, dt);
    Time offset = 0;
    for (const double g : m_scheme.stages()) {
      const Time h = static_cast<Time>(g) * dt;
      m_base.step(state, t + offset, h);
      offset += h;
    }
  }

  [[nodiscard]] Base& base() noexcept { return m_base; }
  [[nodiscard]] const Base& base() const noexcept { return m_base; }
  [[nodiscard]] const CompositionScheme& scheme() const noexcept { return m_scheme; }

 private:
  Base m_base;
  CompositionScheme m_scheme;
};

}  // namespace wavekin
