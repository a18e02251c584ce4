// Tests for wavekin/core/composition.hpp: the orders of the symmetric compositions against an
// exact solution, their symmetry (a step back undoes a step), the error constants, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>

#include "test_common.hpp"
#include "wavekin/core/composition.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/integrate.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_composition {

using wavekin::CompositionScheme;
using wavekin::SymmetricComposition;
using cplx = std::complex<double>;

namespace {

// y' = iω(t) y, ω(t) = 1 + 0.5 cos 3t: y(t) = exp(i(t + sin(3t)/6)) y(0). The base step is the
// Cayley (Crank–Nicolson) step with ω at the midpoint, y ← (1 + iωh/2)/(1 − iωh/2) y: symmetric
// and second order, like CrankNicolsonSpectral, and unitary for either sign of h.
double omega(double t) { return 1 + 0.5 * std::cos(3 * t); }
double phase(double t) { return t + std::sin(3 * t) / 6; }

struct Cayley {
  int calls = 0;
  void step(cplx& y, double t, double h) {
    const cplx z(0, omega(t + h / 2) * h / 2);
    y *= (1.0 + z) / (1.0 - z);
    ++calls;
  }
};

template <class Step>
double error_after(Step& stepper, long steps, double t_end = 2.0) {
  cplx y = 1;
  wavekin::integrate_n_steps(stepper, y, 0.0, t_end / double(steps), steps);
  return std::abs(y - std::polar(1.0, phase(t_end)));
}

}  // namespace

TEST_CASE("SymmetricComposition: orders 4, 4, 6 from a symmetric second-order step",
          "[core][composition]") {
  // Observed order log2(e(n)/e(2n)) between n = 16, 32, 64 steps to T = 2; the window
  // [p − 0.25, p + 0.6] takes the next term of the error expansion (relative size O(Δt²) ≈ 1 %
  // at n = 16) and excludes the neighbouring orders. The errors stay above 1e-12, far above
  // round-off (the steps are unitary, 1e-16 per step).
  for (const auto& scheme :
       {CompositionScheme::triple_jump(), CompositionScheme::suzuki(), CompositionScheme::yoshida6()}) {
    const long base_n = scheme.order() == 6 ? 8 : 16;
    double e[3];
    for (int i = 0; i < 3; ++i) {
      SymmetricComposition<Cayley> method(Cayley{}, scheme);
      e[i] = error_after(method, base_n << i);
      CHECK(method.base().calls == long(scheme.stages().size()) * (base_n << i));
    }
    const double p1 = std::log2(e[0] / e[1]), p2 = std::log2(e[1] / e[2]);
    if (wavekin::test::verbose())
      std::printf("%s: errors %.3e %.3e %.3e, orders %.2f %.2f\n", std::string(scheme.name()).c_str(),
                  e[0], e[1], e[2], p1, p2);
    CHECK(e[2] > 1e-12);
    CHECK(p1 >= scheme.order() - 0.25);
    CHECK(p1 <= scheme.order() + 0.6);
    CHECK(p2 >= scheme.order() - 0.25);
    CHECK(p2 <= scheme.order() + 0.6);
  }
  // The base step alone is second order (the reference for what the compositions gain).
  Cayley base;
  const double b1 = error_after(base, 64), b2 = error_after(base, 128);
  CHECK(std::log2(b1 / b2) == Approx(2.0).margin(0.1));
}

TEST_CASE("SymmetricComposition: stages sum to 1 and cancel dt^3; symmetric schemes",
          "[core][composition]") {
  for (const auto& scheme :
       {CompositionScheme::triple_jump(), CompositionScheme::suzuki(), CompositionScheme::yoshida6()}) {
    const auto g = scheme.stages();
    double sum = 0, cubes = 0;
    for (const double x : g) sum += x, cubes += x * x * x;
    CHECK(sum == Approx(1.0).margin(1e-15));
    // Σγ³ = 0 is the order-4 condition; Yoshida's 15-digit coefficients meet it to ~1e-14.
    CHECK(std::abs(cubes) <= 1e-13);
    for (std::size_t k = 0; k < g.size(); ++k) CHECK(g[k] == g[g.size() - 1 - k]);
  }
  // Symmetry of the composed step: a step of −dt from t + dt undoes a step of dt (to round-off).
  SymmetricComposition<Cayley> method(Cayley{}, CompositionScheme::suzuki());
  cplx y = cplx(0.3, -0.7);
  const cplx y0 = y;
  method.step(y, 0.4, 0.3);
  CHECK(std::abs(y - y0) > 1e-3);  // it moved
  method.step(y, 0.7, -0.3);
  CHECK(std::abs(y - y0) <= 1e-15);
}

TEST_CASE("SymmetricComposition: bad input", "[core][composition]") {
  SymmetricComposition<Cayley> method(Cayley{});
  CHECK(method.scheme().name() == "suzuki");
  cplx y = 1;
  CHECK_THROWS_AS(method.step(y, 0.0, 0.0), wavekin::invalid_argument);
  CHECK_THROWS_AS(method.step(y, std::nan(""), 0.1), wavekin::invalid_argument);
  CHECK_THROWS_AS(method.step(y, 0.0, std::numeric_limits<double>::infinity()), wavekin::invalid_argument);
  CHECK(y == cplx(1));
  CHECK(CompositionScheme::named("yoshida6").order() == 6);
  CHECK_THROWS_WITH(CompositionScheme::named("rk4"),
                    Catch::Matchers::Contains("unknown scheme 'rk4'"));
}

}  // namespace wavekin_test_composition
