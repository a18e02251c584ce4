// P1 (3.16) against the Schrödinger equation (1.2) it approximates, at a closed gap in 1D
// (issue 14; docs/p1_ground_truth.md "1D: a closed gap"). V(y) = 2v₁ cos 2πy + 2v₂ cos 4πy with
// v₂ tuned so that gap 2 (bands 2 and 3 of P1's counting, 0-based 1 and 2) closes at p = 0; a
// packet a(x)[αΨ₂ + βΨ₃](x/ε, p₀) with complex β and p₀ = πε/4 next to the crossing.
// Truth: SupercellBloch::evolve (the exact propagator of (1.2) with periodic V) and the wave's
// Wigner–Bloch σ (bloch/wigner_bloch.hpp), hence its cell-averaged density ρ̄(x, t).
// Model: CoherenceLiouville (3.16) on the two crossing bands, E and D from the same Bloch states,
// started from the finite-ε data of CoherenceField::set_wave_packet.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/bloch/wigner_bloch.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherence_liouville.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/core/periodic_grid.hpp"

#include "packet_envelope.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_closed_gap_1d {

using namespace wavekin::test::common;
using wavekin::lattice_index;
using wavekin::test::verbose;

constexpr double v1 = 1.0;
const std::vector<Eigen::Index> crossing_bands{1, 2};  // bands 2 and 3 of P1's counting

wavekin::CosineSum<1> potential(double v2) {
  wavekin::CosineSum<1> v;
  v.add(2 * v1, lattice_index(1)).add(2 * v2, lattice_index(2));
  return v;
}

// Gap 2 at p = 0 with a sign: E_3 − E_2 (P1's counting) times +1 when band 2 is even in y, −1
// when it is odd. V is even, so the states at p = 0 are even or odd, and bands 2 and 3 there are
// the even and the odd combination of the plane waves G = ±2π: the sign is that of
// Re(c_{2π} conj c_{−2π}) of band 2. It changes sign where the two parities cross, i.e. where
// gap 2 closes, and is smooth in v₂ there: bisection finds the closing.
double signed_gap(double v2) {
  const wavekin::BlochSolver solver(wavekin::Lattice<1>::line(1.0), potential(v2),
                                    {.energy_cutoff = 800});
  const auto state = solver.solve(Vec1::Zero(), 3);
  const auto plus = state.basis.index_of(lattice_index(1));
  const auto minus = state.basis.index_of(lattice_index(-1));
  const double parity =
      std::real(state.coefficients(plus, 1) * std::conj(state.coefficients(minus, 1))) > 0 ? 1
                                                                                           : -1;
  return parity * (state.energies[2] - state.energies[1]);
}

// v₂ where gap 2 closes at p = 0, by bisection on signed_gap over [−0.2, 0] (at v₂ = 0 the odd
// state is lower, at −0.2 the even one). Second-order perturbation theory (the plane waves ±2π
// coupled directly by v₂ and through G = 0 by v₁) puts the closing at v₂ = −v₁²/(2π²).
double tuned_v2() {
  static const double value = [] {
    double low = -0.2, high = 0.0;
    REQUIRE(signed_gap(low) * signed_gap(high) < 0);
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (low + high);
      (signed_gap(mid) * signed_gap(low) > 0 ? low : high) = mid;
    }
    return 0.5 * (low + high);
  }();
  return value;
}

// The states of `bloch` with band 3 (0-based 2) multiplied by e^{i·twist}: a gauge in which D_23
// is complex, so that D and Dᵀ = conj D differ. The supercell's states are real for this even V, D
// is then real symmetric and the D/Dᵀ control would be empty (measured: identical errors). With
// two bands and one D, a gauge phase can always make D_23 real: in 1D the control tests that the
// coupling is applied in the gauge the data are written in, from the right (docs/conventions.md
// §10–§11). twist = π/2 makes D_23 imaginary, so that Dᵀ flips the sign of the coupling.
std::vector<wavekin::BlochState<1>> twisted_states(const wavekin::SupercellBloch<1>& bloch,
                                                   double twist) {
  auto states = bloch.states();
  for (auto& s : states) s.coefficients.col(2) *= std::polar(1.0, twist);
  return states;
}

// The band data with every D_i replaced by its transpose (the negative control).
wavekin::BandData<1> transposed(const wavekin::BandData<1>& data) {
  wavekin::BandData<1> out(data.band_count());
  for (Eigen::Index i = 0; i < data.size(); ++i)
    out.add(data.momentum(i), data.energies(i), {data.D(i, 0).transpose()});
  return out;
}

enum class Model { finite_epsilon, transposed_d, product_data };

struct Errors {
  double density = 0;  // max over the times of ‖ρ̄_model − ρ̄_wave‖₂ / ‖ρ̄_wave‖₂ (x-grid L²)
  double sigma = 0;    // max over the times of max|σ_model − σ_wave| / max|σ_wave|
};

// The run: box L = 8 in x (M = L/ε cells of n = 16 points), packet width 1 centred at L/2,
// p₀ = p_1 = 2πε/L = πε/4, α = (1 − |β|²)^{1/2}, β = 0.4 e^{0.5i}; errors at t = 0.25, 0.5, 0.75, 1.
// The packet's p-spread ε/width straddles the crossing, where D_23 couples the two bands at O(1).
struct Setup {
  double length = 8, width = 1, twist = std::numbers::pi / 2, tmax = 1, beta_abs = 0.4,
         beta_phase = 0.5;
  Eigen::Index r0 = 1;
  double chirp = 0;  // κ: the envelope times e^{iκ(x − L/2)²}
};

Errors run(double epsilon, Model model, const Setup& setup = {}) {
  const double length = setup.length;
  const auto cells = static_cast<Eigen::Index>(std::lround(length / epsilon));
  const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), cells, 16);
  const wavekin::SupercellBloch<1> bloch(cell, potential(tuned_v2()));
  const wavekin_test::PacketEnvelope<1> envelope{cell.lattice(), cells, epsilon,
                                                 setup.width, Vec1(length / 2)};
  const cplx alpha = std::sqrt(1 - setup.beta_abs * setup.beta_abs);
  const cplx beta = std::polar(setup.beta_abs, setup.beta_phase);
  const auto amplitudes = [&](const Vec1& x) {
    Eigen::VectorXcd a(2);
    const cplx c = std::polar(1.0, setup.chirp * (x[0] - length / 2) * (x[0] - length / 2));
    a << alpha * envelope(x) * c, beta * envelope(x) * c;
    return a;
  };
  const Eigen::Index r0 = setup.r0;
  const auto wave = wavekin::bloch_wave_packet(bloch, r0, crossing_bands, amplitudes, epsilon);
  const auto coefficients = bloch.forward(std::span<const cplx>(wave));

  const wavekin::PeriodicGrid<1> grid({cells}, Vec1(epsilon * static_cast<double>(cells)));
  const auto states = twisted_states(bloch, setup.twist);
  const auto bands = wavekin::band_data_from_states(states, crossing_bands);
  wavekin::CoherenceField<1> field(grid, cell.zone(), 2);
  if (model == Model::product_data) {
    // σ⁰_jl = a_j conj a_l δ(p − p₀), δ on the grid: 1/w at p₀ (in the twisted gauge the
    // amplitude of band 3 is a_3 e^{−i·twist}).
    const double w = cell.momentum_weight();
    field.set_band_projected(
        [&](const Vec1& x) {
          Eigen::VectorXcd a = amplitudes(x);
          a[1] *= std::polar(1.0, -setup.twist);
          return a;
        },
        [&](const Vec1& p) { return (p - cell.momentum(r0)).norm() < 1e-12 ? 1 / w : 0.0; });
  } else {
    field.set_wave_packet(amplitudes, epsilon,
                          wavekin::packet_overlaps(bloch.state(r0), crossing_bands, states,
                                                   crossing_bands));
  }
  wavekin::CoherenceLiouville<1> liouville(
      grid, model == Model::transposed_d ? transposed(bands) : bands, epsilon);

  Errors errors;
  double t = 0;
  const double dt = setup.tmax / 4;
  for (int step = 0; step < 4; ++step) {
    liouville.step(field, t, dt);
    t += dt;
    const auto wave_t = bloch.inverse(bloch.evolve(coefficients, t, epsilon));
    const auto exact = wavekin::wigner_bloch(bloch, std::span<const cplx>(wave_t), crossing_bands);
    const auto rho = field.density();
    double diff = 0, norm = 0, worst = 0, largest = 0;
    for (Eigen::Index nu = 0; nu < grid.size(); ++nu) {
      cplx rho_bar = 0;
      for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
        for (Eigen::Index j = 0; j < 2; ++j) rho_bar += cell.momentum_weight() * exact(r, j, j, nu);
      diff += std::norm(rho[static_cast<std::size_t>(nu)] - rho_bar);
      norm += std::norm(rho_bar);
      for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
        for (Eigen::Index j = 0; j < 2; ++j)
          for (Eigen::Index l = 0; l < 2; ++l) {
            // The wave's σ in the twisted gauge: Ψ̃_3 = e^{i}Ψ_3 turns σ_jl by e^{−iγ_j + iγ_l}.
            const double gamma = setup.twist * ((l == 1 ? 1.0 : 0.0) - (j == 1 ? 1.0 : 0.0));
            const cplx truth = exact(r, j, l, nu) * std::polar(1.0, gamma);
            worst = std::max(worst, std::abs(field(r, j, l, nu) - truth));
            largest = std::max(largest, std::abs(truth));
          }
    }
    errors.density = std::max(errors.density, std::sqrt(diff / norm));
    errors.sigma = std::max(errors.sigma, worst / largest);
  }
  return errors;
}

TEST_CASE("closed gap 1D: the tuned v2 closes gap 2 at p = 0", "[coherence][closed_gap]") {
  const double v2 = tuned_v2();
  const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), 1, 16);
  const wavekin::SupercellBloch<1> bloch(cell, potential(v2));
  const double supercell_gap = bloch.energies()(2, 0) - bloch.energies()(1, 0);
  if (verbose())
    fmt::print("closed gap 1D: v1 = {}, tuned v2 = {:.16f} (−v1²/(2π²) = {:.16f}); gap 2 at p = 0: "
               "{:.1e} (plane waves), {:.1e} (supercell grid, n = 16)\n",
               v1, v2, -v1 * v1 / (2 * std::numbers::pi * std::numbers::pi), signed_gap(v2),
               supercell_gap);
  // Residual gap: the bisection's last interval (2^−60·0.2) times the slope d gap/dv₂ ≈ 4, plus
  // eigenvalue round-off at E ≈ 20 (~1e-14 each): measured 4e-14 (plane waves) and 1.2e-13
  // (grid); tolerance 1e-12. The grid problem (n = 16, V exact on it) has the same closing point to its
  // truncation error, which is spectrally small.
  REQUIRE(std::abs(signed_gap(v2)) <= 1e-12);
  REQUIRE(std::abs(supercell_gap) <= 1e-12);
  // A crossing, not a touching: the signed gap changes sign through v₂ with slope ≈ 2 (2v₂ plus
  // the second-order term): measured ±0.02 at v₂ ± 0.01.
  REQUIRE(signed_gap(v2 - 0.01) >= 0.01);
  REQUIRE(signed_gap(v2 + 0.01) <= -0.01);
  // Observed: the closing sits at −v₁²/(2π²), the second-order value, to round-off.
  REQUIRE(std::abs(v2 + v1 * v1 / (2 * std::numbers::pi * std::numbers::pi)) <= 1e-12);
}

TEST_CASE("closed gap 1D: (3.16) with finite-ε data follows the wave at rate ε, D for Dᵀ fails",
          "[coherence][closed_gap]") {
  const std::vector<double> epsilons{1.0 / 8, 1.0 / 16, 1.0 / 32};
  std::vector<double> model_rho;
  std::vector<Errors> model, control, product;
  for (const double epsilon : epsilons) {
    model.push_back(run(epsilon, Model::finite_epsilon));
    control.push_back(run(epsilon, Model::transposed_d));
    product.push_back(run(epsilon, Model::product_data));
    model_rho.push_back(model.back().density);
    if (verbose())
      fmt::print("closed gap 1D, ε = 1/{:.0f}: ρ̄ error {:.3e} (Dᵀ {:.3e}, product data {:.3e}); "
                 "σ error {:.3e} (Dᵀ {:.3e}, product data {:.3e})\n",
                 1 / epsilon, model.back().density, control.back().density,
                 product.back().density, model.back().sigma, control.back().sigma,
                 product.back().sigma);
  }
  const double slope = wavekin::log_log_slope(epsilons, model_rho);
  if (verbose()) fmt::print("closed gap 1D: ρ̄ error slope in ε {:.3f}\n", slope);
  // (3.16) drops the O(ε) terms of (1.2): the dispersion −½ε²∂_x² of the frozen-p envelopes
  // g_l(x; p) (σ = f̂ conj g; their carrier e^{−iξx}, ξ = (p − p₀)/ε, makes it an O(ε/width²)
  // effect on ρ̄ at t = O(1)) and the coupling to the other bands. Measured ρ̄ errors 0.1085,
  // 0.0551, 0.0276 (slope 0.99); σ errors 0.0749, 0.0375, 0.0188. Tolerances: 1.2× measured;
  // slope window [0.85, 1.15] (first order, with the ±0.15 the three points' curvature allows).
  const std::vector<double> rho_tolerance{0.13, 0.066, 0.033}, sigma_tolerance{0.09, 0.045, 0.0225};
  for (std::size_t i = 0; i < epsilons.size(); ++i) {
    REQUIRE(model[i].density <= rho_tolerance[i]);
    REQUIRE(model[i].sigma <= sigma_tolerance[i]);
  }
  REQUIRE(slope >= 0.85);
  REQUIRE(slope <= 1.15);
  // Negative control, D in place of Dᵀ (the coupling transposed, here its sign flipped): an O(1)
  // error that does not decrease with ε. Measured ρ̄ 0.332, 0.321, 0.320 (5.8× and 11.6× the
  // model's at ε = 1/16, 1/32), σ 0.725, 0.722, 0.721 (19× and 38×). Asserted: ρ̄ ≥ 0.25 at every
  // ε, ≥ 4× the model at 1/16 and ≥ 8× at 1/32; σ ≥ 10× the model at 1/16.
  for (std::size_t i = 0; i < epsilons.size(); ++i) REQUIRE(control[i].density >= 0.25);
  REQUIRE(control[1].density >= 4 * model[1].density);
  REQUIRE(control[2].density >= 8 * model[2].density);
  REQUIRE(control[1].sigma >= 10 * model[1].sigma);
  // Negative control, product data (set_band_projected, the ε → 0 form, all at p₀): σ itself is
  // O(1) wrong at every ε (measured 2.20, 2.19, 2.19: the wave's σ is spread over |p − p₀| ~
  // ε/width, across the crossing, with overlaps that change there by O(1)). Its ρ̄ is NOT wrong:
  // measured 7.0e-3, 1.7e-3, 4.4e-4, rate ε², better than the finite-ε data's O(ε) (frozen at
  // p₀, (3.16) is the envelope equation without its dispersion, which moves the density of an
  // unchirped packet only at second order). Asserted as measured: σ ≥ 1; ρ̄ ≤ 1.2× measured.
  const std::vector<double> product_rho_tolerance{8.4e-3, 2.1e-3, 5.3e-4};
  for (std::size_t i = 0; i < epsilons.size(); ++i) {
    REQUIRE(product[i].sigma >= 1);
    REQUIRE(product[i].density <= product_rho_tolerance[i]);
  }
}

TEST_CASE("closed gap 1D: product data miss a chirp of the envelope at O(ε) in ρ̄",
          "[coherence][closed_gap]") {
  // The same packet with its envelope times e^{2i(x − L/2)²}: a local momentum p₀ + 4ε(x − L/2)
  // that crosses p = 0 inside the packet. Product data keep only |a|² (the chirp cancels in
  // a_j conj a_l), so their ρ̄ misses what the chirp does: measured at ε = 1/16 ρ̄ error 0.210
  // (finite-ε data 0.036), and 0.394, 0.108 at ε = 1/8, 1/32: first order in ε, not O(1), but no
  // longer the ε² of the unchirped packet. (The chirped envelope is not a trigonometric polynomial
  // of the box; at the box edge it is e^{−8} ≈ 3e-4 of its peak, so the finite-ε data are exact to
  // about that.) Asserted at ε = 1/16: product ρ̄ ≥ 0.15 and ≥ 4× the finite-ε data's.
  Setup setup;
  setup.chirp = 2;
  const auto model = run(1.0 / 16, Model::finite_epsilon, setup);
  const auto product = run(1.0 / 16, Model::product_data, setup);
  if (verbose())
    fmt::print("closed gap 1D, chirp 2, ε = 1/16: ρ̄ error {:.3e} (product data {:.3e})\n",
               model.density, product.density);
  REQUIRE(product.density >= 0.15);
  REQUIRE(product.density >= 4 * model.density);
}

}  // namespace wavekin_test_closed_gap_1d
