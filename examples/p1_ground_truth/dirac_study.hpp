// examples/p1_ground_truth/dirac_study.hpp — a random potential at the Dirac point: the Monte
// Carlo mean of the valley transfer of P1 (4.1) against the x-homogeneous (5.2) and (5.3)–(5.4)
// (docs/p1_ground_truth.md, "Random, at the Dirac point"). SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "p1_ground_truth/random_study.hpp"
#include "wavekin/coherence/graphene_valleys.hpp"

namespace wavekin::examples::p1_ground_truth {

/// \brief The Dirac-point study's set-up (docs/p1_ground_truth.md; P1 §5, (5.2)–(5.4)): the
/// crystal, cell and supercell of the 2D random study
/// (RandomStudy2dParameters: V = v0 Σ cos(b_j·z) on the rectangular cell 1 × √3, M = side/ε cells,
/// M a multiple of 3 so that both Dirac points are supercell momenta), the packet
/// φ⁰ = a(x)[αΨ_j + βΨ_{j+1}](x/ε, K) in the two bands touching at K = (2π/3, 0), a a Gaussian of
/// width `width`, and the random potential √ε N(x/ε), R(z) = D² e^{−|z|²/2ℓ²}. The observable is
/// the K' population, K' = (4π/3, 0) ≡ −K: Σ_j Σ_{|p − K'| ≤ radius} |f̂_j(p)|² over the initial
/// total (all kept bands), and (second series) the same over the half zone closer to K' than to K.
struct RandomDiracParameters {
  double epsilon = 1.0 / 8;
  double v0 = 5.0;  ///< deep enough that E_* is isolated: the packet's shell holds only K, K'
  double correlation_length = 0.4;  ///< ℓ: R̂(|K − K'|) is largest near ℓ = √2/|K| = 0.34
  double amplitude = 1.0;           ///< D
  double side = 6;
  double width = 0.5;
  double radius = 0.8;  ///< valley discs |p − K|, |p − K'| ≤ radius: observable and (5.2) balls
  std::complex<double> alpha = std::cos(std::numbers::pi / 4);
  std::complex<double> beta = std::polar(std::sin(std::numbers::pi / 4), 1.0);
  Eigen::Index bands = 4;  ///< bands of the supercell transform (the observable sums them)
  /// Grid points per axis of the 1 × √3 cell: the pair splits at K by 8e-7 (with 8: 5e-3).
  Eigen::Index points_per_cell = 12;
  double dt_over_epsilon = 0.05;
  double final_time = 2;
  int output_times = 8;
  std::uint64_t samples = 20, seed = 14, chunk_size = 2;
  int threads = 1;
  std::string checkpoint;  ///< Ensemble checkpoint file (empty: none)
};

/// \brief What the Dirac-point study measured: series 0 the K' disc population, series 1 the
/// K'-half-zone population (Monte Carlo mean and standard error), and the two models' K'
/// population (the same prediction for both series: neither model puts population elsewhere).
struct RandomDiracResult : PopulationComparison {
  RandomDiracParameters parameters;
  Eigen::Index cells = 0, grid_points = 0, dirac_band = 0, ball_vertices = 0;
  std::int64_t steps = 0;
  double dirac_energy = 0;   ///< E_* = E_j(K)
  double splitting = 0;      ///< |E_{j+1}(K) − E_j(K)| of the grid problem
  double ball_gap = 0;       ///< min over the balls of the distance of bands j, j+1 to the others
  double shell_gap = 0;      ///< min |E_j(p) − E_*| outside the discs, all kept bands
  double energy_spread = 0;  ///< the packet's r.m.s. |E − E_*| (f̂⁰-weighted)
  double valley_norm = 0;    ///< tr S^K(0): the packet's weight on the K basis in the K disc
  double intervalley_rate = 0;  ///< dP_K'/dt at t = 0 under (5.3)–(5.4)
  double shell_rate = 0;        ///< dP_K'/dt at t = 0 under (5.2) (first output interval)
  std::vector<double> transfer_52, transfer_53;  ///< K' population under (5.2), (5.3)–(5.4)
};

/// \brief Runs the study. Models, from the same exact f̂⁰ and on the supercell's own states and
/// zone grid (one gauge):
///  - (5.2): (4.15) on the two crossing bands, on the zone-grid vertices within `radius` of K and
///    K' (ZoneGrid::restricted_to_balls), x-homogeneous (CoherentCollision plus the relaxation
///    (i/ε)(E_l − E_j)σ_jl, which the cone's O(ε) splitting across the packet makes O(1); RK4),
///    from N⁰ = f̂⁰ f̂⁰ᴴ.
///  - (5.3)–(5.4): the point-sum CoherentCollision on {K, K'} (as in GrapheneValleys), exact
///    exponential of its 8 × 8 matrix, from S^K(0) = Σ_{|p−K| ≤ radius} g gᴴ, g_j(p) =
///    Σ_m ⟨u_j(K), u_m(p)⟩ f̂_m(p) the packet in the K basis (P1's σ(K) of the valley), S^{K'} = 0.
/// κ = (2π)^{1−d} in both (docs/errata.md items 4, 23). Cost per sample: steps × 2 FFTs of
/// (nM)² points plus output_times Bloch transforms.
inline RandomDiracResult run_random_dirac_study(const RandomDiracParameters& parameters) {
  const double epsilon = parameters.epsilon;
  RandomDiracResult result;
  result.parameters = parameters;
  const auto cells = static_cast<Eigen::Index>(std::llround(parameters.side / epsilon));
  require(cells >= 6 && cells % 3 == 0,
          "run_random_dirac_study: side/ε = {} cells must be a multiple of 3 (K on the grid), >= 6",
          parameters.side / epsilon);
  const Eigen::Index nb = parameters.bands;
  const Supercell<2> cell(detail::honeycomb_rectangle(), cells, parameters.points_per_cell);
  const SupercellBloch<2> bloch(cell, detail::honeycomb_rectangular_crystal(parameters.v0), nb);
  result.cells = cells;
  result.grid_points = cell.size();
  const auto& zone = cell.zone();
  const Eigen::Index r_k = cell.zone_vertex({cells / 3, 0});
  const Eigen::Index r_kp = cell.zone_vertex({2 * cells / 3, 0});
  const Eigen::Vector2d k = cell.momentum(r_k), kp = cell.momentum(r_kp);

  // The crossing pair at K: the two adjacent bands closest in energy.
  {
    double best = 1e300;
    for (Eigen::Index j = 0; j + 1 < nb; ++j) {
      const double d = bloch.energies()(j + 1, r_k) - bloch.energies()(j, r_k);
      if (d < best) {
        best = d;
        result.dirac_band = j;
      }
    }
    result.splitting = best;
    result.dirac_energy = bloch.energies()(result.dirac_band, r_k);
    require(best < 1e-5 * std::max(1.0, std::abs(result.dirac_energy)),
            "run_random_dirac_study: no degenerate pair at K among {} bands (closest {})", nb,
            best);
    require(result.dirac_band + 1 < nb, "run_random_dirac_study: keep more than {} bands", nb);
  }
  const Eigen::Index jd = result.dirac_band;
  const std::vector<Eigen::Index> pair{jd, jd + 1};

  const Eigen::Vector2d centre = parameters.side * Eigen::Vector2d(0.5, std::sqrt(3.0) / 2);
  const double width = parameters.width;
  const auto phi0 = bloch_wave_packet(
      bloch, r_k, pair,
      [&](const Eigen::Vector2d& x) {
        const double g = std::exp(-(x - centre).squaredNorm() / (2 * width * width));
        return Eigen::Vector2cd(parameters.alpha * g, parameters.beta * g).eval();
      },
      epsilon);
  const auto f0 = bloch.forward(phi0);
  const double total = f0.squaredNorm();

  // The observables: the K' disc and the half zone closer to K'.
  std::vector<Eigen::Index> disc, half, k_disc;
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r) {
    const Eigen::Vector2d p = cell.momentum(r);
    const double to_kp = zone.distance(p, kp), to_k = zone.distance(p, k);
    if (to_kp <= parameters.radius) disc.push_back(r);
    if (to_kp < to_k) half.push_back(r);
    if (to_k <= parameters.radius) k_disc.push_back(r);
  }
  // Is E_* isolated? The energy shell of the packet should hold only the valleys (P1 §5).
  result.shell_gap = 1e300;
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
    if (zone.distance(cell.momentum(r), kp) > parameters.radius &&
        zone.distance(cell.momentum(r), k) > parameters.radius)
      for (Eigen::Index j = 0; j < nb; ++j)
        result.shell_gap =
            std::min(result.shell_gap, std::abs(bloch.energies()(j, r) - result.dirac_energy));
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
    for (Eigen::Index j = 0; j < nb; ++j)
      result.energy_spread +=
          std::norm(f0(j, r)) * std::pow(bloch.energies()(j, r) - result.dirac_energy, 2) / total;
  result.energy_spread = std::sqrt(result.energy_spread);

  const auto population = [&](std::span<const Eigen::Index> region, const auto& value) {
    double sum = 0;
    for (const double x : detail::region_sum(region, nb, value)) sum += x;
    return sum / total;
  };

  const GaussianCorrelation<2> correlation(parameters.correlation_length, parameters.amplitude);
  const auto states = bloch.states();
  const auto pair_bands = collision_bands_from_states<2>(zone, states, pair);

  // Output times.
  const double t_end = parameters.final_time;
  const auto stride = static_cast<std::int64_t>(
      std::ceil(t_end / (parameters.dt_over_epsilon * epsilon * parameters.output_times)));
  result.steps = stride * parameters.output_times;
  const double dt = t_end / static_cast<double>(result.steps);
  for (int i = 0; i <= parameters.output_times; ++i)
    result.times.push_back(t_end * i / parameters.output_times);

  // (5.3)–(5.4): S^K(0) in the K basis. The lattice vector μ brings p_r − μ next to K (the K disc
  // straddles the zone's edge), and A_jm(K, p − μ) = Σ_G c^j_G(K) conj c^m_{G−μ}(p) = conj of
  // ⟨u_j(K), u_m(p)⟩.
  {
    const Eigen::Matrix2d dual = cell.lattice().dual_basis();
    Eigen::Matrix2cd s_k = Eigen::Matrix2cd::Zero();
    for (const Eigen::Index r : k_disc) {
      const Eigen::Vector2d n = dual.inverse() * (cell.momentum(r) - k);
      const LatticeIndex<2> mu(std::llround(n[0]), std::llround(n[1]));
      const Eigen::MatrixXcd a = pair_bands.overlap(r_k, r, mu);
      const Eigen::Vector2cd g = a.conjugate() * Eigen::Vector2cd(f0(jd, r), f0(jd + 1, r));
      s_k += g * g.adjoint();
    }
    s_k /= total;
    result.valley_norm = s_k.trace().real();
    const PointSumBands<2> points{
        cell.lattice(), {k, kp}, 2, [&](Eigen::Index p, Eigen::Index q, const LatticeIndex<2>& mu) {
          const Eigen::Index v[2] = {r_k, r_kp};
          return pair_bands.overlap(v[p], v[q], mu);
        }};
    const CoherentCollision<2> point_sum(points, correlation);
    const Eigen::MatrixXcd l = Eigen::MatrixXcd(point_sum.matrix());
    Eigen::VectorXcd s0 = Eigen::VectorXcd::Zero(8);
    for (int j = 0; j < 2; ++j)
      for (int m = 0; m < 2; ++m) s0[j * 2 + m] = s_k(j, m);
    const Eigen::VectorXcd ds = l * s0;
    result.intervalley_rate = (ds[4] + ds[7]).real();
    for (const double t : result.times) {
      const Eigen::VectorXcd s = wavekin::detail::small_matrix_exp(t * l) * s0;
      result.transfer_53.push_back((s[4] + s[7]).real());
    }
  }

  // (5.2): (4.15) on the balls around K and K', the crossing pair.
  {
    const auto balls = zone.restricted_to_balls({k, kp}, parameters.radius);
    result.ball_vertices = balls.size();
    std::vector<BlochState<2, double>> ball_states;
    result.ball_gap = 1e300;
    for (Eigen::Index v = 0; v < balls.size(); ++v) {
      const Eigen::Index r = balls.grid_index(v);
      ball_states.push_back(states[static_cast<std::size_t>(r)]);
      for (Eigen::Index j = 0; j < nb; ++j)
        if (j != jd && j != jd + 1)
          for (const Eigen::Index i : pair)
            result.ball_gap = std::min(result.ball_gap,
                                       std::abs(bloch.energies()(j, r) - bloch.energies()(i, r)));
    }
    // The x-homogeneous (4.15): ds/dt = Q s + the relaxation (i/ε)(E_l − E_j)s on
    // s_{(v·2+j)·2+l} = σ_jl(p_v), by HomogeneousCoherentRte (Strang: exact rotation, RK4
    // collision) in steps h with h·(ρ + ω) ≤ 1/4, ρ = Q's Gershgorin bound and ω the fastest
    // rotation: the splitting error per unit time, O(h²ω²ρ), stays ≲ 1e-2 ρ.
    const auto ball_bands = collision_bands_from_states<2>(balls, ball_states, pair);
    HomogeneousCoherentRte<2> shell(ball_bands.energies, epsilon,
                                    CoherentCollision<2>(ball_bands, correlation));
    Eigen::VectorXcd s(shell.size());
    std::vector<Eigen::Index> kp_ball;
    double rotation = 0;
    for (Eigen::Index v = 0; v < balls.size(); ++v) {
      const Eigen::Index r = balls.grid_index(v);
      if (zone.distance(balls.momentum(v), kp) <= parameters.radius) kp_ball.push_back(v);
      for (int j = 0; j < 2; ++j)
        for (int l = 0; l < 2; ++l) {
          s[(v * 2 + j) * 2 + l] = f0(jd + j, r) * std::conj(f0(jd + l, r));
          rotation = std::max(
              rotation, std::abs(ball_bands.energies(v, l) - ball_bands.energies(v, j)) / epsilon);
        }
    }
    const double h = 0.25 / (shell.collision().spectral_bound() + rotation);
    const auto kp_population = [&] {
      double sum = 0;
      for (const Eigen::Index v : kp_ball) sum += (s[v * 4] + s[v * 4 + 3]).real();
      return sum / total;
    };
    result.transfer_52 = {kp_population()};
    for (std::size_t k = 1; k < result.times.size(); ++k) {
      integrate(shell, s, result.times[k - 1], result.times[k], h);
      result.transfer_52.push_back(kp_population());
    }
    result.shell_rate = (result.transfer_52[1] - result.transfer_52[0]) / result.times[1];
  }

  // The Monte Carlo.
  const auto sample = detail::rectangular_sample(bloch, epsilon, dt, correlation);
  const auto options = detail::ensemble_options(parameters,
                                                {{"epsilon", epsilon},
                                                 {"v0", parameters.v0},
                                                 {"ell", parameters.correlation_length},
                                                 {"D", parameters.amplitude},
                                                 {"cells", cells},
                                                 {"n", parameters.points_per_cell},
                                                 {"steps", result.steps},
                                                 {"dt", dt},
                                                 {"r0", r_k},
                                                 {"width", width},
                                                 {"radius", parameters.radius}},
                                                "Dirac-point random-potential samples");
  detail::monte_carlo(result, sample, bloch, phi0, stride, 2, options, [&](const auto& f) {
    const auto value = [&](Eigen::Index r, Eigen::Index j) { return std::norm(f(j, r)); };
    return std::vector<double>{population(disc, value), population(half, value)};
  });
  return result;
}

}  // namespace wavekin::examples::p1_ground_truth
