// Tests for wavekin/core/chebyshev_exponential.hpp: the truncated series reproduces e^{−izx} on
// [−1, 1] to its tolerance for small, moderate, large and negative z, with the number of terms
// the header promises; bad arguments are rejected.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdio>

#include "test_common.hpp"
#include "wavekin/core/chebyshev_exponential.hpp"

namespace wavekin_test_chebyshev_exponential {

using namespace wavekin::test;

TEST_CASE("Chebyshev series of exp(-izx) matches the exponential on [-1, 1]", "[core][chebyshev]") {
  const double tolerance = 1e-14;
  for (const double z : {0.0, 0.3, 5.0, 50.0, 500.0, 5000.0, -7.0}) {
    const auto c = wavekin::chebyshev_exponential_coefficients(z, tolerance);
    double worst = 0, worst_forward = 0;
    for (int i = 0; i <= 400; ++i) {
      const double x = -1 + i / 200.0;
      const std::complex<double> exact = std::exp(std::complex<double>(0, -z * x));
      // Σ c_k T_k(x) by Clenshaw's backward recurrence, as MagnusSpectral evaluates it:
      // b_k = c_k + 2x b_{k+1} − b_{k+2}, the sum c_0 + x b_1 − b_2.
      std::complex<double> b1 = 0, b2 = 0;
      for (std::size_t k = c.size() - 1; k >= 1; --k) {
        const std::complex<double> b = c[k] + 2 * x * b1 - b2;
        b2 = b1;
        b1 = b;
      }
      worst = std::max(worst, std::abs(c[0] + x * b1 - b2 - exact));
      // and by the forward recurrence T_{k+1} = 2x T_k − T_{k−1} with a partial sum.
      double t_prev = 1, t_cur = x;
      std::complex<double> sum = c[0];
      if (c.size() > 1) sum += c[1] * x;
      for (std::size_t k = 2; k < c.size(); ++k) {
        const double t_next = 2 * x * t_cur - t_prev;
        sum += c[k] * t_next;
        t_prev = t_cur;
        t_cur = t_next;
      }
      worst_forward = std::max(worst_forward, std::abs(sum - exact));
    }
    if (verbose())
      std::printf("z = %g: %zu terms, max error %.2e (Clenshaw), %.2e (forward)\n", z, c.size(),
                  worst, worst_forward);
    // The dropped tail is below ~2·tolerance (header); the kept sum carries round-off growing
    // like the number of terms times the largest |J_k| ≤ 1: 1e-14 + K·2e-16 covers K ≤ 5200.
    const double bound = 2 * tolerance + static_cast<double>(c.size()) * 2e-16 + 1e-14;
    CHECK(worst <= bound);
    CHECK(worst_forward <= bound);
    // Cost: about |z| + O(|z|^{1/3}) + O(log 1/tolerance) terms, never more than the start of
    // the backward recurrence |z| + 12|z|^{1/3} + 40.
    CHECK(static_cast<double>(c.size()) <= std::abs(z) + 12 * std::cbrt(std::abs(z)) + 41);
    // and not fewer than |z|: J_k(z) is O(1/√z) up to the turning point k = |z|.
    CHECK(static_cast<double>(c.size()) >= std::abs(z));
  }
}

TEST_CASE("Chebyshev series: bad arguments throw invalid_argument", "[core][chebyshev]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(wavekin::chebyshev_exponential_coefficients(std::nan(""), 1e-14),
                    Contains("not finite"));
  CHECK_THROWS_WITH(wavekin::chebyshev_exponential_coefficients(1.0, 0.0), Contains("tolerance"));
  CHECK_THROWS_WITH(wavekin::chebyshev_exponential_coefficients(1.0, 1.5), Contains("tolerance"));
}

}  // namespace wavekin_test_chebyshev_exponential
