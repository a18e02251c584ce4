// vmse_liouville — the semiclassical limit of the varying-mass Schrödinger
// equation: VMSE solutions against their Liouville limit (P2 §4.1.2).
// SPDX-License-Identifier: MIT
//
// Methods.
//  1. Model. iε u_t = −(ε²/2) ∂_x(m_0(t,x) ∂_x u) + V_0(t,x) u on the periodic
//     box [0, L) (P2 (1.1), (4.3)), initial data u_I = exp(−A(x − x_0)² +
//     i p_0 x/ε) with A = 2^7, x_0 = 0.25, p_0 = 1 (P2 (4.2), (4.4)), up to T = 0.5.
//     Example 1 (P2 (4.9)): m_0 = (1 + 0.2 sin 2πx)(1 + 0.2 cos 2πt), V_0 = 0,
//     L = 1.25. Example 2, the resonant tunnelling diode (P2 (4.12)–(4.13)):
//     L = 2, two smooth bumps on (0.5, 0.75) and (1, 1.25) where m_0 dips to 0.5
//     and V_0 rises to 1; m_0 = 1 and V_0 = 0 elsewhere (docs/errata.md: the
//     transcription's "0 otherwise" for m_0 cannot be right). Both are p2_examples.hpp.
//  2. VMSE. Crank–Nicolson + Fourier spectral (P2 (4.5)), m_0 and V_0 at
//     t_{n+½}, the implicit system solved by a fixed point (GMRES if it stalls)
//     preconditioned with the mean-coefficient operator (tolerance --krylov-tol). ε = 2^−n, Δx = 2^{−n−2}
//     (P2 (4.10), (4.14)); Δt = 2^{−1.2n−3} (ex. 1) or 2^{−1.5n−3} (ex. 2) is the
//     paper's, rounded down so that T/Δt is an integer.
//  3. Liouville limit (P2 (2.28)). W_I = ρ_I(x) δ(k − p_0) is pushed along the
//     forward characteristics ẋ = m_0 k, k̇ = −(k²/2)∂_x m_0 − ∂_x V_0 with their
//     Jacobians (Dormand–Prince 5(4), tolerance --ode-tol, --particles labels);
//     ρ⁰ = Σ_branches ρ_I(y)/|∂x/∂y| and J⁰ = m_0 Σ k ρ_I/|∂x/∂y|, taken on the
//     VMSE grid as cell averages of the pushed-forward measure (exact mass, and
//     finite through the fold caustic of example 2); the pointwise branch sum is
//     reported beside it as a check of the limit's own accuracy.
//  4. Errors (P2 (4.11)): Err_ρ = ∫|ρ⁰ − ρ^ε| dx and Err_J = ∫|J⁰ − J^ε| dx at T,
//     J^ε = ε Im(m_0 conj(u) ∂_x u), by the rectangle rule on the VMSE grid. The
//     slope of log Err against log ε is fitted by least squares over every n and
//     over the asymptotic range n ≥ --asymptotic-from (docs/errata.md: with A fixed
//     the packet's dispersion keeps ε ≳ 2^−7 pre-asymptotic).
//  Each (example, n) run is saved as runs/ex<e>_n<n>.json (io::ResultCache) as soon as it
//  finishes; a restarted driver reuses every saved run whose parameters match (--fresh to
//  recompute).
//  Outputs: errors.csv; runs/ex<e>_n<n>/{x,rho_eps,current_eps,rho_liouville,
//  current_liouville}.npy; phase_ex<e>.npy (times × particles × [x, k, ρ_I]);
//  wigner_ex<e>.npy, wigner_k_ex<e>.npy, wigner_x_ex<e>.npy (W^ε at n = --wigner-n);
//  summary.json; errors.png, densities.png, phase_space.png.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <filesystem>
#include <functional>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "driver.hpp"
#include "p2_examples.hpp"
#include "results.hpp"
#include "wavekin/core/core.hpp"
#include "wavekin/io/io.hpp"
#include "wavekin/kinetic/kinetic.hpp"
#include "wavekin/schrodinger/schrodinger.hpp"

namespace {

using namespace wavekin;
using namespace wavekin::examples::vmse_liouville;
using cplx = std::complex<double>;

// Lengths and times are in the paper's dimensionless units; ρ in 1/length.
struct Settings {
  std::vector<int> examples{1, 2};
  int n_min = 5;
  int n_max = 9;  // --quick: 7
  int asymptotic_from = 7;
  int wigner_n = 6;
  long particles = 1 << 15;  // --quick: 1 << 13
  double ode_tol = 1e-10;
  double krylov_tol = 1e-12;
  bool fresh = false;
};

// What one (example, n) run measured; saved as runs/ex<e>_n<n>.json.
struct RunResult {
  int example = 0;
  int n = 0;
  double epsilon = 0, dx = 0, dt = 0;
  long steps = 0, points = 0;
  double err_rho = 0, err_current = 0;
  double mass_drift = 0;     // |‖u(T)‖² − ‖u(0)‖²| / ‖u(0)‖²
  double liouville_gap = 0;  // L¹ gap of the two reconstructions of ρ⁰
  double mean_iterations = 0;
  int max_iterations = 0;
  double max_residual = 0;
  long caustic_points = 0;
  double vmse_seconds = 0, liouville_seconds = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunResult, example, n, epsilon, dx, dt, steps, points, err_rho,
                                   err_current, mass_drift, liouville_gap, mean_iterations,
                                   max_iterations, max_residual, caustic_points, vmse_seconds,
                                   liouville_seconds)

// The parameters a saved run must match to be reused.
nlohmann::json run_parameters(const Example& e, int n, const Settings& s) {
  return {{"example", e.id},
          {"n", n},
          {"particles", s.particles},
          {"ode_tol", s.ode_tol},
          {"krylov_tol", s.krylov_tol},
          {"version", version_string},
          {"reconstruction", "deposit"}};
}

std::vector<double> grid_points(const PeriodicGrid<1>& grid) {
  std::vector<double> x(static_cast<std::size_t>(grid.size()));
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j)
    x[static_cast<std::size_t>(j)] = grid.coordinate(0, j);
  return x;
}

double l1_distance(const std::vector<double>& a, const Eigen::VectorXd& b, double h) {
  double sum = 0;
  for (std::size_t j = 0; j < a.size(); ++j)
    sum += std::abs(a[j] - b[static_cast<Eigen::Index>(j)]);
  return h * sum;
}

// ρ⁰, J⁰ on the grid as the cell averages of the pushed-forward measure (the
// segment deposit of monokinetic_1d: exact mass, finite at folds, O(h²) from
// the pointwise values where those are smooth). The pointwise branch sum is
// kept as a check: their L¹ distance away from caustics measures the limit's
// own discretisation error, which must stay far below Err.
struct LiouvilleFields {
  Eigen::VectorXd rho, current;
  long caustic_points = 0;
  double reconstruction_gap = 0;  // h Σ |ρ_pointwise − ρ_deposit| off caustics
};

template <class Solver>
LiouvilleFields liouville_fields(const Solver& solver, const Example& e,
                                 const PeriodicGrid<1>& grid, long particles) {
  const auto s = monokinetic_1d(
      solver, initial_density, [](double) { return packet_p0; }, [](double) { return 0.0; }, 0.0,
      e.final_time, particles, grid);
  LiouvilleFields f;
  f.rho = s.density_deposit;
  f.current = s.current_deposit;
  for (Eigen::Index j = 0; j < f.rho.size(); ++j) {
    if (s.caustic[static_cast<std::size_t>(j)])
      ++f.caustic_points;
    else
      f.reconstruction_gap += std::abs(s.density_pointwise[j] - s.density_deposit[j]);
  }
  f.reconstruction_gap *= grid.spacing(0);
  return f;
}

class Study {
 public:
  Study(examples::Driver& driver, Settings settings)
      : m_driver(driver),
        m_settings(std::move(settings)),
        m_cache(driver.output("runs"), m_settings.fresh ? io::ResultCache::Mode::recompute
                                                        : io::ResultCache::Mode::reuse) {}

  // The run (e, n) from the result cache (runs/ex<e>_n<n>.json) if it holds a readable one for
  // these parameters, else computed and stored there: a restarted study resumes.
  RunResult run(const Example& e, int n) {
    const auto name = fmt::format("ex{}_n{}", e.id, n);
    const auto parameters = run_parameters(e, n, m_settings);
    const auto read = [](const nlohmann::json& j) { return j.get<RunResult>(); };
    if (auto found = examples::find_result(m_cache, name, parameters, read)) {
      m_driver.resumed("run " + name, m_cache.path(name).string());
      return *found;
    }
    const auto folder = m_driver.output("runs/" + name);
    std::filesystem::create_directories(folder);
    const auto result = read(m_cache.store(name, parameters, nlohmann::json(compute(e, n, folder))));
    examples::abort_point("run_stored");  // test hook: a kill between runs
    return result;
  }

 private:
  RunResult compute(const Example& e, int n, const std::filesystem::path& folder) {
    RunResult r;
    r.example = e.id;
    r.n = n;
    r.epsilon = std::ldexp(1.0, -n);
    r.dx = std::ldexp(1.0, -n - 2);
    r.points = std::lround(e.length / r.dx);
    const double dt_paper = std::exp2(-e.dt_exponent_rate * n - 3);
    r.steps = static_cast<long>(std::ceil(e.final_time / dt_paper - 1e-9));
    r.dt = e.final_time / static_cast<double>(r.steps);

    const PeriodicGrid<1> grid({r.points}, PeriodicGrid<1>::Point(e.length));
    const auto x = grid_points(grid);
    const FftOptions fft = m_driver.fft_options();

    // VMSE.
    const auto t0 = std::chrono::steady_clock::now();
    using Coefficient = FunctionCoefficient<std::function<double(double, double)>>;
    CrankNicolsonOptions<double> options;
    options.tolerance = m_settings.krylov_tol;
    options.fft = fft;
    CrankNicolsonSpectral<1, double, Coefficient, Coefficient> propagator(
        grid, r.epsilon, Coefficient(e.mass), Coefficient(e.potential), options);
    std::vector<cplx> u(x.size());
    for (std::size_t j = 0; j < x.size(); ++j)
      u[j] = std::exp(
          cplx(-packet_A * (x[j] - packet_x0) * (x[j] - packet_x0), packet_p0 * x[j] / r.epsilon));
    const double mass0 = total_mass(grid, std::span<const cplx>(u));
    {
      io::ProgressReporter progress(static_cast<std::size_t>(r.steps),
                                    fmt::format("ex. {} n = {} CN steps", e.id, n));
      integrate_n_steps(propagator, u, 0.0, r.dt, r.steps,
                        [&](const auto&, double, std::int64_t k) {
                          if (k > 0) progress.advance();
                        });
    }
    const auto& stats = propagator.statistics();
    r.mean_iterations = static_cast<double>(stats.iterations) / static_cast<double>(stats.steps);
    r.max_iterations = stats.max_iterations;
    r.max_residual = stats.max_residual;
    r.mass_drift = std::abs(total_mass(grid, std::span<const cplx>(u)) - mass0) / mass0;
    const auto rho_eps = density(grid, std::span<const cplx>(u));
    std::vector<double> mass_at_t(x.size());
    for (std::size_t j = 0; j < x.size(); ++j) mass_at_t[j] = e.mass(e.final_time, x[j]);
    SpectralDerivative<1> derivative(grid, fft);
    const auto current_eps = current<1, double>(derivative, u, mass_at_t, r.epsilon)[0];
    const auto t1 = std::chrono::steady_clock::now();
    r.vmse_seconds = std::chrono::duration<double>(t1 - t0).count();

    // Liouville.
    CharacteristicsOptions ode;
    ode.rtol = ode.atol = m_settings.ode_tol;
    const Characteristics solver(
        make_hamiltonian<1>(e.mass, e.mass_gradient, e.potential, e.potential_gradient), ode);
    const auto limit = liouville_fields(solver, e, grid, m_settings.particles);
    r.liouville_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    r.caustic_points = limit.caustic_points;
    r.liouville_gap = limit.reconstruction_gap;
    r.err_rho = l1_distance(rho_eps, limit.rho, r.dx);
    r.err_current = l1_distance(current_eps, limit.current, r.dx);

    io::write_npy(folder / "x.npy", x);
    io::write_npy(folder / "rho_eps.npy", rho_eps);
    examples::abort_point("run_files");  // test hook: a kill between a run's files
    io::write_npy(folder / "current_eps.npy", current_eps);
    io::write_npy(folder / "rho_liouville.npy", limit.rho.data(), {x.size()});
    io::write_npy(folder / "current_liouville.npy", limit.current.data(), {x.size()});
    if (n == m_settings.wigner_n) write_wigner(e, grid, u, r.epsilon);
    return r;
  }

  // W^ε(T) on the VMSE grid around the packet's momenta, k ∈ [−2, 2].
  void write_wigner(const Example& e, const PeriodicGrid<1>& grid, const std::vector<cplx>& u,
                    double epsilon) {
    constexpr std::ptrdiff_t k_count = 161;
    std::vector<double> k(static_cast<std::size_t>(k_count));
    for (std::ptrdiff_t m = 0; m < k_count; ++m)
      k[static_cast<std::size_t>(m)] = -2.0 + 4.0 * static_cast<double>(m) / (k_count - 1);
    const auto w =
        wigner_transform(grid, std::span<const cplx>(u), epsilon, std::span<const double>(k));
    io::write_npy(m_driver.output(fmt::format("wigner_ex{}.npy", e.id)), w.data(),
                  {static_cast<std::size_t>(grid.size()), k.size()});
    io::write_npy(m_driver.output(fmt::format("wigner_k_ex{}.npy", e.id)), k);
    io::write_npy(m_driver.output(fmt::format("wigner_x_ex{}.npy", e.id)), grid_points(grid));
  }

  examples::Driver& m_driver;
  Settings m_settings;
  io::ResultCache m_cache;
};

// The characteristic curve (x(t; y), k(t; y)) carrying W⁰ at five times, with
// the weight ρ_I(y) of each label: the phase-space picture of P2 Figs 1 and 4.
template <class Solver>
void write_phase_curves(const Solver& solver, const Example& e, examples::Driver& driver) {
  constexpr int times = 5;
  constexpr std::ptrdiff_t labels = 2048;
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(e.length));
  std::vector<double> rows;
  rows.reserve(static_cast<std::size_t>(times * (labels + 1) * 3));
  for (int i = 0; i < times; ++i) {
    const double t = e.final_time * i / (times - 1);
    if (i == 0) {
      for (std::ptrdiff_t l = 0; l <= labels; ++l) {
        const double y = e.length * static_cast<double>(l) / labels;
        rows.insert(rows.end(), {y, packet_p0, initial_density(y)});
      }
      continue;
    }
    const auto s = monokinetic_1d(
        solver, initial_density, [](double) { return packet_p0; }, [](double) { return 0.0; }, 0.0,
        t, labels, grid);
    for (std::ptrdiff_t l = 0; l <= labels; ++l)
      rows.insert(rows.end(), {s.x_unwrapped[l], s.k[l], s.rho_initial[l]});
  }
  io::write_npy(driver.output(fmt::format("phase_ex{}.npy", e.id)), rows.data(),
                {std::size_t{times}, static_cast<std::size_t>(labels + 1), std::size_t{3}});
}

// Least-squares slope of log Err against log ε over the runs with n ≥ n_from.
double fitted_slope(const std::vector<RunResult>& runs, int n_from, double RunResult::*err) {
  std::vector<double> eps, errors;
  for (const auto& r : runs)
    if (r.n >= n_from) eps.push_back(r.epsilon), errors.push_back(r.*err);
  return log_log_slope(eps, errors);
}

// Every check of the options, before any work (Driver::validate; ranges and signs are checked by
// the options themselves): consistency and the memory of the characteristics.
void validate(const Settings& s) {
  require(!s.examples.empty(), "--examples needs at least one of 1, 2");
  require(s.n_min <= s.n_max, "--n-min {} must be <= --n-max {}", s.n_min, s.n_max);
  require(s.particles >= 64, "--particles {} must be >= 64", s.particles);
  // Per particle: labels, positions, momenta, Jacobians, weights and the ODE state (~16 doubles).
  examples::require_memory(128 * double(s.particles),
                           fmt::format("--particles {} (the traced characteristics)", s.particles));
}

void run_study(examples::Driver& driver, Settings settings) {
  std::set<int> unique(settings.examples.begin(), settings.examples.end());
  settings.examples.assign(unique.begin(), unique.end());

  auto& summary = driver.summary();
  summary.parameter("examples", settings.examples);
  summary.parameter("n_min", settings.n_min, "epsilon = 2^-n");
  summary.parameter("n_max", settings.n_max, "epsilon = 2^-n");
  summary.parameter("asymptotic_from", settings.asymptotic_from, "n");
  summary.parameter("particles", settings.particles);
  summary.parameter("wigner_n", settings.wigner_n, "n");
  summary.parameter("ode_tolerance", settings.ode_tol);
  summary.parameter("krylov_tolerance", settings.krylov_tol);
  summary.parameter("packet_A", packet_A);
  summary.parameter("packet_x0", packet_x0, "length");
  summary.parameter("packet_p0", packet_p0, "1/length (scaled momentum)");

  io::CsvWriter csv(driver.output("errors.csv"),
                    {"example", "n", "epsilon", "dx", "dt", "steps", "points", "err_rho",
                     "err_current", "mass_drift", "liouville_reconstruction_gap",
                     "mean_solver_iterations", "max_solver_iterations", "max_residual",
                     "caustic_points", "vmse_seconds", "liouville_seconds"});
  Study study(driver, settings);
  nlohmann::json runs_json = nlohmann::json::array();
  for (const int id : settings.examples) {
    const Example e = make_example(id);
    fmt::print("example {}: {}, L = {}, T = {}\n", id, e.name, e.length, e.final_time);
    std::vector<RunResult> runs;
    for (int n = settings.n_min; n <= settings.n_max; ++n) {
      const RunResult r = study.run(e, n);
      fmt::print(
          "  n = {:2d}  eps = {:.3e}  N = {:5d}  steps = {:6d}  Err_rho = {:.4e}  Err_J = {:.4e}  "
          "solver {:.1f} it./step (max {})  mass drift {:.1e}\n",
          n, r.epsilon, r.points, r.steps, r.err_rho, r.err_current, r.mean_iterations,
          r.max_iterations, r.mass_drift);
      csv.row({double(id), double(n), r.epsilon, r.dx, r.dt, double(r.steps), double(r.points),
               r.err_rho, r.err_current, r.mass_drift, r.liouville_gap, r.mean_iterations,
               double(r.max_iterations), r.max_residual, double(r.caustic_points), r.vmse_seconds,
               r.liouville_seconds});
      runs_json.push_back(r);
      runs.push_back(r);
    }
    const int asym = std::min(settings.asymptotic_from, settings.n_max - 1);
    const std::string range_all = fmt::format("n = {}..{}", settings.n_min, settings.n_max);
    const std::string range_asym =
        fmt::format("n = {}..{}", std::max(asym, settings.n_min), settings.n_max);
    for (const auto& [label, member] :
         {std::pair{std::string("rho"), &RunResult::err_rho},
          std::pair{std::string("current"), &RunResult::err_current}}) {
      const double all = fitted_slope(runs, settings.n_min, member);
      const double tail = fitted_slope(runs, asym, member);
      fmt::print("  slope of log Err_{} vs log eps: {:.3f} over {}, {:.3f} over {}\n", label, all,
                 range_all, tail, range_asym);
      summary.result(fmt::format("ex{}_err_{}_slope_all_n", id, label), all, "1",
                     "least-squares slope of log Err_" + label + " vs log eps over " + range_all);
      summary.result(fmt::format("ex{}_err_{}_slope_asymptotic", id, label), tail, "1",
                     "least-squares slope of log Err_" + label + " vs log eps over " + range_asym);
    }
    for (const auto& r : runs) {
      summary.result(fmt::format("ex{}_n{}_err_rho", id, r.n), r.err_rho, "1",
                     "Err_rho = integral |rho0 - rho_eps| dx at T (P2 (4.11))");
      summary.result(fmt::format("ex{}_n{}_err_current", id, r.n), r.err_current, "1/time",
                     "Err_J = integral |J0 - J_eps| dx at T (P2 (4.11))");
      summary.result(fmt::format("ex{}_n{}_mean_solver_iterations", id, r.n), r.mean_iterations,
                     "iterations/step",
                     "preconditioned solver iterations (operator applications) per CN step");
    }
    CharacteristicsOptions ode;
    ode.rtol = ode.atol = settings.ode_tol;
    write_phase_curves(
        Characteristics(
            make_hamiltonian<1>(e.mass, e.mass_gradient, e.potential, e.potential_gradient), ode),
        e, driver);
  }
  summary.set("runs", runs_json);
}

}  // namespace

int main(int argc, char** argv) {
  examples::Driver driver("VMSE (Crank-Nicolson spectral) against its Liouville limit: P2 §4.1.2 "
                          "examples 1 and 2, Err_rho and Err_J of (4.11) as eps = 2^-n decreases");
  Settings settings;
  driver.add("--examples", settings.examples, "which of P2 §4.1.2's examples (1, 2)")
      ->check(CLI::IsMember({1, 2}));
  driver.add("--n-min", settings.n_min, "smallest n (epsilon = 2^-n)")->check(CLI::Range(2, 14));
  driver.option("--n-max", settings.n_max, 9, 7, "largest n")->check(CLI::Range(2, 14));
  driver.add("--asymptotic-from", settings.asymptotic_from,
             "fit the asymptotic slope over n >= this")
      ->check(CLI::Range(2, 14));
  driver.add("--wigner-n", settings.wigner_n, "n at which W^eps(T) is written")
      ->check(CLI::Range(2, 14));
  driver.option("--particles", settings.particles, 1L << 15, 1L << 13,
                "characteristics traced for the limit");
  driver.add("--ode-tol", settings.ode_tol, "Dormand-Prince tolerance (rtol = atol)")
      ->check(examples::checks::in_range(1e-15, 0.1));
  driver.add("--krylov-tol", settings.krylov_tol, "relative residual of the CN solve")
      ->check(examples::checks::in_range(1e-15, 0.1));
  driver.cli().add_flag("--fresh", settings.fresh, "recompute runs saved by an earlier invocation");
  driver.validate([&] { validate(settings); });
  return driver.run(argc, argv, [&](examples::Driver& d) { run_study(d, settings); });
}
