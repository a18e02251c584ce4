// examples/p1_ground_truth/ground_truth_study.hpp — the computations of p1_ground_truth: the
// honeycomb crystal on a supercell, the packet, the exact solution of P1 (1.2) and the model
// (3.16) with finite-ε and product data, and their differences (see p1_ground_truth.cpp).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/high_symmetry.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/bloch/wigner_bloch.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherence_liouville.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/coherence/lattice_coordinates.hpp"
#include "wavekin/core/fft.hpp"

namespace wavekin::examples::ground_truth {

using cplx = std::complex<double>;
using Vec2 = Eigen::Vector2d;
using Index = Eigen::Index;

struct Settings {
  double v0 = 5;                     // V = V0 Σ_j cos(b_j·z)
  double side = 5;                   // L = εM: the x-torus is {Σ s_a e_a : s ∈ [0, L)²}
  std::ptrdiff_t points_per_cell = 6;
  std::ptrdiff_t x_points = 40;      // least model grid points per axis (N_x = M/(M div this))
  double width = 0.8;                // packet width w
  double final_time = 2;
  std::ptrdiff_t samples = 4;        // comparisons at t = kT/S, k = 0..S
  std::vector<double> epsilons;
  std::vector<double> us{0, 1, 4, 16};
  double mix = 0.6;                  // α = cos(mix), β = sin(mix) e^{i phase}
  double phase = 1.0;
  bool fresh = false;
};

inline const std::vector<Index> two_bands{0, 1};

/// M = L/ε, the cells per axis.
inline std::ptrdiff_t cells_for(const Settings& s, double epsilon) {
  return static_cast<std::ptrdiff_t>(std::llround(s.side / epsilon));
}
/// Envelope modes |δ_a| ≤ K = (N_x/2 − 1)/2: every difference of two modes stays below N_x/2, so
/// the model grid carries σ⁰ without aliasing (and the truth's offsets without a tie).
inline std::ptrdiff_t envelope_modes(const Settings& s) { return (s.x_points / 2 - 1) / 2; }
/// Every stride-th cell origin per axis is a model grid point: stride = M div --x-points, so that
/// N_x = M/stride >= --x-points (M must be a multiple of the stride).
inline std::ptrdiff_t model_stride(const Settings& s, double epsilon) {
  return cells_for(s, epsilon) / s.x_points;
}
inline std::ptrdiff_t model_points(const Settings& s, double epsilon) {
  return cells_for(s, epsilon) / model_stride(s, epsilon);
}

inline CosineSum<2> honeycomb_potential(double v0) {
  CosineSum<2> v;  // b_1 = e^1, b_2 = e^2, b_3 = −e^1 − e^2
  v.add(v0, lattice_index(1, 0)).add(v0, lattice_index(0, 1)).add(v0, lattice_index(-1, -1));
  return v;
}

/// A Gaussian of width w centred at x_c, periodised on the torus as the trigonometric polynomial
/// a(x) = Σ_δ α_δ e^{iξ_δ·x}, ξ_δ = Σ_a δ_a e^a / L (|δ_a| ≤ K), α_δ ∝ e^{−|ξ_δ|²w²/2 − iξ_δ·x_c},
/// a(x_c) = 1. The same function of x for every ε. Since ξ_δ·Es = 2π δ·s/L, a is evaluated
/// from the powers of e^{2πis_a/L}.
class PeriodicGaussian {
 public:
  PeriodicGaussian(const Lattice<2>& lattice, double side, double width, std::ptrdiff_t modes,
                   const Vec2& centre)
      : m_inverse(lattice.basis().inverse()), m_side(side), m_width(width), m_modes(modes) {
    double total = 0;
    for (std::ptrdiff_t d1 = -modes; d1 <= modes; ++d1)
      for (std::ptrdiff_t d0 = -modes; d0 <= modes; ++d0) {
        const Vec2 xi = lattice.dual_basis() * Vec2(double(d0), double(d1)) / side;
        const double size = std::exp(-xi.squaredNorm() * width * width / 2);
        m_alpha.push_back(std::polar(size, -xi.dot(centre)));
        total += size;
      }
    for (auto& a : m_alpha) a /= total;
  }
  cplx operator()(const Vec2& x) const {
    const Vec2 s = m_inverse * x;
    const auto n = static_cast<std::size_t>(2 * m_modes + 1);
    std::array<std::vector<cplx>, 2> powers;
    for (int a = 0; a < 2; ++a) {
      const cplx z = std::polar(1.0, 2 * std::numbers::pi * s[a] / m_side);
      auto& p = powers[static_cast<std::size_t>(a)];
      p.assign(n, cplx(1));
      for (std::size_t k = 1; k <= static_cast<std::size_t>(m_modes); ++k) {
        p[static_cast<std::size_t>(m_modes) + k] = p[static_cast<std::size_t>(m_modes) + k - 1] * z;
        p[static_cast<std::size_t>(m_modes) - k] = std::conj(p[static_cast<std::size_t>(m_modes) + k]);
      }
    }
    cplx sum = 0;
    for (std::size_t i1 = 0; i1 < n; ++i1) {
      cplx row = 0;
      for (std::size_t i0 = 0; i0 < n; ++i0) row += m_alpha[i1 * n + i0] * powers[0][i0];
      sum += row * powers[1][i1];
    }
    return sum;
  }
  /// |â(ξ)|² up to a constant: the momentum profile of the product (ε → 0) data.
  [[nodiscard]] double power(const Vec2& xi) const {
    return std::exp(-xi.squaredNorm() * m_width * m_width);
  }

 private:
  Eigen::Matrix2d m_inverse;
  double m_side, m_width;
  std::ptrdiff_t m_modes;
  std::vector<cplx> m_alpha;
};

/// The honeycomb crystal of one ε: its supercell (M = L/ε cells, n points per cell) and the exact
/// Bloch decomposition with all n² bands (so that (1.2) is solved exactly, higher bands included).
struct Crystal {
  double epsilon;
  Supercell<2> cell;
  SupercellBloch<2> bloch;
  Crystal(const Settings& s, double eps)
      : epsilon(eps),
        cell(Lattice<2>::triangular(1.0), cells_for(s, eps), s.points_per_cell),
        bloch(cell, honeycomb_potential(s.v0)) {}
};

/// The Dirac point of the grid problem: the gap E_2 − E_1 at K (a supercell of 3 cells holds K)
/// and the cone slope λ♯ = |eigenvalues of D_x(K)| on bands 1–2 (degenerate perturbation theory).
inline nlohmann::json dirac_check(const Settings& s) {
  const auto lattice = Lattice<2>::triangular(1.0);
  const Supercell<2> cell(lattice, 3, s.points_per_cell);
  const SupercellBloch<2> bloch(cell, honeycomb_potential(s.v0), 3);
  const Index r = cell.zone_vertex({1, 2});  // K = (e^1 − e^2)/3 ≡ (e^1 + 2e^2)/3
  const auto state = bloch.state(r);
  const Eigen::MatrixXcd dx = interband_D(state, two_bands)[0];
  const Eigen::Vector2d slopes = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd>(dx).eigenvalues();
  const auto e = bloch.energies().col(r);
  return {{"gap_at_K", e[1] - e[0]},
          {"energy_at_K", e[0]},
          {"gap_to_band_3_at_K", e[2] - e[1]},
          {"cone_slope", (slopes[1] - slopes[0]) / 2},
          {"K", {cell.momentum(r)[0], cell.momentum(r)[1]}}};
}

/// The model's three runs and the truth share this frame: the momentum points (the packet's
/// support), the box grid and the band data.
struct Frame {
  Index r0 = 0;                 // p₀ = p_{r0}
  Vec2 u_vector;                // (p₀ − K)/ε
  std::vector<Index> momenta;   // r of the model's points, δ_0 fastest
  std::ptrdiff_t stride = 1;    // M / N_x
};

inline Frame make_frame(const Crystal& c, const Settings& s, double u) {
  const auto& lattice = c.cell.lattice();
  const Vec2 k = high_symmetry_point(lattice, "K").k;
  // ê ⟂ ΓK: along e^1 + e^2, the grid direction that keeps p₀ − K off the ΓK line.
  const Vec2 dual_sum = lattice.dual_basis() * Vec2(1, 1);
  const Vec2 e_hat = dual_sum / dual_sum.norm();
  const Vec2 theta = lattice.dual_coordinates(Vec2(k + c.epsilon * u * e_hat));
  const auto m = c.cell.cells_per_axis();
  Frame f;
  const Vec2 target = k + c.epsilon * u * e_hat;
  std::array<Index, 2> centre{};
  double best = 1e300;
  for (int i0 = 0; i0 < 2; ++i0)  // the nearest of the four vertices around the target
    for (int i1 = 0; i1 < 2; ++i1) {
      const std::array<Index, 2> v{Index(std::floor(theta[0] * double(m))) + i0,
                                   Index(std::floor(theta[1] * double(m))) + i1};
      const double d = c.cell.zone().distance(c.cell.momentum(c.cell.zone_vertex(v)), target);
      if (d < best) best = d, centre = v;
    }
  f.r0 = c.cell.zone_vertex(centre);
  f.u_vector = c.cell.zone().displacement(c.cell.momentum(f.r0), k) / c.epsilon;
  const auto modes = envelope_modes(s);
  for (Index d1 = -modes; d1 <= modes; ++d1)
    for (Index d0 = -modes; d0 <= modes; ++d0)
      f.momenta.push_back(c.cell.zone_vertex({centre[0] + d0, centre[1] + d1}));
  f.stride = model_stride(s, c.epsilon);
  return f;
}

/// The twisted gauge Ψ_j(p_q) → e^{iθ_j(q)}Ψ_j(p_q), θ pseudo-random (golden-ratio sequence): the
/// supercell's states are real (H(p) is real symmetric for this V), so D = Dᵀ in their gauge and
/// the D-for-Dᵀ control would be void; in this gauge D is complex. (3.16) is pointwise in p, so
/// any gauge is admissible as long as σ, D and the overlaps share it.
inline cplx gauge_phase(std::size_t q, Index j) {
  const double x = 0.6180339887498949 * double(2 * q + std::size_t(j) + 1);
  return std::polar(1.0, 2 * std::numbers::pi * (x - std::floor(x)));
}

/// σ on the model's momentum points and box grid, from the exact Wigner–Bloch σ of a wave
/// (every stride-th cell origin along each axis), in the twisted gauge:
/// σ_jl → e^{−iθ_j} e^{iθ_l} σ_jl (f̂_j and g_l both pick up e^{−iθ}).
inline void load_truth(const Crystal& c, const Frame& f, std::span<const cplx> wave,
                       CoherenceField<2>& field) {
  const auto sigma = wigner_bloch(c.bloch, wave, two_bands, f.momenta);
  const auto m = c.cell.cells_per_axis();
  const auto& grid = field.grid();
  for (Index q = 0; q < sigma.momentum_count; ++q)
    for (Index j = 0; j < 2; ++j)
      for (Index l = 0; l < 2; ++l) {
        const auto qs = static_cast<std::size_t>(q);
        const cplx twist = std::conj(gauge_phase(qs, j)) * gauge_phase(qs, l);
        for (std::ptrdiff_t k = 0; k < grid.size(); ++k) {
          const auto index = grid.multi_index(k);
          field(q, j, l, k) = twist * sigma(q, j, l, (index[0] * m + index[1]) * f.stride);
        }
      }
}

/// max_x |A(x) − B(x)| over a list of complex arrays (vector components: the Euclidean norm).
inline double max_gap(const std::vector<const std::vector<cplx>*>& a,
                      const std::vector<const std::vector<cplx>*>& b) {
  double worst = 0;
  for (std::size_t k = 0; k < a.front()->size(); ++k) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += std::norm((*a[i])[k] - (*b[i])[k]);
    worst = std::max(worst, std::sqrt(sum));
  }
  return worst;
}

/// One (ε, u): the exact solution against the model with finite-ε data ("finite"), product data
/// ("product") and D in place of Dᵀ ("transposed"); ρ̄, J and σ at the samples t_k = kT/S.
inline nlohmann::json run_case(const Crystal& c, const Settings& s, double u,
                               const FftOptions& fft) {
  const Frame f = make_frame(c, s, u);
  const auto& cell = c.cell;
  const auto& lattice = cell.lattice();
  const double eps = c.epsilon, side = eps * double(cell.cells_per_axis());
  const PeriodicGaussian envelope(lattice, side, s.width, envelope_modes(s),
                                  lattice.basis() * Vec2(side / 2, side / 2));
  const cplx alpha = std::cos(s.mix), beta = std::polar(std::sin(s.mix), s.phase);
  const auto amplitude = [&](const Vec2& x) {
    const cplx a = envelope(x);
    return Eigen::VectorXcd(Eigen::Vector2cd(alpha * a, beta * a));
  };

  // Model frame: momenta, band data (Cartesian and in lattice coordinates), box grid.
  std::vector<BlochState<2, double>> states;
  MomentumQuadrature<2> quadrature;
  for (const Index r : f.momenta) {
    states.push_back(c.bloch.state(r));
    for (const Index j : two_bands)
      states.back().coefficients.col(j) *= gauge_phase(states.size() - 1, j);
    quadrature.points.push_back(cell.momentum(r));
    quadrature.weights.push_back(cell.momentum_weight());
  }
  const auto bands = band_data_from_states(states, two_bands);
  BandData<2> transposed(2);
  for (Index q = 0; q < bands.size(); ++q)
    transposed.add(bands.momentum(q), bands.energies(q),
                   {bands.D(q, 0).transpose(), bands.D(q, 1).transpose()});
  const LatticeCoordinates<2> coordinates(lattice);
  const auto grid = coordinates.grid(model_points(s, eps), side);
  const CoherenceLiouvilleOptions options{.fft = fft};
  CoherenceLiouville<2> model(grid, coordinates.band_data(bands), eps, options);
  CoherenceLiouville<2> model_t(grid, coordinates.band_data(transposed), eps, options);
  // The packet is built from the solver's Ψ_m(p₀) (bloch_wave_packet), so the overlaps start
  // from that state and end on the twisted ones.
  const auto overlaps = packet_overlaps(c.bloch.state(f.r0), two_bands, states, two_bands);
  CoherenceField<2> finite(grid, quadrature, 2), product(grid, quadrature, 2),
      swapped(grid, quadrature, 2), truth(grid, quadrature, 2);
  finite.set_wave_packet(coordinates.envelope(amplitude), eps,
                         coordinates.packet_overlaps(overlaps));
  std::copy(finite.values().begin(), finite.values().end(), swapped.values().begin());
  const Vec2 p0 = cell.momentum(f.r0);
  double norm = 0;
  for (const auto& p : quadrature.points)
    norm += cell.momentum_weight() * envelope.power(cell.zone().displacement(p, p0) / eps);
  product.set_band_projected(coordinates.envelope(amplitude), [&](const Vec2& p) {
    return envelope.power(cell.zone().displacement(p, p0) / eps) / norm;
  });
  // The product form assumes the states at p continue those at p₀: write it in the gauge with
  // ⟨u_j(p₀), u_j(p)⟩ > 0 and carry it to the model's, σ_jl → ω_j conj ω_l σ_jl with ω_j the
  // phase of A_jj(p₀, p) (a gauge change Ψ → e^{iχ}Ψ turns σ_jl by e^{−i(χ_j − χ_l)}).
  for (Index q = 0; q < product.momentum_count(); ++q) {
    std::array<cplx, 2> omega;
    for (Index j = 0; j < 2; ++j) {
      const cplx a = overlaps.overlaps[static_cast<std::size_t>(j)](j, q);
      omega[static_cast<std::size_t>(j)] = std::abs(a) > 1e-12 ? a / std::abs(a) : cplx(1);
    }
    for (Index j = 0; j < 2; ++j)
      for (Index l = 0; l < 2; ++l)
        for (auto& v : product.block(q, j, l))
          v *= omega[static_cast<std::size_t>(j)] * std::conj(omega[static_cast<std::size_t>(l)]);
  }

  // Truth: the packet on the fine grid, its Bloch coefficients (all bands), exact in t.
  const auto wave0 = bloch_wave_packet(c.bloch, f.r0, two_bands, amplitude, eps);
  const auto f0 = c.bloch.forward(wave0);
  const double higher = f0.bottomRows(f0.rows() - 2).squaredNorm() / f0.squaredNorm();

  struct Series {
    std::vector<double> rho, current, sigma;
  };
  std::array<Series, 3> err;
  std::vector<CoherenceField<2>*> runs{&finite, &product, &swapped};
  nlohmann::json rho_truth = nlohmann::json::array(), rho_model = nlohmann::json::array();
  double rho_scale = 0, current_scale = 0, sigma_scale = 0;
  std::vector<double> times;
  const double dt = s.final_time / double(s.samples);
  for (std::ptrdiff_t k = 0; k <= s.samples; ++k) {
    const double t = dt * double(k);
    times.push_back(t);
    if (k > 0) {
      model.step(finite, t - dt, dt);
      model.step(product, t - dt, dt);
      model_t.step(swapped, t - dt, dt);
    }
    const auto wave = c.bloch.inverse(c.bloch.evolve(f0, t, eps));
    load_truth(c, f, wave, truth);
    const auto rho = truth.density();
    const auto current = truth.current(bands);
    if (k == 0) {
      for (const auto& v : rho) rho_scale = std::max(rho_scale, std::abs(v));
      for (const auto& v : truth.values()) sigma_scale = std::max(sigma_scale, std::abs(v));
    }
    for (std::size_t i = 0; i < rho.size(); ++i)
      current_scale =
          std::max(current_scale, std::hypot(std::abs(current[0][i]), std::abs(current[1][i])));
    nlohmann::json model_rho = nlohmann::json::array();
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto m_rho = runs[r]->density();
      const auto m_current = runs[r]->current(r == 2 ? transposed : bands);
      err[r].rho.push_back(max_gap({&m_rho}, {&rho}));
      err[r].current.push_back(max_gap({&m_current[0], &m_current[1]}, {&current[0], &current[1]}));
      double worst = 0;
      for (std::size_t i = 0; i < truth.values().size(); ++i)
        worst = std::max(worst, std::abs(runs[r]->values()[i] - truth.values()[i]));
      err[r].sigma.push_back(worst);
      std::vector<double> re;
      for (const auto& v : m_rho) re.push_back(v.real());
      model_rho.push_back(re);
    }
    std::vector<double> re;
    for (const auto& v : rho) re.push_back(v.real());
    rho_truth.push_back(re);
    rho_model.push_back(model_rho);
  }
  nlohmann::json errors;
  const char* names[] = {"finite", "product", "transposed"};
  for (std::size_t r = 0; r < 3; ++r) {
    auto scaled = [](std::vector<double> v, double scale) {
      for (auto& x : v) x /= scale;
      return v;
    };
    errors[names[r]] = {{"rho", scaled(err[r].rho, rho_scale)},
                        {"current", scaled(err[r].current, current_scale)},
                        {"sigma", scaled(err[r].sigma, sigma_scale)}};
  }
  return {{"epsilon", eps},
          {"u", u},
          {"cells_per_axis", cell.cells_per_axis()},
          {"model_points", grid.count(0)},
          {"u_vector", {f.u_vector[0], f.u_vector[1]}},
          {"u_effective", f.u_vector.norm()},
          {"p0", {p0[0], p0[1]}},
          {"momentum_points", f.momenta.size()},
          {"gap_at_p0", c.bloch.energies()(1, f.r0) - c.bloch.energies()(0, f.r0)},
          {"higher_band_fraction", higher},
          {"times", times},
          {"errors", errors},
          {"rho_truth", rho_truth},
          {"rho_model", rho_model}};
}

}  // namespace wavekin::examples::ground_truth
