// Tests for wavekin/montecarlo/vmse_sample.hpp: a sample is reproducible from (seed, sample) on
// any call, conserves the L² mass (Crank–Nicolson is unitary), and rejects inconsistent setups.
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

template <class Source>
void check_sample(wavekin::VmseSample<Source>& sample) {
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
