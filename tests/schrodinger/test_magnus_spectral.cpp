// Tests for wavekin/schrodinger/magnus_spectral.hpp: one step against the dense matrix exponentials
// of the discretised operator (static and time-dependent coefficients, 1D and 2D), the free
// Gaussian packet, fourth order in Δt on a non-separable time-dependent mass and potential against
// Yoshida-composed Crank–Nicolson, norm conservation over 10⁴ steps, stability and accuracy at 100×
// P2's Δt on P2 §4.1.2 ex. 1, agreement with P2's Crank–Nicolson there, float, and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <numeric>
#include <numbers>
#include <vector>

#include <Eigen/Dense>

#include "gaussian_packet.hpp"
#include "nonfinite_wave.hpp"
#include "offset_wave.hpp"
#include "test_common.hpp"
#include "wavekin/core/composition.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/core/integrate_to_tolerance.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/magnus_spectral.hpp"
#include "wavekin/schrodinger/observables.hpp"

namespace wavekin_test_magnus_spectral {

using Catch::Matchers::Contains;
using wavekin::ConstantCoefficient;
using wavekin::CrankNicolsonOptions;
using wavekin::CrankNicolsonSpectral;
using wavekin::FunctionCoefficient;
using wavekin::GridFieldCoefficient;
using wavekin::MagnusOptions;
using wavekin::MagnusSpectral;
using wavekin::PeriodicGrid;
using wavekin::StaticFieldCoefficient;
using wavekin_test::density_l1_distance;
using wavekin_test::GaussianPacket;
using wavekin_test::l2_distance;
using namespace wavekin::test;

namespace {

// The discretised VMSE operator A = (ε/2)Σ_a D_a^† M D_a + V/ε of the class comment as a dense
// matrix (D_a = F^{-1} iξ_a F with the Nyquist slot zeroed, built from the DFT matrix itself, not
// from the propagator's FFTs), and e^{−iτA} from its eigen-decomposition.
template <int Dim>
Eigen::MatrixXcd dense_operator(const PeriodicGrid<Dim>& grid, double epsilon,
                                const std::vector<double>& mass,
                                const std::vector<double>& potential) {
  const auto n = grid.size();
  // Multi-dimensional DFT F_{kj} = e^{−i Σ_a 2π k_a j_a / N_a}, row-major flat indices.
  Eigen::MatrixXcd f(n, n);
  const auto counts = grid.counts();
  const auto unflatten = [&](std::ptrdiff_t flat) {
    std::array<std::ptrdiff_t, Dim> index{};
    for (int a = Dim - 1; a >= 0; --a) {
      index[static_cast<std::size_t>(a)] = flat % counts[static_cast<std::size_t>(a)];
      flat /= counts[static_cast<std::size_t>(a)];
    }
    return index;
  };
  for (std::ptrdiff_t k = 0; k < n; ++k)
    for (std::ptrdiff_t j = 0; j < n; ++j) {
      const auto ik = unflatten(k), ij = unflatten(j);
      double phase = 0;
      for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a)
        phase += two_pi * static_cast<double>(ik[a] * ij[a]) / static_cast<double>(counts[a]);
      f(k, j) = std::polar(1.0, -phase);
    }
  const Eigen::MatrixXcd f_inverse = f.adjoint() / static_cast<double>(n);
  Eigen::MatrixXcd a = Eigen::MatrixXcd::Zero(n, n);
  Eigen::VectorXcd m(n), v(n);
  for (std::ptrdiff_t j = 0; j < n; ++j) {
    m(j) = mass[static_cast<std::size_t>(j)];
    v(j) = potential[static_cast<std::size_t>(j)];
  }
  for (int axis = 0; axis < Dim; ++axis) {
    const auto xi = grid.wavenumbers(axis, wavekin::NyquistMode::zero);
    Eigen::VectorXcd symbol(n);
    for (std::ptrdiff_t k = 0; k < n; ++k)
      symbol(k) = cd(0, xi[static_cast<std::size_t>(unflatten(k)[static_cast<std::size_t>(axis)])]);
    const Eigen::MatrixXcd d = f_inverse * symbol.asDiagonal() * f;
    a += (epsilon / 2) * d.adjoint() * m.asDiagonal() * d;
  }
  a += (1 / epsilon) * Eigen::MatrixXcd(v.asDiagonal());
  return a;
}

Eigen::MatrixXcd dense_exponential(const Eigen::MatrixXcd& a, double tau) {
  const Eigen::MatrixXcd hermitian = (a + a.adjoint()) / 2;  // exactly Hermitian for the solver
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> solver(hermitian);
  Eigen::VectorXcd phases(a.rows());
  for (Eigen::Index k = 0; k < a.rows(); ++k)
    phases(k) = std::polar(1.0, -tau * solver.eigenvalues()(k));
  return solver.eigenvectors() * phases.asDiagonal() * solver.eigenvectors().adjoint();
}

template <int Dim>
std::vector<double> sampled(const PeriodicGrid<Dim>& grid, auto&& f) {
  std::vector<double> out(static_cast<std::size_t>(grid.size()));
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j)
    out[static_cast<std::size_t>(j)] = f(grid.point(j));
  return out;
}

std::vector<cd> random_wave(std::ptrdiff_t n, unsigned seed) {
  std::vector<cd> u(static_cast<std::size_t>(n));
  unsigned state = seed;
  const auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(state >> 8) / 16777216.0 - 0.5;
  };
  for (auto& x : u) x = cd(next(), next());
  return u;
}

double relative_difference(const std::vector<cd>& u, const Eigen::VectorXcd& exact) {
  double num = 0, den = 0;
  for (std::size_t j = 0; j < u.size(); ++j) {
    num += std::norm(u[j] - exact(static_cast<Eigen::Index>(j)));
    den += std::norm(exact(static_cast<Eigen::Index>(j)));
  }
  return std::sqrt(num / den);
}

Eigen::VectorXcd as_vector(const std::vector<cd>& u) {
  return Eigen::Map<const Eigen::VectorXcd>(u.data(), static_cast<Eigen::Index>(u.size()));
}

// m(t, x) = (1 + 0.2 sin 2πx)(1 + 0.2 cos 2πt): P2 §4.1.2 ex. 1 (separable in t and x).
double paper_mass(double t, double x) {
  return (1 + 0.2 * std::sin(two_pi * x)) * (1 + 0.2 * std::cos(two_pi * t));
}
// Not separable: the A(t) do not commute, so the Magnus commutator term matters.
double travelling_mass(double t, double x) {
  return 1 + 0.2 * std::sin(two_pi * (x - t));
}
double travelling_potential(double t, double x) {
  return 0.02 * std::cos(two_pi * (x + 2 * t)) + 0.01 * std::sin(4 * std::numbers::pi * x);
}

}  // namespace

TEST_CASE("Magnus: one step equals the dense exponentials of the discretised operator",
          "[schrodinger][magnus]") {
  // Independent truth: e^{−iτA} from the eigen-decomposition of the dense operator built from the
  // DFT matrix. The series is cut at |J_k| ≤ 1e-14 (tail ≤ 2e-14 relative) and the dense
  // eigen-solve loses ~N·1e-16: 1e-12 bounds both with a margin of 10 for the rounding of ~100
  // recurrence steps.
  const double epsilon = 0.1;
  SECTION("1D, fixed in time: a single exponential over a long step") {
    const PeriodicGrid<1> grid({24}, PeriodicGrid<1>::Point(1.0));
    const auto mass = sampled(grid, [](auto x) { return 1 + 0.4 * std::cos(two_pi * x[0]); });
    const auto potential = sampled(grid, [](auto x) { return 0.3 * std::sin(two_pi * x[0]); });
    MagnusSpectral magnus(grid, epsilon, StaticFieldCoefficient<>(mass),
                          StaticFieldCoefficient<>(potential));
    STATIC_REQUIRE(decltype(magnus)::static_in_time);
    auto u = random_wave(grid.size(), 1);
    const auto u0 = as_vector(u);
    const double dt = 0.7;  // τ·r ≈ 0.7·(0.05·1.4·144²/…): tens of terms
    magnus.step(u, 0.3, dt);
    const Eigen::VectorXcd exact =
        dense_exponential(dense_operator(grid, epsilon, mass, potential), dt) * u0;
    const double error = relative_difference(u, exact);
    if (verbose())
      std::printf("Magnus 1D static: error %.2e, %d terms\n", error, magnus.statistics().max_terms);
    CHECK(error <= 1e-12);
    CHECK(magnus.statistics().exponentials == 1);
    CHECK(magnus.statistics().max_terms >= 10);  // a real series, not the diagonal path
  }
  SECTION("1D, uniform mass, varying potential (only the potential goes through FFTs)") {
    const PeriodicGrid<1> grid({16}, PeriodicGrid<1>::Point(1.0));
    const auto potential = sampled(grid, [](auto x) { return 0.5 * std::cos(two_pi * x[0]); });
    MagnusSpectral magnus(grid, epsilon, ConstantCoefficient<>(1.3),
                          StaticFieldCoefficient<>(potential));
    auto u = random_wave(grid.size(), 4);
    const auto u0 = as_vector(u);
    magnus.step(u, 0.0, 0.5);
    const std::vector<double> mass(16, 1.3);
    const Eigen::VectorXcd exact =
        dense_exponential(dense_operator(grid, epsilon, mass, potential), 0.5) * u0;
    CHECK(relative_difference(u, exact) <= 1e-12);
  }
  SECTION("1D, time-dependent: two exponentials with the Gauss-point mixtures") {
    // 18 points: not a multiple of the kernels' four-value vectors, so their tails run too.
    const PeriodicGrid<1> grid({18}, PeriodicGrid<1>::Point(1.0));
    const double t = 0.2, dt = 0.15;
    const double c1 = 0.5 - std::sqrt(3.0) / 6, c2 = 0.5 + std::sqrt(3.0) / 6;
    const double a1 = 0.25 + std::sqrt(3.0) / 6, a2 = 0.25 - std::sqrt(3.0) / 6;
    const auto at = [&](auto f, double time) {
      return sampled(grid, [&](auto x) { return f(time, x[0]); });
    };
    const auto m1 = at(travelling_mass, t + c1 * dt), m2 = at(travelling_mass, t + c2 * dt);
    const auto v1 = at(travelling_potential, t + c1 * dt),
               v2 = at(travelling_potential, t + c2 * dt);
    const auto mix = [](const std::vector<double>& x, double a, const std::vector<double>& y,
                        double b) {
      std::vector<double> out(x.size());
      for (std::size_t j = 0; j < x.size(); ++j) out[j] = (a * x[j] + b * y[j]) * 2;  // over dt/2
      return out;
    };
    const Eigen::MatrixXcd first = dense_exponential(
        dense_operator(grid, epsilon, mix(m1, a1, m2, a2), mix(v1, a1, v2, a2)), dt / 2);
    const Eigen::MatrixXcd second = dense_exponential(
        dense_operator(grid, epsilon, mix(m1, a2, m2, a1), mix(v1, a2, v2, a1)), dt / 2);
    MagnusSpectral magnus(grid, epsilon, FunctionCoefficient(travelling_mass),
                          FunctionCoefficient(travelling_potential));
    auto u = random_wave(grid.size(), 2);
    const Eigen::VectorXcd exact = second * first * as_vector(u);
    magnus.step(u, t, dt);
    const double error = relative_difference(u, exact);
    if (verbose()) std::printf("Magnus 1D time-dependent: error %.2e\n", error);
    CHECK(error <= 1e-12);
    CHECK(magnus.statistics().exponentials == 2);
  }
  SECTION("1D, varying mass alone: the recurrence carried by ξ b_k, the zero modes beside it") {
    // random_wave fills every mode, the zero mode and the Nyquist slot (ξ = 0, carried as
    // scalars) included; a uniform potential puts V̄/ε into the series' shift and β.
    const PeriodicGrid<1> grid({18}, PeriodicGrid<1>::Point(1.0));
    const auto mass = sampled(grid, [](auto x) { return 1 + 0.4 * std::cos(two_pi * x[0]); });
    MagnusSpectral magnus(grid, epsilon, StaticFieldCoefficient<>(mass),
                          ConstantCoefficient<>(0.7));
    auto u = random_wave(grid.size(), 5);
    const auto u0 = as_vector(u);
    const double dt = 0.7;
    magnus.step(u, 0.3, dt);
    const std::vector<double> potential(18, 0.7);
    const Eigen::VectorXcd exact =
        dense_exponential(dense_operator(grid, epsilon, mass, potential), dt) * u0;
    const double error = relative_difference(u, exact);
    if (verbose())
      std::printf("Magnus 1D mass alone: error %.2e, %d terms\n", error,
                  magnus.statistics().max_terms);
    CHECK(error <= 1e-12);
    CHECK(magnus.statistics().max_terms >= 10);
    // Two exponentials of time-dependent mixtures, the same path.
    const double t = 0.2, dt2 = 0.15;
    const double c1 = 0.5 - std::sqrt(3.0) / 6, c2 = 0.5 + std::sqrt(3.0) / 6;
    const double a1 = 0.25 + std::sqrt(3.0) / 6, a2 = 0.25 - std::sqrt(3.0) / 6;
    const auto m1 = sampled(grid, [&](auto x) { return travelling_mass(t + c1 * dt2, x[0]); });
    const auto m2 = sampled(grid, [&](auto x) { return travelling_mass(t + c2 * dt2, x[0]); });
    std::vector<double> first_mass(18), second_mass(18);
    for (std::size_t j = 0; j < 18; ++j) {
      first_mass[j] = (a1 * m1[j] + a2 * m2[j]) * 2;  // over dt/2
      second_mass[j] = (a2 * m1[j] + a1 * m2[j]) * 2;
    }
    MagnusSpectral moving(grid, epsilon, FunctionCoefficient(travelling_mass),
                          ConstantCoefficient<>(0.7));
    auto w = random_wave(grid.size(), 6);
    const Eigen::VectorXcd moved =
        dense_exponential(dense_operator(grid, epsilon, second_mass, potential), dt2 / 2) *
        (dense_exponential(dense_operator(grid, epsilon, first_mass, potential), dt2 / 2) *
         as_vector(w));
    moving.step(w, t, dt2);
    CHECK(relative_difference(w, moved) <= 1e-12);
    CHECK(moving.statistics().exponentials == 2);
  }
  SECTION("2D, fixed in time, varying mass and potential") {
    const PeriodicGrid<2> grid({8, 6}, PeriodicGrid<2>::Point(1.0, 0.8));
    const auto mass = sampled(grid, [](auto x) {
      return 1 + 0.3 * std::cos(two_pi * x[0]) * std::sin(two_pi * x[1] / 0.8);
    });
    const auto potential =
        sampled(grid, [](auto x) { return 0.2 * std::cos(two_pi * x[1] / 0.8); });
    MagnusSpectral magnus(grid, epsilon, GridFieldCoefficient<>(mass),
                          StaticFieldCoefficient<>(potential));
    auto u = random_wave(grid.size(), 3);
    const auto u0 = as_vector(u);
    // A GridFieldCoefficient gives the same values at both Gauss points: one exponential.
    magnus.step(u, 0.0, 0.4);
    const Eigen::VectorXcd exact =
        dense_exponential(dense_operator(grid, epsilon, mass, potential), 0.4) * u0;
    const double error = relative_difference(u, exact);
    if (verbose()) std::printf("Magnus 2D: error %.2e\n", error);
    CHECK(error <= 1e-12);
    CHECK(magnus.statistics().exponentials == 1);
    // The mass alone (a uniform potential): the b_k recurrence with the kinetic works only.
    MagnusSpectral kinetic(grid, epsilon, GridFieldCoefficient<>(mass), ConstantCoefficient<>(0.4));
    auto w = random_wave(grid.size(), 7);
    const auto w0 = as_vector(w);
    kinetic.step(w, 0.0, 0.4);
    const std::vector<double> uniform(mass.size(), 0.4);
    CHECK(relative_difference(
              w, dense_exponential(dense_operator(grid, epsilon, mass, uniform), 0.4) * w0) <=
          1e-12);
  }
}

TEST_CASE("Magnus: constant coefficients are one diagonal exponential, free Gaussian packet",
          "[schrodinger][magnus]") {
  // The set-up of CN's diagonal test: the spatial error is round-off, and with constant m the
  // step is exact in time, so one step of the whole interval reproduces the exact packet. 1e-12
  // is round-off of the FFTs and phases (the packet's ‖·‖₁ of ρ is 0.22).
  const GaussianPacket packet{32.0, 1.0, 0.5, 0.05, 1.5, 2.0};
  const PeriodicGrid<1> grid({128}, PeriodicGrid<1>::Point(2.0));
  auto u = packet.sample(grid, 0.0);
  MagnusSpectral magnus(grid, packet.epsilon, ConstantCoefficient<>(packet.mass),
                        ConstantCoefficient<>(0.0));
  magnus.step(u, 0.0, 0.05);
  const double error = density_l1_distance(grid, u, packet.sample(grid, 0.05));
  if (verbose()) std::printf("Magnus diagonal Gaussian: L1(rho) error %.3e\n", error);
  CHECK(error <= 1e-12);
  CHECK(magnus.statistics().diagonal_exponentials == 1);
  CHECK(magnus.statistics().operator_applications == 0);
}

namespace {

// ε = 1/32, packet A = 64, x₀ = 0.5, p₀ = 1 on the unit box (N = 256 resolves it to round-off),
// the travelling mass and potential, to T = 0.1.
std::vector<cd> travelling_run_magnus(long long steps) {
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(1.0));
  const GaussianPacket packet{64.0, 0.5, 1.0, 1.0 / 32, 1.0, 1.0};
  auto u = packet.sample(grid, 0.0);
  MagnusSpectral magnus(grid, packet.epsilon, FunctionCoefficient(travelling_mass),
                        FunctionCoefficient(travelling_potential));
  wavekin::integrate_n_steps(magnus, u, 0.0, 0.1 / static_cast<double>(steps), steps);
  return u;
}

}  // namespace

namespace {

// The reference of the travelling problem: Crank–Nicolson composed by Yoshida's sixth-order scheme
// at Δt = T/320 (an independent discretisation in time; its error is ~1e-12, measured against
// T/160).
std::vector<cd> travelling_reference() {
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(1.0));
  const GaussianPacket packet{64.0, 0.5, 1.0, 1.0 / 32, 1.0, 1.0};
  auto reference = packet.sample(grid, 0.0);
  CrankNicolsonOptions<> options;
  options.tolerance = 1e-14;
  wavekin::SymmetricComposition cn6(
      CrankNicolsonSpectral(grid, packet.epsilon, FunctionCoefficient(travelling_mass),
                            FunctionCoefficient(travelling_potential), options),
      wavekin::CompositionScheme::yoshida6());
  wavekin::integrate_n_steps(cn6, reference, 0.0, 0.1 / 320, 320);
  return reference;
}

}  // namespace

TEST_CASE("Magnus: fourth order in dt with a non-separable mass and potential",
          "[schrodinger][magnus]") {
  // Reference: travelling_reference(). Errors at Δt = T/4, T/8, T/16 are 1e-7…1e-9, so the
  // reference pollutes no ratio by more than 1 %.
  // Window [3.7, 4.6]: the next term of the expansion is O(Δt²) relative.
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(1.0));
  const auto reference = travelling_reference();
  double errors[3];
  for (int i = 0; i < 3; ++i)
    errors[i] = l2_distance(grid, travelling_run_magnus(4LL << i), reference);
  const double order_1 = std::log2(errors[0] / errors[1]);
  const double order_2 = std::log2(errors[1] / errors[2]);
  std::printf("Magnus time errors %.3e %.3e %.3e: observed orders %.3f %.3f\n", errors[0],
              errors[1], errors[2], order_1, order_2);
  CHECK(errors[2] >= 1e-10);  // well above the reference's own error
  CHECK(order_1 >= 3.7);
  CHECK(order_1 <= 4.6);
  CHECK(order_2 >= 3.7);
  CHECK(order_2 <= 4.6);
}

TEST_CASE("Magnus with integrate_to_tolerance: the accuracy asked for, not a dt",
          "[schrodinger][magnus]") {
  // The travelling problem to T = 0.1 with step doubling (order 4). The controller keeps the sum
  // of the local error estimates below the tolerance; the measured global error must be below it
  // too (2× for the estimate's own O(Δt) relative error), and not far below (a wasted run).
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(1.0));
  const GaussianPacket packet{64.0, 0.5, 1.0, 1.0 / 32, 1.0, 1.0};
  const auto reference = travelling_reference();
  const double reference_norm = std::sqrt(
      std::accumulate(reference.begin(), reference.end(), 0.0,
                      [](double sum, cd v) { return sum + std::norm(v); }));
  for (const double tolerance : {1e-6, 1e-8}) {
    auto u = packet.sample(grid, 0.0);
    MagnusSpectral magnus(grid, packet.epsilon, FunctionCoefficient(travelling_mass),
                          FunctionCoefficient(travelling_potential));
    wavekin::ToleranceOptions options;
    options.tolerance = tolerance;
    options.order = 4;
    options.initial_dt = 0.1;
    const auto report = wavekin::integrate_to_tolerance(magnus, u, 0.0, 0.1, options);
    double difference = 0;
    for (std::size_t j = 0; j < u.size(); ++j) difference += std::norm(u[j] - reference[j]);
    const double error = std::sqrt(difference) / reference_norm;
    std::printf("Magnus to tolerance %.0e: relative L2 error %.2e in %lld steps (%lld rejected)\n",
                tolerance, error, static_cast<long long>(report.accepted),
                static_cast<long long>(report.rejected));
    CHECK(error <= 2 * tolerance);
    CHECK(error >= tolerance / 100);
  }
}

TEST_CASE("Magnus: the L2 norm is conserved to the series tolerance over 10^4 steps",
          "[schrodinger][magnus]") {
  // P2 ex. 1's mass on the unit box, N = 128, 10⁴ steps of 1e-4. Each exponential moves the
  // norm by ≲ 2·tolerance = 2e-14 plus FFT round-off ~1e-16·log N, so 2·10⁴ exponentials drift
  // by at most ~5e-10 even if every error had the same sign; measured far less.
  const PeriodicGrid<1> grid({128}, PeriodicGrid<1>::Point(1.0));
  const GaussianPacket packet{64.0, 0.5, 1.0, 1.0 / 16, 1.0, 1.0};
  auto u = packet.sample(grid, 0.0);
  const double norm0 = wavekin::l2_norm(grid, u);
  MagnusSpectral magnus(grid, packet.epsilon, FunctionCoefficient(paper_mass),
                        ConstantCoefficient<>(0.0));
  wavekin::integrate_n_steps(magnus, u, 0.0, 1e-4, 10000);
  const double drift = std::abs(wavekin::l2_norm(grid, u) / norm0 - 1);
  if (verbose()) std::printf("Magnus norm drift over 1e4 steps: %.2e\n", drift);
  CHECK(drift <= 5e-10);
  CHECK(magnus.statistics().steps == 10000);
}

TEST_CASE("Magnus on P2 ex. 1: stable and accurate at 100x P2's dt; agrees with P2's CN",
          "[schrodinger][magnus]") {
  // P2 §4.1.2 ex. 1 at ε = 2⁻⁶: L = 1.25, N = 320, packet A = 2⁷, x₀ = 0.25, p₀ = 1, T = 0.5,
  // P2's Δt = 2^{−1.2·6−3}, K = 589 steps.
  const double epsilon = 1.0 / 64, length = 1.25, final_time = 0.5;
  const PeriodicGrid<1> grid({320}, PeriodicGrid<1>::Point(length));
  const GaussianPacket packet{128.0, 0.25, 1.0, epsilon, 1.0, length};
  // `steps` steps to T of the propagator template P (MagnusSpectral or CrankNicolsonSpectral).
  const auto run = [&]<template <int, class, class, class> class P>(long long steps) {
    auto u = packet.sample(grid, 0.0);
    P propagator(grid, epsilon, FunctionCoefficient(paper_mass), ConstantCoefficient<>(0.0));
    wavekin::integrate_n_steps(propagator, u, 0.0, final_time / static_cast<double>(steps), steps);
    return u;
  };
  const auto run_magnus = [&](long long steps) { return run.operator()<MagnusSpectral>(steps); };
  const auto run_cn = [&](long long steps) { return run.operator()<CrankNicolsonSpectral>(steps); };
  const long long paper_steps = 589;
  const auto magnus_paper = run_magnus(paper_steps);
  const auto magnus_large = run_magnus(6);  // Δt = 0.083, 98× P2's 8.5e-4
  const auto u0 = packet.sample(grid, 0.0);
  // Stable: the norm is kept to the series tolerance (a few steps of 1e-14).
  CHECK(std::abs(wavekin::l2_norm(grid, magnus_large) / wavekin::l2_norm(grid, u0) - 1) <= 1e-12);
  // Accurate: the mass is separable, so the A(t) commute and the Magnus series is exact but for
  // the Gauss rule of ∫(1 + 0.2 cos 2πt)dt, fourth order with a small constant; at 100× P2's Δt the
  // L¹(ρ) difference from the run at P2's Δt stays far below CN's error at P2's Δt (2e-4).
  const double large_step = density_l1_distance(grid, magnus_large, magnus_paper);
  // CN at P2's Δt and at 4× its steps: second order towards the same limit.
  const double cn_paper = density_l1_distance(grid, run_cn(paper_steps), magnus_paper);
  const double cn_fine = density_l1_distance(grid, run_cn(4 * paper_steps), magnus_paper);
  std::printf(
      "P2 ex. 1: Magnus at 98x P2's dt vs at P2's dt %.2e; CN at P2's dt %.2e, at dt/4 %.2e "
      "(ratio %.1f)\n",
      large_step, cn_paper, cn_fine, cn_paper / cn_fine);
  CHECK(large_step <= 1e-5);
  CHECK(cn_paper <= 3e-4);  // P2's scheme at P2's Δt: its own time error, 2e-4 (RESULTS.md)
  CHECK(cn_paper / cn_fine >= 12);  // second order: 16, less the CN edge stall (errata item 24)
  CHECK(cn_paper / cn_fine <= 20);
}

TEMPLATE_TEST_CASE("Magnus runs in float and double", "[schrodinger][magnus]", float, double) {
  // 50 steps of a varying mass with the default tolerance (1e-7 in float, 1e-14 in double); each
  // exponential moves the norm by ≲ 2·tolerance plus FFT round-off ~10ε_machine, so 100
  // exponentials drift by ≲ 100·(2·tolerance + 10ε_machine): bound 1e-4 in float, 1e-11 in double.
  using Scalar = TestType;
  using Grid = PeriodicGrid<1, Scalar>;
  const Grid grid({64}, typename Grid::Point(Scalar(1)));
  std::vector<std::complex<Scalar>> u(64);
  for (std::ptrdiff_t j = 0; j < 64; ++j) {
    const double x = static_cast<double>(grid.coordinate(0, j));
    u[static_cast<std::size_t>(j)] =
        std::complex<Scalar>(std::exp(std::complex<double>(-40 * (x - 0.5) * (x - 0.5), 10 * x)));
  }
  MagnusSpectral magnus(
      grid, Scalar(0.1),
      FunctionCoefficient<Scalar (*)(Scalar, Scalar), Scalar>([](Scalar t, Scalar x) {
        return Scalar(1) + Scalar(0.2) * std::sin(Scalar(two_pi) * (x - t));
      }),
      ConstantCoefficient<Scalar>(Scalar(0)));
  const Scalar norm0 = wavekin::l2_norm(grid, u);
  wavekin::integrate_n_steps(magnus, u, Scalar(0), Scalar(5e-3), 50);
  const double bound = std::is_same_v<Scalar, float> ? 1e-4 : 1e-11;
  CHECK(std::abs(wavekin::l2_norm(grid, u) / norm0 - 1) <= bound);
  CHECK(magnus.statistics().operator_applications >= 100);
}

TEST_CASE("Magnus: a wave at an offset of another FFTW alignment steps as a std::vector does",
          "[schrodinger][magnus]") {
  // A std::vector is transformed directly (out of place into the series and back), a wave 8
  // bytes into a buffer through a copy and in-place transforms: the same steps to FFT round-off
  // (1e-13 of ‖u‖ over 20 steps, offset_wave.hpp), on the series path (a varying mass) and the
  // diagonal one (uniform mass); a NaN in the offset wave is named and leaves it as it was.
  const PeriodicGrid<1> grid({128}, PeriodicGrid<1>::Point(1.0));
  const double epsilon = 0.05;
  const GaussianPacket packet{40.0, 0.5, 1.0, epsilon, 1.0, 1.0};
  const bool varies = GENERATE(true, false);
  std::vector<double> m(128);
  for (std::size_t j = 0; j < 128; ++j)
    m[j] = varies ? 1 + 0.2 * std::sin(2 * std::numbers::pi * static_cast<double>(j) / 128) : 1.5;
  MagnusSpectral aligned(grid, epsilon, GridFieldCoefficient<>(m));
  MagnusSpectral offset(grid, epsilon, GridFieldCoefficient<>(m));
  INFO("mass varies " << varies);
  CHECK(aligned.ffts_out_of_place());
  wavekin_test::check_offset_wave_steps_as_vector(aligned, offset, packet.sample(grid, 0.0), 2e-3);
  const bool applied = aligned.statistics().operator_applications > 0;
  CHECK(applied == varies);
}

TEST_CASE("Magnus: bad input throws invalid_argument naming the value", "[schrodinger][magnus]") {
  const PeriodicGrid<1> grid({16}, PeriodicGrid<1>::Point(1.0));
  std::vector<cd> u(16, cd(1.0, 0.0));
  MagnusSpectral magnus(grid, 0.1, FunctionCoefficient([](double t, double x) {
                          return t > 0.5 && x > 0.49 ? -0.5 : 1.0 + x;
                        }),
                        ConstantCoefficient<>(0.0));
  SECTION("non-positive mass at a Gauss point") {
    CHECK_NOTHROW(magnus.step(u, 0.0, 0.1));
    const auto before = u;
    CHECK_THROWS_WITH(magnus.step(u, 0.9, 0.1), Contains("m = -0.5") && Contains("x = (0.5)"));
    CHECK(u == before);
  }
  SECTION("dt, u") {
    CHECK_THROWS_WITH(magnus.step(u, 0.0, 0.0), Contains("dt must be finite and non-zero"));
    u[3] = cd(std::numeric_limits<double>::quiet_NaN(), 0.0);
    CHECK_THROWS_WITH(magnus.step(u, 0.0, 0.1), Contains("u[3] = (nan, 0)"));
  }
  SECTION("a non-finite u anywhere, on every FFT algorithm's grid") {
    // u's finiteness is read off the first transform's zero mode (nonfinite_wave.hpp): a series
    // path (varying mass) in 1D, the diagonal path (uniform coefficients) in 2D (6×10).
    for (const std::ptrdiff_t n : wavekin_test::nonfinite_sweep_points) {
      const PeriodicGrid<1> line({n}, PeriodicGrid<1>::Point(1.0));
      MagnusSpectral varying(line, 0.1, FunctionCoefficient([](double, double x) {
                               return 1.0 + 0.3 * std::sin(two_pi * x);
                             }),
                             ConstantCoefficient<>(0.0));
      std::vector<cd> wave(static_cast<std::size_t>(n));
      for (std::size_t j = 0; j < wave.size(); ++j) wave[j] = std::polar(1.0, 0.3 * double(j));
      wavekin_test::check_nonfinite_wave_named(varying, wave);
    }
    const PeriodicGrid<2> plane({6, 10}, PeriodicGrid<2>::Point(1.0, 1.0));
    MagnusSpectral uniform(plane, 0.1, ConstantCoefficient<>(1.0), ConstantCoefficient<>(0.2));
    wavekin_test::check_nonfinite_wave_named(uniform, std::vector<cd>(60, cd(0.5, -0.5)));
  }
  SECTION("epsilon and tolerance") {
    CHECK_THROWS_WITH(
        MagnusSpectral(grid, 0.0, ConstantCoefficient<>(1.0), ConstantCoefficient<>(0.0)),
        Contains("epsilon must be finite and > 0, got 0"));
    MagnusOptions<> options;
    options.tolerance = 2.0;
    CHECK_THROWS_WITH(
        MagnusSpectral(grid, 0.1, ConstantCoefficient<>(1.0), ConstantCoefficient<>(0.0), options),
        Contains("tolerance") && Contains("got 2"));
  }
}

TEST_CASE("Magnus: a coefficient replaced through mass() takes effect at the next step",
          "[schrodinger][magnus]") {
  // Fixed-in-time policies are sampled every step, so nothing stale survives a replacement: the
  // two steps equal one step of each of two fresh propagators, bit for bit (same operations).
  const PeriodicGrid<1> grid({16}, PeriodicGrid<1>::Point(1.0));
  MagnusSpectral magnus(grid, 0.1, ConstantCoefficient<>(1.0), ConstantCoefficient<>(0.0));
  auto u = random_wave(grid.size(), 5);
  auto w = u;
  magnus.step(u, 0.0, 0.1);
  magnus.mass() = ConstantCoefficient<>(2.0);
  magnus.step(u, 0.1, 0.1);
  MagnusSpectral first(grid, 0.1, ConstantCoefficient<>(1.0), ConstantCoefficient<>(0.0));
  MagnusSpectral second(grid, 0.1, ConstantCoefficient<>(2.0), ConstantCoefficient<>(0.0));
  first.step(w, 0.0, 0.1);
  second.step(w, 0.1, 0.1);
  double worst = 0;
  for (std::size_t j = 0; j < u.size(); ++j) worst = std::max(worst, std::abs(u[j] - w[j]));
  CHECK(worst == 0.0);
  // Control: the mass change matters (a free packet's phases depend on m).
  MagnusSpectral unchanged(grid, 0.1, ConstantCoefficient<>(1.0), ConstantCoefficient<>(0.0));
  auto v = random_wave(grid.size(), 5);
  unchanged.step(v, 0.0, 0.1);
  unchanged.step(v, 0.1, 0.1);
  double change = 0;
  for (std::size_t j = 0; j < u.size(); ++j) change = std::max(change, std::abs(u[j] - v[j]));
  CHECK(change > 1e-3);
}

}  // namespace wavekin_test_magnus_spectral
