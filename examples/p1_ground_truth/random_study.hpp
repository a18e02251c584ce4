// examples/p1_ground_truth/random_study.hpp — P1's x-homogeneous collisions (4.15) and (C.3)
// against the Monte Carlo mean of the Schrödinger equation (4.1) with a weak random potential,
// away from band crossings: 1D (run_random_study) and a 2D honeycomb-type crystal
// (run_random_study_2d; docs/p1_ground_truth.md, "Random potential, away from crossings (1D)"
// and "(2D)"). SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <sys/resource.h>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/homogeneous_coherent_rte.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/montecarlo/random_potential_sample.hpp"
#include "wavekin/random/ensemble.hpp"

namespace wavekin::examples::p1_ground_truth {

/// \brief The 1D random study's set-up. The crystal is V(z) = 2v cos 2πz on the unit line (gap
/// 2v at p = π), the random potential √ε N(x/ε) has the Gaussian R(z) = D² e^{−z²/2ℓ²}, the
/// packet is φ⁰ = Σ_m a_m(x) Ψ_m(x/ε, p₀), a_m = amplitude_m · Gaussian of width `width` (x),
/// on a supercell of M = box/ε cells of n points. Defaults: p₀ = 3π/4, where the direct
/// backscattering p₀ → −p₀ needs R̂(2p₀) (2p₀ = 4.71) and the umklapp μ = −2π only
/// R̂(2p₀ − 2π) (|·| = 1.57): the μ ≠ 0 term carries almost all of the rate.
struct RandomStudyParameters {
  double epsilon = 1.0 / 16;
  double v = 1.0;
  double correlation_length = 1.0;
  double amplitude = 2.0;
  std::int64_t p0_numerator = 3, p0_denominator = 8;  ///< p₀ = 2π·num/den (a supercell momentum)
  double box = 16;    ///< the x-box εM
  double width = 1;   ///< the envelopes' width in x
  std::vector<std::complex<double>> band_amplitudes{1.0};  ///< a_m of bands 0, 1, …
  Eigen::Index bands = 2;                                  ///< bands kept (transform, collisions)
  Eigen::Index points_per_cell = 8;
  double dt_over_epsilon = 0.1;  ///< split-step Δt/ε
  double beta_t = 0.5;            ///< final time T = beta_t / β
  int output_times = 10;          ///< outputs at T k / output_times, k = 0 … output_times
  std::uint64_t samples = 64, seed = 14, chunk_size = 4;
  int threads = 1;
  std::string checkpoint;  ///< Ensemble checkpoint file (empty: none)
};

/// \brief The measured comparison of one study: per series k (a band's population in a region of
/// the zone, or a sum of them) its Monte Carlo mean and standard error at the output times, the
/// x-homogeneous (C.3) and (4.15) solutions from N⁰ = f̂⁰ f̂⁰ᴴ (transfer_415 empty where (4.15) is
/// not run), and the least-squares slopes of each over the output times in (0, T] and over the
/// second half, t ∈ [T/2, T] (the Monte Carlo slopes per sample, so their standard errors are the
/// samples').
struct PopulationComparison {
  std::vector<double> times;
  std::vector<std::vector<double>> transfer_mean, transfer_se, transfer_c3, transfer_415;
  std::vector<double> slope_mean, slope_se, slope_c3, slope_415;
  std::vector<double> late_mean, late_se, late_c3, late_415;
  double seconds_per_sample = 0;  ///< wall time per sample over all threads (× threads: CPU)
  std::uint64_t samples = 0;
};

/// \brief What the 1D study measured. Series j is the transferred population T_j(t) of band j
/// kept: the band-j population on the half zone of −p₀, p ∈ (π, 2π), over the initial total
/// Σ_j ∫_B|f̂_j|².
struct RandomStudyResult : PopulationComparison {
  RandomStudyParameters parameters;
  Eigen::Index cells = 0, grid_points = 0;
  std::int64_t steps = 0;
  double p0 = 0;
  double rate = 0;       ///< β: the (C.3) rate of band 0 at p₀ into the far half zone
  double mu0_share = 0;  ///< the share of β from the μ = 0 term (centred zone) alone
};

namespace detail {

inline CosineSum<1> cosine_crystal(double v) {
  CosineSum<1> crystal;
  crystal.add(2 * v, lattice_index(1));
  return crystal;
}

// The rectangular cell 1 × √3 of the 2D studies (two cells of the triangular lattice of unit side).
inline Lattice<2> honeycomb_rectangle() { return Lattice<2>::rectangular(1.0, std::sqrt(3.0)); }

// V(z) = v0 Σ_{j=1..3} cos(b_j·z), b₁ + b₂ + b₃ = 0 the shortest triangular reciprocal vectors, as
// the labels (1, −1), (0, 2), (−1, −1) of the rectangular cell 1 × √3.
inline CosineSum<2> honeycomb_rectangular_crystal(double v0) {
  CosineSum<2> crystal;
  crystal.add(v0, lattice_index(1, -1)).add(v0, lattice_index(0, 2)).add(v0, lattice_index(-1, -1));
  return crystal;
}

// The split-step of (4.1) on a 2D supercell of rectangular cells (Cartesian axes, as
// RandomPotentialSample needs): the box εM × εM·height on the supercell's own grid.
inline RandomPotentialSample<2> rectangular_sample(const SupercellBloch<2>& bloch, double epsilon,
                                                   double dt,
                                                   const GaussianCorrelation<2>& correlation) {
  const auto& cell = bloch.supercell();
  const auto cells = static_cast<double>(cell.cells_per_axis());
  const auto axis = static_cast<std::ptrdiff_t>(cell.cells_per_axis() * cell.points_per_cell());
  const Eigen::Vector2d sides = cell.lattice().basis().diagonal();
  return RandomPotentialSample<2>(
      {PeriodicGrid<2>({axis, axis}, epsilon * cells * sides), epsilon, dt,
       bloch.potential_samples()},
      correlation);
}

// The vertices r of the far half zone p_r ∈ (π, 2π) of a 1D supercell of M cells.
inline std::vector<Eigen::Index> far_half(Eigen::Index cells) {
  std::vector<Eigen::Index> out;
  for (Eigen::Index r = cells / 2 + 1; r < cells; ++r) out.push_back(r);
  return out;
}

// Σ over the vertices r of a region of |f̂_j(p_r)|² (or any per-(r, j) value), per band j.
template <class Value>
std::vector<double> region_sum(std::span<const Eigen::Index> region, Eigen::Index bands,
                               Value&& value) {
  std::vector<double> out(static_cast<std::size_t>(bands), 0.0);
  for (const Eigen::Index r : region)
    for (Eigen::Index j = 0; j < bands; ++j) out[static_cast<std::size_t>(j)] += value(r, j);
  return out;
}

// Appends one output time's values to series laid out as [series][time].
inline void append_series(std::vector<std::vector<double>>& out, const std::vector<double>& values) {
  out.resize(values.size());
  for (std::size_t j = 0; j < values.size(); ++j) out[j].push_back(values[j]);
}

// ds/dt = G s (`g(s)` returns G s) by classic RK4 with h·ρ ≤ 1 (ρ >= the spectral radius of G);
// `series(s)` (a vector of K values) at every output time, returned as K series.
template <class Vector, class Generator, class Series>
std::vector<std::vector<double>> solve_linear(Generator&& g, Vector s, double rho,
                                              const std::vector<double>& times, Series&& series) {
  std::vector<std::vector<double>> out;
  const auto record = [&] { append_series(out, series(s)); };
  record();
  for (std::size_t k = 1; k < times.size(); ++k) {
    const double span = times[k] - times[k - 1];
    const auto sub = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(span * rho)));
    const double h = span / static_cast<double>(sub);
    for (std::int64_t i = 0; i < sub; ++i) {
      const Vector k1 = g(s);
      const Vector k2 = g(Vector(s + (h / 2) * k1));
      const Vector k3 = g(Vector(s + (h / 2) * k2));
      const Vector k4 = g(Vector(s + h * k3));
      s += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    record();
  }
  return out;
}

// The x-homogeneous (C.3): ds/dt = C s (s_{r·n+j} = σ_jj(p_r)), solve_linear with ρ twice the
// largest loss of C (a bound on its spectral radius).
template <int Dim, class Series>
std::vector<std::vector<double>> solve_band_diagonal(const BandDiagonalCollision<Dim>& collision,
                                                     const Eigen::VectorXd& s,
                                                     const std::vector<double>& times,
                                                     Series&& series) {
  double rho = 0;
  for (Eigen::Index k = 0; k < s.size(); ++k)
    rho = std::max(rho, 2 * std::abs(collision.matrix().coeff(k, k)));
  return solve_linear<Eigen::VectorXd>(
      [&](const Eigen::VectorXd& x) { return Eigen::VectorXd(collision.matrix() * x); }, s, rho,
      times, std::forward<Series>(series));
}

// The x-homogeneous (4.15) from N⁰ = f̂⁰ f̂⁰ᴴ (f0: bands × zone vertices), by
// HomogeneousCoherentRte (Strang: the exact rotation (E_j − E_l)/ε of the coherences and the
// collision) in steps of at most 0.01/rate, so that the collision part is O(h²) accurate to
// < 1e-4. Returns series(population) at each of `times` as [series][time], population(r, j) =
// N_jj(p_r) (the layout of solve_band_diagonal).
template <int Dim, class Series>
std::vector<std::vector<double>> solve_coherent(const CollisionBands<Dim>& bands,
                                                CoherentCollision<Dim> collision, double epsilon,
                                                const Eigen::MatrixXcd& f0,
                                                const std::vector<double>& times, double rate,
                                                Series&& series) {
  HomogeneousCoherentRte<Dim> rte(bands.energies, epsilon, std::move(collision));
  const Eigen::Index nb = f0.rows();
  Eigen::VectorXcd s(rte.size());
  for (Eigen::Index r = 0; r < f0.cols(); ++r)
    for (Eigen::Index j = 0; j < nb; ++j)
      for (Eigen::Index l = 0; l < nb; ++l)
        s[(r * nb + j) * nb + l] = f0(j, r) * std::conj(f0(l, r));
  std::vector<std::vector<double>> out;
  const auto record = [&] {
    append_series(out, series([&](Eigen::Index r, Eigen::Index j) {
                    return s[(r * nb + j) * nb + j].real();
                  }));
  };
  record();
  for (std::size_t k = 1; k < times.size(); ++k) {
    integrate(rte, s, times[k - 1], times[k], 0.01 / rate);
    record();
  }
  return out;
}

// The process's peak resident memory so far, in GiB (getrusage: kilobytes on Linux).
inline double peak_memory_gib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);
}

// The energy interval [E_lo, E_hi] that holds all but `tail` of Σ|f|² at each end of the data's
// energy distribution (f: bands × vertices, energies: bands × vertices).
inline std::pair<double, double> energy_window(const Eigen::MatrixXd& energies,
                                               const Eigen::MatrixXcd& f, double tail) {
  std::vector<std::pair<double, double>> weighted;  // (E, |f|²)
  double total = 0;
  for (Eigen::Index r = 0; r < f.cols(); ++r)
    for (Eigen::Index j = 0; j < f.rows(); ++j) {
      weighted.emplace_back(energies(j, r), std::norm(f(j, r)));
      total += std::norm(f(j, r));
    }
  std::sort(weighted.begin(), weighted.end());
  const auto quantile = [&](auto first, auto last) {
    double sum = 0;
    for (auto it = first; it != last; ++it) {
      sum += it->second;
      if (sum > tail * total) return it->first;
    }
    return (last - 1)->first;
  };
  return {quantile(weighted.begin(), weighted.end()),
          quantile(weighted.rbegin(), weighted.rend())};
}

// The least-squares slope of T over the output times after t = 0: the wave's T jumps within
// t = O(ε) by the O(ε) static dressing of the Bloch states by √ε N (a constant offset the
// intercept absorbs), which a fit through t = 0 would read as rate.
inline double early_slope(std::span<const double> times, std::span<const double> transfer) {
  return least_squares_line(times.subspan(1), transfer.subspan(1)).slope;
}
// The slope over the second half of the output times (t ≥ T/2).
inline double late_slope(std::span<const double> times, std::span<const double> transfer) {
  const std::size_t half = times.size() / 2;
  return least_squares_line(times.subspan(half), transfer.subspan(half)).slope;
}

// The Ensemble options of a study's parameters (samples, chunk_size, seed, threads, checkpoint),
// with the run's own parameters stored in the checkpoint.
template <class Parameters>
EnsembleOptions ensemble_options(const Parameters& parameters, nlohmann::json run,
                                 std::string label) {
  EnsembleOptions options;
  options.samples = parameters.samples;
  options.chunk_size = parameters.chunk_size;
  options.seed = parameters.seed;
  options.threads = parameters.threads;
  options.checkpoint = parameters.checkpoint;
  options.parameters = std::move(run);
  options.label = std::move(label);
  return options;
}

// The Monte Carlo of (4.1) through Ensemble: per sample, `series(f̂)` (K values from the exact
// supercell Bloch coefficients, bands × momenta) every `stride` steps up to steps = stride ×
// (outputs − 1); fills `out`'s Monte Carlo entries and all slopes (those of the prediction
// series transfer_c3 and transfer_415 where they are set). `times` are the output times.
template <int Dim, class Series>
void monte_carlo(PopulationComparison& out, const RandomPotentialSample<Dim>& sample,
                 const SupercellBloch<Dim>& bloch, const std::vector<std::complex<double>>& phi0,
                 std::int64_t stride, std::size_t series_count, const EnsembleOptions& options,
                 Series&& series) {
  const std::size_t outputs = out.times.size();
  const auto steps = stride * static_cast<std::int64_t>(outputs - 1);
  const auto n_out = static_cast<Eigen::Index>(outputs);
  const auto n_series = static_cast<Eigen::Index>(series_count);
  const Ensemble ensemble(
      {{"transfer", series_count * outputs, false}, {"slope", 2 * series_count, false}}, options);
  const auto start = std::chrono::steady_clock::now();
  const auto run = ensemble.run([&](std::uint64_t index, std::uint64_t seed) {
    std::vector<std::complex<double>> wave = phi0;
    Eigen::VectorXd transfer(n_series * n_out);
    // Observed at the output times only, so the split steps between them run merged.
    sample.run(
        seed, index, std::span<std::complex<double>>(wave), steps,
        every(stride, [&](std::span<const std::complex<double>> u, double, std::int64_t step) {
          const std::vector<double> values = series(bloch.forward(u));
          const auto k = static_cast<Eigen::Index>(step / stride);
          for (Eigen::Index j = 0; j < n_series; ++j)
            transfer[j * n_out + k] = values[static_cast<std::size_t>(j)];
        }));
    Eigen::VectorXd slope(2 * n_series);
    for (Eigen::Index j = 0; j < n_series; ++j) {
      const std::span<const double> tj(transfer.data() + j * n_out, outputs);
      slope[j] = early_slope(out.times, tj);
      slope[n_series + j] = late_slope(out.times, tj);
    }
    return std::vector<Eigen::VectorXd>{transfer, slope};
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.samples = run.statistics.count();
  out.seconds_per_sample =
      run.samples_computed > 0 ? seconds / static_cast<double>(run.samples_computed) : 0.0;
  const auto& mean = run.statistics.mean(0);
  const Eigen::VectorXd se = run.statistics.standard_error(0);
  const auto& slope_mean = run.statistics.mean(1);
  const Eigen::VectorXd slope_se = run.statistics.standard_error(1);
  for (Eigen::Index j = 0; j < n_series; ++j) {
    std::vector<double> m, e;
    for (Eigen::Index k = 0; k < n_out; ++k) {
      m.push_back(mean[j * n_out + k]);
      e.push_back(se[j * n_out + k]);
    }
    out.transfer_mean.push_back(m);
    out.transfer_se.push_back(e);
    out.slope_mean.push_back(slope_mean[j]);
    out.slope_se.push_back(slope_se[j]);
    out.late_mean.push_back(slope_mean[n_series + j]);
    out.late_se.push_back(slope_se[n_series + j]);
    const auto j_index = static_cast<std::size_t>(j);
    if (!out.transfer_c3.empty()) {
      out.slope_c3.push_back(early_slope(out.times, out.transfer_c3[j_index]));
      out.late_c3.push_back(late_slope(out.times, out.transfer_c3[j_index]));
    }
    if (!out.transfer_415.empty()) {
      out.slope_415.push_back(early_slope(out.times, out.transfer_415[j_index]));
      out.late_415.push_back(late_slope(out.times, out.transfer_415[j_index]));
    }
  }
}

}  // namespace detail

/// \brief Runs the study: the Monte Carlo of (4.1) through Ensemble, and the (C.3) and (4.15)
/// predictions on the supercell's own zone grid (the Bloch states of SupercellBloch, one gauge
/// for the data and the collisions). Cost: samples × (steps × 2 FFTs of the (nM)-point grid +
/// output_times Bloch transforms); the predictions take well under a second.
/// \pre box/ε and M p₀-fraction integers; parameters as documented.
inline RandomStudyResult run_random_study(const RandomStudyParameters& parameters) {
  const double epsilon = parameters.epsilon;
  RandomStudyResult result;
  result.parameters = parameters;
  const double cells_real = parameters.box / epsilon;
  const auto cells = static_cast<Eigen::Index>(std::llround(cells_real));
  require(std::abs(cells_real - static_cast<double>(cells)) < 1e-9 && cells >= 4,
          "run_random_study: box/ε = {} must be an integer >= 4", cells_real);
  require(cells * parameters.p0_numerator % parameters.p0_denominator == 0,
          "run_random_study: p₀ = 2π·{}/{} is not a momentum of M = {} cells",
          parameters.p0_numerator, parameters.p0_denominator, cells);
  const Eigen::Index r0 = cells * parameters.p0_numerator / parameters.p0_denominator;
  require(r0 > 0 && 2 * r0 < cells, "run_random_study: p₀ must lie in (0, π)");
  const auto kept = static_cast<Eigen::Index>(parameters.band_amplitudes.size());
  require(kept >= 1 && kept <= parameters.bands,
          "run_random_study: {} packet bands for {} kept bands", kept, parameters.bands);
  const Eigen::Index nb = parameters.bands;

  const Lattice<1> line = Lattice<1>::line(1.0);
  const Supercell<1> cell(line, cells, parameters.points_per_cell);
  const SupercellBloch<1> bloch(cell, detail::cosine_crystal(parameters.v), nb);
  result.cells = cells;
  result.grid_points = cell.size();
  result.p0 = 2 * std::numbers::pi * static_cast<double>(r0) / static_cast<double>(cells);

  std::vector<Eigen::Index> packet_bands, all_bands;
  for (Eigen::Index m = 0; m < kept; ++m) packet_bands.push_back(m);
  for (Eigen::Index m = 0; m < nb; ++m) all_bands.push_back(m);
  const double centre = parameters.box / 2, width = parameters.width;
  const auto phi0 = bloch_wave_packet(
      bloch, r0, packet_bands,
      [&](const Eigen::Matrix<double, 1, 1>& x) {
        const double g = std::exp(-std::pow((x[0] - centre) / width, 2) / 2);
        Eigen::VectorXcd a(kept);
        for (Eigen::Index m = 0; m < kept; ++m)
          a[m] = parameters.band_amplitudes[static_cast<std::size_t>(m)] * g;
        return a;
      },
      epsilon);
  const auto f0 = bloch.forward(phi0);
  const double total = f0.squaredNorm();

  // The collisions on the supercell's zone grid, from its own states.
  const GaussianCorrelation<1> correlation(parameters.correlation_length, parameters.amplitude);
  const auto states = bloch.states();
  const auto bands = collision_bands_from_states<1>(cell.zone(), states, all_bands);
  const BandDiagonalCollision<1> c3(bands, correlation);
  // The "μ = 0" term of P1's centred zone B = (−π, π]: the μ for which p − q + μ is the
  // difference of the centred representatives (the zone grid's vertices lie in [0, 2π)). For
  // p₀ = 3π/4 it is the direct backscattering (transfer 2p₀); every other μ is umklapp.
  CollisionBands<1> direct = bands;
  direct.overlap = [full = bands.overlap, nb, cells](Eigen::Index p, Eigen::Index q,
                                                     const LatticeIndex<1>& mu) {
    const auto centred = [cells](Eigen::Index r) { return 2 * r > cells ? r - cells : r; };
    const Eigen::Index shift = (centred(p) - p) - (centred(q) - q);  // in units of M: μ = 2π·shift/M
    return mu[0] * cells == shift ? full(p, q, mu) : Eigen::MatrixXcd::Zero(nb, nb).eval();
  };
  const BandDiagonalCollision<1> c3_direct(direct, correlation);
  const auto back_rate = [&](const BandDiagonalCollision<1>& c) {
    double sum = 0;
    for (Eigen::Index r = cells / 2 + 1; r < cells; ++r) sum += c.matrix().coeff(r * nb, r0 * nb);
    return sum;
  };
  result.rate = back_rate(c3);
  result.mu0_share = back_rate(c3_direct) / result.rate;
  require(result.rate > 0, "run_random_study: no backscattering at p₀ (rate {})", result.rate);

  const double t_end = parameters.beta_t / result.rate;
  const double dt_target = parameters.dt_over_epsilon * epsilon;
  const auto stride = static_cast<std::int64_t>(
      std::ceil(t_end / (dt_target * parameters.output_times)));
  result.steps = stride * parameters.output_times;
  const double dt = t_end / static_cast<double>(result.steps);
  for (int k = 0; k <= parameters.output_times; ++k)
    result.times.push_back(t_end * k / parameters.output_times);

  // Predictions from N⁰ = f̂⁰ f̂⁰ᴴ.
  Eigen::VectorXd s0(cells * nb);
  for (Eigen::Index r = 0; r < cells; ++r)
    for (Eigen::Index j = 0; j < nb; ++j) s0[r * nb + j] = std::norm(f0(j, r));
  const auto far = detail::far_half(cells);
  const auto far_population = [&](const auto& value) {
    auto out = detail::region_sum(far, nb, value);
    for (auto& x : out) x /= total;
    return out;
  };
  result.transfer_c3 = detail::solve_band_diagonal(c3, s0, result.times, [&](const Eigen::VectorXd& s) {
    return far_population([&](Eigen::Index r, Eigen::Index j) { return s[r * nb + j]; });
  });
  result.transfer_415 =
      detail::solve_coherent<1>(bands, CoherentCollision<1>(bands, correlation), epsilon, f0,
                                result.times, result.rate, far_population);

  // The Monte Carlo.
  const RandomPotentialSample<1> sample(
      {PeriodicGrid<1>({cell.size()}, Eigen::Matrix<double, 1, 1>(parameters.box)), epsilon, dt,
       bloch.potential_samples()},
      correlation);
  const auto options = detail::ensemble_options(
      parameters,
      {{"epsilon", epsilon}, {"v", parameters.v}, {"ell", parameters.correlation_length},
       {"D", parameters.amplitude}, {"cells", cells}, {"n", parameters.points_per_cell},
       {"steps", result.steps}, {"dt", dt}, {"r0", r0}, {"width", parameters.width}},
      "random-potential samples");
  detail::monte_carlo(result, sample, bloch, phi0, stride, static_cast<std::size_t>(nb), options,
                      [&](const auto& f) {
                        return far_population(
                            [&](Eigen::Index r, Eigen::Index j) { return std::norm(f(j, r)); });
                      });
  return result;
}

/// \brief The 2D study's set-up: the honeycomb-type crystal V(z) = v0 Σ_{j=1..3} cos(b_j·z),
/// b₁ + b₂ + b₃ = 0 the shortest reciprocal vectors of the triangular lattice of unit side, whose
/// Dirac points sit at the K points (|K| = 4π/3). The split-step of RandomPotentialSample needs
/// Cartesian axes, so the supercell is built from the rectangular cell 1 × √3 (two triangular
/// cells; b₁, b₂, b₃ = the rectangular reciprocal labels (1, −1), (0, 2), (−1, −1)): its bands
/// are the triangular ones folded once, which (C.3) on the same states treats alike. p₀ = the
/// supercell momentum nearest to K' − offset·(1, 0), K' = (4π/3, 0), in the band whose state is
/// a triangular Bloch wave at p₀ (plane waves p₀ + G, G in the triangular reciprocal lattice) and
/// the lowest such. M = side/ε cells per axis (box εM × εM√3), n points per cell per axis.
struct RandomStudy2dParameters {
  double epsilon = 1.0 / 8;
  double v0 = 1.0;
  double correlation_length = 1.0;
  double amplitude = 1.0;
  double offset = 0.45;  ///< |p₀ − K'| target, along −x
  double side = 4;
  double width = 0.5;    ///< Gaussian envelope width in x
  double radius = 0.8;   ///< the observable counts the population at zone distance > radius from p₀
  Eigen::Index bands = 6;
  Eigen::Index points_per_cell = 8;
  double dt_over_epsilon = 0.05;
  double beta_t = 0.5;
  int output_times = 10;
  std::uint64_t samples = 16, seed = 14, chunk_size = 2;
  int threads = 1;
  std::string checkpoint;  ///< Ensemble checkpoint file (empty: none)
  /// Also solve the x-homogeneous (4.15): its operator has n_b² blocks per point pair, so at
  /// 48² vertices and 5 bands it took about 10 min of one core and 16 GB (docs/p1_ground_truth.md).
  bool coherent = false;
  /// (4.15) on the energy shells of the data only (BandCollisionOptions::energy_min/max): the
  /// window drops `coherent_tail` of Σ|f̂⁰|² at each end of the data's energy distribution, so
  /// the population it leaves out is at most that. The collision moves population along
  /// energy shells, so the rest never leaves the window. 0: every shell (at 48² vertices and
  /// 5 bands that took 16 GB; docs/p1_ground_truth.md).
  double coherent_tail = 0;
};

/// \brief What the 2D study measured: one series, S(t) = Σ_j Σ_{|p_r − p₀| > radius} |f̂_j(p_r)|²
/// over the initial total (the population scattered out of the disc around p₀, all bands kept).
struct RandomStudy2dResult : PopulationComparison {
  RandomStudy2dParameters parameters;
  Eigen::Index cells = 0, grid_points = 0, band = 0;
  std::int64_t steps = 0;
  Eigen::Vector2d p0 = Eigen::Vector2d::Zero();
  double distance_to_dirac = 0;  ///< |p₀ − K'|
  double gap = 0;                ///< distance of E_band(p₀) to the nearest other band at p₀
  double rate = 0;  ///< β = dS/dt at t = 0 under (C.3) from N⁰ (the packet's initial rate out)
  /// The energy window (4.15) was solved in (±∞ without coherent_tail), and the share of
  /// Σ|f̂⁰|² at energies outside it.
  double coherent_energy_min = 0, coherent_energy_max = 0, coherent_outside = 0;
  /// The process's peak resident memory (GiB, getrusage) after each phase: the (C.3) model, the
  /// (4.15) model (when run), the Monte Carlo.
  std::vector<std::pair<std::string, double>> peak_memory_gib;
};

/// \brief Runs the 2D study: the Monte Carlo of (4.1) against the x-homogeneous (C.3), and with
/// `coherent` (4.15), on the supercell's zone grid and states. Cost per sample: steps × 2 FFTs
/// of (nM)² points.
inline RandomStudy2dResult run_random_study_2d(const RandomStudy2dParameters& parameters) {
  const double epsilon = parameters.epsilon;
  RandomStudy2dResult result;
  result.parameters = parameters;
  const auto cells = static_cast<Eigen::Index>(std::llround(parameters.side / epsilon));
  require(cells >= 4, "run_random_study_2d: side/ε = {} cells, expected >= 4",
          parameters.side / epsilon);
  const Eigen::Index nb = parameters.bands;
  const double height = std::sqrt(3.0);
  const Supercell<2> cell(detail::honeycomb_rectangle(), cells, parameters.points_per_cell);
  const SupercellBloch<2> bloch(cell, detail::honeycomb_rectangular_crystal(parameters.v0), nb);
  result.cells = cells;
  result.grid_points = cell.size();

  const double k_prime = 4 * std::numbers::pi / 3;
  const Eigen::Index r0_x = std::llround((k_prime - parameters.offset) / (2 * std::numbers::pi) *
                                         static_cast<double>(cells));
  const Eigen::Index r0 = cell.zone_vertex({r0_x, 0});
  result.p0 = cell.momentum(r0);
  result.distance_to_dirac = std::abs(result.p0[0] - k_prime);
  // The band: the lowest state at p₀ whose plane waves lie on the triangular reciprocal lattice
  // (rectangular labels with g₀ + g₁ even).
  {
    const auto& c = bloch.coefficients(r0);
    result.band = -1;
    for (Eigen::Index j = 0; j < nb && result.band < 0; ++j) {
      double even = 0;
      for (Eigen::Index b = 0; b < c.rows(); ++b) {
        const auto& g = cell.label(b);
        if ((g[0] + g[1]) % 2 == 0) even += std::norm(c(b, j));
      }
      require(even > 0.99 || even < 0.01,
              "run_random_study_2d: band {} at p₀ mixes the two folded copies ({}): degenerate",
              j, even);
      if (even > 0.99) result.band = j;
    }
    require(result.band >= 0, "run_random_study_2d: no triangular state at p₀ in {} bands", nb);
  }
  const auto energy = bloch.energies()(result.band, r0);
  result.gap = 1e300;
  for (Eigen::Index j = 0; j < nb; ++j)
    if (j != result.band) result.gap = std::min(result.gap, std::abs(bloch.energies()(j, r0) - energy));
  require(bloch.energies().row(nb - 1).minCoeff() > energy,
          "run_random_study_2d: band {} dips below E(p₀) = {}: keep more bands", nb - 1, energy);

  const Eigen::Vector2d centre = parameters.side * Eigen::Vector2d(0.5, height / 2);
  const double width = parameters.width;
  const auto phi0 = bloch_wave_packet(
      bloch, r0, std::vector<Eigen::Index>{result.band},
      [&](const Eigen::Vector2d& x) {
        return Eigen::VectorXcd::Constant(
                   1, std::exp(-(x - centre).squaredNorm() / (2 * width * width)))
            .eval();
      },
      epsilon);
  const auto f0 = bloch.forward(phi0);
  const double total = f0.squaredNorm();

  std::vector<Eigen::Index> outside;
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
    if (cell.zone().distance(cell.momentum(r), result.p0) > parameters.radius) outside.push_back(r);
  const auto scattered = [&](const auto& value) {
    double sum = 0;
    for (const double x : detail::region_sum(outside, nb, value)) sum += x;
    return std::vector<double>{sum / total};
  };

  std::vector<Eigen::Index> all_bands;
  for (Eigen::Index m = 0; m < nb; ++m) all_bands.push_back(m);
  const GaussianCorrelation<2> correlation(parameters.correlation_length, parameters.amplitude);
  const auto bands = collision_bands_from_states<2>(cell.zone(), bloch.states(), all_bands);
  const BandDiagonalCollision<2> c3(bands, correlation);
  Eigen::VectorXd s0(cell.momentum_count() * nb);
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
    for (Eigen::Index j = 0; j < nb; ++j) s0[r * nb + j] = std::norm(f0(j, r));
  {
    const Eigen::VectorXd gain = c3.matrix() * s0;
    result.rate = scattered([&](Eigen::Index r, Eigen::Index j) { return gain[r * nb + j]; })[0];
  }
  require(result.rate > 0, "run_random_study_2d: no scattering out of the disc (rate {})",
          result.rate);

  const double t_end = parameters.beta_t / result.rate;
  const auto stride = static_cast<std::int64_t>(std::ceil(
      t_end / (parameters.dt_over_epsilon * epsilon * parameters.output_times)));
  result.steps = stride * parameters.output_times;
  const double dt = t_end / static_cast<double>(result.steps);
  for (int k = 0; k <= parameters.output_times; ++k)
    result.times.push_back(t_end * k / parameters.output_times);

  result.transfer_c3 = detail::solve_band_diagonal(c3, s0, result.times, [&](const Eigen::VectorXd& s) {
    return scattered([&](Eigen::Index r, Eigen::Index j) { return s[r * nb + j]; });
  });

  result.peak_memory_gib.emplace_back("(C.3)", detail::peak_memory_gib());
  if (parameters.coherent) {
    BandCollisionOptions window;
    if (parameters.coherent_tail > 0) {
      const auto [lo, hi] = detail::energy_window(bloch.energies(), f0, parameters.coherent_tail);
      window.energy_min = lo;
      window.energy_max = hi;
    }
    result.coherent_energy_min = window.energy_min;
    result.coherent_energy_max = window.energy_max;
    double outside = 0;
    for (Eigen::Index r = 0; r < f0.cols(); ++r)
      for (Eigen::Index j = 0; j < nb; ++j) {
        const double e = bloch.energies()(j, r);
        if (e < window.energy_min || e > window.energy_max) outside += std::norm(f0(j, r));
      }
    result.coherent_outside = outside / total;
    result.transfer_415 =
        detail::solve_coherent<2>(bands, CoherentCollision<2>(bands, correlation, window), epsilon,
                                  f0, result.times, result.rate, scattered);
    result.peak_memory_gib.emplace_back("(4.15)", detail::peak_memory_gib());
  }

  const auto sample = detail::rectangular_sample(bloch, epsilon, dt, correlation);
  const auto options = detail::ensemble_options(
      parameters,
      {{"epsilon", epsilon}, {"v0", parameters.v0}, {"ell", parameters.correlation_length},
       {"D", parameters.amplitude}, {"cells", cells}, {"n", parameters.points_per_cell},
       {"steps", result.steps}, {"dt", dt}, {"r0", r0}, {"width", width}},
      "2D random-potential samples");
  detail::monte_carlo(result, sample, bloch, phi0, stride, 1, options, [&](const auto& f) {
    return scattered([&](Eigen::Index r, Eigen::Index j) { return std::norm(f(j, r)); });
  });
  result.peak_memory_gib.emplace_back("Monte Carlo", detail::peak_memory_gib());
  return result;
}

}  // namespace wavekin::examples::p1_ground_truth
