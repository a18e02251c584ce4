// Tests for wavekin/kinetic/hamiltonian.hpp: values, gradients, Hessians, mass check.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>

#include "wavekin/kinetic/hamiltonian.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_hamiltonian {

using namespace wavekin::test::matchers;

TEST_CASE("Hamiltonian evaluates H, grad_k H, grad_x H and Hessians", "[kinetic]") {
  const auto h = wavekin::make_hamiltonian<1>(
      [](double, double x) { return 1 + 0.3 * std::sin(x); },
      [](double, double x) { return 0.3 * std::cos(x); },
      [](double t, double x) { return 0.5 * std::cos(x) * (1 + t); },
      [](double t, double x) { return -0.5 * std::sin(x) * (1 + t); });
  static_assert(wavekin::KineticHamiltonian<decltype(h)>);
  Eigen::Matrix<double, 1, 1> x, k;
  x << 0.4;
  k << 1.5;
  const double m = 1 + 0.3 * std::sin(0.4);
  CHECK_THAT(h.value(1.0, x, k), WithinAbs(0.5 * m * 2.25 + std::cos(0.4), 1e-15));
  CHECK_THAT(h.grad_k(1.0, x, k)[0], WithinAbs(m * 1.5, 1e-15));
  CHECK_THAT(h.grad_x(1.0, x, k)[0], WithinAbs(0.5 * 2.25 * 0.3 * std::cos(0.4) - std::sin(0.4), 1e-15));
  Eigen::Matrix<double, 1, 1> hm, hv;
  h.hessians(1.0, x, hm, hv);
  // Fourth-order differences with δ = 1e-3: truncation ~ δ⁴/30 ≈ 3e-14, round-off ~ ε/δ ≈ 2e-13.
  CHECK_THAT(hm(0, 0), WithinAbs(-0.3 * std::sin(0.4), 1e-11));
  CHECK_THAT(hv(0, 0), WithinAbs(-std::cos(0.4), 1e-11));
}

TEST_CASE("Hamiltonian in 2D takes Eigen vectors", "[kinetic]") {
  using V2 = Eigen::Vector2d;
  const auto h = wavekin::make_hamiltonian<2>(
      [](double, const V2& x) { return 2 + x[0] * x[1]; },
      [](double, const V2& x) { return V2(x[1], x[0]); },
      [](double, const V2& x) { return 0.5 * x.squaredNorm(); },
      [](double, const V2& x) { return x; });
  const V2 x(0.5, -0.25), k(1, 2);
  CHECK_THAT(h.grad_k(0, x, k)[1], WithinAbs((2 - 0.125) * 2, 1e-15));
  Eigen::Matrix2d hm, hv;
  h.hessians(0, x, hm, hv);
  CHECK_THAT(hm(0, 1), WithinAbs(1, 1e-11));
  CHECK_THAT(hm(0, 0), WithinAbs(0, 1e-11));
  CHECK_THAT(hv(1, 1), WithinAbs(1, 1e-11));
}

TEST_CASE("Hamiltonian rejects a non-positive mass, naming the value", "[kinetic]") {
  const auto h = wavekin::make_hamiltonian<1>([](double, double x) { return x; },
                                              [](double, double) { return 1.0; },
                                              [](double, double) { return 0.0; },
                                              [](double, double) { return 0.0; });
  Eigen::Matrix<double, 1, 1> x;
  x << -0.5;
  CHECK_THROWS_AS(h.mass(0, x), wavekin::invalid_argument);
  CHECK_THROWS_WITH(h.mass(0, x), Contains("-0.5"));
  x << 0;
  CHECK_THROWS_AS(h.grad_k(0, x, x), wavekin::invalid_argument);
}

}  // namespace wavekin_test_hamiltonian
