// wavekin/coherence/detail/collision_substeps.hpp — the collision step of the coupled RTE: classic
// RK4 on ds/dt = Q s in sub-steps inside RK4's stability region. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace wavekin::detail {

/// \brief Advances y by dt under dy/dt = Q y: classic RK4 in s = ⌈dt·ρ/2⌉ equal sub-steps, ρ a
/// bound on Q's spectral radius (CoherentCollision::spectral_bound), so that every sub-step has
/// Δt_s·ρ ≤ 2, inside RK4's stability region for the dissipative spectrum of Q. The sub-step
/// count depends on dt only, so a Strang step built on it stays second order. apply(in, out)
/// sets out = Q in; k1 … k4 and stage are work arrays shaped like y (nothing is allocated).
template <class State, class Work, class Apply>
void collision_substeps(State& y, double dt, double bound, Apply&& apply, Work& k1, Work& k2,
                        Work& k3, Work& k4, Work& stage) {
  const auto substeps =
      std::max<std::ptrdiff_t>(1, static_cast<std::ptrdiff_t>(std::ceil(dt * bound / 2)));
  const double h = dt / static_cast<double>(substeps);
  for (std::ptrdiff_t s = 0; s < substeps; ++s) {
    apply(y, k1);
    stage = y + (h / 2) * k1;
    apply(stage, k2);
    stage = y + (h / 2) * k2;
    apply(stage, k3);
    stage = y + h * k3;
    apply(stage, k4);
    y += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
}

}  // namespace wavekin::detail
