// graphene_valleys — a packet at the Dirac point K of a honeycomb potential in P1's graphene valley
// models: (5.3)–(5.4), valley populations and coherences over time with and without randomness,
// and (5.2), the coupled RTE on two balls around K and K'.
// SPDX-License-Identifier: MIT
//
// Methods.
//  1. Band structure. V = honeycomb Gaussian wells (depth V_0, width s) on the unit triangular
//     lattice (HoneycombWells), plane waves ½|k + G|² ≤ E_cut (BlochSolver). The Dirac points are
//     K = (e^1 − e^2)/3 and K' = −K (dirac_points); bands 0 and 1 meet there at E_*. The crossing
//     locator (locate_crossing: Nelder–Mead on the gap from a guess off K, then the fit of
//     P1 (5.1), E_{1,2} = E_* ∓ λ♯|p − K|) gives p*, r and λ♯; the driver checks |p* − K|, r = 1,
//     and λ♯ against the transport matrices at K: for a cone, D_i(K) (P1 (5.3) LHS) has
//     eigenvalues ±λ♯ for each axis i (degenerate perturbation theory), so |eig D_i| is a second,
//     independent λ♯.
//  2. Model. P1 (5.3)–(5.4) as GrapheneValleys implements it: σ^K(t, x), σ^{K'}(t, x) ∈ ℂ^{2×2}
//     on a periodic box [−L/2, L/2)², ∂_tσ^v + Σ_i(∂_{x_i}σ^v)D_i(v) = Q^v[σ^K, σ^{K'}], the
//     collision Q an 8 × 8 matrix L acting at each x, κ = 1/(2π) (docs/conventions.md §14 and §17, docs/errata.md item 4),
//     R̂(q) = θ²R̂_1(q) with R̂_1 the spectrum of a unit-variance correlation (Gaussian or
//     exponential of length ℓ) and θ² = R(0) (--variance) the strength of the random potential
//     in the scaled units of P1 (4.1). Gauge: the solver's two bands at K, their time reversal
//     at K' (docs/collision.md §6).
//  3. Initial data (P1 (3.8)): a packet at K in the chosen superposition of the two bands,
//     σ^K_jl(0, x) = a_j conj(a_l), a = e^{−|x|²/(2w²)} (cos θ_c, e^{iφ} sin θ_c) (--mix θ_c,
//     --phase φ), and σ^{K'}(0) = 0.
//  4. Runs ("pieces"): (a) none: R̂ ≡ 0 (θ² = 0), pure transport; (b) gaussian_long: a long
//     Gaussian correlation, R̂(K − K' + μ) ≤ R̂(|K|) negligible; (c) gaussian_short and
//     (d) exponential: R̂(K − K' + μ) ≠ 0, inter-valley transfer.
//  5. Numerics. GrapheneValleys::step: Strang, exp(½ΔtL) · exact transport (CoherenceLiouville,
//     one 2 × 2 exponential per Fourier mode) · exp(½ΔtL), K equal steps of T/K, observables
//     after each. The x-integrated matrices S^v = ∫σ^v dx obey dS/dt = LS exactly (the transport
//     freezes ξ = 0), under the scheme too; the driver compares them with S(t) = e^{tL}S(0)
//     computed independently (eigendecomposition of L). The x-profiles carry the splitting
//     error (second order); the driver measures it for gaussian_short from K/2, K and 2K steps.
//  6. Observables, normalised by the initial total N_0 = Σ_v ∫tr σ^v(0) dx: the valley
//     populations P_v = Re ∫tr σ^v dx / N_0, the coherences C_v = |∫σ^v_12 dx| / N_0 and
//     C^max_v = max_x|σ^v_12| / max_x tr σ^K(0), the densities ρ_v(x) = Re tr σ^v(x) at several
//     times and their y = 0 slices at every step (an x–t picture).
//  7. Rates. For a run with P_{K'}(0) = 0 the initial transfer rate is
//     dP_{K'}/dt(0) = κ Σ_μ R̂(K' − K + μ) Σ_{mm'}(AᴴA)_{mm'}S^K_{mm'}(0) / N_0, A = A(K', K − μ),
//     computed from an independent solve at K' (no gauge link to the model's). The relaxation to
//     equipartition is read from the simulated P_K − P_{K'} (least-squares slope of its log) and
//     compared with the decay rates of L (eigenvalues) and with 2γ, γ = ½ tr M for
//     M = κ Σ_μ R̂ AᴴA. When M = γI (measured: M is isotropic to round-off), the intra-valley
//     terms conserve each valley's trace and d(P_K − P_K')/dt = −2γ(P_K − P_K') exactly, so
//     P_K'(t) = ½(1 − e^{−2γt}): the driver reports the largest deviation from this closed form.
//  8. (5.2) against (5.3)–(5.4). The inter-valley loss rate of (5.2) for the upper-band state at
//     p = K + εu(1, 0) is a shell integral over the level set E_2(q) = E_2(p) around K'
//     (length ≈ 2πεu, |∇E_2| ≈ λ♯), computed by quadrature on rays from K' with Bloch solves
//     on the level set; the driver divides it by γ of (5.3)–(5.4) for ε = 0.02, 0.01 (u = 1): the
//     ratio is O(ε) (a 2-D cone's density of states vanishes at E_*), not 1 (docs/graphene.md).
//  9. (5.2) as a solver. The p-grid is a uniform zone grid of spacing h ≈ ε/5 cut to the balls
//     |p − K|, |p − K'| ≤ 3ε (ZoneGrid::restricted_to_balls); Bloch solves at its vertices give E, D_i and the
//     overlaps; CoherentCollision assembles (4.15) with p and q restricted to the balls (the
//     energy shells cut at the balls' edge: P1 (5.2)), and CoherentRte steps it with the exact
//     transport/relaxation (i/ε)(E_l − E_j) of CoherenceLiouville. Checks: the operator's K → K'
//     rate of one vertex against the ray quadrature of item 8 at the same p; the packet's
//     dP_K'/dt(0) against γ of (5.3)–(5.4) and the cone factor π⟨|p − K|⟩/λ♯. Data: x-homogeneous
//     packets σ_jl = exp(−|p − p0|²/2w²) a_j conj(a_l), p0 = K + (ε, 0), w = ε/4, on a 4 × 4
//     x-grid (∫σ dx obeys the x-free system exactly): a = (0, 1) (upper band) and
//     a = (cos m, e^{iφ} sin m) (maximal coherence at every p; its trace budget measures (4.15)'s
//     trace defect where (5.2) applies); ε = 0.04 and 0.02 (0.04 with --quick). Coherences are
//     reported gauge-invariantly, Σ_p w|∫σ_12 dx| per ball.
//  Outputs: summary.json, valleys.csv (piece, t, P_K, P_K', C_K, C_K', C^max_K, C^max_K',
//  predicted P_K'), series_<piece>.npy ((K+1) × 8, same columns), density_<piece>.npy
//  (snapshots × 2 × N × N), slice_<piece>.npy ((K+1) × 2 × N), snapshot_times.npy, x.npy,
//  series_balls_eps<ε>.npy and series_balls_eps<ε>_mixed.npy ((K_b+1) × 6: t, P_K, P_K', C_K,
//  C_K', P_K + P_K') of item 9,
//  and the PNGs of plot.py. Each finished piece is kept in piece_<piece>.json (io::ResultCache,
//  with its parameters and a checksum); a rerun with the same parameters reuses it (--fresh to
//  recompute). The computations are valley_study.hpp; this file holds the parameters, the order
//  of the runs and their outputs.
#include <array>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <numbers>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "driver.hpp"
#include "results.hpp"
#include "valley_study.hpp"
#include "wavekin/coherence/collision_bands.hpp"
#include "wavekin/io/io.hpp"

namespace {

using namespace wavekin;
using namespace wavekin::examples::graphene;
using examples::number;

void run_study(examples::Driver& driver, Settings s) {
  auto& summary = driver.summary();
  summary.parameter("well_depth", s.depth, "energy (V_0 of HoneycombWells)");
  summary.parameter("well_width", s.well_width, "length (s of HoneycombWells, lattice constant 1)");
  summary.parameter("energy_cutoff", s.energy_cutoff, "energy (plane waves 1/2|k+G|^2 <= E_cut)");
  summary.parameter("box_length", s.box, "length (periodic square)");
  summary.parameter("grid_points_per_axis", s.points);
  summary.parameter("packet_width", s.width,
                    "length (a = exp(-|x|^2/(2w^2)) (cos m, e^{i phi} sin m))");
  summary.parameter("band_mix_angle", s.mix, "rad (m)");
  summary.parameter("band_phase", s.phase, "rad (phi)");
  summary.parameter("final_time", s.final_time, "time");
  summary.parameter("steps", s.steps, "Strang steps of T/K, observables after each");
  summary.parameter("variance", s.variance, "R(0) of the random potential (its spectrum's scale)");

  const Graphene g(s);
  const double k_gap = g.state_k.energies[1] - g.state_k.energies[0];
  fmt::print(
      "honeycomb wells V0 = {}, s = {}, E_cut = {} ({} plane waves): K = ({:.6f}, {:.6f}), "
      "E_* = {:.6f}, gap at K {:.1e}, band 2 {:+.4f} above\n",
      s.depth, s.well_width, s.energy_cutoff, g.state_k.basis.size(), g.k[0], g.k[1],
      0.5 * (g.state_k.energies[0] + g.state_k.energies[1]), k_gap,
      g.state_k.energies[2] - g.state_k.energies[1]);
  fmt::print(
      "  crossing locator: |p* - K| = {:.2e}, gap {:.2e}, r = {:.4f}, lambda# = {:.6f} "
      "(anisotropy {:.1e}); |eig D_i(K)| = {:.6f} (max |tr D_i| {:.1e})\n",
      (g.crossing.point - g.k).norm(), g.crossing.gap, g.crossing.order, g.crossing.slope,
      g.crossing.anisotropy, g.lambda_from_d, g.d_trace);
  summary.result("dirac_point_K_x", g.k[0], "1/length", "K = (e^1 - e^2)/3, x component");
  summary.result("dirac_point_K_y", g.k[1], "1/length", "K = (e^1 - e^2)/3, y component");
  summary.result("crossing_energy", g.crossing.energy, "energy", "E_* from locate_crossing");
  summary.result("gap_at_K", k_gap, "energy", "E_2 - E_1 at K (0 by symmetry)");
  summary.result("third_band_separation", g.state_k.energies[2] - g.state_k.energies[1], "energy",
                 "E_3 - E_2 at K: the two crossing bands' isolation");
  summary.result("locator_distance_to_K", (g.crossing.point - g.k).norm(), "1/length",
                 "|p* - K|, p* found by locate_crossing from a guess off K");
  summary.result("locator_gap", g.crossing.gap, "energy", "E_2 - E_1 at p*");
  summary.result("locator_order", g.crossing.order, "1", "fitted r of P1 (3.21) (1: cone)");
  summary.result("lambda_sharp", g.crossing.slope, "energy*length",
                 "Dirac velocity lambda# of P1 (5.1) from locate_crossing's fit");
  summary.result("lambda_sharp_anisotropy", g.crossing.anisotropy, "1",
                 "(max - min)/mean of the directional lambda#");
  summary.result("lambda_sharp_from_D", g.lambda_from_d, "energy*length",
                 "mean |eigenvalue| of the transport matrices D_x(K), D_y(K)");
  summary.result("lambda_sharp_relative_gap", std::abs(g.lambda_from_d / g.crossing.slope - 1), "1",
                 "|lambda#(D) / lambda#(locator) - 1| (O(fit radius) expected)");

  const std::vector<Piece> pieces{
      {"none", "none", 1.0, 0.0, 1e-12, "no randomness: R^ = 0, pure transport"},
      {"gaussian_long", "gaussian", s.long_length, s.variance, 1e-12,
       "Gaussian correlation, R^(K - K' + mu) negligible: valleys decouple"},
      {"gaussian_short", "gaussian", s.short_length, s.variance, 1e-12,
       "Gaussian correlation, R^(K - K' + mu) != 0: inter-valley transfer"},
      {"exponential", "exponential", s.exponential_length, s.variance, s.exponential_tolerance,
       "exponential correlation: inter-valley transfer"}};

  Study study(s, g, driver.fft_options());
  const nlohmann::json common{
      {"depth", s.depth}, {"well_width", s.well_width}, {"energy_cutoff", s.energy_cutoff},
      {"box", s.box},     {"points", s.points},         {"width", s.width},
      {"mix", s.mix},     {"phase", s.phase},           {"final_time", s.final_time},
      {"steps", s.steps}, {"snapshots", s.snapshots}};
  // Each piece from the result cache, or run (the npy outputs written by a run must exist too).
  const io::ResultCache cache(driver.out_dir(), s.fresh ? io::ResultCache::Mode::recompute
                                                        : io::ResultCache::Mode::reuse);
  const auto piece_file = [](const std::string& piece) { return "piece_" + piece; };
  std::vector<PieceResult> results(pieces.size());
  std::vector<nlohmann::json> records(pieces.size());
  std::vector<bool> cached(pieces.size(), false);
  std::size_t resumed = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    records[i] = common;
    records[i]["correlation"] = p.correlation;
    records[i]["length"] = p.length;
    records[i]["variance"] = p.variance;
    records[i]["mu_tolerance"] = p.mu_tolerance;
    std::optional<PieceResult> found;
    if (std::filesystem::exists(driver.output(fmt::format("density_{}.npy", p.name))) &&
        std::filesystem::exists(driver.output(fmt::format("slice_{}.npy", p.name))))
      found = examples::find_result(cache, piece_file(p.name), records[i], from_json);
    if (!found) continue;
    cached[i] = true;
    results[i] = std::move(*found);
    ++resumed;
    fmt::print("  piece {}: reused {} (same parameters)\n", p.name, cache.path(piece_file(p.name)).string());
    driver.resumed("piece " + p.name, cache.path(piece_file(p.name)).string());
  }
  {
    io::ProgressReporter progress(std::size_t(s.steps) * pieces.size(), "Strang steps", std::cerr,
                                  io::Display::automatic, std::size_t(s.steps) * resumed);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (cached[i]) continue;
      const Piece& p = pieces[i];
      const auto result =
          p.correlation == "exponential"
              ? study.run(p, ExponentialCorrelation<2>(p.length, std::sqrt(p.variance)),
                          driver, progress)
              : study.run(p, GaussianCorrelation<2>(p.length, std::sqrt(p.variance)),
                          driver, progress);
      results[i] = from_json(cache.store(piece_file(p.name), records[i], to_json(result)));
      examples::abort_point("piece_stored");
    }
  }

  // Strang error of the profiles for the coupled Gaussian piece (not part of the resumable pieces:
  // four runs of its cost).
  {
    const Piece& p = pieces[2];
    const auto e =
        study.step_errors(p, GaussianCorrelation<2>(p.length, std::sqrt(p.variance)));
    const double ratio = e[0] / e[1];
    fmt::print(
        "  Strang error of rho_v(T), {}: {:.3e} (K/2 steps), {:.3e} (K steps) against 2K; "
        "ratio {:.3f} (order 2: 5)\n",
        p.name, e[0], e[1], ratio);
    summary.result("step_error_half_steps", e[0], "1",
                   "max_x |rho_v(T; K/2 steps) - rho_v(T; 2K steps)| / max tr sigma^K(0), "
                   "gaussian_short");
    summary.result("step_error", e[1], "1",
                   "max_x |rho_v(T; K steps) - rho_v(T; 2K steps)| / max tr sigma^K(0), "
                   "gaussian_short");
    summary.result("step_error_ratio", ratio, "1",
                   "step_error_half_steps / step_error: (4 - 1/4)/(1 - 1/4) = 5 for a second-order "
                   "scheme against the 2K reference");
  }

  // (5.2) against (5.3)–(5.4) (methods item 8), for the coupled Gaussian's R̂.
  {
    const Piece& p = pieces[2];
    const GaussianCorrelation<2> r(p.length, std::sqrt(p.variance));
    const double gamma = 0.5 * number(results[2].scalars, "relaxation_isotropic");
    std::vector<double> ratios;
    for (const double eps : {0.02, 0.01}) {
      const double rate =
          shell_rate(g, r, rte_kappa(2), Vector(g.k + Vector(eps, 0)), 64, p.mu_tolerance);
      const double ratio = rate / gamma;
      const double cone = 2 * std::numbers::pi * eps / g.crossing.slope;
      ratios.push_back(ratio);
      fmt::print(
          "  (5.2) inter-valley rate at |p - K| = {:g}, upper band: {:.6e} = {:.6f} gamma of "
          "(5.3)-(5.4); 2 pi eps u / lambda# = {:.6f}\n",
          eps, rate, ratio, cone);
      const std::string tag = fmt::format("reduced_52_eps{:g}", eps);
      summary.result(tag + "_rate", rate, "1/time",
                     "(5.2) loss rate of the upper-band state at p = K + (eps, 0) into the "
                     "K' ball, gaussian_short R^");
      summary.result(tag + "_rate_over_gamma", ratio, "1",
                     "that rate / gamma of (5.3)-(5.4) (the per-population rate, same R^)");
      summary.result(tag + "_gap", std::abs(ratio - 1), "1",
                     "|(5.2) rate / (5.3)-(5.4) rate - 1|: does not tend to 0 (rate ratio ~ eps)");
    }
    summary.result("reduced_52_ratio_halving", ratios[0] / ratios[1], "1",
                   "(rate ratio at eps = 0.02) / (at eps = 0.01): 2 if the (5.2) rate is O(eps)");
    fmt::print("  (5.2)/(5.3) rate ratio at eps = 0.02 over that at 0.01: {:.4f} (O(eps): 2)\n",
               ratios[0] / ratios[1]);
  }

  // (5.2) as a solver (methods item 9), for the coupled Gaussian's R̂, with resume.
  {
    const Piece& p = pieces[2];
    const GaussianCorrelation<2> r(p.length, std::sqrt(p.variance));
    const double gamma = 0.5 * number(results[2].scalars, "relaxation_isotropic");
    const std::vector<double> epsilons =
        driver.by_mode(std::vector<double>{0.04, 0.02}, std::vector<double>{0.04});
    const double ball_mu_tolerance = 1e-8;
    io::ProgressReporter progress(2 * std::size_t(s.ball_steps) * epsilons.size(),
                                  "(5.2) Strang steps", std::cerr);
    nlohmann::json ball_table = nlohmann::json::array();
    for (const double eps : epsilons) {
      const std::string name = fmt::format("balls_eps{:g}", eps);
      nlohmann::json record = common;
      record["epsilon"] = eps;
      record["ball_radius"] = s.ball_radius;
      record["ball_resolution"] = s.ball_resolution;
      record["ball_packet"] = s.ball_packet;
      record["ball_time"] = s.ball_time;
      record["ball_steps"] = s.ball_steps;
      record["length"] = p.length;
      record["variance"] = p.variance;
      record["mu_tolerance"] = ball_mu_tolerance;
      record["packets"] = {"upper", "mixed"};  // older piece files (one packet) are not reused
      auto found = examples::find_result(cache, piece_file(name), record, balls_from_json);
      if (found) {
        for (std::ptrdiff_t k = 0; k < 2 * s.ball_steps; ++k) progress.advance();
        fmt::print("  piece {}: reused {} (same parameters)\n", name, cache.path(piece_file(name)).string());
        driver.resumed("piece " + name, cache.path(piece_file(name)).string());
      } else {
        found = balls_from_json(cache.store(
            piece_file(name), record,
            to_json(run_balls(g, s, r, ball_mu_tolerance, eps, gamma, driver.fft_options(), progress))));
        examples::abort_point("balls_stored");
      }
      const BallsResult& result = *found;
      const auto& sc = result.scalars;
      fmt::print(
          "  (5.2) solver, eps = {:g}: {} patch vertices (N = {}, h = {:.4f}), {} nonzeros, "
          "assembly {:.1f} s (+ {:.1f} s Bloch solves)\n"
          "    K -> K' rate of one vertex, operator / rays: {:.6e} / {:.6e} at |p-K| = {:.4f}, "
          "{:.6e} / {:.6e} at {:.4f} (worst gap {:.1e})\n"
          "    upper-band packet: dP_K'/dt(0) = {:.5e} (first step {:.5e}) = {:.5f} gamma of "
          "(5.3)-(5.4); cone pi<|p-K|>/lambda# = {:.5f}; P_K'(T) = {:.4f}, max C_K' = {:.2e}, "
          "max |P_K + P_K' - 1| = {:.2e}\n"
          "    mixed packet: dP_K'/dt(0) = {:.5e}, d(P_K + P_K')/dt(0) = {:.3e}; C_K {:.4f} -> "
          "{:.2e}, max C_K' = {:.2e}; P_K'(T) = {:.4f}, P_K + P_K' at T = {:.6f} (max drift "
          "{:.2e})\n",
          eps, number(sc, "patch_vertices"), number(sc, "grid_points_per_axis"),
          number(sc, "grid_spacing"), number(sc, "operator_nonzeros"),
          number(sc, "assembly_seconds"), number(sc, "bloch_seconds"),
          number(sc, "rate_check_near_operator"), number(sc, "rate_check_near_rays"),
          number(sc, "rate_check_near_distance"), number(sc, "rate_check_far_operator"),
          number(sc, "rate_check_far_rays"), number(sc, "rate_check_far_distance"),
          number(sc, "rate_check_worst_gap"),
          number(sc, "initial_rate"), number(sc, "initial_rate_first_step"),
          number(sc, "initial_rate_over_gamma"), number(sc, "cone_prediction_over_gamma"),
          number(sc, "kp_population_final"), number(sc, "kp_coherence_max"),
          number(sc, "max_total_drift"), number(sc, "mixed_initial_rate"),
          number(sc, "mixed_initial_trace_rate"),
          number(sc, "mixed_k_coherence_initial"), number(sc, "mixed_k_coherence_final"),
          number(sc, "mixed_kp_coherence_max"), number(sc, "mixed_kp_population_final"),
          number(sc, "mixed_total_final"), number(sc, "mixed_max_total_drift"));
      const std::string tag = fmt::format("reduced_52_solver_eps{:g}_", eps);
      examples::record_results(summary, tag, sc, balls_scalar_keys());
      for (std::size_t packet = 0; packet < 2; ++packet)
        examples::write_columns_npy(
            driver.output(fmt::format("series_{}{}.npy", name, packet == 0 ? "" : "_mixed")),
            {result.series[packet].begin(), result.series[packet].end()});
      ball_table.push_back({{"name", name}, {"epsilon", eps}, {"checks", sc}});
    }
    summary.set("reduced_52_runs", ball_table);
    summary.result("reduced_52_gamma", gamma, "1/time",
                   "gamma of (5.3)-(5.4) for the same R^ (gaussian_short), the reference rate");
  }

  // Outputs common to all pieces.
  io::CsvWriter csv(driver.output("valleys.csv"), {"piece", "t", "P_K", "P_Kp", "C_K", "C_Kp",
                                                   "Cmax_K", "Cmax_Kp", "P_Kp_predicted"});
  nlohmann::json piece_table = nlohmann::json::array();
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    const PieceResult& r = results[i];
    std::vector<double> series;
    for (std::size_t k = 0; k < r.times.size(); ++k) {
      const std::array<double, 8> row{
          r.times[k],        r.population[0][k],    r.population[1][k],    r.coherence[0][k],
          r.coherence[1][k], r.coherence_max[0][k], r.coherence_max[1][k], r.predicted_kp[k]};
      series.insert(series.end(), row.begin(), row.end());
      csv.row({double(i), row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]});
    }
    io::write_npy(driver.output(fmt::format("series_{}.npy", p.name)), series, {r.times.size(), 8});
    piece_table.push_back({{"index", i},
                           {"name", p.name},
                           {"correlation", p.correlation},
                           {"length", p.length},
                           {"variance", p.variance},
                           {"role", p.role},
                           {"checks", r.scalars}});
    const auto& sc = r.scalars;
    examples::record_results(summary, p.name + "_", sc, scalar_keys());
    fmt::print(
        "  {:<15} mu kept {:>4} intra, {:>4} inter; P_K'(T) = {:.4e}, C_K(T) = {:.4f}; "
        "max|S - e^(tL)S0| = {:.1e}, total drift {:.1e}\n",
        p.name, number(sc, "mu_count_intra"), number(sc, "mu_count_inter"),
        number(sc, "kp_population_final"), number(sc, "k_coherence_final"),
        number(sc, "max_prediction_gap"), number(sc, "max_total_drift"));
    fmt::print(
        "  {:<15} dP_K'/dt(0): hand {:.6e}, L {:.6e}, 1st step {:.6e}; relaxation: fitted "
        "{:.5f}, 2 gamma {:.5f}, L rates {:.5f}..{:.5f}; |P_K' - (1 - e^(-2 gamma t))/2| <= "
        "{:.1e}, M anisotropy {:.1e}\n",
        "", number(sc, "rate_hand"), number(sc, "rate_from_L"), number(sc, "rate_first_step"),
        number(sc, "relaxation_fitted"), number(sc, "relaxation_isotropic"),
        number(sc, "relaxation_slowest"), number(sc, "relaxation_fastest"),
        number(sc, "closed_form_gap"), number(sc, "intervalley_anisotropy"));
  }
  csv.close();
  summary.set("pieces", piece_table);
  std::vector<double> snapshot_times, x;
  for (std::ptrdiff_t i = 0; i <= s.snapshots; ++i)
    snapshot_times.push_back(s.final_time / double(s.steps) *
                             double(std::lround(double(i * s.steps) / double(s.snapshots))));
  for (std::ptrdiff_t i = 0; i < study.grid().count(0); ++i) x.push_back(study.grid().point(i)[1]);
  io::write_npy(driver.output("snapshot_times.npy"), snapshot_times);
  io::write_npy(driver.output("x.npy"), x);
}

}  // namespace

int main(int argc, char** argv) {
  examples::Driver driver("a packet at the Dirac point K of a honeycomb potential in P1's graphene "
                          "valley model (5.3)-(5.4), with and without randomness");
  Settings s;
  namespace checks = examples::checks;
  driver.add("--depth", s.depth, "well depth V_0 of the honeycomb wells");
  driver.add("--well-width", s.well_width, "well width s")->check(checks::in_range(1e-3, 0.5));
  driver.add("--cutoff", s.energy_cutoff, "plane-wave energy cutoff E_cut")
      ->check(checks::in_range(50, 1000));
  driver.add("--box", s.box, "periodic box length L")->check(checks::positive);
  driver.option<std::ptrdiff_t>("--points", s.points, 128, 64, "grid points per axis");
  driver.add("--width", s.width, "packet width w")->check(checks::positive);
  driver.add("--mix", s.mix, "band mixing angle m: a ~ (cos m, e^{i phi} sin m)");
  driver.add("--phase", s.phase, "relative phase phi of the two bands");
  driver.add("--time", s.final_time, "final time T")->check(checks::positive);
  driver.option<std::ptrdiff_t>("--steps", s.steps, 300, 120, "Strang steps K");
  driver.add("--variance", s.variance, "R(0), the strength of the random potential")
      ->check(checks::positive);
  driver.add("--long-length", s.long_length, "correlation length of gaussian_long")
      ->check(checks::positive);
  driver.add("--short-length", s.short_length, "correlation length of gaussian_short")
      ->check(checks::positive);
  driver.add("--exp-length", s.exponential_length, "correlation length of exponential")
      ->check(checks::positive);
  driver.add("--exp-tolerance", s.exponential_tolerance,
             "mu-sum truncation R^ > tol R^(0) for the exponential's algebraic tail")
      ->check(checks::positive);
  driver.add("--snapshots", s.snapshots, "density snapshots after t = 0");
  driver.add("--ball-radius", s.ball_radius, "(5.2): ball radius R / eps")->check(checks::positive);
  driver.add("--ball-resolution", s.ball_resolution, "(5.2): eps / grid spacing")
      ->check(checks::positive);
  driver.add("--ball-packet", s.ball_packet, "(5.2): packet width in p / eps")
      ->check(checks::positive);
  driver.add("--ball-time", s.ball_time, "(5.2): final time")->check(checks::positive);
  driver.option<std::ptrdiff_t>("--ball-steps", s.ball_steps, 80, 40, "(5.2): Strang steps");
  driver.cli().add_flag("--fresh", s.fresh, "recompute every piece (ignore piece_*.json)");
  driver.validate([&] { validate(s); });
  return driver.run(argc, argv, [&](examples::Driver& d) { run_study(d, s); });
}
