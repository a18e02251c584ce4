// Tests for wavekin/kinetic/spectral_shift_transport.hpp: exact free transport of a
// smooth periodic profile in 1-D and 2-D, mass conservation and bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "wavekin/kinetic/spectral_shift_transport.hpp"

#include "unit_box_grid.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_spectral_shift_transport {

using Catch::Matchers::WithinRel;
using Vec1 = Eigen::Matrix<double, 1, 1>;

namespace {
constexpr double pi = std::numbers::pi;
}

TEST_CASE("Spectral shift transports exactly: W(x - m k t, k)", "[kinetic]") {
  const double length = 1.25, mass = 0.8;
  const wavekin::PhaseSpaceGrid<1> g(wavekin::PeriodicGrid<1>({64}, Vec1(length)), {8}, Vec1(-2),
                                     Vec1(2));
  // exp(sin 2πx/L) e^{-k²}: entire in x, so its Fourier coefficients decay faster than any
  // power; on 64 points the truncation is ~1e-30, so only round-off remains.
  auto profile = [&](double x, double k) {
    return std::exp(std::sin(2 * pi * x / length) - k * k);
  };
  Eigen::VectorXd w(g.size());
  for (std::ptrdiff_t i = 0; i < g.x_size(); ++i)
    for (std::ptrdiff_t q = 0; q < g.k_size(); ++q)
      w[i * 8 + q] = profile(g.x_point(i)[0], g.k_coordinate(0, q));
  const double mass0 = w.sum();
  wavekin::SpectralShiftTransport<1> transport(g, mass);
  const double t = 0.37;
  for (int s = 0; s < 10; ++s) transport.step(w, s * t / 10, t / 10);
  double err = 0;
  for (std::ptrdiff_t i = 0; i < g.x_size(); ++i)
    for (std::ptrdiff_t q = 0; q < g.k_size(); ++q) {
      const double k = g.k_coordinate(0, q);
      err = std::max(err, std::abs(w[i * 8 + q] - profile(g.x_point(i)[0] - mass * k * t, k)));
    }
  CHECK(err < 1e-12);  // 10 steps × 2 FFTs of 64 points: round-off ~ 1e-14 per step
  CHECK_THAT(w.sum(), WithinRel(mass0, 1e-14));
  CHECK(std::isinf(transport.max_stable_dt(0)));
}

TEST_CASE("Spectral shift in 2-D moves along the vector m k t", "[kinetic]") {
  using V2 = Eigen::Vector2d;
  const wavekin::PhaseSpaceGrid<2> g(wavekin::PeriodicGrid<2>({32, 32}, V2(1.0, 2.0)), {6, 6},
                                     V2(-1, -1), V2(1, 1));
  auto profile = [](const V2& x) {
    return std::exp(std::cos(2 * pi * x[0]) + std::sin(pi * x[1]));
  };
  Eigen::VectorXd w(g.size());
  for (std::ptrdiff_t i = 0; i < g.x_size(); ++i)
    for (std::ptrdiff_t q = 0; q < g.k_size(); ++q) w[i * g.k_size() + q] = profile(g.x_point(i));
  wavekin::SpectralShiftTransport<2> transport(g, 1.0);
  transport.step(w, 0, 0.6);
  double err = 0;
  for (std::ptrdiff_t i = 0; i < g.x_size(); ++i)
    for (std::ptrdiff_t q = 0; q < g.k_size(); ++q)
      err = std::max(err,
                     std::abs(w[i * g.k_size() + q] - profile(g.x_point(i) - 0.6 * g.k_point(q))));
  // exp(cos θ) has Fourier coefficients I_n(1) ≈ 1/(2^n n!): with 32 points per period
  // the first alias is I_16(1) ~ 1e-18, so only round-off remains.
  CHECK(err < 1e-11);
}

TEST_CASE("Spectral shift rejects bad input", "[kinetic]") {
  const auto g = wavekin_test::unit_box_grid(8, 6, -1, 1);
  CHECK_THROWS_AS(wavekin::SpectralShiftTransport<1>(g, -1.0), wavekin::invalid_argument);
  wavekin::SpectralShiftTransport<1> transport(g, 1.0);
  Eigen::VectorXd w = Eigen::VectorXd::Ones(g.size());
  CHECK_THROWS_AS(transport.step(w, 0, std::nan("")), wavekin::invalid_argument);
  Eigen::VectorXd wrong(3);
  CHECK_THROWS_AS(transport.step(wrong, 0, 0.1), wavekin::invalid_argument);
}

}  // namespace wavekin_test_spectral_shift_transport
