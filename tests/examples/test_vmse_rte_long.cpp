// Long study (label `long`): the vmse_rte driver's Monte Carlo mode at ε = 2^-7, 2^-8, the
// start of the range where Err_ρ = ∫|ρ⁰ − E[ρ^ε]| dx falls at P2 §4.2.2's first order.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_vmse_rte_long {

namespace {

// Range. The local slope of Err_ρ rises with 1/ε: 0.31, 0.52, 0.81 between n = 5, 6, 7, 8
// (4000, 800, 300, 160 samples; least squares 0.42 over 5–7). Two effects make ε ≥ 2^-7
// pre-asymptotic: free dispersion widens the packet's variance by 1 + 41943ε² (docs/errata.md
// item 12), and the mass's correlation time and length aε, bε (a = b = 100) exceed T = 0.4
// and the packet's path, so each sample moves with an almost constant random speed 1 + √ε D ξ:
// E[ρ^ε] has an extra variance ≈ T²p_0²D²ε (measured 0.0215 and 0.0104 at n = 5, 6 against
// 0.0253, 0.0127). n = 7, 8 is the range where the slope is near 1 within the budget. n = 9
// (Err_ρ = 0.0123, slope 1.58 from n = 8, 1.20 over 7–9) costs 3.8 s per sample, and needs
// ≥ 300 samples for its bound to stay below a quarter of Err_ρ: over 20 min. The study is in
// docs/radiative_transfer.md.
// Samples. 160 per ε. The integrated standard deviation ∫σ[ρ^ε] dx measured 0.064–0.068 at
// n = 7, 8, so the Monte Carlo part of Err_ρ is at most ∫σ dx/√160 ≈ 0.005: a seventh of the
// bias (Err_ρ ≈ 0.037 at n = 8) and, for both ε together, under half the step of Err_ρ
// between them (0.028); the test checks both from the run's own standard errors. The RTE
// reference at Δx = Δk = 2^-8 differs from the 2^-9 one by 9e-4 in L¹, 2.5 % of Err_ρ(2^-8).
// About 4 min of CPU (245 s measured).
constexpr int first_n = 7, last_n = 8, samples = 160;

// Splits one line of the driver's errors_mc.csv.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (const char c : line) {
    if (c == ',')
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

// Runs the study; returns errors_mc.csv as n → (column → value).
std::map<int, std::map<std::string, double>> study(const wavekin::test::TempDir& dir) {
  const auto out = dir.path / "out";
  const auto log = dir.path / "log.txt";
  const int status = std::system(
      fmt::format("'{}' --mode mc --n 8 --mc-n {} {} --samples {} --nonpositive clip "
                  "--threads 1 --out '{}' > '{}' 2>&1",
                  WAVEKIN_VMSE_RTE_DRIVER, first_n, last_n, samples, out.string(), log.string())
          .c_str());
  INFO(wavekin::test::slurp(log));
  REQUIRE(status == 0);
  std::ifstream csv(out / "errors_mc.csv");
  std::string line;
  std::getline(csv, line);
  const auto header = fields(line);
  std::map<int, std::map<std::string, double>> rows;
  while (std::getline(csv, line)) {
    const auto values = fields(line);
    REQUIRE(values.size() == header.size());
    std::map<std::string, double> row;
    for (std::size_t i = 0; i < values.size(); ++i) row[header[i]] = std::stod(values[i]);
    rows[static_cast<int>(row.at("n"))] = row;
  }
  return rows;
}

}  // namespace

TEST_CASE("VMSE with a random mass approaches the RTE at first order in epsilon (P2 §4.2.2)",
          "[long][vmse_rte]") {
  const wavekin::test::TempDir dir;
  auto rows = study(dir);
  REQUIRE(rows.size() == 2);
  for (int n = first_n; n <= last_n; ++n) {
    const double err = rows[n].at("err_rho");
    const double noise = rows[n].at("err_rho_noise_bound");
    INFO(fmt::format("n = {}: Err_rho {:.4e}, Monte Carlo bound {:.2e}", n, err, noise));
    CHECK(rows[n].at("samples") == samples);
    // The statistical error is below the bias: at most a quarter of Err_ρ.
    CHECK(noise < 0.25 * err);
  }
  // The two bounds together stay below the step of Err_ρ between the two ε, so the slope
  // measures the bias, not the sampling noise.
  const double err7 = rows[first_n].at("err_rho"), err8 = rows[last_n].at("err_rho");
  CHECK(rows[first_n].at("err_rho_noise_bound") + rows[last_n].at("err_rho_noise_bound") <
        err7 - err8);
  // Err_ρ = O(ε) (P2 Fig. 8b). The band [0.6, 1.4] allows for the pre-asymptotic remainder
  // (the local slope still rises; this run measured 0.905: Err_ρ 0.0674 and 0.0360,
  // bounds 0.0054 and 0.0051) and the Monte Carlo error of the slope,
  // |Δslope| ≤ (bound_7/Err_7 + bound_8/Err_8)/ln 2 ≈ 0.3.
  const double slope = std::log2(err7 / err8) / (last_n - first_n);
  INFO(fmt::format("slope {:.3f} over n = {}..{}", slope, first_n, last_n));
  CHECK(slope >= 0.6);
  CHECK(slope <= 1.4);
}

}  // namespace wavekin_test_vmse_rte_long
