// Tests for wavekin/montecarlo/vmse_sample.hpp: a sample is reproducible from (seed, sample) on
// any call, conserves the L² mass (Crank–Nicolson is unitary), converges to the same ρ(T) with
// either propagator (CN, Magnus), and rejects inconsistent setups.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include "wavekin/montecarlo/montecarlo.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_vmse_sample {

namespace {

constexpr double L = 1.625, eps = 0x1p-4;

wavekin::VmseSampleSetup small_setup() {
  const auto grid = wavekin::PeriodicGrid<1>::cube(64, L);
  std::vector<std::complex<double>> u(64);
  for (std::ptrdiff_t j = 0; j < 64; ++j) {
    const double x = grid.coordinate(0, j), y = x - 0.3;
    u[static_cast<std::size_t>(j)] = std::exp(std::complex<double>(-256 * y * y, 1.5 * x / eps));
  }
  return {grid, eps, 0.01, 10, u, std::vector<double>(64, 1.0)};
}

template <class Source, class Propagator>
void check_sample(wavekin::VmseSample<Source, Propagator>& sample) {
  wavekin::PhaseClock clock;
  const auto first = sample(4, 99, clock);
  const auto again = sample(4, 99, clock);
  const auto other = sample(5, 99, clock);
  REQUIRE(first.size() == 2);
  CHECK(first[0] == again[0]);  // bitwise: the sample owns its stream
  CHECK(first[1] == again[1]);
  CHECK(first[0] != other[0]);
  CHECK(clock.propagation_ns.load() > 0);
  // ∫ρ(T) = ∫|u(0)|²: the scheme is unitary, GMRES stops at 1e-12 relative per step (10 steps).
  double mass0 = 0;
  for (const auto& u : sample.setup().initial) mass0 += std::norm(u);
  CHECK_THAT(first[0].sum(), Catch::Matchers::WithinRel(mass0, 1e-9));
}

}  // namespace

TEST_CASE("VmseSample: reproducible, mass-conserving samples from either source", "[montecarlo]") {
  const wavekin::SeparableCorrelation<> covariance(1.5, 100, 100);
  auto setup = small_setup();
  // γ = 1: m^ε = 1 + m_1/16 stays positive unless m_1 < −16 = −10.7 D (never, in practice).
  const wavekin::RandomMassOptions mass{.gamma = 1};
  wavekin::VmseSample<wavekin::StreamingFieldSource> streaming(setup, mass, covariance, eps,
                                                               setup.grid, setup.dt);
  check_sample(streaming);
  std::vector<double> x(64);
  for (std::ptrdiff_t j = 0; j < 64; ++j)
    x[static_cast<std::size_t>(j)] = setup.grid.coordinate(0, j);
  wavekin::VmseSample<wavekin::KarhunenLoeveFieldSource> kl(setup, mass, covariance, eps, 0.1, L,
                                                            x);
  check_sample(kl);
  CHECK(kl.source().terms() > 0);
  CHECK(kl.counts().points == 0);
  CHECK(streaming.counts().points == 0);
}

TEST_CASE("VmseSample: CN and Magnus converge to the same sample, Magnus at second order",
          "[montecarlo]") {
  // One Karhunen–Loève sample (smooth in t, so every Δt samples the same field) of the small set-up
  // on [0, 0.1]: Magnus at 40 and 80 steps (asymptotic from ~40) against Magnus at 640. Magnus here
  // is the exponential midpoint rule (the mass is set once per step), second order in Δt with exact
  // phases for the stiff modes; CN is P2's scheme.
  using Magnus = wavekin::MagnusSpectral<1, double, wavekin::GridFieldCoefficient<double>>;
  const wavekin::SeparableCorrelation<> covariance(1.5, 100, 100);
  const wavekin::RandomMassOptions mass{.gamma = 1};
  const auto base = small_setup();
  std::vector<double> x(64);
  for (std::ptrdiff_t j = 0; j < 64; ++j)
    x[static_cast<std::size_t>(j)] = base.grid.coordinate(0, j);
  const auto rho = [&]<class Propagator>(long steps, Propagator*) {
    auto setup = base;
    setup.steps = steps;
    setup.dt = 0.1 / static_cast<double>(steps);
    wavekin::VmseSample<wavekin::KarhunenLoeveFieldSource, Propagator> sample(
        setup, mass, covariance, eps, 0.1, L, x);
    wavekin::PhaseClock clock;
    return Eigen::VectorXd(sample(3, 7, clock)[0]);
  };
  const auto dx = base.grid.spacing(0);
  const auto reference = rho(640L, static_cast<Magnus*>(nullptr));
  const double magnus_40 = (rho(40L, static_cast<Magnus*>(nullptr)) - reference).lpNorm<1>() * dx;
  const double magnus_80 = (rho(80L, static_cast<Magnus*>(nullptr)) - reference).lpNorm<1>() * dx;
  using Cn = wavekin::CrankNicolsonSpectral<1, double, wavekin::GridFieldCoefficient<double>>;
  const double cn_160 = (rho(160L, static_cast<Cn*>(nullptr)) - reference).lpNorm<1>() * dx;
  const double cn_640 = (rho(640L, static_cast<Cn*>(nullptr)) - reference).lpNorm<1>() * dx;
  INFO("Magnus errors " << magnus_40 << ", " << magnus_80 << "; CN " << cn_160 << ", " << cn_640);
  // Second order: the ratio is 4 up to O(Δt²) relative terms; [3.5, 4.5].
  CHECK(magnus_40 / magnus_80 >= 3.5);
  CHECK(magnus_40 / magnus_80 <= 4.5);
  // CN converges to the same ρ(T): 4× the steps divide its error by at least 3.5 (order ≥ 0.9).
  CHECK(cn_160 / cn_640 >= 3.5);
  CHECK(cn_640 > 0);
}

TEST_CASE("VmseSample: inconsistent setups are rejected, naming the value", "[montecarlo]") {
  const wavekin::SeparableCorrelation<> covariance(1.5, 100, 100);
  auto setup = small_setup();
  auto short_mass = setup;
  short_mass.background_mass.resize(10);
  using Streaming = wavekin::VmseSample<wavekin::StreamingFieldSource>;
  CHECK_THROWS_WITH(Streaming(short_mass, {}, covariance, eps, setup.grid, setup.dt),
                    Catch::Matchers::Contains("10 background masses"));
  auto no_steps = setup;
  no_steps.steps = 0;
  CHECK_THROWS_WITH(Streaming(no_steps, {}, covariance, eps, setup.grid, setup.dt),
                    Catch::Matchers::Contains("steps") && Catch::Matchers::Contains("got 0"));
}

}  // namespace wavekin_test_vmse_sample
