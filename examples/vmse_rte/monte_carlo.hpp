// examples/vmse_rte/monte_carlo.hpp — the Monte Carlo half of vmse_rte (method 4 of the driver):
// VMSE samples per ε through Ensemble, Err_ρ and Err_J against the RTE moments, the outputs.
// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <Eigen/Core>

#include "driver.hpp"
#include "results.hpp"
#include "rte_options.hpp"
#include "vmse_sample.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/io/io.hpp"
#include "wavekin/random/ensemble.hpp"

namespace wavekin::examples::vmse {

// ρ⁰ and J⁰ at the final time on the RTE's x-grid.
struct Moments {
  Eigen::VectorXd x, rho, current;
};

// ρ⁰ (or J⁰) of the RTE grid at the VMSE grid's points, by periodic linear interpolation.
inline Eigen::VectorXd interpolate_periodic(const Eigen::VectorXd& x, const Eigen::VectorXd& f,
                                            const std::vector<double>& at) {
  const double h = x[1] - x[0];
  Eigen::VectorXd out(static_cast<Eigen::Index>(at.size()));
  for (std::size_t j = 0; j < at.size(); ++j) {
    const double s = (at[j] - x[0]) / h;
    const double base = std::floor(s);
    const auto i0 = static_cast<Eigen::Index>(base) % x.size();
    const auto i1 = (i0 + 1) % x.size();
    const double w = s - base;
    out[static_cast<Eigen::Index>(j)] = (1 - w) * f[(i0 + x.size()) % x.size()] + w * f[i1];
  }
  return out;
}

inline void monte_carlo(examples::Driver& driver, const Settings& rte, const MonteCarloSettings& mc,
                        const Moments& limit) {
  auto& summary = driver.summary();
  summary.parameter("mc_samples", mc.samples);
  summary.parameter("mc_seed", mc.seed);
  summary.parameter("mc_gamma", mc.gamma, "m = m0 + eps^gamma m1");
  summary.parameter("mc_sampler", mc.sampler);
  summary.parameter("mc_xi", mc.xi);
  summary.parameter("mc_nonpositive_mass_policy", mc.nonpositive);
  summary.parameter("mc_propagator", mc.propagator);
  // Magnus on the streaming source gets each step's exact time average of m_1 (P2's CN keeps the
  // value at t_{n+1/2}, as P2 (4.5) has it).
  const bool step_averages = mc.propagator == "magnus" && mc.sampler == "streaming";
  const std::string step_mass = step_averages ? "step_average" : "point";
  summary.parameter("mc_step_mass", step_mass);
  io::CsvWriter csv(
      driver.output("errors_mc.csv"),
      {"n", "epsilon", "samples", "points", "steps", "err_rho", "err_current",
       "max_standard_error_rho", "sampling_seconds_per_sample", "propagation_seconds_per_sample",
       "kl_terms", "nonpositive_points", "err_rho_noise_bound"});
  std::vector<double> eps, errors;
  for (const int n : mc.ns) {
    const bool magnus = mc.propagator == "magnus";
    const long step_factor =
        mc.step_factor > 0
            ? mc.step_factor
            : (magnus ? examples::vmse::magnus_step_factor(n, mc.sampler == "kl") : 1);
    examples::vmse::Sample vmse(
        {.n = n,
         .amplitude = rte.amplitude,
         .p0 = rte.p0,
         .final_time = rte.final_time,
         .gamma = mc.gamma,
         .karhunen_loeve = mc.sampler == "kl",
         .xi = mc.xi == "uniform" ? XiDistribution::uniform : XiDistribution::gaussian,
         .policy =
             mc.nonpositive == "clip" ? NonPositiveMassPolicy::clip : NonPositiveMassPolicy::error,
         .magnus = magnus,
         .step_sampling = step_averages ? StepSampling::average : StepSampling::point,
         .step_factor = step_factor});
    summary.result(fmt::format("mc_n{}_step_factor", n), static_cast<double>(step_factor), "1",
                   "the VMSE samples' step over P2's dt");
    const auto nx = vmse.x().size();
    PhaseClock clock;
    EnsembleOptions options;
    options.samples = mc.samples;
    options.seed = mc.seed;
    options.threads = driver.threads();
    options.checkpoint = driver.output(fmt::format("mc_n{}_checkpoint.bin", n));
    options.checkpoint_seconds = mc.checkpoint_seconds;
    options.parameters = {{"n", n},
                          {"gamma", mc.gamma},
                          {"sampler", mc.sampler},
                          {"xi", mc.xi},
                          {"D", rte.amplitude},
                          {"p0", rte.p0},
                          {"policy", mc.nonpositive},
                          {"propagator", mc.propagator},
                          {"step_factor", step_factor},
                          {"step_mass", step_mass}};
    options.label = fmt::format("VMSE samples, eps = 2^-{}", n);
    const Ensemble ensemble({{"rho", nx, true}, {"current", nx, true}}, options);
    // A damaged or mismatched ensemble checkpoint is discarded with a notice (Ensemble would stop
    // on it); --fresh discards it too.
    if (rte.fresh) std::filesystem::remove(options.checkpoint);
    static_cast<void>(
        examples::saved_checkpoint(options.checkpoint, {}, ensemble.checkpoint_parameters()));
    const auto start = std::chrono::steady_clock::now();
    const auto result = ensemble.run([&](std::uint64_t sample, std::uint64_t seed) {
      examples::abort_point("mc_sample");  // test hook: a kill during the Monte Carlo phase
      return vmse(sample, seed, clock);
    });
    if (result.samples_resumed > 0)
      driver.resumed(fmt::format("Monte Carlo n = {}", n),
                     fmt::format("{} ({} of {} samples)", options.checkpoint.string(),
                                 result.samples_resumed, mc.samples));
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& stats = result.statistics;
    const double h = box_length / static_cast<double>(nx);
    const Eigen::VectorXd rho0 = interpolate_periodic(limit.x, limit.rho, vmse.x());
    const Eigen::VectorXd j0 = interpolate_periodic(limit.x, limit.current, vmse.x());
    const double err_rho = (rho0 - stats.mean(0)).cwiseAbs().sum() * h;
    const double err_current = (j0 - stats.mean(1)).cwiseAbs().sum() * h;
    const double computed = std::max<double>(1, static_cast<double>(result.samples_computed));
    const double sampling = static_cast<double>(clock.sampling_ns.load()) * 1e-9 / computed;
    const double propagation = static_cast<double>(clock.propagation_ns.load()) * 1e-9 / computed;
    const double max_se = stats.standard_error(0).maxCoeff();
    // |Err_ρ(N samples) − Err_ρ(∞)| ≤ ∫|E_N[ρ^ε] − E[ρ^ε]| dx, whose expectation is at most
    // ∫ se(x) dx (E|Z| ≤ σ): the Monte Carlo part of Err_ρ is below this bound.
    const double noise_bound = stats.standard_error(0).sum() * h;
    fmt::print(
        "  n = {}: {} samples ({} resumed) in {:.1f} s, Err_rho = {:.4e}, Err_J = {:.4e}, "
        "max std error of E[rho] {:.2e}, noise bound of Err_rho {:.2e}; per sample {:.3e} s "
        "sampling + {:.3e} s propagation\n",
        n, mc.samples, result.samples_resumed, wall, err_rho, err_current, max_se, noise_bound,
        sampling, propagation);
    csv.row({double(n), vmse.epsilon(), double(mc.samples), double(nx), double(vmse.steps()),
             err_rho, err_current, max_se, sampling, propagation, double(vmse.kl_terms()),
             double(vmse.counts().points), noise_bound});
    const auto save = [&](const std::string& name, const Eigen::VectorXd& v) {
      io::write_npy(driver.output(fmt::format("mc_n{}_{}.npy", n, name)), v.data(), {nx});
    };
    save("x", Eigen::Map<const Eigen::VectorXd>(vmse.x().data(), static_cast<Eigen::Index>(nx)));
    save("mean_rho", stats.mean(0));
    save("std_rho", stats.standard_deviation(0));
    save("mean_current", stats.mean(1));
    save("std_current", stats.standard_deviation(1));
    save("rho_rte", rho0);
    save("current_rte", j0);
    const Eigen::MatrixXd cov_rho = stats.covariance(0), cov_current = stats.covariance(1);
    io::write_npy(driver.output(fmt::format("mc_n{}_cov_rho.npy", n)), cov_rho.data(), {nx, nx});
    io::write_npy(driver.output(fmt::format("mc_n{}_cov_current.npy", n)), cov_current.data(),
                  {nx, nx});
    summary.result(fmt::format("mc_n{}_err_rho", n), err_rho, "1",
                   "Err_rho = int |rho0 - E[rho_eps]| dx at t = 0.4 (P2 (4.29))");
    summary.result(fmt::format("mc_n{}_err_current", n), err_current, "1/time",
                   "Err_J = int |J0 - E[J_eps]| dx at t = 0.4");
    summary.result(fmt::format("mc_n{}_max_standard_error_rho", n), max_se, "1/length",
                   "max over x of the Monte Carlo standard error of E[rho_eps]");
    summary.result(fmt::format("mc_n{}_err_rho_noise_bound", n), noise_bound, "1",
                   "int se(x) dx, se the standard error of E[rho_eps]: bounds the expected "
                   "Monte Carlo part of Err_rho");
    const std::string over = result.samples_resumed > 0
                                 ? fmt::format(", over the {} samples of this process ({} resumed)",
                                               result.samples_computed, result.samples_resumed)
                                 : std::string();
    summary.result(fmt::format("mc_n{}_sampling_seconds_per_sample", n), sampling, "s",
                   "wall time per sample drawing m_1 and assembling the mass" + over);
    summary.result(fmt::format("mc_n{}_propagation_seconds_per_sample", n), propagation, "s",
                   "wall time per sample in propagator steps" + over);
    summary.result(fmt::format("mc_n{}_nonpositive_mass_points", n),
                   static_cast<double>(vmse.counts().points), "1",
                   "grid points where the sampled mass was <= 0 (clipped, or the run stopped)");
    eps.push_back(vmse.epsilon());
    errors.push_back(err_rho);
    examples::abort_point("mc_outputs");  // test hook: a kill between two values of n
  }
  if (eps.size() >= 2) {
    const double slope = log_log_slope(eps, errors);
    summary.result("mc_err_rho_slope", slope, "1",
                   fmt::format("least-squares slope of log Err_rho vs log eps over n = {}",
                               fmt::join(mc.ns, ", ")));
    fmt::print("  slope of log Err_rho vs log eps: {:.3f}\n", slope);
  }
}

}  // namespace wavekin::examples::vmse
