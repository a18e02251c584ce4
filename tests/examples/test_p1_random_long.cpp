// Long study (label `long`): the Monte Carlo mean of the 1D Schrödinger equation P1 (4.1) with a
// weak random potential against the x-homogeneous (C.3) and (4.15), away from band crossings
// (examples/p1_ground_truth/random_study.hpp; docs/p1_ground_truth.md). The hidden [study] cases
// print the tables of the docs: build/release/tests/examples/test_p1_random_long "[study]".
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "p1_ground_truth/random_study.hpp"

// One namespace per test file.
namespace wavekin_test_p1_random_long {

using wavekin::examples::p1_ground_truth::RandomStudyParameters;
using wavekin::examples::p1_ground_truth::RandomStudyResult;
using wavekin::examples::p1_ground_truth::run_random_study;

namespace {

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atoi(value) : fallback;
}

void print(const RandomStudyResult& r) {
  fmt::print("ε = 1/{:.0f}: M = {}, {} grid points, {} steps, p₀ = {:.4f}, β = {:.4f} "
             "(μ = 0 share {:.2e}), {} samples, {:.3f} s/sample\n",
             1 / r.parameters.epsilon, r.cells, r.grid_points, r.steps, r.p0, r.rate, r.mu0_share,
             r.samples, r.seconds_per_sample);
  for (std::size_t j = 0; j < r.slope_mean.size(); ++j) {
    fmt::print("  band {}: slope MC {:.5f} ± {:.5f}, (C.3) {:.5f}, (4.15) {:.5f}; "
               "MC/(C.3) = {:.4f} ± {:.4f}\n",
               j, r.slope_mean[j], r.slope_se[j], r.slope_c3[j], r.slope_415[j],
               r.slope_mean[j] / r.slope_c3[j], r.slope_se[j] / r.slope_c3[j]);
    for (std::size_t k = 0; k < r.times.size(); ++k)
      fmt::print("    t = {:.4f}: T_MC = {:.5f} ± {:.5f}, T_(C.3) = {:.5f}, T_(4.15) = {:.5f}\n",
                 r.times[k], r.transfer_mean[j][k], r.transfer_se[j][k], r.transfer_c3[j][k],
                 r.transfer_415[j][k]);
  }
}

}  // namespace

TEST_CASE("P1 random study: one run, parameters from the environment", "[.study]") {
  RandomStudyParameters p;
  p.epsilon = 1.0 / env_int("EPS_INV", 16);
  p.samples = static_cast<std::uint64_t>(env_int("SAMPLES", 16));
  p.threads = env_int("THREADS", 1);
  p.amplitude = env_int("D_TENTHS", 20) / 10.0;
  p.v = env_int("V_TENTHS", 10) / 10.0;
  p.dt_over_epsilon = env_int("DT_HUNDREDTHS", 10) / 100.0;
  p.points_per_cell = env_int("N_CELL", 8);
  p.seed = static_cast<std::uint64_t>(env_int("SEED", 14));
  p.box = env_int("BOX", 16);
  if (env_int("TWO_BANDS", 0) != 0) p.band_amplitudes = {1.0, std::complex<double>(0.3, 0.5)};
  print(run_random_study(p));
}

}  // namespace wavekin_test_p1_random_long
