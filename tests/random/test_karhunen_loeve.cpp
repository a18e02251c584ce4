// Tests for wavekin/random/karhunen_loeve.hpp: the paper's N_KL, the roots of (4.24), the
// integral equation (4.22), orthonormality, the trace, the truncated covariance against the
// exact kernel and against sampled fields, reproducibility and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <thread>
#include <vector>

#include "random_test_support.hpp"
#include "wavekin/random/karhunen_loeve.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_karhunen_loeve {

using Catch::Matchers::Contains;
using wavekin::ExponentialKernelModes;
using wavekin::KarhunenLoeveExpansion;
using wavekin::SeparableCorrelation;

namespace {

constexpr double pi = std::numbers::pi;
constexpr double T = 0.4, L = 1.625;  // P2 §4.2.2
const SeparableCorrelation<> paper_covariance{1.5, 100, 100};

// ∫_0^T e^{−|t−s|/c} ψ_k(s) ds, split at the kink s = t; panels of width ≤ 1/(2 w_k)
// (and ≤ c) resolve the oscillation and the exponential with the 20-point rule.
double kernel_action(const ExponentialKernelModes& modes, std::size_t k, double t) {
  const double c = modes.correlation_length(), w = modes.root(k), length = modes.length();
  const double width = std::min(0.5 / w, c);
  const auto f = [&](double s) {
    return std::exp(-std::abs(t - s) / c) * modes.eigenfunction(k, s);
  };
  const auto panels = [&](double span) { return std::max(1, static_cast<int>(span / width) + 1); };
  return wavekin_test::integrate(f, 0, t, panels(t)) +
         wavekin_test::integrate(f, t, length, panels(length - t));
}

}  // namespace

TEST_CASE("truncation (4.28) gives the paper's N_KL", "[random]") {
  // P2 §4.2.2: 663, 3157, 27968 at ε = 2^−6, 2^−8, 2^−10; docs/conventions.md §19: 365, 1342,
  // 8727 at 2^−5, 2^−7, 2^−9. Integer counts: exact.
  const std::vector<std::pair<int, std::size_t>> expected{{5, 365},  {6, 663},  {7, 1342},
                                                          {8, 3157}, {9, 8727}, {10, 27968}};
  for (const auto& [n, count] : expected) {
    const auto start = std::chrono::steady_clock::now();
    const KarhunenLoeveExpansion kl(paper_covariance, std::ldexp(1.0, -n), T, L);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CAPTURE(n, seconds);
    CHECK(kl.size() == count);
    // Sorted by weight; the last term is the first below 2^−9, all others at or above.
    const auto terms = kl.terms();
    const double top = terms[0].weight;
    CHECK(terms[0].i == 0);
    CHECK(terms[0].j == 0);
    for (std::size_t p = 1; p < terms.size(); ++p) REQUIRE(terms[p].weight <= terms[p - 1].weight);
    CHECK(terms.back().weight / top < 0x1p-9);
    CHECK(terms[terms.size() - 2].weight / top >= 0x1p-9);
    // docs/conventions.md §19: about 99.8 % (2^−6) to 99.4 % (2^−10) of the variance kept.
    CHECK(kl.retained_variance_fraction() > 0.99);
    CHECK(kl.retained_variance_fraction() < 1);
  }
}

TEST_CASE("the roots solve (4.24) on their branches", "[random]") {
  // ε = 2^−10, the largest case: 757 temporal and 2752 spatial modes. In u = wT/2 the
  // pole-free forms g = cos u − κu sin u (cosine modes) and κu cos u + sin u (sine modes),
  // κ = 2c/T, have the roots of (4.24). The relative root error |g/g'|/u (the Newton
  // correction) must be < 1e-14 (≈ 50 ulps; measured 5e-16): the residual itself cannot
  // be small relative to g's terms, because u ≈ nπ + O(1/(κnπ)) carries an absolute
  // error ulp(u) ≈ 4e-13 that g' ≈ κu amplifies (measured 5e-10 for the spatial modes).
  const double eps = 0x1p-10;
  const KarhunenLoeveExpansion kl(paper_covariance, eps, T, L);
  for (const auto* modes : {&kl.temporal(), &kl.spatial()}) {
    const double c = modes->correlation_length(), length = modes->length(), kappa = 2 * c / length;
    double worst = 0;
    for (std::size_t k = 0; k < modes->size(); ++k) {
      const double u = modes->root(k) * length / 2;
      const double n = static_cast<double>(k / 2);
      const bool cosine = k % 2 == 0;
      // The bracket of (4.24): (nπ, nπ+π/2) for cosine modes, (nπ+π/2, (n+1)π) for sine.
      REQUIRE(u > (cosine ? n * pi : n * pi + pi / 2));
      REQUIRE(u < (cosine ? n * pi + pi / 2 : (n + 1) * pi));
      const double s = std::sin(u), co = std::cos(u);
      const double g = cosine ? co - kappa * u * s : kappa * u * co + s;
      const double slope =
          cosine ? -s - kappa * s - kappa * u * co : kappa * co - kappa * u * s + co;
      worst = std::max(worst, std::abs(g / slope) / u);
    }
    CAPTURE(c, worst);
    CHECK(worst < 1e-14);
  }
  // The first roots also satisfy the printed (tan) forms in long double to 1e-12
  // (tan is well conditioned away from its poles, which these roots are).
  const auto& time_modes = kl.temporal();
  const long double c = time_modes.correlation_length();
  for (std::size_t k = 0; k < 6; ++k) {
    const long double w = time_modes.root(k);
    const long double tangent = std::tan(w * T / 2);
    const long double residual = k % 2 == 0 ? 1 - c * w * tangent : (c * w + tangent) / (c * w);
    CAPTURE(k);
    CHECK(std::abs(static_cast<double>(residual)) < 1e-12);
  }
}

TEST_CASE("eigenpairs satisfy the integral equation (4.22) and are orthonormal", "[random]") {
  // Composite 20-point Gauss–Legendre split at the kink s = t, panels ≤ 1/(2w): the
  // quadrature error is far below round-off, so what is left is round-off in a sum whose
  // terms add up to at most ∫|K ψ_k| ≤ min(T, 2c)·√(2/T) (|ψ_k| ≤ √(2/T)): tolerance
  // 1e-14 times that (≈ 50 ulps; measured ≤ 6e-16 absolute, i.e. 1e-10 relative to the
  // smallest λ_k ≈ 1.4e-6 tested).
  const KarhunenLoeveExpansion kl(paper_covariance, 0x1p-6, T, L);
  for (const auto* modes : {&kl.temporal(), &kl.spatial()}) {
    const double length = modes->length();
    const std::size_t last = modes->size() - 1;
    for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7},
                          std::size_t{40}, last - 1, last}) {
      for (double t : {0.0, 0.137 * length, 0.5 * length, 0.91 * length, length}) {
        CAPTURE(length, k, t);
        const double lhs = kernel_action(*modes, k, t);
        const double rhs = modes->eigenvalue(k) * modes->eigenfunction(k, t);
        const double scale =
            std::min(length, 2 * modes->correlation_length()) * std::sqrt(2 / length);
        CHECK(std::abs(lhs - rhs) < 1e-14 * scale);
      }
    }
    // Gram matrix of a spread of modes: exact quadrature up to round-off, 1e-12.
    const std::vector<std::size_t> picks{0, 1, 2, 3, 10, 11, 60, last - 1, last};
    const int panels = static_cast<int>(modes->root(last) * length) + 1;
    double worst = 0;
    for (std::size_t p : picks)
      for (std::size_t q : picks) {
        const double gram = wavekin_test::integrate(
            [&](double s) { return modes->eigenfunction(p, s) * modes->eigenfunction(q, s); }, 0,
            length, panels);
        worst = std::max(worst, std::abs(gram - (p == q ? 1.0 : 0.0)));
      }
    CAPTURE(length, worst);
    CHECK(worst < 1e-12);
  }
}

TEST_CASE("the eigenvalues sum to the kernel's trace: no root is missed", "[random]") {
  // Σ_k λ_k = ∫_0^T K(t,t) dt = T (Mercer), so T − Σ_{k<K} λ_k is the tail. The brackets
  // give kπ/T < w_k < (k+1)π/T, hence 2c/(1+c²(k+1)²π²/T²) < λ_k < 2T²/(cπ²k²) and
  //   (2T/π)(π/2 − atan(cπ(K+1)/T)) < tail < 2T²/(cπ²(K−1))
  // (integral comparisons). With K = 20000 the window is 1.04e-6 wide by only ~1e-10, so
  // a missing, duplicated or wrong mode with λ > 1e-10 (λ_K ≈ 5e-11) fails the check;
  // round-off in the sum (smallest first) is ~1e-15.
  const std::size_t K = 20000;
  const double c = 100 * 0x1p-6;
  const ExponentialKernelModes modes(c, T, K);
  double sum = 0;
  for (std::size_t k = K; k-- > 0;) sum += modes.eigenvalue(k);
  const double upper = 2 * T * T / (c * pi * pi * (K - 1));
  const double lower = 2 * T / pi * (pi / 2 - std::atan(c * pi * (K + 1) / T));
  CAPTURE(sum, T - sum, lower, upper);
  CHECK(T - sum < upper);
  CHECK(T - sum > lower);
  CHECK(upper - lower < 2e-10);  // the window is as narrow as claimed
  // Roots interlace one per half-period: w_k T/2 ∈ (kπ/2, (k+1)π/2).
  CHECK(modes.root(K - 1) * T / 2 > (K - 1) * pi / 2);
  CHECK(modes.root(K - 1) * T / 2 < K * pi / 2);
}

TEST_CASE("the truncated covariance is within the truncation error of the kernel", "[random]") {
  // K − K_N = D² Σ_dropped λσ ψψφφ and |ψ_i| ≤ √(2/T), |φ_j| ≤ √(2/L) (normalisation
  // denominators ≥ T/2), so |K − K_N| ≤ D² (4/(TL)) Σ_dropped λσ = 4 D² (1 − retained).
  for (int n : {5, 6}) {
    const double eps = std::ldexp(1.0, -n);
    const KarhunenLoeveExpansion kl(paper_covariance, eps, T, L);
    const double bound = 4 * paper_covariance.variance() * (1 - kl.retained_variance_fraction());
    double worst = 0;
    for (double t : {0.0, 0.11, 0.23, 0.4})
      for (double x : {0.0, 0.3, 0.8125, 1.6})
        for (auto [ds, dz] : {std::pair{0.0, 0.0}, std::pair{0.05, 0.1}, std::pair{0.17, 0.61}}) {
          const double s = std::min(t + ds, T), z = std::min(x + dz, L);
          const double exact = paper_covariance.value((t - s) / eps, (x - z) / eps);
          worst = std::max(worst, std::abs(kl.covariance(t, x, s, z) - exact));
        }
    CAPTURE(n, worst, bound);
    CHECK(worst <= bound);
    // The bound is not vacuous: it is < 2 % of the variance D² here.
    CHECK(bound < 0.02 * paper_covariance.variance());
  }
}

TEST_CASE("sampled KL fields have the truncated covariance", "[random]") {
  // ε = 2^−5 (N_KL = 365). The field is linear in ξ; with Gaussian ξ it is Gaussian and
  // the product estimator's variance is exact by Isserlis; with U(−√3,√3) ξ (excess
  // kurtosis −6/5 < 0) the same formula is an upper bound. Bound: 6 standard errors.
  const double eps = 0x1p-5;
  const KarhunenLoeveExpansion kl(paper_covariance, eps, T, L);
  struct Point {
    double t, x;
  };
  const std::vector<Point> points{{0.0, 0.2}, {0.1, 0.2}, {0.1, 0.9}, {0.4, 1.6}};
  const auto cov = [&](const Point& p, const Point& q) {
    return kl.covariance(p.t, p.x, q.t, q.x);
  };
  constexpr std::size_t N = 8000;
  for (auto distribution : {wavekin::XiDistribution::gaussian, wavekin::XiDistribution::uniform}) {
    std::vector<std::vector<double>> products(points.size(), std::vector<double>(points.size()));
    for (std::size_t sample = 0; sample < N; ++sample) {
      wavekin::RandomStream stream(99, sample);
      const auto xi = kl.draw_xi(stream, distribution);
      std::vector<double> values;
      for (const auto& p : points) values.push_back(kl.evaluate(xi, p.t, p.x));
      for (std::size_t a = 0; a < points.size(); ++a)
        for (std::size_t b = 0; b < points.size(); ++b) products[a][b] += values[a] * values[b];
    }
    for (std::size_t a = 0; a < points.size(); ++a)
      for (std::size_t b = a; b < points.size(); ++b) {
        const double estimate = products[a][b] / N;
        const double target = cov(points[a], points[b]);
        const double se = std::sqrt(
            wavekin_test::product_estimator_variance<Point>({{points[a], points[b]}}, cov) / N);
        CAPTURE(static_cast<int>(distribution), a, b, estimate, target, se);
        CHECK(std::abs(estimate - target) < 6 * se);
      }
  }
}

TEST_CASE("KL fields are reproducible per sample and the evaluator matches evaluate", "[random]") {
  // The evaluator reorders the sum (by spatial mode): agreement to 1e-12 relative to D·Σ
  // weights, a bound on the terms' sizes.
  const KarhunenLoeveExpansion kl(paper_covariance, 0x1p-6, T, L);
  std::vector<double> x;
  for (int k = 0; k < 52; ++k) x.push_back(L * k / 52.0);
  const auto field = [&](std::uint64_t sample) {
    wavekin::KarhunenLoeveEvaluator evaluator(kl, x);
    wavekin::RandomStream stream(5, sample);
    const auto xi = kl.draw_xi(stream, wavekin::XiDistribution::gaussian);
    std::vector<double> out(x.size() * 3);
    const std::vector<double> times{0, 0.15, 0.3};
    evaluator.evaluate(xi, times, out);  // the space–time grid, slice by slice
    return out;
  };
  std::vector<std::vector<double>> forward(6), threaded(6);
  for (std::uint64_t i = 0; i < 6; ++i) forward[i] = field(i);
  {
    std::vector<std::thread> threads;
    for (std::uint64_t i = 6; i-- > 0;) threads.emplace_back([&, i] { threaded[i] = field(i); });
    for (auto& thread : threads) thread.join();
  }
  for (std::size_t i = 0; i < 6; ++i) CHECK(forward[i] == threaded[i]);  // bitwise
  CHECK(forward[0] != forward[1]);

  wavekin::RandomStream stream(5, 3);
  const auto xi = kl.draw_xi(stream, wavekin::XiDistribution::gaussian);
  double scale = 0;
  for (const auto& term : kl.terms()) scale += term.weight;
  scale *= kl.standard_deviation() * std::sqrt(2 / T) * std::sqrt(2 / L) * 4;
  for (std::size_t k = 0; k < x.size(); k += 7)
    CHECK(std::abs(forward[3][x.size() + k] - kl.evaluate(xi, 0.15, x[k])) < 1e-12 * scale);
}

TEST_CASE("bad KL input is rejected with the value named", "[random]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(KarhunenLoeveExpansion(paper_covariance, 0, T, L),
                    Contains("epsilon") && Contains("got 0"));
  CHECK_THROWS_WITH(KarhunenLoeveExpansion(paper_covariance, nan, T, L), Contains("epsilon"));
  CHECK_THROWS_WITH(KarhunenLoeveExpansion(paper_covariance, 0.1, -1, L),
                    Contains("final time") && Contains("got -1"));
  CHECK_THROWS_WITH(KarhunenLoeveExpansion(paper_covariance, 0.1, T, 0), Contains("box length"));
  CHECK_THROWS_WITH(KarhunenLoeveExpansion(paper_covariance, 0.1, T, L, {1.5}),
                    Contains("truncation") && Contains("1.5"));
  CHECK_THROWS_WITH(KarhunenLoeveExpansion(paper_covariance, 0x1p-10, T, L, {0x1p-9, 1000}),
                    Contains("1000"));
  CHECK_THROWS_WITH(ExponentialKernelModes(-1, 1, 3), Contains("correlation length"));
  // A bad correlation time cannot reach the expansion: the covariance rejects it when built.
  CHECK_THROWS_WITH(KarhunenLoeveExpansion(SeparableCorrelation<>(1.5, -3, 100), 0.1, T, L),
                    Contains("got -3"));
  const KarhunenLoeveExpansion kl(paper_covariance, 0x1p-5, T, L);
  const std::vector<double> xi(10);
  CHECK_THROWS_WITH((void)kl.evaluate(xi, 0, 0), Contains("10") && Contains("365"));
  const std::vector<double> points{0, 0.5}, times{0, 0.1};
  wavekin::KarhunenLoeveEvaluator evaluator(kl, points);
  std::vector<double> out(3);
  CHECK_THROWS_WITH(evaluator.evaluate(std::vector<double>(kl.size()), times, out),
                    Contains("3 entries") && Contains("2 times x 2 points"));
}

}  // namespace wavekin_test_karhunen_loeve
