// bands — Bloch band structures E_m(k) of a periodic potential along a
// high-symmetry path or on a uniform grid of the zone, with the band crossing
// located and characterised (order r and slope λ♯ of P1 (3.21), (5.1)).
// SPDX-License-Identifier: MIT
//
// Methods.
//  1. Model. The Bloch problem H_V Ψ = EΨ, H_V = −½Δ + V, Ψ(x+ν) = e^{ik·ν}Ψ
//     (P1 (2.1), ħ = m = 1) on a line, square, triangular or cubic lattice of
//     constant a, with V one of: empty (V = 0); mathieu, V0 cos(e^1·x) on the
//     line; cosine, V0 Σ cos(G·x) over the first shell of the dual lattice plus
//     V1 Σ cos(G·x) over the second (on the square lattice with 0 < V1 < V0 a
//     quadratic band touching at M); kronig-penney, a step V0 of width w per
//     cell on the line; honeycomb, Gaussian wells −V0 e^{−|y|²/2σ²} on the two
//     sites of the triangular lattice's cell (graphene-like Dirac points at K).
//  2. Solve. Plane waves ½|k+G|² ≤ E_cut, H_{GG'}(k) = ½|k+G|²δ + V̂(G−G')
//     (docs/conventions.md §6), the lowest `--bands` eigenpairs at every k of the path
//     (straight segments between high-symmetry points, `--points` steps each)
//     or of the uniform grid N^d of the zone (`--grid N`), parallel over k with
//     OpenMP when built with WAVEKIN_WITH_OPENMP (`--threads`).
//  3. Crossing. With `--crossing` (default on for honeycomb) the gap between
//     bands n and n+1 (`--crossing-band n`, 1-based) is minimised by
//     Nelder–Mead from a high-symmetry point (`--crossing-at`), and r and λ♯
//     are fitted from the half-gap at radii ρ, ρ/2 along the axes (and along
//     the diagonal of the first two axes, to expose anisotropy).
//  Outputs: bands.npy (n_k × n_bands), kpath.npy (n_k × (d+1): path distance
//  or grid index, then k), bands.csv, summary.json, bands.png.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bands_options.hpp"
#include "driver.hpp"
#include "results.hpp"
#include "wavekin/bloch/bloch.hpp"
#include "wavekin/core/core.hpp"
#include "wavekin/io/io.hpp"

namespace {

using namespace wavekin;
using examples::bands::Settings;
constexpr double pi = std::numbers::pi;

// Energies are in units of ħ²/(m length²) = 1/length² (ħ = m = 1).
constexpr const char* energy_unit = "1/length^2";


// Printed labels: G → Γ.
std::string pretty(const std::string& label) { return label == "G" ? "Γ" : label; }

// λ♯ has units energy / k^r = length^(r−2).
std::string slope_unit(double order) {
  const long r = std::lround(order);
  if (r == 2) return "1";
  if (r == 1) return "1/length";
  return fmt::format("length^({:.3g})", order - 2);
}

template <int Dim, class Potential>
void compute(examples::Driver& driver, const Settings& s, const Lattice<Dim>& lattice,
             Potential potential, const std::string& potential_text, double ecut) {
  using Vector = Eigen::Matrix<double, Dim, 1>;
  auto& summary = driver.summary();
  const BlochSolver solver(lattice, std::move(potential), {.energy_cutoff = ecut});
  const auto points = high_symmetry_points(lattice);
  const Eigen::Index bands = s.bands, steps = s.points;
  const std::string path_text = s.path.empty() ? default_k_path(lattice) : s.path;
  if (s.grid == 0) summary.parameter("path", path_text);

  // --- 1. Band table: path or grid.
  std::optional<KPath<Dim>> path;
  std::optional<BandTable<Dim>> table;
  {
    const auto basis_at_gamma = solver.basis(Vector::Zero()).size();
    fmt::print("Bloch bands of H = -1/2 Laplacian + V (hbar = m = 1, energies in 1/length^2)\n");
    fmt::print("   {} lattice, a = {}; V = {}\n", s.lattice, s.a, potential_text);
    fmt::print("   plane waves 1/2|k+G|^2 <= E_cut = {} ({} at Gamma), dense Hermitian "
               "eigensolver below 1500, Lanczos (Spectra) above; lowest {} bands\n",
               ecut, basis_at_gamma, bands);
    summary.parameter("plane_waves_at_gamma", basis_at_gamma, "1");
    if (s.grid > 0) {
      fmt::print("   uniform {}^{} grid of the zone; gauge by parallel transport\n", s.grid, Dim);
      std::array<Eigen::Index, Dim> shape;
      shape.fill(s.grid);
      const auto total = static_cast<std::size_t>(std::pow(double(s.grid), Dim));
      io::ProgressReporter progress(total, "k points");
      table.emplace(BandTable<Dim>::uniform_grid(solver, shape, bands, ParallelTransportGauge{},
                                                 [&] { progress.advance(); }));
      progress.finish();
    } else {
      fmt::print("   path {} with {} steps per segment; gauge by parallel transport\n", path_text,
                 steps);
      path.emplace(lattice, path_text);
      const auto segments = path->points().size() - 1;
      io::ProgressReporter progress(static_cast<std::size_t>(steps) * segments + 1, "k points");
      table.emplace(BandTable<Dim>::path(solver, path->vertices(), steps, bands,
                                         ParallelTransportGauge{}, [&] { progress.advance(); }));
      progress.finish();
    }
  }
  const Eigen::MatrixXd energies = table->energies();
  const auto n_k = energies.rows();

  // --- 2. Files: bands.npy, kpath.npy, bands.csv.
  {
    std::vector<std::vector<double>> k_columns(Dim + 1), e_columns(static_cast<std::size_t>(bands));
    std::vector<std::string> names{table->is_grid() ? "grid_index" : "path_distance"};
    for (int l = 0; l < Dim; ++l) names.push_back(fmt::format("k_{}", l + 1));
    for (Eigen::Index m = 0; m < bands; ++m) names.push_back(fmt::format("E_{}", m + 1));
    for (Eigen::Index i = 0; i < n_k; ++i) {
      k_columns[0].push_back(table->is_grid() ? double(i) : table->distance(i));
      for (int l = 0; l < Dim; ++l) k_columns[std::size_t(l + 1)].push_back(table->k(i)[l]);
      for (Eigen::Index m = 0; m < bands; ++m) e_columns[std::size_t(m)].push_back(energies(i, m));
    }
    examples::write_columns_npy(driver.output("bands.npy"), e_columns);
    examples::write_columns_npy(driver.output("kpath.npy"), k_columns);
    auto all = k_columns;
    all.insert(all.end(), e_columns.begin(), e_columns.end());
    io::write_csv(driver.output("bands.csv"), names, all);
  }

  // --- 3. Energies at the high-symmetry points, and the gap between bands 1 and 2.
  nlohmann::json table_json = nlohmann::json::array();
  fmt::print("Band energies [{}] at the high-symmetry points:\n", energy_unit);
  for (const auto& p : points) {
    const Vector k = p.k;
    const auto state = solver.solve(k, bands);
    std::vector<double> e(state.energies.data(), state.energies.data() + bands);
    fmt::print("   {:2s} k = {}: {:.6f}\n", pretty(p.label), examples::format_vector(k),
               fmt::join(e.begin(), e.begin() + std::min<Eigen::Index>(bands, 6), "  "));
    table_json.push_back({{"label", p.label},
                          {"k", examples::to_list(k)},
                          {"theta", examples::to_list(p.theta)},
                          {"energies", e}});
    for (Eigen::Index m = 0; m < std::min<Eigen::Index>(bands, 2); ++m)
      summary.result(fmt::format("energy_band{}_at_{}", m + 1, p.label), e[static_cast<std::size_t>(m)],
                     energy_unit,
                     fmt::format("E_{} at {} (k = {} in lattice coordinates of e^l)", m + 1,
                                 p.label, examples::format_vector(p.theta)));
  }
  nlohmann::json vertices_json = nlohmann::json::array();
  if (!table->is_grid()) {
    for (std::size_t v = 0; v < path->points().size(); ++v)
      vertices_json.push_back(
          {{"label", path->points()[v].label},
           {"path_distance", table->distance(static_cast<Eigen::Index>(v) * steps)}});
  }
  summary.set("high_symmetry_points",
              {{"energy_unit", energy_unit}, {"points", table_json}, {"path_vertices", vertices_json}});
  if (bands >= 2) {
    Eigen::Index where = 0;
    const Eigen::VectorXd gap = energies.col(1) - energies.col(0);
    const double min_gap = gap.minCoeff(&where);
    fmt::print("Min gap E_2 - E_1 on the {}: {:.3e} at k = {}\n",
               table->is_grid() ? "grid" : "path", min_gap, examples::format_vector(table->k(where)));
    summary.result("min_gap_bands_1_2", min_gap, energy_unit,
                   fmt::format("min over the {} of E_2 - E_1", table->is_grid() ? "grid" : "path"));
    summary.set("min_gap_bands_1_2_at_k", examples::to_list(table->k(where)));
  }

  // --- 4. Crossing.
  const bool search = *s.crossing;  // resolved by validate()
  summary.parameter("crossing_search", search);
  if (!search) return;
  const std::string at = !s.crossing_at.empty() ? s.crossing_at
                         : s.lattice == "triangular" ? "K"
                         : s.lattice == "line"       ? "X"
                         : s.lattice == "square"     ? "M"
                                                     : "R";
  // Default pair: bands 1–2 (the Dirac pair of the honeycomb wells, the free
  // crossing at X on the line); on the square and cubic lattices the doublet at
  // M / R of the cosine potential is bands 2–3.
  const Eigen::Index lower =
      (s.crossing_band > 0 ? s.crossing_band
                           : (s.lattice == "square" || s.lattice == "cubic") ? 2 : 1) - 1;
  require(lower + 2 <= bands, "--crossing-band {} needs --bands >= {}", lower + 1,
          lower + 2);
  const Vector centre = high_symmetry_point(lattice, at).k;
  // Start slightly off the symmetry point (the search must find it, not be given it);
  // lengths scale with the zone, 2π/a.
  Vector offset;
  for (int l = 0; l < Dim; ++l) offset[l] = (l % 2 == 0 ? 0.03 : -0.02) / s.a;
  CrossingOptions options;
  options.tolerance = 1e-9 / s.a;
  options.initial_step = 0.05 / s.a;
  options.fit_radius = 1e-3 / s.a;
  const auto crossing = locate_crossing(solver, Vector(centre + offset), lower, options);
  std::optional<DirectionalFit<double>> diagonal;
  if constexpr (Dim >= 2) {
    Vector d = Vector::Zero();
    d[0] = d[1] = 1;
    diagonal = fit_crossing_order(solver, crossing.point, lower, d, options.fit_radius);
  }
  // Where p* lies on the path (for the plot), if it does.
  std::optional<double> on_path;
  if (const auto where = path ? path->locate(crossing.point, 1e-4 / s.a) : std::nullopt) {
    const auto [v, t] = *where;
    on_path = table->distance(static_cast<Eigen::Index>(v) * steps) +
              t * (path->points()[v + 1].k - path->points()[v].k).norm();
  }
  const std::string unit = slope_unit(crossing.order);
  fmt::print("Crossing of bands {} and {}: Nelder-Mead on the gap from near {}, then r and "
             "lambda# from the half-gap at radii rho, rho/2 (P1 (3.21), (5.1)):\n",
             lower + 1, lower + 2, pretty(at));
  fmt::print("   p* = {}, |p* - {}| = {:.2e}, E_* = {:.6f}, gap at p* = {:.2e} [{}]\n",
             examples::format_vector(crossing.point), pretty(at), (crossing.point - centre).norm(),
             crossing.energy, crossing.gap, energy_unit);
  fmt::print("   order r = {:.4f}, lambda# = {:.6f} [{}] (mean over +-axes, anisotropy {:.2e})\n",
             crossing.order, crossing.slope, unit, crossing.anisotropy);
  if (diagonal)
    fmt::print("   along the (1,1) diagonal: r = {:.4f}, lambda# = {:.6f} [{}]\n", diagonal->order,
               diagonal->slope, slope_unit(diagonal->order));
  fmt::print("   ({} band solves; fit radii {:.1e} and {:.1e})\n", crossing.evaluations,
             options.fit_radius, options.fit_radius / 2);
  if (crossing.gap > 1e-6 * std::max(1.0, std::abs(crossing.energy)))
    fmt::print("   note: the gap does not close here: an avoided crossing (minimum gap {:.3e}), "
               "r and lambda# describe its minimum, not a crossing\n",
               crossing.gap);
  if (diagonal && std::abs(diagonal->order - crossing.order) > 0.1)
    fmt::print("   note: r differs between the axes and the diagonal: the degeneracy is not an "
               "isolated point of homogeneous order (e.g. a line of degeneracy)\n");
  summary.parameter("crossing_searched_from", at);
  summary.parameter("crossing_lower_band", lower + 1, "1-based band index");
  summary.parameter("crossing_fit_radius", options.fit_radius, "1/length");
  summary.result("crossing_order_r", crossing.order, "1",
                 "r in E = E_* -+ lambda# |p - p*|^r (P1 (3.21), (5.1)), mean over +-axes");
  summary.result("crossing_slope_lambda_sharp", crossing.slope, unit,
                 "lambda# (energy / k^r), mean over the +-axis directions");
  summary.result("crossing_slope_anisotropy", crossing.anisotropy, "1",
                 "(max - min)/mean of lambda# over the +-axis directions");
  summary.result("crossing_gap", crossing.gap, energy_unit, "E_{n+1} - E_n at p*");
  summary.result("crossing_energy", crossing.energy, energy_unit, "E_* = (E_n + E_{n+1})/2 at p*");
  summary.result("crossing_distance_from_start_point", (crossing.point - centre).norm(),
                 "1/length", fmt::format("|p* - {}|", at));
  if (diagonal) {
    summary.result("crossing_order_r_diagonal", diagonal->order, "1",
                   "r fitted along the (1,1) Cartesian diagonal");
    summary.result("crossing_slope_lambda_sharp_diagonal", diagonal->slope,
                   slope_unit(diagonal->order), "lambda# along the (1,1) Cartesian diagonal");
  }
  summary.set("crossing", {{"point", examples::to_list(crossing.point)},
                           {"energy", crossing.energy},
                           {"gap", crossing.gap},
                           {"order", crossing.order},
                           {"slope", crossing.slope},
                           {"slope_unit", unit},
                           {"lower_band", lower + 1},
                           {"searched_from", at},
                           {"path_distance", examples::finite_or_null(on_path.value_or(std::nan("")))}});
}

void run(examples::Driver& driver, const Settings& s) {
  const double a = s.a;
  auto& summary = driver.summary();
  summary.parameter("lattice", s.lattice);
  summary.parameter("lattice_constant_a", a, "length");
  summary.parameter("potential", s.potential);
  summary.parameter("bands", s.bands, "1");
  if (s.grid > 0)
    summary.parameter("grid_points_per_axis", s.grid, "1");
  else
    summary.parameter("points_per_segment", s.points, "1");
  const double ecut = cutoff(s);
  summary.parameter("energy_cutoff", ecut, energy_unit);
  auto record = [&](const char* key, double value, const char* unit) {
    summary.parameter(key, value, unit);
    return value;
  };

  if (s.lattice == "line") {
    const auto lattice = Lattice<1>::line(a);
    if (s.potential == "kronig-penney") {
      const double v0 = record("V0", s.v0.value_or(10.0 / (a * a)), energy_unit);
      const double w = record("width", s.width.value_or(0.4 * a), "length");
      compute<1>(driver, s, lattice, KronigPenney<>(v0, a, w),
                 fmt::format("Kronig-Penney step V0 = {} of width {}", v0, w), ecut);
      return;
    }
    CosineSum<1> v;
    std::string text = "0 (empty lattice)";
    if (s.potential == "mathieu") {
      const double v0 = record("V0", s.v0.value_or(5.0 / (a * a)), energy_unit);
      v.add(v0, lattice_index(1));
      text = fmt::format("Mathieu {} cos(2 pi x/a)", v0);
    } else if (s.potential == "cosine") {
      const double v0 = record("V0", s.v0.value_or(5.0 / (a * a)), energy_unit);
      const double v1 = record("V1", s.v1.value_or(0.0), energy_unit);
      v.add(v0, lattice_index(1)).add(v1, lattice_index(2));
      text = fmt::format("{} cos(2 pi x/a) + {} cos(4 pi x/a)", v0, v1);
    }
    compute<1>(driver, s, lattice, v, text, ecut);
  } else if (s.lattice == "square" || s.lattice == "triangular") {
    const bool square = s.lattice == "square";
    const auto lattice = square ? Lattice<2>::square(a) : Lattice<2>::triangular(a);
    if (s.potential == "honeycomb") {
      const double v0 = record("V0", s.v0.value_or(20.0 / (a * a)), energy_unit);
      const double sigma = record("sigma", s.sigma.value_or(0.15 * a), "length");
      compute<2>(driver, s, lattice, HoneycombWells<>(v0, sigma),
                 fmt::format("honeycomb Gaussian wells, depth V0 = {}, width sigma = {}", v0,
                             sigma),
                 ecut);
      return;
    }
    CosineSum<2> v;
    std::string text = "0 (empty lattice)";
    if (s.potential == "cosine") {
      // First shell of Λ*: e^1, e^2 (square), and e^1 + e^2 (triangular, 120°
      // between e^1 and e^2). Second shell: e^1 ± e^2 (square); e^1 − e^2,
      // 2e^1 + e^2, e^1 + 2e^2 (triangular).
      const double v0 = record("V0", s.v0.value_or(0.5 / (a * a)), energy_unit);
      const double v1 = record("V1", s.v1.value_or(square ? 0.2 / (a * a) : 0.0), energy_unit);
      v.add(v0, lattice_index(1, 0)).add(v0, lattice_index(0, 1));
      if (square) {
        v.add(v1, lattice_index(1, 1)).add(v1, lattice_index(1, -1));
      } else {
        v.add(v0, lattice_index(1, 1));
        v.add(v1, lattice_index(1, -1)).add(v1, lattice_index(2, 1)).add(v1, lattice_index(1, 2));
      }
      text = fmt::format("{} x (first shell of cosines) + {} x (second shell)", v0, v1);
    }
    compute<2>(driver, s, lattice, v, text, ecut);
  } else {
    const auto lattice = Lattice<3>::cubic(a);
    CosineSum<3> v;
    std::string text = "0 (empty lattice)";
    if (s.potential == "cosine") {
      const double v0 = record("V0", s.v0.value_or(0.5 / (a * a)), energy_unit);
      const double v1 = record("V1", s.v1.value_or(0.2 / (a * a)), energy_unit);
      v.add(v0, lattice_index(1, 0, 0)).add(v0, lattice_index(0, 1, 0)).add(v0, lattice_index(0, 0, 1));
      for (const auto& n : {lattice_index(1, 1, 0), lattice_index(1, -1, 0), lattice_index(1, 0, 1),
                            lattice_index(1, 0, -1), lattice_index(0, 1, 1), lattice_index(0, 1, -1)})
        v.add(v1, n);
      text = fmt::format("{} x (first shell of cosines) + {} x (second shell)", v0, v1);
    }
    compute<3>(driver, s, lattice, v, text, ecut);
  }
}

}  // namespace

int main(int argc, char** argv) {
  wavekin::examples::Driver driver(
      "Bloch band structures along high-symmetry paths or on zone grids, with band crossings "
      "located and their order r and slope lambda# fitted. Units: hbar = m = 1, energies in "
      "1/length^2. Default: the honeycomb (graphene-like) Dirac cone at K.");
  Settings s;
  auto& cli = driver.cli();
  namespace checks = wavekin::examples::checks;
  cli.add_option("--lattice", s.lattice, "line, square, triangular or cubic")
      ->check(CLI::IsMember({"line", "square", "triangular", "cubic"}))
      ->capture_default_str();
  driver.add("--a", s.a, "lattice constant (length)")->check(checks::positive);
  cli.add_option("--potential", s.potential,
                 "empty, mathieu (line), cosine, kronig-penney (line) or honeycomb (triangular); "
                 "default: honeycomb on triangular, mathieu on line, cosine otherwise")
      ->check(CLI::IsMember({"empty", "mathieu", "cosine", "kronig-penney", "honeycomb"}));
  driver.add("--V0", s.v0,
             "strength (1/length^2): cosine amplitude, step height, or well depth "
             "(defaults 5, 0.5, 10, 20 for mathieu, 2D/3D cosine, kronig-penney, honeycomb, "
             "times 1/a^2)");
  driver.add("--V1", s.v1, "cosine: amplitude of the second shell (1/length^2)");
  driver.add("--width", s.width, "kronig-penney: step width w in (0, a) (default 0.4 a)")
      ->check(checks::positive);
  driver.add("--sigma", s.sigma, "honeycomb: Gaussian well width (default 0.15 a)")
      ->check(checks::positive);
  driver.add("--ecut", s.ecut,
             "plane-wave cutoff: 1/2|k+G|^2 <= E_cut (1/length^2; default 200/a^2, "
             "400/a^2 honeycomb, 2000/a^2 line, 150/a^2 cubic)")
      ->check(checks::positive);
  driver.add("--bands", s.bands, "number of bands")->check(CLI::Range(1, 100000));
  auto* path = cli.add_option(
      "--path", s.path,
      "high-symmetry path, labels joined by '-' (G = Gamma); default line G-X, square "
      "G-X-M-G, triangular G-M-K-G, cubic G-X-M-G-R");
  auto* grid = driver.add("--grid", s.grid, "uniform N^d grid of the zone instead of a path")
                   ->check(CLI::Range(1, 100000))
                   ->excludes(path);
  driver.option<Eigen::Index>("--points", s.points, 60, 20, "steps per path segment")
      ->check(CLI::Range(1, 100000))
      ->excludes(grid);
  bool crossing_on = false, crossing_off = false;
  auto* on = cli.add_flag("--crossing", crossing_on,
                          "locate a band crossing and fit r and lambda# (default on for honeycomb)");
  cli.add_flag("--no-crossing", crossing_off, "skip the crossing search")->excludes(on);
  cli.add_option("--crossing-at", s.crossing_at,
                 "high-symmetry point to start the search from (default K, X, M, R for "
                 "triangular, line, square, cubic)");
  driver.add("--crossing-band", s.crossing_band,
             "lower band n (1-based) of the pair n, n+1 (default 1; 2 on square and cubic)")
      ->check(CLI::Range(1, 100000));
  driver.validate([&] {
    if (crossing_on) s.crossing = true;
    if (crossing_off) s.crossing = false;
    validate(s, driver.threads());
  });
  return driver.run(argc, argv, [&](wavekin::examples::Driver& d) { run(d, s); });
}
