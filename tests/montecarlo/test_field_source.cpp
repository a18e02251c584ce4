// Tests for wavekin/montecarlo/field_source.hpp: each source's path is the random/ sampler it
// wraps, step for step and bit for bit, from the sample's own stream.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <vector>

#include "wavekin/montecarlo/field_source.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_field_source {

using wavekin::SeparableCorrelation;

namespace {
const SeparableCorrelation<> paper_covariance{1.5, 100, 100};
constexpr double eps = 0x1p-5, dt = 0.01, T = 0.4, L = 1.625;
}  // namespace

TEST_CASE("StreamingFieldSource: the path is the streaming sampler of that sample",
          "[montecarlo]") {
  const auto grid = wavekin::PeriodicGrid<1>::cube(32, L);
  const wavekin::StreamingFieldSource source(paper_covariance, eps, grid, dt);
  STATIC_REQUIRE(wavekin::FieldSource<wavekin::StreamingFieldSource>);
  CHECK(source.terms() == 0);
  auto path = source.start(7, 3);
  auto reference = wavekin::make_streaming_sampler(paper_covariance, eps, grid, dt, 7, 3);
  std::vector<double> m1(32);
  for (std::ptrdiff_t step = 0; step < 5; ++step) {
    path.fill(step, (static_cast<double>(step) + 0.5) * dt, m1);
    if (step > 0) reference.advance();
    const auto expected = reference.field();
    CHECK(std::vector<double>(expected.begin(), expected.end()) == m1);  // bitwise
  }
  std::vector<double> wrong(31);
  CHECK_THROWS_AS(path.fill(5, 0.0, wrong), wavekin::invalid_argument);
}

TEST_CASE("StreamingFieldSource with step averages: each step gets the sampler's average",
          "[montecarlo]") {
  const auto grid = wavekin::PeriodicGrid<1>::cube(32, L);
  const wavekin::StreamingFieldSource source(paper_covariance, eps, grid, dt,
                                             wavekin::StepSampling::average);
  CHECK(source.sampling() == wavekin::StepSampling::average);
  auto path = source.start(7, 3);
  auto reference = wavekin::make_streaming_sampler(paper_covariance, eps, grid, dt, 7, 3);
  std::vector<double> m1(32), expected(32), points(32);
  const wavekin::StreamingFieldSource point_source(paper_covariance, eps, grid, dt);
  auto point_path = point_source.start(7, 3);
  for (std::ptrdiff_t step = 0; step < 5; ++step) {
    path.fill(step, (static_cast<double>(step) + 0.5) * dt, m1);
    reference.advance(expected);
    CHECK(expected == m1);  // bitwise
    // The average differs from the point value of the same path (Δt = 0.0032 τ here).
    point_path.fill(step, 0.0, points);
    CHECK(points != m1);
  }
  std::vector<double> wrong(31);
  CHECK_THROWS_AS(path.fill(5, 0.0, wrong), wavekin::invalid_argument);
}

TEST_CASE("KarhunenLoeveFieldSource: the path is the expansion at the sample's xi",
          "[montecarlo]") {
  const std::vector<double> x{0.0, 0.4, 1.1, 1.6};
  const wavekin::KarhunenLoeveFieldSource source(paper_covariance, eps, T, L, x);
  STATIC_REQUIRE(wavekin::FieldSource<wavekin::KarhunenLoeveFieldSource>);
  CHECK(source.terms() == source.expansion().size());
  CHECK(source.terms() == 365);  // N_KL at ε = 2^−5 (docs/conventions.md §19)
  wavekin::RandomStream stream(11, 2, wavekin::StreamPurpose::karhunen_loeve);
  const auto xi = source.expansion().draw_xi(stream, wavekin::XiDistribution::gaussian);
  auto path = source.start(11, 2);
  std::vector<double> m1(x.size());
  for (const double t : {0.005, 0.2, 0.395}) {
    path.fill(0, t, m1);
    for (std::size_t k = 0; k < x.size(); ++k)
      // The evaluator's table and the direct sum add the same terms in another order: round-off.
      CHECK_THAT(m1[k],
                 Catch::Matchers::WithinAbs(source.expansion().evaluate(xi, t, x[k]), 1e-12));
  }
}

}  // namespace wavekin_test_field_source
