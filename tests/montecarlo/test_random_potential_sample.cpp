// Tests for wavekin/montecarlo/random_potential_sample.hpp: with N ≡ 0 a sample of P1 (4.1) is
// the exact Bloch propagator SupercellBloch::evolve up to the Strang error O(Δt²); the sampled N
// has the correlation's covariance R(d_T/ε) within Monte Carlo error; samples are reproducible.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/montecarlo/random_potential_sample.hpp"

#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_random_potential_sample {

using namespace wavekin::test::matchers;
using namespace wavekin::test::common;
using wavekin::test::verbose;

namespace {

// The unit line, V(z) = 2 cos 2πz, M = 16 cells of n = 16 points, ε = 1/8: x-box εM = 2.
const wavekin::Lattice<1> line = wavekin::Lattice<1>::line(1.0);
wavekin::CosineSum<1> cosine() {
  wavekin::CosineSum<1> v;
  v.add(2.0, wavekin::lattice_index(1));
  return v;
}

}  // namespace

TEST_CASE("a random-potential sample with N = 0 is the exact Bloch propagator (1D)",
          "[montecarlo]") {
  const double epsilon = 1.0 / 8, box = epsilon * 16;
  const wavekin::Supercell<1> cell(line, 16, 16);
  const wavekin::SupercellBloch<1> bloch(cell, cosine());
  // Bands 0 and 1 at p_5, Gaussian envelopes of width 0.2 in x.
  const auto phi0 = wavekin::bloch_wave_packet(
      bloch, 5, {0, 1},
      [&](const Vec1& x) {
        const double g = std::exp(-std::pow((x[0] - box / 2) / 0.2, 2) / 2);
        Eigen::VectorXcd a(2);
        a << g, cplx(0.3, -0.5) * g;
        return a;
      },
      epsilon);
  const double t_end = 0.25;
  const auto exact = bloch.inverse(bloch.evolve(bloch.forward(phi0), t_end, epsilon));
  const wavekin::PeriodicGrid<1> grid({cell.size()}, Vec1(box));
  // D = 0: no random potential; the sampler is never built.
  const wavekin::GaussianCorrelation<1> none(1.0, 0.0);
  std::vector<double> errors, steps;
  for (int count : {100, 200, 400}) {
    const wavekin::RandomPotentialSample<1> sample(
        {grid, epsilon, t_end / count, bloch.potential_samples()}, none);
    CHECK_FALSE(sample.is_random());
    std::vector<cplx> u = phi0;
    int observed = 0;
    sample.run(7, 3, u, count, [&](std::span<const cplx>, double, std::int64_t) { ++observed; });
    CHECK(observed == count + 1);
    errors.push_back(relative_l2_error(u, exact));
    steps.push_back(t_end / count);
  }
  const double order = wavekin::log_log_slope(steps, errors);
  if (verbose())
    fmt::print("N = 0 sample vs SupercellBloch::evolve: errors {:.3e} {:.3e} {:.3e}, order {:.3f}\n",
               errors[0], errors[1], errors[2], order);
  // Strang: the error is C Δt² (measured order 2.006, errors 3.3e-3, 8.2e-4, 2.0e-4), so the
  // order must be 2 to the O(Δt²) correction of the constant, and the finest error small:
  // a wrong kinetic symbol, ε scaling or potential gives O(1) errors and order ≈ 0.
  CHECK_THAT(order, WithinAbs(2.0, 0.05));
  CHECK(errors.back() < 1e-3);
}

TEST_CASE("the sampled N has the correlation's covariance on the torus", "[montecarlo]") {
  // 64 points on an x-box of 1 at ε = 1/16 (z-box 16), Gaussian R with ℓ = 0.8 and D = 1.5.
  const double epsilon = 1.0 / 16;
  const auto grid = wavekin::PeriodicGrid<1>::cube(64, 1.0);
  const wavekin::GaussianCorrelation<1> correlation(0.8, 1.5);
  const wavekin::RandomPotentialSample<1> sample(
      {grid, epsilon, 0.01, std::vector<double>(64, 0.0)}, correlation);
  REQUIRE(sample.is_random());
  // Estimator of R at lag k points: (1/64) Σ_i N_i N_{i+k mod 64}, averaged over samples; its
  // standard error is the samples' own standard deviation / √samples.
  const std::vector<int> lags{0, 1, 3, 6, 32};
  const std::size_t samples = 4000;
  std::vector<double> sum(lags.size(), 0), sum_sq(lags.size(), 0);
  std::vector<double> field(64);
  for (std::uint64_t s = 0; s < samples; ++s) {
    sample.draw(5, s, field);
    for (std::size_t l = 0; l < lags.size(); ++l) {
      double e = 0;
      for (std::size_t i = 0; i < 64; ++i)
        e += field[i] * field[(i + static_cast<std::size_t>(lags[l])) % 64];
      e /= 64;
      sum[l] += e;
      sum_sq[l] += e * e;
    }
  }
  for (std::size_t l = 0; l < lags.size(); ++l) {
    const double mean = sum[l] / samples;
    const double se = std::sqrt((sum_sq[l] / samples - mean * mean) / (samples - 1));
    const double lag_z = std::min(lags[l], 64 - lags[l]) * grid.spacing(0) / epsilon;
    const double target = correlation.value(lag_z);
    CAPTURE(lags[l], mean, target, se);
    // 5 standard errors: a correct sampler fails with probability ~6e-7 per lag.
    CHECK(std::abs(mean - target) < 5 * se + 1e-12);
    // Power: where R is not negligible the bound is below 15 % of R(lag) (lags 0, 1, 3, 6 are
    // z = 0, 0.25, 0.75, 1.5: R/D² = 1, 0.95, 0.64, 0.17; lag 32, z = 8: R = 2e-22 D², checked
    // by the absolute bound: a non-periodic or wrongly scaled field would correlate there).
    if (target > 0.1 * correlation.variance()) CHECK(5 * se < 0.15 * target);
  }
  // Reproducible per (seed, sample), and two samples differ.
  std::vector<double> again(64), other(64);
  sample.draw(5, 17, field);
  sample.draw(5, 17, again);
  sample.draw(5, 18, other);
  CHECK(field == again);
  CHECK(field != other);
}

TEST_CASE("a random-potential sample is reproducible and unitary", "[montecarlo]") {
  const double epsilon = 1.0 / 8;
  const auto grid = wavekin::PeriodicGrid<1>::cube(256, 2.0);
  const wavekin::GaussianCorrelation<1> correlation(1.0, 2.0);
  const wavekin::RandomPotentialSample<1> sample(
      {grid, epsilon, epsilon / 20, std::vector<double>(256, 0.5)}, correlation);
  std::vector<cplx> u(256), v;
  for (std::ptrdiff_t i = 0; i < 256; ++i) {
    const double x = grid.coordinate(0, i) - 1;
    u[static_cast<std::size_t>(i)] = std::exp(cplx(-8 * x * x, 2.3 * x / epsilon));
  }
  const std::vector<cplx> u0 = u;
  v = u;
  sample.run(9, 2, u, 40);
  sample.run(9, 2, v, 40);
  CHECK(u == v);
  double before = 0, after = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    before += std::norm(u0[i]);
    after += std::norm(u[i]);
  }
  // Each Strang factor is unitary: 40 steps of 256-point FFTs lose ~1e-15 relative.
  CHECK_THAT(after, WithinRel(before, 1e-12));
  // The random potential acts: another sample gives another wave.
  v = u0;
  sample.run(9, 3, v, 40);
  CHECK(relative_l2_error(u, v) > 1e-3);
  // Observed every 8th step (the steps between run merged) against observed at every step: the
  // same wave at every observation to round-off (merged half-steps round once instead of twice:
  // ~1e-16 a point a step, 40 steps of FFT round-off ~1e-15; 1e-13 leaves a margin of ~50).
  std::vector<std::vector<cplx>> every_step, strided;
  auto w = u0, x = u0;
  sample.run(9, 2, w, 40, [&](std::span<const cplx> wave, double, std::int64_t k) {
    if (k % 8 == 0) every_step.emplace_back(wave.begin(), wave.end());
  });
  sample.run(9, 2, x, 40, wavekin::every(8, [&](std::span<const cplx> wave, double, std::int64_t) {
               strided.emplace_back(wave.begin(), wave.end());
             }));
  REQUIRE(every_step.size() == 6);
  REQUIRE(strided.size() == 6);
  double worst = 0;
  for (std::size_t j = 0; j < strided.size(); ++j)
    worst = std::max(worst, relative_l2_error(strided[j], every_step[j]));
  if (verbose()) fmt::print("observed every 8th step against every step: {:.3e}\n", worst);
  CHECK(worst <= 1e-13);
  CHECK(strided.back() != every_step.back());  // the merged path ran, not the per-step one
}

TEST_CASE("bad random-potential setups are rejected with the value named", "[montecarlo]") {
  const auto grid = wavekin::PeriodicGrid<1>::cube(64, 1.0);
  const wavekin::GaussianCorrelation<1> correlation(0.8, 1.0);
  using Sample = wavekin::RandomPotentialSample<1>;
  const std::vector<double> v(64, 0.0);
  CHECK_THROWS_WITH(Sample({grid, 0.0, 0.01, v}, correlation), Contains("ε") && Contains("0"));
  CHECK_THROWS_WITH(Sample({grid, 0.1, -1.0, v}, correlation), Contains("Δt"));
  CHECK_THROWS_WITH(Sample({grid, 0.1, 0.01, std::vector<double>(3)}, correlation),
                    Contains("3 potential values") && Contains("64"));
  std::vector<double> bad = v;
  bad[5] = std::nan("");
  CHECK_THROWS_WITH(Sample({grid, 0.1, 0.01, bad}, correlation), Contains("grid point 5"));
  // A correlation as long as the torus: the unpadded circulant is not non-negative.
  CHECK_THROWS_WITH(Sample({grid, 1.0, 0.01, v}, wavekin::GaussianCorrelation<1>(0.6, 1.0)),
                    Contains("negative eigenvalue"));
  const Sample ok({grid, 0.1, 0.01, v}, correlation);
  std::vector<double> small(3);
  CHECK_THROWS_WITH(ok.draw(1, 0, small), Contains("3 entries"));
  std::vector<cplx> wave(64);
  CHECK_THROWS_WITH(ok.run(1, 0, wave, -1), Contains("steps"));
}

}  // namespace wavekin_test_random_potential_sample
