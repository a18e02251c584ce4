// Tests for wavekin/schrodinger/detail/unit_phases.hpp: e^{iθ} on vector lanes against long-double
// sin and cos, the std::polar fallback for large and non-finite θ, and the independence of a
// phase from its place in the array.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "../support/test_common.hpp"
#include "wavekin/schrodinger/detail/unit_phases.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_unit_phases {

using wavekin::detail::interleaved::unit_phases;
using cd = std::complex<double>;

namespace {

// The larger distance of either part of `phase` from e^{iθ}, θ = scale·v in long double (exact
// for the products below, whose factors have few bits), with long double's sin and cos: x87's
// 64-bit significand on x86-64, eleven bits past double's.
double part_error(cd phase, double scale, double v) {
  const long double theta = static_cast<long double>(scale) * static_cast<long double>(v);
  return static_cast<double>(std::max(std::fabs(phase.real() - std::cos(theta)),
                                      std::fabs(phase.imag() - std::sin(theta))));
}

bool same_bits(cd a, cd b) {
  return std::bit_cast<std::uint64_t>(a.real()) == std::bit_cast<std::uint64_t>(b.real()) &&
         std::bit_cast<std::uint64_t>(a.imag()) == std::bit_cast<std::uint64_t>(b.imag());
}

// θ drawn from [−range, range], a quarter of them within 1e-9 of a multiple of π/2 (where the
// reduction cancels) and a few exact doubles next to the multiples.
std::vector<double> draw_angles(double range, std::size_t count, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> uniform(-range, range);
  std::vector<double> theta(count);
  const long double half_pi = 1.570796326794896619231321691639751442L;
  for (std::size_t k = 0; k < count; ++k) {
    const double x = uniform(rng);
    if (k % 4 != 0) {
      theta[k] = x;
      continue;
    }
    const long double multiple = std::nearbyint(x / static_cast<double>(half_pi)) * half_pi;
    theta[k] = static_cast<double>(multiple + static_cast<long double>(uniform(rng) / range) *
                                                  (k % 8 == 0 ? 1e-9L : 0.0L));
  }
  return theta;
}

}  // namespace

TEST_CASE("unit_phases: e^{iθ} within one unit of 1's last place of long-double sin and cos",
          "[schrodinger][unit_phases]") {
  // Bound 2⁻⁵² = 2.2e-16, one unit in the last place of 1, in each part: the rounding of the
  // complex product a phase enters is of that size. Measured 1.2e-16 for |θ| ≤ 100 and 1.5e-16
  // up to 2¹⁹ (the reduction's rounding of r and the series' last rounding, half an ulp each;
  // std::polar's glibc sincos is at 5.6e-17). Grids of 2²⁰ angles per range.
  std::mt19937_64 rng(20261204);
  const double bound = std::ldexp(1.0, -52);
  for (const double range : {1.0, std::numbers::pi, 100.0, 1e4, 0x1p19}) {
    const auto theta = draw_angles(range, std::size_t(1) << 20, rng);
    std::vector<cd> phase(theta.size());
    unit_phases(theta.size(), 1.0, theta.data(), phase.data());
    double worst = 0;
    for (std::size_t k = 0; k < theta.size(); ++k)
      worst = std::max(worst, part_error(phase[k], 1.0, theta[k]));
    if (wavekin::test::verbose()) WARN("|θ| ≤ " << range << ": largest part error " << worst);
    CHECK(worst <= bound);
  }
  // A scale: θ_k = scale·v_k rounded once, so the bound grows by half an ulp of θ (scale and v
  // have few bits here, so the long-double product is exact).
  std::vector<double> v(1001);
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = -50 + 0.1 * static_cast<double>(k);
  std::vector<cd> phase(v.size());
  const double scale = -0.375;
  unit_phases(v.size(), scale, v.data(), phase.data());
  for (std::size_t k = 0; k < v.size(); ++k) {
    const double theta = scale * v[k];
    CHECK(part_error(phase[k], scale, v[k]) <=
          bound + std::abs(theta) * std::numeric_limits<double>::epsilon() / 2);
  }
}

TEST_CASE("unit_phases: exact at 0, the quadrant signs at ±π/2 and π, tiny and subnormal θ",
          "[schrodinger][unit_phases]") {
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double pi = std::numbers::pi;
  const std::vector<double> theta = {0.0,  -0.0,   tiny,    -tiny, 1e-300, -1e-300,
                                     1e-8, pi / 2, -pi / 2, pi,    -pi,    3 * pi / 2};
  std::vector<cd> phase(theta.size());
  unit_phases(theta.size(), 1.0, theta.data(), phase.data());
  CHECK(same_bits(phase[0], cd(1, 0)));
  CHECK((phase[1].real() == 1.0 && phase[1].imag() == 0.0));  // either sign of zero
  // sin θ = θ to the last bit for |θ| < 1e-8, cos θ = 1.
  for (std::size_t k = 2; k < 7; ++k) {
    CHECK(phase[k].real() == 1.0);
    CHECK(phase[k].imag() == theta[k]);
  }
  // fl(π/2) = π/2 − 6.123233995736766e-17 (π to 40 digits): cos is that remainder, to its own
  // relative rounding (the 119-bit π/2 of the reduction leaves 1e-37 of 6e-17), and sin is 1.
  const double remainder = 6.123233995736766e-17;
  CHECK_THAT(phase[7].real(), Catch::Matchers::WithinRel(remainder, 1e-15));
  CHECK(phase[7].imag() == 1.0);
  CHECK_THAT(phase[8].real(), Catch::Matchers::WithinRel(remainder, 1e-15));
  CHECK(phase[8].imag() == -1.0);
  CHECK(phase[9].real() == -1.0);
  CHECK(std::abs(phase[9].imag()) < 2e-16);
  CHECK(phase[10].real() == -1.0);
  CHECK(phase[11].imag() == -1.0);
  CHECK(std::abs(phase[11].real()) < 4e-16);
}

TEST_CASE("unit_phases: θ beyond 2¹⁹, infinite or NaN gives std::polar's value bit for bit",
          "[schrodinger][unit_phases]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // Mixed with ordinary angles, at every place of a vector and in the tail.
  const std::vector<double> theta = {0.5,  0x1p19 + 1, -3e6, 1e300,  0.25,    inf,
                                     -inf, nan,        2.0,  0x1p19, -0x1p19, 1.0};
  std::vector<cd> phase(theta.size());
  unit_phases(theta.size(), 1.0, theta.data(), phase.data());
  for (const std::size_t k : {1, 2, 3}) CHECK(same_bits(phase[k], std::polar(1.0, theta[k])));
  for (const std::size_t k : {5, 6, 7})
    CHECK((std::isnan(phase[k].real()) && std::isnan(phase[k].imag())));
  for (const std::size_t k : {0, 4, 8, 9, 10, 11})
    CHECK(part_error(phase[k], 1.0, theta[k]) <= std::ldexp(1.0, -52));
  // A product that overflows to ∞ is caught too.
  const std::vector<double> big = {1e300, 0.5};
  std::vector<cd> overflow(2);
  unit_phases(2, 1e10, big.data(), overflow.data());
  CHECK(std::isnan(overflow[0].real()));
  CHECK(part_error(overflow[1], 1e10, 0.5) <= std::ldexp(1.0, -52) + 5e9 * 1.2e-16);
}

TEST_CASE("unit_phases: a phase does not depend on its place in the array or the array's length",
          "[schrodinger][unit_phases]") {
  // Lengths 1 … 19 cover every tail of the 2-, 4- and 8-lane builds; each θ is compared with its
  // phase in a 64-long array, bit for bit.
  std::mt19937_64 rng(7);
  const auto pool = draw_angles(8.0, 64, rng);
  std::vector<cd> reference(pool.size());
  unit_phases(pool.size(), 0.7, pool.data(), reference.data());
  for (std::size_t length = 1; length < 20; ++length)
    for (std::size_t start = 0; start + length <= pool.size(); start += 5) {
      std::vector<cd> phase(length);
      unit_phases(length, 0.7, pool.data() + start, phase.data());
      bool same = true;
      for (std::size_t k = 0; k < length; ++k)
        same = same && same_bits(phase[k], reference[start + k]);
      INFO("length " << length << ", start " << start);
      CHECK(same);
    }
}

TEST_CASE("unit_phases: float and long double take std::polar", "[schrodinger][unit_phases]") {
  const std::vector<float> vf = {0.1f, -2.5f, 7.0f};
  std::vector<std::complex<float>> pf(3);
  unit_phases(3, 2.0f, vf.data(), pf.data());
  for (std::size_t k = 0; k < 3; ++k) CHECK(pf[k] == std::polar(1.0f, 2.0f * vf[k]));
  const std::vector<long double> vl = {0.1L, -2.5L};
  std::vector<std::complex<long double>> pl(2);
  unit_phases(2, 3.0L, vl.data(), pl.data());
  for (std::size_t k = 0; k < 2; ++k) CHECK(pl[k] == std::polar(1.0L, 3.0L * vl[k]));
}

}  // namespace wavekin_test_unit_phases
