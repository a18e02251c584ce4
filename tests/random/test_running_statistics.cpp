// Tests for wavekin/random/running_statistics.hpp: Welford statistics against two-pass
// sums, Chan merges of random splits, bitwise determinism of chunked reductions, serialisation.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <Eigen/Core>

#include "wavekin/random/random_stream.hpp"
#include "wavekin/random/running_statistics.hpp"

#include "random_test_support.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_running_statistics {

using Catch::Matchers::Contains;
using wavekin::ObservableSpec;
using wavekin::RunningStatistics;
using wavekin_test::same_bits;
using Sample = std::vector<Eigen::VectorXd>;

namespace {

const std::vector<ObservableSpec> specs{{"rho", 6, true}, {"J", 4, false}};

// Correlated samples with a large offset (mean ~1e3, spread ~1): the case where the
// one-pass Σx² − n x̄² formula would lose six digits and Welford must not.
std::vector<Sample> make_samples(std::size_t n, std::uint64_t seed) {
  wavekin::RandomStream stream(seed, 0);
  std::vector<Sample> out;
  for (std::size_t s = 0; s < n; ++s) {
    Eigen::VectorXd rho(6), j(4);
    const double common = stream.normal();
    for (Eigen::Index i = 0; i < 6; ++i)
      rho[i] = 1000.0 + 10.0 * static_cast<double>(i) +
               common * (0.5 + 0.1 * static_cast<double>(i)) + stream.normal();
    for (Eigen::Index i = 0; i < 4; ++i) j[i] = -3.0 + 0.01 * stream.normal() + 2 * common;
    out.push_back({rho, j});
  }
  return out;
}

// Two-pass truth: the mean first, then sums of products of deviations.
struct TwoPass {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
};
TwoPass two_pass(const std::vector<Sample>& samples, std::size_t k) {
  const auto n = samples[0][k].size();
  TwoPass t{Eigen::VectorXd::Zero(n), Eigen::MatrixXd::Zero(n, n)};
  for (const auto& s : samples) t.mean += s[k];
  t.mean /= static_cast<double>(samples.size());
  for (const auto& s : samples) {
    const Eigen::VectorXd d = s[k] - t.mean;
    t.covariance += d * d.transpose();
  }
  t.covariance /= static_cast<double>(samples.size() - 1);
  return t;
}

RunningStatistics accumulate(const std::vector<Sample>& samples, std::size_t begin,
                             std::size_t end) {
  RunningStatistics s(specs);
  for (std::size_t i = begin; i < end; ++i) s.add(samples[i]);
  return s;
}

double relative_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

}  // namespace

TEST_CASE("RunningStatistics: exact values on small integer data", "[random][statistics]") {
  RunningStatistics s({{"x", 2, true}});
  for (double v : {1.0, 2.0, 3.0, 4.0}) s.add(Sample{Eigen::Vector2d(v, -2 * v)});
  CHECK(s.count() == 4);
  // Welford on 1..4: the weights (n−1)/n are 0, 1/2, 2/3, 3/4 and only fl(2/3) is
  // inexact, but fl(2/3)·2.25 rounds back to 1.5; so M = 5 exactly and the results carry
  // only the final division by n − 1 = 3 (one rounding).
  CHECK(s.mean(0)[0] == 2.5);
  CHECK(s.mean(0)[1] == -5.0);
  CHECK(s.variance(0)[0] == 5.0 / 3.0);
  CHECK(s.variance(0)[1] == 20.0 / 3.0);
  const Eigen::MatrixXd c = s.covariance(0);
  CHECK(c(0, 1) == -10.0 / 3.0);
  CHECK(c(1, 0) == c(0, 1));
  CHECK(s.standard_error(0)[0] == Approx(std::sqrt(5.0 / 3.0 / 4.0)).epsilon(1e-15));
}

TEST_CASE("RunningStatistics: Welford agrees with the two-pass formulas", "[random][statistics]") {
  const auto samples = make_samples(2000, 11);
  const auto s = accumulate(samples, 0, samples.size());
  REQUIRE(s.count() == 2000);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const auto truth = two_pass(samples, k);
    // Means ~1e3 summed over 2000 terms: both are correct to ~√n·ε relative (random
    // rounding); measured 2.5e-15, so 1e-14 leaves a factor 4.
    CHECK(relative_difference(s.mean(k), truth.mean) < 1e-14);
    // Variances of spread-1 data at offset 1e3 (condition number κ ≈ 1e3): Welford's
    // relative error is O(κ ε) ≈ 1e-13 at worst; measured 3.3e-14, so 1e-12 is loose
    // but still far below the naive one-pass Σx² − n x̄² formula's measured 2.5e-9.
    const Eigen::VectorXd diagonal = truth.covariance.diagonal();
    CHECK(relative_difference(s.variance(k), diagonal) < 1e-12);
    CHECK(relative_difference(s.standard_deviation(k), diagonal.cwiseSqrt()) < 1e-12);
    if (specs[k].covariance) {
      const Eigen::MatrixXd c = s.covariance(k);
      CHECK(relative_difference(c, truth.covariance) < 1e-12);
      CHECK(c == c.transpose());  // rank-one updates of one triangle: exactly symmetric
      CHECK(relative_difference(c.diagonal(), s.variance(k)) < 1e-14);
    }
  }
  CHECK(s.index_of("J") == 1);
}

TEST_CASE("RunningStatistics: merging random splits equals sequential accumulation",
          "[random][statistics]") {
  const auto samples = make_samples(1000, 23);
  const auto sequential = accumulate(samples, 0, samples.size());
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    // A random partition into 1–12 parts of random (non-contiguous) subsets…
    const std::size_t parts = 1 + rng() % 12;
    std::vector<RunningStatistics> pieces(parts, RunningStatistics(specs));
    for (const auto& sample : samples) pieces[rng() % parts].add(sample);
    // …merged in a random order.
    std::shuffle(pieces.begin(), pieces.end(), rng);
    RunningStatistics merged;
    for (const auto& piece : pieces) merged.merge(piece);
    REQUIRE(merged.count() == sequential.count());
    for (std::size_t k = 0; k < specs.size(); ++k) {
      // Both are exact formulas evaluated in different orders: they differ by rounding,
      // O(ε) for the means and O(κ ε) for the spread (κ ≈ 1e3 at offset 1e3); worst over
      // the 20 trials measured 2.2e-15 (means) and 1.6e-13 ((co)variances).
      CHECK(relative_difference(merged.mean(k), sequential.mean(k)) < 1e-14);
      CHECK(relative_difference(merged.variance(k), sequential.variance(k)) < 1e-12);
      if (specs[k].covariance)
        CHECK(relative_difference(merged.covariance(k), sequential.covariance(k)) < 1e-12);
    }
  }
  // Merging something empty changes nothing, bitwise.
  auto copy = sequential;
  copy.merge(RunningStatistics(specs));
  CHECK(same_bits(copy, sequential));
}

TEST_CASE("RunningStatistics: a chunked reduction is bitwise independent of evaluation order",
          "[random][statistics]") {
  const auto samples = make_samples(300, 37);
  constexpr std::size_t chunk = 16;
  const std::size_t chunks = (samples.size() + chunk - 1) / chunk;
  const auto chunk_statistics = [&](std::size_t c) {
    return accumulate(samples, c * chunk, std::min(samples.size(), (c + 1) * chunk));
  };
  // Reference: chunks computed and merged in order.
  RunningStatistics in_order;
  for (std::size_t c = 0; c < chunks; ++c) in_order.merge(chunk_statistics(c));
  // Chunks computed in a shuffled order (as threads would finish them), merged in order.
  std::vector<std::size_t> order(chunks);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(3));
  std::vector<RunningStatistics> computed(chunks);
  for (const std::size_t c : order) computed[c] = chunk_statistics(c);
  RunningStatistics shuffled;
  for (const auto& c : computed) shuffled.merge(c);
  CHECK(same_bits(in_order, shuffled));
  // A different merge order is not bitwise equal in general, which is why the order is fixed.
  RunningStatistics reversed;
  for (std::size_t c = chunks; c-- > 0;) reversed.merge(computed[c]);
  CHECK(reversed.count() == in_order.count());
  CHECK_FALSE(same_bits(in_order, reversed));
}

TEST_CASE("RunningStatistics: serialisation round trip is bitwise and resumable",
          "[random][statistics]") {
  const auto samples = make_samples(200, 41);
  const auto half = accumulate(samples, 0, 100);
  const auto state = half.serialize();
  // 1 count + (6 + 6 + 21) for rho + (4 + 4) for J.
  CHECK(state.size() == 42);
  auto restored = RunningStatistics::deserialize(specs, state);
  CHECK(same_bits(restored, half));
  // Continuing after a restore equals never having stopped, bitwise.
  for (std::size_t i = 100; i < 200; ++i) restored.add(samples[i]);
  CHECK(same_bits(restored, accumulate(samples, 0, 200)));

  auto short_state = state;
  short_state.pop_back();
  CHECK_THROWS_WITH(RunningStatistics::deserialize(specs, short_state),
                    Contains("41 numbers") && Contains("need 42"));
  auto bad_count = state;
  bad_count[0] = 2.5;
  CHECK_THROWS_WITH(RunningStatistics::deserialize(specs, bad_count), Contains("2.5"));
}

TEST_CASE("RunningStatistics: bad input is rejected with a message naming it",
          "[random][statistics]") {
  CHECK_THROWS_WITH(RunningStatistics({{"rho", 0, false}}), Contains("'rho' has size 0"));
  CHECK_THROWS_WITH(RunningStatistics({{"a", 1, false}, {"a", 2, false}}),
                    Contains("'a' appears twice"));
  // A covariance of 2^32 entries per side (1.5e20 bytes) is refused before the allocation.
  CHECK_THROWS_WITH(RunningStatistics({{"rho", std::size_t{1} << 32, true}}),
                    Contains("'rho' of size 4294967296 with its covariance needs about") &&
                        Contains("this machine has"));
  RunningStatistics s(specs);
  CHECK_THROWS_WITH(s.add(Sample{Eigen::VectorXd::Zero(6)}), Contains("got 1 observables"));
  CHECK_THROWS_WITH(s.add(Sample{Eigen::VectorXd::Zero(5), Eigen::VectorXd::Zero(4)}),
                    Contains("'rho' has 5 entries, expected 6"));
  Eigen::VectorXd nan = Eigen::VectorXd::Zero(4);
  nan[2] = std::nan("");
  CHECK_THROWS_WITH(s.add(Sample{Eigen::VectorXd::Zero(6), nan}), Contains("entry 2"));
  CHECK(s.count() == 0);  // rejected samples leave no trace
  s.add(Sample{Eigen::VectorXd::Zero(6), Eigen::VectorXd::Zero(4)});
  CHECK_THROWS_WITH(s.variance(0), Contains("at least 2 samples, have 1"));
  s.add(Sample{Eigen::VectorXd::Ones(6), Eigen::VectorXd::Ones(4)});
  CHECK_THROWS_WITH(s.covariance(1), Contains("'J' was declared without covariance"));
  CHECK_THROWS_WITH(s.mean(2), Contains("index 2 out of range"));
  CHECK_THROWS_WITH(s.index_of("W"), Contains("'W'"));
  RunningStatistics other({{"rho", 6, false}, {"J", 4, false}});
  CHECK_THROWS_WITH(s.merge(other), Contains("covariance true") && Contains("covariance false"));
}

}  // namespace wavekin_test_running_statistics
