// The bad-input matrix: for every driver, a table of bad command lines (non-numbers, NaN, inf,
// negative, zero, huge, malformed lists, inconsistent options, unwritable or odd --out), each
// asserted to exit non-zero within seconds, with a message naming the option, leaving no output
// folder behind. The reproducers of the validation issue are rows of the table. Prints the counts.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "driver_process.hpp"
#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_driver_validation {

namespace {

struct BadCase {
  std::string driver;
  std::vector<std::string> args;
  std::string option;  // the message must name it
};

// The table. --out is added by the test (a fresh path under a scratch folder) unless a row gives
// its own.
std::vector<BadCase> bad_cases() {
  std::vector<BadCase> t;
  const auto add = [&](const std::string& driver, std::vector<std::string> args,
                       const std::string& option) { t.push_back({driver, std::move(args), option}); };
  // Every driver: the common options and odd output folders.
  for (const std::string d :
       {"core_tour", "bands", "band_crossing", "graphene_valleys", "vmse_liouville", "vmse_rte",
        "p1_ground_truth"}) {
    add(d, {"--quick", "--threads", "0"}, "--threads");
    add(d, {"--quick", "--threads", "nan"}, "--threads");
    add(d, {"--quick", "--threads", "-2"}, "--threads");
    add(d, {"--quick", "--no-such-option", "1"}, "--no-such-option");
    add(d, {"--quick", "--out", ""}, "--out");
    add(d, {"--quick", "--out", "/dev/null"}, "--out");
    add(d, {"--quick", "--out", "/dev/null/sub"}, "--out");
  }
  add("core_tour", {"--quick", "--out", "/proc/wavekin_validation_no_such"}, "--out");

  // bands (issue: --ecut 1e40 ran, 1e6 died in bad_alloc, --path G-G, --crossing-at Q)
  const std::string b = "bands";
  add(b, {"--quick", "--ecut", "1e40"}, "--ecut");
  add(b, {"--quick", "--ecut", "1e6"}, "--ecut");
  for (const char* v : {"nan", "inf", "-5", "0", "abc"}) add(b, {"--quick", "--ecut", v}, "--ecut");
  add(b, {"--quick", "--path", "G-G"}, "--path");
  add(b, {"--quick", "--path", "G-Q"}, "--path");
  add(b, {"--quick", "--path", "G--K"}, "--path");
  add(b, {"--quick", "--crossing-at", "Q"}, "--crossing-at");
  for (const char* v : {"0", "-1", "nan"}) add(b, {"--quick", "--a", v}, "--a");
  add(b, {"--quick", "--V0", "nan"}, "--V0");
  add(b, {"--quick", "--lattice", "square", "--potential", "honeycomb"}, "--potential");
  add(b, {"--quick", "--lattice", "hexagonal"}, "--lattice");
  add(b, {"--quick", "--potential", "empty", "--V0", "1"}, "--V0");
  add(b, {"--quick", "--lattice", "line", "--potential", "kronig-penney", "--width", "2"}, "--width");
  add(b, {"--quick", "--sigma", "0"}, "--sigma");
  add(b, {"--quick", "--bands", "0"}, "--bands");
  add(b, {"--quick", "--bands", "-3"}, "--bands");
  add(b, {"--quick", "--points", "0"}, "--points");
  add(b, {"--quick", "--grid", "5000"}, "--grid");
  add(b, {"--quick", "--bands", "4", "--crossing-band", "4"}, "--crossing-band");

  // band_crossing (issue: --u-far -1 ran, --u-near nan wrote NaN slopes, bad_alloc for sizes)
  const std::string c = "band_crossing";
  add(c, {"--quick", "--u-far", "-1"}, "--u-far");
  add(c, {"--quick", "--u-near", "nan"}, "--u-near");
  add(c, {"--quick", "--u-far", "1000"}, "--u-far");
  add(c, {"--quick", "--points", "1000000"}, "--points");
  add(c, {"--quick", "--u-count", "1000000"}, "--u-count");
  add(c, {"--quick", "--u-count", "1"}, "--u-count");
  add(c, {"--quick", "--points", "7"}, "--points");
  add(c, {"--quick", "--lambda", "0"}, "--lambda");
  add(c, {"--quick", "--lambda", "nan"}, "--lambda");
  add(c, {"--quick", "--width", "-1"}, "--width");
  add(c, {"--quick", "--box", "5"}, "--box");
  add(c, {"--quick", "--time", "inf"}, "--time");
  add(c, {"--quick", "--steps", "1"}, "--steps");
  add(c, {"--quick", "--steps", "1000000000000"}, "--steps");
  add(c, {"--quick", "--epsilons", "0.04", "x"}, "--epsilons");
  add(c, {"--quick", "--epsilons", "1.5"}, "--epsilons");
  add(c, {"--quick", "--epsilons", "nan"}, "--epsilons");
  add(c, {"--quick", "--u-min", "10", "--u-max", "1"}, "--u-min");

  // p1_ground_truth: ε must give a whole number of cells M = L/ε, not a multiple of 3 (a grid
  // point on K), a multiple of the model grid; sizes and the envelope's modes are checked.
  const std::string p = "p1_ground_truth";
  for (const char* v : {"0", "-0.125", "nan", "inf", "1.5", "x"}) add(p, {"--quick", "--eps", v}, "--eps");
  add(p, {"--quick", "--eps", "0.5"}, "--eps");          // M = 8 cells < 32 model grid points
  add(p, {"--quick", "--eps", "0.0833333333333333"}, "--eps");  // M = 48 = 3·16: K on the grid
  add(p, {"--quick", "--eps", "0.13"}, "--eps");         // L/ε = 30.8 cells
  add(p, {"--quick", "--eps", "0.001953125"}, "--eps");  // M = 2048: memory
  add(p, {"--quick", "--points-per-cell", "5"}, "--points-per-cell");
  add(p, {"--quick", "--x-points", "6"}, "--x-points");
  add(p, {"--quick", "--samples", "0"}, "--samples");
  add(p, {"--quick", "--u", "-1"}, "--u");
  add(p, {"--quick", "--width", "2"}, "--width");
  add(p, {"--quick", "--width", "0.1"}, "--width");
  add(p, {"--quick", "--V0", "0"}, "--V0");
  add(p, {"--quick", "--time", "nan"}, "--time");

  // graphene_valleys (issue: --points 1000000 ended in bad_alloc)
  const std::string g = "graphene_valleys";
  add(g, {"--quick", "--points", "1000000"}, "--points");
  add(g, {"--quick", "--points", "9"}, "--points");
  add(g, {"--quick", "--cutoff", "20"}, "--cutoff");
  add(g, {"--quick", "--width", "0"}, "--width");
  add(g, {"--quick", "--box", "2"}, "--box");
  add(g, {"--quick", "--time", "nan"}, "--time");
  add(g, {"--quick", "--steps", "1"}, "--steps");
  add(g, {"--quick", "--steps", "1000000000000"}, "--steps");
  add(g, {"--quick", "--snapshots", "0"}, "--snapshots");
  add(g, {"--quick", "--snapshots", "1000"}, "--snapshots");
  add(g, {"--quick", "--variance", "-1"}, "--variance");
  add(g, {"--quick", "--short-length", "0"}, "--short-length");
  add(g, {"--quick", "--exp-length", "1e-9"}, "--exp-length");
  add(g, {"--quick", "--exp-tolerance", "2"}, "--exp-tolerance");
  add(g, {"--quick", "--ball-radius", "1"}, "--ball-radius");
  add(g, {"--quick", "--ball-resolution", "1e9"}, "--ball-resolution");
  add(g, {"--quick", "--ball-packet", "0.9"}, "--ball-packet");
  add(g, {"--quick", "--ball-steps", "-4"}, "--ball-steps");
  add(g, {"--quick", "--mix", "inf"}, "--mix");
  add(g, {"--quick", "--well-width", "0"}, "--well-width");
  add(g, {"--quick", "--depth", "nan"}, "--depth");

  // vmse_liouville (issue: --particles 99999999999 ended in bad_alloc)
  const std::string l = "vmse_liouville";
  add(l, {"--quick", "--particles", "99999999999"}, "--particles");
  add(l, {"--quick", "--particles", "10"}, "--particles");
  add(l, {"--quick", "--particles", "-5"}, "--particles");
  add(l, {"--quick", "--examples", "3"}, "--examples");
  add(l, {"--quick", "--examples", "1", "x"}, "--examples");
  add(l, {"--quick", "--n-min", "1"}, "--n-min");
  add(l, {"--quick", "--n-min", "8", "--n-max", "6"}, "--n-min");
  add(l, {"--quick", "--n-max", "20"}, "--n-max");
  add(l, {"--quick", "--ode-tol", "0"}, "--ode-tol");
  add(l, {"--quick", "--ode-tol", "nan"}, "--ode-tol");
  add(l, {"--quick", "--krylov-tol", "-1"}, "--krylov-tol");
  add(l, {"--quick", "--wigner-n", "99"}, "--wigner-n");
  add(l, {"--quick", "--asymptotic-from", "99"}, "--asymptotic-from");

  // vmse_rte (issue: --samples -5 ran away; --sampler foo, --gamma nan rejected after the RTE)
  const std::string r = "vmse_rte";
  add(r, {"--quick", "--samples", "-5"}, "--samples");
  add(r, {"--quick", "--sampler", "foo"}, "--sampler");
  add(r, {"--quick", "--gamma", "nan"}, "--gamma");
  add(r, {"--quick", "--gamma", "-1"}, "--gamma");
  add(r, {"--quick", "--samples", "1"}, "--samples");
  add(r, {"--quick", "--samples", "18446744073709551616"}, "--samples");
  add(r, {"--quick", "--seed", "-1"}, "--seed");
  add(r, {"--quick", "--n", "4"}, "--n");
  add(r, {"--quick", "--n", "13"}, "--n");
  add(r, {"--quick", "--dt-exp", "3"}, "--dt-exp");
  add(r, {"--quick", "--p0", "1"}, "--p0");
  add(r, {"--quick", "--D", "nan"}, "--D");
  add(r, {"--quick", "--eta", "-1"}, "--eta");
  add(r, {"--quick", "--compression", "inf"}, "--compression");
  add(r, {"--quick", "--checkpoint-seconds", "-1"}, "--checkpoint-seconds");
  add(r, {"--quick", "--checkpoint", "nan"}, "--checkpoint");
  add(r, {"--quick", "--mode", "foo"}, "--mode");
  add(r, {"--quick", "--mc-n", "2"}, "--mc-n");
  add(r, {"--quick", "--mc-n", "5", "abc"}, "--mc-n");
  add(r, {"--quick", "--xi", "uniform"}, "--xi");
  add(r, {"--quick", "--xi", "foo"}, "--xi");
  add(r, {"--quick", "--nonpositive", "foo"}, "--nonpositive");
  add(r, {"--quick", "--collision", "foo"}, "--collision");
  add(r, {"--quick", "--propagator", "foo"}, "--propagator");
  add(r, {"--quick", "--step-factor", "-1"}, "--step-factor");
  add(r, {"--quick", "--paper-rte", "--n", "13"}, "--n");
  return t;
}

}  // namespace

TEST_CASE("bad-input matrix: every driver rejects bad options before any work naming the option "
          "and leaving no output folder",
          "[drivers][validation]") {
  const auto paths = wavekin::test::driver_paths();
  const wavekin::test::TempDir scratch("bad_input");
  const auto cases = bad_cases();
  std::size_t tried = 0, rejected = 0;
  for (const auto& c : cases) {
    REQUIRE(paths.count(c.driver) == 1);
    auto args = c.args;
    const bool own_out = std::find(args.begin(), args.end(), "--out") != args.end();
    const auto out = scratch.path / fmt::format("case{}", tried);
    if (!own_out) args.insert(args.end(), {"--out", out.string()});
    const auto run = wavekin::test::run_program(paths.at(c.driver), args, 20);
    ++tried;
    std::string line = c.driver;
    for (const auto& a : c.args) line += " '" + a + "'";
    INFO("case: " << line << "\noutput:\n" << run.output);
    const bool ok = !run.timed_out && run.signal == 0 && run.status != 0 && run.seconds < 10 &&
                    run.output.find(c.option) != std::string::npos &&
                    (own_out || !std::filesystem::exists(out));
    CHECK_FALSE(run.timed_out);
    CHECK(run.signal == 0);
    CHECK(run.status != 0);
    CHECK(run.seconds < 10);
    CHECK(run.output.find(c.option) != std::string::npos);
    if (!own_out) CHECK_FALSE(std::filesystem::exists(out));
    if (ok) ++rejected;
  }
  // Nothing but the cases' own (absent) folders was created in the scratch folder, and the odd
  // --out paths are as they were.
  CHECK(std::filesystem::is_empty(scratch.path));
  CHECK(std::filesystem::is_character_file("/dev/null"));
  CHECK_FALSE(std::filesystem::exists("/proc/wavekin_validation_no_such"));
  std::printf("bad-input matrix: %zu cases tried over 7 drivers, %zu rejected as expected\n", tried,
              rejected);
  std::fflush(stdout);
  CHECK(rejected == tried);
}

}  // namespace wavekin_test_driver_validation
