// Benchmarks of the radiative transfer step of P2 §4.2.2 (m_0 = 1, a = b = 100, D = 1.5) on
// x ∈ [0, 1.625), k ∈ [0.5, 2.5] with Δx = Δk = 2^-n: the collision operator applied as one
// GEMV per x-point (what a per-point implementation costs), as the fast path's single GEMM,
// and compressed (sparse) at two tolerances; one exact collision step (ExactCollision: one GEMM
// with e^{Δt C}); plus one exact shift-transport step.
// SPDX-License-Identifier: MIT
//
// Argument: n (Δx = Δk = 2^-n). n = 10 is the paper's grid (1664 × 2048 phase-space points);
// assembly of the 2048² kernel happens once, outside the timed loop.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "wavekin/kinetic/collision_operator.hpp"
#include "wavekin/kinetic/exact_collision.hpp"
#include "wavekin/kinetic/spectral_shift_transport.hpp"

namespace {

using Kernel = wavekin::SeparableCorrelation<>;
using Collision = wavekin::CollisionOperator<1, Kernel>;
using Vec1 = Eigen::Matrix<double, 1, 1>;

wavekin::PhaseSpaceGrid<1> paper_grid(int n) {
  const double h = std::ldexp(1.0, -n);
  const auto nx = static_cast<std::ptrdiff_t>(std::lround(1.625 / h));
  const auto nk = static_cast<std::ptrdiff_t>(std::lround(2.0 / h));
  return {wavekin::PeriodicGrid<1>({nx}, Vec1(1.625)), {nk}, Vec1(0.5), Vec1(2.5)};
}

// Operators are assembled once per (n, tolerance) and reused by every row.
const Collision& collision(int n, double tolerance) {
  static std::map<std::pair<int, double>, std::unique_ptr<Collision>> cache;
  auto& slot = cache[{n, tolerance}];
  if (!slot)
    slot =
        std::make_unique<Collision>(paper_grid(n), Kernel(1.5, 100, 100), 1.0,
                                    wavekin::CollisionOptions{.compression_tolerance = tolerance});
  return *slot;
}

Eigen::VectorXd smooth_field(const wavekin::PhaseSpaceGrid<1>& g) {
  Eigen::VectorXd w(g.size());
  for (std::ptrdiff_t i = 0; i < g.x_size(); ++i)
    for (std::ptrdiff_t q = 0; q < g.k_size(); ++q) {
      const double x = g.x_point(i)[0] - 0.3, k = g.k_coordinate(0, q) - 1.5;
      w[i * g.k_size() + q] = std::exp(-256 * x * x - 50 * k * k);
    }
  return w;
}

void collision_fast_path_gemm(benchmark::State& state) {
  const auto& c = collision(static_cast<int>(state.range(0)), 0);
  const Eigen::VectorXd w = smooth_field(c.grid());
  Eigen::VectorXd q;
  for (auto _ : state) {
    c.apply(w, q);
    benchmark::DoNotOptimize(q.data());
  }
  state.counters["phase_space_points"] = static_cast<double>(c.grid().size());
}

// The same dense kernel applied one x-point at a time (one GEMV per row of W): the cost
// of an implementation that does not batch the x-points into one product.
void collision_dense_per_x(benchmark::State& state) {
  const auto& c = collision(static_cast<int>(state.range(0)), 0);
  const auto& g = c.grid();
  const Eigen::Index nk = g.k_size();
  Eigen::MatrixXd s(nk, nk);  // recover S column by column: Q[e_j] + λ_j e_j
  {
    wavekin::PhaseSpaceGrid<1> one(wavekin::PeriodicGrid<1>({4}, Vec1(1.0)), {nk}, g.k_min(),
                                   g.k_max());
    const Collision small(one, Kernel(1.5, 100, 100), 1.0);
    Eigen::VectorXd e = Eigen::VectorXd::Zero(one.size()), column;
    for (Eigen::Index j = 0; j < nk; ++j) {
      e.setZero();
      e[j] = 1;
      small.apply(e, column);
      s.col(j) = column.head(nk);
      s(j, j) += small.rates(0)[j];
    }
  }
  const Eigen::VectorXd& rates = c.rates(0);
  const Eigen::VectorXd w = smooth_field(g);
  Eigen::VectorXd q(g.size());
  for (auto _ : state) {
    for (Eigen::Index i = 0; i < g.x_size(); ++i) {
      q.segment(i * nk, nk).noalias() = s * w.segment(i * nk, nk);
      q.segment(i * nk, nk) -= rates.cwiseProduct(w.segment(i * nk, nk));
    }
    benchmark::DoNotOptimize(q.data());
  }
}

void collision_compressed(benchmark::State& state) {
  const double tolerance = std::pow(10.0, -static_cast<double>(state.range(1)));
  const auto& c = collision(static_cast<int>(state.range(0)), tolerance);
  const Eigen::VectorXd w = smooth_field(c.grid());
  Eigen::VectorXd q;
  for (auto _ : state) {
    c.apply(w, q);
    benchmark::DoNotOptimize(q.data());
  }
  state.counters["kept_fraction"] = c.kept_fraction();
}

// One exact collision step W ← W e^{Δt C} (ExactCollision, dense kernel, Δt = 2^-12): one GEMM
// with the N_k × N_k propagator. Its eigendecomposition and product happen once, untimed.
void exact_collision_step(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  static std::map<int, std::unique_ptr<wavekin::ExactCollision<1, Kernel>>> cache;
  auto& exact = cache[n];
  if (!exact) {
    exact = std::make_unique<wavekin::ExactCollision<1, Kernel>>(collision(n, 0));
    (void)exact->propagator(std::ldexp(1.0, -12));
  }
  Eigen::VectorXd w = smooth_field(exact->grid());
  for (auto _ : state) {
    exact->step(w, std::ldexp(1.0, -12));
    benchmark::DoNotOptimize(w.data());
  }
}

void shift_transport_step(benchmark::State& state) {
  const auto g = paper_grid(static_cast<int>(state.range(0)));
  wavekin::SpectralShiftTransport<1> transport(g, 1.0);
  Eigen::VectorXd w = smooth_field(g);
  double t = 0;
  for (auto _ : state) {
    transport.step(w, t, std::ldexp(1.0, -12));
    t += std::ldexp(1.0, -12);
  }
}

}  // namespace

BENCHMARK(collision_fast_path_gemm)->Arg(8)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(collision_dense_per_x)->Arg(8)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(collision_compressed)
    ->Args({8, 3})
    ->Args({8, 6})
    ->Args({10, 3})
    ->Args({10, 6})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(exact_collision_step)->Arg(8)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(shift_transport_step)->Arg(8)->Arg(10)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
