// The thread setup of every example driver: each driver of examples/drivers.txt, run with
// `--threads 2 --print-threads`, reports 2 OpenMP threads (when built with OpenMP) and 2 FFTW
// threads, i.e. it goes through examples/common/driver.hpp's setup before its physics; and a
// small run of each driver uses one OS thread with `--threads 1` and at least two with
// `--threads 2` (summary.json's os_threads_after_run: the process's threads after the body,
// which OpenMP's and FFTW's persistent worker pools keep).
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver_process.hpp"
#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_driver_threads {

TEST_CASE("every driver sets up --threads 2 through Driver (OpenMP and FFTW)", "[drivers]") {
  const auto list = wavekin::test::driver_paths();
  REQUIRE(list.size() == WAVEKIN_DRIVER_LIST_LENGTH);
  for (const auto& [name, path] : list) {
    INFO("driver " << name << " (" << path << ")");
    const auto [status, signal, timed_out, output, seconds] =
        wavekin::test::run_program(path, {"--threads", "2", "--print-threads"}, 30);
    INFO("output:\n" << output);
    CHECK(status == 0);
#if defined(_OPENMP)
    CHECK(output.find("openmp_max_threads 2\n") != std::string::npos);
#else
    CHECK(output.find("openmp_max_threads 1\n") != std::string::npos);
#endif
    CHECK(output.find("fftw_threads 2\n") != std::string::npos);
    // Nothing else ran: no summary was written.
    CHECK(output.find("wrote") == std::string::npos);
  }
}

// A run of each driver small enough for the default suite (about a second each) that still does
// its parallel work: FFTs through driver.fft_options(), OpenMP loops, Monte Carlo ensembles.
const std::map<std::string, std::vector<std::string>>& small_runs() {
  static const std::map<std::string, std::vector<std::string>> runs{
      {"core_tour", {"--quick"}},
      {"bands", {"--quick"}},
      {"band_crossing", {"--quick"}},
      {"vmse_liouville",
       {"--examples", "1", "2", "--n-min", "3", "--n-max", "4", "--particles", "256",
        "--wigner-n", "4", "--ode-tol", "1e-6"}},
      // The Monte Carlo samples by MagnusSpectral here (the resume test runs them by CN).
      {"vmse_rte",
       {"--n", "5", "--dt-exp", "8", "--D", "0.5", "--mc-n", "3", "4", "--samples", "40",
        "--propagator", "magnus"}},
      {"p1_ground_truth", {"--quick", "--u", "0", "--time", "0.25", "--samples", "1"}},
      {"graphene_valleys",
       {"--quick", "--points", "8", "--box", "8", "--steps", "4", "--snapshots", "2", "--cutoff",
        "50", "--ball-steps", "2", "--ball-radius", "2", "--ball-resolution", "2"}}};
  return runs;
}

TEST_CASE("every driver runs on one OS thread with --threads 1 and on more with --threads 2",
          "[drivers]") {
  const auto list = wavekin::test::driver_paths();
  REQUIRE(list.size() == WAVEKIN_DRIVER_LIST_LENGTH);
  const wavekin::test::TempDir scratch("driver_threads");
  for (const auto& [name, path] : list) {
    INFO("driver " << name << " (" << path << ")");
    // A driver added to examples/drivers.txt needs its small run here.
    REQUIRE(small_runs().count(name) == 1);
    for (const int threads : {1, 2}) {
      INFO("--threads " << threads);
      auto args = small_runs().at(name);
      const auto out = scratch.path / (name + "_" + std::to_string(threads));
      args.insert(args.end(),
                  {"--threads", std::to_string(threads), "--no-plot", "--out", out.string()});
      const auto [status, signal, timed_out, output, seconds] =
          wavekin::test::run_program(path, args, 120);
      INFO("output:\n" << output);
      REQUIRE(status == 0);
      const auto summary = nlohmann::json::parse(std::ifstream(out / "summary.json"));
      REQUIRE(summary.contains("os_threads_after_run"));
      const int observed = summary["os_threads_after_run"].get<int>();
      // With one thread nothing may start a second (no OpenMP or FFTW worker); with two, OpenMP's
      // or FFTW's pool holds at least one worker beside the main thread (both pools: up to 3).
      if (threads == 1)
        CHECK(observed == 1);
      else
        CHECK(observed >= 2);
    }
  }
}

}  // namespace wavekin_test_driver_threads
