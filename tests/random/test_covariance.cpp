// Tests for wavekin/random/covariance.hpp: values, spectral densities against numerical
// Fourier transforms (P2 (4.20)), the d = 2 exponential transform, and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>

#include "random_test_support.hpp"
#include "wavekin/random/covariance.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using wavekin::GaussianCovariance;
using wavekin::SeparableExponentialCovariance;

namespace {

// ∫_ℝ cos(p z) f(z) dz = 2 ∫_0^Z cos(p z) f(z) dz for an even f negligible beyond Z.
template <class F>
double cosine_transform(F&& f, double p, double Z) {
  return 2 * wavekin_test::integrate([&](double z) { return std::cos(p * z) * f(z); }, 0, Z, 400);
}

}  // namespace

TEST_CASE("covariances take the values of P2 (4.15) and the Gaussian form", "[random]") {
  const SeparableExponentialCovariance exp_cov{1.5, 100, 50};
  CHECK(exp_cov.variance() == 2.25);
  CHECK(exp_cov(0, 0) == 2.25);
  // Absolute values (docs/errata.md item 9): R is even in t and in x.
  CHECK_THAT(exp_cov(-30, 20), WithinRel(2.25 * std::exp(-0.3 - 0.4), 1e-15));
  CHECK(exp_cov(-30, 20) == exp_cov(30, -20));
  CHECK_THAT(exp_cov.spatial<2>(Eigen::Vector2d(30, 40)), WithinRel(std::exp(-1.0), 1e-15));

  const GaussianCovariance gauss{2, 3, 4};
  CHECK(gauss(0, 0) == 4);
  CHECK_THAT(gauss(3, 4), WithinRel(4 * std::exp(-1.0), 1e-15));
  CHECK_THAT(gauss.spatial<2>(Eigen::Vector2d(4, 4)), WithinRel(std::exp(-1.0), 1e-15));
  STATIC_REQUIRE(SeparableExponentialCovariance::exponential_in_time);
  STATIC_REQUIRE_FALSE(GaussianCovariance::exponential_in_time);
}

TEST_CASE("spectral densities are the Fourier transforms of the covariances", "[random]") {
  // 8000 Gauss points on [0, 40 b]: the tails beyond are < e^{−40} (exponential) and
  // e^{−800} (Gaussian) relative, and the quadrature resolves cos(pz) with > 20 nodes per
  // period; 1e-9 relative leaves room for the exponential's kink at 0 (integrated from the
  // kink, so the integrand is smooth) and round-off.
  const double a = 0.7, b = 1.3, D = 1.5;
  const SeparableExponentialCovariance exp_cov{D, a, b};
  const GaussianCovariance gauss{D, a, b};
  for (double p : {0.0, 0.4, 1.0, 3.0}) {
    CAPTURE(p);
    CHECK_THAT(
        exp_cov.spatial_spectral(p),
        WithinRel(cosine_transform([&](double z) { return exp_cov.spatial(z); }, p, 40 * b), 1e-9));
    CHECK_THAT(exp_cov.temporal_spectral(p),
               WithinRel(cosine_transform([&](double s) { return exp_cov.temporal(s); }, p, 40 * a),
                         1e-9));
    CHECK_THAT(
        gauss.spatial_spectral(p),
        WithinRel(cosine_transform([&](double z) { return gauss.spatial(z); }, p, 40 * b), 1e-9));
    CHECK_THAT(
        gauss.temporal_spectral(p),
        WithinRel(cosine_transform([&](double s) { return gauss.temporal(s); }, p, 40 * a), 1e-9));
  }
  // (4.20) as printed, at a = b = 100 (exact arithmetic up to rounding).
  const SeparableExponentialCovariance paper{1.5, 100, 100};
  CHECK_THAT(paper.spectral_density(0.01, 0.02),
             WithinRel(4 * 100 * 100 * 2.25 / ((1 + 1.0) * (1 + 4.0)), 1e-14));
  CHECK_THAT(gauss.spectral_density(0.5, 0.3),
             WithinRel(D * D * gauss.temporal_spectral(0.5) * gauss.spatial_spectral(0.3), 1e-15));
  // The Dim = 1 overload of the general-d formula agrees with 2b/(1+b²p²).
  CHECK_THAT(exp_cov.spatial_spectral<1>(Eigen::Matrix<double, 1, 1>(0.8)),
             WithinRel(exp_cov.spatial_spectral(0.8), 1e-14));
}

TEST_CASE("the d = 2 transforms match their radial (Hankel) integrals", "[random]") {
  // ∫_{ℝ²} f(|x|) e^{−ip·x} dx = 2π ∫_0^∞ r f(r) J_0(|p| r) dr; same quadrature and
  // tolerance argument as the 1D test (r e^{−r/b} is smooth on [0, ∞)).
  const double b = 0.9;
  const SeparableExponentialCovariance exp_cov{1, 1, b};
  const GaussianCovariance gauss{1, 1, b};
  for (double p : {0.0, 0.5, 2.0}) {
    CAPTURE(p);
    const auto hankel = [&](auto&& f) {
      return 2 * std::numbers::pi *
             wavekin_test::integrate(
                 [&](double r) { return r * f(r) * std::cyl_bessel_j(0.0, p * r); }, 0, 40 * b,
                 400);
    };
    const Eigen::Vector2d pv(0.6 * p, 0.8 * p);
    CHECK_THAT(exp_cov.spatial_spectral<2>(pv),
               WithinRel(hankel([&](double r) { return std::exp(-r / b); }), 1e-9));
    CHECK_THAT(gauss.spatial_spectral<2>(pv),
               WithinRel(hankel([&](double r) { return std::exp(-r * r / (2 * b * b)); }), 1e-9));
  }
  // d = 3: 8πb³/(1+b²p²)² (the closed form of the general-d formula).
  CHECK_THAT(exp_cov.spatial_spectral<3>(Eigen::Vector3d(0.3, 0.4, 0)),
             WithinRel(8 * std::numbers::pi * b * b * b / std::pow(1 + b * b * 0.25, 2), 1e-14));
}

TEST_CASE("covariance parameters must be finite and positive", "[random]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(SeparableExponentialCovariance(0, 1, 1), Contains("D") && Contains("got 0"));
  CHECK_THROWS_WITH(SeparableExponentialCovariance(1, -2, 1),
                    Contains("correlation time") && Contains("got -2"));
  CHECK_THROWS_WITH(SeparableExponentialCovariance(1, 1, nan),
                    Contains("correlation length") && Contains("nan"));
  CHECK_THROWS_AS(GaussianCovariance(nan, 1, 1), wavekin::invalid_argument);
  CHECK_THROWS_AS(GaussianCovariance(1, 0, 1), wavekin::invalid_argument);
  CHECK_THROWS_AS(GaussianCovariance(1, 1, -1), wavekin::invalid_argument);
}
