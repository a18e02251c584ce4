// Tests for wavekin/core/spectral_derivative.hpp: derivatives of analytic
// periodic functions to round-off in 1, 2 and 3 D, the Nyquist conventions,
// geometric convergence, general symbols and rejected input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "test_common.hpp"
#include "wavekin/core/spectral_derivative.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_spectral_derivative {

using Catch::Matchers::Contains;
using wavekin::Complex;
using wavekin::PeriodicGrid;
using wavekin::SpectralDerivative;
using namespace wavekin::test;

namespace {

// Set WAVEKIN_TEST_VERBOSE=1 to print the measured errors, in units of
// ε·scale (scale = max|exact result|).
template <class Scalar>
void report(const char* what, int dim, double error, double scale) {
  if (!verbose()) return;
  const double eps = std::numeric_limits<Scalar>::epsilon();
  std::printf("%-24s %dD %-6s max error %.3e = %8.1f eps * max|exact| (max|exact| = %.3e)\n", what,
              dim, sizeof(Scalar) == 4 ? "float" : "double", error, error / (eps * scale), scale);
}

// One factor u(x) = exp(sin θ + iβ cos θ), θ = 2π(x − c)/L: analytic and
// L-periodic, complex unless β = 0. Writing z(θ) for the exponent,
// u' = k z_θ u and u'' = k² (z_θθ + z_θ²) u with k = 2π/L. Its Fourier
// coefficients decay like 1/(|m|! 2^|m|) (those of exp(sin θ) are Bessel
// I_m(1)), so 32 points per period leave a truncation error below 1e-17.
struct Factor {
  double length, shift, beta;
  [[nodiscard]] double theta(double x) const { return two_pi * (x - shift) / length; }
  [[nodiscard]] cd value(double x) const {
    const double t = theta(x);
    return std::exp(cd(std::sin(t), beta * std::cos(t)));
  }
  [[nodiscard]] cd d1(double x) const {
    const double t = theta(x), k = two_pi / length;
    return k * cd(std::cos(t), -beta * std::sin(t)) * value(x);
  }
  [[nodiscard]] cd d2(double x) const {
    const double t = theta(x), k = two_pi / length;
    const cd z1(std::cos(t), -beta * std::sin(t));
    const cd z2(-std::sin(t), -beta * std::cos(t));
    return k * k * (z2 + z1 * z1) * value(x);
  }
};

// f(x) = Π_a u_a(x_a) on a grid, with its exact first and second partial
// derivatives along every axis.
template <int Dim, class Scalar>
struct Sample {
  std::vector<Complex<Scalar>> f;
  std::array<std::vector<cd>, Dim> d1, d2;
  std::vector<cd> laplacian;
  double max_f = 0;
};

template <int Dim, class Scalar>
Sample<Dim, Scalar> sample(const PeriodicGrid<Dim, Scalar>& grid,
                           const std::array<Factor, Dim>& factors) {
  const auto n = static_cast<std::size_t>(grid.size());
  Sample<Dim, Scalar> s;
  s.f.resize(n);
  s.laplacian.assign(n, cd(0));
  for (auto& v : s.d1) v.resize(n);
  for (auto& v : s.d2) v.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto index = grid.multi_index(static_cast<std::ptrdiff_t>(k));
    std::array<double, Dim> x{};
    std::array<cd, Dim> u{};
    cd product = 1;
    for (int a = 0; a < Dim; ++a) {
      // The coordinate in double, so the reference is exact to double
      // precision whatever Scalar the solver runs in.
      x[a] = static_cast<double>(grid.origin()[a]) + static_cast<double>(index[a]) *
                                                         static_cast<double>(grid.lengths()[a]) /
                                                         static_cast<double>(grid.counts()[a]);
      u[a] = factors[a].value(x[a]);
      product *= u[a];
    }
    s.f[k] = Complex<Scalar>(Scalar(product.real()), Scalar(product.imag()));
    s.max_f = std::max(s.max_f, std::abs(product));
    for (int a = 0; a < Dim; ++a) {
      const cd others = product / u[a];
      s.d1[a][k] = factors[a].d1(x[a]) * others;
      s.d2[a][k] = factors[a].d2(x[a]) * others;
      s.laplacian[k] += s.d2[a][k];
    }
  }
  return s;
}

template <class Scalar>
double max_error(const std::vector<Complex<Scalar>>& computed, const std::vector<cd>& exact) {
  double worst = 0;
  for (std::size_t k = 0; k < exact.size(); ++k)
    worst = std::max(worst, std::abs(cd(computed[k]) - exact[k]));
  return worst;
}

double max_abs(const std::vector<cd>& v) {
  double m = 0;
  for (const auto& z : v) m = std::max(m, std::abs(z));
  return m;
}

// The tolerance for an operator of order m along axes with at most n_max
// points, relative to the largest |exact result|: C·ε·max|D^m f| with
// C = 4·log2(N)·(n_max/2)^m.
// Why: the transforms leave an error of about ε·log2(N)·max|f| on every
// Fourier coefficient (and rounding the input to Scalar adds ε·max|f|), which
// the symbol amplifies by at most ξ_max^m, ξ_max = π n/L, whereas the smallest
// nonzero result scales like (2π/L)^m·max|f| (the lowest mode); their ratio is
// (n/2)^m. The factor 4 covers the constants of the FFT error bound. The
// truncation error is far below this (see Factor).
template <class Scalar>
double tolerance(std::ptrdiff_t total, std::ptrdiff_t n_max, int order) {
  const double eps = std::numeric_limits<Scalar>::epsilon();
  return 4 * eps * std::log2(static_cast<double>(total)) *
         std::pow(static_cast<double>(n_max) / 2, order);
}

template <int Dim, class Scalar>
void check_analytic(const PeriodicGrid<Dim, Scalar>& grid, const std::array<Factor, Dim>& factors) {
  using C = Complex<Scalar>;
  SpectralDerivative<Dim, Scalar> d(grid);
  const auto s = sample<Dim, Scalar>(grid, factors);
  const auto n = s.f.size();
  std::ptrdiff_t n_max = 0;
  for (int a = 0; a < Dim; ++a) n_max = std::max(n_max, grid.count(a));

  std::array<std::vector<C>, Dim> gradient;
  std::array<C*, Dim> gradient_ptr{};
  for (int a = 0; a < Dim; ++a) {
    gradient[a].resize(n);
    gradient_ptr[a] = gradient[a].data();
  }
  d.gradient(s.f.data(), gradient_ptr);

  std::vector<C> out(n);
  for (int a = 0; a < Dim; ++a) {
    INFO("axis " << a);
    d.derivative(s.f, out, a);
    const double scale1 = max_abs(s.d1[a]);
    const double err1 = max_error(out, s.d1[a]);
    report<Scalar>("first derivative", Dim, err1, scale1);
    CHECK(err1 <= tolerance<Scalar>(grid.size(), n_max, 1) * scale1);
    // The gradient's component is the same computation from the same spectrum.
    const double eps = std::numeric_limits<Scalar>::epsilon();
    double diff = 0;
    for (std::size_t k = 0; k < n; ++k)
      diff = std::max(diff, std::abs(cd(gradient[a][k] - out[k])));
    CHECK(diff <= 4 * eps * scale1);

    d.derivative(s.f, out, a, 2);
    const double scale2 = max_abs(s.d2[a]);
    const double err2 = max_error(out, s.d2[a]);
    report<Scalar>("second derivative", Dim, err2, scale2);
    CHECK(err2 <= tolerance<Scalar>(grid.size(), n_max, 2) * scale2);
  }

  d.laplacian(s.f, out);
  const double scale_lap = max_abs(s.laplacian);
  const double err_lap = max_error(out, s.laplacian);
  report<Scalar>("laplacian", Dim, err_lap, scale_lap);
  CHECK(err_lap <= tolerance<Scalar>(grid.size(), n_max, 2) * scale_lap);

  // div ∇f = Δf (they differ only in Nyquist modes, negligible for analytic f).
  std::array<const C*, Dim> components{};
  for (int a = 0; a < Dim; ++a) components[a] = gradient[a].data();
  std::vector<C> div(n);
  d.divergence(components, div.data());
  const double err_div = max_error(div, s.laplacian);
  report<Scalar>("divergence of gradient", Dim, err_div, scale_lap);
  CHECK(err_div <= tolerance<Scalar>(grid.size(), n_max, 2) * scale_lap);
}

template <class Scalar>
std::vector<Complex<Scalar>> random_real_field(std::size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<Complex<Scalar>> v(n);
  for (auto& z : v) z = Complex<Scalar>(Scalar(g(rng)), 0);
  return v;
}

}  // namespace

TEMPLATE_TEST_CASE("spectral derivatives of analytic functions are exact to round-off", "", float,
                   double) {
  using T = TestType;
  SECTION("1D, L = 2.5, origin -0.7") {
    const PeriodicGrid<1, T> grid({32}, Eigen::Matrix<T, 1, 1>(T(2.5)),
                                  Eigen::Matrix<T, 1, 1>(T(-0.7)));
    check_analytic<1, T>(grid, {Factor{2.5, 0.3, 0.5}});
  }
  SECTION("1D real, N = 64") {
    const PeriodicGrid<1, T> grid({64}, Eigen::Matrix<T, 1, 1>(T(0.8)),
                                  Eigen::Matrix<T, 1, 1>(T(1.1)));
    check_analytic<1, T>(grid, {Factor{0.8, -0.2, 0.0}});
  }
  SECTION("2D, 32 x 40 on [0.3, 2.0) x [-1.2, 1.9)") {
    const PeriodicGrid<2, T> grid({32, 40}, Eigen::Matrix<T, 2, 1>(T(1.7), T(3.1)),
                                  Eigen::Matrix<T, 2, 1>(T(0.3), T(-1.2)));
    check_analytic<2, T>(grid, {Factor{1.7, 0.1, 0.5}, Factor{3.1, 2.0, -0.3}});
  }
  SECTION("3D, 32 x 36 x 40 on a non-cubic box") {
    const PeriodicGrid<3, T> grid({32, 36, 40}, Eigen::Matrix<T, 3, 1>(T(2.0), T(0.9), T(3.3)),
                                  Eigen::Matrix<T, 3, 1>(T(-0.4), T(0.25), T(1.0)));
    check_analytic<3, T>(grid,
                         {Factor{2.0, 0.7, 0.4}, Factor{0.9, -0.1, 0.0}, Factor{3.3, 1.3, -0.6}});
  }
}

TEMPLATE_TEST_CASE("odd derivatives of real data stay real thanks to the zeroed Nyquist mode", "",
                   float, double) {
  using T = TestType;
  using C = Complex<T>;
  // Random data: every mode, the Nyquist modes included, is populated.
  const PeriodicGrid<2, T> grid({16, 12}, Eigen::Matrix<T, 2, 1>(T(1.3), T(0.7)),
                                Eigen::Matrix<T, 2, 1>(T(0.2), T(-0.4)));
  SpectralDerivative<2, T> d(grid);
  std::mt19937_64 rng(11);
  const auto f = random_real_field<T>(static_cast<std::size_t>(grid.size()), rng);
  std::vector<C> out(f.size());
  for (int axis = 0; axis < 2; ++axis) {
    for (const int order : {1, 3}) {
      INFO("axis " << axis << ", order " << order);
      d.derivative(f, out, axis, order);
      double max_re = 0, max_im = 0;
      for (const auto& z : out) {
        max_re = std::max(max_re, double(std::abs(z.real())));
        max_im = std::max(max_im, double(std::abs(z.imag())));
      }
      // Random data: |result| ~ ξ_max^order |f|, round-off ε log2(N) of that.
      CHECK(max_im <= tolerance<T>(grid.size(), 1, 0) * max_re);
    }
    // Why the Nyquist mode must be zeroed: with ξ_Nyquist = −πN/L kept, the
    // multiplier iξ is not odd on the grid and real data acquire an O(1)
    // imaginary part.
    d.apply_symbol(f, out, [axis](const auto& xi) { return C(0, xi[axis]); });
    double max_re = 0, max_im = 0;
    for (const auto& z : out) {
      max_re = std::max(max_re, double(std::abs(z.real())));
      max_im = std::max(max_im, double(std::abs(z.imag())));
    }
    CHECK(max_im > 0.01 * max_re);
  }
}

TEMPLATE_TEST_CASE("the pure Nyquist mode: odd derivatives vanish, even ones keep it", "", float,
                   double) {
  using T = TestType;
  using C = Complex<T>;
  // f = cos(π(x_0 − o_0)/h_0) · u(x_1) = (−1)^{j_0} u(x_1).
  const double l0 = 1.9, l1 = 2.6;
  const PeriodicGrid<2, T> grid({16, 32}, Eigen::Matrix<T, 2, 1>(T(l0), T(l1)),
                                Eigen::Matrix<T, 2, 1>(T(0.5), T(-0.3)));
  SpectralDerivative<2, T> d(grid);
  const Factor u{l1, 0.4, 0.0};
  const auto n = static_cast<std::size_t>(grid.size());
  std::vector<C> f(n), out(n);
  std::vector<cd> second0(n), first1(n);
  const double xi_nyquist = std::numbers::pi * 16 / l0;
  for (std::size_t k = 0; k < n; ++k) {
    const auto index = grid.multi_index(static_cast<std::ptrdiff_t>(k));
    const double x1 = -0.3 + static_cast<double>(index[1]) * l1 / 32;
    const double sign = index[0] % 2 == 0 ? 1.0 : -1.0;
    const cd value = sign * u.value(x1);
    f[k] = C(T(value.real()), T(value.imag()));
    second0[k] = -xi_nyquist * xi_nyquist * value;
    first1[k] = sign * u.d1(x1);
  }
  const double max_f = std::exp(1.0);
  // ∂_0 f = 0: what remains is the transforms' round-off on the other slots,
  // amplified by at most ξ_max.
  d.derivative(f, out, 0);
  double worst = 0;
  for (const auto& z : out) worst = std::max(worst, double(std::abs(z)));
  report<T>("d/dx0 of Nyquist mode", 2, worst, xi_nyquist * max_f);
  CHECK(worst <= tolerance<T>(grid.size(), 1, 0) * xi_nyquist * max_f);
  d.derivative(f, out, 0, 3);
  worst = 0;
  for (const auto& z : out) worst = std::max(worst, double(std::abs(z)));
  CHECK(worst <= tolerance<T>(grid.size(), 1, 0) * std::pow(xi_nyquist, 3) * max_f);
  // ∂_0² f = −(πN/L)² f, and the laplacian keeps it too.
  d.derivative(f, out, 0, 2);
  const double scale = max_abs(second0);
  CHECK(max_error(out, second0) <= tolerance<T>(grid.size(), 1, 0) * scale);
  // ∂_1 f is the smooth factor's derivative times (−1)^{j_0}.
  d.derivative(f, out, 1);
  CHECK(max_error(out, first1) <= tolerance<T>(grid.size(), 32, 1) * max_abs(first1));
}

TEST_CASE("spectral derivatives converge geometrically with N (double)") {
  // u = exp(sin θ + 0.5i cos θ): the aliasing error at N points is of the
  // order of the coefficient at |m| = N/2, ~ 1/((N/2)! 2^{N/2}).
  const Factor u{2.5, 0.3, 0.5};
  std::array<double, 3> error{};
  const std::array<std::ptrdiff_t, 3> sizes{8, 16, 32};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const PeriodicGrid<1> grid({sizes[i]}, Eigen::Matrix<double, 1, 1>(2.5),
                               Eigen::Matrix<double, 1, 1>(-0.7));
    SpectralDerivative<1> d(grid);
    const auto s = sample<1, double>(grid, {u});
    std::vector<Complex<double>> out(s.f.size());
    d.derivative(s.f, out, 0);
    error[i] = max_error(out, s.d1[0]) / max_abs(s.d1[0]);
    if (verbose())
      std::printf("convergence: N = %2td  relative max error %.3e\n", sizes[i], error[i]);
  }
  CHECK(error[0] > 1e-4);
  CHECK(error[1] < error[0] * 1e-3);
  CHECK(error[2] < 1e-12);
}

TEMPLATE_TEST_CASE("apply_symbol reproduces derivative and laplacian", "", float, double) {
  using T = TestType;
  using C = Complex<T>;
  using Wavevector = typename SpectralDerivative<2, T>::Wavevector;
  const PeriodicGrid<2, T> grid({32, 40}, Eigen::Matrix<T, 2, 1>(T(1.7), T(3.1)),
                                Eigen::Matrix<T, 2, 1>(T(0.3), T(-1.2)));
  SpectralDerivative<2, T> d(grid);
  // A smooth function: its Nyquist content (~1e-18) is below round-off, so
  // iξ_0 with the Nyquist slot kept agrees with the derivative.
  const auto s = sample<2, T>(grid, {Factor{1.7, 0.1, 0.5}, Factor{3.1, 2.0, -0.3}});
  std::vector<C> by_symbol(s.f.size()), by_derivative(s.f.size());
  d.apply_symbol(s.f, by_symbol, [](const Wavevector& xi) { return C(0, xi[0]); });
  d.derivative(s.f, by_derivative, 0);
  const double scale = max_abs(s.d1[0]);
  std::vector<cd> reference(by_derivative.begin(), by_derivative.end());
  CHECK(max_error(by_symbol, reference) <= tolerance<T>(grid.size(), 40, 1) * scale);

  // −|ξ|² (a real-valued symbol) is the laplacian exactly, Nyquist included,
  // so random data work too.
  std::mt19937_64 rng(12);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<C> f(s.f.size());
  for (auto& z : f) z = C(T(g(rng)), T(g(rng)));
  d.apply_symbol(f, by_symbol, [](const Wavevector& xi) { return -xi.squaredNorm(); });
  d.laplacian(f, by_derivative);
  reference.assign(by_derivative.begin(), by_derivative.end());
  CHECK(max_error(by_symbol, reference) <= tolerance<T>(grid.size(), 1, 0) * max_abs(reference));
}

TEMPLATE_TEST_CASE("higher orders compose, aliased arguments work", "", float, double) {
  using T = TestType;
  using C = Complex<T>;
  const PeriodicGrid<3, T> grid({8, 6, 10}, Eigen::Matrix<T, 3, 1>(T(1.0), T(2.0), T(0.5)));
  SpectralDerivative<3, T> d(grid);
  const auto n = static_cast<std::size_t>(grid.size());
  std::mt19937_64 rng(13);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<C> f(n);
  for (auto& z : f) z = C(T(g(rng)), T(g(rng)));
  const double tol = tolerance<T>(grid.size(), 1, 0);
  auto relative = [](const std::vector<C>& a, const std::vector<C>& b) {
    const std::vector<cd> reference(b.begin(), b.end());
    return max_error(a, reference) / max_abs(reference);
  };

  // Even orders keep the Nyquist mode, so ∂⁴ = ∂²∂² exactly, on any data.
  std::vector<C> once(n), twice(n), direct(n);
  d.derivative(f, once, 2, 2);
  d.derivative(once, twice, 2, 2);
  d.derivative(f, direct, 2, 4);
  CHECK(relative(direct, twice) <= 4 * tol);
  // Odd orders drop it, so ∂³ = ∂∂∂ exactly too.
  std::vector<C> thrice(n);
  d.derivative(f, once, 1);
  d.derivative(once, twice, 1);
  d.derivative(twice, thrice, 1);
  d.derivative(f, direct, 1, 3);
  CHECK(relative(direct, thrice) <= 4 * tol);

  // in == out
  std::vector<C> in_place = f;
  d.derivative(in_place, in_place, 0);
  d.derivative(f, direct, 0);
  CHECK(relative(in_place, direct) <= tol);
  in_place = f;
  d.laplacian(in_place, in_place);
  d.laplacian(f, direct);
  CHECK(relative(in_place, direct) <= tol);

  // gradient writing over its input
  std::array<std::vector<C>, 3> grad{std::vector<C>(n), std::vector<C>(n), std::vector<C>(n)};
  d.gradient(f, {std::span(grad[0]), std::span(grad[1]), std::span(grad[2])});
  std::array<std::vector<C>, 3> grad2{f, std::vector<C>(n), std::vector<C>(n)};
  d.gradient(grad2[0].data(), {grad2[1].data(), grad2[2].data(), grad2[0].data()});
  CHECK(relative(grad2[1], grad[0]) <= tol);
  CHECK(relative(grad2[0], grad[2]) <= tol);

  // divergence writing over each of its inputs in turn
  std::vector<C> div(n);
  d.divergence(
      {std::span<const C>(grad[0]), std::span<const C>(grad[1]), std::span<const C>(grad[2])},
      std::span(div));
  for (std::size_t overwritten = 0; overwritten < 3; ++overwritten) {
    INFO("out == in[" << overwritten << "]");
    auto copy = grad;
    d.divergence({copy[0].data(), copy[1].data(), copy[2].data()}, copy[overwritten].data());
    CHECK(relative(copy[overwritten], div) <= tol);
  }
}

TEST_CASE("SpectralDerivative is movable") {
  const auto grid = PeriodicGrid<1>::cube(16, 2 * std::numbers::pi);
  SpectralDerivative<1> original(grid);
  SpectralDerivative<1> d(std::move(original));
  std::vector<Complex<double>> f(16), out(16);
  for (std::size_t j = 0; j < 16; ++j) f[j] = std::sin(2 * std::numbers::pi * double(j) / 16);
  d.derivative(f, out, 0);
  for (std::size_t j = 0; j < 16; ++j)
    CHECK(std::abs(out[j] - std::cos(2 * std::numbers::pi * double(j) / 16)) < 1e-14);
  CHECK(d.size() == 16);
  CHECK(d.fft().size() == 16);
}

TEST_CASE("SpectralDerivative rejects bad input with a message naming it") {
  using wavekin::invalid_argument;
  using C = Complex<double>;
  const PeriodicGrid<2> grid({8, 12}, Eigen::Vector2d(1.0, 2.0));
  SpectralDerivative<2> d(grid);
  std::vector<C> good(96), other(96), short_one(95);
  CHECK_THROWS_AS(d.derivative(good, other, 2), invalid_argument);
  CHECK_THROWS_WITH(d.derivative(good, other, 2), Contains("axis 2"));
  CHECK_THROWS_WITH(d.derivative(good, other, -1), Contains("axis -1"));
  CHECK_THROWS_WITH(d.derivative(good, other, 0, 0), Contains("order") && Contains("0"));
  CHECK_THROWS_WITH(d.derivative(good.data(), other.data(), 0, -2), Contains("-2"));
  CHECK_THROWS_WITH(d.derivative(short_one, other, 0), Contains("95") && Contains("96"));
  CHECK_THROWS_WITH(d.laplacian(good, short_one), Contains("95") && Contains("96"));
  CHECK_THROWS_WITH(d.gradient(good, {std::span(other), std::span(short_one)}),
                    Contains("component 1") && Contains("95"));
  CHECK_THROWS_WITH(
      d.divergence({std::span<const C>(short_one), std::span<const C>(good)}, std::span(other)),
      Contains("component 0") && Contains("95"));
  CHECK_THROWS_WITH(d.apply_symbol(good, short_one, [](const auto&) { return C(1); }),
                    Contains("apply_symbol") && Contains("95"));
  CHECK_THROWS_WITH(SpectralDerivative<2>(grid, wavekin::FftOptions{.threads = 0}),
                    Contains("threads"));
}

}  // namespace wavekin_test_spectral_derivative
