// Tests for wavekin/kinetic/scattering_kernel.hpp: each R̂ against a numerical Fourier
// transform of its covariance R, P2 (4.20), symmetry and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "wavekin/kinetic/scattering_kernel.hpp"

using Catch::Matchers::WithinRel;

namespace {

constexpr double pi = std::numbers::pi;

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

// ∫_0^R r e^{-r/b} J_0(q r) dr · 2π: the 2-D transform of the radial e^{-|z|/b}.
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

}  // namespace

TEST_CASE("Separable exponential R-hat is P2 (4.20) and the transform of R", "[kinetic]") {
  const double d = 1.5, a = 0.7, b = 0.4;
  const wavekin::SeparableExponentialKernel<1> kernel(d, a, b);
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
          "[kinetic]") {
  const double d = 0.8, a = 1.1, b = 0.5;
  const wavekin::SeparableExponentialKernel<2> kernel(d, a, b);
  for (const double q : {0.0, 0.7, 3.0}) {
    const Eigen::Vector2d qv(q * 0.6, q * 0.8);  // |qv| = q
    const double time = 2 * a / (1 + a * a * 0.25);
    // Simpson on [0, 60b] with 4e5 intervals: smooth integrand, error ≪ 1e-8.
    CHECK_THAT(kernel.spectral_density(0.5, qv),
               WithinRel(d * d * time * radial_transform_2d(b, q), 1e-8));
  }
}

TEST_CASE("Gaussian R-hat is the transform of the Gaussian covariance", "[kinetic]") {
  const double d = 1.2, a = 0.3, b = 0.9;
  const wavekin::GaussianKernel<1> kernel(d, a, b);
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

TEST_CASE("Scattering kernels reject bad parameters", "[kinetic]") {
  CHECK_THROWS_AS(wavekin::SeparableExponentialKernel<1>(0, 1, 1), wavekin::invalid_argument);
  CHECK_THROWS_AS(wavekin::SeparableExponentialKernel<1>(1, -1, 1), wavekin::invalid_argument);
  CHECK_THROWS_AS(wavekin::SeparableExponentialKernel<2>(1, 1, std::nan("")),
                  wavekin::invalid_argument);
  CHECK_THROWS_AS(wavekin::GaussianKernel<1>(1, 1, 0), wavekin::invalid_argument);
}
