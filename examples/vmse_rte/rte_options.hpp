// examples/vmse_rte/rte_options.hpp — the vmse_rte driver's settings (the RTE half and the Monte
// Carlo half) and the checks of them before any work (Driver::validate).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "driver.hpp"
#include "vmse_sample.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"

namespace wavekin::examples::vmse {

struct Settings {
  int n = 9;
  int dt_exponent = 12;
  double final_time = 0.4;
  double amplitude = 1.5;  // D
  double p0 = 1.5;
  double eta = 0;  // 0: 4Δk
  double compression = 1e-3;
  std::string collision = "ssp-rk3";  // or "exact" (ExactCollision)
  double checkpoint_seconds = 60;
  bool fresh = false;
};

// --paper-rte's time step 2^-e. With ExactCollision only the splitting error is left, 2.5e-6 of
// ||rho||_1 at 2^-8 on P2's grid (second order: 1e-8 at P2's 2^-12), against P2's discretisation
// error of about 9e-4 (n = 8, 9, 10): the largest 2^-e whose time error stays below 1 % of that
// (benchmarks/RESULTS.md, "RTE at P2's grid").
inline constexpr int paper_rte_dt_exponent = 8;

// Settings of the Monte Carlo half (VMSE samples against the RTE moments).
struct MonteCarloSettings {
  std::vector<int> ns{5, 6, 7};  // ε = 2^−n, Δx = 2^{−n−2}, Δt = 2^{−1.2n−3}
  std::uint64_t samples = 1000;
  std::uint64_t seed = 20261123;
  double gamma = 0.5;
  std::string sampler = "streaming";  // or "kl"
  std::string xi = "gaussian";        // or "uniform" (KL only)
  std::string nonpositive = "error";  // or "clip"
  std::string propagator = "cn";      // P2's Crank–Nicolson, or "magnus" (MagnusSpectral)
  long step_factor = 0;  // steps of factor × P2's Δt; 0: 1 for CN, magnus_step_factor for Magnus
  double checkpoint_seconds = 120;
};

// Every check of the options, before any work (Driver::validate; ranges, signs and names are
// checked by the options themselves): consistency and the memory of the RTE and the ensembles.
inline void validate(const Settings& s, const MonteCarloSettings& mc, const std::string& mode,
              int threads) {
  require(s.p0 > 1, "--p0 {} must be > 1 (the k-box is p0 +- 1)", s.p0);
  const double nx = std::round(box_length * std::ldexp(1.0, s.n)), nk = std::ldexp(2.0, s.n);
  // --collision exact adds the generator, its eigenvectors, the propagator and a product's
  // temporary, each N_k x N_k.
  const double kernels = s.collision == "exact" ? 6 : 2;
  examples::require_memory(64 * nx * nk + 8 * kernels * nk * nk,
                           fmt::format("--n {} ({} x {} phase-space points: W, its stages and "
                                       "the collision kernel{})",
                                       s.n, nx, nk,
                                       s.collision == "exact" ? " and propagator" : ""));
  if (mode == "rte") return;
  require(mc.samples >= 2 && mc.samples <= 1'000'000'000'000,
          "--samples {} must be in [2, 10^12] (10^12 samples take years at any --mc-n)",
          mc.samples);
  require(!mc.ns.empty(), "--mc-n needs at least one value");
  require(mc.xi == "gaussian" || mc.sampler == "kl", "--xi {} needs --sampler kl", mc.xi);
  const double points = std::round(box_length * std::ldexp(4.0, *std::max_element(mc.ns.begin(), mc.ns.end())));
  examples::require_memory(2 * 8 * points * points * (threads + 2),
                           fmt::format("--mc-n {} (covariance matrices of rho and J on {} points, "
                                       "per thread and merged)",
                                       *std::max_element(mc.ns.begin(), mc.ns.end()), points));
}

// The RTE's phase-space grid: x on the box, k ∈ [p0 − 1, p0 + 1], Δx = Δk = 2^{−n}.
inline PhaseSpaceGrid<1> rte_grid(const Settings& s) {
  const double h = std::ldexp(1.0, -s.n);
  return {PeriodicGrid<1>({std::lround(box_length / h)}, Eigen::Matrix<double, 1, 1>(box_length)),
          {std::lround(2.0 / h)},
          Eigen::Matrix<double, 1, 1>(s.p0 - 1),
          Eigen::Matrix<double, 1, 1>(s.p0 + 1)};
}

}  // namespace wavekin::examples::vmse
