// Tests for wavekin/random/random_mass.hpp: m^ε = m_0 + ε^γ m_1, the three non-positive
// mass policies (error message, clip, redraw from the sample's stream), event counts
// against their exact probabilities, and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "wavekin/random/karhunen_loeve.hpp"
#include "wavekin/random/random_mass.hpp"
#include "wavekin/random/random_stream.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_random_mass {

using Catch::Matchers::Contains;
using wavekin::NonPositiveMassPolicy;
using wavekin::RandomMass;
using wavekin::RandomMassOptions;

TEST_CASE("the random mass is m0 + eps^gamma m1", "[random]") {
  // Powers of two: every value below is exact in binary, so == is the right comparison.
  RandomMass mass(0x1p-6);
  CHECK(mass.scale() == 0.125);
  CHECK(RandomMass(0x1p-6, {1.0}).scale() == 0x1p-6);
  // (2^−5)^0.4 = 2^−2 up to pow's last-bit rounding.
  CHECK_THAT(RandomMass(0x1p-5, {0.4}).scale(), Catch::Matchers::WithinRel(0.25, 1e-15));
  const std::vector<double> x{0, 0.25, 0.5, 0.75}, m0{1, 2, 3, 4}, m1{1, -2, 0.5, 8};
  std::vector<double> out(4);
  CHECK(mass.assemble(0, 0.1, x, m0, m1, out));
  CHECK(out == std::vector<double>{1.125, 1.75, 3.0625, 5});
  CHECK(mass.counts().points == 0);
}

TEST_CASE("the error policy names the sample, the place and the time", "[random]") {
  RandomMass mass(0x1p-6);
  const std::vector<double> x{0, 0.125, 0.25, 0.375}, m0(4, 1.0), m1{0, 0, -10, 0};
  std::vector<double> out(4);
  CHECK_THROWS_WITH(mass.assemble(7, 0.125, x, m0, m1, out),
                    Contains("sample 7") && Contains("x = 0.25") && Contains("t = 0.125") &&
                        Contains("m = -0.25"));
  CHECK_THROWS_WITH(mass.assemble(8, 0.5, {}, m0, m1, out),
                    Contains("sample 8") && Contains("point 2") && Contains("t = 0.5"));
  CHECK_THROWS_AS(mass.assemble(7, 0.125, x, m0, m1, out), wavekin::invalid_argument);
  CHECK(mass.counts().points == 3);
  CHECK(mass.counts().slices == 3);
}

TEST_CASE("the clip policy raises non-positive values to the floor and counts them", "[random]") {
  RandomMass mass(0x1p-6, {0.5, NonPositiveMassPolicy::clip, 0.05});
  const std::vector<double> m0(4, 1.0), m1{-8, 1, -100, -7.8};
  std::vector<double> out(4);
  CHECK(mass.assemble(3, 0.2, {}, m0, m1, out));
  // m = 0, 1.125, −11.5, 0.025: the two non-positive values and the positive one below
  // the floor are raised to it.
  CHECK(out == std::vector<double>{0.05, 1.125, 0.05, 0.05});
  CHECK(mass.counts().points == 2);
  CHECK(mass.counts().clipped == 3);
  CHECK(mass.counts().slices == 1);
}

TEST_CASE("non-positive events occur at their exact rate", "[random]") {
  // One point, m = 1 + s m_1 with s m_1 ~ N(0, ¼): P(m ≤ 0) = Φ(−2) = 0.02275. Over N
  // samples the count is binomial; the redraws of one sample are geometric with mean
  // q/(1−q) and variance q/(1−q)². Bounds: 6 standard errors.
  const double scale = 0.25, D = 2;  // s = ε^γ with ε = 1/16, γ = ½; s·D = ½
  const double q = 0.5 * std::erfc(2 / std::sqrt(2.0));
  constexpr std::size_t N = 40000;
  const std::vector<double> times{0.3}, x{0.7}, m0{1.0};
  for (auto policy : {NonPositiveMassPolicy::clip, NonPositiveMassPolicy::redraw}) {
    RandomMass mass(1.0 / 16, {0.5, policy});
    REQUIRE(mass.scale() == scale);
    double min_mass = 1;
    for (std::size_t sample = 0; sample < N; ++sample) {
      wavekin::RandomStream stream(21, sample);
      std::vector<double> out(1);
      mass.assemble_sample(
          sample, times, x, m0, [&](std::span<double> m1) { m1[0] = D * stream.normal(); }, out);
      min_mass = std::min(min_mass, out[0]);
    }
    const auto counts = mass.counts();
    const double n = N;
    CAPTURE(static_cast<int>(policy), counts.samples, counts.redraws, n * q);
    CHECK(std::abs(static_cast<double>(counts.samples) - n * q) < 6 * std::sqrt(n * q * (1 - q)));
    if (policy == NonPositiveMassPolicy::clip) {
      CHECK(counts.clipped >= counts.samples);  // also 0 < m < floor
      CHECK(min_mass == 0.01);                  // the default floor
    } else {
      CHECK(counts.clipped == 0);
      CHECK(min_mass > 0);
      CHECK(std::abs(static_cast<double>(counts.redraws) - n * q / (1 - q)) <
            6 * std::sqrt(n * q) / (1 - q));
      CHECK(counts.points == counts.redraws);  // one point: every redraw met exactly one
    }
  }
}

TEST_CASE("redraw continues the sample's own stream and stays reproducible", "[random]") {
  // KL field at ε = 2^−5 with D = 5.66: s·D = 1 (s = ε^½), so ~16 % of points and a large
  // share of samples are non-positive and need redraws; P(no redraw in 60 samples) < 1e-5.
  const double eps = 0x1p-5;
  const wavekin::SeparableCorrelation<> covariance{1 / std::sqrt(eps), 100, 100};
  const wavekin::KarhunenLoeveExpansion kl(covariance, eps, 0.4, 1.625);
  std::vector<double> x, times{0, 0.2, 0.4};
  for (int k = 0; k < 13; ++k) x.push_back(0.125 * k);
  wavekin::KarhunenLoeveEvaluator evaluator(kl, x);
  const std::vector<double> m0(times.size() * x.size(), 1.0);
  const auto draw_into = [&](wavekin::RandomStream& stream, std::span<double> m1) {
    const auto xi = kl.draw_xi(stream, wavekin::XiDistribution::gaussian);
    for (std::size_t n = 0; n < times.size(); ++n)
      evaluator.evaluate(xi, times[n], m1.subspan(n * x.size(), x.size()));
  };
  const auto sample_mass = [&](RandomMass& mass, std::uint64_t sample, int& redraws) {
    wavekin::RandomStream stream(77, sample);
    std::vector<double> out(m0.size());
    redraws = mass.assemble_sample(
        sample, times, x, m0, [&](std::span<double> m1) { draw_into(stream, m1); }, out);
    return out;
  };
  RandomMass mass(eps, {0.5, NonPositiveMassPolicy::redraw});
  int total = 0;
  for (std::uint64_t sample = 0; sample < 60; ++sample) {
    int redraws = 0;
    const auto out = sample_mass(mass, sample, redraws);
    total += redraws;
    for (double m : out) REQUIRE(m > 0);
    // Reproducible: another object, another call, the same bits.
    RandomMass again(eps, {0.5, NonPositiveMassPolicy::redraw});
    int redraws_again = 0;
    CHECK(sample_mass(again, sample, redraws_again) == out);
    CHECK(redraws_again == redraws);
    // The accepted field is draw number redraws + 1 of the sample's stream.
    wavekin::RandomStream stream(77, sample);
    std::vector<double> m1(m0.size());
    for (int k = 0; k <= redraws; ++k) draw_into(stream, m1);
    for (std::size_t k = 0; k < m1.size(); ++k) REQUIRE(out[k] == 1 + mass.scale() * m1[k]);
  }
  CHECK(total > 0);
  CHECK(static_cast<int>(mass.counts().redraws) == total);

  // A mass that can never be positive gives up after max_redraws, naming the sample.
  RandomMass hopeless(eps, {0.5, NonPositiveMassPolicy::redraw, 0.01, 3});
  const std::vector<double> negative(m0.size(), -1.0);
  std::vector<double> out(m0.size());
  CHECK_THROWS_WITH(hopeless.assemble_sample(
                        9, times, x, negative,
                        [](std::span<double> m1) {
                          for (double& v : m1) v = 0;
                        },
                        out),
                    Contains("sample 9") && Contains("3 redraws"));
  CHECK(hopeless.counts().redraws == 3);
}

TEST_CASE("bad random-mass input is rejected with the value named", "[random]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(RandomMass(0), Contains("epsilon") && Contains("got 0"));
  CHECK_THROWS_WITH(RandomMass(0.1, {nan}), Contains("gamma"));
  CHECK_THROWS_WITH(RandomMass(0.1, {0.5, NonPositiveMassPolicy::clip, 0}), Contains("floor"));
  CHECK_THROWS_WITH(RandomMass(0.1, {0.5, NonPositiveMassPolicy::redraw, 0.1, -1}),
                    Contains("max_redraws") && Contains("-1"));
  RandomMass mass(0.25);
  std::vector<double> out(2);
  const std::vector<double> two{1, 1}, three{1, 1, 1}, with_nan{1, nan};
  CHECK_THROWS_WITH(mass.assemble(0, 0, {}, two, three, out), Contains("differ"));
  CHECK_THROWS_WITH(mass.assemble(0, 0, {}, two, with_nan, out), Contains("not finite"));
  std::vector<double> big(6);
  CHECK_THROWS_WITH(mass.assemble_sample(
                        0, two, three, two, [](std::span<double>) {}, big),
                    Contains("expected 2 x 3"));
}

}  // namespace wavekin_test_random_mass
