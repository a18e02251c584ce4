// p1_ground_truth — P1's coupled Liouville system (3.16) against the Schrödinger equation (1.2)
// it approximates: a packet at a Dirac point of a honeycomb crystal, exact solution vs model.
// SPDX-License-Identifier: MIT
//
// Methods (deterministic, 2D; docs/p1_ground_truth.md).
//  1. Crystal. Triangular lattice e_1 = (1, 0), e_2 = (½, √3/2); V(z) = V₀ Σ_{j=1..3} cos(b_j·z),
//     b_1 = e^1, b_2 = e^2, b_3 = −e^1 − e^2 (b_1 + b_2 + b_3 = 0; C3-symmetric, wells on a
//     honeycomb for V₀ > 0; a CosineSum, exact on any grid). Bands 1 and 2 meet at
//     K = (e^1 − e^2)/3 (checked: the gap at K of the grid problem and the cone slope λ♯ from
//     the eigenvalues of D_x(K)).
//  2. Supercell. M = L/ε cells per axis, n points per cell: the x-torus {Σ s_a e_a : s ∈ [0, L)²}
//     (a rhombus of side L), quasi-momenta p_r = Σ (r_a/M) e^a. M is never a multiple of 3
//     (checked), so no p_r is K: K is the centre of a triangle of grid points, each 4πε/(3L)
//     away. M ≡ 1 and M ≡ 2 (mod 3) give mirror-image triangles (p − K → K − p), which the
//     crystal does not map onto each other (trigonal warping); the default ε = 1/8, 1/20, 1/32
//     (M = 40, 100, 160 at L = 5, all ≡ 1) keep one triangle, so that every ε runs the same
//     configuration in the scaled variables (x, (p − K)/ε). ε = 1/16 (M = 80) is the other one.
//  3. Packet. φ⁰ = a(x)[αΨ_1 + βΨ_2](x/ε, p₀), α = cos m, β = sin m·e^{iφ} (complex), a a
//     Gaussian of width w centred in the torus, periodised as a trigonometric polynomial with
//     modes ξ_δ = Σ δ_a e^a/L, |δ_a| ≤ K = (N_x/2 − 1)/2 (the same a(x) for every ε). p₀ is the
//     p_r nearest K + εu·ê, ê = (e^1 + e^2)/|e^1 + e^2| (⟂ ΓK, a grid direction); the driver
//     reports u_eff = |p₀ − K|/ε (u = 0 gives the vertex nearest K, u_eff = 4π/(3L)).
//  4. Truth. The exact solution of (1.2) with periodic V on the supercell grid, all n² bands
//     (SupercellBloch::evolve: f̂_j(p, t) = e^{−iE_j t/ε} f̂_j(p, 0)), and at each sample its exact
//     Wigner–Bloch σ_jl (j, l ∈ {1, 2}) at the model's momenta and x-points (wigner_bloch);
//     ρ̄ = ∫_B tr σ dp and J = ∫_B tr(σD) dp from it. ρ̄ omits the higher bands' share of the
//     density, O(ε²) (reported: higher_band_fraction of the norm).
//  5. Model. (3.16) with CoherenceLiouville's exact propagator on the (2K + 1)² p_r around p₀ (the
//     packet's whole support: f̂ vanishes elsewhere), BandData of bands 1–2 from the supercell's
//     Bloch states in a twisted gauge e^{iθ_j(p)}Ψ_j (their own is real, D = Dᵀ; one gauge for
//     D, the overlaps and the truth σ; ρ̄ and J do not depend on it). x on the rhombus torus via
//     LatticeCoordinates (x = Es: D̃ = E⁻¹D, the box [0, L)² with N_x points per axis, every
//     (M/N_x)-th cell origin). Initial data: finite-ε set_wave_packet (P1 (3.8), two packet
//     bands). Negative controls: product data σ⁰ = a aᴴ φ(p) (set_band_projected, the ε → 0
//     form; φ = |â(ξ)|² normalised so that ρ̄⁰ = |a|², in the gauge where ⟨u_j(p₀), u_j(p)⟩ > 0,
//     the one in which that form is meant), and D in place of Dᵀ (finite data).
//  6. Errors at t_k = kT/S: e_ρ = max_x|ρ̄_model − ρ̄_true| / max_x ρ̄_true(0), e_J likewise with
//     |J| (Euclidean) over max_{x,t}|J_true|, e_σ = max|σ_model − σ_true| / max|σ_true(0)|; the
//     summary gives each maximum over t ≤ T. Rates: least-squares slope of log e vs log ε per u.
//  Outputs: summary.json, errors.csv (one row per ε, u, run (0 finite, 1 product, 2 transposed), t), rho_eps<ε>_u<u>.npy
//  ((S+1) × 4 × N_x × N_x: truth, finite, product, transposed), x_points_eps<ε>.npy (N_x × N_x × 2),
//  p1_ground_truth.png. Each (ε, u) is kept in case_eps<ε>_u<u>.json (io::ResultCache); a
//  rerun with the same parameters reuses it (--fresh recomputes).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "driver.hpp"
#include "ground_truth_study.hpp"
#include "results.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/io/io.hpp"

namespace {

using namespace wavekin;
using namespace wavekin::examples::ground_truth;

const std::vector<std::string> runs{"finite", "product", "transposed"};
const std::vector<std::string> quantities{"rho", "current", "sigma"};

std::string tag(double v) { return fmt::format("{:g}", v); }

double series_max(const nlohmann::json& series) {
  double m = 0;
  for (const auto& v : series) m = std::max(m, v.get<double>());
  return m;
}

void validate(const Settings& s) {
  require(s.points_per_cell >= 4 && s.points_per_cell % 2 == 0,
          "--points-per-cell {} must be even and >= 4", s.points_per_cell);
  require(s.x_points >= 8 && s.x_points % 2 == 0, "--x-points {} must be even and >= 8",
          s.x_points);
  require(s.samples >= 1 && s.samples <= 100, "--samples {} must lie in [1, 100]", s.samples);
  require(!s.epsilons.empty(), "--eps needs at least one value");
  require(!s.us.empty(), "--u needs at least one value");
  for (const double u : s.us) require(u >= 0 && u <= 64, "--u: {} must lie in [0, 64]", u);
  // The envelope's width against the torus and the mode cut: the Gaussian must have decayed at
  // the torus's half-height (L√3/4) and its last mode must be negligible.
  require(s.width <= s.side / 6, "--width {} must be <= --box / 6 = {}", s.width, s.side / 6);
  const double last_mode = (4 * std::numbers::pi / std::sqrt(3.0)) *
                           double(envelope_modes(s) + 1) / s.side;
  require(last_mode * s.width >= 5,
          "--width {}: the envelope needs modes beyond --x-points {} (w·|ξ_max| = {:.2f} < 5)",
          s.width, s.x_points, last_mode * s.width);
  for (const double e : s.epsilons) {
    require(e > 0 && e < 1, "--eps: {} must lie in (0, 1)", e);
    const double m = s.side / e;
    const auto cells = cells_for(s, e);
    require(std::abs(m - double(cells)) <= 1e-9 * m,
            "--eps {}: --box / eps = {} must be a whole number of cells", e, m);
    require(cells % 3 != 0, "--eps {}: M = --box / eps = {} is a multiple of 3, so a grid point "
            "sits on K; choose --box or eps with M not divisible by 3", e, cells);
    require(cells >= s.x_points, "--eps {}: M = {} cells is fewer than --x-points {}", e, cells,
            s.x_points);
    require(cells % (cells / s.x_points) == 0,
            "--eps {}: M = {} cells must be a multiple of M div --x-points = {} (the model grid "
            "takes every such cell origin)", e, cells, cells / s.x_points);
    const double n2 = double(s.points_per_cell) * double(s.points_per_cell);
    examples::require_memory(double(cells) * double(cells) * n2 * (n2 + 6) * 16,
                             fmt::format("--eps {} with --points-per-cell {} (the supercell's "
                                         "Bloch states, {} x {} cells)",
                                         e, s.points_per_cell, cells, cells));
  }
}

void run_study(examples::Driver& driver, Settings s) {
  std::sort(s.epsilons.begin(), s.epsilons.end(), std::greater<>());
  auto& summary = driver.summary();
  summary.parameter("V0", s.v0, "energy (V = V0 sum_j cos(b_j.z))");
  summary.parameter("box", s.side, "length (x-torus: rhombus of side L = eps M)");
  summary.parameter("points_per_cell", s.points_per_cell);
  summary.parameter("model_x_points", s.x_points,
                    "least per axis: N_x = M / (M div this), every (M/N_x)-th cell origin");
  summary.parameter("envelope_modes", envelope_modes(s), "K: |delta_a| <= K");
  summary.parameter("packet_width", s.width, "length");
  summary.parameter("alpha_beta", std::vector<double>{std::cos(s.mix), std::sin(s.mix), s.phase},
                    "alpha = cos m, beta = sin m e^{i phi}: (cos m, sin m, phi)");
  summary.parameter("final_time", s.final_time, "time");
  summary.parameter("samples", s.samples);
  summary.parameter("epsilons", s.epsilons);
  summary.parameter("u", s.us, "nominal (p0 - K)/eps along e_hat");

  const auto dirac = dirac_check(s);
  summary.set("dirac_point", dirac);
  summary.result("dirac_gap_at_K", dirac["gap_at_K"].get<double>(), "energy",
                 "E_2 - E_1 at K of the grid problem (a touching: round-off to n-truncation)");
  summary.result("cone_slope", dirac["cone_slope"].get<double>(), "energy*length",
                 "lambda from |eig D_x(K)| on bands 1-2");
  fmt::print("Dirac point: E_2 - E_1 at K = {:.2e}, cone slope {:.4f}, gap to band 3 {:.3f}\n",
             dirac["gap_at_K"].get<double>(), dirac["cone_slope"].get<double>(),
             dirac["gap_to_band_3_at_K"].get<double>());

  const io::ResultCache cache(driver.out_dir(), s.fresh ? io::ResultCache::Mode::recompute
                                                        : io::ResultCache::Mode::reuse);
  io::CsvWriter csv(driver.output("errors.csv"),
                    {"epsilon", "u", "u_effective", "run", "t", "rho", "current", "sigma"});
  std::map<double, std::map<double, nlohmann::json>> cases;
  for (const double eps : s.epsilons) {
    std::unique_ptr<Crystal> crystal;  // built only if a case needs it
    for (const double u : s.us) {
      const std::string name = fmt::format("case_eps{}_u{}", tag(eps), tag(u));
      const nlohmann::json record{{"V0", s.v0},          {"box", s.side},
                                  {"n", s.points_per_cell}, {"x_points", s.x_points},
                                  {"width", s.width},    {"mix", s.mix},
                                  {"phase", s.phase},    {"time", s.final_time},
                                  {"samples", s.samples}, {"epsilon", eps},
                                  {"u", u}};
      auto found = examples::find_result(cache, name, record, [](const nlohmann::json& j) {
        for (const auto& run : runs) require(!j.at("errors").at(run).at("rho").empty(), "empty");
        return j;
      });
      if (found) {
        driver.resumed(name, cache.path(name).string());
      } else {
        if (!crystal) {
          fmt::print("  eps = {:g}: supercell of {}^2 cells x {}^2 points, all bands ...\n", eps,
                     cells_for(s, eps), s.points_per_cell);
          crystal = std::make_unique<Crystal>(s, eps);
        }
        found = cache.store(name, record, run_case(*crystal, s, u, driver.fft_options()));
        examples::abort_point("case");
      }
      const auto& c = *found;
      const auto& e = c["errors"];
      fmt::print("  eps = {:<7g} u = {:<3g} (u_eff {:.2f}): max_t e_rho {:.3e} (product {:.3e}, "
                 "D for D^T {:.3e}), e_J {:.3e}, e_sigma {:.3e}\n",
                 eps, u, c["u_effective"].get<double>(), series_max(e["finite"]["rho"]),
                 series_max(e["product"]["rho"]), series_max(e["transposed"]["rho"]),
                 series_max(e["finite"]["current"]), series_max(e["finite"]["sigma"]));
      for (std::size_t r = 0; r < runs.size(); ++r)
        for (std::size_t k = 0; k < c["times"].size(); ++k)
          csv.row({eps, u, c["u_effective"].get<double>(), double(r), c["times"][k].get<double>(),
                   e[runs[r]]["rho"][k].get<double>(), e[runs[r]]["current"][k].get<double>(),
                   e[runs[r]]["sigma"][k].get<double>()});
      // ρ̄ snapshots: (S+1) × 4 × N_x × N_x.
      std::vector<double> flat;
      for (std::size_t k = 0; k < c["times"].size(); ++k) {
        for (const double v : c["rho_truth"][k]) flat.push_back(v);
        for (const auto& model : c["rho_model"][k])
          for (const double v : model) flat.push_back(v);
      }
      const auto nx = static_cast<std::size_t>(model_points(s, eps));
      io::write_npy(driver.output(fmt::format("rho_eps{}_u{}.npy", tag(eps), tag(u))), flat,
                    {c["times"].size(), std::size_t(4), nx, nx});
      const std::string key = fmt::format("eps{}_u{}_", tag(eps), tag(u));
      summary.result(key + "u_effective", c["u_effective"].get<double>(), "1",
                     "|p0 - K| / eps of the grid point p0");
      summary.result(key + "higher_band_fraction", c["higher_band_fraction"].get<double>(), "1",
                     "share of the packet's norm outside bands 1-2 (O(eps^2))");
      for (const auto& run : runs)
        for (const auto& q : quantities)
          summary.result(key + run + "_" + q + "_error", series_max(e[run][q]), "1",
                         fmt::format("max over t <= T of the relative {} error, {} model", q, run));
      cases[eps][u] = c;
    }
  }
  csv.close();
  // x-points of each model grid (x = Es), for the plots.
  for (const double eps : s.epsilons) {
    const LatticeCoordinates<2> coordinates(Lattice<2>::triangular(1.0));
    const auto nx = model_points(s, eps);
    const auto grid = coordinates.grid(nx, s.side);
    std::vector<double> xy;
    for (std::ptrdiff_t k = 0; k < grid.size(); ++k) {
      const Vec2 x = coordinates.position(grid.point(k));
      xy.push_back(x[0]);
      xy.push_back(x[1]);
    }
    io::write_npy(driver.output(fmt::format("x_points_eps{}.npy", tag(eps))), xy,
                  {std::size_t(nx), std::size_t(nx), std::size_t(2)});
  }
  // Rates in ε per u (finite data), over every ε given: of the maximum over t <= T and over the
  // first half, t <= T/2 (before the packet's ring meets itself across the torus, docs).
  if (s.epsilons.size() >= 2)
    for (const double u : s.us)
      for (const auto& q : quantities)
        for (const bool early : {false, true}) {
          std::vector<double> eps, err;
          for (const double e : s.epsilons) {
            const auto& series = cases[e][u]["errors"]["finite"][q];
            double m = 0;
            for (std::size_t k = 0; k < series.size(); ++k)
              if (!early || 2 * k <= series.size() - 1) m = std::max(m, series[k].get<double>());
            eps.push_back(e);
            err.push_back(m);
          }
          const double rate = log_log_slope(eps, err);
          summary.result(fmt::format("u{}_{}_rate{}", tag(u), q, early ? "_first_half" : ""),
                         rate, "1",
                         fmt::format("slope of log(max over t <= {} of the {} error) vs log eps, "
                                     "finite-eps data",
                                     early ? "T/2" : "T", q));
          if (q == "rho")
            fmt::print("  u = {:<3g}: rho error ~ eps^{:.3f} (t <= {})\n", u, rate,
                       early ? "T/2" : "T");
        }
}

}  // namespace

int main(int argc, char** argv) {
  examples::Driver driver("P1 (3.16) against the exact solution of (1.2) at a honeycomb Dirac point");
  Settings settings;
  const auto& positive = examples::checks::positive;
  driver.add("--V0", settings.v0, "potential strength V0 (V = V0 sum_j cos(b_j.z))")
      ->check(positive);
  driver.add("--box", settings.side, "x-torus side L = eps M (rhombus)")->check(positive);
  driver.add("--points-per-cell", settings.points_per_cell, "grid points per cell and axis n");
  driver.add("--x-points", settings.x_points, "least model grid points per axis");
  driver.add("--width", settings.width, "packet width w")->check(positive);
  driver.add("--time", settings.final_time, "final time T")->check(positive);
  driver.add("--samples", settings.samples, "comparisons at t = kT/S, k = 0..S");
  driver.option("--eps", settings.epsilons, {0.125, 0.05, 0.03125}, {0.125}, "values of eps")
      ->check(positive);
  driver.add("--u", settings.us, "nominal (p0 - K)/eps");
  driver.add("--mix", settings.mix, "alpha = cos(mix), beta = sin(mix) e^{i phase}");
  driver.add("--phase", settings.phase, "phase of beta");
  driver.cli().add_flag("--fresh", settings.fresh, "recompute every (eps, u) case");
  driver.validate([&] { validate(settings); });
  return driver.run(argc, argv, [&](examples::Driver& d) { run_study(d, settings); });
}
