// No shell anywhere: a driver run with an --out holding '$', '"', ';', '`', spaces and a newline
// writes its outputs (and its plot) into exactly that folder, and nothing in the name runs: the
// plot script and the python probe are started with argument vectors (examples/common/process.hpp).
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "driver_process.hpp"
#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_driver_no_shell {

TEST_CASE("an --out with shell characters and a newline gets the outputs and runs nothing",
          "[drivers][no_shell]") {
  namespace fs = std::filesystem;
  const wavekin::test::TempDir scratch("no_shell");
  // Any shell that saw the name (or WAVEKIN_PYTHON) would touch the canary.
  const auto canary = scratch.path / "canary";
  const std::string name =
      "dollar$HOME \"; touch \"$WAVEKIN_CANARY\"; echo \" $(touch \"$WAVEKIN_CANARY\") "
      "`touch \"$WAVEKIN_CANARY\"` ;\nsecond line";
  const auto out = scratch.path / name;
  const auto run = wavekin::test::run_program(
      wavekin::test::driver_paths().at("core_tour"), {"--quick", "--out", out.string()}, 120,
      {"WAVEKIN_CANARY=" + canary.string(),
       "WAVEKIN_PYTHON=python3 -c 1; touch \"$WAVEKIN_CANARY\""});
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(fs::is_regular_file(out / "summary.json"));
  CHECK(fs::is_regular_file(out / "spectral_error.npy"));
  // The plot ran (with the folder as one argument) if this machine has matplotlib.
  if (run.output.find("plot skipped") == std::string::npos)
    CHECK(fs::is_regular_file(out / "core_tour.png"));
  CHECK_FALSE(fs::exists(canary));
  // The scratch folder holds the odd folder and nothing else (no "dollar/root ..." expansion).
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(scratch.path)) ++entries;
  CHECK(entries == 1);
}

}  // namespace wavekin_test_driver_no_shell
