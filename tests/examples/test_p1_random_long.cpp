// Long study (label `long`): the Monte Carlo mean of the Schrödinger equation P1 (4.1) with a
// weak random potential against the x-homogeneous (C.3) and (4.15) away from band crossings (1D),
// and against (5.2) and (5.3)–(5.4) at the Dirac point (2D)
// (examples/p1_ground_truth/random_study.hpp, dirac_study.hpp; docs/p1_ground_truth.md). The
// hidden cases print the tables of the docs: build/release/tests/examples/test_p1_random_long
// "[.study]" (also "[.study2d]", with COHERENT=1 against (4.15) too, WINDOW_TAIL_EXP=k for (4.15)
// on the energy shells that hold all but 10^-k of the data at each end, and "[.dirac]").
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "p1_ground_truth/dirac_study.hpp"
#include "p1_ground_truth/random_study.hpp"

// One namespace per test file.
namespace wavekin_test_p1_random_long {

using wavekin::examples::p1_ground_truth::RandomDiracParameters;
using wavekin::examples::p1_ground_truth::RandomDiracResult;
using wavekin::examples::p1_ground_truth::RandomStudy2dParameters;
using wavekin::examples::p1_ground_truth::RandomStudyParameters;
using wavekin::examples::p1_ground_truth::RandomStudyResult;
using wavekin::examples::p1_ground_truth::run_random_study;
using wavekin::examples::p1_ground_truth::run_random_dirac_study;
using wavekin::examples::p1_ground_truth::run_random_study_2d;

namespace {

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atoi(value) : fallback;
}

// The parameters the studies read: EPS_INV, SAMPLES, THREADS, D_TENTHS, DT_HUNDREDTHS, N_CELL,
// SEED, CHECKPOINT (the defaults given for those that differ between them).
template <class Parameters>
void read_common(Parameters& p, int eps_inv, int d_tenths, int dt_hundredths) {
  p.epsilon = 1.0 / env_int("EPS_INV", eps_inv);
  p.samples = static_cast<std::uint64_t>(env_int("SAMPLES", 16));
  p.threads = env_int("THREADS", 1);
  p.amplitude = env_int("D_TENTHS", d_tenths) / 10.0;
  p.dt_over_epsilon = env_int("DT_HUNDREDTHS", dt_hundredths) / 100.0;
  p.points_per_cell = env_int("N_CELL", 8);
  p.seed = static_cast<std::uint64_t>(env_int("SEED", 14));
  if (const char* checkpoint = std::getenv("CHECKPOINT"); checkpoint != nullptr)
    p.checkpoint = checkpoint;  // Ensemble's checkpoint file: a killed run resumes from it
}

void print(const RandomStudyResult& r) {
  fmt::print("ε = 1/{:.0f}: M = {}, {} grid points, {} steps, p₀ = {:.4f}, β = {:.4f} "
             "(μ = 0 share {:.2e}), {} samples, {:.3f} s/sample\n",
             1 / r.parameters.epsilon, r.cells, r.grid_points, r.steps, r.p0, r.rate, r.mu0_share,
             r.samples, r.seconds_per_sample);
  for (std::size_t j = 0; j < r.slope_mean.size(); ++j) {
    fmt::print(
        "  band {}: slope MC {:.5f} ± {:.5f}, (C.3) {:.5f}, (4.15) {:.5f}; "
        "MC/(C.3) = {:.4f} ± {:.4f}\n",
        j, r.slope_mean[j], r.slope_se[j], r.slope_c3[j], r.slope_415[j],
        r.slope_mean[j] / r.slope_c3[j], r.slope_se[j] / r.slope_c3[j]);
    fmt::print(
        "  band {}: late slope (βt in [0.25, 0.5]) MC {:.5f} ± {:.5f}, (C.3) {:.5f}, "
        "(4.15) {:.5f}; MC/(C.3) = {:.4f} ± {:.4f}\n",
        j, r.late_mean[j], r.late_se[j], r.late_c3[j], r.late_415[j], r.late_mean[j] / r.late_c3[j],
        r.late_se[j] / r.late_c3[j]);
    for (std::size_t k = 0; k < r.times.size(); ++k)
      fmt::print("    t = {:.4f}: T_MC = {:.5f} ± {:.5f}, T_(C.3) = {:.5f}, T_(4.15) = {:.5f}\n",
                 r.times[k], r.transfer_mean[j][k], r.transfer_se[j][k], r.transfer_c3[j][k],
                 r.transfer_415[j][k]);
  }
}

void print(const RandomDiracResult& r) {
  const auto& p = r.parameters;
  fmt::print(
      "Dirac ε = 1/{:.0f}: M = {}, {} grid points, {} steps, ℓ = {}, D = {}, width {}, "
      "radius {}; bands {}, {} (E_* = {:.5f}, splitting {:.1e}, gap in the balls {:.3f}), "
      "off-valley shell gap {:.3f}, packet energy spread {:.3f}, {} ball vertices, tr S^K(0) = "
      "{:.5f}; rates dP_K'/dt(0): (5.3)-(5.4) {:.5f}, (5.2) "
      "{:.5f}; {} samples, {:.3f} s/sample\n",
      1 / p.epsilon, r.cells, r.grid_points, r.steps, p.correlation_length, p.amplitude, p.width,
      p.radius, r.dirac_band, r.dirac_band + 1, r.dirac_energy, r.splitting, r.ball_gap,
      r.shell_gap, r.energy_spread, r.ball_vertices, r.valley_norm, r.intervalley_rate,
      r.shell_rate, r.samples, r.seconds_per_sample);
  using wavekin::examples::p1_ground_truth::detail::late_slope;
  fmt::print(
      "  late slope (t in [T/2, T]) of the K' disc: MC {:.5f} ± {:.5f}, (5.2) {:.5f}, "
      "(5.3)-(5.4) {:.5f}; of the half zone: MC {:.5f} ± {:.5f}\n",
      r.late_mean[0], r.late_se[0], late_slope(r.times, r.transfer_52),
      late_slope(r.times, r.transfer_53), r.late_mean[1], r.late_se[1]);
  for (std::size_t k = 0; k < r.times.size(); ++k) {
    const double se = r.transfer_se[0][k];
    fmt::print(
        "    t = {:.3f}: K' disc MC = {:.5f} ± {:.5f}, half zone MC = {:.5f} ± {:.5f}, "
        "(5.2) = {:.5f}, (5.3)-(5.4) = {:.5f}; disc − (5.2) = {:+.1f} se, disc − "
        "(5.3)-(5.4) = {:+.1f} se\n",
        r.times[k], r.transfer_mean[0][k], se, r.transfer_mean[1][k], r.transfer_se[1][k],
        r.transfer_52[k], r.transfer_53[k],
        se > 0 ? (r.transfer_mean[0][k] - r.transfer_52[k]) / se : 0.0,
        se > 0 ? (r.transfer_mean[0][k] - r.transfer_53[k]) / se : 0.0);
  }
}

}  // namespace

// ε = 1/16, D = 2, ℓ = 1, V = 2cos 2πz, p₀ = 3π/4, 1000 samples (about 0.09 s each on one
// core: 2048 points, 840 split-step steps of Δt = 0.05ε). The (C.3) backscattering rate at p₀ is
// β = 0.193, 99.97 % of it from the umklapp term (μ ≠ 0 in the centred zone). Asserted: the
// slope dT/dt of the transferred population over βt ∈ [0.25, 0.5] within 3 Monte Carlo standard
// errors of the x-homogeneous (C.3) slope (a wrong κ, c_d, √ε scaling or μ-sum is off by a
// factor: P1's κ by 2π, the μ = 0 term alone by 3000). The slope over (0, 0.5] carries the
// transient offset documented in docs/p1_ground_truth.md and is printed, not asserted.
TEST_CASE("P1 random study: the 1D backscattering slope is (C.3)'s within 3 standard errors",
          "[p1_random]") {
  RandomStudyParameters p;
  p.epsilon = 1.0 / 16;
  p.samples = 1000;
  p.threads = 2;
  p.dt_over_epsilon = 0.05;
  const auto r = run_random_study(p);
  print(r);
  CHECK(r.mu0_share < 1e-3);
  CAPTURE(r.late_mean[0], r.late_se[0], r.late_c3[0]);
  CHECK(std::abs(r.late_mean[0] - r.late_c3[0]) < 3 * r.late_se[0]);
  // Power: 3 standard errors are below 10 % of the slope.
  CHECK(3 * r.late_se[0] < 0.1 * r.late_c3[0]);
  // (4.15) and (C.3) agree on band-diagonal data to the O(ε) coherences (band 0 only here).
  CHECK(std::abs(r.late_415[0] - r.late_c3[0]) < 0.01 * r.late_c3[0]);
}

TEST_CASE("P1 random study: one run, parameters from the environment", "[.study]") {
  RandomStudyParameters p;
  read_common(p, 16, 20, 10);
  p.v = env_int("V_TENTHS", 10) / 10.0;
  p.box = env_int("BOX", 16);
  if (env_int("TWO_BANDS", 0) != 0) p.band_amplitudes = {1.0, std::complex<double>(0.3, 0.5)};
  print(run_random_study(p));
}

// 2D, honeycomb-type crystal away from the Dirac point: the population scattered out of a disc
// around p₀, Monte Carlo against (C.3) (docs/p1_ground_truth.md, "Random potential, away from
// crossings (2D)"). Parameters from the environment as above, plus V0_TENTHS, OFFSET_HUNDREDTHS,
// SIDE (M = SIDE/ε), RADIUS_TENTHS.
TEST_CASE("P1 random study 2D: one run, parameters from the environment", "[.study2d]") {
  RandomStudy2dParameters p;
  read_common(p, 8, 10, 5);
  p.v0 = env_int("V0_TENTHS", 10) / 10.0;
  p.offset = env_int("OFFSET_HUNDREDTHS", 45) / 100.0;
  p.side = env_int("SIDE", 4);
  p.radius = env_int("RADIUS_TENTHS", 8) / 10.0;
  p.bands = env_int("BANDS", 6);
  p.coherent = env_int("COHERENT", 0) != 0;
  // WINDOW_TAIL_EXP = k: (4.15) on the energy window that drops 10^-k of Σ|f̂⁰|² at each end.
  if (const int k = env_int("WINDOW_TAIL_EXP", 0); k > 0) p.coherent_tail = std::pow(10.0, -k);
  const auto r = run_random_study_2d(p);
  fmt::print("2D ε = 1/{:.0f}: M = {}, {} grid points, {} steps, p₀ = ({:.4f}, {:.4f}), "
             "|p₀ − K'| = {:.4f}, band {} (gap {:.3f}), β = {:.4f}, {} samples, {:.3f} s/sample\n",
             1 / p.epsilon, r.cells, r.grid_points, r.steps, r.p0[0], r.p0[1],
             r.distance_to_dirac, r.band, r.gap, r.rate, r.samples, r.seconds_per_sample);
  fmt::print("  slope MC {:.5f} ± {:.5f}, (C.3) {:.5f}; MC/(C.3) = {:.4f} ± {:.4f}\n",
             r.slope_mean[0], r.slope_se[0], r.slope_c3[0], r.slope_mean[0] / r.slope_c3[0],
             r.slope_se[0] / r.slope_c3[0]);
  fmt::print("  late slope MC {:.5f} ± {:.5f}, (C.3) {:.5f}; MC/(C.3) = {:.4f} ± {:.4f}\n",
             r.late_mean[0], r.late_se[0], r.late_c3[0], r.late_mean[0] / r.late_c3[0],
             r.late_se[0] / r.late_c3[0]);
  if (p.coherent)
    fmt::print("  (4.15) on the energy shells in [{:.4f}, {:.4f}] (outside: {:.2e} of Σ|f̂⁰|²)\n",
               r.coherent_energy_min, r.coherent_energy_max, r.coherent_outside);
  if (p.coherent)
    fmt::print("  (4.15): slope {:.5f}, late slope {:.5f}; late MC/(4.15) = {:.4f} ± {:.4f}\n",
               r.slope_415[0], r.late_415[0], r.late_mean[0] / r.late_415[0],
               r.late_se[0] / r.late_415[0]);
  for (const auto& [phase, gib] : r.peak_memory_gib)
    fmt::print("  peak memory after {}: {:.2f} GiB\n", phase, gib);
  for (std::size_t k = 0; k < r.times.size(); ++k)
    fmt::print("    t = {:.4f}: S_MC = {:.5f} ± {:.5f}, S_(C.3) = {:.5f}{}\n", r.times[k],
               r.transfer_mean[0][k], r.transfer_se[0][k], r.transfer_c3[0][k],
               p.coherent ? fmt::format(", S_(4.15) = {:.5f}", r.transfer_415[0][k]) : "");
}

}  // namespace wavekin_test_p1_random_long

namespace wavekin_test_p1_random_long {

// 2D, at the Dirac point (docs/p1_ground_truth.md, "Random, at the Dirac point"): ε = 1/8,
// V = 5 Σ cos(b_j·z) on the 1 × √3 cell (E_* isolated: no other state within 1.0 of it outside
// the valley discs, against the packet's r.m.s. energy spread 0.60), ℓ = 0.4, D = 1, side 6
// (M = 48, 576² points, 320 split-step steps to T = 2), 20 samples (2.4 min on 2 threads, 4 min
// when the 2 cores are shared at load ≈ 4). Documented run: MC 0.0479 ± 0.0013 at T = 2, (5.2) 0.0496,
// (5.3)–(5.4) 0.1220. Asserted at T: the Monte Carlo K' population is within 3 of its standard
// errors of (5.2), and more than 3 from (5.3)–(5.4) (they differ by 0.072 ≈ 58 standard errors,
// so the second check has a wide margin; the first allows the statistical error only: (5.2)'s
// own O(ε) error, the dressing the disc catches, measured −1.4 se here, would fail it if it
// reached 3 se).
TEST_CASE("P1 random study at the Dirac point: the K' population follows (5.2) and not (5.3)-(5.4)",
          "[p1_random]") {
  RandomDiracParameters p;
  p.samples = 20;
  p.threads = 2;
  const auto r = run_random_dirac_study(p);
  print(r);
  // The set-up P1 §5 assumes: E_* isolated (only K and K' on the packet's energy shell).
  CHECK(r.shell_gap > r.energy_spread);
  const std::size_t last = r.times.size() - 1;
  const double mc = r.transfer_mean[0][last], se = r.transfer_se[0][last];
  CAPTURE(mc, se, r.transfer_52[last], r.transfer_53[last]);
  CHECK(std::abs(mc - r.transfer_52[last]) < 3 * se);
  CHECK(std::abs(mc - r.transfer_53[last]) > 3 * se);
}

// 2D, at the Dirac point: the K' population of a packet started at K in the two crossing bands,
// Monte Carlo against (5.2) and (5.3)–(5.4) (docs/p1_ground_truth.md, "Random, at the Dirac
// point"). Parameters from the environment as above (EPS_INV default 8, D_TENTHS 10,
// DT_HUNDREDTHS 5), plus SIDE (6), ELL_HUNDREDTHS (40), WIDTH_HUNDREDTHS (50), RADIUS_TENTHS
// (8), T_TENTHS (20), OUTPUTS (8), BANDS (4), V0_TENTHS (50), N_CELL (12).
TEST_CASE("P1 random study at the Dirac point: one run, parameters from the environment",
          "[.dirac]") {
  RandomDiracParameters p;
  read_common(p, 8, 10, 5);
  p.samples = static_cast<std::uint64_t>(env_int("SAMPLES", 20));
  p.side = env_int("SIDE", 6);
  p.correlation_length = env_int("ELL_HUNDREDTHS", 40) / 100.0;
  p.width = env_int("WIDTH_HUNDREDTHS", 50) / 100.0;
  p.radius = env_int("RADIUS_TENTHS", 8) / 10.0;
  p.final_time = env_int("T_TENTHS", 20) / 10.0;
  p.output_times = env_int("OUTPUTS", 8);
  p.bands = env_int("BANDS", 4);
  p.v0 = env_int("V0_TENTHS", 50) / 10.0;
  p.points_per_cell = env_int("N_CELL", 12);
  print(run_random_dirac_study(p));
}

}  // namespace wavekin_test_p1_random_long
