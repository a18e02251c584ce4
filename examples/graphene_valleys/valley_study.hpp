// examples/graphene_valleys/valley_study.hpp — the computations of the graphene_valleys driver:
// the honeycomb band structure at K and K' (methods items 1, 7), the (5.3)–(5.4) runs and their
// checks (items 2–7), the (5.2) ray quadrature (item 8) and the (5.2) solver on two balls
// (item 9). graphene_valleys.cpp holds the methods, the parameters, the runs' order and outputs.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "driver.hpp"
#include "results.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/crossing.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/bloch/solve_states.hpp"
#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/coherent_rte.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/coherence/graphene_valleys.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/core/zone_grid.hpp"
#include "wavekin/io/io.hpp"

namespace wavekin::examples::graphene {

using complex = std::complex<double>;
using Vector = Eigen::Vector2d;
using Solver = BlochSolver<2, HoneycombWells<>>;

struct Settings {
  double depth = 20.0;                // V_0
  double well_width = 0.15;           // s
  double energy_cutoff = 300.0;       // E_cut
  double box = 24;                    // L
  std::ptrdiff_t points = 128;        // N per axis (--quick: 64)
  double width = 1.0;                 // w
  double mix = std::numbers::pi / 4;  // θ_c
  double phase = 0.0;                 // φ
  double final_time = 3;              // T
  std::ptrdiff_t steps = 300;         // K (--quick: 120)
  double variance = 10.0;             // θ² = R(0)
  double long_length = 1.5;           // ℓ of gaussian_long
  double short_length = 0.3;          // ℓ of gaussian_short
  double exponential_length = 0.5;    // ℓ of exponential
  double exponential_tolerance = 1e-6;
  std::ptrdiff_t snapshots = 4;   // density snapshots after t = 0
  double ball_radius = 3.0;       // R / ε of the (5.2) balls
  double ball_resolution = 5.0;   // ε / h of the (5.2) patch grid
  double ball_packet = 0.25;      // packet width in p / ε
  double ball_time = 20;          // T of the (5.2) runs
  std::ptrdiff_t ball_steps = 80; // Strang steps of the (5.2) runs (--quick: 40)
  bool fresh = false;
};

// Every check of the options, before any work (Driver::validate; signs and finiteness are checked
// by the options themselves; called by the driver): consistency, then memory: the valley fields, the lattice vectors of
// each μ-sum (R̂ > tol R̂(0)), the (5.2) patch's Bloch states and operator.
inline void validate(const Settings& s) {
  require(s.box >= 8 * s.width, "--box {} must be >= 8 --width = {}", s.box, 8 * s.width);
  require(s.points >= 8 && s.points % 2 == 0, "--points {} must be even, >= 8", s.points);
  require(s.steps >= 2, "--steps {} must be >= 2", s.steps);
  require(s.snapshots >= 1 && s.snapshots <= s.steps, "--snapshots {} must be in [1, --steps = {}]",
          s.snapshots, s.steps);
  require(s.exponential_tolerance < 1, "--exp-tolerance {} must be in (0, 1)",
          s.exponential_tolerance);
  require(s.ball_radius >= 2, "--ball-radius {} must be >= 2 (the packet sits at |p - K| = eps)",
          s.ball_radius);
  require(s.ball_resolution >= 2, "--ball-resolution {} must be >= 2", s.ball_resolution);
  require(s.ball_packet <= 0.5, "--ball-packet {} must be in (0, 0.5]", s.ball_packet);
  require(s.ball_steps >= 2, "--ball-steps {} must be >= 2", s.ball_steps);
  const double n2 = double(s.points) * double(s.points);
  require_memory(4 * 128 * n2 + 16 * double(s.snapshots + 1) * n2,
                           fmt::format("--points {} (two valleys x 4 entries on {}^2 points: the "
                                       "fields, their work copies and --snapshots {})",
                                       s.points, s.points, s.snapshots));
  require_memory(16 * double(s.steps + 1) * (double(s.points) + 8),
                           fmt::format("--steps {} (the y = 0 slices and series of each step)",
                                       s.steps));
  const auto lattice = Lattice<2>::triangular(1.0);
  for (const auto& [option, length, radius] :
       {std::tuple{"--long-length", s.long_length, GaussianCorrelation<2>(s.long_length).radius(1e-12)},
        std::tuple{"--short-length", s.short_length,
                   GaussianCorrelation<2>(s.short_length).radius(1e-12)},
        std::tuple{"--exp-length", s.exponential_length,
                   ExponentialCorrelation<2>(s.exponential_length).radius(s.exponential_tolerance)}})
    require_memory(48 * lattice.reciprocal_count_estimate(radius),
                             fmt::format("{} {} (a mu-sum over about {:.3g} lattice vectors)", option,
                                         length, lattice.reciprocal_count_estimate(radius)));
  // (5.2) patch: two balls of radius R = (R/eps) eps on a grid of spacing ~ eps/resolution hold
  // ~ 2 pi (R/eps)^2 (res |e^1|)^2 / |B| vertices, each with 3 Bloch states of ~ 2 pi E_cut / |B|
  // plane waves and ~ 150 (R/eps) res operator entries of 24 bytes (energy shells; measured:
  // 2136 per vertex at R/eps = 3, res = 5).
  const double e1 = lattice.dual_basis().col(0).norm();
  const double vertices = 2 * std::numbers::pi * s.ball_radius * s.ball_radius *
                          std::pow(s.ball_resolution * e1, 2) / lattice.zone_volume();
  const double waves = lattice.reciprocal_count_estimate(std::sqrt(2 * s.energy_cutoff));
  require_memory(
      vertices * (3 * 16 * waves + 24 * 150 * s.ball_radius * s.ball_resolution),
      fmt::format("--ball-radius {} and --ball-resolution {} (about {:.3g} patch vertices: their "
                  "Bloch states and the (5.2) operator)",
                  s.ball_radius, s.ball_resolution, vertices));
}

struct Piece {
  std::string name;
  std::string correlation;  // "none", "gaussian", "exponential"
  double length = 1;
  double variance = 0;
  double mu_tolerance = 1e-12;
  std::string role;
};


struct Graphene {
  Lattice<2> lattice;
  Solver solver;
  Vector k;
  BlochState<2, double> state_k, state_kp;
  Crossing<2> crossing;
  double lambda_from_d = 0;  // mean |eig D_i(K)| over i and the two eigenvalues
  double d_trace = 0;        // max |tr D_i(K)| (0 for a cone centred at K)

  explicit Graphene(const Settings& s)
      : lattice(Lattice<2>::triangular(1.0)),
        solver(lattice, HoneycombWells<>(s.depth, s.well_width),
               {.energy_cutoff = s.energy_cutoff}),
        k(dirac_points(lattice)[0]),
        state_k(solver.solve(k, 3)),
        state_kp(solver.solve(Vector(-k), 3)) {
    crossing = locate_crossing(solver, Vector(k + Vector(0.013, -0.007)), 0,
                               CrossingOptions{.tolerance = 1e-10, .fit_radius = 1e-4});
    const auto d = interband_D(state_k, {0, 1});
    double sum = 0;
    for (const auto& di : d) {
      const Eigen::Matrix2cd dm = di;
      const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2cd> eig(dm);
      sum += std::abs(eig.eigenvalues()[0]) + std::abs(eig.eigenvalues()[1]);
      d_trace = std::max(d_trace, std::abs(di.trace()));
    }
    lambda_from_d = sum / 4;
  }
};

// Time series and checks of one piece.
struct PieceResult {
  std::vector<double> times;
  std::array<std::vector<double>, 2> population, coherence, coherence_max;
  std::vector<double> predicted_kp;  // P_K'(t) from e^{tL}S(0)
  nlohmann::json scalars = nlohmann::json::object();
};

inline nlohmann::json to_json(const PieceResult& r) {
  return {{"times", r.times},
          {"population", r.population},
          {"coherence", r.coherence},
          {"coherence_max", r.coherence_max},
          {"predicted_kp", r.predicted_kp},
          {"scalars", r.scalars}};
}

inline PieceResult from_json(const nlohmann::json& j) {
  PieceResult r;
  j.at("times").get_to(r.times);
  j.at("population").get_to(r.population);
  j.at("coherence").get_to(r.coherence);
  j.at("coherence_max").get_to(r.coherence_max);
  j.at("predicted_kp").get_to(r.predicted_kp);
  r.scalars = j.at("scalars");
  return r;
}

// The per-piece results written to summary.json as <piece>_<key>: key, unit, description.
inline const std::vector<ResultKey>& scalar_keys() {
  static const std::vector<ResultKey> keys{
      {"mu_count_intra", "1", "lattice vectors mu kept in the intra-valley terms (K<-K, K'<-K')"},
      {"mu_count_inter", "1", "lattice vectors mu kept in the inter-valley terms (K<-K', K'<-K)"},
      {"collision_norm", "1/time", "max |L_ab| of the 8 x 8 collision matrix"},
      {"max_prediction_gap", "1",
       "max over t, entries of |S(t) - e^(tL) S(0)| / N_0, S = int sigma dx (exact in theory)"},
      {"max_total_drift", "1", "max |(P_K + P_K')(t) - 1|, total population (conserved)"},
      {"max_k_matrix_drift", "1", "max over t, entries of |S^K(t) - S^K(0)| / N_0"},
      {"max_imag_density", "1", "max |Im tr sigma(x)| / max tr sigma^K(0)"},
      {"max_kp_population", "1", "max over t of |int tr sigma^K' dx| / N_0"},
      {"kp_population_final", "1", "P_K'(T) = Re int tr sigma^K' dx / N_0"},
      {"k_population_final", "1", "P_K(T)"},
      {"k_coherence_final", "1", "C_K(T) = |int sigma^K_12 dx| / N_0"},
      {"kp_coherence_final", "1", "C_K'(T)"},
      {"rate_hand", "1/time",
       "dP_K'/dt(0) = kappa sum_mu R^(K'-K+mu) sum (A^H A)_mm' S^K_mm'(0) / N_0, independent solve "
       "at K'"},
      {"rate_from_L", "1/time", "dP_K'/dt(0) from the assembled collision matrix L"},
      {"rate_first_step", "1/time", "(P_K'(dt) - P_K'(0)) / dt from the run (O(dt) off)"},
      {"relaxation_fitted", "1/time",
       "-slope of log|P_K'(t) - P_K'(inf)| over the run: the rate of approach to equipartition"},
      {"relaxation_isotropic", "1/time", "2 gamma, gamma = tr M / 2, M = kappa sum_mu R^ A^H A"},
      {"relaxation_slowest", "1/time", "smallest non-zero decay rate -Re lambda of L"},
      {"relaxation_fastest", "1/time", "largest decay rate -Re lambda of L"},
      {"closed_form_gap", "1",
       "max_t |P_K'(t) - (1 - exp(-2 gamma t))/2| (gamma from the hand sum)"},
      {"kp_population_limit", "1", "P_K'(t -> inf) from e^(tL) S(0)"},
      {"intervalley_anisotropy", "1", "max |M - gamma I| / gamma (0: M isotropic)"},
      {"L_max_frequency", "1/time", "largest |Im lambda| of L"}};
  return keys;
}

class Study {
 public:
  Study(const Settings& s, const Graphene& g, FftOptions fft)
      : m_s(s),
        m_g(g),
        m_fft(fft),
        m_grid(PeriodicGrid<2>::Counts{s.points, s.points}, Vector::Constant(s.box),
               Vector::Constant(-s.box / 2)) {}

  [[nodiscard]] const PeriodicGrid<2>& grid() const { return m_grid; }

  // Methods item 3: σ^K = a aᴴ, a = e^{−|x|²/(2w²)} (cos θ_c, e^{iφ} sin θ_c); σ^{K'} = 0.
  void set_initial(CoherenceField<2, 2>& field) const {
    const double w = m_s.width;
    const complex c0 = std::cos(m_s.mix);
    const complex c1 = std::polar(std::sin(m_s.mix), m_s.phase);
    for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x) {
      const double g = std::exp(-m_grid.point(x).squaredNorm() / (2 * w * w));
      const std::array<complex, 2> a{g * c0, g * c1};
      for (int j = 0; j < 2; ++j)
        for (int l = 0; l < 2; ++l)
          field(0, j, l, x) = a[std::size_t(j)] * std::conj(a[std::size_t(l)]);
    }
  }

  // Time-step error of the x-profiles: the densities ρ_v(T) after K/2, K and 2K Strang steps,
  // max_x differences relative to max tr σ^K(0) (S = ∫σ dx is exact for every K; the profiles
  // are second order, exact only where L and the transport commute).
  template <class Correlation>
  [[nodiscard]] std::array<double, 2> step_errors(const Piece& piece,
                                                  const Correlation& correlation) const {
    GrapheneValleys<Correlation> model(m_grid, valley_bands_from_state(m_g.state_k, 0), correlation,
                                       {.mu_tolerance = piece.mu_tolerance}, m_fft);
    std::vector<std::vector<double>> rho;
    for (const std::ptrdiff_t k : {m_s.steps / 2, m_s.steps, 2 * m_s.steps}) {
      auto field = model.make_field();
      set_initial(field);
      integrate_n_steps(model, field, 0.0, m_s.final_time / double(k), k);
      std::vector<double> r;
      for (int v = 0; v < 2; ++v)
        for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x)
          r.push_back((field(v, 0, 0, x) + field(v, 1, 1, x)).real());
      rho.push_back(std::move(r));
    }
    auto field = model.make_field();
    set_initial(field);
    double peak0 = 0;
    for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x)
      peak0 = std::max(peak0, (field(0, 0, 0, x) + field(0, 1, 1, x)).real());
    std::array<double, 2> out{0, 0};
    for (std::size_t i = 0; i < rho[0].size(); ++i) {
      out[0] = std::max(out[0], std::abs(rho[0][i] - rho[2][i]) / peak0);
      out[1] = std::max(out[1], std::abs(rho[1][i] - rho[2][i]) / peak0);
    }
    return out;
  }

  // The inter-valley matrix M = κ Σ_μ R̂(K' − K + μ) AᴴA, A = A(K', K − μ) on bands 0, 1, from the
  // independent solve at K' (AᴴA does not depend on the gauge at K'). Only μ with |μ| ≤
  // 2√(2E_cut) + |2K| have a non-zero overlap (both bases lie within √(2E_cut) of −K and K).
  template <class Correlation>
  [[nodiscard]] Eigen::Matrix2cd intervalley_matrix(const Correlation& r, double kappa) const {
    Eigen::Matrix2cd m = Eigen::Matrix2cd::Zero();
    const double reach =
        2 * std::sqrt(2 * m_g.state_k.basis.energy_cutoff()) + 2 * m_g.k.norm();
    for (const auto& mu : m_g.lattice.reciprocal_vectors(reach)) {
      const Vector arg = -2 * m_g.k + mu.vector;
      const double weight = kappa * r.spectral_density(arg);
      if (weight == 0) continue;
      const Eigen::Matrix2cd a =
          overlap_A(m_g.state_kp, relabel(m_g.state_k, LatticeIndex<2>(-mu.index))).topLeftCorner(2, 2);
      m += weight * a.adjoint() * a;
    }
    return m;
  }

  template <class Correlation>
  PieceResult run(const Piece& piece, const Correlation& correlation,
                  const Driver& driver, io::ProgressReporter& progress) const {
    GrapheneValleys<Correlation> model(m_grid, valley_bands_from_state(m_g.state_k, 0), correlation,
                                       {.mu_tolerance = piece.mu_tolerance}, m_fft);
    auto field = model.make_field();
    set_initial(field);
    const auto s0 = integrated(field);
    const double total0 = (s0[0].trace() + s0[1].trace()).real();
    double peak0 = 0;
    for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x)
      peak0 = std::max(peak0, (field(0, 0, 0, x) + field(0, 1, 1, x)).real());

    // Independent prediction of S(t): L = V diag(λ) V⁻¹.
    const Eigen::MatrixXcd& l = model.collision_matrix();
    const Eigen::ComplexEigenSolver<Eigen::MatrixXcd> eig(l);
    const Eigen::MatrixXcd v = eig.eigenvectors();
    const Eigen::VectorXcd lambda = eig.eigenvalues();
    Eigen::VectorXcd stacked(8);
    for (int k = 0; k < 8; ++k) stacked[k] = s0[std::size_t(k / 4)](k / 2 % 2, k % 2);
    const Eigen::VectorXcd coefficients = v.partialPivLu().solve(stacked);
    auto predict = [&](double t) {
      Eigen::VectorXcd e(8);
      for (int k = 0; k < 8; ++k) e[k] = std::exp(lambda[k] * t) * coefficients[k];
      return Eigen::VectorXcd(v * e);
    };

    PieceResult out;
    const std::ptrdiff_t n = m_grid.count(0);
    const double dt = m_s.final_time / double(m_s.steps);
    std::vector<double> density, slice;
    std::vector<std::ptrdiff_t> snapshot_steps;
    for (std::ptrdiff_t i = 0; i <= m_s.snapshots; ++i)
      snapshot_steps.push_back(std::lround(double(i * m_s.steps) / double(m_s.snapshots)));
    double max_gap = 0, max_trace_drift = 0, max_imag = 0, max_kp = 0, max_s_drift = 0;
    integrate_n_steps(model, field, 0.0, dt, m_s.steps,
                      [&](const auto& field, double t, std::int64_t step) {
      if (step > 0) progress.advance();
      const auto s = integrated(field);
      out.times.push_back(t);
      for (int vv = 0; vv < 2; ++vv) {
        const auto i = std::size_t(vv);
        out.population[i].push_back(s[i].trace().real() / total0);
        out.coherence[i].push_back(std::abs(s[i](0, 1)) / total0);
        double cmax = 0;
        for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x) {
          cmax = std::max(cmax, std::abs(field(vv, 0, 1, x)));
          max_imag = std::max(max_imag, std::abs((field(vv, 0, 0, x) + field(vv, 1, 1, x)).imag()));
        }
        out.coherence_max[i].push_back(cmax / peak0);
        // The y = 0 row (grid row N/2 sits at y = 0): x fastest along axis 1.
        for (std::ptrdiff_t x = 0; x < n; ++x) {
          const std::ptrdiff_t flat = x * n + n / 2;
          slice.push_back((field(vv, 0, 0, flat) + field(vv, 1, 1, flat)).real());
        }
      }
      if (std::find(snapshot_steps.begin(), snapshot_steps.end(), step) != snapshot_steps.end())
        for (int vv = 0; vv < 2; ++vv)
          for (std::ptrdiff_t x = 0; x < m_grid.size(); ++x)
            density.push_back((field(vv, 0, 0, x) + field(vv, 1, 1, x)).real());
      const Eigen::VectorXcd p = predict(t);
      out.predicted_kp.push_back((p[4] + p[7]).real() / total0);
      for (int k = 0; k < 8; ++k)
        max_gap =
            std::max(max_gap, std::abs(s[std::size_t(k / 4)](k / 2 % 2, k % 2) - p[k]) / total0);
      max_trace_drift =
          std::max(max_trace_drift, std::abs((s[0].trace() + s[1].trace()).real() / total0 - 1));
      max_kp = std::max(max_kp, std::abs(s[1].trace()) / total0);
      max_s_drift = std::max(max_s_drift, ((s[0] - s0[0]).cwiseAbs().maxCoeff()) / total0);
    });
    const auto nn = std::size_t(n);
    io::write_npy(driver.output(fmt::format("density_{}.npy", piece.name)), density,
                  {snapshot_steps.size(), 2, nn, nn});
    abort_point("piece_density");  // test hook: a kill between the piece's two files
    io::write_npy(driver.output(fmt::format("slice_{}.npy", piece.name)), slice,
                  {std::size_t(m_s.steps + 1), 2, nn});

    // Rates. Initial transfer from L, from the hand sum, and the simulated one.
    const double kappa = model.kappa();
    const Eigen::Matrix2cd m = intervalley_matrix(correlation, kappa);
    const double hand_rate = (m.cwiseProduct(s0[0]).sum()).real() / total0;
    const Eigen::VectorXcd ls = l * stacked;
    const double l_rate = (ls[4] + ls[7]).real() / total0;
    const double measured_rate = (out.population[1][1] - out.population[1][0]) / dt;
    // Relaxation: the slowest decay rate of L among modes with −Re λ > 1e-9 max|λ|, and the fit.
    double slowest = std::nan(""), fastest = 0;
    const double scale = lambda.cwiseAbs().maxCoeff();
    for (int k = 0; k < 8; ++k) {
      const double rate = -lambda[k].real();
      if (rate > 1e-9 * scale) {
        slowest = std::isnan(slowest) ? rate : std::min(slowest, rate);
        fastest = std::max(fastest, rate);
      }
    }
    std::vector<double> imbalance;
    const Eigen::VectorXcd late = predict(1e3 / std::max(slowest, 1e-300));
    const double p_inf = std::isnan(slowest) ? 0.0 : (late[4] + late[7]).real() / total0;
    for (std::size_t i = 0; i < out.times.size(); ++i)
      imbalance.push_back(std::abs(out.population[1][i] - p_inf));
    const double fitted = -log_linear_slope(out.times, imbalance, 1e-9);
    const double gamma = 0.5 * m.trace().real();

    // With M = γI (checked: intervalley_anisotropy), d(P_K − P_K')/dt = −2γ(P_K − P_K') exactly
    // (intra-valley terms conserve each valley's trace), so P_K'(t) = ½(1 − e^{−2γt}) from P_K'(0)
    // = 0: a closed form from R̂ and the independent overlaps alone.
    double closed_form_gap = 0;
    for (std::size_t i = 0; i < out.times.size(); ++i)
      closed_form_gap = std::max(
          closed_form_gap,
          std::abs(out.population[1][i] - 0.5 * (1 - std::exp(-2 * gamma * out.times[i]))));
    std::vector<double> decay, frequency;
    for (int k = 0; k < 8; ++k) decay.push_back(-lambda[k].real());
    std::sort(decay.begin(), decay.end());
    for (int k = 0; k < 8; ++k) frequency.push_back(std::abs(lambda[k].imag()));

    auto& sc = out.scalars;
    sc["closed_form_gap"] = closed_form_gap;
    sc["L_decay_rates"] = decay;
    sc["L_max_frequency"] = *std::max_element(frequency.begin(), frequency.end());
    sc["mu_count_intra"] = model.mu_counts()[0];
    sc["mu_count_inter"] = model.mu_counts()[1];
    sc["collision_norm"] = l.cwiseAbs().maxCoeff();
    sc["max_prediction_gap"] = max_gap;
    sc["max_total_drift"] = max_trace_drift;
    sc["max_imag_density"] = max_imag / peak0;
    sc["max_kp_population"] = max_kp;
    sc["max_k_matrix_drift"] = max_s_drift;
    sc["kp_population_final"] = out.population[1].back();
    sc["k_population_final"] = out.population[0].back();
    sc["k_coherence_final"] = out.coherence[0].back();
    sc["kp_coherence_final"] = out.coherence[1].back();
    sc["rate_hand"] = hand_rate;
    sc["rate_from_L"] = l_rate;
    sc["rate_first_step"] = measured_rate;
    sc["relaxation_slowest"] = finite_or_null(slowest);
    sc["relaxation_fastest"] = fastest;
    sc["relaxation_fitted"] = finite_or_null(fitted);
    sc["relaxation_isotropic"] = 2 * gamma;
    sc["kp_population_limit"] = p_inf;
    sc["intervalley_anisotropy"] =
        gamma > 0 ? (m - gamma * Eigen::Matrix2cd::Identity()).cwiseAbs().maxCoeff() / gamma : 0.0;
    return out;
  }

 private:
  static std::array<Eigen::Matrix2cd, 2> integrated(const CoherenceField<2, 2>& field) {
    std::array<Eigen::Matrix2cd, 2> s;
    for (int v = 0; v < 2; ++v)
      for (int j = 0; j < 2; ++j)
        for (int l = 0; l < 2; ++l) s[std::size_t(v)](j, l) = field.x_integral(v, j, l);
    return s;
  }

  Settings m_s;
  const Graphene& m_g;
  FftOptions m_fft;
  PeriodicGrid<2> m_grid;
};

// Methods item 8: (5.2)'s inter-valley loss rate of the upper-band state at p near K,
//   κ Σ_μ ∫ R̂(p − q + μ) δ(E_2(p) − E_2(q)) |A_22(p, q − μ)|² dq over a ball around K',
// in polar coordinates q = K' + r(cos ϑ, sin ϑ): ∫δ(E − E_2(q)) f dq = ∫ f r(ϑ)/|∂_rE_2| dϑ, r(ϑ)
// the root of E_2 = E_2(p) on the ray (secant from the cone's r = |p − K|), ∂_rE_2 by central
// differences, the ϑ-integral by the periodic trapezoidal rule (spectral).
template <class Correlation>
double shell_rate(const Graphene& g, const Correlation& correlation, double kappa, const Vector& p,
                  int rays, double mu_tolerance) {
  const auto state_p = g.solver.solve(p, 3);
  const double target = state_p.energies[1];
  const Vector kp = -g.k;
  // The cone's |q − K'| on the level set (any counts: distance depends on the lattice only).
  const double start = ZoneGrid<2>(g.lattice, {1, 1}).distance(p, g.k);
  auto upper = [&](double r, double angle) {
    return g.solver.solve(Vector(kp + r * Vector(std::cos(angle), std::sin(angle))), 3).energies[1];
  };
  const double radius = correlation.radius(mu_tolerance);
  double sum = 0;
  for (int ray = 0; ray < rays; ++ray) {
    const double angle = 2 * std::numbers::pi * ray / rays;
    double r0 = start, r1 = 1.01 * start;
    double f0 = upper(r0, angle) - target, f1 = upper(r1, angle) - target;
    for (int it = 0; it < 30 && std::abs(f1) > 1e-13 * std::max(1.0, std::abs(target)); ++it) {
      const double r2 = r1 - f1 * (r1 - r0) / (f1 - f0);
      r0 = r1, f0 = f1, r1 = r2, f1 = upper(r1, angle) - target;
    }
    const double h = 1e-3 * r1;
    const double slope = (upper(r1 + h, angle) - upper(r1 - h, angle)) / (2 * h);
    const Vector q = kp + r1 * Vector(std::cos(angle), std::sin(angle));
    const auto state_q = g.solver.solve(q, 3);
    double inner = 0;
    // R̂(p − q + μ) > tolerance·R̂(0) only for |μ − (q − p)| <= radius.
    for (const auto& mu : g.lattice.reciprocal_vectors(radius, Vector(q - p))) {
      const Vector arg = p - q + mu.vector;
      const complex a = overlap_A(state_p, relabel(state_q, LatticeIndex<2>(-mu.index)))(1, 1);
      inner += correlation.spectral_density(arg) * std::norm(a);
    }
    sum += kappa * inner * r1 / std::abs(slope);
  }
  return sum * 2 * std::numbers::pi / rays;
}

// Methods item 9: (5.2) as a solver, CoherentRte on the balls B(K) ∪ B(K') of radius R = ε·R/ε.
// Time series of one packet: t, P_K, P_K', C_K, C_K', P_K + P_K' (the six columns of the NPY).
using BallsSeries = std::array<std::vector<double>, 6>;

// Two packets on the same operator: "upper" (the upper band only) and "mixed" (an equal
// superposition of the two bands at every p, maximal coherence).
struct BallsResult {
  std::array<BallsSeries, 2> series;
  nlohmann::json scalars;
};

inline nlohmann::json to_json(const BallsResult& r) {
  return {{"upper", r.series[0]}, {"mixed", r.series[1]}, {"scalars", r.scalars}};
}

inline BallsResult balls_from_json(const nlohmann::json& j) {
  BallsResult r;
  j.at("upper").get_to(r.series[0]);
  j.at("mixed").get_to(r.series[1]);
  r.scalars = j.at("scalars");
  return r;
}

inline const std::vector<ResultKey>& balls_scalar_keys() {
  static const std::vector<ResultKey> keys{
      {"ball_radius", "1/length", "radius R of the balls around K and K'"},
      {"grid_points_per_axis", "1", "N of the uniform zone grid the balls are cut from"},
      {"grid_spacing", "1/length", "|e^1| / N"},
      {"patch_vertices", "1", "grid vertices in the two balls (the p-points of the run)"},
      {"operator_nonzeros", "1", "nonzeros of the (4.15) operator on the patch"},
      {"mu_count", "1", "lattice vectors mu of the truncated sum"},
      {"bloch_seconds", "s", "wall time of the Bloch solves at the patch vertices"},
      {"assembly_seconds", "s", "wall time of the CoherentCollision assembly"},
      {"rate_check_near_distance", "1/length", "|p - K| of the first rate check vertex"},
      {"rate_check_near_operator", "1/time",
       "K -> K' rate of a unit upper-band population at that vertex, from the operator"},
      {"rate_check_near_rays", "1/time", "the same rate by the ray quadrature (methods item 8)"},
      {"rate_check_near_relative_gap", "1", "|operator / rays - 1|"},
      {"rate_check_far_distance", "1/length", "|p - K| of the second rate check vertex"},
      {"rate_check_far_operator", "1/time", "its K -> K' rate from the operator"},
      {"rate_check_far_rays", "1/time", "its K -> K' rate by the ray quadrature"},
      {"rate_check_far_relative_gap", "1", "|operator / rays - 1|"},
      {"rate_check_worst_gap", "1", "the larger of the two relative gaps"},
      {"packet_mean_distance", "1/length", "<|p - K|> over the initial packet"},
      {"cone_prediction_over_gamma", "1",
       "pi <|p - K|> / lambda#: the cone's density-of-states factor 1/2 * 2 pi |p-K| / lambda#"}};
  static const std::vector<ResultKey> packet{
      {"initial_rate", "1/time", "dP_K'/dt(0) of the packet, from the operator"},
      {"initial_rate_first_step", "1/time", "P_K'(dt) / dt from the run"},
      {"initial_rate_over_gamma", "1", "dP_K'/dt(0) / gamma of (5.3)-(5.4)"},
      {"initial_trace_rate", "1/time",
       "d/dt (P_K + P_K')(0) from the operator: the trace budget of (4.15) on the packet"},
      {"kp_population_final", "1", "P_K'(T)"},
      {"k_coherence_initial", "1", "sum_{p in B(K)} w |int sigma_12 dx| / N_0 at t = 0"},
      {"k_coherence_final", "1", "the same at t = T"},
      {"kp_coherence_max", "1", "max_t sum_{p in B(K')} w |int sigma_12 dx| / N_0"},
      {"max_total_drift", "1",
       "max_t |P_K + P_K' - 1|: (4.15) does not conserve the trace of general sigma"},
      {"total_final", "1", "P_K + P_K' at t = T"}};
  // The "upper" packet under the plain names, the "mixed" one under mixed_<name>.
  static const std::vector<ResultKey> all = [] {
    std::vector<ResultKey> out = keys;
    for (const auto& k : packet) out.push_back(k);
    for (const auto& k : packet) out.push_back({"mixed_" + k.key, k.unit, k.description});
    return out;
  }();
  return all;
}

template <class Correlation>
BallsResult run_balls(const Graphene& g, const Settings& s, const Correlation& correlation,
                      double mu_tolerance, double epsilon, double gamma, FftOptions fft,
                      io::ProgressReporter& progress) {
  using clock = std::chrono::steady_clock;
  const auto seconds = [](clock::time_point a, clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  BallsResult out;
  auto& sc = out.scalars;
  // The patch: a uniform zone grid of spacing ≈ ε/resolution, cut to the two balls. N is kept
  // off multiples of 3, so that K = (1/3, 2/3) and K' in zone coordinates are not vertices
  // (at the crossing itself the two bands' U(2) is arbitrary).
  const double radius = s.ball_radius * epsilon;
  auto n = static_cast<Eigen::Index>(
      std::ceil(g.lattice.dual_basis().col(0).norm() * s.ball_resolution / epsilon));
  if (n % 3 == 0) ++n;
  const std::array<Eigen::Index, 2> shape{n, n};
  const Vector kp = -g.k;
  const auto patch = ZoneGrid<2>(g.lattice, shape).restricted_to_balls({g.k, kp}, radius);
  const auto quadrature = patch.quadrature();
  const auto count = patch.size();
  const auto t0 = clock::now();
  const auto states = solve_states(g.solver, quadrature.points, 3);
  std::vector<int> valley(quadrature.points.size());
  for (std::size_t v = 0; v < valley.size(); ++v)
    valley[v] = patch.distance(quadrature.points[v], g.k) <= patch.distance(quadrature.points[v], kp)
                    ? 0
                    : 1;
  const auto bands = collision_bands_from_states<2>(patch, states, {0, 1});
  const auto t1 = clock::now();
  CoherentCollision<2> q(bands, correlation, {.mu_tolerance = mu_tolerance});
  const auto t2 = clock::now();
  sc["epsilon"] = epsilon;
  sc["ball_radius"] = radius;
  sc["grid_points_per_axis"] = n;
  sc["grid_spacing"] = g.lattice.dual_basis().col(0).norm() / double(n);
  sc["patch_vertices"] = count;
  sc["operator_nonzeros"] = q.matrix().nonZeros();
  sc["mu_count"] = q.mu_count();
  sc["bloch_seconds"] = seconds(t0, t1);
  sc["assembly_seconds"] = seconds(t1, t2);

  // Operator rate into the K' ball of a unit upper-band population at one vertex, against the
  // ray quadrature of methods item 8 at the same momentum (independent: Bloch solves on the
  // exact level set, no grid).
  const auto operator_rate = [&](Eigen::Index v) {
    Eigen::VectorXcd unit = Eigen::VectorXcd::Zero(q.matrix().cols());
    unit[(v * 2 + 1) * 2 + 1] = 1;
    const Eigen::VectorXcd gain = q.matrix() * unit;
    double sum = 0;
    for (Eigen::Index u = 0; u < count; ++u)
      if (valley[static_cast<std::size_t>(u)] == 1)
        sum += gain[(u * 2) * 2].real() + gain[(u * 2 + 1) * 2 + 1].real();
    return sum;
  };
  const auto nearest = [&](const Vector& target) {
    Eigen::Index best = 0;
    double best_distance = std::numeric_limits<double>::infinity();
    for (Eigen::Index v = 0; v < count; ++v) {
      const double d = patch.distance(quadrature.points[static_cast<std::size_t>(v)], target);
      if (d < best_distance) best = v, best_distance = d;
    }
    return best;
  };
  double worst = 0;
  for (const auto& [tag, offset] :
       {std::pair{"near", Vector(epsilon, 0)}, std::pair{"far", Vector(0, 2 * epsilon)}}) {
    const Eigen::Index v = nearest(Vector(g.k + offset));
    const Vector p = quadrature.points[static_cast<std::size_t>(v)];
    const double from_operator = operator_rate(v);
    const double from_rays = shell_rate(g, correlation, rte_kappa(2), p, 64, mu_tolerance);
    const std::string key = fmt::format("rate_check_{}", tag);
    sc[key + "_distance"] = patch.distance(p, g.k);
    sc[key + "_operator"] = from_operator;
    sc[key + "_rays"] = from_rays;
    sc[key + "_relative_gap"] = std::abs(from_operator / from_rays - 1);
    worst = std::max(worst, std::abs(from_operator / from_rays - 1));
  }
  sc["rate_check_worst_gap"] = worst;

  // The runs: x-homogeneous data on a 4 × 4 grid (the x-integrated σ obeys the x-free system
  // exactly), σ_jl(p) = φ(p) a_j conj(a_l), φ(p) = exp(−|p − p0|²/2w²), p0 = K + (ε, 0),
  // w = ε·packet; a = (0, 1) ("upper") and a = (cos m, e^{iφ} sin m) ("mixed", in the solver's
  // gauge at each p). Coherences are measured gauge-invariantly, Σ_p w |∫σ_12 dx| per ball.
  const auto grid = PeriodicGrid<2>::cube(4, s.box);
  CoherentRte<2> rte(grid, band_data_from_states(states, {0, 1}), epsilon, q, {.fft = fft});
  const Vector p0 = g.k + Vector(epsilon, 0);
  const double width = s.ball_packet * epsilon;
  std::vector<double> envelope(quadrature.points.size());
  double mean_distance = 0, mass = 0;
  for (Eigen::Index v = 0; v < count; ++v) {
    const Vector p = quadrature.points[static_cast<std::size_t>(v)];
    const double phi =
        std::exp(-patch.displacement(p, p0).squaredNorm() / (2 * width * width));
    envelope[static_cast<std::size_t>(v)] = phi;
    mean_distance += phi * patch.distance(p, g.k);
    mass += phi;
  }
  mean_distance /= mass;
  const double dt = s.ball_time / double(s.ball_steps);
  const auto run_packet = [&](const std::array<complex, 2>& a, BallsSeries& out,
                              const std::string& prefix) {
    CoherenceField<2> field(grid, quadrature, 2);
    for (Eigen::Index v = 0; v < count; ++v)
      for (Eigen::Index j = 0; j < 2; ++j)
        for (Eigen::Index l = 0; l < 2; ++l)
          for (std::ptrdiff_t x = 0; x < static_cast<std::ptrdiff_t>(grid.size()); ++x)
            field(v, j, l, x) = envelope[static_cast<std::size_t>(v)] *
                                a[static_cast<std::size_t>(j)] *
                                std::conj(a[static_cast<std::size_t>(l)]);
    const auto observe = [&](double t) {
      std::array<double, 2> population{0, 0}, coherence{0, 0};
      for (Eigen::Index v = 0; v < count; ++v) {
        const auto b = static_cast<std::size_t>(valley[static_cast<std::size_t>(v)]);
        const double w = field.weight(v);
        population[b] += w * (field.x_integral(v, 0, 0) + field.x_integral(v, 1, 1)).real();
        coherence[b] += w * std::abs(field.x_integral(v, 0, 1));
      }
      const std::array<double, 6> row{t,
                                      population[0],
                                      population[1],
                                      coherence[0],
                                      coherence[1],
                                      population[0] + population[1]};
      for (std::size_t column = 0; column < row.size(); ++column)
        out[column].push_back(row[column]);
    };
    observe(0);
    const double n0 = out[5][0];
    // dP_K'/dt(0) from the operator on the initial data (x-homogeneous: x index 0 of each block).
    Eigen::VectorXcd s0(q.matrix().cols());
    for (Eigen::Index b = 0; b < s0.size(); ++b)
      s0[b] = field.values()[static_cast<std::size_t>(b) * grid.size()];
    const Eigen::VectorXcd q0 = q.matrix() * s0;
    double initial_rate = 0, initial_trace_rate = 0;
    for (Eigen::Index v = 0; v < count; ++v) {
      const double change = field.weight(v) * (q0[(v * 2) * 2] + q0[(v * 2 + 1) * 2 + 1]).real();
      initial_trace_rate += change;
      if (valley[static_cast<std::size_t>(v)] == 1) initial_rate += change;
    }
    initial_rate *= grid.cell_volume() * double(grid.size()) / n0;
    initial_trace_rate *= grid.cell_volume() * double(grid.size()) / n0;
    integrate_n_steps(rte, field, 0.0, dt, s.ball_steps, [&](const auto&, double t, std::int64_t k) {
      if (k == 0) return;  // observed above
      observe(t);
      progress.advance();
    });
    for (std::size_t column = 1; column < 6; ++column)
      for (double& value : out[column]) value /= n0;
    double drift = 0;
    for (const double t : out[5]) drift = std::max(drift, std::abs(t - 1));
    sc[prefix + "initial_rate"] = initial_rate;
    sc[prefix + "initial_rate_first_step"] = out[2][1] / dt;
    sc[prefix + "initial_rate_over_gamma"] = initial_rate / gamma;
    sc[prefix + "initial_trace_rate"] = initial_trace_rate;
    sc[prefix + "kp_population_final"] = out[2].back();
    sc[prefix + "k_coherence_initial"] = out[3][0];
    sc[prefix + "k_coherence_final"] = out[3].back();
    sc[prefix + "kp_coherence_max"] = *std::max_element(out[4].begin(), out[4].end());
    sc[prefix + "max_total_drift"] = drift;
    sc[prefix + "total_final"] = out[5].back();
  };
  sc["packet_mean_distance"] = mean_distance;
  sc["cone_prediction_over_gamma"] = std::numbers::pi * mean_distance / g.crossing.slope;
  run_packet({complex(0), complex(1)}, out.series[0], "");
  run_packet({complex(std::cos(s.mix)), std::polar(std::sin(s.mix), s.phase)}, out.series[1],
             "mixed_");
  return out;
}

}  // namespace wavekin::examples::graphene
