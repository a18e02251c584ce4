// Tests for wavekin/core/correlation.hpp: R̂ is the Fourier transform of R (quadrature against
// the closed forms, d = 1, 2, 3, both shapes), truncation radii, amplitudes, P2's separable
// products (P2 (4.15), (4.20)) and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>

#include "quadrature.hpp"
#include "wavekin/core/correlation.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_correlation {

using namespace wavekin::test::matchers;
using wavekin::ExponentialCorrelation;
using wavekin::GaussianCorrelation;
using wavekin::SeparableCorrelation;

namespace {

constexpr double pi = std::numbers::pi;

// The d-dimensional transform of a radial f(|x|), by its radial integral on [0, Z]:
// d = 1: 2∫ cos(qr) f dr; d = 2: 2π∫ r J_0(qr) f dr; d = 3: 4π∫ r² sin(qr)/(qr) f dr.
template <int Dim, class F>
double radial_transform(F&& f, double q, double Z) {
  const auto kernel = [q](double r) {
    if constexpr (Dim == 1) return 2 * std::cos(q * r);
    if constexpr (Dim == 2) return 2 * pi * r * std::cyl_bessel_j(0.0, q * r);
    if constexpr (Dim == 3) return 4 * pi * r * r * (q * r == 0 ? 1.0 : std::sin(q * r) / (q * r));
  };
  return wavekin_test::integrate([&](double r) { return kernel(r) * f(r); }, 0, Z, 800);
}

// A vector of length q in d dimensions, along a direction that is not an axis.
template <int Dim>
Eigen::Matrix<double, Dim, 1> along(double q) {
  return Eigen::Matrix<double, Dim, 1>::LinSpaced(Dim, 1.0, 2.0).normalized() * q;
}

template <class Shape>
void check_transform(const Shape& r) {
  constexpr int d = Shape::dimension;
  // 800 panels of 20-point Gauss–Legendre on [0, 40ℓ] (r = 0 is an end point, so the
  // exponential's kink is never inside a panel and every integrand is smooth): the rule's error
  // is far below 1e-12 relative, the tail beyond 40ℓ is < e^{−40} (exponential) or e^{−800}
  // (Gaussian) of R̂(0), and at qℓ ≤ 3 each panel of width ℓ/20 sees < 0.05 of an oscillation.
  // The smallest R̂(q)/R̂(0) tested is (1 + 9)^{−2} = 1e-2, so 1e-9 relative leaves ample room
  // for the round-off of 16000 terms (~1e-13).
  for (const double ql : {0.0, 0.5, 1.3, 3.0}) {
    const double q = ql / r.length();
    CAPTURE(d, ql);
    const double quadrature =
        radial_transform<d>([&](double x) { return r.value(along<d>(x)); }, q, 40 * r.length());
    CHECK_THAT(r.spectral_density(along<d>(q)), WithinRel(quadrature, 1e-9));
  }
}

template <class Shape>
void check_radius(const Shape& r) {
  using Vector = typename Shape::Vector;
  const double peak = r.spectral_density(Vector::Zero());
  for (const double tolerance : {1e-3, 1e-8, 1e-12}) {
    CAPTURE(Shape::dimension, tolerance);
    const double radius = r.radius(tolerance);
    // Equality at the radius to round-off (pow/log/sqrt of the closed form: a few ulp, 1e-10
    // leaves room for the conditioning of the inversion at small tolerances), and the
    // inequality it promises on either side.
    CHECK_THAT(r.spectral_density(along<Shape::dimension>(radius)),
               WithinRel(tolerance * peak, 1e-10));
    CHECK(r.spectral_density(along<Shape::dimension>(1.01 * radius)) < tolerance * peak);
    CHECK(r.spectral_density(along<Shape::dimension>(0.99 * radius)) > tolerance * peak);
  }
}

template <template <int> class Shape, int Dim>
void check_amplitude() {
  const double length = 0.7, amplitude = 2.5;
  const Shape<Dim> unit(length), scaled(length, amplitude);
  CHECK(unit.amplitude() == 1);
  CHECK(scaled.amplitude() == amplitude);
  CHECK(scaled.variance() == amplitude * amplitude);
  CHECK(scaled.value(Eigen::Matrix<double, Dim, 1>::Zero()) == amplitude * amplitude);
  for (const double x : {0.0, 0.4, 2.0}) {
    CAPTURE(Dim, x);
    // One product by D² = 6.25 on each side: within 2 ulp.
    CHECK_THAT(scaled.value(along<Dim>(x)), WithinRel(6.25 * unit.value(along<Dim>(x)), 1e-15));
    CHECK_THAT(scaled.spectral_density(along<Dim>(x)),
               WithinRel(6.25 * unit.spectral_density(along<Dim>(x)), 1e-15));
  }
  // The radius is relative to R̂(0): the amplitude drops out exactly.
  CHECK(scaled.radius(1e-6) == unit.radius(1e-6));
  CHECK(scaled.length() == length);
}

// ∫_{-L}^{L} f(s) cos(ω s) ds by composite Simpson with n (even) intervals.
template <class F>
double cosine_transform(const F& f, double omega, double half_width, int n) {
  const double h = 2 * half_width / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double s = -half_width + i * h;
    const double w = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2);
    sum += w * f(s) * std::cos(omega * s);
  }
  return sum * h / 3;
}

// ∫_0^R r e^{-r/b} J_0(q r) dr · 2π: the 2-D transform of the radial e^{-|z|/b}, by Simpson.
double radial_transform_2d(double b, double q) {
  constexpr int n = 400000;
  const double big_r = 60 * b, h = big_r / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double r = i * h;
    const double w = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2);
    sum += w * r * std::exp(-r / b) * std::cyl_bessel_j(0.0, q * r);
  }
  return 2 * pi * sum * h / 3;
}

// ∫_ℝ cos(p z) f(z) dz = 2 ∫_0^Z cos(p z) f(z) dz for an even f negligible beyond Z.
template <class F>
double even_cosine_transform(F&& f, double p, double Z) {
  return 2 * wavekin_test::integrate([&](double z) { return std::cos(p * z) * f(z); }, 0, Z, 400);
}

}  // namespace

TEST_CASE("correlation: R-hat is the Fourier transform of R, d = 1, 2, 3", "[correlation]") {
  check_transform(ExponentialCorrelation<1>(0.6));
  check_transform(ExponentialCorrelation<2>(1.3, 0.8));
  check_transform(ExponentialCorrelation<3>(0.5, 1.7));
  check_transform(GaussianCorrelation<1>(0.6, 1.2));
  check_transform(GaussianCorrelation<2>(1.3));
  check_transform(GaussianCorrelation<3>(0.5, 0.4));
  // The closed forms of docs/conventions.md §19 and P1 §4 (c_1 = 2, c_2 = 2π, c_3 = 8π).
  CHECK(ExponentialCorrelation<1>::transform_constant() == 2);
  CHECK_THAT(ExponentialCorrelation<2>::transform_constant(), WithinRel(2 * pi, 1e-15));
  CHECK_THAT(ExponentialCorrelation<3>::transform_constant(), WithinRel(8 * pi, 1e-15));
  // R and R̂ are even and real; R(0) = D².
  const ExponentialCorrelation<2> e(0.9, 1.5);
  CHECK(e.value(Eigen::Vector2d(0.3, -0.4)) == e.value(Eigen::Vector2d(-0.3, 0.4)));
  CHECK(e.spectral_density(Eigen::Vector2d(0.3, -0.4)) ==
        e.spectral_density(Eigen::Vector2d(-0.3, 0.4)));
  CHECK(e.value(Eigen::Vector2d::Zero()) == 2.25);
  // The scalar overloads of d = 1 are the vector ones.
  const GaussianCorrelation<1> g(0.4, 2.0);
  CHECK(g.value(0.3) == g.value(Eigen::Matrix<double, 1, 1>(0.3)));
  CHECK(g.spectral_density(-2.0) == g.spectral_density(Eigen::Matrix<double, 1, 1>(-2.0)));
}

TEST_CASE("correlation: the radius meets its tolerance", "[correlation]") {
  check_radius(ExponentialCorrelation<1>(0.6));
  check_radius(ExponentialCorrelation<2>(0.8, 3.0));
  check_radius(ExponentialCorrelation<3>(1.4));
  check_radius(GaussianCorrelation<1>(0.6, 0.5));
  check_radius(GaussianCorrelation<2>(0.3));
  check_radius(GaussianCorrelation<3>(2.0, 1.1));
}

TEST_CASE("correlation: the amplitude scales R and R-hat by D^2", "[correlation]") {
  check_amplitude<ExponentialCorrelation, 1>();
  check_amplitude<ExponentialCorrelation, 2>();
  check_amplitude<ExponentialCorrelation, 3>();
  check_amplitude<GaussianCorrelation, 1>();
  check_amplitude<GaussianCorrelation, 2>();
  check_amplitude<GaussianCorrelation, 3>();
}

TEST_CASE("correlation: a separable product's spectral density is the product of its factors",
          "[correlation]") {
  const double D = 1.5, a = 0.7, b = 1.3;
  const SeparableCorrelation<ExponentialCorrelation<1>, ExponentialCorrelation<2>> e(D, a, b);
  const SeparableCorrelation<GaussianCorrelation<1>, GaussianCorrelation<3>> g(
      D, GaussianCorrelation<1>(a), GaussianCorrelation<3>(b));
  STATIC_REQUIRE(decltype(e)::exponential_in_time);
  STATIC_REQUIRE_FALSE(decltype(g)::exponential_in_time);
  CHECK(e.correlation_time() == a);
  CHECK(e.correlation_length() == b);
  CHECK(e.amplitude() == D);
  for (const double omega : {0.0, 0.9, -2.5})
    for (const double q : {0.0, 1.3, 4.0}) {
      CAPTURE(omega, q);
      // Two products of the same three numbers in another order: within 2 ulp.
      CHECK_THAT(e.spectral_density(omega, along<2>(q)),
                 WithinRel(D * D * e.temporal().spectral_density(omega) *
                               e.spatial().spectral_density(along<2>(q)),
                           1e-15));
      CHECK_THAT(g.spectral_density(omega, along<3>(q)),
                 WithinRel(D * D * g.temporal().spectral_density(omega) *
                               g.spatial().spectral_density(along<3>(q)),
                           1e-15));
      CHECK_THAT(e.value(omega, along<2>(q)),
                 WithinRel(D * D * std::exp(-std::abs(omega) / a - q / b), 1e-14));
    }
}

// The cases below are the former tests of the random module's covariances and the kinetic
// module's scattering kernels, on the one object that replaced both.

TEST_CASE("covariances take the values of P2 (4.15) and the Gaussian form", "[correlation]") {
  const SeparableCorrelation<> exp_cov{1.5, 100, 50};
  CHECK(exp_cov.variance() == 2.25);
  CHECK(exp_cov.value(0, 0) == 2.25);
  // Absolute values (docs/errata.md item 9): R is even in t and in x.
  CHECK_THAT(exp_cov.value(-30, 20), WithinRel(2.25 * std::exp(-0.3 - 0.4), 1e-15));
  CHECK(exp_cov.value(-30, 20) == exp_cov.value(30, -20));
  CHECK_THAT(ExponentialCorrelation<2>(50).value(Eigen::Vector2d(30, 40)),
             WithinRel(std::exp(-1.0), 1e-15));

  const SeparableCorrelation<GaussianCorrelation<1>, GaussianCorrelation<1>> gauss{2, 3, 4};
  CHECK(gauss.value(0, 0) == 4);
  CHECK_THAT(gauss.value(3, 4), WithinRel(4 * std::exp(-1.0), 1e-15));
  CHECK_THAT(GaussianCorrelation<2>(4).value(Eigen::Vector2d(4, 4)),
             WithinRel(std::exp(-1.0), 1e-15));
  STATIC_REQUIRE(SeparableCorrelation<>::exponential_in_time);
  STATIC_REQUIRE_FALSE(decltype(gauss)::exponential_in_time);
}

TEST_CASE("spectral densities are the Fourier transforms of the covariances", "[correlation]") {
  // 8000 Gauss points on [0, 40 b]: the tails beyond are < e^{−40} (exponential) and
  // e^{−800} (Gaussian) relative, and the quadrature resolves cos(pz) with > 20 nodes per
  // period; 1e-9 relative leaves room for the exponential's kink at 0 (integrated from the
  // kink, so the integrand is smooth) and round-off.
  const double a = 0.7, b = 1.3, D = 1.5;
  const SeparableCorrelation<> exp_cov{D, a, b};
  const SeparableCorrelation<GaussianCorrelation<1>, GaussianCorrelation<1>> gauss{D, a, b};
  for (double p : {0.0, 0.4, 1.0, 3.0}) {
    CAPTURE(p);
    CHECK_THAT(exp_cov.spatial().spectral_density(p),
               WithinRel(even_cosine_transform([&](double z) { return exp_cov.spatial().value(z); },
                                               p, 40 * b),
                         1e-9));
    CHECK_THAT(exp_cov.temporal().spectral_density(p),
               WithinRel(even_cosine_transform(
                             [&](double s) { return exp_cov.temporal().value(s); }, p, 40 * a),
                         1e-9));
    CHECK_THAT(gauss.spatial().spectral_density(p),
               WithinRel(even_cosine_transform([&](double z) { return gauss.spatial().value(z); },
                                               p, 40 * b),
                         1e-9));
    CHECK_THAT(gauss.temporal().spectral_density(p),
               WithinRel(even_cosine_transform([&](double s) { return gauss.temporal().value(s); },
                                               p, 40 * a),
                         1e-9));
  }
  // (4.20) as printed, at a = b = 100 (exact arithmetic up to rounding).
  const SeparableCorrelation<> paper{1.5, 100, 100};
  CHECK_THAT(paper.spectral_density(0.01, 0.02),
             WithinRel(4 * 100 * 100 * 2.25 / ((1 + 1.0) * (1 + 4.0)), 1e-14));
  CHECK_THAT(gauss.spectral_density(0.5, 0.3),
             WithinRel(D * D * gauss.temporal().spectral_density(0.5) *
                           gauss.spatial().spectral_density(0.3),
                       1e-15));
  // The Dim = 1 case of the general-d formula agrees with 2b/(1+b²p²).
  CHECK_THAT(exp_cov.spatial().spectral_density(Eigen::Matrix<double, 1, 1>(0.8)),
             WithinRel(2 * b / (1 + b * b * 0.64), 1e-14));
}

TEST_CASE("the d = 2 transforms match their radial (Hankel) integrals", "[correlation]") {
  // ∫_{ℝ²} f(|x|) e^{−ip·x} dx = 2π ∫_0^∞ r f(r) J_0(|p| r) dr; same quadrature and
  // tolerance argument as the 1D test (r e^{−r/b} is smooth on [0, ∞)).
  const double b = 0.9;
  const ExponentialCorrelation<2> exp_cov(b);
  const GaussianCorrelation<2> gauss(b);
  for (double p : {0.0, 0.5, 2.0}) {
    CAPTURE(p);
    const auto hankel = [&](auto&& f) {
      return 2 * pi *
             wavekin_test::integrate(
                 [&](double r) { return r * f(r) * std::cyl_bessel_j(0.0, p * r); }, 0, 40 * b,
                 400);
    };
    const Eigen::Vector2d pv(0.6 * p, 0.8 * p);
    CHECK_THAT(exp_cov.spectral_density(pv),
               WithinRel(hankel([&](double r) { return std::exp(-r / b); }), 1e-9));
    CHECK_THAT(gauss.spectral_density(pv),
               WithinRel(hankel([&](double r) { return std::exp(-r * r / (2 * b * b)); }), 1e-9));
  }
  // d = 3: 8πb³/(1+b²p²)² (the closed form of the general-d formula).
  CHECK_THAT(ExponentialCorrelation<3>(b).spectral_density(Eigen::Vector3d(0.3, 0.4, 0)),
             WithinRel(8 * pi * b * b * b / std::pow(1 + b * b * 0.25, 2), 1e-14));
}

TEST_CASE("Separable exponential R-hat is P2 (4.20) and the transform of R", "[correlation]") {
  const double d = 1.5, a = 0.7, b = 0.4;
  const SeparableCorrelation<> kernel(d, a, b);
  for (const double omega : {0.0, 0.9, -2.5}) {
    for (const double q : {0.0, 1.3, -4.0}) {
      const Eigen::Matrix<double, 1, 1> qv(q);
      const double value = kernel.spectral_density(omega, qv);
      // (4.20) literally: the algebra must agree to round-off.
      CHECK_THAT(value,
                 WithinRel(4 * a * b * d * d / ((1 + a * a * omega * omega) * (1 + b * b * q * q)),
                           1e-14));
      // Independent truth: R̂ = D² [∫ e^{-|s|/a} cos ωs ds][∫ e^{-|z|/b} cos qz dz] (R is
      // even, so the sine parts vanish). Simpson with h = 1e-4 on [−40a, 40a]: the kink at
      // 0 sits on a node, truncation e^{-40} and the O(h⁴) error are far below 1e-9.
      const double time = cosine_transform([&](double s) { return std::exp(-std::abs(s) / a); },
                                           omega, 40 * a, 560000);
      const double space =
          cosine_transform([&](double z) { return std::exp(-std::abs(z) / b); }, q, 40 * b, 320000);
      CHECK_THAT(value, WithinRel(d * d * time * space, 1e-9));
      // Even in each argument (P2 (3.3)).
      CHECK(kernel.spectral_density(-omega, -qv) == value);
    }
  }
}

TEST_CASE("Separable exponential R-hat in 2-D matches the Hankel transform of e^{-|z|/b}",
          "[correlation]") {
  const double d = 0.8, a = 1.1, b = 0.5;
  const SeparableCorrelation<ExponentialCorrelation<1>, ExponentialCorrelation<2>> kernel(d, a, b);
  for (const double q : {0.0, 0.7, 3.0}) {
    const Eigen::Vector2d qv(q * 0.6, q * 0.8);  // |qv| = q
    const double time = 2 * a / (1 + a * a * 0.25);
    // Simpson on [0, 60b] with 4e5 intervals: smooth integrand, error ≪ 1e-8.
    CHECK_THAT(kernel.spectral_density(0.5, qv),
               WithinRel(d * d * time * radial_transform_2d(b, q), 1e-8));
  }
}

TEST_CASE("Gaussian R-hat is the transform of the Gaussian covariance", "[correlation]") {
  const double d = 1.2, a = 0.3, b = 0.9;
  const SeparableCorrelation<GaussianCorrelation<1>, GaussianCorrelation<1>> kernel(d, a, b);
  for (const double omega : {0.0, 2.0}) {
    for (const double q : {0.0, 1.7}) {
      const double time = cosine_transform([&](double s) { return std::exp(-s * s / (2 * a * a)); },
                                           omega, 20 * a, 20000);
      const double space = cosine_transform(
          [&](double z) { return std::exp(-z * z / (2 * b * b)); }, q, 20 * b, 20000);
      // Smooth, rapidly decaying integrands: Simpson is accurate to round-off here.
      CHECK_THAT(kernel.spectral_density(omega, Eigen::Matrix<double, 1, 1>(q)),
                 WithinRel(d * d * time * space, 1e-10));
    }
  }
}

TEST_CASE("correlation: bad input is rejected, naming the value", "[correlation]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  using wavekin::invalid_argument;
  // Shapes: length finite and > 0, amplitude finite and >= 0.
  CHECK_THROWS_WITH(ExponentialCorrelation<1>(0.0),
                    Contains("ExponentialCorrelation") && Contains("length") && Contains("got 0"));
  CHECK_THROWS_WITH(ExponentialCorrelation<2>(-1.5), Contains("length") && Contains("got -1.5"));
  CHECK_THROWS_WITH(GaussianCorrelation<3>(nan),
                    Contains("GaussianCorrelation") && Contains("nan"));
  CHECK_THROWS_WITH(GaussianCorrelation<1>(inf), Contains("length") && Contains("inf"));
  // D = 0 is allowed (no random potential): R and R̂ vanish identically, the radius is the shape's.
  const ExponentialCorrelation<2> none(1.0, 0.0);
  CHECK(none.value(Eigen::Vector2d(0.0, 0.0)) == 0);
  CHECK(none.spectral_density(Eigen::Vector2d(0.3, 0.0)) == 0);
  CHECK(none.radius(1e-6) == ExponentialCorrelation<2>(1.0).radius(1e-6));
  CHECK_THROWS_WITH(ExponentialCorrelation<1>(1.0, -1e-300),
                    Contains("amplitude") && Contains("got -1e-300"));
  CHECK_THROWS_WITH(GaussianCorrelation<2>(1.0, -2.0), Contains("amplitude") && Contains("got -2"));
  CHECK_THROWS_WITH(GaussianCorrelation<2>(1.0, inf), Contains("amplitude") && Contains("inf"));
  // Radius tolerances in (0, 1).
  CHECK_THROWS_WITH(ExponentialCorrelation<1>(1.0).radius(0.0),
                    Contains("tolerance") && Contains("got 0"));
  CHECK_THROWS_WITH(GaussianCorrelation<1>(1.0).radius(1.5), Contains("got 1.5"));
  CHECK_THROWS_WITH(GaussianCorrelation<1>(1.0).radius(nan), Contains("nan"));
  // Separable products: D, a, b, and unit-amplitude factors.
  CHECK_THROWS_WITH(SeparableCorrelation<>(0, 1, 1), Contains("D") && Contains("got 0"));
  CHECK_THROWS_WITH(SeparableCorrelation<>(1, -2, 1),
                    Contains("correlation time") && Contains("got -2"));
  CHECK_THROWS_WITH(SeparableCorrelation<>(1, 1, nan),
                    Contains("correlation length") && Contains("nan"));
  using Gaussian = SeparableCorrelation<GaussianCorrelation<1>, GaussianCorrelation<1>>;
  CHECK_THROWS_AS(Gaussian(nan, 1, 1), invalid_argument);
  CHECK_THROWS_AS(Gaussian(1, 0, 1), invalid_argument);
  CHECK_THROWS_AS(Gaussian(1, 1, -1), invalid_argument);
  CHECK_THROWS_WITH(
      SeparableCorrelation<>(1, ExponentialCorrelation<1>(1), ExponentialCorrelation<1>(1, 3)),
      Contains("amplitude 1") && Contains("3"));
}

}  // namespace wavekin_test_correlation
