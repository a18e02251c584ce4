// wavekin/bloch/band_table.hpp — Bloch states on a uniform k-grid of the zone or along a path,
// gauge fixed once. SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/gauge.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/bloch/solve_states.hpp"
#include "wavekin/core/detail/checked_size.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief Bloch states E_m(k), c^m(k) at a set of wavevectors, each state's
/// gauge fixed once against a neighbour ("parent") by a gauge policy.
///
/// Two layouts:
/// - `uniform_grid`: k_i = Σ_l (i_l / N_l) e^l, 0 ≤ i_l < N_l — the zone
///   B = {Σ θ_l e^l, θ ∈ [0,1)^Dim} of P1 (3.4), first index fastest. The
///   gauge is transported along a spanning tree: (i_0, …) from (i_0 − 1, …),
///   and (0, …, 0, i_l, …) from (0, …, 0, i_l − 1, …), from the root k = 0
///   (whose gauge is the solver's). `at(i)` accepts any integer index and
///   returns the Λ*-periodic extension by relabelling,
///   c_G(k + μ) = c_{G+μ}(k) (docs/conventions.md §6) — exact, no new solve.
/// - `path`: straight segments between vertices, each split in equal steps,
///   vertices included; the gauge is transported along the path.
/// Cost: one solve per point (see BlochSolver) plus one overlap per point.
/// With OpenMP (WAVEKIN_HAS_OPENMP, CMake option WAVEKIN_WITH_OPENMP) the
/// solves run in parallel over k; the gauge fixing that follows is
/// sequential. The result does not depend on the number of threads.
/// \tparam Dim     dimension of space
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
class BandTable {
 public:
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using State = BlochState<Dim, Scalar>;
  using GridIndex = std::array<std::int64_t, Dim>;
  /// Called once per solved k point, from the solving thread (so it must be
  /// thread-safe under OpenMP, as io::ProgressReporter::advance is).
  using PointCallback = std::function<void()>;

  /// \brief States on the uniform grid of the zone with `points[l]` points along e^l.
  /// \pre every points[l] >= 1; n_bands valid for the solver.
  template <class Solver, class Gauge = ParallelTransportGauge>
  static BandTable uniform_grid(const Solver& solver, const std::array<Eigen::Index, Dim>& points,
                                Eigen::Index n_bands, const Gauge& gauge = {},
                                const PointCallback& on_solved = {}) {
    static_assert(GaugePolicy<Gauge, Dim, Scalar>,
                  "BandTable: Gauge must provide align(BlochState&, const BlochState&) const");
    BandTable table;
    table.m_grid = points;
    for (int l = 0; l < Dim; ++l)
      require(points[l] >= 1, "BandTable::uniform_grid: {} points along e^{} (need >= 1)",
              points[l], l + 1);
    const auto product = detail::checked_product(points);
    require(product.has_value(), "BandTable::uniform_grid: {} points overflow the index type",
            fmt::join(points, " × "));
    const Eigen::Index total = *product;
    const auto& lattice = solver.lattice();
    std::vector<Vector> ks(static_cast<std::size_t>(total));
    for (Eigen::Index flat = 0; flat < total; ++flat) {
      const GridIndex i = table.unflatten(flat);
      Vector theta;
      for (int l = 0; l < Dim; ++l)
        theta[l] =
            static_cast<Scalar>(i[static_cast<std::size_t>(l)]) / static_cast<Scalar>(points[l]);
      ks[static_cast<std::size_t>(flat)] = lattice.dual_basis() * theta;
    }
    table.m_states = solve_states(solver, ks, n_bands, on_solved);
    table.m_parent.reserve(static_cast<std::size_t>(total));
    // Gauge, sequentially: flat order visits every parent before its children.
    for (Eigen::Index flat = 0; flat < total; ++flat) {
      const GridIndex i = table.unflatten(flat);
      // Parent: step back along the first axis with a non-zero index.
      Eigen::Index parent = -1;
      for (int l = 0; l < Dim; ++l) {
        if (i[static_cast<std::size_t>(l)] > 0) {
          GridIndex j = i;
          --j[static_cast<std::size_t>(l)];
          parent = table.flatten(j);
          break;
        }
      }
      if (parent >= 0)
        gauge.align(table.m_states[static_cast<std::size_t>(flat)],
                    table.m_states[static_cast<std::size_t>(parent)]);
      table.m_parent.push_back(parent);
    }
    return table;
  }

  /// \brief States along the polyline through `vertices`, each segment split
  /// into `steps_per_segment` equal steps (all vertices included).
  /// \pre at least one vertex, all finite; steps_per_segment >= 1.
  template <class Solver, class Gauge = ParallelTransportGauge>
  static BandTable path(const Solver& solver, const std::vector<Vector>& vertices,
                        Eigen::Index steps_per_segment, Eigen::Index n_bands,
                        const Gauge& gauge = {}, const PointCallback& on_solved = {}) {
    static_assert(GaugePolicy<Gauge, Dim, Scalar>,
                  "BandTable: Gauge must provide align(BlochState&, const BlochState&) const");
    require(!vertices.empty(), "BandTable::path: no vertices given");
    require(steps_per_segment >= 1, "BandTable::path: steps_per_segment = {} must be >= 1",
            steps_per_segment);
    BandTable table;
    std::vector<Vector> ks{vertices.front()};
    for (std::size_t v = 1; v < vertices.size(); ++v)
      for (Eigen::Index s = 1; s <= steps_per_segment; ++s) {
        const Scalar t = static_cast<Scalar>(s) / static_cast<Scalar>(steps_per_segment);
        // The vertex itself at t = 1, bit for bit.
        ks.push_back(s == steps_per_segment
                         ? vertices[v]
                         : Vector(vertices[v - 1] + t * (vertices[v] - vertices[v - 1])));
      }
    table.m_states = solve_states(solver, ks, n_bands, on_solved);
    Scalar length = 0;
    for (std::size_t p = 0; p < ks.size(); ++p) {
      if (p > 0) {
        gauge.align(table.m_states[p], table.m_states[p - 1]);
        length += (ks[p] - ks[p - 1]).norm();
      }
      table.m_parent.push_back(static_cast<Eigen::Index>(p) - 1);
      table.m_distance.push_back(length);
    }
    return table;
  }

  /// \brief Number of k points.
  [[nodiscard]] Eigen::Index size() const noexcept {
    return static_cast<Eigen::Index>(m_states.size());
  }
  /// \brief State at point i (grid points in flat order, first index fastest).
  [[nodiscard]] const State& state(Eigen::Index i) const { return m_states.at(checked(i)); }
  [[nodiscard]] const Vector& k(Eigen::Index i) const { return state(i).k; }
  /// \brief The point whose gauge point i was aligned to (−1 for the root).
  [[nodiscard]] Eigen::Index parent(Eigen::Index i) const { return m_parent.at(checked(i)); }
  /// \brief Arc length along a path from its first vertex (paths only).
  [[nodiscard]] Scalar distance(Eigen::Index i) const {
    require(!m_distance.empty(), "BandTable::distance: only paths have arc length");
    return m_distance.at(checked(i));
  }
  /// \brief E_m(k_i) as a size × bands matrix.
  [[nodiscard]] Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> energies() const {
    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> out(size(),
                                                              m_states.front().band_count());
    for (Eigen::Index i = 0; i < size(); ++i)
      out.row(i) = m_states[static_cast<std::size_t>(i)].energies.transpose();
    return out;
  }
  /// \brief Whether this table is a uniform grid (else a path).
  [[nodiscard]] bool is_grid() const noexcept { return m_distance.empty(); }
  /// \brief Points per axis of a grid.
  [[nodiscard]] const std::array<Eigen::Index, Dim>& grid_shape() const {
    require(is_grid(), "BandTable::grid_shape: this table is a path");
    return m_grid;
  }

  /// \brief The state at k = Σ (i_l / N_l) e^l for any integer i: the stored
  /// state at i mod N, relabelled by μ = Σ floor(i_l / N_l) e^l (docs/conventions.md §6).
  [[nodiscard]] State at(const GridIndex& i) const {
    require(is_grid(), "BandTable::at: this table is a path, not a grid");
    GridIndex reduced;
    LatticeIndex<Dim> mu;
    for (int l = 0; l < Dim; ++l) {
      const std::int64_t n = m_grid[static_cast<std::size_t>(l)];
      const std::int64_t v = i[static_cast<std::size_t>(l)];
      const std::int64_t q = (v >= 0 ? v / n : -((-v + n - 1) / n));
      mu[l] = q;
      reduced[static_cast<std::size_t>(l)] = v - q * n;
    }
    const State& base = m_states[static_cast<std::size_t>(flatten(reduced))];
    if (mu.isZero()) return base;
    return relabel(base, mu);
  }

  /// \brief Flat position of grid index i (0 ≤ i_l < N_l).
  [[nodiscard]] Eigen::Index flatten(const GridIndex& i) const {
    Eigen::Index flat = 0;
    for (int l = Dim - 1; l >= 0; --l) {
      const auto n = static_cast<std::int64_t>(m_grid[static_cast<std::size_t>(l)]);
      require(i[static_cast<std::size_t>(l)] >= 0 && i[static_cast<std::size_t>(l)] < n,
              "BandTable: grid index {} along e^{} is outside [0, {})",
              i[static_cast<std::size_t>(l)], l + 1, n);
      flat = flat * n + i[static_cast<std::size_t>(l)];
    }
    return flat;
  }

 private:
  BandTable() = default;

  GridIndex unflatten(Eigen::Index flat) const {
    GridIndex i;
    for (int l = 0; l < Dim; ++l) {
      i[static_cast<std::size_t>(l)] = flat % m_grid[static_cast<std::size_t>(l)];
      flat /= m_grid[static_cast<std::size_t>(l)];
    }
    return i;
  }

  Eigen::Index checked(Eigen::Index i) const {
    require(i >= 0 && i < size(), "BandTable: point {} is outside [0, {})", i, size());
    return i;
  }

  std::vector<State> m_states;
  std::vector<Eigen::Index> m_parent;
  std::vector<Scalar> m_distance;
  std::array<Eigen::Index, Dim> m_grid{};
};

}  // namespace wavekin
