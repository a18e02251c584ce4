// Tests for wavekin/random/random.hpp: the umbrella pulls in every header of the module.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include "wavekin/random/random.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_random_umbrella {

TEST_CASE("random umbrella exposes covariances, streams, KL, samplers and the mass", "[random]") {
  const wavekin::SeparableCorrelation<> covariance{1.5, 100, 100};
  const wavekin::KarhunenLoeveExpansion kl(covariance, 0x1p-6, 0.4, 1.625);
  CHECK(kl.size() == 663);  // P2 §4.2.2
  auto sampler = wavekin::make_streaming_sampler(
      covariance, 0x1p-6, wavekin::PeriodicGrid<1>::cube(8, 1.0), 0.01, 1, 0);
  sampler.advance();
  CHECK(sampler.steps() == 1);
  const wavekin::RandomMass mass(0x1p-6);
  CHECK(mass.scale() == 0.125);
  CHECK(wavekin::SeparableCorrelation<wavekin::GaussianCorrelation<1>,
                                      wavekin::GaussianCorrelation<1>>(1, 1, 1)
            .variance() == 1);
}

}  // namespace wavekin_test_random_umbrella
