// vmse_rte — the radiative transfer limit of the VMSE with a random mass (P2 §4.2.2,
// Fig. 6): the RTE solution at t = 0.4, its phase-space picture, ρ⁰ and J⁰.
// SPDX-License-Identifier: MIT
//
// Methods.
//  1. Model (P2 (3.6), docs/conventions.md §20). ∂_t W + m_0 k ∂_x W = Q[W] on the periodic box
//     x ∈ [0, 1.625) with m_0 = 1, where
//       Q[W](k) = (2π)^{−1} ∫ ¼ p²k² R̂(½(p² − k²), p − k) [W(p) − W(k)] dp,
//     and R̂(ω, q) = 4abD²/((1 + a²ω²)(1 + b²q²)) (P2 (4.20)) with a = b = 100 and D = 1.5
//     (--D). The initial data W_I = exp(−2A(x − x_0)²) δ(k − p_0), with A = 2^8, x_0 = 0.3
//     and p_0 = 1.5 (--p0), has the δ regularised by a Gaussian of width η (--eta,
//     default 4Δk) and exact mass.
//  2. Discretisation. Δx = Δk = 2^−n (--n; P2 uses n = 10) on k ∈ [p_0 − 1, p_0 + 1].
//     Scattering is small-angle: jumps |p − k| ~ 1/(ak + b) ≈ 0.004 at a rate
//     λ(p_0) ≈ aD²p_0⁴/(2(1 + p_0)) ≈ 228, so W spreads by ~0.1 in k by t = 0.4, and
//     the back-scattering branch p ≈ −k has weight ~10^−5. The collision integral uses the
//     grid's midpoint rule (the "trapezoidal collision" of P2). It is kept dense, or
//     compressed with tolerance τ (--compression: row error ≤ τ λ(k) osc W). Transport is
//     the exact Fourier shift (m_0 = 1, V = 0). Strang splitting with Δt = 2^−12 (--dt-exp;
//     shortened to T/ceil(T 2^12) so that the run ends at T exactly) and SSP-RK3 collision
//     substeps as the rate needs (docs/errata.md item 14), or the exact collision propagator
//     e^{Δt C}, one GEMM a step (--collision exact, dense unless --compression is given;
//     --paper-rte: P2's grid with the largest Δt that keeps P2's accuracy, benchmarks/RESULTS.md).
//  3. Observables at t = 0.4: ρ⁰ = ∫W dk and J⁰ = m_0 ∫kW dk, with mass conservation,
//     the scattering rate at p_0 and the kernel's sparsity reported.
//  The state is saved every --checkpoint-seconds in rte_checkpoint.bin (io::Checkpoint: W, the
//  step index, checksum, written atomically); a restarted run with the same parameters resumes
//  from it (--fresh to start over).
//  Outputs: W_final.npy (N_x × N_k), x.npy, k.npy, rho_rte.npy, current_rte.npy,
//  rte_history.csv (t, mass, ρ peak), summary.json, rte_phase_space.png.
//  4. Monte Carlo (--mode mc or both). For each n in --mc-n: ε = 2^−n, Δx = 2^{−n−2},
//     Δt = 2^{−1.2n−3} (P2 §4.2.2); --samples VMSE samples with m^ε = 1 + ε^γ m_1(t/ε, x/ε),
//     propagated by P2's Crank–Nicolson (--propagator cn) or by MagnusSpectral at 8–32 × P2's
//     Δt (--propagator magnus, --step-factor; as accurate: magnus_step_factor in vmse_sample.hpp,
//     benchmarks/RESULTS.md "Rough masses"), m_1 drawn by the exact streaming sampler (AR(1) in
//     t and x: the covariance (4.15) at the grid points, no truncation; CN reads it at the half
//     steps, Magnus gets its exact time average over each step) or by the KL expansion
//     (4.21)–(4.28) (--sampler kl, Gaussian or uniform ξ, read at the half steps). Sample i uses
//     its own stream, so statistics do not depend on --threads; the ensemble checkpoints every
//     --checkpoint seconds and resumes. E[ρ^ε], E[J^ε], standard deviations and the
//     covariance matrices (4.30) at t = 0.4; Err_ρ = ∫|ρ⁰ − E[ρ^ε]| dx (P2 (4.29)) with ρ⁰
//     interpolated linearly from the RTE grid, and ∫ se(x) dx (se: standard error of
//     E[ρ^ε]), which bounds the expected Monte Carlo part of Err_ρ; the fitted slope over the
//     n given (P2: about 1; docs/errata.md items 12, 22: pre-asymptotic for ε ≥ 2^−7); seconds per
//     sample split into field sampling and propagation (a Table 1 analogue). The sample
//     itself is vmse_sample.hpp, shared with the benchmarks; the study loop is monte_carlo.hpp.
//  Monte Carlo outputs: errors_mc.csv; mc_n<n>_{x,mean_rho,std_rho,mean_current,
//  std_current,rho_rte,current_rte}.npy, mc_n<n>_cov_{rho,current}.npy; mc.png.
//  plot_studies.py draws the study figures of docs/radiative_transfer.md from such runs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "driver.hpp"
#include "results.hpp"
#include "rte_options.hpp"
#include "monte_carlo.hpp"
#include "vmse_sample.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/io/io.hpp"
#include "wavekin/kinetic/collision_operator.hpp"
#include "wavekin/kinetic/exact_collision.hpp"
#include "wavekin/kinetic/radiative_transfer.hpp"
#include "wavekin/kinetic/spectral_shift_transport.hpp"
#include "wavekin/random/ensemble.hpp"

namespace {

using namespace wavekin;
using Vec1 = Eigen::Matrix<double, 1, 1>;
using Kernel = SeparableCorrelation<>;
using examples::vmse::Moments;
using examples::vmse::MonteCarloSettings;
using examples::vmse::monte_carlo;
using examples::vmse::Settings;

using examples::vmse::box_length;
using examples::vmse::correlation;
using examples::vmse::packet_A;
using examples::vmse::packet_x0;

// What an RTE checkpoint restores: the step, W there, the history rows so far and the collision
// substeps per step (a run resumed at its last step takes no step of its own).
struct RteState {
  long step = 0;
  std::vector<double> history;  // rows of (t, mass, rho_max)
  int collision_substeps = 0;
};

// The state saved by a run with these parameters (io::Checkpoint), or step 0 with W unchanged if
// there is none or it is damaged or from other parameters (notice by saved_checkpoint).
RteState resume(const std::filesystem::path& path, const nlohmann::json& parameters,
                Eigen::VectorXd& w) {
  const auto saved = examples::saved_checkpoint(path, "vmse_rte.rte", parameters);
  if (!saved) return {};
  try {
    const auto& values = saved->array("W");
    require<io_error>(values.size() == static_cast<std::size_t>(w.size()),
                      "checkpoint {} holds {} values, expected {}", path.string(), values.size(),
                      w.size());
    RteState state{saved->state.at("step").get<long>(), saved->array("history"),
                   saved->state.at("collision_substeps").get<int>()};
    w = Eigen::Map<const Eigen::VectorXd>(values.data(), w.size());
    return state;
  } catch (const std::exception& e) {
    fmt::print(stderr, "  checkpoint {}: {}: starting afresh\n", path.string(), e.what());
    return {};
  }
}


// The time loop, outputs and summary of the RTE, for either collision policy (CollisionOperator's
// SSP-RK3 substeps or ExactCollision).
template <class Collision>
Moments evolve(examples::Driver& driver, const Settings& s, const PhaseSpaceGrid<1>& grid,
               Collision collision, double assembly_seconds);

Moments solve_rte(examples::Driver& driver, Settings s) {
  const auto grid = rte_grid(s);
  const double dk = grid.k_spacings()[0];
  if (s.eta == 0) s.eta = 4 * dk;
  const auto t0 = std::chrono::steady_clock::now();
  CollisionOptions options;
  options.compression_tolerance = s.compression;
  CollisionOperator<1, Kernel> collision(grid, Kernel(s.amplitude, correlation, correlation), 1.0,
                                         options);
  const auto seconds_since = [](auto start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (s.collision == "exact") {
    ExactCollision<1, Kernel> exact(std::move(collision));
    (void)exact.propagator(std::ldexp(1.0, -s.dt_exponent));
    return evolve(driver, s, grid, std::move(exact), seconds_since(t0));
  }
  return evolve(driver, s, grid, std::move(collision), seconds_since(t0));
}

template <class Collision>
Moments evolve(examples::Driver& driver, const Settings& s, const PhaseSpaceGrid<1>& grid,
               Collision collision_policy, double assembly_seconds) {
  const double dk = grid.k_spacings()[0];
  // The run ends at final_time exactly: ceil(T / 2^-e) equal steps of dt ≤ 2^-e (0.4 is no
  // multiple of 2^-12, and ending at the nearest multiple errs by up to dt/2 in t, an O(dt)
  // error that would hide the splitting's O(dt²)).
  const long steps =
      static_cast<long>(std::ceil(std::ldexp(s.final_time, s.dt_exponent) * (1 - 1e-12)));
  const double dt = s.final_time / static_cast<double>(steps);

  auto& summary = driver.summary();
  summary.parameter("n", s.n, "dx = dk = 2^-n");
  summary.parameter("dx", grid.x_grid().spacing(0), "length");
  summary.parameter("dk", dk, "1/length");
  summary.parameter("dt", dt, "time (final_time / steps, steps = ceil(final_time 2^dt_exp))");
  summary.parameter("steps", steps);
  summary.parameter("final_time", s.final_time, "time");
  summary.parameter("D", s.amplitude);
  summary.parameter("a", correlation, "time (slow variables: a eps in fast ones)");
  summary.parameter("b", correlation, "length");
  summary.parameter("p0", s.p0, "1/length");
  summary.parameter("eta", s.eta, "1/length (delta regularisation width)");
  summary.parameter("compression_tolerance", s.compression);
  summary.parameter("collision", s.collision,
                    "ssp-rk3 (P2's scheme: SSP-RK3 substeps) or exact (e^{dt C}, one GEMM)");
  summary.parameter("x_points", grid.x_size());
  summary.parameter("k_points", grid.k_size());

  RadiativeTransfer rte(SpectralShiftTransport<1>(grid, 1.0, driver.fft_options()),
                        std::move(collision_policy));
  const auto& collision = rte.collision();
  const std::ptrdiff_t p0_index = std::clamp<std::ptrdiff_t>(
      std::lround((s.p0 - grid.k_min()[0]) / dk - 0.5), 0, grid.k_size() - 1);
  fmt::print(
      "RTE on {} x {} points, dt = 2^-{}, {} steps, {} collision; kernel kept {:.2f} %, "
      "assembled in {:.1f} s\n",
      grid.x_size(), grid.k_size(), s.dt_exponent, steps, s.collision,
      100 * collision.kept_fraction(), assembly_seconds);

  Eigen::VectorXd w = monokinetic_initial_data(
      grid, [](double x) { return std::exp(-2 * packet_A * (x - packet_x0) * (x - packet_x0)); },
      s.p0, s.eta);
  const double mass0 = w.sum() * grid.cell_volume();
  io::Checkpoint checkpoint;
  checkpoint.kind = "vmse_rte.rte";
  checkpoint.parameters = {{"n", s.n},   {"dt_exponent", s.dt_exponent},
                           {"D", s.amplitude}, {"p0", s.p0},
                           {"eta", s.eta}, {"compression", s.compression},
                           {"final_time", s.final_time}, {"collision", s.collision},
                           {"steps", steps}};
  const auto checkpoint_path = driver.output("rte_checkpoint.bin");
  RteState resumed = s.fresh ? RteState{} : resume(checkpoint_path, checkpoint.parameters, w);
  const long first = resumed.step;
  std::vector<double>& history = resumed.history;
  const auto save = [&](const Eigen::VectorXd& state, long step, int substeps) {
    checkpoint.state = {{"step", step}, {"collision_substeps", substeps}};
    checkpoint.set_array("W", {state.data(), state.data() + state.size()});
    checkpoint.set_array("history", history);
    io::write_checkpoint(checkpoint_path, checkpoint);
  };
  if (first > 0) {
    fmt::print("  resuming at step {} of {}\n", first, steps);
    driver.resumed("RTE steps 1-" + std::to_string(first),
                   fmt::format("{} (step {} of {})", checkpoint_path.string(), first, steps));
  }

  const auto run_start = std::chrono::steady_clock::now();
  auto last_save = run_start;
  {
    io::ProgressReporter progress(static_cast<std::size_t>(steps), "RTE steps", std::cerr,
                                  io::Display::automatic, static_cast<std::size_t>(first));
    integrate_n_steps(rte, w, static_cast<double>(first) * dt, dt, steps - first,
                      [&](const Eigen::VectorXd& state, double, std::int64_t k) {
      if (k == 0) return;
      const long done = first + static_cast<long>(k);
      progress.advance();
      if (done % std::max(1L, steps / 40) == 0) {
        const Eigen::Map<const Eigen::MatrixXd> lines(state.data(), grid.k_size(), grid.x_size());
        const double rho_max = lines.colwise().sum().maxCoeff() * dk;
        history.insert(history.end(),
                       {static_cast<double>(done) * dt, state.sum() * grid.cell_volume(), rho_max});
      }
      const auto now = std::chrono::steady_clock::now();
      if (std::chrono::duration<double>(now - last_save).count() >= s.checkpoint_seconds) {
        save(state, done, rte.last_report().collision_substeps);
        last_save = now;
        examples::abort_point("rte_step");  // test hook: a kill after a checkpoint
      }
    });
  }
  const int substeps =
      first < steps ? rte.last_report().collision_substeps : resumed.collision_substeps;
  save(w, steps, substeps);
  {
    io::CsvWriter csv(driver.output("rte_history.csv"), {"t", "mass", "rho_max"});
    for (std::size_t row = 0; row + 2 < history.size(); row += 3)
      csv.row({history[row], history[row + 1], history[row + 2]});
    csv.close();
  }
  const double run_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();

  // Moments: ρ⁰ = ∫W dk, J⁰ = m_0 ∫ k W dk (m_0 = 1).
  const Eigen::Map<const Eigen::MatrixXd> table(w.data(), grid.k_size(), grid.x_size());
  Eigen::VectorXd k(grid.k_size()), x(grid.x_size());
  for (std::ptrdiff_t q = 0; q < grid.k_size(); ++q) k[q] = grid.k_coordinate(0, q);
  for (std::ptrdiff_t i = 0; i < grid.x_size(); ++i) x[i] = grid.x_point(i)[0];
  const Eigen::VectorXd rho = table.colwise().sum().transpose() * dk;
  const Eigen::VectorXd current = (table.transpose() * k) * dk;
  const double mass = w.sum() * grid.cell_volume();

  io::write_npy(driver.output("W_final.npy"), w.data(),
                {static_cast<std::size_t>(grid.x_size()), static_cast<std::size_t>(grid.k_size())});
  examples::abort_point("rte_outputs");  // test hook: a kill between the outputs
  io::write_npy(driver.output("x.npy"), x.data(), {static_cast<std::size_t>(x.size())});
  io::write_npy(driver.output("k.npy"), k.data(), {static_cast<std::size_t>(k.size())});
  io::write_npy(driver.output("rho_rte.npy"), rho.data(), {static_cast<std::size_t>(rho.size())});
  io::write_npy(driver.output("current_rte.npy"), current.data(),
                {static_cast<std::size_t>(current.size())});

  summary.result("scattering_rate_at_p0", collision.rates(0)[p0_index], "1/time",
                 "lambda(k) = sum_p S_kp at the grid point nearest p0");
  summary.result("scattering_rate_asymptotic_at_p0",
                 correlation * s.amplitude * s.amplitude * std::pow(s.p0, 4) / (2 * (1 + s.p0)),
                 "1/time", "a D^2 p0^4 / (2 (1 + p0)), the narrow-kernel limit (docs/conventions.md §20)");
  summary.result("kernel_kept_fraction", collision.kept_fraction(), "1",
                 "fraction of the N_k^2 kernel entries kept by the compression");
  summary.result("relative_mass_change", (mass - mass0) / mass0, "1",
                 "(int W(T) - int W(0)) / int W(0), exact up to round-off");
  summary.result("mean_momentum", current.sum() / rho.sum(), "1/length",
                 "int k W / int W at T (drifts from p0 as collisions redistribute k)");
  summary.result("kernel_assembly_seconds", assembly_seconds, "s",
                 "the kernel, and with --collision exact its eigendecomposition");
  summary.result("time_stepping_seconds", run_seconds, "s",
                 first > 0 ? fmt::format("this process only: steps {}-{} (steps 1-{} resumed)",
                                         first + 1, steps, first)
                           : std::string("all steps"));
  summary.result("collision_substeps_per_step", substeps, "1");
  fmt::print("  mass change {:.2e} (relative), rate at p0 {:.2f} (asymptotic {:.2f}), {:.1f} s\n",
             (mass - mass0) / mass0, collision.rates(0)[p0_index],
             correlation * s.amplitude * s.amplitude * std::pow(s.p0, 4) / (2 * (1 + s.p0)),
             run_seconds);
  return {x, rho, current};
}

}  // namespace

int main(int argc, char** argv) {
  examples::Driver driver(
      "Radiative transfer limit of the random-mass VMSE (P2 §4.2.2, Fig. 6): the "
      "RTE solution at t = 0.4 with P2's exponential covariance");
  Settings s;
  namespace checks = examples::checks;
  auto* n = driver.option("--n", s.n, 9, 7, "dx = dk = 2^-n (P2: 10)")->check(CLI::Range(5, 12));
  auto* dt_exponent = driver.option("--dt-exp", s.dt_exponent, 12, 11, "dt = 2^-dt_exp (P2: 12)")
                          ->check(CLI::Range(4, 20));
  driver.add("--D", s.amplitude, "amplitude D of the covariance")->check(checks::non_negative);
  driver.add("--p0", s.p0, "initial momentum p0 (> 1: the k-box is p0 +- 1)")
      ->check(checks::positive);
  driver.add("--eta", s.eta, "width of the regularised delta in k (0: 4 dk)")
      ->check(checks::non_negative);
  auto* compression =
      driver.add("--compression", s.compression,
                 "kernel compression tolerance (0: dense; default 0 with --collision exact)")
          ->check(checks::in_range(0, 1));
  auto* collision =
      driver.add("--collision", s.collision,
                 "collision step: ssp-rk3 (P2's scheme, substeps of dt <= 1/max rate) or exact "
                 "(e^{dt C}, one GEMM; needs m0 independent of x, as here)")
          ->check(CLI::IsMember({"ssp-rk3", "exact"}));
  bool paper_rte = false;
  driver.cli().add_flag("--paper-rte", paper_rte,
                        fmt::format("P2's RTE run fast: --n 10 --collision exact --compression 0 "
                                    "--dt-exp {} (options given explicitly win)",
                                    examples::vmse::paper_rte_dt_exponent));
  driver.add("--checkpoint-seconds", s.checkpoint_seconds, "seconds between checkpoints")
      ->check(checks::non_negative);
  driver.cli().add_flag("--fresh", s.fresh, "ignore saved checkpoints (RTE and Monte Carlo)");
  MonteCarloSettings mc;
  std::string mode = "both";
  driver.add("--mode", mode, "rte, mc (needs the RTE moments: runs the RTE too) or both")
      ->check(CLI::IsMember({"rte", "mc", "both"}));
  driver.option("--mc-n", mc.ns, {5, 6, 7}, {5, 6}, "VMSE resolutions n (eps = 2^-n)")
      ->check(CLI::Range(3, 11));
  driver.option("--samples", mc.samples, std::uint64_t{1000}, std::uint64_t{48},
                "Monte Carlo samples per n");
  driver.add("--seed", mc.seed, "master seed of the per-sample streams");
  driver.add("--gamma", mc.gamma, "scaling m = m0 + eps^gamma m1 (P2: 0.5; Figs 10-11: 1, 0.4)")
      ->check(checks::positive);
  driver.add("--sampler", mc.sampler, "streaming (exact AR(1) x AR(1)) or kl (P2 (4.21)-(4.28))")
      ->check(CLI::IsMember({"streaming", "kl"}));
  driver.add("--xi", mc.xi, "KL coefficients: gaussian or uniform (uniform needs --sampler kl)")
      ->check(CLI::IsMember({"gaussian", "uniform"}));
  driver.add("--nonpositive", mc.nonpositive, "sampled mass <= 0: error or clip")
      ->check(CLI::IsMember({"error", "clip"}));
  driver.add("--propagator", mc.propagator,
             "VMSE samples by cn (P2's Crank-Nicolson) or magnus (MagnusSpectral, at a larger step "
             "no less accurate: benchmarks/RESULTS.md, P2's Table 1)")
      ->check(CLI::IsMember({"cn", "magnus"}));
  driver
      .add("--step-factor", mc.step_factor,
           "steps of this many times P2's dt (0: 1 for cn; for magnus 16 at n = 5 to 7 (8 below), "
           "32 beyond with the streaming sampler, min(32, 2^(n-3)) with kl)")
      ->check(CLI::Range(0L, 4096L));
  driver.add("--checkpoint", mc.checkpoint_seconds, "seconds between ensemble checkpoints")
      ->check(checks::non_negative);
  driver.validate([&] {
    if (paper_rte) {
      if (n->count() == 0) s.n = 10;
      if (dt_exponent->count() == 0) s.dt_exponent = examples::vmse::paper_rte_dt_exponent;
      if (collision->count() == 0) s.collision = "exact";
    }
    // The exact step's propagator is dense whatever the kernel: compressing the kernel would only
    // add its error (1.4e-2 at τ = 1e-3 on P2's grid, benchmarks/RESULTS.md), so exact is dense
    // unless --compression is given.
    if (s.collision == "exact" && compression->count() == 0) s.compression = 0;
    validate(s, mc, mode, driver.threads());
  });
  return driver.run(argc, argv, [&](examples::Driver& d) {
    d.summary().parameter("mode", mode);
    const Moments limit = solve_rte(d, s);
    if (mode != "rte") monte_carlo(d, s, mc, limit);
  });
}
