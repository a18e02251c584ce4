// Tests of the graphene valley model P1 (5.3)–(5.4) (GrapheneValleys): valley decoupling for a
// long correlation, the inter-valley rate, trace conservation, K ↔ K' symmetry, input checks.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/crossing.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/coherence/graphene_valleys.hpp"
#include "wavekin/coherence/from_bloch.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_graphene_valleys {

namespace {

using cplx = std::complex<double>;
using Valleys = wavekin::GrapheneValleys<wavekin::GaussianCorrelation<2>>;
constexpr double pi = std::numbers::pi;

// Honeycomb wells on the unit triangular lattice; bands 0 and 1 meet at K (symmetry-protected
// for any cutoff, since the cutoff ball at K is C₃-symmetric). A small cutoff keeps it fast.
struct Graphene {
  wavekin::Lattice<2> lattice = wavekin::Lattice<2>::triangular(1.0);
  wavekin::BlochSolver<2, wavekin::HoneycombWells<>> solver{
      lattice, wavekin::HoneycombWells<>(20.0, 0.15), {.energy_cutoff = 150}};
  Eigen::Vector2d k = wavekin::dirac_points(lattice)[0];
  wavekin::BlochState<2, double> state_k = solver.solve(k, 3);
  wavekin::PeriodicGrid<2> grid = wavekin::PeriodicGrid<2>::cube(8, 2 * pi);
};

// Smooth, x-dependent, non-Hermitian data of size `weight` in valley v (phase `shift` tells the
// valleys apart).
void fill(Valleys::Field& field, int v, double shift, double weight = 1.0) {
  const auto& grid = field.grid();
  for (std::ptrdiff_t x = 0; x < grid.size(); ++x) {
    const auto p = grid.point(x);
    const cplx a(1 + 0.5 * std::cos(p[0] + shift), 0.3 * std::sin(p[1]));
    const cplx b(0.4 * std::sin(p[0] - p[1] + shift), 0.7 + 0.2 * std::cos(p[1]));
    field(v, 0, 0, x) = weight * (a * std::conj(a));
    field(v, 0, 1, x) = weight * (a * std::conj(b) + cplx(0, 0.1));
    field(v, 1, 0, x) = weight * (b * std::conj(a));
    field(v, 1, 1, x) = weight * (b * std::conj(b));
  }
}

cplx total_trace(const Valleys::Field& f) {
  return f.trace_integral(0) + f.trace_integral(1);
}

}  // namespace

TEST_CASE(
    "GrapheneValleys: long correlation decouples the valleys, short couples them at the "
    "rate of the inter-valley terms",
    "[coherence][graphene]") {
  const Graphene g;
  SECTION("ell = 10: R̂(2K + mu) <= R̂(|K|) ~ e^{-877}, no inter-valley term") {
    Valleys model(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), wavekin::GaussianCorrelation<2>(10.0));
    CHECK(model.mu_counts()[0] >= 1);
    CHECK(model.mu_counts()[1] == 0);
    const auto& l = model.collision_matrix();
    // The blocks are never written: exactly zero.
    CHECK(l.block(0, 4, 4, 4).cwiseAbs().maxCoeff() == 0.0);
    CHECK(l.block(4, 0, 4, 4).cwiseAbs().maxCoeff() == 0.0);
    // The only kept intra-valley term is μ = 0, where A(K, K) = I and gain − loss = σ_jl − σ_jl
    // = 0: the whole L vanishes up to the rounding of A(K, K) − I (~1e-16) times κR̂(0) = 100.
    CHECK(l.cwiseAbs().maxCoeff() <= 1e-12);
    auto field = model.make_field();
    fill(field, 0, 0.0);
    const cplx p0 = field.trace_integral(0);
    wavekin::integrate_n_steps(model, field, 0.0, 0.01, 20);
    CHECK(std::abs(field.trace_integral(1)) == 0.0);
    // Round-off only: 20 steps of an 8 × 8 exponential of norm ~ 1e2 and 2-D FFTs.
    CHECK(std::abs(field.trace_integral(0) - p0) <= 1e-11 * std::abs(p0));
  }
  SECTION("ell = 0.3: population moves from K to K' at the rate of the inter-valley terms") {
    const wavekin::GaussianCorrelation<2> r(0.3);
    Valleys model(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), r);
    CHECK(model.mu_counts()[1] >= 1);
    // Hand rate: d/dt ∫tr σ^{K'} = κ Σ_μ R̂(K' − K + μ) Σ_{m,m'} (AᴴA)_{mm'} S^K_{mm'},
    // A = A(K', K − μ) from an independent solve at K' (AᴴA does not depend on K''s gauge),
    // S^K = ∫σ^K dx of the initial data.
    auto field = model.make_field();
    fill(field, 0, 0.0);
    Eigen::Matrix2cd s;
    for (int m = 0; m < 2; ++m)
      for (int mp = 0; mp < 2; ++mp) s(m, mp) = field.x_integral(0, m, mp);
    const auto state_kp = g.solver.solve(Eigen::Vector2d(-g.k), 3);
    cplx rate = 0;
    for (std::int64_t n0 = -6; n0 <= 6; ++n0)
      for (std::int64_t n1 = -6; n1 <= 6; ++n1) {
        const wavekin::LatticeIndex<2> mu(n0, n1);
        const Eigen::Vector2d arg = -2 * g.k + g.lattice.reciprocal(mu);
        const Eigen::MatrixXcd a =
            wavekin::overlap_A(state_kp, wavekin::relabel(g.state_k, wavekin::LatticeIndex<2>(-mu)))
                .topLeftCorner(2, 2);
        rate += wavekin::rte_kappa(2) * r.spectral_density(arg) *
                (a.adjoint() * a).cwiseProduct(s).sum();
      }
    // Exact integrated dynamics S(t) = e^{tL} S(0) (transport freezes ξ = 0): Richardson on
    // P(h)/h = rate + c h + O(h²) leaves O(h²‖L‖²) ≈ 1e-6 relative with h = 1e-3, ‖L‖ ~ 1.
    const double h = 1e-3;
    auto run = [&](double dt) {
      auto f = model.make_field();
      fill(f, 0, 0.0);
      model.step(f, 0.0, dt);
      return f.trace_integral(1) / dt;
    };
    const cplx measured = 2.0 * run(h / 2) - run(h);
    INFO("hand rate " << rate << ", measured " << measured);
    CHECK(std::abs(rate) > 1e-3);
    CHECK(std::abs(measured - rate) <= 1e-5 * std::abs(rate));
  }
}

TEST_CASE("GrapheneValleys: total trace is conserved", "[coherence][graphene]") {
  const Graphene g;
  Valleys model(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), wavekin::GaussianCorrelation<2>(0.3));
  const auto& l = model.collision_matrix();
  // Σ_{v,j} L[(v,j,j), s] = 0 for every s: the algebraic identity behind (b).
  Eigen::RowVectorXcd sum = Eigen::RowVectorXcd::Zero(8);
  for (int v = 0; v < 2; ++v)
    for (int j = 0; j < 2; ++j) sum += l.row(v * 4 + j * 3);
  CHECK(sum.cwiseAbs().maxCoeff() <= 1e-13 * l.cwiseAbs().maxCoeff());
  auto field = model.make_field();
  fill(field, 0, 0.0);
  fill(field, 1, 1.3, 0.3);
  const cplx before = total_trace(field);
  const cplx k_before = field.trace_integral(0);
  wavekin::integrate_n_steps(model, field, 0.0, 0.05, 40);
  INFO("K population " << k_before << " -> " << field.trace_integral(0) << ", total " << before
                       << " -> " << total_trace(field));
  // Not vacuous: the valleys exchange a sizeable part of their population.
  CHECK(std::abs(field.trace_integral(0) - k_before) > 0.01 * std::abs(k_before));
  // Round-off: 40 steps, each an exact 8 × 8 exponential plus FFTs of 64 points.
  CHECK(std::abs(total_trace(field) - before) <= 1e-12 * std::abs(before));
}

TEST_CASE("GrapheneValleys: swapping the valleys gives the mirrored evolution",
          "[coherence][graphene]") {
  const Graphene g;
  Valleys model(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), wavekin::GaussianCorrelation<2>(0.3));
  // Gauge of K' is the time reversal of K: D(K') = −conj D(K).
  for (int i = 0; i < 2; ++i)
    CHECK((model.D(1, i) + model.D(0, i).conjugate()).cwiseAbs().maxCoeff() <= 1e-14);
  auto a = model.make_field();
  fill(a, 0, 0.0);
  fill(a, 1, 0.8, 0.3);
  // b(0) = (conj σ^{K'}(−x), conj σ^K(−x)).
  const auto n = g.grid.count(0);
  auto mirror = [n](std::ptrdiff_t x) { return ((n - x / n) % n) * n + (n - x % n) % n; };
  auto b = model.make_field();
  auto mirrored_into = [&](const Valleys::Field& from, Valleys::Field& to) {
    for (int v = 0; v < 2; ++v)
      for (int j = 0; j < 2; ++j)
        for (int l = 0; l < 2; ++l)
          for (std::ptrdiff_t x = 0; x < g.grid.size(); ++x)
            to(1 - v, j, l, x) = std::conj(from(v, j, l, mirror(x)));
  };
  mirrored_into(a, b);
  const cplx kp_before = a.trace_integral(1);
  wavekin::integrate_n_steps(model, a, 0.0, 0.05, 20);
  wavekin::integrate_n_steps(model, b, 0.0, 0.05, 20);
  auto expected = model.make_field();
  mirrored_into(a, expected);
  double diff = 0, scale = 0;
  for (std::size_t k = 0; k < b.values().size(); ++k) {
    diff = std::max(diff, std::abs(b.values()[k] - expected.values()[k]));
    scale = std::max(scale, std::abs(expected.values()[k]));
  }
  // Exact symmetry of the discrete scheme up to FFT round-off.
  INFO("max |b - mirrored a| = " << diff << ", max |a| = " << scale);
  CHECK(diff <= 1e-12 * scale);
  // And the valleys did exchange population (the test is not vacuous).
  INFO("K' population " << kp_before << " -> " << a.trace_integral(1));
  CHECK(std::abs(a.trace_integral(1) - kp_before) > 0.01 * std::abs(kp_before));
}

TEST_CASE("GrapheneValleys: bad input throws", "[coherence][graphene]") {
  const Graphene g;
  const wavekin::GaussianCorrelation<2> r(0.3);
  using wavekin::invalid_argument;
  CHECK_THROWS_AS(Valleys(g.grid, wavekin::valley_bands_from_state(g.state_k, 2), r), invalid_argument);   // needs bands 2, 3
  CHECK_THROWS_AS(Valleys(g.grid, wavekin::valley_bands_from_state(g.state_k, -1), r), invalid_argument);  // negative band
  CHECK_THROWS_AS(Valleys(g.grid, wavekin::valley_bands_from_state(g.state_k, 1), r), invalid_argument);   // bands 1, 2 do not meet
  const auto gamma = g.solver.solve(Eigen::Vector2d(0, 0), 3);
  CHECK_THROWS_AS(Valleys(g.grid, wavekin::valley_bands_from_state(gamma, 0), r), invalid_argument);  // K = 0
  CHECK_THROWS_AS(Valleys(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), r, {.kappa = -1}), invalid_argument);
  CHECK_THROWS_AS(Valleys(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), r, {.mu_tolerance = 2}), invalid_argument);
  CHECK_THROWS_AS(
      Valleys(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), wavekin::GaussianCorrelation<2>(1e-4), {.max_mu_count = 10}),
      invalid_argument);  // far too many μ
  Valleys model(g.grid, wavekin::valley_bands_from_state(g.state_k, 0), r);
  auto field = model.make_field();
  CHECK_THROWS_AS(model.step(field, 0.0, 0.0), invalid_argument);
  CHECK_THROWS_AS(model.step(field, 0.0, std::nan("")), invalid_argument);
  CHECK_THROWS_AS(model.step(field, std::nan(""), 0.1), invalid_argument);
  CHECK_THROWS_AS(wavekin::integrate_n_steps(model, field, 0.0, 0.1, -1), invalid_argument);
  wavekin::CoherenceField<2, 2> wrong(g.grid, wavekin::MomentumQuadrature<2>{{g.k}, {1.0}}, 2);
  CHECK_THROWS_AS(model.step(wrong, 0.0, 0.1), invalid_argument);
  CHECK_THROWS_AS(model.point(2), invalid_argument);
}

}  // namespace wavekin_test_graphene_valleys
