// Tests for wavekin/random/streaming_sampler.hpp: stationary variance and lag correlations
// in time and space of the AR(1)-in-x and circulant samplers (1D exponential, 2D Gaussian)
// against exact targets with Isserlis standard errors, reproducibility and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "random_test_support.hpp"
#include "wavekin/random/streaming_sampler.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_streaming_sampler {

using Catch::Matchers::Contains;
using wavekin::CirculantEmbedding;
using wavekin::ExponentialLineSampler;
using wavekin::GaussianCorrelation;
using wavekin::PeriodicGrid;
using wavekin::RandomStream;
using wavekin::SeparableCorrelation;
using wavekin::StreamingSampler;
using wavekin::StreamPurpose;

namespace {

// A space–time point: time level and flat grid index.
struct Node {
  int step;
  std::ptrdiff_t index;
};
using Pairs = std::vector<std::pair<Node, Node>>;

// Runs N independent samples of `steps` levels (with `averages`, steps−1 advance(step_average)
// calls: level 2j is the field at step j, level 2j+1 the average over step j) and checks, for each
// named estimator (1/K) Σ_k m(a_k) m(b_k), that its mean over samples is within 6 standard errors
// of the target covariance; the standard error is exact for Gaussian fields (Isserlis, see
// random_test_support.hpp), so a correct sampler fails with probability ~2e-9 each.
template <class MakeSampler, class Covariance>
void check_moments(MakeSampler&& make_sampler, int steps, std::size_t N,
                   const std::vector<std::pair<const char*, Pairs>>& estimators,
                   Covariance&& covariance, bool averages = false) {
  std::vector<double> sums(estimators.size(), 0.0);
  for (std::size_t sample = 0; sample < N; ++sample) {
    auto sampler = make_sampler(sample);
    std::vector<std::vector<double>> path;
    std::vector<double> average(sampler.field().size());
    for (int n = 0; n < steps; ++n) {
      if (n > 0 && averages) {
        sampler.advance(average);
        path.push_back(average);
      } else if (n > 0) {
        sampler.advance();
      }
      path.emplace_back(sampler.field().begin(), sampler.field().end());
    }
    for (std::size_t e = 0; e < estimators.size(); ++e) {
      double sum = 0;
      for (const auto& [a, b] : estimators[e].second)
        sum += path[static_cast<std::size_t>(a.step)][static_cast<std::size_t>(a.index)] *
               path[static_cast<std::size_t>(b.step)][static_cast<std::size_t>(b.index)];
      sums[e] += sum / static_cast<double>(estimators[e].second.size());
    }
  }
  for (std::size_t e = 0; e < estimators.size(); ++e) {
    const auto& pairs = estimators[e].second;
    double target = 0;
    for (const auto& [a, b] : pairs) target += covariance(a, b);
    target /= static_cast<double>(pairs.size());
    const double se = std::sqrt(wavekin_test::product_estimator_variance<Node>(pairs, covariance) /
                                static_cast<double>(N));
    const double estimate = sums[e] / static_cast<double>(N);
    CAPTURE(estimators[e].first, estimate, target, se);
    CHECK(std::abs(estimate - target) < 6 * se);
    // The test has power: the bound is well below the target (< 10 % of it).
    CHECK(6 * se < 0.1 * std::abs(target));
  }
}

// 1D estimators on n points: variance at levels 0 and 3, space lags 1, 2, 5 at level 2,
// time lags 1, 2, 3 from level 0.
std::vector<std::pair<const char*, Pairs>> line_estimators(std::ptrdiff_t n) {
  std::vector<std::pair<const char*, Pairs>> out;
  Pairs variance0, variance3;
  for (std::ptrdiff_t k = 0; k < n; ++k) {
    variance0.push_back({{0, k}, {0, k}});
    variance3.push_back({{3, k}, {3, k}});
  }
  out.emplace_back("variance, level 0", variance0);
  out.emplace_back("variance, level 3", variance3);
  for (std::ptrdiff_t lag : {1, 2, 5}) {
    Pairs pairs;
    for (std::ptrdiff_t k = 0; k + lag < n; ++k) pairs.push_back({{2, k}, {2, k + lag}});
    out.emplace_back(lag == 1 ? "x lag 1" : lag == 2 ? "x lag 2" : "x lag 5", pairs);
  }
  for (int lag : {1, 2, 3}) {
    Pairs pairs;
    for (std::ptrdiff_t k = 0; k < n; ++k) pairs.push_back({{0, k}, {lag, k}});
    out.emplace_back(lag == 1 ? "t lag 1" : lag == 2 ? "t lag 2" : "t lag 3", pairs);
  }
  return out;
}

// P2 (4.15) read at (t/ε, x/ε): D = 1.5, a = b = 100, ε = 2^−10, so τ = ℓ = 0.0977;
// 32 points on [0, 1] (h/ℓ = 0.32) and Δt = 0.05 (ρ = 0.60).
const SeparableCorrelation<> paper_covariance{1.5, 100, 100};
constexpr double eps = 0x1p-10, dt = 0.05;
const PeriodicGrid<1> line = PeriodicGrid<1>::cube(32, 1.0);

double line_covariance(const Node& p, const Node& q) {
  const double tau = paper_covariance.correlation_time() * eps,
               ell = paper_covariance.correlation_length() * eps;
  return paper_covariance.variance() * std::exp(-std::abs(p.step - q.step) * dt / tau) *
         std::exp(-static_cast<double>(std::abs(p.index - q.index)) * line.spacing(0) / ell);
}

}  // namespace

TEST_CASE("AR(1) in time and x has variance D² and exponential lag correlations", "[random]") {
  check_moments(
      [](std::size_t sample) {
        return wavekin::make_streaming_sampler(paper_covariance, eps, line, dt, 11, sample);
      },
      4, 12000, line_estimators(line.size()), line_covariance);
  const auto sampler = wavekin::make_streaming_sampler(paper_covariance, eps, line, dt, 11, 0);
  CHECK_THAT(sampler.step_correlation(),
             Catch::Matchers::WithinRel(std::exp(-dt / (100 * eps)), 1e-15));
}

// The stationary OU process X (unit variance, correlation e^{−|t−s|/τ}) at x = Δt/τ: the
// covariances of its values X_j = X(jΔt) and step averages Ā_j = (1/Δt)∫_{jΔt}^{(j+1)Δt} X dt,
// by integrating e^{−|t−s|/τ} over the steps (ρ = e^{−x}):
//   Cov(X_j, X_k) = ρ^{|j−k|};
//   Cov(Ā_j, X_k) = ρ^{j−k}(1−ρ)/x for k ≤ j, ρ^{k−j−1}(1−ρ)/x for k ≥ j+1;
//   Var Ā_j = 2(x − 1 + ρ)/x², Cov(Ā_j, Ā_k) = ρ^{|j−k|−1}(1−ρ)²/x² for j ≠ k.
// Levels as check_moments records them with averages: 2j is X_j, 2j+1 is Ā_j.
double ou_level_covariance(int a, int b, double x) {
  const double rho = std::exp(-x), w = (1 - rho) / x;
  const bool average_a = a % 2 == 1, average_b = b % 2 == 1;
  const int j = a / 2, k = b / 2;
  if (!average_a && !average_b) return std::pow(rho, std::abs(j - k));
  if (average_a && average_b)
    return j == k ? 2 * (x - 1 + rho) / (x * x) : std::pow(rho, std::abs(j - k) - 1) * w * w;
  const int avg = average_a ? j : k, point = average_a ? k : j;
  return point <= avg ? std::pow(rho, avg - point) * w : std::pow(rho, point - avg - 1) * w;
}

TEST_CASE("step averages have the exact joint law with the path", "[random]") {
  // Δt = 0.7τ: the independent part σ² of Ā is 14 % of its variance (0.11 of 0.80), so a law
  // without it fails these 6-standard-error bounds by far.
  const double x = 0.7, tau = paper_covariance.correlation_time() * eps;
  const double ell = paper_covariance.correlation_length() * eps;
  const auto target = [&](const Node& p, const Node& q) {
    return paper_covariance.variance() * ou_level_covariance(p.step, q.step, x) *
           std::exp(-static_cast<double>(std::abs(p.index - q.index)) * line.spacing(0) / ell);
  };
  const std::ptrdiff_t n = line.size();
  std::vector<std::pair<const char*, Pairs>> estimators;
  const auto levels = [&](const char* name, int a, int b, std::ptrdiff_t lag) {
    Pairs pairs;
    for (std::ptrdiff_t k = 0; k + lag < n; ++k) pairs.push_back({{a, k}, {b, k + lag}});
    estimators.emplace_back(name, pairs);
  };
  levels("var A0", 1, 1, 0);
  levels("var A1", 3, 3, 0);
  levels("A0 x lag 1", 1, 1, 1);
  levels("A0, X0", 1, 0, 0);
  levels("A0, X1", 1, 2, 0);
  levels("A0, X2", 1, 4, 0);
  levels("A0, A1", 1, 3, 0);
  levels("A1, X0, x lag 1", 3, 0, 1);
  levels("var X2", 4, 4, 0);
  check_moments(
      [&](std::size_t sample) {
        return wavekin::make_streaming_sampler(paper_covariance, eps, line, x * tau, 21, sample);
      },
      3, 12000, estimators, target, true);
}

TEST_CASE("step-average weights are the regression of the average on the step's ends", "[random]") {
  // Independent of the closed forms: regress Ā on (X_k, X_{k+1}) through the Schur complement
  // of their stationary covariance (ou_level_covariance), in long double. Ā = b₀X_k + b₁X_{k+1}
  // + R with X_{k+1} = ρX_k + √(1−ρ²)Z₁ gives μ = b₀ + ρb₁, ν = √(1−ρ²)b₁, σ² = Var R. The
  // residual σ² ~ x/6 is a difference of O(1) numbers, themselves differences (x − 1 + ρ), so
  // the reference loses digits as x falls: against a 40-digit evaluation of σ it is off by 1.3e-13
  // at x = 0.01 and by 3e-16 at x = 0.05, so 1e-13 bounds it from x = 0.05 on. Smaller x below.
  for (const double x : {0.05, 0.1, 0.1999, 0.2, 0.2001, 0.5, 0.7, 1.0, 3.0, 10.0, 50.0}) {
    const long double rho = std::exp(-static_cast<long double>(x)), X = x;
    const long double w = (1 - rho) / X, var_a = 2 * (X - 1 + rho) / (X * X);
    const long double det = 1 - rho * rho;
    const long double b0 = (w - rho * w) / det, b1 = (w - rho * w) / det;
    const long double residual = var_a - (b0 * w + b1 * w);
    const auto weights = wavekin::StepAverageWeights::of(x);
    CAPTURE(x);
    CHECK_THAT(weights.start,
               Catch::Matchers::WithinRel(static_cast<double>(b0 + rho * b1), 1e-13));
    CHECK_THAT(weights.innovation,
               Catch::Matchers::WithinRel(static_cast<double>(std::sqrt(det) * b1), 1e-13));
    CHECK_THAT(weights.independent,
               Catch::Matchers::WithinRel(static_cast<double>(std::sqrt(residual)), 1e-13));
  }
  // Small x: σ² = x/6 − x³/60 + O(x⁵) (the series of 4(y − tanh y)/x², y = x/2), so at
  // x = 1e-6 σ = √(x/6) to 1e-13; μ = 1 − x/2 + O(x²), ν = μ√(tanh(x/2)) = √(x/2)(1 − x/2 +
  // O(x²)); the O(x²) terms are below 2e-13 here.
  const auto tiny = wavekin::StepAverageWeights::of(1e-6);
  CHECK_THAT(tiny.independent, Catch::Matchers::WithinRel(std::sqrt(1e-6 / 6), 1e-12));
  CHECK_THAT(tiny.start, Catch::Matchers::WithinRel(1 - 0.5e-6, 1e-12));
  CHECK_THAT(tiny.innovation, Catch::Matchers::WithinRel(std::sqrt(0.5e-6) * (1 - 0.5e-6), 1e-12));
  for (const double bad : {0.0, -1.0, std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()})
    CHECK_THROWS_WITH(wavekin::StepAverageWeights::of(bad),
                      Contains("correlation time") && Contains("got"));
}

TEST_CASE("a path with step averages is the path without them", "[random]") {
  const double dt_here = 0.7 * paper_covariance.correlation_time() * eps;
  auto plain = wavekin::make_streaming_sampler(paper_covariance, eps, line, dt_here, 5, 2);
  auto averaged = wavekin::make_streaming_sampler(paper_covariance, eps, line, dt_here, 5, 2);
  std::vector<double> average(static_cast<std::size_t>(line.size()));
  for (int step = 0; step < 5; ++step) {
    plain.advance();
    averaged.advance(average);
    const auto a = plain.field(), b = averaged.field();
    CHECK(std::vector<double>(a.begin(), a.end()) == std::vector<double>(b.begin(), b.end()));
  }
  CHECK(averaged.steps() == 5);
  // Bad input: a wrong size, and a sampler built without an average stream.
  std::vector<double> short_average(3);
  CHECK_THROWS_WITH(averaged.advance(short_average), Contains("3 entries") && Contains("32"));
  StreamingSampler<ExponentialLineSampler> no_stream(
      std::make_shared<const ExponentialLineSampler>(line, 0.1), 1.0, 0.1, 0.05,
      RandomStream(1, 0, StreamPurpose::streaming));
  CHECK_THROWS_WITH(no_stream.advance(average), Contains("average stream"));
}

TEST_CASE("circulant embedding in x reproduces the same exponential covariance", "[random]") {
  const auto embedding = wavekin::make_circulant_embedding(paper_covariance, eps, line);
  CHECK(embedding->embedding_counts()[0] == 64);
  // In 1D the embedded exponential is non-negative definite (a known property of the
  // minimal embedding of e^{−|x|}): only round-off below zero.
  CHECK(embedding->min_eigenvalue() > -1e-12 * embedding->max_eigenvalue());
  check_moments(
      [&](std::size_t sample) {
        return StreamingSampler<CirculantEmbedding<1>>(
            embedding, paper_covariance.amplitude(), paper_covariance.correlation_time() * eps, dt,
            RandomStream(12, sample, StreamPurpose::streaming));
      },
      4, 12000, line_estimators(line.size()), line_covariance);
}

TEST_CASE("2D circulant embedding samples a Gaussian covariance", "[random]") {
  // 16 × 16 points on [0,1]², Gaussian spatial factor with length bε = 0.125 = 2h,
  // exponential time factor τ = 0.3, Δt = 0.1.
  const SeparableCorrelation<GaussianCorrelation<1>, GaussianCorrelation<2>> covariance{0.8, 1, 4};
  const double epsilon = 0x1p-5;  // bε = 0.125
  const auto grid = PeriodicGrid<2>::cube(16, 1.0);
  const auto embedding = wavekin::make_circulant_embedding(covariance, epsilon, grid);
  const double tau = 0.3, step = 0.1;
  const auto position = [&](std::ptrdiff_t flat) { return grid.point(flat); };
  const auto target = [&](const Node& p, const Node& q) {
    const Eigen::Vector2d lag = (position(p.index) - position(q.index)) / epsilon;
    return covariance.variance() * std::exp(-std::abs(p.step - q.step) * step / tau) *
           covariance.spatial().value(lag);
  };
  std::vector<std::pair<const char*, Pairs>> estimators;
  const auto shifted = [&](const char* name, int level, int other_level, int di, int dj) {
    Pairs pairs;
    for (std::ptrdiff_t i = 0; i + di < 16; ++i)
      for (std::ptrdiff_t j = 0; j + dj < 16; ++j)
        pairs.push_back(
            {{level, grid.flat_index({i, j})}, {other_level, grid.flat_index({i + di, j + dj})}});
    estimators.emplace_back(name, pairs);
  };
  shifted("variance", 1, 1, 0, 0);
  shifted("lag (1,0)", 1, 1, 1, 0);
  shifted("lag (0,1)", 0, 0, 0, 1);
  shifted("lag (1,1)", 2, 2, 1, 1);
  shifted("lag (2,1)", 2, 2, 2, 1);
  shifted("t lag 1", 0, 1, 0, 0);
  shifted("t lag 2, x lag (1,0)", 0, 2, 1, 0);
  check_moments(
      [&](std::size_t sample) {
        return StreamingSampler<CirculantEmbedding<2>>(
            embedding, covariance.amplitude(), tau, step,
            RandomStream(13, sample, StreamPurpose::streaming));
      },
      3, 3000, estimators, target);
}

TEST_CASE("a streamed sample is the same whatever the order or thread", "[random]") {
  const auto embedding = wavekin::make_circulant_embedding(paper_covariance, eps, line);
  const auto path = [&](std::uint64_t sample, bool circulant) {
    std::vector<double> out;
    const auto run = [&](auto sampler) {
      for (int n = 0; n < 5; ++n) {
        if (n > 0) sampler.advance();
        out.insert(out.end(), sampler.field().begin(), sampler.field().end());
      }
    };
    if (circulant) {
      run(StreamingSampler<CirculantEmbedding<1>>(
          embedding, 1.5, 0.1, dt, RandomStream(3, sample, StreamPurpose::streaming)));
    } else {
      run(wavekin::make_streaming_sampler(paper_covariance, eps, line, dt, 3, sample));
    }
    return out;
  };
  for (bool circulant : {false, true}) {
    std::vector<std::vector<double>> in_order(8), threaded(8);
    for (std::uint64_t i = 0; i < 8; ++i) in_order[i] = path(i, circulant);
    std::vector<std::thread> threads;
    for (std::uint64_t i = 8; i-- > 0;)
      threads.emplace_back([&, i] { threaded[i] = path(i, circulant); });
    for (auto& thread : threads) thread.join();
    for (std::size_t i = 0; i < 8; ++i) CHECK(in_order[i] == threaded[i]);  // bitwise
    CHECK(in_order[0] != in_order[1]);
  }
}

TEST_CASE("bad sampler input is rejected with the value named", "[random]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using Vec1 = Eigen::Matrix<double, 1, 1>;
  // Odd and too small grids are refused by the grid the samplers are built on.
  CHECK_THROWS_WITH(PeriodicGrid<1>({7}, Vec1::Constant(1.0)), Contains("even") && Contains("7"));
  CHECK_THROWS_WITH(PeriodicGrid<1>({2}, Vec1::Constant(1.0)), Contains(">= 4"));
  CHECK_THROWS_WITH(ExponentialLineSampler(line, 0),
                    Contains("correlation length") && Contains("got 0"));
  CHECK_THROWS_WITH(ExponentialLineSampler(line, nan), Contains("nan"));
  const auto spatial = std::make_shared<const ExponentialLineSampler>(line, 0.1);
  const RandomStream stream(1, 0);
  using Line = StreamingSampler<ExponentialLineSampler>;
  CHECK_THROWS_WITH(Line(spatial, -1, 0.1, 0.1, stream), Contains("D") && Contains("got -1"));
  CHECK_THROWS_WITH(Line(spatial, 1, 0, 0.1, stream), Contains("correlation time"));
  CHECK_THROWS_WITH(Line(spatial, 1, 0.1, nan, stream), Contains("dt"));
  CHECK_THROWS_WITH(Line(nullptr, 1, 0.1, 0.1, stream), Contains("null"));
  CHECK_THROWS_WITH(wavekin::make_streaming_sampler(paper_covariance, 0, line, dt, 1, 0),
                    Contains("epsilon"));
  CHECK_THROWS_WITH(wavekin::make_circulant_embedding(paper_covariance, -1.0, line),
                    Contains("epsilon"));
  CHECK_THROWS_WITH(wavekin::make_circulant_embedding(paper_covariance, eps, line, {0}),
                    Contains("padding") && Contains("got 0"));
  // A bad correlation length cannot reach the embedding: the covariance rejects it when built.
  CHECK_THROWS_WITH(
      wavekin::make_circulant_embedding(SeparableCorrelation<>(1.5, 100, -1), eps, line),
      Contains("correlation length") && Contains("got -1"));
  // A Gaussian as long as the box, embedded in only twice the box: the circulant has
  // clearly negative eigenvalues and the error says so and suggests the padding.
  const SeparableCorrelation<GaussianCorrelation<1>, GaussianCorrelation<2>> wide{1, 1, 1};
  const auto grid2 = PeriodicGrid<2>::cube(16, 1.0);
  CHECK_THROWS_WITH(wavekin::make_circulant_embedding(wide, 1.0, grid2),
                    Contains("negative eigenvalue") && Contains("padding"));
  std::vector<double> small(3);
  RandomStream draw(1, 0);
  CHECK_THROWS_WITH(spatial->sample(draw, small), Contains("3") && Contains("32"));
}

}  // namespace wavekin_test_streaming_sampler
