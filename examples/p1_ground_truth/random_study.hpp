// examples/p1_ground_truth/random_study.hpp — P1's x-homogeneous collisions (4.15) and (C.3)
// against the Monte Carlo mean of the Schrödinger equation (4.1) with a weak random potential,
// 1D, away from band crossings (docs/p1_ground_truth.md, "Random potential, away from
// crossings (1D)"). SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/coherent_rte.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fit.hpp"
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

/// \brief What the study measured. Per band j kept, the transferred population T_j(t): the band-j
/// population on the half zone of −p₀, p ∈ (π, 2π), over the initial total Σ_j ∫_B|f̂_j|²;
/// its Monte Carlo mean and standard error, and the x-homogeneous (C.3) and (4.15) solutions
/// from N⁰ = f̂⁰ f̂⁰ᴴ; the least-squares slopes dT_j/dt over the output times in (0, T] of each
/// (the Monte Carlo slope per sample, so its standard error is the samples').
struct RandomStudyResult {
  RandomStudyParameters parameters;
  Eigen::Index cells = 0, grid_points = 0;
  std::int64_t steps = 0;
  double p0 = 0;
  double rate = 0;       ///< β: the (C.3) rate of band 0 at p₀ into the far half zone
  double mu0_share = 0;  ///< the share of β from the μ = 0 term (centred zone) alone
  std::vector<double> times;
  std::vector<std::vector<double>> transfer_mean, transfer_se, transfer_c3, transfer_415;
  std::vector<double> slope_mean, slope_se, slope_c3, slope_415;
  /// The same slopes over the second half of the window, βt ∈ [0.25, 0.5] (after the transient).
  std::vector<double> late_mean, late_se, late_c3, late_415;
  double seconds_per_sample = 0;  ///< wall time per sample over all threads (× threads: CPU)
  std::uint64_t samples = 0;
};

namespace detail {

inline CosineSum<1> cosine_crystal(double v) {
  CosineSum<1> crystal;
  crystal.add(2 * v, lattice_index(1));
  return crystal;
}

// Σ over the far half zone p_r ∈ (π, 2π) of |f̂_j|² (or any per-(r, j) value), per band.
template <class Value>
std::vector<double> far_half(Eigen::Index cells, Eigen::Index bands, Value&& value) {
  std::vector<double> out(static_cast<std::size_t>(bands), 0.0);
  for (Eigen::Index r = cells / 2 + 1; r < cells; ++r)
    for (Eigen::Index j = 0; j < bands; ++j) out[static_cast<std::size_t>(j)] += value(r, j);
  return out;
}

// The x-homogeneous (C.3): ds/dt = C s, classic RK4 with h·ρ ≤ 1 (ρ ≥ the spectral radius of
// C, bounded by twice its largest loss), T_j at every output time.
inline std::vector<std::vector<double>> solve_band_diagonal(
    const BandDiagonalCollision<1>& collision, Eigen::VectorXd s, Eigen::Index cells,
    Eigen::Index bands, const std::vector<double>& times, double total) {
  double rho = 0;
  for (Eigen::Index k = 0; k < s.size(); ++k)
    rho = std::max(rho, 2 * std::abs(collision.matrix().coeff(k, k)));
  std::vector<std::vector<double>> out(static_cast<std::size_t>(bands));
  const auto record = [&] {
    const auto far = far_half(cells, bands, [&](Eigen::Index r, Eigen::Index j) {
      return s[r * bands + j];
    });
    for (Eigen::Index j = 0; j < bands; ++j)
      out[static_cast<std::size_t>(j)].push_back(far[static_cast<std::size_t>(j)] / total);
  };
  record();
  for (std::size_t k = 1; k < times.size(); ++k) {
    const double span = times[k] - times[k - 1];
    const auto sub = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(span * rho)));
    const double h = span / static_cast<double>(sub);
    const auto& c = collision.matrix();
    for (std::int64_t i = 0; i < sub; ++i) {
      const Eigen::VectorXd k1 = c * s;
      const Eigen::VectorXd k2 = c * (s + (h / 2) * k1);
      const Eigen::VectorXd k3 = c * (s + (h / 2) * k2);
      const Eigen::VectorXd k4 = c * (s + h * k3);
      s += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    record();
  }
  return out;
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
  result.transfer_c3 = detail::solve_band_diagonal(c3, s0, cells, nb, result.times, total);
  {
    CoherentRte<1> rte(PeriodicGrid<1>::cube(4, 1.0), band_data_from_states(states, all_bands),
                       epsilon, CoherentCollision<1>(bands, correlation));
    auto field = rte.make_field();
    for (Eigen::Index r = 0; r < cells; ++r)
      for (Eigen::Index j = 0; j < nb; ++j)
        for (Eigen::Index l = 0; l < nb; ++l)
          for (std::ptrdiff_t k = 0; k < 4; ++k) field(r, j, l, k) = f0(j, r) * std::conj(f0(l, r));
    result.transfer_415.assign(static_cast<std::size_t>(nb), {});
    const auto record = [&] {
      const auto far = detail::far_half(cells, nb, [&](Eigen::Index r, Eigen::Index j) {
        return field(r, j, j, 0).real();
      });
      for (Eigen::Index j = 0; j < nb; ++j)
        result.transfer_415[static_cast<std::size_t>(j)].push_back(far[static_cast<std::size_t>(j)] /
                                                                   total);
    };
    record();
    // Strang steps of at most 0.01 β^{-1}: the collision part is O(h²) accurate to < 1e-4.
    const int per_output = std::max(1, static_cast<int>(std::ceil(
                                           t_end / parameters.output_times * result.rate / 0.01)));
    const double h = t_end / parameters.output_times / per_output;
    double t = 0;
    for (int k = 1; k <= parameters.output_times; ++k) {
      for (int i = 0; i < per_output; ++i, t += h) rte.step(field, t, h);
      record();
    }
  }

  // The Monte Carlo.
  const RandomPotentialSample<1> sample(
      {PeriodicGrid<1>({cell.size()}, Eigen::Matrix<double, 1, 1>(parameters.box)), epsilon, dt,
       bloch.potential_samples()},
      correlation);
  const auto outputs = static_cast<std::size_t>(parameters.output_times + 1);
  const auto nbs = static_cast<std::size_t>(nb);
  EnsembleOptions options;
  options.samples = parameters.samples;
  options.chunk_size = parameters.chunk_size;
  options.seed = parameters.seed;
  options.threads = parameters.threads;
  options.checkpoint = parameters.checkpoint;
  options.parameters = {{"epsilon", epsilon}, {"v", parameters.v},
                        {"ell", parameters.correlation_length}, {"D", parameters.amplitude},
                        {"cells", cells}, {"n", parameters.points_per_cell}, {"steps", result.steps},
                        {"dt", dt}, {"r0", r0}, {"width", parameters.width}};
  options.label = "random-potential samples";
  const Ensemble ensemble({{"transfer", nbs * outputs, false}, {"slope", 2 * nbs, false}},
                          options);
  const auto start = std::chrono::steady_clock::now();
  const auto run = ensemble.run([&](std::uint64_t index, std::uint64_t seed) {
    std::vector<std::complex<double>> wave = phi0;
    Eigen::VectorXd transfer(static_cast<Eigen::Index>(nbs * outputs));
    sample.run(seed, index, std::span<std::complex<double>>(wave), result.steps,
               [&](std::span<const std::complex<double>> u, double, std::int64_t step) {
                 if (step % stride != 0) return;
                 const auto f = bloch.forward(u);
                 const auto far = detail::far_half(cells, nb, [&](Eigen::Index r, Eigen::Index j) {
                   return std::norm(f(j, r));
                 });
                 const auto k = static_cast<Eigen::Index>(step / stride);
                 for (Eigen::Index j = 0; j < nb; ++j)
                   transfer[j * static_cast<Eigen::Index>(outputs) + k] =
                       far[static_cast<std::size_t>(j)] / total;
               });
    Eigen::VectorXd slope(2 * nb);
    for (Eigen::Index j = 0; j < nb; ++j) {
      const std::span<const double> tj(transfer.data() + j * static_cast<Eigen::Index>(outputs),
                                       outputs);
      slope[j] = detail::early_slope(result.times, tj);
      slope[nb + j] = detail::late_slope(result.times, tj);
    }
    return std::vector<Eigen::VectorXd>{transfer, slope};
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.samples = run.statistics.count();
  result.seconds_per_sample =
      run.samples_computed > 0 ? seconds / static_cast<double>(run.samples_computed) : 0.0;
  const auto& mean = run.statistics.mean(0);
  const Eigen::VectorXd se = run.statistics.standard_error(0);
  const auto& slope_mean = run.statistics.mean(1);
  const Eigen::VectorXd slope_se = run.statistics.standard_error(1);
  for (Eigen::Index j = 0; j < nb; ++j) {
    std::vector<double> m, e;
    for (std::size_t k = 0; k < outputs; ++k) {
      m.push_back(mean[j * static_cast<Eigen::Index>(outputs) + static_cast<Eigen::Index>(k)]);
      e.push_back(se[j * static_cast<Eigen::Index>(outputs) + static_cast<Eigen::Index>(k)]);
    }
    result.transfer_mean.push_back(m);
    result.transfer_se.push_back(e);
    result.slope_mean.push_back(slope_mean[j]);
    result.slope_se.push_back(slope_se[j]);
    const auto j_index = static_cast<std::size_t>(j);
    result.slope_c3.push_back(detail::early_slope(result.times, result.transfer_c3[j_index]));
    result.slope_415.push_back(detail::early_slope(result.times, result.transfer_415[j_index]));
    result.late_mean.push_back(slope_mean[nb + j]);
    result.late_se.push_back(slope_se[nb + j]);
    result.late_c3.push_back(detail::late_slope(result.times, result.transfer_c3[j_index]));
    result.late_415.push_back(detail::late_slope(result.times, result.transfer_415[j_index]));
  }
  return result;
}

}  // namespace wavekin::examples::p1_ground_truth
