// Tests for wavekin/coherence/coherence_liouville.hpp: invariants of the exact integrator, exact
// transport with the column index's velocity, agreement with a method-of-lines RK4 reference and
// with the interaction-picture RK4 policy (fourth order), the far-from-crossing limit (3.23), the
// continuity equation of the current, and bad input. SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "wavekin/core/integrate.hpp"
#include "wavekin/core/spectral_derivative.hpp"
#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherence_liouville.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_coherence_liouville {

using namespace wavekin::test::matchers;
using namespace wavekin::test::common;
using wavekin::invalid_argument;

namespace {

// A two-band model with an avoided crossing and p-dependent, non-diagonal, complex D:
// H(p) = (p²/2) I + p σ_z + δ σ_y, E = p²/2 ∓ √(p² + δ²), ∂H/∂p = p I + σ_z. A complex
// (non-symmetric) D is needed to tell σ D from σ Dᵀ, i.e. rows from columns.
wavekin::BandData<1> avoided_crossing(const std::vector<Vec1>& points, double delta) {
  return wavekin::band_data_from_model<1, double>(
      points,
      [delta](const Vec1& p) {
        Eigen::MatrixXcd h(2, 2);
        h << p[0] * p[0] / 2 + p[0], cplx(0, -delta), cplx(0, delta), p[0] * p[0] / 2 - p[0];
        return h;
      },
      [](const Vec1& p, int) {
        Eigen::MatrixXcd dh(2, 2);
        dh << p[0] + 1, 0, 0, p[0] - 1;
        return dh;
      });
}

// A generic, non-Hermitian σ: every entry a different smooth periodic profile and phase.
template <int Dim>
void fill_generic(wavekin::CoherenceField<Dim>& field) {
  const auto& grid = field.grid();
  for (Eigen::Index q = 0; q < field.momentum_count(); ++q)
    for (Eigen::Index j = 0; j < field.band_count(); ++j)
      for (Eigen::Index l = 0; l < field.band_count(); ++l) {
        const double shift = 0.7 * static_cast<double>(q) + 1.3 * static_cast<double>(j) +
                             2.1 * static_cast<double>(l);
        const cplx amp = std::polar(1.0 / (1.0 + static_cast<double>(j + l)), shift);
        for (std::ptrdiff_t k = 0; k < grid.size(); ++k) {
          const auto x = grid.point(k);
          double phase = 0;
          for (int a = 0; a < Dim; ++a) phase += std::cos(x[a] - shift * (a + 1));
          field(q, j, l, k) = amp * std::exp(cplx(phase - Dim, 0.5 * std::sin(x[0] + shift)));
        }
      }
}

// The avoided-crossing model (δ = 0.5) at three weighted points, on N points of [0, 2π), with
// a generic σ.
struct ThreePointSetup {
  wavekin::MomentumQuadrature<1> quad{{Vec1(-0.4), Vec1(0.1), Vec1(0.7)}, {0.3, 0.4, 0.3}};
  wavekin::BandData<1> bands = avoided_crossing(quad.points, 0.5);
  wavekin::PeriodicGrid<1> grid;
  wavekin::CoherenceField<1> field;
  explicit ThreePointSetup(std::ptrdiff_t n)
      : grid(wavekin::PeriodicGrid<1>::cube(n, 2 * pi)), field(grid, quad, 2) {
    fill_generic(field);
  }
};

double max_abs_difference(const wavekin::CoherenceField<1>& a,
                          const wavekin::CoherenceField<1>& b) {
  double err = 0;
  for (std::size_t i = 0; i < a.values().size(); ++i)
    err = std::max(err, std::abs(a.values()[i] - b.values()[i]));
  return err;
}

// Method-of-lines reference: the right-hand side of (3.16) in x-space,
// dσ_jl/dt = −Σ_n (∂_x σ_jn) D_nl + (i/ε)(E_l − E_j) σ_jl, ∂_x by SpectralDerivative.
std::vector<cplx> mol_rhs(const std::vector<cplx>& s, const wavekin::BandData<1>& bands, double eps,
                          wavekin::SpectralDerivative<1>& deriv) {
  const std::ptrdiff_t nx = deriv.size();
  const Eigen::Index n = bands.band_count();
  std::vector<cplx> ds(s.size()), out(s.size(), cplx(0));
  for (std::size_t b = 0; b < s.size() / static_cast<std::size_t>(nx); ++b)
    deriv.derivative(s.data() + b * static_cast<std::size_t>(nx),
                     ds.data() + b * static_cast<std::size_t>(nx), 0);
  for (Eigen::Index q = 0; q < bands.size(); ++q) {
    const auto& d = bands.D(q, 0);
    const auto& e = bands.energies(q);
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index l = 0; l < n; ++l) {
        const auto at = [&](Eigen::Index jj, Eigen::Index ll) {
          return static_cast<std::size_t>(((q * n + jj) * n + ll) * nx);
        };
        for (std::ptrdiff_t k = 0; k < nx; ++k) {
          cplx v = cplx(0, (e[l] - e[j]) / eps) * s[at(j, l) + static_cast<std::size_t>(k)];
          for (Eigen::Index m = 0; m < n; ++m)
            v -= ds[at(j, m) + static_cast<std::size_t>(k)] * d(m, l);
          out[at(j, l) + static_cast<std::size_t>(k)] = v;
        }
      }
  }
  return out;
}

std::vector<cplx> mol_rk4(std::vector<cplx> s, const wavekin::BandData<1>& bands, double eps,
                          wavekin::SpectralDerivative<1>& deriv, double dt, int steps) {
  const auto axpy = [](const std::vector<cplx>& y, double h, const std::vector<cplx>& f) {
    std::vector<cplx> out(y);
    for (std::size_t i = 0; i < y.size(); ++i) out[i] += h * f[i];
    return out;
  };
  for (int step = 0; step < steps; ++step) {
    const auto f1 = mol_rhs(s, bands, eps, deriv);
    const auto f2 = mol_rhs(axpy(s, dt / 2, f1), bands, eps, deriv);
    const auto f3 = mol_rhs(axpy(s, dt / 2, f2), bands, eps, deriv);
    const auto f4 = mol_rhs(axpy(s, dt, f3), bands, eps, deriv);
    for (std::size_t i = 0; i < s.size(); ++i)
      s[i] += dt / 6 * (f1[i] + 2.0 * f2[i] + 2.0 * f3[i] + f4[i]);
  }
  return s;
}

double max_abs_difference(const std::vector<cplx>& a, std::span<const cplx> b) {
  double err = 0;
  for (std::size_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(a[i] - b[i]));
  return err;
}

// errors of RK4 runs with 50, 100, 200 and 800 steps against the exact integrator.
void check_fourth_order(const std::vector<double>& errors, const char* what, double finest) {
  const double order_1 = std::log2(errors[0] / errors[1]);
  const double order_2 = std::log2(errors[1] / errors[2]);
  INFO(fmt::format("{} errors {:.3e} {:.3e} {:.3e} {:.3e}; orders {:.3f} {:.3f}", what, errors[0],
                   errors[1], errors[2], errors[3], order_1, order_2));
  // Classic RK4: order 4 once Δt·max|λ(H)| ≲ 0.2 (50 steps; ΔE/2ε ≤ 8.6, ξ|D| ≤ 12) is in the
  // asymptotic range; the band ±0.15 allows the next term of the error expansion (measured 4.000
  // and 3.997–3.998).
  CHECK(order_1 > 3.85);
  CHECK(order_1 < 4.15);
  CHECK(order_2 > 3.85);
  CHECK(order_2 < 4.15);
  CHECK(errors[3] < finest);
}

}  // namespace

TEST_CASE("exact integrator conserves traces, populations and row norms (2-D Dirac model)",
          "[coherence]") {
  const std::vector<Vec2> points{Vec2(0.3, -0.2), Vec2(1.0, 0.5), Vec2(0.01, 0.0)};
  const auto bands = wavekin::dirac_band_data(points, 1.0);
  const auto grid = wavekin::PeriodicGrid<2>::cube(16, 2 * pi);
  wavekin::CoherenceField<2> field(grid, {points, {1.0, 1.0, 1.0}}, 2);
  fill_generic(field);
  const auto start = field;
  const double eps = 0.05, dt = 0.1;
  const int steps = 100;
  wavekin::CoherenceLiouville<2> solver(grid, bands, eps);
  CHECK(wavekin::integrate_n_steps(solver, field, 0.0, dt, steps) ==
        Approx(steps * dt).epsilon(1e-14));
  double worst_trace = 0, worst_pop = 0, worst_norm = 0, worst_phase = 0;
  for (Eigen::Index q = 0; q < 3; ++q) {
    const auto scale = std::abs(start.trace_integral(q)) + 1;
    worst_trace =
        std::max(worst_trace, std::abs(field.trace_integral(q) - start.trace_integral(q)) / scale);
    const auto& e = bands.energies(q);
    for (Eigen::Index j = 0; j < 2; ++j) {
      worst_pop = std::max(worst_pop,
                           std::abs(field.x_integral(q, j, j) - start.x_integral(q, j, j)) / scale);
      worst_norm = std::max(worst_norm, std::abs(field.row_norm(q, j) / start.row_norm(q, j) - 1));
      // ξ = 0 of an off-diagonal entry only turns, by e^{iT(E_l − E_j)/ε} (T ΔE/ε up to 45 rad).
      const Eigen::Index l = 1 - j;
      const cplx turned =
          start.x_integral(q, j, l) * std::exp(cplx(0, steps * dt * (e[l] - e[j]) / eps));
      worst_phase = std::max(worst_phase, std::abs(field.x_integral(q, j, l) - turned) / scale);
    }
  }
  // 100 steps, each two FFTs of 256 points and a unitary 2×2 product per mode: round-off grows
  // like √steps·ε_machine·log N ≈ 1e-14; 1e-12 leaves a factor 100.
  CHECK(worst_trace < 1e-12);
  CHECK(worst_pop < 1e-12);
  CHECK(worst_norm < 1e-12);
  CHECK(worst_phase < 1e-12);
  // The dynamics are not trivial: the profiles moved by O(1).
  double moved = 0;
  for (std::size_t i = 0; i < field.values().size(); ++i)
    moved = std::max(moved, std::abs(field.values()[i] - start.values()[i]));
  CHECK(moved > 0.1);
}

TEST_CASE("diagonal D: each entry moves with the velocity of its COLUMN index", "[coherence]") {
  // D = diag(v_0, v_1) at one p: σ_jl(t, x) = σ_jl(0, x − v_l t) e^{(i/ε)(E_l − E_j)t} exactly.
  // This fixes the sign of the ξ term and the right multiplication of (3.16).
  const double v0 = -0.35, v1 = 1.2, e0 = -0.5, e1 = 0.8, eps = 0.07;
  wavekin::BandData<1> bands(2);
  Eigen::MatrixXcd d = Eigen::MatrixXcd::Zero(2, 2);
  d(0, 0) = v0;
  d(1, 1) = v1;
  bands.add(Vec1(0.3), Eigen::Vector2d(e0, e1), {d});
  const auto grid = wavekin::PeriodicGrid<1>::cube(64, 2 * pi);
  wavekin::CoherenceField<1> field(grid, {{Vec1(0.3)}, {1.0}}, 2);
  const auto profile = [](Eigen::Index j, Eigen::Index l, double x) {
    return std::exp(cplx(std::cos(x - static_cast<double>(j + 2 * l)), static_cast<double>(j)));
  };
  for (Eigen::Index j = 0; j < 2; ++j)
    for (Eigen::Index l = 0; l < 2; ++l)
      for (std::ptrdiff_t k = 0; k < 64; ++k)
        field(0, j, l, k) = profile(j, l, grid.coordinate(0, k));
  wavekin::CoherenceLiouville<1> solver(grid, bands, eps);
  const double t = 1.3;  // shifts v t = −0.455, 1.56: not multiples of h
  solver.step(field, 0.0, t);
  const double v[2] = {v0, v1}, e[2] = {e0, e1};
  double err = 0;
  for (Eigen::Index j = 0; j < 2; ++j)
    for (Eigen::Index l = 0; l < 2; ++l)
      for (std::ptrdiff_t k = 0; k < 64; ++k) {
        const double x = grid.coordinate(0, k);
        const cplx exact = profile(j, l, x - v[l] * t) * std::exp(cplx(0, (e[l] - e[j]) * t / eps));
        err = std::max(err, std::abs(field(0, j, l, k) - exact));
      }
  // Fourier coefficients of e^{cos x} are I_k(1) < 1e-40 beyond k = 32: round-off only.
  CHECK(err < 1e-13);
}

TEST_CASE("exact integrator matches a method-of-lines RK4 reference, which converges at order 4",
          "[coherence]") {
  ThreePointSetup setup(16);
  const auto& [quad, bands, grid, field0] = setup;
  auto field = field0;
  const std::vector<cplx> start(field.values().begin(), field.values().end());
  const double eps = 0.1, T = 0.5;
  wavekin::CoherenceLiouville<1> solver(grid, bands, eps);
  // Exact in t: one step of T equals 64 steps of T/64 to round-off.
  auto many = field;
  solver.step(field, 0.0, T);
  wavekin::integrate_n_steps(solver, many, 0.0, T / 64, 64);
  CHECK(max_abs_difference(field, many) < 1e-13);
  // Without the propagator cache the same arithmetic runs, so the result is identical.
  wavekin::CoherenceLiouville<1> uncached(grid, bands, eps, {.cache_limit_bytes = 0});
  auto again = field0;
  wavekin::integrate_n_steps(uncached, again, 0.0, T / 64, 64);
  CHECK(max_abs_difference(again, many) == 0.0);

  wavekin::SpectralDerivative<1> deriv(grid);
  std::vector<double> errors;
  for (const int steps : {50, 100, 200, 800}) {
    const auto reference = mol_rk4(start, bands, eps, deriv, T / steps, steps);
    errors.push_back(max_abs_difference(reference, field.values()));
  }
  // 800 steps: C Δt⁴ with the measured C gives 4.7e-10; both solve the same semi-discrete system.
  check_fourth_order(errors, "method-of-lines RK4", 1e-9);
}

TEST_CASE("interaction-picture RK4 policy agrees with the exact integrator at order 4",
          "[coherence]") {
  ThreePointSetup setup(16);
  const auto& [quad, bands, grid, field0] = setup;
  auto exact = field0;
  const auto start = exact;
  const double eps = 0.1, T = 0.5;
  wavekin::CoherenceLiouville<1> solver(grid, bands, eps);
  solver.step(exact, 0.25, T);  // a non-zero start time exercises the picture phases at t
  wavekin::CoherenceLiouville<1, wavekin::InteractionPictureRk4> rk4(grid, bands, eps);
  std::vector<double> errors;
  for (const int steps : {50, 100, 200, 800}) {
    auto field = start;
    CHECK(wavekin::integrate_n_steps(rk4, field, 0.25, T / steps, steps) ==
          Approx(0.25 + T).epsilon(1e-13));
    errors.push_back(max_abs_difference(field, exact));
  }
  // 800 steps: measured 4.2e-13 (the interaction picture removes the fast phases of the
  // diagonal, so its error constant is smaller); 1e-11 leaves a margin.
  check_fourth_order(errors, "interaction-picture RK4", 1e-11);
}

TEST_CASE("far from crossings: coherences stay O(eps) and the diagonal follows (3.23)",
          "[coherence]") {
  // Gap 2√(p² + 1) >= 2 everywhere (δ = 1): every p is far from a crossing, ε^{1/r} ≪ 1.
  const std::vector<Vec1> points{Vec1(0.6)};
  const auto bands = avoided_crossing(points, 1.0);
  const auto grid = wavekin::PeriodicGrid<1>::cube(64, 2 * pi);
  const double v[2] = {bands.D(0, 0)(0, 0).real(), bands.D(0, 0)(1, 1).real()};
  const auto profile = [](Eigen::Index j, double x) {
    return std::exp(2 * (std::cos(x - static_cast<double>(j)) - 1));
  };
  const double T = 1.0;
  const auto run = [&](double eps, double& off_diagonal, double& diagonal_error) {
    wavekin::CoherenceField<1> field(grid, {points, {1.0}}, 2);
    for (Eigen::Index j = 0; j < 2; ++j)
      for (std::ptrdiff_t k = 0; k < 64; ++k) field(0, j, j, k) = profile(j, grid.coordinate(0, k));
    wavekin::CoherenceLiouville<1> solver(grid, bands, eps);
    const int steps = static_cast<int>(std::lround(T / (eps / 10)));  // 10 samples per ε
    off_diagonal = 0;
    for (int s = 0; s < steps; ++s) {
      solver.step(field, s * T / steps, T / steps);
      for (std::ptrdiff_t k = 0; k < 64; ++k)
        off_diagonal =
            std::max({off_diagonal, std::abs(field(0, 0, 1, k)), std::abs(field(0, 1, 0, k))});
    }
    diagonal_error = 0;
    for (Eigen::Index j = 0; j < 2; ++j)
      for (std::ptrdiff_t k = 0; k < 64; ++k)
        diagonal_error =
            std::max(diagonal_error,
                     std::abs(field(0, j, j, k) - profile(j, grid.coordinate(0, k) - v[j] * T)));
  };
  double off_1 = 0, diag_1 = 0, off_2 = 0, diag_2 = 0;
  run(0.01, off_1, diag_1);
  run(0.005, off_2, diag_2);
  INFO(
      fmt::format("max|σ_01|: {:.4e} (ε = 0.01), {:.4e} (ε = 0.005), ratio {:.4f}; diagonal "
                  "error {:.4e}, {:.4e}, ratio {:.4f}; v = {:.4f}, {:.4f}",
                  off_1, off_2, off_1 / off_2, diag_1, diag_2, diag_1 / diag_2, v[0], v[1]));
  // Leading order: σ_01 solves ∂_tσ_01 − (i/ε)ΔE σ_01 ≈ −(∂_xσ_00) D_01, so
  // max|σ_01| ≈ 2ε|D_01| max|∂_xσ_00| / ΔE (and likewise σ_10 with σ_11, the same shape):
  // max|∂_x e^{2(cos x − 1)}| = 2 sin x* e^{2(cos x* − 1)}, cos x* = (√17 − 1)/4.
  const double c_star = (std::sqrt(17.0) - 1) / 4;
  const double slope = 2 * std::sqrt(1 - c_star * c_star) * std::exp(2 * (c_star - 1));
  const double gap = bands.energies(0)[1] - bands.energies(0)[0];
  const double predicted = 2 * 0.01 * std::abs(bands.D(0, 0)(0, 1)) * slope / gap;
  // First order in ε: halving ε halves both; the ratios deviate from 2 by the O(ε) relative
  // correction (measured 1.9994 and 2.0006), so ±0.05 is a generous band.
  CHECK(off_1 / off_2 > 1.95);
  CHECK(off_1 / off_2 < 2.05);
  // The next order is O(ε) relative (measured 0.1 % off the prediction): 2 %.
  CHECK(std::abs(off_1 / predicted - 1) < 0.02);
  // The diagonal is the exactly shifted profile of (3.23) up to O(ε) (measured 6.3e-3 at 0.01).
  CHECK(diag_1 / diag_2 > 1.95);
  CHECK(diag_1 / diag_2 < 2.05);
  CHECK(diag_1 < 0.02);
}

TEST_CASE("the current closes the continuity equation of the density", "[coherence]") {
  ThreePointSetup setup(32);
  const auto& [quad, bands, grid, field0] = setup;
  auto field = field0;
  const double eps = 0.1, h = 1e-4;
  wavekin::CoherenceLiouville<1> solver(grid, bands, eps);
  solver.step(field, 0.0, 0.3);
  auto plus = field;
  solver.step(plus, 0.3, h);
  // ρ(t − h): step a copy of the start by 0.3 − h.
  auto back = field0;
  solver.step(back, 0.0, 0.3 - h);
  const auto rho_plus = plus.density(), rho_minus = back.density();
  auto j = field.current(bands)[0];
  wavekin::SpectralDerivative<1> deriv(grid);
  std::vector<cplx> div(j.size());
  deriv.derivative(j.data(), div.data(), 0);
  double residual = 0, scale = 0;
  for (std::size_t k = 0; k < j.size(); ++k) {
    const cplx drho = (rho_plus[k] - rho_minus[k]) / (2 * h);
    residual = std::max(residual, std::abs(drho + div[k]));
    scale = std::max(scale, std::abs(div[k]));
  }
  // A wrong current, Σ_q w_q Σ_{j,n} σ_jn D_jn (D not transposed), must miss.
  std::vector<cplx> wrong(j.size(), cplx(0)), wrong_div(j.size());
  for (Eigen::Index q = 0; q < 3; ++q)
    for (Eigen::Index a = 0; a < 2; ++a)
      for (Eigen::Index b = 0; b < 2; ++b)
        for (std::size_t k = 0; k < j.size(); ++k)
          wrong[k] += field.weight(q) * field(q, a, b, static_cast<std::ptrdiff_t>(k)) *
                      bands.D(q, 0)(a, b);
  deriv.derivative(wrong.data(), wrong_div.data(), 0);
  double wrong_residual = 0;
  for (std::size_t k = 0; k < j.size(); ++k)
    wrong_residual =
        std::max(wrong_residual, std::abs((rho_plus[k] - rho_minus[k]) / (2 * h) + wrong_div[k]));
  INFO(fmt::format("max|∂_tρ + ∂_xJ| = {:.3e}, max|∂_xJ| = {:.3e}, wrong current {:.3e}", residual,
                   scale, wrong_residual));
  CHECK(wrong_residual > 1e-2 * scale);
  // Central difference: h²|∂_t³ρ|/6 with |∂_t³ρ| ≲ (ΔE/ε)³ max|ρ| ~ 1e3–1e4: ≲ 1e-4·scale at
  // worst; round-off 1e-16/h. A wrong current (e.g. σ_jn D_jn, no transpose) misses by O(scale).
  CHECK(scale > 0.1);
  CHECK(residual < 1e-5 * scale);
}

TEST_CASE("coherence Liouville rejects bad input", "[coherence]") {
  const ThreePointSetup setup(16);
  const auto& [quad, bands, grid, field0] = setup;
  CHECK_THROWS_AS(wavekin::CoherenceLiouville<1>(grid, bands, 0.0), invalid_argument);
  CHECK_THROWS_WITH(wavekin::CoherenceLiouville<1>(grid, bands, -0.1), Contains("epsilon = -0.1"));
  CHECK_THROWS_WITH(wavekin::CoherenceLiouville<1>(grid, bands, std::nan("")),
                    Contains("epsilon = nan"));
  wavekin::CoherenceLiouville<1> solver(grid, bands, 0.1);
  wavekin::CoherenceField<1> field(grid, quad, 2);
  CHECK_THROWS_WITH(solver.step(field, 0.0, 0.0), Contains("dt = 0"));
  CHECK_THROWS_WITH(solver.step(field, 0.0, -1.0), Contains("dt = -1"));
  CHECK_THROWS_WITH(solver.step(field, 0.0, std::nan("")), Contains("dt = nan"));
  CHECK_THROWS_WITH(solver.step(field, std::nan(""), 0.1), Contains("t = nan"));
  CHECK_THROWS_WITH(wavekin::integrate_n_steps(solver, field, 0.0, 0.1, -1),
                    Contains("step count -1"));
  wavekin::CoherenceField<1> other_grid(wavekin::PeriodicGrid<1>::cube(32, 2 * pi), quad, 2);
  CHECK_THROWS_WITH(solver.step(other_grid, 0.0, 0.1), Contains("32 points"));
  wavekin::CoherenceField<1> three_bands(grid, quad, 3);
  CHECK_THROWS_WITH(solver.step(three_bands, 0.0, 0.1), Contains("n = 2 bands, the field 3"));
  wavekin::CoherenceField<1> moved(grid, {{Vec1(-0.4), Vec1(0.1), Vec1(0.75)}, {1, 1, 1}}, 2);
  CHECK_THROWS_WITH(solver.step(moved, 0.0, 0.1), Contains("momentum point 2"));
  field(1, 0, 1, 3) = cplx(std::nan(""), 0);
  const auto before = field;
  CHECK_THROWS_WITH(solver.step(field, 0.0, 0.1), Contains("not finite"));
  // A rejected step leaves the field alone: every value as it was (the NaN included).
  CHECK(std::equal(field.values().begin(), field.values().end(), before.values().begin(),
                   [](cplx a, cplx b) { return a == b || (std::isnan(a.real()) && std::isnan(b.real())); }));
}

}  // namespace wavekin_test_coherence_liouville
