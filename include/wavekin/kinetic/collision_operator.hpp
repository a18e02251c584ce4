// wavekin/kinetic/collision_operator.hpp — the collision integral of the radiative transfer
// limit of the random-mass VMSE (P2 (3.6)) on a phase-space grid: dense, GEMM fast path,
// compressed. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <numbers>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"

namespace wavekin {

/// \brief Options of CollisionOperator.
struct CollisionOptions {
  /// \brief 0 keeps the dense kernel. τ > 0 drops, in each row k, the smallest entries
  /// whose sum is at most τ λ(k) (the row's total rate), keeping an entry if either of
  /// its two rows keeps it (so the kernel stays symmetric). Then for every W
  /// |Q_τ[W](k) − Q[W](k)| ≤ τ λ(k) (max W − min W) over the k-line of x, and mass is
  /// still conserved to round-off.
  double compression_tolerance = 0;
  /// \brief Bound on the memory of the assembled kernels (bytes); exceeding it is an
  /// invalid_argument naming the size (m_0 with many distinct values on the grid needs
  /// one kernel per value).
  double memory_limit_bytes = 4.0 * (1 << 30);
};

/// \brief The collision operator of the radiative transfer equation (P2 (3.6),
/// docs/conventions.md §20)
/// \f[ Q[W](x,k) = (2\pi)^{-d}\int \tfrac14 (p\cdot k)^2\,
///     \hat R\big(\tfrac{m_0(x)}{2}(|p|^2-|k|^2),\,p-k\big)\,[W(x,p) - W(x,k)]\,dp \f]
/// on the k-grid of a PhaseSpaceGrid, by the midpoint rule of that grid (spectrally
/// accurate for the smooth kernel once its peak, of width ~1/(a m_0|k| + b) at p = k, is
/// resolved), p confined to the grid's k-box.
///
/// Discretisation: S_kp = Δk^d σ(k, p), σ the integrand's kernel, symmetric in (k, p)
/// because R̂ is even in both arguments; λ(k) = Σ_p S_kp (the scattering rate, diagonal
/// included: it cancels in Q but belongs to the rate); Q[W]_k = Σ_p S_kp W_p − λ(k) W_k.
/// Σ_k Q[W]_k = 0 exactly by symmetry, so ∫∫ W dx dk is conserved to round-off.
///
/// m_0 is given at the x-points and is independent of time. Points with equal m_0 share
/// one kernel, so with constant m_0 (the fast path) Q over the whole grid is one matrix
/// product W·S of the N_x × N_k array W (Eigen GEMM); otherwise one product per distinct
/// value. With compression the kernels are sparse (CollisionOptions).
///
/// Time stepping: step() is SSP-RK3 on W_t = Q[W], positivity-preserving and stable for
/// dt ≤ 1/max λ (max_stable_dt); larger dt is split into equal substeps.
/// Cost: assembly N_k² kernel evaluations per distinct m_0; apply 2 N_x N_k² flops dense,
/// 2 N_x nnz compressed.
///
/// \tparam Dim    space dimension d
/// \tparam Kernel the correlation of m_1, a SpaceTimeCorrelation<Dim> (core/correlation.hpp) whose
///         R̂(ω, q) sets the kernel; by default P2's (4.15), exponential in time and space
template <int Dim, class Kernel =
                       SeparableCorrelation<ExponentialCorrelation<1>, ExponentialCorrelation<Dim>>>
requires PositiveDimension<Dim>
class CollisionOperator {
  static_assert(detail::check_space_time_correlation<Kernel, Dim>());

 public:
  using Field = Eigen::VectorXd;
  using Vector = Eigen::Matrix<double, Dim, 1>;

  /// \pre mass.size() == grid.x_size(), every m_0 finite and > 0; options valid
  ///      (invalid_argument naming the value otherwise).
  CollisionOperator(PhaseSpaceGrid<Dim> grid, Kernel kernel, std::span<const double> mass,
                    CollisionOptions options = {})
      : m_grid(std::move(grid)), m_kernel(std::move(kernel)), m_options(options) {
    require(mass.size() == static_cast<std::size_t>(m_grid.x_size()),
            "CollisionOperator: {} mass values for {} x-points", mass.size(), m_grid.x_size());
    require(std::isfinite(options.compression_tolerance) && options.compression_tolerance >= 0 &&
                options.compression_tolerance < 1,
            "CollisionOperator: compression_tolerance must be in [0, 1), got {}",
            options.compression_tolerance);
    require(std::isfinite(options.memory_limit_bytes) && options.memory_limit_bytes > 0,
            "CollisionOperator: memory_limit_bytes must be finite and > 0, got {}",
            options.memory_limit_bytes);
    std::map<double, std::size_t> index;
    m_group_of.resize(mass.size());
    for (std::size_t i = 0; i < mass.size(); ++i) {
      require(std::isfinite(mass[i]) && mass[i] > 0,
              "CollisionOperator: m_0 must be finite and > 0, got {} at x-point {}", mass[i], i);
      const auto [it, inserted] = index.try_emplace(mass[i], m_groups.size());
      if (inserted) {
        m_groups.emplace_back();
        m_groups.back().mass = mass[i];
      }
      m_group_of[i] = it->second;
      m_groups[it->second].points.push_back(static_cast<Eigen::Index>(i));
    }
    const double nk = static_cast<double>(m_grid.k_size());
    const double dense_bytes = static_cast<double>(m_groups.size()) * nk * nk * sizeof(double);
    require(dense_bytes <= options.memory_limit_bytes,
            "CollisionOperator: m_0 takes {} distinct values on the grid; their {} × {} kernels "
            "need {:.3g} GB, above the limit of {:.3g} GB",
            m_groups.size(), m_grid.k_size(), m_grid.k_size(), dense_bytes / 1e9,
            options.memory_limit_bytes / 1e9);
    m_k_points.resize(static_cast<std::size_t>(m_grid.k_size()));
    for (std::ptrdiff_t q = 0; q < m_grid.k_size(); ++q)
      m_k_points[static_cast<std::size_t>(q)] = m_grid.k_point(q);
    for (auto& g : m_groups) {
      assemble(g);
      if (m_groups.size() > 1) {
        g.block.resize(static_cast<Eigen::Index>(g.points.size()), m_grid.k_size());
        g.result.resize(static_cast<Eigen::Index>(g.points.size()), m_grid.k_size());
      }
    }
    m_work.resize(m_grid.size());
    m_w1.resize(m_grid.size());
    m_w2.resize(m_grid.size());
  }

  /// \brief Constant m_0: the fast path.
  CollisionOperator(PhaseSpaceGrid<Dim> grid, Kernel kernel, double mass,
                    CollisionOptions options = {})
      : CollisionOperator(grid, std::move(kernel),
                          std::vector<double>(static_cast<std::size_t>(grid.x_size()), mass),
                          options) {}

  [[nodiscard]] const PhaseSpaceGrid<Dim>& grid() const noexcept { return m_grid; }
  [[nodiscard]] const Kernel& kernel() const noexcept { return m_kernel; }
  [[nodiscard]] bool compressed() const noexcept { return m_options.compression_tolerance > 0; }
  /// \brief Number of distinct m_0 values (kernels assembled); 1 is the fast path.
  [[nodiscard]] std::size_t kernel_count() const noexcept { return m_groups.size(); }
  /// \brief Fraction of the N_k² kernel entries kept (1 when dense), over all kernels.
  [[nodiscard]] double kept_fraction() const noexcept {
    if (!compressed()) return 1;
    double kept = 0;
    for (const auto& g : m_groups) kept += static_cast<double>(g.sparse.nonZeros());
    const double nk = static_cast<double>(m_grid.k_size());
    return kept / (static_cast<double>(m_groups.size()) * nk * nk);
  }
  /// \brief λ(k) = Σ_p S_kp at the x-point x_flat (after compression, the kept rate).
  [[nodiscard]] const Eigen::VectorXd& rates(std::ptrdiff_t x_flat) const {
    require(x_flat >= 0 && x_flat < m_grid.x_size(),
            "CollisionOperator: x index {} outside [0, {})", x_flat, m_grid.x_size());
    return m_groups[m_group_of[static_cast<std::size_t>(x_flat)]].rates;
  }
  /// \brief λ(k) of the uncompressed kernel at x_flat.
  [[nodiscard]] const Eigen::VectorXd& full_rates(std::ptrdiff_t x_flat) const {
    (void)rates(x_flat);
    return m_groups[m_group_of[static_cast<std::size_t>(x_flat)]].full_rates;
  }
  /// \brief The generator of the collision step at the x-point x_flat: the N_k × N_k matrix
  /// C = S − diag λ with Q[W](x, ·) = C W(x, ·), symmetric, zero column sums (dense even when
  /// the kernel is compressed: then the kept entries and the kept rates).
  [[nodiscard]] Eigen::MatrixXd generator(std::ptrdiff_t x_flat) const {
    (void)rates(x_flat);  // checks x_flat
    const auto& g = m_groups[m_group_of[static_cast<std::size_t>(x_flat)]];
    Eigen::MatrixXd c = compressed() ? Eigen::MatrixXd(g.sparse) : g.dense;
    c.diagonal() -= g.rates;
    return c;
  }
  /// \brief max over the grid of λ.
  [[nodiscard]] double max_rate() const noexcept { return m_max_rate; }
  /// \brief The largest SSP-RK3 step that keeps W ≥ 0: 1/max λ.
  [[nodiscard]] double max_stable_dt() const noexcept {
    return m_max_rate > 0 ? 1 / m_max_rate : std::numeric_limits<double>::infinity();
  }

  /// \brief out = Q[W].
  /// \pre W.size() == grid().size() (invalid_argument otherwise).
  void apply(const Field& W, Field& out) const {
    require(W.size() == m_grid.size(), "CollisionOperator::apply: W has {} entries, expected {}",
            W.size(), m_grid.size());
    out.resize(m_grid.size());
    const Eigen::Index nx = m_grid.x_size(), nk = m_grid.k_size();
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMajor> w(W.data(), nx, nk);
    Eigen::Map<RowMajor> q(out.data(), nx, nk);
    if (m_groups.size() == 1) {
      const auto& g = m_groups.front();
      // W·S (S symmetric) for every x at once: one GEMM (or dense × sparse product).
      if (compressed())
        q.noalias() = w * g.sparse;
      else
        q.noalias() = w * g.dense;
      q -= (w.array().rowwise() * g.rates.transpose().array()).matrix();
      return;
    }
    for (const auto& g : m_groups) {
      // Gather the group's rows into its preallocated block, one product, scatter back.
      for (std::size_t r = 0; r < g.points.size(); ++r)
        g.block.row(static_cast<Eigen::Index>(r)) = w.row(g.points[r]);
      if (compressed())
        g.result.noalias() = g.block * g.sparse;
      else
        g.result.noalias() = g.block * g.dense;
      g.result -= (g.block.array().rowwise() * g.rates.transpose().array()).matrix();
      for (std::size_t r = 0; r < g.points.size(); ++r)
        q.row(g.points[r]) = g.result.row(static_cast<Eigen::Index>(r));
    }
  }

  /// \brief Advances W_t = Q[W] from t to t + dt by SSP-RK3 in ceil(dt·max λ) equal
  /// substeps (each within max_stable_dt); returns the number of substeps.
  /// \pre W.size() == grid().size(), W finite, dt finite and > 0.
  int step(Field& W, double dt) {
    require(std::isfinite(dt) && dt > 0,
            "CollisionOperator::step: dt must be finite and > 0, got {}", dt);
    require(W.size() == m_grid.size(), "CollisionOperator::step: W has {} entries, expected {}",
            W.size(), m_grid.size());
    require_finite(W, "CollisionOperator::step: W");
    const int substeps = std::max(1, static_cast<int>(std::ceil(dt * m_max_rate * (1 - 1e-12))));
    const double h = dt / substeps;
    for (int s = 0; s < substeps; ++s) {
      apply(W, m_work);
      m_w1 = W + h * m_work;
      apply(m_w1, m_work);
      m_w2 = 0.75 * W + 0.25 * (m_w1 + h * m_work);
      apply(m_w2, m_work);
      W = (1.0 / 3) * W + (2.0 / 3) * (m_w2 + h * m_work);
    }
    return substeps;
  }

 private:
  using Sparse = Eigen::SparseMatrix<double, Eigen::ColMajor>;
  struct Group {
    double mass = 0;
    std::vector<Eigen::Index> points;
    Eigen::MatrixXd dense;
    Sparse sparse;
    Eigen::VectorXd rates, full_rates;
    // Work arrays of apply() for a group of several x-points, sized once at assembly.
    mutable Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> block, result;
  };

  // σ(k, p) = (2π)^{−d} ¼ (p·k)² R̂((m_0/2)(|p|² − |k|²), p − k).
  [[nodiscard]] double sigma(double mass, const Vector& k, const Vector& p) const {
    const double pk = p.dot(k);
    const double omega = 0.5 * mass * (p.squaredNorm() - k.squaredNorm());
    const Vector q = p - k;
    return 0.25 * pk * pk * m_kernel.spectral_density(omega, q) /
           std::pow(2 * std::numbers::pi, Dim);
  }

  void assemble(Group& g) {
    const Eigen::Index nk = m_grid.k_size();
    const double weight = m_grid.k_cell_volume();
    Eigen::MatrixXd s(nk, nk);
    for (Eigen::Index p = 0; p < nk; ++p) {
      for (Eigen::Index k = 0; k <= p; ++k) {
        const double value = weight * sigma(g.mass, m_k_points[static_cast<std::size_t>(k)],
                                            m_k_points[static_cast<std::size_t>(p)]);
        require(std::isfinite(value) && value >= 0,
                "CollisionOperator: the kernel R-hat gave {} (must be finite and >= 0)", value);
        s(k, p) = value;
        s(p, k) = value;
      }
    }
    g.full_rates = s.rowwise().sum();
    if (!compressed()) {
      g.rates = g.full_rates;
      g.dense = std::move(s);
    } else {
      compress(g, s);
    }
    m_max_rate = std::max(m_max_rate, g.rates.maxCoeff());
  }

  // Row-wise dropping with a symmetric keep mask (CollisionOptions).
  void compress(Group& g, const Eigen::MatrixXd& s) {
    const Eigen::Index nk = s.rows();
    std::vector<std::vector<bool>> keep(static_cast<std::size_t>(nk),
                                        std::vector<bool>(static_cast<std::size_t>(nk), false));
    std::vector<Eigen::Index> order(static_cast<std::size_t>(nk));
    for (Eigen::Index k = 0; k < nk; ++k) {
      for (Eigen::Index p = 0; p < nk; ++p) order[static_cast<std::size_t>(p)] = p;
      std::sort(order.begin(), order.end(),
                [&](Eigen::Index a, Eigen::Index b) { return s(k, a) < s(k, b); });
      const double budget = m_options.compression_tolerance * g.full_rates[k];
      double dropped = 0;
      std::size_t first_kept = 0;
      while (first_kept < order.size() && dropped + s(k, order[first_kept]) <= budget)
        dropped += s(k, order[first_kept++]);
      for (std::size_t r = first_kept; r < order.size(); ++r)
        keep[static_cast<std::size_t>(k)][static_cast<std::size_t>(order[r])] = true;
    }
    std::vector<Eigen::Triplet<double>> entries;
    for (Eigen::Index k = 0; k < nk; ++k)
      for (Eigen::Index p = 0; p < nk; ++p)
        if (keep[static_cast<std::size_t>(k)][static_cast<std::size_t>(p)] ||
            keep[static_cast<std::size_t>(p)][static_cast<std::size_t>(k)])
          entries.emplace_back(k, p, s(k, p));
    g.sparse.resize(nk, nk);
    g.sparse.setFromTriplets(entries.begin(), entries.end());
    g.sparse.makeCompressed();
    g.rates = Eigen::VectorXd::Zero(nk);
    for (Eigen::Index c = 0; c < g.sparse.outerSize(); ++c)
      for (Sparse::InnerIterator it(g.sparse, c); it; ++it) g.rates[it.row()] += it.value();
  }

  PhaseSpaceGrid<Dim> m_grid;
  Kernel m_kernel;
  CollisionOptions m_options;
  std::vector<Group> m_groups;
  std::vector<std::size_t> m_group_of;
  std::vector<Vector> m_k_points;
  double m_max_rate = 0;
  Field m_work, m_w1, m_w2;
};

}  // namespace wavekin
