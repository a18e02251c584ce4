// wavekin/coherence/detail/simplex_shell.hpp — closed-form δ-shell weights of one linear simplex
// (segment, triangle, tetrahedron): ∫_T λ_i(q) δ(E − E(q)) dq. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

namespace wavekin::detail {

// The weights w_i = ∫_T λ_i(q) δ(E − E(q)) dq of a Dim-simplex T of volume `volume`, where
// E(q) = Σ_i e_i λ_i(q) is linear and λ_i are the barycentric coordinates, so that
// Σ_i w_i f_i = ∫_T f δ(E − E) dq for every linear f = Σ f_i λ_i. Their sum is the
// simplex's density of states g_T(E).
//
// Derivation (docs/energy_shell.md): with the energies sorted, s_0 ≤ … ≤ s_Dim, the level
// set P(E) = {E(q) = E} is a (Dim−1)-polytope on which ∇E is constant, so
// w_i = |P| / |∇E| · mean_P(λ_i) = g_T(E) · mean_P(λ_i). g_T is the B-spline with knots
// s_0 … s_Dim times the volume (closed forms below), and mean_P(λ_i) is the mean of the
// vertex values of λ_i over a point, a segment or a triangle (a linear function's mean on a
// simplex), the area-weighted mean over the two triangles of a quadrilateral.
//
// Level sets are half-open, s_0 ≤ E < s_Dim: a flat simplex (s_Dim − s_0 ≤ `flat`, a round-off
// tolerance) contributes nothing (its density of states is a δ in E, of no weight at any other
// E; with round-off in place of exact equality, 1/(s_Dim − s_0) would put a weight of ~1e16 at
// the simplex's own energy, where the collisions' pair measure evaluates it), and a vertex
// energy exactly at E is counted once along a monotone line. Every division below is by a
// difference s_j − s_i (j > i) that the case's interval makes positive.
// Returns false (and leaves w untouched) when E is outside [s_0, s_Dim).
template <int Dim, class Scalar>
bool simplex_shell_weights(const std::array<Scalar, Dim + 1>& e, Scalar volume, Scalar energy,
                           std::array<Scalar, Dim + 1>& w, Scalar flat = Scalar(0)) {
  static_assert(Dim >= 1 && Dim <= 3, "simplex_shell_weights: Dim must be 1, 2 or 3");
  std::array<int, Dim + 1> o;
  for (int i = 0; i <= Dim; ++i) o[static_cast<std::size_t>(i)] = i;
  std::sort(o.begin(), o.end(), [&](int a, int b) {
    return e[static_cast<std::size_t>(a)] < e[static_cast<std::size_t>(b)];
  });
  std::array<Scalar, Dim + 1> s;
  for (int i = 0; i <= Dim; ++i)
    s[static_cast<std::size_t>(i)] = e[static_cast<std::size_t>(o[static_cast<std::size_t>(i)])];
  if (!(s[0] <= energy && energy < s[Dim])) return false;
  // A simplex whose energies agree to within `flat` is flat (see above).
  if (s[Dim] - s[0] <= flat) return false;

  // mean_P(λ) in sorted order, then g.
  std::array<Scalar, Dim + 1> mean{};
  Scalar g = 0;
  if constexpr (Dim == 1) {
    const Scalar t = (energy - s[0]) / (s[1] - s[0]);
    g = volume / (s[1] - s[0]);
    mean = {1 - t, t};
  } else if constexpr (Dim == 2) {
    if (energy < s[1]) {
      // Segment between the points on edges 0–1 and 0–2.
      const Scalar t1 = (energy - s[0]) / (s[1] - s[0]);
      const Scalar t2 = (energy - s[0]) / (s[2] - s[0]);
      g = 2 * volume * t1 / (s[2] - s[0]);
      mean = {(2 - t1 - t2) / 2, t1 / 2, t2 / 2};
    } else {
      // Segment between the points on edges 2–0 and 2–1.
      const Scalar u0 = (s[2] - energy) / (s[2] - s[0]);
      const Scalar u1 = (s[2] - energy) / (s[2] - s[1]);
      g = 2 * volume * u1 / (s[2] - s[0]);
      mean = {u0 / 2, u1 / 2, (2 - u0 - u1) / 2};
    }
  } else {
    if (energy < s[1]) {
      // Triangle on edges 0–1, 0–2, 0–3: g = 3V (E−s0)² / (s10 s20 s30).
      const Scalar t1 = (energy - s[0]) / (s[1] - s[0]);
      const Scalar t2 = (energy - s[0]) / (s[2] - s[0]);
      const Scalar t3 = (energy - s[0]) / (s[3] - s[0]);
      g = 3 * volume * t1 * t2 / (s[3] - s[0]);
      mean = {(3 - t1 - t2 - t3) / 3, t1 / 3, t2 / 3, t3 / 3};
    } else if (energy >= s[2]) {
      // Triangle on edges 3–0, 3–1, 3–2: g = 3V (s3−E)² / (s30 s31 s32).
      const Scalar u0 = (s[3] - energy) / (s[3] - s[0]);
      const Scalar u1 = (s[3] - energy) / (s[3] - s[1]);
      const Scalar u2 = (s[3] - energy) / (s[3] - s[2]);
      g = 3 * volume * u1 * u2 / (s[3] - s[0]);
      mean = {u0 / 3, u1 / 3, u2 / 3, (3 - u0 - u1 - u2) / 3};
    } else {
      // Quadrilateral P1 (edge 0–2), P2 (0–3), P3 (1–3), P4 (1–2), in this cyclic order.
      // g in the form without 1/s10 or 1/s32 (no cancellation when s1 → s0 or s3 → s2):
      // g = 3V/(s20 s30) [s10 + 2x − (s20 + s31) x² / (s21 s31)], x = E − s1
      // (= 3V[(E−s0)²/(s10 s20 s30) − (E−s1)²/(s10 s21 s31)], the B-spline).
      const Scalar s10 = s[1] - s[0], s20 = s[2] - s[0], s30 = s[3] - s[0];
      const Scalar s21 = s[2] - s[1], s31 = s[3] - s[1];
      const Scalar x = energy - s[1];
      g = 3 * volume / (s20 * s30) * (s10 + 2 * x - (s20 + s31) * (x / s21) * (x / s31));
      g = std::max(g, Scalar(0));
      const Scalar a = (energy - s[0]) / s20, b = (energy - s[0]) / s30;
      const Scalar c = x / s31, d = x / s21;
      // Barycentric coordinates (sorted order) of the four points.
      const std::array<std::array<Scalar, 4>, 4> p{
          {{1 - a, 0, a, 0}, {1 - b, 0, 0, b}, {0, 1 - c, 0, c}, {0, 1 - d, d, 0}}};
      // Area ratio of the triangles (P1,P2,P3) and (P1,P3,P4): affine maps keep area
      // ratios within a plane, so the chart (λ1, λ2, λ3) serves as well as Cartesian space.
      auto area = [&](std::size_t i, std::size_t j, std::size_t k) {
        Scalar u[3], v[3];
        for (std::size_t n = 0; n < 3; ++n) {
          u[n] = p[j][n + 1] - p[i][n + 1];
          v[n] = p[k][n + 1] - p[i][n + 1];
        }
        const Scalar cx = u[1] * v[2] - u[2] * v[1];
        const Scalar cy = u[2] * v[0] - u[0] * v[2];
        const Scalar cz = u[0] * v[1] - u[1] * v[0];
        return std::sqrt(cx * cx + cy * cy + cz * cz);
      };
      const Scalar a1 = area(0, 1, 2), a2 = area(0, 2, 3);
      const Scalar r = (a1 + a2 > 0) ? a1 / (a1 + a2) : Scalar(0.5);
      for (std::size_t n = 0; n < 4; ++n)
        mean[n] = (r * (p[0][n] + p[1][n] + p[2][n]) + (1 - r) * (p[0][n] + p[2][n] + p[3][n])) / 3;
    }
  }
  for (int i = 0; i <= Dim; ++i)
    w[static_cast<std::size_t>(o[static_cast<std::size_t>(i)])] =
        g * mean[static_cast<std::size_t>(i)];
  return true;
}

}  // namespace wavekin::detail
