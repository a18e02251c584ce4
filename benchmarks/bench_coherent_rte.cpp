// Benchmarks of the band-crossing coupled RTE of P1 (4.15): one CoherentRte Strang step against
// one exact CoherenceLiouville step on the same grids, and assembly of CoherentCollision (4.15)
// and BandDiagonalCollision (C.3) with their sparsity as counters. SPDX-License-Identifier: MIT
//
// Step benchmarks: V(x) = 2 cos 2πx on the unit lattice (the tests' 1D crystal), bands 0 and 1,
// Gaussian R̂ of length 0.5, ε = 0.5, x ∈ [0, 2π) periodic; arguments (N_x, N_p). Assembly
// benchmarks: the same crystal in 1D (argument N_p) and the 2D empty lattice with 4 bands
// (argument N_p per axis); and the (5.2) patch of graphene_valleys: honeycomb wells V_0 = 20,
// s = 0.15, E_cut = 300 (42 plane waves), the balls |p − K|, |p − K'| ≤ 3ε at ε = 0.04 cut from a
// zone grid of spacing ε/r (argument r·10), Gaussian R̂ of length 0.3, μ-sum to 1e-8. Everything
// else (Bloch solves included) is done once per size, outside the timed loop.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <ctime>
#include <map>
#include <memory>
#include <numbers>
#include <utility>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/crossing.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/coherent_rte.hpp"
#include "wavekin/coherence/from_bloch.hpp"

#include "bench_support.hpp"

namespace {

using wavekin::bench::thread_seconds;

using wavekin::GaussianCorrelation;
using wavekin::Lattice;
using cplx = std::complex<double>;
using Vec1 = Eigen::Matrix<double, 1, 1>;
constexpr double pi = std::numbers::pi;
constexpr double dt = 0.01;

const Lattice<1> line = Lattice<1>::line(1.0);

// V(x) = 2 cos 2πx on the unit lattice, two lowest bands on N_p zone vertices.
wavekin::BandTable<1> crystal_table(Eigen::Index points) {
  const wavekin::CosineSum<1> potential({{2.0, wavekin::lattice_index(1)}});
  return wavekin::BandTable<1>::uniform_grid(
      wavekin::BlochSolver(line, potential, {.energy_cutoff = 300}), {points}, 2);
}

// Solver, a second Liouville propagator and the initial field for one (N_x, N_p), built once.
struct Setup {
  wavekin::CoherentRte<1> rte;
  wavekin::CoherenceLiouville<1> liouville;
  wavekin::CoherenceField<1> initial;
  Setup(const wavekin::BandTable<1>& table, std::ptrdiff_t nx, Eigen::Index np)
      : rte(wavekin::PeriodicGrid<1>::cube(nx, 2 * pi),
            wavekin::band_data_from_table(table, {0, 1}), 0.5,
            wavekin::CoherentCollision<1>(wavekin::collision_bands_from_table(line, table, {0, 1}),
                                          GaussianCorrelation<1>(0.5))),
        liouville(rte.liouville().grid(), rte.liouville().bands(), 0.5),
        initial(rte.liouville().grid(), wavekin::ZoneGrid<1>(line, {np}).quadrature(),
                2) {
    initial.set_band_projected(
        [](const Vec1& x) {
          Eigen::VectorXcd a(2);
          a << std::exp(std::cos(x[0])), 0.5 * std::exp(cplx(0, std::sin(x[0])));
          return a;
        },
        [](const Vec1& p) { return 1 + 0.5 * std::cos(p[0]); });
  }
};

Setup& setup(std::ptrdiff_t nx, Eigen::Index np) {
  static std::map<Eigen::Index, std::unique_ptr<wavekin::BandTable<1>>> tables;
  static std::map<std::pair<std::ptrdiff_t, Eigen::Index>, std::unique_ptr<Setup>> cache;
  auto& table = tables[np];
  if (!table) table = std::make_unique<wavekin::BandTable<1>>(crystal_table(np));
  auto& slot = cache[{nx, np}];
  if (!slot) slot = std::make_unique<Setup>(*table, nx, np);
  return *slot;
}

// One CoherentRte step is timed; after each, with the timer paused, one full exact Liouville step
// and one collision step (the Strang step's two parts) are timed on a second copy with the
// thread's CPU clock, so that the ratios compare the same moments of a shared, noisy machine.
void coherent_rte_step(benchmark::State& state) {
  auto& s = setup(state.range(0), state.range(1));
  auto field = s.initial, probe = s.initial;
  double step_cpu = 0, liouville_cpu = 0, collide_cpu = 0;
  for (auto _ : state) {
    const double t0 = thread_seconds();
    s.rte.step(field, 0.0, dt);
    benchmark::DoNotOptimize(field.values().data());
    const double t1 = thread_seconds();
    state.PauseTiming();
    s.liouville.step(probe, 0.0, dt);
    const double t2 = thread_seconds();
    s.rte.collide(probe, dt);
    benchmark::DoNotOptimize(probe.values().data());
    const double t3 = thread_seconds();
    state.ResumeTiming();
    step_cpu += t1 - t0;
    liouville_cpu += t2 - t1;
    collide_cpu += t3 - t2;
  }
  const auto points = static_cast<double>(field.grid().size() * field.momentum_count());
  const auto steps = static_cast<double>(state.iterations());
  state.counters["xp_points"] = points;
  state.counters["step_ns_per_xp"] = 1e9 * step_cpu / steps / points;
  state.counters["liouville_ns_per_xp"] = 1e9 * liouville_cpu / steps / points;
  state.counters["step_over_liouville"] = step_cpu / liouville_cpu;
  state.counters["collide_over_liouville"] = collide_cpu / liouville_cpu;
  const auto& q = s.rte.collision();
  state.counters["rk4_substeps"] = std::max(1.0, std::ceil(dt * q.spectral_bound() / 2));
}

template <class Operator>
void set_sparsity_counters(benchmark::State& state, const Operator& op) {
  const auto& m = op.matrix();
  state.counters["rows"] = static_cast<double>(m.rows());
  state.counters["nonzeros"] = static_cast<double>(m.nonZeros());
  state.counters["nnz_per_row"] = static_cast<double>(m.nonZeros()) / static_cast<double>(m.rows());
  state.counters["fill"] = static_cast<double>(m.nonZeros()) /
                           (static_cast<double>(m.rows()) * static_cast<double>(m.cols()));
  state.counters["mu_count"] = static_cast<double>(op.mu_count());
}

// Assembly of Operator (CoherentCollision or BandDiagonalCollision) from given band data.
template <class Operator, int Dim>
void time_assembly(benchmark::State& state, const wavekin::CollisionBands<Dim>& bands,
                   const GaussianCorrelation<Dim>& r) {
  for (auto _ : state) {
    const Operator op(bands, r);
    benchmark::DoNotOptimize(op.matrix().valuePtr());
    state.PauseTiming();
    set_sparsity_counters(state, op);
    state.ResumeTiming();
  }
}

// The 1D crystal, N_p = state.range(0) vertices, 2 bands.
template <class Operator>
void assembly_1d(benchmark::State& state) {
  time_assembly<Operator>(
      state, wavekin::collision_bands_from_table(line, crystal_table(state.range(0)), {0, 1}),
      GaussianCorrelation<1>(0.5));
}

// The 2D empty lattice (square, unit), N_p = state.range(0)² vertices, 4 bands.
template <class Operator>
void assembly_2d_empty(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  time_assembly<Operator>(
      state, wavekin::empty_lattice_collision_bands<2>(Lattice<2>::square(1.0), {n, n}, 4),
      GaussianCorrelation<2>(0.8));
}

// The (5.2) patch: CollisionBands from honeycomb Bloch states on the two balls, spacing ε/r.
wavekin::CollisionBands<2> graphene_patch(double resolution) {
  const auto lattice = Lattice<2>::triangular(1.0);
  const wavekin::BlochSolver solver(lattice, wavekin::HoneycombWells<>(20.0, 0.15),
                                    {.energy_cutoff = 300});
  const double epsilon = 0.04;
  auto n = static_cast<Eigen::Index>(
      std::ceil(lattice.dual_basis().col(0).norm() * resolution / epsilon));
  if (n % 3 == 0) ++n;  // no vertex on K, K'
  const Eigen::Vector2d k = wavekin::dirac_points(lattice)[0];
  const std::array<Eigen::Index, 2> shape{n, n};
  const auto patch = wavekin::ZoneGrid<2>(lattice, shape)
                         .restricted_to_balls({k, Eigen::Vector2d(-k)}, 3 * epsilon);
  std::vector<wavekin::BlochState<2, double>> states;
  for (const auto& p : patch.quadrature().points) states.push_back(solver.solve(p, 3));
  return wavekin::collision_bands_from_states<2>(patch, states, {0, 1});
}

void assembly_graphene_patch(benchmark::State& state) {
  const auto bands = graphene_patch(static_cast<double>(state.range(0)) / 10);
  const GaussianCorrelation<2> r(0.3);
  for (auto _ : state) {
    const wavekin::CoherentCollision<2> op(bands, r, {.mu_tolerance = 1e-8});
    benchmark::DoNotOptimize(op.matrix().valuePtr());
    state.PauseTiming();
    set_sparsity_counters(state, op);
    state.counters["patch_vertices"] = static_cast<double>(op.vertex_count());
    state.ResumeTiming();
  }
}

// (N_x, N_p): 64 or 256 x-points × 64 or 256 zone vertices, n = 2 (4 blocks per vertex).
void step_sizes(benchmark::internal::Benchmark* b) {
  for (const int np : {64, 256})
    for (const int nx : {64, 256}) b->Args({nx, np});
  b->Unit(benchmark::kMillisecond);
}

// Assembly: N_p = 64, 256 in 1D (3 repetitions); 8², 16² in 2D, once (16² takes ~0.4 s and the
// cost grows like N_p², so 32² would take ~6 s).
void assembly_sizes_1d(benchmark::internal::Benchmark* b) {
  b->Arg(64)->Arg(256)->Iterations(3)->Unit(benchmark::kMillisecond);
}
void assembly_sizes_2d(benchmark::internal::Benchmark* b) {
  b->Arg(8)->Arg(16)->Iterations(1)->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(coherent_rte_step)->Apply(step_sizes);
BENCHMARK(assembly_1d<wavekin::CoherentCollision<1>>)->Apply(assembly_sizes_1d);
BENCHMARK(assembly_1d<wavekin::BandDiagonalCollision<1>>)->Apply(assembly_sizes_1d);
BENCHMARK(assembly_2d_empty<wavekin::CoherentCollision<2>>)->Apply(assembly_sizes_2d);
BENCHMARK(assembly_2d_empty<wavekin::BandDiagonalCollision<2>>)->Apply(assembly_sizes_2d);
// (5.2) patch at spacing ε/2.5, ε/3.5, ε/5 (about 400, 800, 1600 vertices), once each.
BENCHMARK(assembly_graphene_patch)
    ->Arg(25)
    ->Arg(35)
    ->Arg(50)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
