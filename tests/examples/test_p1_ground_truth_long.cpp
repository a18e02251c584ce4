// Long study (label `long`): the p1_ground_truth driver at the Dirac point (u = 0), ε = 1/8,
// 1/20, 1/32: (3.16) with finite-ε data converges to the exact solution of (1.2) at the
// measured order, and both negative controls stay O(1); at ε = 1/56, 1/80 the order is first.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_p1_ground_truth_long {

namespace {

// One run of the driver with `arguments` (and --threads 1 --no-plot) into a temporary folder,
// and the figures of its summary.json. A failed run fails the test with the driver's log.
class DriverRun {
 public:
  explicit DriverRun(const std::string& arguments) {
    const auto out = m_dir.path / "out";
    const auto log = m_dir.path / "log.txt";
    const int status =
        std::system(fmt::format("'{}' {} --threads 1 --no-plot --out '{}' > '{}' 2>&1",
                                WAVEKIN_P1_GROUND_TRUTH_DRIVER, arguments, out.string(),
                                log.string())
                        .c_str());
    INFO(wavekin::test::slurp(log));
    REQUIRE(status == 0);
    std::ifstream file(out / "summary.json");
    m_results = nlohmann::json::parse(file).at("results");
  }
  [[nodiscard]] double value(const std::string& key) const {
    return m_results.at(key).at("value").get<double>();
  }

 private:
  wavekin::test::TempDir m_dir;
  nlohmann::json m_results;
};

}  // namespace

TEST_CASE("P1 (3.16) with finite-eps data converges to (1.2) at a Dirac point, controls do not",
          "[long][p1_ground_truth]") {
  // The driver's defaults (L = 5, w = 0.8, n = 6, T = 2, ε = 1/8, 1/20, 1/32, all M ≡ 1 mod 3)
  // at u = 0 only: about 2 min of one core (ε = 1/32: a 160² supercell, 1.5 GB).
  const DriverRun run("--u 0");
  const auto value = [&](const std::string& key) { return run.value(key); };
  // The order of max_t e_ρ in ε. The run is deterministic (FFTW plans and compilers change it
  // by round-off only), so the window is about the measured value, not a noise band: 0.73
  // (e_ρ = 0.067, 0.034, 0.024; local slopes 0.74 and 0.71), below the first order of the
  // k·p expansion because this range is pre-asymptotic at the cone (docs/p1_ground_truth.md).
  // [0.55, 0.9] fails for a change of order either way; a wrong D convention or product data
  // give slopes near 0 (their errors do not decrease).
  const double rate = value("u0_rho_rate");
  INFO(fmt::format("rho error rate {:.3f}", rate));
  CHECK(rate >= 0.55);
  CHECK(rate <= 0.9);
  // σ itself converges at first order (measured 0.93): the k·p expansion of (3.16) drops terms of
  // order ε|ξ|²t; [0.75, 1.15] fails for a change of order.
  const double sigma_rate = value("u0_sigma_rate");
  INFO(fmt::format("sigma error rate {:.3f}", sigma_rate));
  CHECK(sigma_rate >= 0.75);
  CHECK(sigma_rate <= 1.15);
  // At ε = 1/32 both controls are O(1): at least 3× the finite-ε error (measured 5.4× and
  // 6.0×), and above 0.1 of the density's peak (measured 0.13 and 0.15).
  const double finite = value("eps0.03125_u0_finite_rho_error");
  const double product = value("eps0.03125_u0_product_rho_error");
  const double transposed = value("eps0.03125_u0_transposed_rho_error");
  INFO(fmt::format("eps = 1/32: finite {:.4f}, product {:.4f}, D for D^T {:.4f}", finite, product,
                   transposed));
  CHECK(finite <= 0.04);
  CHECK(product >= 3 * finite);
  CHECK(transposed >= 3 * finite);
  CHECK(product >= 0.1);
  CHECK(transposed >= 0.1);
  // The controls do not converge: their errors at ε = 1/32 are at least 0.8× those at ε = 1/8.
  CHECK(value("eps0.03125_u0_product_rho_error") >= 0.8 * value("eps0.125_u0_product_rho_error"));
  CHECK(value("eps0.03125_u0_transposed_rho_error") >=
        0.8 * value("eps0.125_u0_transposed_rho_error"));
}

TEST_CASE("P1 (3.16) at a Dirac point: the rho order reaches first order at eps = 1/56 and 1/80",
          "[long][p1_ground_truth]") {
  // M = 280 and 400 cells: M ≡ 1 mod 3 (the same triangle of grid points around K as the default
  // ε) and a multiple of ⌊M/40⌋ (the same model grid). About 4 min of one core, 7.7 GB peak.
  const DriverRun run(fmt::format("--eps {} {} --u 0", 1.0 / 56, 1.0 / 80));
  const auto value = [&](const std::string& key) { return run.value(key); };
  // The local orders between the two ε, measured 0.91 (ρ̄) and 0.99 (σ), against 0.73 and 0.93
  // over ε = 1/8 … 1/32: the slow ρ̄ order there is pre-asymptotic, and (3.16) converges at the
  // first order of its k·p derivation (docs/p1_ground_truth.md). The run is deterministic, so
  // the windows bound a change of order, not noise: ρ̄ in [0.8, 1.1] would fail had the order
  // stayed at 0.73; σ in [0.85, 1.15].
  const double rate = value("u0_rho_rate");
  const double sigma_rate = value("u0_sigma_rate");
  INFO(fmt::format("local orders: rho {:.3f}, sigma {:.3f}", rate, sigma_rate));
  CHECK(rate >= 0.8);
  CHECK(rate <= 1.1);
  CHECK(sigma_rate >= 0.85);
  CHECK(sigma_rate <= 1.15);
}

}  // namespace wavekin_test_p1_ground_truth_long
