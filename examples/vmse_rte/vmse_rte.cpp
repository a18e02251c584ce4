// vmse_rte — the radiative transfer limit of the VMSE with a random mass (P2 §4.2.2,
// Fig. 6): the RTE solution at t = 0.4, its phase-space picture, ρ⁰ and J⁰.
// SPDX-License-Identifier: MIT
//
// Methods.
//  1. Model (P2 (3.6), MATH.md §4). ∂_t W + m_0 k ∂_x W = Q[W] on the periodic box
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
//     the exact Fourier shift (m_0 = 1, V = 0). Strang splitting with Δt = 2^−12 (--dt-exp)
//     and SSP-RK3 collision substeps as the rate needs (MATH.md §6 item 14).
//  3. Observables at t = 0.4: ρ⁰ = ∫W dk and J⁰ = m_0 ∫kW dk, with mass conservation,
//     the scattering rate at p_0 and the kernel's sparsity reported.
//  The state is saved every --checkpoint-seconds (W and the step index, atomically); a
//  restarted run with the same parameters resumes from it (--fresh to start over).
//  Outputs: W_final.npy (N_x × N_k), x.npy, k.npy, rho_rte.npy, current_rte.npy,
//  rte_history.csv (t, mass, ρ peak), summary.json, rte_phase_space.png.
//  The Monte Carlo half of §4.2.2 (E[ρ^ε], E[J^ε] against ρ⁰, J⁰) comes with the
//  ensemble module.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "driver.hpp"
#include "wavekin/io/io.hpp"
#include "wavekin/kinetic/collision_operator.hpp"
#include "wavekin/kinetic/radiative_transfer.hpp"
#include "wavekin/kinetic/spectral_shift_transport.hpp"

namespace {

using namespace wavekin;
using Vec1 = Eigen::Matrix<double, 1, 1>;
using Kernel = SeparableExponentialKernel<1>;

struct Settings {
  int n = 9;
  int dt_exponent = 12;
  double final_time = 0.4;
  double amplitude = 1.5;  // D
  double p0 = 1.5;
  double eta = 0;  // 0: 4Δk
  double compression = 1e-3;
  double checkpoint_seconds = 60;
  bool fresh = false;
};

constexpr double box_length = 1.625, correlation = 100, packet_A = 256, packet_x0 = 0.3;

PhaseSpaceGrid<1> rte_grid(const Settings& s) {
  const double h = std::ldexp(1.0, -s.n);
  return {PeriodicGrid<1>({std::lround(box_length / h)}, Vec1(box_length)),
          {std::lround(2.0 / h)},
          Vec1(s.p0 - 1),
          Vec1(s.p0 + 1)};
}

// Checkpoint: W as NPY plus a JSON record of the step and the run's parameters.
struct Checkpoint {
  std::filesystem::path data, record;
  nlohmann::json parameters;

  [[nodiscard]] long load(Eigen::VectorXd& w) const {
    if (!std::filesystem::exists(record) || !std::filesystem::exists(data)) return 0;
    std::ifstream in(record);
    const auto saved = nlohmann::json::parse(in);
    if (saved.at("parameters") != parameters) {
      fmt::print("  checkpoint {} is from other parameters: starting afresh\n", record.string());
      return 0;
    }
    const auto array = io::read_npy<double>(data);
    require(array.data.size() == static_cast<std::size_t>(w.size()),
            "vmse_rte: checkpoint {} holds {} values, expected {}", data.string(),
            array.data.size(), w.size());
    w = Eigen::Map<const Eigen::VectorXd>(array.data.data(), w.size());
    return saved.at("step").get<long>();
  }

  void save(const Eigen::VectorXd& w, long step) const {
    io::write_npy(data, w.data(), {static_cast<std::size_t>(w.size())});
    io::detail::write_file_atomically(
        record, nlohmann::json{{"parameters", parameters}, {"step", step}}.dump(2) + "\n");
  }
};

void run(examples::Driver& driver, Settings s) {
  require(s.n >= 5 && s.n <= 12, "vmse_rte: --n must be in [5, 12], got {}", s.n);
  require(s.dt_exponent >= 4 && s.dt_exponent <= 20,
          "vmse_rte: --dt-exp must be in [4, 20], got {}", s.dt_exponent);
  require(std::isfinite(s.p0) && s.p0 > 1,
          "vmse_rte: --p0 must be > 1 (the k-box is p0 ± 1), got {}", s.p0);
  const auto grid = rte_grid(s);
  const double dk = grid.k_spacings()[0];
  if (s.eta == 0) s.eta = 4 * dk;
  const double dt = std::ldexp(1.0, -s.dt_exponent);
  const long steps = std::lround(s.final_time / dt);

  auto& summary = driver.summary();
  summary.parameter("n", s.n, "dx = dk = 2^-n");
  summary.parameter("dx", grid.x_grid().spacing(0), "length");
  summary.parameter("dk", dk, "1/length");
  summary.parameter("dt", dt, "time");
  summary.parameter("final_time", s.final_time, "time");
  summary.parameter("D", s.amplitude);
  summary.parameter("a", correlation, "time (slow variables: a eps in fast ones)");
  summary.parameter("b", correlation, "length");
  summary.parameter("p0", s.p0, "1/length");
  summary.parameter("eta", s.eta, "1/length (delta regularisation width)");
  summary.parameter("compression_tolerance", s.compression);
  summary.parameter("x_points", grid.x_size());
  summary.parameter("k_points", grid.k_size());

  const auto t0 = std::chrono::steady_clock::now();
  CollisionOptions options;
  options.compression_tolerance = s.compression;
  RadiativeTransfer rte(
      SpectralShiftTransport<1>(grid, 1.0, FftOptions{.threads = driver.threads()}),
      CollisionOperator<1, Kernel>(grid, Kernel(s.amplitude, correlation, correlation), 1.0,
                                   options));
  const double assembly_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& collision = rte.collision();
  const std::ptrdiff_t p0_index = std::clamp<std::ptrdiff_t>(
      std::lround((s.p0 - grid.k_min()[0]) / dk - 0.5), 0, grid.k_size() - 1);
  fmt::print(
      "RTE on {} x {} points, dt = 2^-{}, {} steps; kernel kept {:.2f} %, assembled in {:.1f} s\n",
      grid.x_size(), grid.k_size(), s.dt_exponent, steps, 100 * collision.kept_fraction(),
      assembly_seconds);

  Eigen::VectorXd w = monokinetic_initial_data(
      grid, [](double x) { return std::exp(-2 * packet_A * (x - packet_x0) * (x - packet_x0)); },
      s.p0, s.eta);
  const double mass0 = w.sum() * grid.cell_volume();
  const Checkpoint checkpoint{driver.output("rte_checkpoint.npy"),
                              driver.output("rte_checkpoint.json"),
                              {{"n", s.n},
                               {"dt_exponent", s.dt_exponent},
                               {"D", s.amplitude},
                               {"p0", s.p0},
                               {"eta", s.eta},
                               {"compression", s.compression},
                               {"final_time", s.final_time}}};
  const long first = s.fresh ? 0 : checkpoint.load(w);
  if (first > 0) fmt::print("  resuming at step {} of {}\n", first, steps);

  io::CsvWriter history(driver.output("rte_history.csv"), {"t", "mass", "rho_max"});
  const auto run_start = std::chrono::steady_clock::now();
  auto last_save = run_start;
  {
    io::ProgressReporter progress(static_cast<std::size_t>(steps), "RTE steps", std::cerr,
                                  io::Display::automatic, static_cast<std::size_t>(first));
    for (long step = first; step < steps; ++step) {
      rte.step(w, static_cast<double>(step) * dt, dt);
      progress.advance();
      if ((step + 1) % std::max(1L, steps / 40) == 0) {
        const Eigen::Map<const Eigen::MatrixXd> lines(w.data(), grid.k_size(), grid.x_size());
        const double rho_max = lines.colwise().sum().maxCoeff() * dk;
        history.row({static_cast<double>(step + 1) * dt, w.sum() * grid.cell_volume(), rho_max});
      }
      const auto now = std::chrono::steady_clock::now();
      if (std::chrono::duration<double>(now - last_save).count() >= s.checkpoint_seconds) {
        checkpoint.save(w, step + 1);
        last_save = now;
      }
    }
  }
  checkpoint.save(w, steps);
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
  io::write_npy(driver.output("x.npy"), x.data(), {static_cast<std::size_t>(x.size())});
  io::write_npy(driver.output("k.npy"), k.data(), {static_cast<std::size_t>(k.size())});
  io::write_npy(driver.output("rho_rte.npy"), rho.data(), {static_cast<std::size_t>(rho.size())});
  io::write_npy(driver.output("current_rte.npy"), current.data(),
                {static_cast<std::size_t>(current.size())});

  summary.result("scattering_rate_at_p0", collision.rates(0)[p0_index], "1/time",
                 "lambda(k) = sum_p S_kp at the grid point nearest p0");
  summary.result("scattering_rate_asymptotic_at_p0",
                 correlation * s.amplitude * s.amplitude * std::pow(s.p0, 4) / (2 * (1 + s.p0)),
                 "1/time", "a D^2 p0^4 / (2 (1 + p0)), the narrow-kernel limit (MATH.md §4)");
  summary.result("kernel_kept_fraction", collision.kept_fraction(), "1",
                 "fraction of the N_k^2 kernel entries kept by the compression");
  summary.result("relative_mass_change", (mass - mass0) / mass0, "1",
                 "(int W(T) - int W(0)) / int W(0), exact up to round-off");
  summary.result("mean_momentum", current.sum() / rho.sum(), "1/length",
                 "int k W / int W at T (drifts from p0 as collisions redistribute k)");
  summary.result("kernel_assembly_seconds", assembly_seconds, "s");
  summary.result("time_stepping_seconds", run_seconds, "s", "this process only (after a resume)");
  summary.result("collision_substeps_per_step", rte.last_report().collision_substeps, "1");
  fmt::print("  mass change {:.2e} (relative), rate at p0 {:.2f} (asymptotic {:.2f}), {:.1f} s\n",
             (mass - mass0) / mass0, collision.rates(0)[p0_index],
             correlation * s.amplitude * s.amplitude * std::pow(s.p0, 4) / (2 * (1 + s.p0)),
             run_seconds);
}

}  // namespace

int main(int argc, char** argv) {
  examples::Driver driver(
      "vmse_rte",
      "Radiative transfer limit of the random-mass VMSE (P2 §4.2.2, Fig. 6): the "
      "RTE solution at t = 0.4 with P2's exponential covariance");
  Settings s;
  auto& cli = driver.cli();
  cli.add_option("--n", s.n, "dx = dk = 2^-n (P2: 10)")->capture_default_str();
  cli.add_option("--dt-exp", s.dt_exponent, "dt = 2^-dt_exp (P2: 12)")->capture_default_str();
  cli.add_option("--D", s.amplitude, "amplitude D of the covariance")->capture_default_str();
  cli.add_option("--p0", s.p0, "initial momentum p0")->capture_default_str();
  cli.add_option("--eta", s.eta, "width of the regularised delta in k (0: 4 dk)")
      ->capture_default_str();
  cli.add_option("--compression", s.compression, "kernel compression tolerance (0: dense)")
      ->capture_default_str();
  cli.add_option("--checkpoint-seconds", s.checkpoint_seconds, "seconds between checkpoints")
      ->capture_default_str();
  cli.add_flag("--fresh", s.fresh, "ignore a saved checkpoint");
  return driver.run(argc, argv, [&](examples::Driver& d) {
    Settings settings = s;
    if (d.quick()) {
      if (cli.count("--n") == 0) settings.n = 7;
      if (cli.count("--dt-exp") == 0) settings.dt_exponent = 11;
    }
    run(d, settings);
  });
}
