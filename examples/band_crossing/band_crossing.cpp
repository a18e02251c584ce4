// band_crossing — interband transfer in the deterministic coupled Liouville system of P1 (3.16)
// near a conical (r = 1) and a quadratic (r = 2) band crossing, as a function of δ/ε^{1/r}.
// SPDX-License-Identifier: MIT
//
// Methods.
//  1. Model. P1 (3.16): ∂_tσ + Σ_i (∂_{x_i}σ) D_i(p) = (i/ε)[σ, diag E(p)], σ(t, x, p) ∈ ℂ^{2×2},
//     x in the periodic box [−L/2, L/2)², for the two k·p models of the kinetic module around
//     p* = 0 (λ the slope): the Dirac cone H = λ(q_xσ_x + q_yσ_y), E = ∓λ|q| (r = 1), and the
//     quadratic touching H = λ((q_x² − q_y²)σ_x + 2q_xq_yσ_y), E = ∓λ|q|² (r = 2), q = p − p*
//     (P1 (3.21)). In (3.16) p is a parameter: nothing moves p, so "a packet passing at distance
//     δ from the crossing" is a packet in x at the fixed p = p* + (δ, 0), one p per δ (the p do
//     not interact; a packet spread in p is the φ(p)-weighted sum of these runs).
//  2. Initial data (P1 (3.8)): all in the lower band, σ⁰_jl = a_j conj(a_l) with
//     a = (e^{−|x|²/2w²}, 0), so σ⁰_11 = e^{−|x|²/w²} and every other entry vanishes.
//  3. What (3.16) conserves. Each row of σ evolves on its own (the equation multiplies σ from
//     the right), so row 2 stays exactly zero: σ_21 = σ_22 ≡ 0, and ∫σ_jj dx is conserved at
//     every p (P1's "population" never moves). The transfer shows in row 1: its conjugate
//     b = conj(σ_11, σ_12) obeys ∂_tb + D∂_xb = −(i/ε) diag(E − E_1) b, the k·p envelope equation
//     of a wave packet in the band basis, and ∫(|σ_11|² + |σ_12|²) dx is conserved. The driver
//     measures the transferred population P_2(t) = ∫|σ_12|² dx / ∫|σ⁰_11|² dx (P_1 + P_2 = 1)
//     and the coherence size max_x|σ_12| / max_x σ⁰_11.
//  4. Prediction. At q = (δ, 0) both models have, in the band basis, D_x = rλδ^{r−1} diag(−1, 1)
//     (the band velocities) and D_y purely off-diagonal with |D_y,12| = rλδ^{r−1} (the interband
//     coupling), against the gap E_2 − E_1 = 2λδ^r. Per Fourier mode ξ of σ_11 the row sees the
//     2 × 2 Hermitian matrix diag(E)/ε − ξ·D, a Rabi problem: with s = δ/ε − rξ_x,
//        P(ξ, t) = r²ξ_y² / (s² + r²ξ_y²) · sin²(λδ^{r−1} t √(s² + r²ξ_y²)),
//     and P_2(t) = Σ_ξ |σ̂⁰_11(ξ)|² P(ξ, t) / Σ_ξ |σ̂⁰_11(ξ)|² (Parseval). In u = δ/ε^{1/r} this is
//     P_2 = ε^{2−2/r} F_r(u) + (higher order in ε^{1/r}; none for r = 1, where P_2 depends on u
//     only), with, for the Gaussian (⟨ξ_y²⟩ = 1/w²) and time average P̄_2 over [0, T]:
//       far, u ≫ 1:   P̄_2 ≈ ε^{2−2/r} r² / (2w²u²)  — adiabatic, ∝ (ε/δ)² for every r;
//       near, u ≪ 1:  r = 1: P_2 = O(1) (≈ ¼ for λT ≫ w: full Rabi mixing at rate λ|ξ|);
//                     r ≥ 2: P̄_2 ≈ ε^{2−2/r} r²λ²T² u^{2r−2} / (3w²), vanishing as δ → 0
//                     because D(p*) = ∇H(p*) = 0 at a quadratic touching.
//     For r ≥ 2 and fixed u > 0 the ε → 0 limit is exact in closed form: the amplitude tends to
//     r²ε^{2−2/r}ξ_y²/u² and the Rabi rate to λu^r, independent of ξ, so
//       P̄_2 / ε^{2−2/r} → F_r(u) = r²/(w²u²) · (½ − sin(2λu^rT)/(4λu^rT)),
//     which contains both regimes above; for r = 2 it peaks where λu²T = π/2 (sin 2λu²T = 0 and
//     the derivative vanishes there), at P̄_2 → 4ελT/(πw²).
//     So the dichotomy of P1 §3.2 holds with the scale ε^{1/r}: beyond it the bands decouple as
//     (ε/δ)²; within it the transfer is O(1) at a cone but only O(ε^{2−2/r}) at a touching, where
//     the linear-in-ε model (3.16) has no coupling at p* itself.
//  5. Numerics. CoherenceLiouville's exact propagator (Fourier in x, one 2 × 2 matrix exponential
//     per (ξ, p), exact in t for every ε), K equal steps to T with the observables at each step;
//     the Rabi formula is evaluated independently on the same ξ grid, and the driver reports the
//     largest difference. Fits: least-squares slopes of log P̄_2 against log u on the far range
//     (u ≥ 10) and the near range (u ≤ 0.1), and of log P̄_2 against log ε at fixed u.
//  The runs themselves are crossing_study.hpp.
//  Outputs: transfer.csv (one row per r, ε, δ), transfer_r{1,2}.npy and coherence_r{1,2}.npy
//  (ε × δ × time), predicted_r{1,2}.npy, u.npy, times.npy, epsilons.npy, summary.json,
//  band_crossing.png.
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crossing_study.hpp"
#include "driver.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/io/io.hpp"

namespace {

using namespace wavekin;
using namespace wavekin::examples::crossing;

// F_r(u) of methods item 4, the ε → 0 limit of P̄_2/ε^{2−2/r} for r ≥ 2, with the time mean
// taken over the driver's samples t_k = kT/K, k = 1..K (as time_mean), so that the comparison
// carries no quadrature error in t.
double limit_curve(int order, double u, const Settings& s) {
  double sum = 0;
  for (std::ptrdiff_t k = 1; k <= s.steps; ++k) {
    const double t = s.final_time * double(k) / double(s.steps);
    sum += std::pow(std::sin(s.lambda * std::pow(u, order) * t), 2);
  }
  return order * order / (s.width * s.width * u * u) * sum / double(s.steps);
}

double time_mean(const std::vector<double>& series) {
  // Samples t_k = kT/K, k = 1..K (the t = 0 sample, where P_2 = 0, is left out).
  double sum = 0;
  for (std::size_t k = 1; k < series.size(); ++k) sum += series[k];
  return sum / static_cast<double>(series.size() - 1);
}

// Least-squares slope of log y against log x over the pairs with lo <= x <= hi (the ends
// widened by 1e-12 relative: u is a geometric grid whose ends carry rounding).
double log_slope(const std::vector<double>& x, const std::vector<double>& y, double lo, double hi) {
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i] >= lo * (1 - 1e-12) && x[i] <= hi * (1 + 1e-12)) xs.push_back(x[i]), ys.push_back(y[i]);
  return log_log_slope(xs, ys);
}


std::size_t nearest(const std::vector<double>& u, double target) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < u.size(); ++i)
    if (std::abs(std::log(u[i] / target)) < std::abs(std::log(u[best] / target))) best = i;
  return best;
}

void write_series(const examples::Driver& driver, const std::string& name,
                  const std::vector<Run>& runs, std::vector<std::vector<double>> Run::*member) {
  std::vector<double> flat;
  for (const Run& run : runs)
    for (const auto& series : run.*member) flat.insert(flat.end(), series.begin(), series.end());
  const auto& first = runs.front().*member;
  io::write_npy(driver.output(name), flat, {runs.size(), first.size(), first.front().size()});
}

// δ/ε^{1/r}: u_count values, log-spaced from u_min to u_max.
std::vector<double> u_grid(const Settings& s) {
  std::vector<double> u;
  for (std::ptrdiff_t i = 0; i < s.u_count; ++i)
    u.push_back(s.u_min * std::pow(s.u_max / s.u_min, double(i) / double(s.u_count - 1)));
  return u;
}

// Every check of the options, before any work (Driver::validate; the values' signs and finiteness
// are checked by the options themselves): consistency, memory, and fit ranges that hold >= 2 u.
void validate(const Settings& s) {
  require(s.box >= 12 * s.width,
          "--box {} must be >= 12 --width = {} (the Gaussian must not see its images)", s.box,
          12 * s.width);
  require(s.points >= 4 && s.points % 2 == 0, "--points {} must be even and >= 4", s.points);
  require(s.steps >= 2, "--steps {} must be >= 2", s.steps);
  require(s.u_count >= 2, "--u-count {} must be >= 2", s.u_count);
  require(s.u_min < s.u_max, "--u-min {} must be below --u-max {}", s.u_min, s.u_max);
  require(!s.epsilons.empty(), "--epsilons needs at least one value");
  for (const double e : s.epsilons) require(e < 1, "--epsilons: {} must be in (0, 1)", e);
  const double points = double(s.points) * double(s.points), u_count = double(s.u_count);
  examples::require_memory(2 * 64 * u_count * points,
                           fmt::format("--points {} with --u-count {} ({} momenta x {}^2 grid "
                                       "points x 4 entries: the coherence field and its work copy)",
                                       s.points, s.u_count, s.u_count, s.points));
  examples::require_memory(3 * 8 * double(s.steps + 1) * u_count * double(s.epsilons.size()),
                           fmt::format("--steps {} with --u-count {} and {} values of --epsilons "
                                       "(three time series per run)",
                                       s.steps, s.u_count, s.epsilons.size()));
  const auto u = u_grid(s);
  const auto held = [&](double lo, double hi) {  // as log_slope counts them
    return std::count_if(u.begin(), u.end(), [&](double x) {
      return x >= lo * (1 - 1e-12) && x <= hi * (1 + 1e-12);
    });
  };
  require(held(s.u_far, s.u_max) >= 2,
          "--u-far {}: the far fit range [--u-far, --u-max] = [{}, {}] holds {} of the {} values "
          "of u, the fit needs 2",
          s.u_far, s.u_far, s.u_max, held(s.u_far, s.u_max), s.u_count);
  require(held(s.u_min, s.u_near) >= 2,
          "--u-near {}: the near fit range [--u-min, --u-near] = [{}, {}] holds {} of the {} "
          "values of u, the fit needs 2",
          s.u_near, s.u_min, s.u_near, held(s.u_min, s.u_near), s.u_count);
}

void run_study(examples::Driver& driver, Settings s) {
  std::sort(s.epsilons.begin(), s.epsilons.end(), std::greater<>());
  const std::vector<double> u = u_grid(s);
  std::vector<double> times;
  for (std::ptrdiff_t k = 0; k <= s.steps; ++k)
    times.push_back(s.final_time * double(k) / double(s.steps));

  auto& summary = driver.summary();
  summary.parameter("lambda", s.lambda, "energy/momentum^r (E = -+lambda |p - p*|^r)");
  summary.parameter("packet_width", s.width, "length (sigma0_11 = exp(-|x|^2/w^2))");
  summary.parameter("box_length", s.box, "length (periodic square)");
  summary.parameter("grid_points_per_axis", s.points);
  summary.parameter("final_time", s.final_time, "time");
  summary.parameter("time_samples", s.steps, "exact steps of T/K, observables after each");
  summary.parameter("epsilons", s.epsilons);
  summary.parameter("u_range", std::vector<double>{s.u_min, s.u_max},
                    "u = delta / eps^(1/r), log-spaced");
  summary.parameter("u_count", s.u_count);

  fmt::print(
      "P1 (3.16) near band crossings: lambda = {}, w = {}, L = {}, {}^2 points, T = {}, "
      "{} steps\n",
      s.lambda, s.width, s.box, s.points, s.final_time, s.steps);
  const Study study(s, u, driver.fft_options());
  io::CsvWriter csv(driver.output("transfer.csv"),
                    {"r", "epsilon", "u", "delta", "gap", "coupling", "transfer_T", "transfer_mean",
                     "transfer_max", "predicted_mean", "coherence_max"});
  double worst_gap = 0, worst_norm = 0, worst_population = 0, worst_row2 = 0;
  nlohmann::json traces = nlohmann::json::object();
  for (const int r : {1, 2}) {
    std::vector<Run> runs;
    for (const double eps : s.epsilons) {
      runs.push_back(study.run(r, eps));
      const Run& run = runs.back();
      worst_gap = std::max(worst_gap, run.max_prediction_gap);
      worst_norm = std::max(worst_norm, run.max_row_norm_drift);
      worst_population = std::max(worst_population, run.max_population_drift);
      worst_row2 = std::max(worst_row2, run.max_row2);
      const double scale = std::pow(eps, 1.0 / r);
      for (std::size_t i = 0; i < u.size(); ++i) {
        const double delta = u[i] * scale;
        const auto& series = run.transfer[i];
        csv.row({double(r), eps, u[i], delta, 2 * s.lambda * std::pow(delta, r),
                 r * s.lambda * std::pow(delta, r - 1), series.back(), time_mean(series),
                 *std::max_element(series.begin(), series.end()), time_mean(run.predicted[i]),
                 *std::max_element(run.coherence[i].begin(), run.coherence[i].end())});
      }
      fmt::print("  r = {}  eps = {:<7g} max|P2 - Rabi| = {:.1e}  max|P1 + P2 - 1| = {:.1e}\n", r,
                 eps, run.max_prediction_gap, run.max_row_norm_drift);
    }
    write_series(driver, fmt::format("transfer_r{}.npy", r), runs, &Run::transfer);
    write_series(driver, fmt::format("coherence_r{}.npy", r), runs, &Run::coherence);
    write_series(driver, fmt::format("predicted_r{}.npy", r), runs, &Run::predicted);

    // Fits on the smallest ε (for r = 1 every ε gives the same curve).
    const Run& last = runs.back();
    std::vector<double> mean;
    for (const auto& series : last.transfer) mean.push_back(time_mean(series));
    const double far = log_slope(u, mean, s.u_far, s.u_max);
    const double near = log_slope(u, mean, s.u_min, s.u_near);
    const auto peak = std::size_t(std::max_element(mean.begin(), mean.end()) - mean.begin());
    const double rs = r;
    const double far_theory = std::pow(last.epsilon, 2 - 2 / rs) * rs * rs /
                              (2 * s.width * s.width * u.back() * u.back());
    fmt::print(
        "  r = {}: eps = {:g}: slope of log mean P2 vs log u: {:+.3f} (u >= {:g}), "
        "{:+.3f} (u <= {:g}); peak {:.3e} at u = {:.3g}\n",
        r, last.epsilon, far, s.u_far, near, s.u_near, mean[peak], u[peak]);
    fmt::print(
        "         at u = {:g}: mean P2 = {:.4e}, far-field formula eps^(2-2/r) r^2/(2w^2u^2) "
        "= {:.4e}\n",
        u.back(), mean.back(), far_theory);
    const std::string tag = fmt::format("r{}", r);
    summary.result(tag + "_far_slope", far, "1",
                   fmt::format("slope of log(time-mean P2) vs log(delta/eps^(1/r)) over u >= {} "
                               "at eps = {} (theory -2)",
                               s.u_far, last.epsilon));
    summary.result(tag + "_near_slope", near, "1",
                   fmt::format("slope of log(time-mean P2) vs log u over u <= {} at eps = {} "
                               "(theory 2r - 2)",
                               s.u_near, last.epsilon));
    summary.result(tag + "_peak_transfer", mean[peak], "1",
                   "largest time-mean P2 = int|sigma_12|^2 dx / int|sigma0_11|^2 dx, smallest eps");
    summary.result(tag + "_peak_u", u[peak], "1", "delta/eps^(1/r) of that largest mean transfer");
    summary.result(tag + "_far_transfer", mean.back(), "1",
                   fmt::format("time-mean P2 at u = {} (largest u), smallest eps", u.back()));
    summary.result(tag + "_far_transfer_theory", far_theory, "1",
                   "eps^(2-2/r) r^2 / (2 w^2 u^2) at the largest u (methods item 4)");
    const std::size_t i_near = nearest(u, s.u_near), i_far = nearest(u, s.u_far);
    summary.result(tag + "_near_mean_transfer", time_mean(last.transfer[i_near]), "1",
                   fmt::format("time-mean P2 at u = {:.4g}, smallest eps", u[i_near]));
    summary.result(tag + "_far_mean_transfer", time_mean(last.transfer[i_far]), "1",
                   fmt::format("time-mean P2 at u = {:.4g}, smallest eps", u[i_far]));
    traces[tag] = {
        {"near_index", i_near}, {"far_index", i_far}, {"near_u", u[i_near]}, {"far_u", u[i_far]}};

    // Convergence to the ε → 0 limit F_r (r ≥ 2), on u ≤ 3 where the K samples resolve the
    // oscillation (2λu^r ≤ 18 against K/T = 50 samples per unit time by default).
    if (r >= 2) {
      std::vector<double> eps, gaps;
      for (const Run& run : runs) {
        double gap = 0;
        for (std::size_t i = 0; i < u.size() && u[i] <= 3; ++i) {
          const double scaled = time_mean(run.transfer[i]) / std::pow(run.epsilon, 2 - 2 / rs);
          gap = std::max(gap, std::abs(scaled / limit_curve(r, u[i], s) - 1));
        }
        eps.push_back(run.epsilon);
        gaps.push_back(gap);
        summary.result(fmt::format("{}_eps{:g}_limit_gap", tag, run.epsilon), gap, "1",
                       "max over u <= 3 of |mean P2 / (eps^(2-2/r) F_r(u)) - 1| (methods item 4)");
      }
      const double order = runs.size() >= 2 ? log_slope(eps, gaps, 0, 1) : std::nan("");
      fmt::print(
          "         max_u<=3 |mean P2/(eps F_2(u)) - 1| = {:.3e} ... {:.3e} for eps = {:g} "
          "... {:g}: order {:.3f} in eps\n",
          gaps.front(), gaps.back(), eps.front(), eps.back(), order);
      summary.result(tag + "_limit_gap_order", order, "1",
                     "slope of log(limit gap) vs log eps: rate of P2/eps^(2-2/r) -> F_r(u)");
    }

    // ε-exponent of P̄_2 at fixed u, fitted over all ε, then its range over u.
    if (runs.size() >= 2) {
      double lo = 1e300, hi = -1e300, at_one = 0;
      std::vector<double> eps;
      for (const Run& run : runs) eps.push_back(run.epsilon);
      for (std::size_t i = 0; i < u.size(); ++i) {
        std::vector<double> values;
        for (const Run& run : runs) values.push_back(time_mean(run.transfer[i]));
        const double slope = log_slope(eps, values, 0, 1);
        lo = std::min(lo, slope);
        hi = std::max(hi, slope);
        if (i == nearest(u, 1.0)) at_one = slope;
      }
      fmt::print(
          "         slope of log mean P2 vs log eps at fixed u: {:+.4f} at u = 1, "
          "range [{:+.4f}, {:+.4f}] over u (theory 2 - 2/r = {:g})\n",
          at_one, lo, hi, 2 - 2 / rs);
      summary.result(tag + "_eps_exponent_at_u1", at_one, "1",
                     "slope of log(time-mean P2) vs log eps at u = 1 (theory 2 - 2/r)");
      summary.result(tag + "_eps_exponent_min", lo, "1", "smallest such slope over all u");
      summary.result(tag + "_eps_exponent_max", hi, "1", "largest such slope over all u");
    }
  }
  csv.close();
  io::write_npy(driver.output("u.npy"), u);
  io::write_npy(driver.output("times.npy"), times);
  io::write_npy(driver.output("epsilons.npy"), s.epsilons);
  summary.set("traces", traces);
  summary.result("max_prediction_gap", worst_gap, "1",
                 "max over r, eps, delta, t of |P2(simulated) - P2(Rabi formula)|");
  summary.result("max_row_norm_drift", worst_norm, "1",
                 "max |P1 + P2 - 1|: row-1 L2 norm, conserved by (3.16)");
  summary.result("max_population_drift", worst_population, "1",
                 "max relative change of int sigma_11 dx, conserved by (3.16) at every p");
  summary.result("max_row2_entry", worst_row2, "1", "max |sigma_2l|: row 2 stays zero");
  fmt::print(
      "  checks: max|P2 - Rabi| = {:.1e}, max|P1 + P2 - 1| = {:.1e}, "
      "int sigma_11 drift {:.1e}, max|row 2| = {:.1e}\n",
      worst_gap, worst_norm, worst_population, worst_row2);
}

}  // namespace

int main(int argc, char** argv) {
  examples::Driver driver("interband transfer of P1 (3.16) near conical (r = 1) and quadratic "
                          "(r = 2) band crossings against delta/eps^(1/r) (P1 §3.2)");
  Settings settings;
  const auto& positive = examples::checks::positive;
  driver.add("--lambda", settings.lambda, "slope lambda of E = -+lambda|p - p*|^r")->check(positive);
  driver.add("--width", settings.width, "packet width w, sigma0_11 = exp(-|x|^2/w^2)")
      ->check(positive);
  driver.add("--box", settings.box, "periodic box length L")->check(positive);
  driver.option<std::ptrdiff_t>("--points", settings.points, 64, 32, "grid points per axis");
  driver.add("--time", settings.final_time, "final time T")->check(positive);
  driver.option<std::ptrdiff_t>("--steps", settings.steps, 200, 100, "time samples K");
  driver.option("--epsilons", settings.epsilons, {0.04, 0.02, 0.01, 0.005, 0.0025}, {0.04, 0.01},
                "values of eps")
      ->check(positive);
  driver.add("--u-min", settings.u_min, "smallest delta/eps^(1/r)")->check(positive);
  driver.add("--u-max", settings.u_max, "largest delta/eps^(1/r)")->check(positive);
  driver.option<std::ptrdiff_t>("--u-count", settings.u_count, 33, 17, "number of delta values");
  driver.add("--u-near", settings.u_near, "near trace and end of the near fit range")
      ->check(positive);
  driver.add("--u-far", settings.u_far, "far trace and start of the far fit range")
      ->check(positive);
  driver.validate([&] { validate(settings); });
  return driver.run(argc, argv, [&](examples::Driver& d) { run_study(d, settings); });
}
