// Tests for wavekin/schrodinger/detail/kernel_target.hpp: the propagators give the same waves on
// the AVX2 + FMA kernels as on the build's own (baseline) kernels, to round-off, and the
// WAVEKIN_KERNELS environment variable is read as documented, bad values named.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "gaussian_packet.hpp"
#include "test_common.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/magnus_spectral.hpp"
#include "wavekin/schrodinger/split_step_spectral.hpp"

namespace wavekin_test_kernel_target {

using Catch::Matchers::Contains;
using wavekin::ConstantCoefficient;
using wavekin::CrankNicolsonSpectral;
using wavekin::FunctionCoefficient;
using wavekin::MagnusSpectral;
using wavekin::PeriodicGrid;
using wavekin::SplitStepSpectral;
using wavekin::detail::KernelTarget;
using wavekin_test::GaussianPacket;
using cd = std::complex<double>;

namespace {

// A mass and a potential that vary in t and x and are not separable, so that every kernel runs:
// CN's general fixed-point pass (two varying terms) and its term iteration (the mass alone),
// Magnus's Clenshaw terms with both works and with the mass alone (the recurrence on ξ b_k), the
// split step's phases of a changing potential.
double mass(double t, double x) {
  return 1 + 0.2 * std::cos(2 * std::numbers::pi * (x + 0.3 * t));
}
double potential(double t, double x) {
  return 0.5 * std::sin(2 * std::numbers::pi * x) * (1 + t);
}

// ‖a − b‖₂ / ‖b‖₂ over the grid values.
double relative_distance(const std::vector<cd>& a, const std::vector<cd>& b) {
  double d = 0, n = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    d += std::norm(a[k] - b[k]);
    n += std::norm(b[k]);
  }
  return std::sqrt(d / n);
}

// Runs `make_and_step` on the baseline kernels and on the AVX2 kernels; returns their relative
// distance, or nothing where this build or CPU has no AVX2 kernels. Restores the process's target.
template <class Run>
std::optional<double> baseline_against_avx2(Run&& run) {
  if (!wavekin::detail::avx2_kernels_available()) return std::nullopt;
  const KernelTarget before = wavekin::detail::kernel_target();
  wavekin::detail::use_kernel_target(KernelTarget::baseline);
  const auto baseline = run();
  wavekin::detail::use_kernel_target(KernelTarget::avx2);
  REQUIRE(wavekin::detail::kernel_target() == KernelTarget::avx2);
  const auto avx2 = run();
  wavekin::detail::use_kernel_target(before);
  return relative_distance(avx2, baseline);
}

// Sets an environment variable for one scope.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    if (value == nullptr)
      ::unsetenv(name);
    else
      ::setenv(name, value, 1);
  }
  ~ScopedEnvironment() {
    if (m_old)
      ::setenv(m_name.c_str(), m_old->c_str(), 1);
    else
      ::unsetenv(m_name.c_str());
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  std::string m_name;
  std::optional<std::string> m_old;
};

}  // namespace

TEST_CASE("Kernel targets: AVX2 and baseline kernels give the same waves to round-off",
          "[schrodinger][kernel_target]") {
  if (!wavekin::detail::avx2_kernels_available()) {
    WARN(
        "this build or CPU has no AVX2 + FMA kernels to compare (a native build, another "
        "compiler, or a CPU without AVX2): nothing to test");
    return;
  }
  const double epsilon = 1.0 / 64, length = 1.25, dt = 2e-3;
  const long long steps = 50;
  // 322 points: 161 complex values, so every vector loop also runs its scalar tail.
  for (const std::ptrdiff_t n : {320, 322}) {
    CAPTURE(n);
    const PeriodicGrid<1> grid({n}, PeriodicGrid<1>::Point(length));
    const GaussianPacket packet{128.0, 0.25, 1.0, epsilon, 1.0, length};
    const auto u0 = packet.sample(grid, 0.0);
    const auto cn_both = baseline_against_avx2([&] {
      auto u = u0;
      CrankNicolsonSpectral cn(grid, epsilon, FunctionCoefficient(mass),
                               FunctionCoefficient(potential));
      wavekin::integrate_n_steps(cn, u, 0.0, dt, steps);
      return u;
    });
    const auto cn_mass = baseline_against_avx2([&] {
      auto u = u0;
      CrankNicolsonSpectral cn(grid, epsilon, FunctionCoefficient(mass),
                               ConstantCoefficient<>(0.0));
      wavekin::integrate_n_steps(cn, u, 0.0, dt, steps);
      return u;
    });
    const auto magnus = baseline_against_avx2([&] {
      auto u = u0;
      MagnusSpectral m(grid, epsilon, FunctionCoefficient(mass), FunctionCoefficient(potential));
      wavekin::integrate_n_steps(m, u, 0.0, dt, steps);
      return u;
    });
    // A mass alone: the recurrence carried by ξ b_k (MagnusSpectral::scaled_series).
    const auto magnus_mass = baseline_against_avx2([&] {
      auto u = u0;
      MagnusSpectral m(grid, epsilon, FunctionCoefficient(mass), ConstantCoefficient<>(0.0));
      wavekin::integrate_n_steps(m, u, 0.0, dt, steps);
      return u;
    });
    const auto split = baseline_against_avx2([&] {
      auto u = u0;
      SplitStepSpectral s(grid, epsilon, 1.3, FunctionCoefficient(potential));
      wavekin::integrate_n_steps(s, u, 0.0, dt, steps);
      return u;
    });
    std::printf(
        "kernel targets, N = %td: baseline against AVX2 after %lld steps: CN %.2e, CN (mass "
        "alone) %.2e, Magnus %.2e, Magnus (mass alone) %.2e, split step %.2e\n",
        n, steps, *cn_both, *cn_mass, *magnus, *magnus_mass, *split);
    // The two targets differ only in the order of the reductions' sums (four lanes against two)
    // and in fused multiply-adds: a few ulps a pass, and 50 steps of that (measured 2e-15 to
    // 5e-15 here, CN's fixed point included: both targets' iterates converge to the same
    // solution of the step's system). A kernel that got one lane or one sign wrong would move
    // u by more than 1e-8 in one step. 1e-12 lies between, with room for other compilers.
    CHECK(*cn_both <= 1e-12);
    CHECK(*cn_mass <= 1e-12);
    CHECK(*magnus <= 1e-12);
    CHECK(*magnus_mass <= 1e-12);
    CHECK(*split <= 1e-12);
    // And they are different code: CN's inner products add in another order.
    CHECK(*cn_both > 0);
  }
}

TEST_CASE("Kernel targets: WAVEKIN_KERNELS picks the target, bad values are named",
          "[schrodinger][kernel_target]") {
  using wavekin::detail::initial_kernel_target;
  const KernelTarget best =
      wavekin::detail::avx2_kernels_available() ? KernelTarget::avx2 : KernelTarget::baseline;
  {
    const ScopedEnvironment unset("WAVEKIN_KERNELS", nullptr);
    CHECK(initial_kernel_target() == best);
  }
  {
    const ScopedEnvironment automatic("WAVEKIN_KERNELS", "auto");
    CHECK(initial_kernel_target() == best);
  }
  {
    const ScopedEnvironment baseline("WAVEKIN_KERNELS", "baseline");
    CHECK(initial_kernel_target() == KernelTarget::baseline);
  }
  {
    const ScopedEnvironment avx2("WAVEKIN_KERNELS", "avx2");
    if (wavekin::detail::baseline_has_avx2)  // a native build on an AVX2 machine
      CHECK(initial_kernel_target() == KernelTarget::baseline);
    else if (wavekin::detail::avx2_kernels_available())
      CHECK(initial_kernel_target() == KernelTarget::avx2);
    else
      CHECK_THROWS_WITH(initial_kernel_target(), Contains("WAVEKIN_KERNELS=avx2"));
  }
  {
    const ScopedEnvironment typo("WAVEKIN_KERNELS", "avx-2");
    CHECK_THROWS_AS(initial_kernel_target(), wavekin::invalid_argument);
    CHECK_THROWS_WITH(initial_kernel_target(),
                      Contains("WAVEKIN_KERNELS=avx-2") && Contains("auto, baseline or avx2"));
  }
  if (!wavekin::detail::avx2_kernels_available() && !wavekin::detail::baseline_has_avx2)
    CHECK_THROWS_WITH(wavekin::detail::use_kernel_target(KernelTarget::avx2),
                      Contains("not available"));
}

}  // namespace wavekin_test_kernel_target
