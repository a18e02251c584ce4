// Tests for wavekin/bloch/supercell.hpp, supercell_bloch.hpp, bloch_wave_packet.hpp and
// wigner_bloch.hpp: the supercell Bloch transform is unitary with all n^d bands and an orthogonal
// projection with fewer; its bands agree with BlochSolver; its exact propagator agrees with a
// split-step solution of P1 (1.2); the Wigner–Bloch σ of a wave satisfies its exact identities.
// 1D (a two-cosine crystal) and 2D (honeycomb wells on the triangular lattice, a skew basis).
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/bloch/wigner_bloch.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/split_step_spectral.hpp"

#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_supercell_bloch {

using namespace wavekin::test::matchers;
using namespace wavekin::test::common;
using wavekin::lattice_index;
using wavekin::test::two_pi;
using wavekin::test::verbose;

// V(y) = 2v₁ cos 2πy + 2v₂ cos 4πy on the unit line (the crystal of the closed-gap test).
wavekin::CosineSum<1> two_cosines(double v1, double v2) {
  wavekin::CosineSum<1> v;
  v.add(2 * v1, lattice_index(1)).add(2 * v2, lattice_index(2));
  return v;
}

// Honeycomb wells on the triangular lattice: a skew basis and a potential without a separable
// structure. Width 0.25 makes V̂ fall below 1e-11·V̂(0) beyond the labels |n_l| ≤ 4 that n = 8
// resolves (V̂ ∝ e^{−s²|μ|²/2}, |μ| ≥ 4|e^l|/… ≈ 29), so both truncations are negligible.
wavekin::Lattice<2> triangular() { return wavekin::Lattice<2>::triangular(1.0); }
wavekin::HoneycombWells<> wells() { return wavekin::HoneycombWells<>(30.0, 0.25); }

template <class Wave>
Wave random_wave(std::ptrdiff_t size, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<double> normal;
  Wave out(static_cast<std::size_t>(size));
  for (auto& v : out) v = cplx(normal(engine), normal(engine));
  return out;
}

double max_difference(std::span<const cplx> a, std::span<const cplx> b) {
  double out = 0;
  for (std::size_t i = 0; i < a.size(); ++i) out = std::max(out, std::abs(a[i] - b[i]));
  return out;
}

TEST_CASE("Supercell: slot r + M·g carries p_r + G", "[bloch][supercell]") {
  const wavekin::Supercell<2> cell(triangular(), 3, 4);
  REQUIRE(cell.size() == 144);
  REQUIRE(cell.cell_size() == 16);
  REQUIRE(cell.momentum_count() == 9);
  // e^{i(p_r+G)·z_i} must be the DFT exponent of its slot at every grid point: exp(2πi s·i/(nM)).
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
    for (Eigen::Index b = 0; b < cell.cell_size(); ++b) {
      const auto s = cell.grid().multi_index(cell.slot(r, b));
      for (std::ptrdiff_t i : {std::ptrdiff_t(0), std::ptrdiff_t(17), std::ptrdiff_t(143)}) {
        const auto index = cell.grid().multi_index(i);
        const double phase = cell.wavevector(r, b).dot(cell.point(i));
        const double dft = two_pi * static_cast<double>(s[0] * index[0] + s[1] * index[1]) / 12.0;
        // Phases of size ≤ |k||z| ≈ 60: rounding 60·ε per product.
        REQUIRE(std::abs(std::polar(1.0, phase) - std::polar(1.0, dft)) <= 1e-12);
      }
    }
  // Every slot is used exactly once.
  std::vector<int> used(static_cast<std::size_t>(cell.size()), 0);
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
    for (Eigen::Index b = 0; b < cell.cell_size(); ++b) ++used[static_cast<std::size_t>(cell.slot(r, b))];
  REQUIRE(std::all_of(used.begin(), used.end(), [](int u) { return u == 1; }));
  REQUIRE_THROWS_AS(wavekin::Supercell<1>(wavekin::Lattice<1>::line(1.0), 4, 5),
                    wavekin::invalid_argument);
  REQUIRE_THROWS_AS(wavekin::Supercell<1>(wavekin::Lattice<1>::line(1.0), 0, 8),
                    wavekin::invalid_argument);
}

template <int Dim>
void check_unitary(const wavekin::SupercellBloch<Dim>& bloch, unsigned seed) {
  using Wave = std::vector<cplx>;
  const auto& cell = bloch.supercell();
  // Round-off scale: an FFT of N points and a dense n^d eigenbasis, ≈ (log N + n^d) ε.
  const double tolerance = 64 * static_cast<double>(cell.cell_size()) * eps;
  for (Eigen::Index r = 0; r < bloch.momentum_count(); ++r) {
    const auto& c = bloch.coefficients(r);
    REQUIRE((c.adjoint() * c - Eigen::MatrixXcd::Identity(c.cols(), c.cols()))
                .cwiseAbs()
                .maxCoeff() <= tolerance);
  }
  const Wave phi = random_wave<Wave>(cell.size(), seed);
  const auto f = bloch.forward(phi);
  const double norm = bloch.wave_norm_squared(phi);
  const double coefficient_norm = bloch.coefficient_norm_squared(f);
  const Wave back = bloch.inverse(f);
  double largest = 0;
  for (const auto& v : phi) largest = std::max(largest, std::abs(v));
  if (verbose())
    fmt::print("supercell {}D, all {} bands: |Parseval| rel {:.2e}, |inverse(forward) − 1| {:.2e}\n",
               Dim, bloch.band_count(), std::abs(coefficient_norm - norm) / norm,
               max_difference(back, phi) / largest);
  REQUIRE(std::abs(coefficient_norm - norm) <= tolerance * norm);
  REQUIRE(max_difference(back, phi) <= tolerance * largest);
  const Eigen::MatrixXcd g = Eigen::MatrixXcd::Random(f.rows(), f.cols());
  REQUIRE((bloch.forward(bloch.inverse(g)) - g).cwiseAbs().maxCoeff() <=
          tolerance * g.cwiseAbs().maxCoeff());
}

TEST_CASE("SupercellBloch: with all n^d bands the transform is unitary (Parseval, inverse)",
          "[bloch][supercell]") {
  SECTION("1D, two cosines") {
    const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), 16, 16);
    check_unitary(wavekin::SupercellBloch<1>(cell, two_cosines(1.0, 0.7)), 1);
  }
  SECTION("2D, honeycomb wells on the triangular lattice") {
    const wavekin::Supercell<2> cell(triangular(), 4, 8);
    check_unitary(wavekin::SupercellBloch<2>(cell, wells()), 2);
  }
}

template <int Dim, class Potential>
void check_projection(const wavekin::Supercell<Dim>& cell, const Potential& v, Eigen::Index kept,
                      unsigned seed) {
  using Wave = std::vector<cplx>;
  const wavekin::SupercellBloch<Dim> few(cell, v, kept);
  const wavekin::SupercellBloch<Dim> all(cell, v);
  const Wave phi = random_wave<Wave>(cell.size(), seed);
  const auto f = few.forward(phi);
  const Wave projected = few.inverse(f);
  const double tolerance = 64 * static_cast<double>(cell.cell_size()) * eps;
  double largest = 0;
  for (const auto& x : phi) largest = std::max(largest, std::abs(x));
  // Idempotent: P(Pφ) = Pφ.
  REQUIRE(max_difference(few.inverse(few.forward(projected)), projected) <= tolerance * largest);
  // Orthogonal: ‖φ‖² = ‖Pφ‖² + ‖φ − Pφ‖², and ‖Pφ‖² is the coefficient norm.
  Wave rest(phi.size());
  for (std::size_t i = 0; i < phi.size(); ++i) rest[i] = phi[i] - projected[i];
  const double norm = few.wave_norm_squared(phi);
  const double kept_norm = few.wave_norm_squared(projected);
  REQUIRE(std::abs(kept_norm + few.wave_norm_squared(rest) - norm) <= tolerance * norm);
  REQUIRE(std::abs(few.coefficient_norm_squared(f) - kept_norm) <= tolerance * norm);
  REQUIRE(kept_norm < norm);
  // The same projection from the full set with the other bands zeroed (gauge-free comparison).
  auto g = all.forward(phi);
  g.bottomRows(g.rows() - kept).setZero();
  REQUIRE(max_difference(all.inverse(g), projected) <= tolerance * largest);
  // inverse is an isometry: forward(inverse(f̂)) = f̂.
  const Eigen::MatrixXcd h = Eigen::MatrixXcd::Random(f.rows(), f.cols());
  REQUIRE((few.forward(few.inverse(h)) - h).cwiseAbs().maxCoeff() <=
          tolerance * h.cwiseAbs().maxCoeff());
}

TEST_CASE("SupercellBloch: with fewer bands the transform is the orthogonal projection on them",
          "[bloch][supercell]") {
  SECTION("1D, 3 of 16 bands") {
    check_projection(wavekin::Supercell<1>(wavekin::Lattice<1>::line(1.0), 16, 16),
                     two_cosines(1.0, 0.7), 3, 3);
  }
  SECTION("2D, 4 of 64 bands") {
    check_projection(wavekin::Supercell<2>(triangular(), 4, 8), wells(), 4, 4);
  }
}

template <int Dim, class Potential>
void check_against_plane_waves(const wavekin::Supercell<Dim>& cell, const Potential& v,
                               double cutoff, Eigen::Index bands, double tolerance) {
  const wavekin::SupercellBloch<Dim> bloch(cell, v, bands + 1);
  const wavekin::BlochSolver solver(cell.lattice(), v, {.energy_cutoff = cutoff});
  double worst_energy = 0, worst_state = 0;
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r) {
    const auto reference = solver.solve(cell.momentum(r), bands + 1);
    const auto state = bloch.state(r);
    // |A_mm| = |⟨c(plane waves), c(supercell)⟩| = 1 for a simple band: the state up to a phase.
    const Eigen::MatrixXcd a = wavekin::overlap_A(reference, state);
    for (Eigen::Index m = 0; m < bands; ++m) {
      worst_energy = std::max(worst_energy,
                              std::abs(bloch.energies()(m, r) - reference.energies[m]));
      const double gap_below = m == 0 ? 1e9 : reference.energies[m] - reference.energies[m - 1];
      const double gap_above = reference.energies[m + 1] - reference.energies[m];
      if (std::min(gap_below, gap_above) > 1e-3)
        worst_state = std::max(worst_state, 1 - std::abs(a(m, m)));
    }
  }
  if (verbose())
    fmt::print("supercell {}D vs BlochSolver: max |ΔE| {:.2e}, max 1 − |A_mm| {:.2e}\n", Dim,
               worst_energy, worst_state);
  REQUIRE(worst_energy <= tolerance);
  REQUIRE(worst_state <= tolerance);
}

TEST_CASE("SupercellBloch: energies and states agree with BlochSolver", "[bloch][supercell]") {
  // Both truncations converge super-exponentially for these analytic potentials (the box of n
  // labels and the ball E_cut hold the lowest bands' coefficients to below 1e-12); measured
  // differences: 1D 6e-13, 2D 2e-12 in E, 2e-15 in 1 − |A_mm|. Tolerance 1e-9, far below any band
  // spacing and far above the measured round-off.
  SECTION("1D, two cosines, n = 32") {
    check_against_plane_waves(wavekin::Supercell<1>(wavekin::Lattice<1>::line(1.0), 8, 32),
                              two_cosines(1.0, 0.7), 4000.0, 6, 1e-9);
  }
  SECTION("2D, honeycomb wells, n = 12, M = 6 (the Dirac points K, K' are on the grid)") {
    check_against_plane_waves(wavekin::Supercell<2>(triangular(), 6, 12), wells(), 1500.0, 4,
                              1e-9);
  }
}

// The exact propagator against Strang splitting of P1 (1.2), iε∂_tφ = −(ε²/2)Δφ + V(x/ε)φ.
// SplitStepSpectral solves iε u_t = −(ε²/2) m₀ Δu + V u: (1.2) with m₀ = 1, so it is used as is on
// the x-grid (x = εz, box εM). Its error is O(Δt²) (it is exact as Δt → 0 on the same grid), so
// the test halves Δt and checks the measured order and the finest error.
TEST_CASE("SupercellBloch::evolve agrees with a split-step solution of P1 (1.2) (1D)",
          "[bloch][supercell]") {
  const double epsilon = 1.0 / 8;
  const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), 16, 16);
  const wavekin::SupercellBloch<1> bloch(cell, two_cosines(1.0, 0.7));
  const double box = epsilon * 16;
  // A packet in bands 0 and 1 at p₀ = p_3, envelopes of width 0.2 centred in the box.
  const auto phi0 = wavekin::bloch_wave_packet(
      bloch, 3, {0, 1},
      [&](const Vec1& x) {
        const double g = std::exp(-std::pow((x[0] - box / 2) / 0.2, 2) / 2);
        Eigen::VectorXcd a(2);
        a << g, cplx(0.3, 0.4) * g * (x[0] - box / 2) / 0.2;
        return a;
      },
      epsilon);
  const double t_end = 0.25;
  const auto exact = bloch.inverse(bloch.evolve(bloch.forward(phi0), t_end, epsilon));
  const wavekin::PeriodicGrid<1> grid({cell.size()}, Vec1(box));
  std::vector<double> errors, steps;
  for (int steps_count : {200, 400, 800}) {
    wavekin::SplitStepSpectral<1, double, wavekin::GridFieldCoefficient<double>> split(
        grid, epsilon, 1.0, wavekin::GridFieldCoefficient<double>(bloch.potential_samples()));
    std::vector<cplx> u = phi0;
    const double dt = t_end / steps_count;
    for (int s = 0; s < steps_count; ++s) split.step(u, s * dt, dt);
    errors.push_back(relative_l2_error(u, exact));
    steps.push_back(dt);
  }
  const double order = wavekin::log_log_slope(steps, errors);
  if (verbose())
    fmt::print("split-step vs exact (1D, ε = 1/8, t = 0.25): L² rel errors {:.2e} {:.2e} {:.2e}, "
               "order {:.3f}\n",
               errors[0], errors[1], errors[2], order);
  // Strang splitting: order 2 (measured 2.008; errors 2.05e-3, 5.08e-4, 1.27e-4 at Δt = 1.25e-3,
  // 6.25e-4, 3.1e-4). The exact propagator has no Δt error, so the whole difference is the split
  // step's; the bound 5e-4 is 4× the measured finest error.
  REQUIRE_THAT(order, WithinAbs(2.0, 0.05));
  REQUIRE(errors.back() <= 5e-4);
}

// 2D: the split step written out on the triangular supercell (SplitStepSpectral's grid is
// rectangular): the kinetic factor e^{−iΔt|k_s|²/(2ε)} per slot, |k_s| = |p_r + G|, in z units.
TEST_CASE("SupercellBloch::evolve agrees with Strang splitting on a skew 2D supercell",
          "[bloch][supercell]") {
  const double epsilon = 1.0 / 4;
  const wavekin::Supercell<2> cell(triangular(), 4, 8);
  const wavekin::SupercellBloch<2> bloch(cell, wells());
  std::mt19937 engine(7);
  std::normal_distribution<double> normal;
  // Smooth data: a random combination of the two lowest bands at every p_r.
  Eigen::MatrixXcd f0 = Eigen::MatrixXcd::Zero(bloch.band_count(), bloch.momentum_count());
  for (Eigen::Index r = 0; r < f0.cols(); ++r)
    for (Eigen::Index j = 0; j < 2; ++j) f0(j, r) = cplx(normal(engine), normal(engine));
  const auto phi0 = bloch.inverse(f0);
  const double t_end = 0.05;
  const auto exact = bloch.inverse(bloch.evolve(f0, t_end, epsilon));
  const auto v = bloch.potential_samples();
  std::vector<double> kinetic(static_cast<std::size_t>(cell.size()));
  for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
    for (Eigen::Index b = 0; b < cell.cell_size(); ++b)
      kinetic[static_cast<std::size_t>(cell.slot(r, b))] = cell.wavevector(r, b).squaredNorm() / 2;
  std::vector<double> errors, steps;
  for (int steps_count : {100, 200, 400}) {
    const double dt = t_end / steps_count;
    std::vector<cplx> u = phi0;
    for (int s = 0; s < steps_count; ++s) {
      for (std::size_t i = 0; i < u.size(); ++i) u[i] *= std::polar(1.0, -v[i] * dt / (2 * epsilon));
      bloch.fft().forward(u.data());
      for (std::size_t i = 0; i < u.size(); ++i) u[i] *= std::polar(1.0, -kinetic[i] * dt / epsilon);
      bloch.fft().inverse(u.data());
      for (std::size_t i = 0; i < u.size(); ++i) u[i] *= std::polar(1.0, -v[i] * dt / (2 * epsilon));
    }
    errors.push_back(relative_l2_error(u, exact));
    steps.push_back(dt);
  }
  const double order = wavekin::log_log_slope(steps, errors);
  if (verbose())
    fmt::print("Strang vs exact (2D triangular, ε = 1/4, t = 0.05): L² rel errors {:.2e} {:.2e} "
               "{:.2e}, order {:.3f}\n",
               errors[0], errors[1], errors[2], order);
  // Measured: order 2.000, errors 1.1e-4, 2.8e-5, 7.0e-6 at Δt = 5e-4, 2.5e-4, 1.25e-4; the bound
  // 1e-3 on the finest leaves room for other FFTW plans and compilers, far below O(1).
  REQUIRE_THAT(order, WithinAbs(2.0, 0.05));
  REQUIRE(errors.back() <= 1e-3);
}

template <int Dim>
void check_wigner_bloch(const wavekin::SupercellBloch<Dim>& bloch, double epsilon, unsigned seed) {
  const auto& cell = bloch.supercell();
  const auto phi = random_wave<std::vector<cplx>>(cell.size(), seed);
  std::vector<Eigen::Index> all(static_cast<std::size_t>(bloch.band_count()));
  for (std::size_t j = 0; j < all.size(); ++j) all[j] = static_cast<Eigen::Index>(j);
  const auto sigma = wavekin::wigner_bloch(bloch, std::span<const cplx>(phi), all);
  const auto f = bloch.forward(phi);
  const Eigen::Index nb = bloch.band_count();
  const Eigen::Index np = cell.momentum_count();
  const double w = cell.momentum_weight();
  double scale = 0;
  for (const auto& v : phi) scale = std::max(scale, std::norm(v));
  const double tolerance = 256 * static_cast<double>(cell.cell_size()) * eps;
  // ∫W dk = |φ|²: Σ_r w Σ_jl σ_jl(x_ν, p_r) Ψ_j(ν, p_r) conj Ψ_l(ν, p_r) = |φ(z_ν)|².
  std::vector<std::vector<cplx>> waves;  // Ψ_j(·, p_r), r slowest
  for (Eigen::Index r = 0; r < np; ++r)
    for (Eigen::Index j = 0; j < nb; ++j) waves.push_back(bloch.bloch_wave(r, j));
  double worst = 0;
  for (Eigen::Index nu = 0; nu < np; ++nu) {
    // The grid index of the cell origin ν: n·ν along each axis.
    typename wavekin::PeriodicGrid<Dim>::MultiIndex index;
    Eigen::Index rest = nu;
    for (int a = Dim - 1; a >= 0; --a) {
      index[static_cast<std::size_t>(a)] = (rest % cell.cells_per_axis()) * cell.points_per_cell();
      rest /= cell.cells_per_axis();
    }
    const auto i = static_cast<std::size_t>(cell.grid().flat_index(index));
    cplx sum = 0;
    for (Eigen::Index r = 0; r < np; ++r)
      for (Eigen::Index j = 0; j < nb; ++j)
        for (Eigen::Index l = 0; l < nb; ++l)
          sum += w * sigma(r, j, l, nu) * waves[static_cast<std::size_t>(r * nb + j)][i] *
                 std::conj(waves[static_cast<std::size_t>(r * nb + l)][i]);
    worst = std::max(worst, std::abs(sum - std::norm(phi[i])));
  }
  REQUIRE(worst <= tolerance * scale);
  // ∫σ_jl dx = (2πε)^d N_jl, the x-integral over the cell origins with weight ε^d|C|.
  double two_pi_eps_d = 1;
  for (int a = 0; a < Dim; ++a) two_pi_eps_d *= two_pi * epsilon;
  double eps_d = 1;
  for (int a = 0; a < Dim; ++a) eps_d *= epsilon;
  double worst_integral = 0, largest = 0;
  for (Eigen::Index r = 0; r < np; ++r) {
    const Eigen::MatrixXcd n = bloch.coherences(f, r);
    for (Eigen::Index j = 0; j < nb; ++j)
      for (Eigen::Index l = 0; l < nb; ++l) {
        cplx integral = 0;
        for (Eigen::Index nu = 0; nu < np; ++nu) integral += sigma(r, j, l, nu);
        integral *= eps_d * cell.lattice().cell_volume();
        worst_integral = std::max(worst_integral, std::abs(integral - two_pi_eps_d * n(j, l)));
        largest = std::max(largest, std::abs(two_pi_eps_d * n(j, l)));
      }
  }
  if (verbose())
    fmt::print("wigner_bloch {}D: |Σ w σΨΨ̄ − |φ|²| {:.2e} (rel), |∫σ dx − (2πε)^d N| {:.2e} (rel)\n",
               Dim, worst / scale, worst_integral / largest);
  REQUIRE(worst_integral <= tolerance * largest);
  // A list of quasi-momenta (reversed, one repeated) gives exactly those blocks of the full σ:
  // the same arithmetic in the same order, so equality is bitwise.
  std::vector<Eigen::Index> chosen{np - 1, 0, np / 2, 0};
  const auto subset = wavekin::wigner_bloch(bloch, std::span<const cplx>(phi), all, chosen);
  REQUIRE(subset.momentum_count == static_cast<Eigen::Index>(chosen.size()));
  REQUIRE(subset.position_count == np);
  for (std::size_t q = 0; q < chosen.size(); ++q)
    for (Eigen::Index j = 0; j < nb; ++j)
      for (Eigen::Index l = 0; l < nb; ++l)
        for (Eigen::Index nu = 0; nu < np; ++nu)
          REQUIRE(subset(static_cast<Eigen::Index>(q), j, l, nu) == sigma(chosen[q], j, l, nu));
}

TEST_CASE("wigner_bloch: σ = f̂ conj g reconstructs |φ|² and integrates to the Bloch coherences",
          "[bloch][supercell]") {
  SECTION("1D") {
    const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), 8, 8);
    check_wigner_bloch(wavekin::SupercellBloch<1>(cell, two_cosines(1.0, 0.7)), 1.0 / 8, 5);
  }
  SECTION("2D triangular") {
    const wavekin::Supercell<2> cell(triangular(), 4, 4);
    check_wigner_bloch(wavekin::SupercellBloch<2>(cell, wells()), 1.0 / 4, 6);
  }
}

TEST_CASE("SupercellBloch: bad input is rejected", "[bloch][supercell]") {
  const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), 4, 8);
  REQUIRE_THROWS_AS(wavekin::SupercellBloch<1>(cell, two_cosines(1, 0.5), 9),
                    wavekin::invalid_argument);
  REQUIRE_THROWS_AS(wavekin::SupercellBloch<1>(cell, two_cosines(1, 0.5), 0),
                    wavekin::invalid_argument);
  struct OneSided {
    std::complex<double> fourier_coefficient(const wavekin::Lattice<1>&,
                                             const wavekin::LatticeIndex<1>& n) const {
      return n[0] == 1 ? 1.0 : 0.0;
    }
  };
  REQUIRE_THROWS_AS(wavekin::SupercellBloch<1>(cell, OneSided{}), wavekin::invalid_argument);
  const wavekin::SupercellBloch<1> bloch(cell, two_cosines(1, 0.5), 3);
  REQUIRE_THROWS_AS(bloch.forward(std::vector<cplx>(5)), wavekin::invalid_argument);
  REQUIRE_THROWS_AS(bloch.inverse(Eigen::MatrixXcd::Zero(2, 4)), wavekin::invalid_argument);
  REQUIRE_THROWS_AS(bloch.evolve(Eigen::MatrixXcd::Zero(3, 4), 1.0, 0.0),
                    wavekin::invalid_argument);
  REQUIRE_THROWS_AS(bloch.bloch_wave(0, 3), wavekin::invalid_argument);
  REQUIRE_THROWS_AS(wavekin::wigner_bloch(bloch, std::span<const cplx>(std::vector<cplx>(32)),
                                          {3}),
                    wavekin::invalid_argument);
  REQUIRE_THROWS_AS(wavekin::wigner_bloch(bloch, std::span<const cplx>(std::vector<cplx>(32)),
                                          {0}, {4}),
                    wavekin::invalid_argument);
}

}  // namespace wavekin_test_supercell_bloch
