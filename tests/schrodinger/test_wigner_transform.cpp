// Tests for wavekin/schrodinger/wigner_transform.hpp: a Gaussian packet against the
// closed form, the marginal ∫W dk = |u|², a plane wave, and rejected input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <vector>

#include "gaussian_packet.hpp"
#include "test_common.hpp"
#include "wavekin/schrodinger/wigner_transform.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_wigner_transform {

using Catch::Matchers::Contains;
using wavekin::PeriodicGrid;
using namespace wavekin::test;

TEST_CASE("Wigner transform of a Gaussian packet matches the closed form",
          "[schrodinger][wigner]") {
  // u = exp(−A(x − x₀)² + ip₀x/ε) gives
  //   u(x − εy/2) conj u(x + εy/2) = e^{−2A(x−x₀)²} e^{−Aε²y²/2} e^{−ip₀y},
  // so W(x, k) = e^{−2A(x−x₀)²} e^{−(k−p₀)²/(2Aε²)} / (ε√(2πA)).
  // Discretisation (see the header): y-step 2h/ε = 0.156 against the
  // y-width 1/(ε√A) = 2 (trapezoid error ~e^{−2π²(2/0.156)²}, nil); y-window
  // ±L/ε = ±20 = 10 widths (cut-off e^{−50}); k-width ε√A = 0.5 inside the
  // period πε/h = 40 (no aliasing); the periodic images of u change it by
  // e^{−A(L/2)²} = e^{−25} ≈ 1e-11. The periodic ghost centred at x₀ ± L/2
  // (where the ends of the y-window pair the packet with its own image, see
  // the header) decays like e^{−2Aδ²} with the distance δ from x₀ ± L/2:
  // 3.7e-6 at |x − x₀| = L/4 (measured), 2e-11 at |x − x₀| = 0.15. On
  // |x − x₀| ≤ 0.15 the error is round-off: we ask 1e-10 relative to max W.
  const double a = 100, x0 = 0.5, p0 = 1, epsilon = 0.05;
  const PeriodicGrid<1> grid({256}, PeriodicGrid<1>::Point(1.0));
  const wavekin_test::GaussianPacket packet{a, x0, p0, epsilon, 1.0, 1.0};
  const auto u = packet.sample(grid, 0.0);
  const auto k = wavekin::wigner_momentum_grid(grid, epsilon, 200, p0);
  const auto w = wavekin::wigner_transform(grid, u, epsilon, k);
  const double peak = 1 / (epsilon * std::sqrt(2 * std::numbers::pi * a));
  double worst = 0;
  for (std::ptrdiff_t j = 0; j < grid.size(); ++j) {
    const double x = grid.coordinate(0, j);
    if (std::abs(x - x0) > 0.15) continue;
    for (std::size_t m = 0; m < k.size(); ++m) {
      const double exact = peak * std::exp(-2 * a * (x - x0) * (x - x0)) *
                           std::exp(-(k[m] - p0) * (k[m] - p0) / (2 * a * epsilon * epsilon));
      worst = std::max(worst, std::abs(w[static_cast<std::size_t>(j) * k.size() + m] - exact));
    }
  }
  if (verbose()) std::printf("Wigner Gaussian: max error %.3e (max W %.3f)\n", worst, peak);
  CHECK(worst <= 1e-10 * peak);
}

TEST_CASE("Wigner transform: the k-marginal is |u|^2 at every x", "[schrodinger][wigner]") {
  // On a uniform k grid of K > N/2 points over one period the rectangle rule
  // annihilates every s ≠ 0 term exactly (discrete orthogonality), so
  // Σ_m W(x_j, k_m) Δk = |u_j|² to round-off: ~N ε_machine max|u|² ≈ 1e-13.
  // Any smooth u will do; take a generic periodic one with several frequencies.
  const double epsilon = 0.02;
  const PeriodicGrid<1> grid({64}, PeriodicGrid<1>::Point(2.0));
  std::vector<cd> u(64);
  for (std::ptrdiff_t j = 0; j < 64; ++j) {
    const double x = grid.coordinate(0, j), t = std::numbers::pi * x;
    u[static_cast<std::size_t>(j)] =
        std::exp(cd(std::sin(t), 0.5 * std::cos(2 * t))) + cd(0.2, -0.1) * std::exp(cd(0, 5 * t));
  }
  for (const std::ptrdiff_t count : {33, 64, 97}) {
    const auto k = wavekin::wigner_momentum_grid(grid, epsilon, count, 0.3);
    const double dk = wavekin::wigner_momentum_period(grid, epsilon) / static_cast<double>(count);
    const auto w = wavekin::wigner_transform(grid, u, epsilon, k);
    double worst = 0;
    for (std::size_t j = 0; j < u.size(); ++j) {
      double sum = 0;
      for (std::size_t m = 0; m < k.size(); ++m) sum += w[j * k.size() + m];
      worst = std::max(worst, std::abs(sum * dk - std::norm(u[j])));
    }
    CHECK(worst <= 1e-12);
  }
}

TEST_CASE("Wigner transform of a plane wave concentrates at its momentum",
          "[schrodinger][wigner]") {
  // e^{ik₀x/ε} with k₀/ε a grid wavenumber: u_{j−s} conj u_{j+s} = e^{−2ik₀sh/ε},
  // so W(x, ·) is a Dirichlet kernel centred at k₀: every term is 1 at k = k₀,
  // giving (h/πε)(1 + 2(N/2 − 1) + cos(k₀L/ε)) = N h/(πε), and it vanishes at
  // the other points of a K = N grid through k₀ (discrete orthogonality).
  // Round-off: N terms of size h/(πε) ≈ 0.2, so 1e-12 absolute.
  const double epsilon = 0.05;
  const PeriodicGrid<1> grid({32}, PeriodicGrid<1>::Point(1.0));
  const double k0 = epsilon * 2 * std::numbers::pi * 3;
  std::vector<cd> u(32);
  for (std::ptrdiff_t j = 0; j < 32; ++j)
    u[static_cast<std::size_t>(j)] = std::exp(cd(0, k0 * grid.coordinate(0, j) / epsilon));
  const auto k = wavekin::wigner_momentum_grid(grid, epsilon, 32, k0);
  const auto w = wavekin::wigner_transform(grid, u, epsilon, k);
  const double h = grid.spacing(0);
  for (std::size_t j = 0; j < 32; ++j)
    for (std::size_t m = 0; m < 32; ++m) {
      const double expected = m == 16 ? 32 * h / (std::numbers::pi * epsilon) : 0.0;
      CHECK(std::abs(w[j * 32 + m] - expected) <= 1e-12);
    }
}

TEST_CASE("Dim-generic Wigner transform: 1-D agrees, 2-D separates and has the right marginal",
          "[schrodinger][wigner]") {
  // The generic transform sums the same window (both ends at ½ weight instead
  // of one end-cosine), so in 1-D it agrees with the 1-D overload to
  // round-off; for u(x, y) = f(x) g(y) products, window, weights and phases
  // all factorise, so W = W_f(x, k_x) W_g(y, k_y) to round-off (~1e-14
  // relative to max W).
  const double epsilon = 0.05;
  const wavekin_test::GaussianPacket fx{60.0, 0.5, 0.8, epsilon, 1.0, 1.0};
  const wavekin_test::GaussianPacket gy{40.0, 0.7, -0.5, epsilon, 1.0, 1.5};
  const PeriodicGrid<1> line_x({32}, PeriodicGrid<1>::Point(1.0));
  const PeriodicGrid<1> line_y({24}, PeriodicGrid<1>::Point(1.5));
  const auto f = fx.sample(line_x, 0.0), g = gy.sample(line_y, 0.0);
  const auto kx = wavekin::wigner_momentum_grid(line_x, epsilon, 20, 0.8);
  const auto ky = wavekin::wigner_momentum_grid(line_y, epsilon, 16, -0.5);

  const auto w_f = wavekin::wigner_transform(line_x, f, epsilon, kx);
  const auto w_f_generic = wavekin::wigner_transform<1, double>(line_x, f, epsilon, {kx});
  double scale = 0, worst = 0;
  for (double v : w_f) scale = std::max(scale, std::abs(v));
  for (std::size_t i = 0; i < w_f.size(); ++i)
    worst = std::max(worst, std::abs(w_f[i] - w_f_generic[i]));
  CHECK(worst <= 1e-13 * scale);

  const auto w_g = wavekin::wigner_transform(line_y, g, epsilon, ky);
  using Point = PeriodicGrid<2>::Point;
  const PeriodicGrid<2> plane({32, 24}, Point(1.0, 1.5));
  std::vector<cd> u(32 * 24);
  for (std::size_t i = 0; i < 32; ++i)
    for (std::size_t j = 0; j < 24; ++j) u[i * 24 + j] = f[i] * g[j];
  const auto w = wavekin::wigner_transform(plane, u, epsilon, {kx, ky});
  REQUIRE(w.size() == 32 * 24 * 20 * 16);
  double scale2 = 0, worst2 = 0;
  for (std::size_t i = 0; i < 32; ++i)
    for (std::size_t j = 0; j < 24; ++j)
      for (std::size_t a = 0; a < 20; ++a)
        for (std::size_t b = 0; b < 16; ++b) {
          const double expected = w_f[i * 20 + a] * w_g[j * 16 + b];
          scale2 = std::max(scale2, std::abs(expected));
          worst2 = std::max(worst2, std::abs(w[((i * 24 + j) * 20 + a) * 16 + b] - expected));
        }
  CHECK(worst2 <= 1e-13 * scale2);

  // ∫W dk = |u|²: K_a = 20 > 16 and 16 > 12 points over one period per axis.
  const double dk = wavekin::wigner_momentum_period(line_x, epsilon) / 20 *
                    wavekin::wigner_momentum_period(line_y, epsilon) / 16;
  double worst_marginal = 0;
  for (std::size_t p = 0; p < u.size(); ++p) {
    double sum = 0;
    for (std::size_t m = 0; m < 20 * 16; ++m) sum += w[p * 320 + m];
    worst_marginal = std::max(worst_marginal, std::abs(sum * dk - std::norm(u[p])));
  }
  CHECK(worst_marginal <= 1e-12);
}

TEST_CASE("Wigner transform rejects bad input naming the value", "[schrodinger][wigner]") {
  const PeriodicGrid<1> grid({8}, PeriodicGrid<1>::Point(1.0));
  std::vector<cd> u(8, cd(1, 0)), small(6);
  const std::vector<double> k{0.0, 1.0};
  CHECK_THROWS_WITH(wavekin::wigner_transform(grid, small, 0.1, k),
                    Contains("6 values, expected 8"));
  CHECK_THROWS_WITH(wavekin::wigner_transform(grid, u, 0.0, k),
                    Contains("epsilon must be finite and > 0, got 0"));
  u[1] = cd(std::numeric_limits<double>::quiet_NaN(), 0);
  CHECK_THROWS_WITH(wavekin::wigner_transform(grid, u, 0.1, k), Contains("u[1] = (nan, 0)"));
  CHECK_THROWS_WITH(wavekin::wigner_momentum_grid(grid, 0.1, 0), Contains("got 0"));
  u[1] = cd(1, 0);
  auto generic = [&](std::vector<double> k_axis) {
    return wavekin::wigner_transform(grid, u, 0.1, std::array<std::vector<double>, 1>{k_axis});
  };
  CHECK_THROWS_WITH(generic({}), Contains("axis 0 is empty"));
  CHECK_THROWS_WITH(generic({0.0, std::nan("")}), Contains("k[0][1] = nan"));
}

}  // namespace wavekin_test_wigner_transform
