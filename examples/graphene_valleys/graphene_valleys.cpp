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
//  and the PNGs of plot.py. Each finished piece is recorded in piece_<piece>.json with its
//  parameters; a rerun with the same parameters reuses it (--fresh to recompute).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "driver.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/crossing.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/io/io.hpp"
#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/coherent_rte.hpp"
#include "wavekin/coherence/graphene_valleys.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/core/zone_grid.hpp"

namespace {

using namespace wavekin;
using complex = std::complex<double>;
using Vector = Eigen::Vector2d;
using Solver = BlochSolver<2, HoneycombWells<>>;

struct Settings {
  double depth = 20.0;                // V_0
  double well_width = 0.15;           // s
  double energy_cutoff = 300.0;       // E_cut
  double box = 0;                     // L; 0: 24
  std::ptrdiff_t points = 0;          // N per axis; 0: 128, or 64 with --quick
  double width = 1.0;                 // w
  double mix = std::numbers::pi / 4;  // θ_c
  double phase = 0.0;                 // φ
  double final_time = 0;              // T; 0: 3
  std::ptrdiff_t steps = 0;           // K; 0: 300, or 120 with --quick
  double variance = 10.0;             // θ² = R(0)
  double long_length = 1.5;           // ℓ of gaussian_long
  double short_length = 0.3;          // ℓ of gaussian_short
  double exponential_length = 0.5;    // ℓ of exponential
  double exponential_tolerance = 1e-6;
  std::ptrdiff_t snapshots = 4;   // density snapshots after t = 0
  double ball_radius = 3.0;       // R / ε of the (5.2) balls
  double ball_resolution = 5.0;   // ε / h of the (5.2) patch grid
  double ball_packet = 0.25;      // packet width in p / ε
  double ball_time = 0;           // T of the (5.2) runs; 0: 20
  std::ptrdiff_t ball_steps = 0;  // Strang steps of the (5.2) runs; 0: 80, or 40 with --quick
  bool fresh = false;
};

/// R̂ = θ² R̂_1: the spectrum of a correlation of variance θ² = R(0) (unit-variance shape R̂_1).
template <class Base>
class ScaledCorrelation {
 public:
  ScaledCorrelation(Base base, double variance) : m_base(std::move(base)), m_variance(variance) {}
  [[nodiscard]] double spectral_density(const Vector& q) const {
    return m_variance * m_base.spectral_density(q);
  }
  // The truncation radius is relative to R̂(0), so the scale drops out.
  [[nodiscard]] double radius(double tolerance) const { return m_base.radius(tolerance); }

 private:
  Base m_base;
  double m_variance;
};

struct Piece {
  std::string name;
  std::string correlation;  // "none", "gaussian", "exponential"
  double length = 1;
  double variance = 0;
  double mu_tolerance = 1e-12;
  std::string role;
};

// The honeycomb band structure at K and K', and the two λ♯.
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

nlohmann::json to_json(const PieceResult& r) {
  return {{"times", r.times},
          {"population", r.population},
          {"coherence", r.coherence},
          {"coherence_max", r.coherence_max},
          {"predicted_kp", r.predicted_kp},
          {"scalars", r.scalars}};
}

PieceResult from_json(const nlohmann::json& j) {
  PieceResult r;
  j.at("times").get_to(r.times);
  j.at("population").get_to(r.population);
  j.at("coherence").get_to(r.coherence);
  j.at("coherence_max").get_to(r.coherence_max);
  j.at("predicted_kp").get_to(r.predicted_kp);
  r.scalars = j.at("scalars");
  return r;
}

// JSON has no NaN: a quantity that does not exist for a piece (no decay without randomness) is
// null.
nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

double number(const nlohmann::json& j, const std::string& key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

// Least-squares slope of log y against t over the samples with y > floor.
double log_slope(const std::vector<double>& t, const std::vector<double>& y, double floor) {
  double n = 0, mt = 0, my = 0;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (y[i] > floor) n += 1, mt += t[i], my += std::log(y[i]);
  if (n < 2) return std::nan("");
  mt /= n;
  my /= n;
  double cov = 0, var = 0;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (y[i] > floor) {
      cov += (t[i] - mt) * (std::log(y[i]) - my);
      var += (t[i] - mt) * (t[i] - mt);
    }
  return cov / var;
}

// The per-piece results written to summary.json as <piece>_<key>: key, unit, description.
struct ScalarKey {
  const char* key;
  const char* unit;
  const char* description;
};

const std::vector<ScalarKey>& scalar_keys() {
  static const std::vector<ScalarKey> keys{
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
  Study(const Settings& s, const Graphene& g)
      : m_s(s),
        m_g(g),
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
                                       {.mu_tolerance = piece.mu_tolerance});
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
  // independent solve at K' (AᴴA does not depend on the gauge at K'). |n_l| ≤ 14 covers every μ
  // with a non-zero overlap (|μ| ≤ 2√(2E_cut) + |2K|) for E_cut up to ~1000.
  template <class Correlation>
  [[nodiscard]] Eigen::Matrix2cd intervalley_matrix(const Correlation& r, double kappa) const {
    Eigen::Matrix2cd m = Eigen::Matrix2cd::Zero();
    for (std::int64_t n0 = -14; n0 <= 14; ++n0)
      for (std::int64_t n1 = -14; n1 <= 14; ++n1) {
        const LatticeIndex<2> mu(n0, n1);
        const Vector arg = -2 * m_g.k + m_g.lattice.reciprocal(mu);
        const double weight = kappa * r.spectral_density(arg);
        if (weight == 0) continue;
        const Eigen::Matrix2cd a =
            overlap_A(m_g.state_kp, relabel(m_g.state_k, LatticeIndex<2>(-mu))).topLeftCorner(2, 2);
        m += weight * a.adjoint() * a;
      }
    return m;
  }

  template <class Correlation>
  PieceResult run(const Piece& piece, const Correlation& correlation,
                  const examples::Driver& driver, io::ProgressReporter& progress) const {
    GrapheneValleys<Correlation> model(m_grid, valley_bands_from_state(m_g.state_k, 0), correlation,
                                       {.mu_tolerance = piece.mu_tolerance});
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
    const double fitted = -log_slope(out.times, imbalance, 1e-9);
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
    for (std::int64_t n0 = -14; n0 <= 14; ++n0)
      for (std::int64_t n1 = -14; n1 <= 14; ++n1) {
        const LatticeIndex<2> mu(n0, n1);
        const Vector arg = p - q + g.lattice.reciprocal(mu);
        if (arg.norm() > radius) continue;
        const complex a = overlap_A(state_p, relabel(state_q, LatticeIndex<2>(-mu)))(1, 1);
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

nlohmann::json to_json(const BallsResult& r) {
  return {{"upper", r.series[0]}, {"mixed", r.series[1]}, {"scalars", r.scalars}};
}

BallsResult balls_from_json(const nlohmann::json& j) {
  BallsResult r;
  j.at("upper").get_to(r.series[0]);
  j.at("mixed").get_to(r.series[1]);
  r.scalars = j.at("scalars");
  return r;
}

struct BallsKey {
  std::string key;
  const char* unit;
  const char* description;
};

const std::vector<BallsKey>& balls_scalar_keys() {
  static const std::vector<BallsKey> keys{
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
  static const std::vector<BallsKey> packet{
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
  static const std::vector<BallsKey> all = [] {
    std::vector<BallsKey> out = keys;
    for (const auto& k : packet) out.push_back(k);
    for (const auto& k : packet) out.push_back({"mixed_" + k.key, k.unit, k.description});
    return out;
  }();
  return all;
}

template <class Correlation>
BallsResult run_balls(const Graphene& g, const Settings& s, const Correlation& correlation,
                      double mu_tolerance, double epsilon, double gamma,
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
  std::vector<std::optional<BlochState<2, double>>> solved(quadrature.points.size());
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 16)
#endif
  for (Eigen::Index v = 0; v < count; ++v)
    solved[static_cast<std::size_t>(v)] =
        g.solver.solve(quadrature.points[static_cast<std::size_t>(v)], 3);
  std::vector<BlochState<2, double>> states;
  for (auto& state : solved) states.push_back(std::move(*state));
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
  CoherentRte<2> rte(grid, band_data_from_states(states, {0, 1}), epsilon, q);
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

void run_study(examples::Driver& driver, Settings s) {
  const bool quick = driver.quick();
  if (s.points == 0) s.points = quick ? 64 : 128;
  if (s.steps == 0) s.steps = quick ? 120 : 300;
  if (s.box == 0) s.box = 24;
  if (s.final_time == 0) s.final_time = 3;
  if (s.ball_time == 0) s.ball_time = 20;
  if (s.ball_steps == 0) s.ball_steps = quick ? 40 : 80;
  require(std::isfinite(s.depth), "graphene_valleys: --depth = {} must be finite", s.depth);
  require(std::isfinite(s.energy_cutoff) && s.energy_cutoff >= 50 && s.energy_cutoff <= 1000,
          "graphene_valleys: --cutoff = {} must be in [50, 1000]", s.energy_cutoff);
  require(std::isfinite(s.width) && s.width > 0, "graphene_valleys: --width = {} must be > 0",
          s.width);
  require(std::isfinite(s.box) && s.box >= 8 * s.width,
          "graphene_valleys: --box = {} must be >= 8 w = {}", s.box, 8 * s.width);
  require(s.points >= 8 && s.points % 2 == 0, "graphene_valleys: --points = {} must be even, >= 8",
          s.points);
  require(std::isfinite(s.final_time) && s.final_time > 0,
          "graphene_valleys: --time = {} must be > 0", s.final_time);
  require(s.steps >= 2, "graphene_valleys: --steps = {} must be >= 2", s.steps);
  require(s.snapshots >= 1 && s.snapshots <= s.steps,
          "graphene_valleys: --snapshots = {} must be in [1, steps]", s.snapshots);
  require(std::isfinite(s.variance) && s.variance > 0,
          "graphene_valleys: --variance = {} must be > 0", s.variance);
  for (const double l : {s.long_length, s.short_length, s.exponential_length})
    require(std::isfinite(l) && l > 0, "graphene_valleys: correlation length {} must be > 0", l);
  require(s.exponential_tolerance > 0 && s.exponential_tolerance < 1,
          "graphene_valleys: --exp-tolerance = {} must be in (0, 1)", s.exponential_tolerance);
  require(std::isfinite(s.ball_radius) && s.ball_radius >= 2,
          "graphene_valleys: --ball-radius = {} must be >= 2 (the packet sits at |p - K| = eps)",
          s.ball_radius);
  require(std::isfinite(s.ball_resolution) && s.ball_resolution >= 2,
          "graphene_valleys: --ball-resolution = {} must be >= 2", s.ball_resolution);
  require(std::isfinite(s.ball_packet) && s.ball_packet > 0 && s.ball_packet <= 0.5,
          "graphene_valleys: --ball-packet = {} must be in (0, 0.5]", s.ball_packet);
  require(std::isfinite(s.ball_time) && s.ball_time > 0,
          "graphene_valleys: --ball-time = {} must be > 0", s.ball_time);
  require(s.ball_steps >= 2, "graphene_valleys: --ball-steps = {} must be >= 2", s.ball_steps);
  require(std::isfinite(s.mix) && std::isfinite(s.phase),
          "graphene_valleys: --mix = {} and --phase = {} must be finite", s.mix, s.phase);

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

  Study study(s, g);
  const nlohmann::json common{
      {"depth", s.depth}, {"well_width", s.well_width}, {"energy_cutoff", s.energy_cutoff},
      {"box", s.box},     {"points", s.points},         {"width", s.width},
      {"mix", s.mix},     {"phase", s.phase},           {"final_time", s.final_time},
      {"steps", s.steps}, {"snapshots", s.snapshots}};
  std::vector<PieceResult> results(pieces.size());
  std::vector<bool> done(pieces.size(), false);
  std::vector<nlohmann::json> records(pieces.size());
  std::size_t resumed = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    records[i] = common;
    records[i]["correlation"] = p.correlation;
    records[i]["length"] = p.length;
    records[i]["variance"] = p.variance;
    records[i]["mu_tolerance"] = p.mu_tolerance;
    const auto path = driver.output(fmt::format("piece_{}.json", p.name));
    if (s.fresh || !std::filesystem::exists(path) ||
        !std::filesystem::exists(driver.output(fmt::format("density_{}.npy", p.name))) ||
        !std::filesystem::exists(driver.output(fmt::format("slice_{}.npy", p.name))))
      continue;
    std::ifstream in(path);
    const auto saved = nlohmann::json::parse(in, nullptr, false);
    if (saved.is_discarded() || !saved.contains("parameters") || saved["parameters"] != records[i])
      continue;
    results[i] = from_json(saved.at("result"));
    done[i] = true;
    ++resumed;
    fmt::print("  piece {}: reused {} (same parameters)\n", p.name, path.string());
  }
  {
    io::ProgressReporter progress(std::size_t(s.steps) * pieces.size(), "Strang steps", std::cerr,
                                  io::Display::automatic, std::size_t(s.steps) * resumed);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (done[i]) continue;
      const Piece& p = pieces[i];
      if (p.correlation == "exponential")
        results[i] =
            study.run(p, ScaledCorrelation(ExponentialCorrelation<2>(p.length), p.variance), driver,
                      progress);
      else
        results[i] = study.run(p, ScaledCorrelation(GaussianCorrelation<2>(p.length), p.variance),
                               driver, progress);
      io::detail::write_file_atomically(
          driver.output(fmt::format("piece_{}.json", p.name)),
          nlohmann::json{{"parameters", records[i]}, {"result", to_json(results[i])}}.dump() +
              "\n");
    }
  }

  // Strang error of the profiles for the coupled Gaussian piece (not part of the resumable pieces:
  // four runs of its cost).
  {
    const Piece& p = pieces[2];
    const auto e =
        study.step_errors(p, ScaledCorrelation(GaussianCorrelation<2>(p.length), p.variance));
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
    const ScaledCorrelation r(GaussianCorrelation<2>(p.length), p.variance);
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
    const ScaledCorrelation r(GaussianCorrelation<2>(p.length), p.variance);
    const double gamma = 0.5 * number(results[2].scalars, "relaxation_isotropic");
    const std::vector<double> epsilons =
        quick ? std::vector<double>{0.04} : std::vector<double>{0.04, 0.02};
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
      const auto path = driver.output(fmt::format("piece_{}.json", name));
      BallsResult result;
      bool reused = false;
      if (!s.fresh && std::filesystem::exists(path)) {
        std::ifstream in(path);
        const auto saved = nlohmann::json::parse(in, nullptr, false);
        if (!saved.is_discarded() && saved.contains("parameters") &&
            saved["parameters"] == record && saved.contains("result")) {
          try {
            result = balls_from_json(saved.at("result"));
            reused = true;
          } catch (const nlohmann::json::exception&) {
            reused = false;  // a damaged or foreign file: recompute
          }
        }
        if (reused) {
          for (std::ptrdiff_t k = 0; k < 2 * s.ball_steps; ++k) progress.advance();
          fmt::print("  piece {}: reused {} (same parameters)\n", name, path.string());
        }
      }
      if (!reused) {
        result = run_balls(g, s, r, ball_mu_tolerance, eps, gamma, progress);
        io::detail::write_file_atomically(
            path,
            nlohmann::json{{"parameters", record}, {"result", to_json(result)}}.dump() + "\n");
      }
      const auto& sc = result.scalars;
      fmt::print(
          "  (5.2) solver, eps = {:g}: {} patch vertices (N = {}, h = {:.4f}), {} nonzeros, "
          "assembly {:.1f} s (+ {:.1f} s Bloch solves)\n",
          eps, number(sc, "patch_vertices"), number(sc, "grid_points_per_axis"),
          number(sc, "grid_spacing"), number(sc, "operator_nonzeros"),
          number(sc, "assembly_seconds"), number(sc, "bloch_seconds"));
      fmt::print(
          "    K -> K' rate of one vertex, operator / rays: {:.6e} / {:.6e} at |p-K| = {:.4f}, "
          "{:.6e} / {:.6e} at {:.4f} (worst gap {:.1e})\n",
          number(sc, "rate_check_near_operator"), number(sc, "rate_check_near_rays"),
          number(sc, "rate_check_near_distance"), number(sc, "rate_check_far_operator"),
          number(sc, "rate_check_far_rays"), number(sc, "rate_check_far_distance"),
          number(sc, "rate_check_worst_gap"));
      fmt::print(
          "    upper-band packet: dP_K'/dt(0) = {:.5e} (first step {:.5e}) = {:.5f} gamma of "
          "(5.3)-(5.4); cone pi<|p-K|>/lambda# = {:.5f}; P_K'(T) = {:.4f}, max C_K' = {:.2e}, "
          "max |P_K + P_K' - 1| = {:.2e}\n",
          number(sc, "initial_rate"), number(sc, "initial_rate_first_step"),
          number(sc, "initial_rate_over_gamma"), number(sc, "cone_prediction_over_gamma"),
          number(sc, "kp_population_final"), number(sc, "kp_coherence_max"),
          number(sc, "max_total_drift"));
      fmt::print(
          "    mixed packet: dP_K'/dt(0) = {:.5e}, d(P_K + P_K')/dt(0) = {:.3e}; C_K {:.4f} -> "
          "{:.2e}, max C_K' = {:.2e}; P_K'(T) = {:.4f}, P_K + P_K' at T = {:.6f} (max drift "
          "{:.2e})\n",
          number(sc, "mixed_initial_rate"), number(sc, "mixed_initial_trace_rate"),
          number(sc, "mixed_k_coherence_initial"), number(sc, "mixed_k_coherence_final"),
          number(sc, "mixed_kp_coherence_max"), number(sc, "mixed_kp_population_final"),
          number(sc, "mixed_total_final"), number(sc, "mixed_max_total_drift"));
      const std::string tag = fmt::format("reduced_52_solver_eps{:g}_", eps);
      for (const auto& [key, unit, description] : balls_scalar_keys())
        summary.result(tag + key, number(sc, key), unit, description);
      for (std::size_t packet = 0; packet < 2; ++packet) {
        const auto& columns = result.series[packet];
        std::vector<double> series;
        for (std::size_t k = 0; k < columns[0].size(); ++k)
          for (const auto& column : columns) series.push_back(column[k]);
        io::write_npy(
            driver.output(fmt::format("series_{}{}.npy", name, packet == 0 ? "" : "_mixed")),
            series, {columns[0].size(), 6});
      }
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
    for (const auto& [key, unit, description] : scalar_keys())
      summary.result(p.name + "_" + key, number(sc, key), unit, description);
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
  examples::Driver driver("graphene_valleys",
                          "a packet at the Dirac point K of a honeycomb potential in P1's graphene "
                          "valley model (5.3)-(5.4), with and without randomness");
  Settings s;
  auto& cli = driver.cli();
  cli.add_option("--depth", s.depth, "well depth V_0 of the honeycomb wells")
      ->capture_default_str();
  cli.add_option("--well-width", s.well_width, "well width s")->capture_default_str();
  cli.add_option("--cutoff", s.energy_cutoff, "plane-wave energy cutoff E_cut")
      ->capture_default_str();
  cli.add_option("--box", s.box, "periodic box length L (0: 24)")->capture_default_str();
  cli.add_option("--points", s.points, "grid points per axis (0: 128, --quick 64)")
      ->capture_default_str();
  cli.add_option("--width", s.width, "packet width w")->capture_default_str();
  cli.add_option("--mix", s.mix, "band mixing angle m: a ~ (cos m, e^{i phi} sin m)")
      ->capture_default_str();
  cli.add_option("--phase", s.phase, "relative phase phi of the two bands")->capture_default_str();
  cli.add_option("--time", s.final_time, "final time T (0: 3)")->capture_default_str();
  cli.add_option("--steps", s.steps, "Strang steps K (0: 300, --quick 120)")->capture_default_str();
  cli.add_option("--variance", s.variance, "R(0), the strength of the random potential")
      ->capture_default_str();
  cli.add_option("--long-length", s.long_length, "correlation length of gaussian_long")
      ->capture_default_str();
  cli.add_option("--short-length", s.short_length, "correlation length of gaussian_short")
      ->capture_default_str();
  cli.add_option("--exp-length", s.exponential_length, "correlation length of exponential")
      ->capture_default_str();
  cli.add_option("--exp-tolerance", s.exponential_tolerance,
                 "mu-sum truncation R^ > tol R^(0) for the exponential's algebraic tail")
      ->capture_default_str();
  cli.add_option("--snapshots", s.snapshots, "density snapshots after t = 0")
      ->capture_default_str();
  cli.add_option("--ball-radius", s.ball_radius, "(5.2): ball radius R / eps")
      ->capture_default_str();
  cli.add_option("--ball-resolution", s.ball_resolution, "(5.2): eps / grid spacing")
      ->capture_default_str();
  cli.add_option("--ball-packet", s.ball_packet, "(5.2): packet width in p / eps")
      ->capture_default_str();
  cli.add_option("--ball-time", s.ball_time, "(5.2): final time (0: 20)")->capture_default_str();
  cli.add_option("--ball-steps", s.ball_steps, "(5.2): Strang steps (0: 80, --quick 40)")
      ->capture_default_str();
  cli.add_flag("--fresh", s.fresh, "recompute every piece (ignore piece_*.json)");
  return driver.run(argc, argv, [&](examples::Driver& d) { run_study(d, s); });
}
