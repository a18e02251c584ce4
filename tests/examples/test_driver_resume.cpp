// Kill-and-resume for every driver that resumes (vmse_rte, graphene_valleys, vmse_liouville): a
// run ended at a named moment (WAVEKIN_ABORT_AFTER=<point>:<count>, std::_Exit(137) as kill -9
// would, including between the writes of a multi-file state) and rerun gives the uninterrupted
// run's results: every .npy bitwise, every .csv and summary.json figure but the timings. A damaged
// resume file is recomputed with a notice naming it. Small options keep each run to seconds.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "driver_process.hpp"
#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_driver_resume {

namespace {

namespace fs = std::filesystem;
using wavekin::test::run_program;

constexpr double timeout = 120;  // seconds per run; the runs below take a few

struct Kill {
  std::string point;   // WAVEKIN_ABORT_AFTER value, "<point>:<count>"
  bool saved_state;    // state was saved before the kill: the rerun must report a resumed part
};

std::vector<std::string> with_out(std::vector<std::string> args, const fs::path& out) {
  args.insert(args.end(), {"--out", out.string(), "--no-plot"});
  return args;
}

// Runs `args` uninterrupted into `ref`, then for each kill: killed run, rerun, compare with ref.
void check_kills(const std::string& driver, const std::vector<std::string>& args,
                 const std::vector<Kill>& kills, const fs::path& scratch, const fs::path& ref) {
  const auto path = wavekin::test::driver_paths().at(driver);
  const auto reference = run_program(path, with_out(args, ref), timeout);
  INFO("uninterrupted run:\n" << reference.output);
  REQUIRE(reference.status == 0);
  int i = 0;
  for (const auto& kill : kills) {
    const auto out = scratch / fmt::format("{}_kill{}", driver, i++);
    // The uninterrupted run's FFT plans (--fft-rigor measure times candidates, so another
    // process may choose others, which round differently): with them, bitwise equality is due.
    fs::create_directories(out);
    fs::copy_file(ref / "fft_wisdom.txt", out / "fft_wisdom.txt");
    const auto killed =
        run_program(path, with_out(args, out), timeout, {"WAVEKIN_ABORT_AFTER=" + kill.point});
    INFO("killed at " << kill.point << ":\n" << killed.output);
    REQUIRE(killed.status == 137);  // the point was reached
    REQUIRE_FALSE(fs::exists(out / "summary.json"));
    const auto rerun = run_program(path, with_out(args, out), timeout);
    INFO("rerun:\n" << rerun.output);
    REQUIRE(rerun.status == 0);
    const auto differences = wavekin::test::folder_differences(ref, out);
    for (const auto& d : differences) FAIL_CHECK(d);
    const auto summary = nlohmann::json::parse(wavekin::test::slurp(out / "summary.json"));
    CHECK(summary.at("resumed").empty() == !kill.saved_state);
  }
}

// A rerun over a folder whose resume file `file` was damaged by `damage`: exit 0, a one-line
// notice naming the file, and the uninterrupted results.
template <class Damage>
void check_damaged(const std::string& driver, const std::vector<std::string>& args,
                   const fs::path& ref, const fs::path& out, const std::string& file,
                   Damage&& damage) {
  const auto path = wavekin::test::driver_paths().at(driver);
  fs::copy(ref, out, fs::copy_options::recursive);
  damage(out / file);
  const auto rerun = run_program(path, with_out(args, out), timeout);
  INFO("rerun over a damaged " << file << ":\n" << rerun.output);
  REQUIRE(rerun.status == 0);
  CHECK(rerun.output.find((out / file).filename().string()) != std::string::npos);
  for (const auto& d : wavekin::test::folder_differences(ref, out)) FAIL_CHECK(d);
}

void truncate_half(const fs::path& file) { fs::resize_file(file, fs::file_size(file) / 2); }

void flip_middle_byte(const fs::path& file) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(fs::file_size(file) / 2);
  f.seekg(middle);
  char c = 0;
  f.get(c);
  f.seekp(middle);
  f.put(static_cast<char>(c ^ 0x5a));
}

// io::ResultCache's checksum (FNV-1a 64 of the compact {"parameters", "result"}), so that a test
// can write a record that passes it but holds a result of the wrong shape.
std::string result_checksum(const nlohmann::json& parameters, const nlohmann::json& result) {
  const auto text = nlohmann::json{{"parameters", parameters}, {"result", result}}.dump();
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;
  }
  return fmt::format("{:016x}", hash);
}

// A result record with an intact checksum whose result lacks `key`.
void drop_result_key(const fs::path& file, const std::string& key) {
  auto record = nlohmann::json::parse(wavekin::test::slurp(file));
  record["result"].erase(key);
  record["checksum"] = result_checksum(record["parameters"], record["result"]);
  std::ofstream(file, std::ios::trunc) << record.dump() << "\n";
}

}  // namespace

TEST_CASE("vmse_rte killed in the RTE or between its outputs or in the Monte Carlo phase resumes "
          "to the uninterrupted results",
          "[drivers][resume]") {
  const wavekin::test::TempDir scratch("resume_rte");
  // --D 0.5 keeps the sampled mass positive at eps = 2^-3, 2^-4; 40 samples are chunks of 16,
  // 16, 8, checkpointed after each (--checkpoint 0), as is every RTE step.
  const std::vector<std::string> args{"--n",      "5",  "--dt-exp",     "8", "--D",
                                      "0.5",      "--mc-n", "3",        "4", "--samples",
                                      "40",       "--checkpoint", "0", "--checkpoint-seconds",
                                      "0",        "--threads", "1"};
  const auto ref = scratch.path / "ref";
  check_kills("vmse_rte", args,
              {{"rte_step:50", true},
               {"rte_outputs:1", true},
               {"mc_sample:20", true},
               {"mc_outputs:1", true},
               {"mc_sample:70", true}},
              scratch.path, ref);
  check_damaged("vmse_rte", args, ref, scratch.path / "damaged_rte", "rte_checkpoint.bin",
                flip_middle_byte);
  check_damaged("vmse_rte", args, ref, scratch.path / "damaged_mc", "mc_n3_checkpoint.bin",
                truncate_half);
}

TEST_CASE("graphene_valleys killed between the files of a piece or after pieces or after the (5.2) "
          "run resumes to the uninterrupted results and recomputes damaged piece files",
          "[drivers][resume]") {
  const wavekin::test::TempDir scratch("resume_graphene");
  const std::vector<std::string> args{
      "--quick",  "--points",      "8", "--box",        "8",  "--steps",           "4",
      "--snapshots", "2",          "--cutoff",          "50", "--ball-steps",      "2",
      "--ball-radius", "2",        "--ball-resolution", "2",  "--threads",         "1"};
  const auto ref = scratch.path / "ref";
  check_kills("graphene_valleys", args,
              {{"piece_density:1", false}, {"piece_density:2", true}, {"piece_stored:3", true},
               {"balls_stored:1", true}},
              scratch.path, ref);
  check_damaged("graphene_valleys", args, ref, scratch.path / "damaged_shape", "piece_none.json",
                [](const fs::path& f) { drop_result_key(f, "times"); });
  check_damaged("graphene_valleys", args, ref, scratch.path / "damaged_bytes",
                "piece_gaussian_short.json", truncate_half);
}

TEST_CASE("vmse_liouville killed between the files of a run or after runs resumes to the "
          "uninterrupted results and recomputes damaged run files",
          "[drivers][resume]") {
  const wavekin::test::TempDir scratch("resume_liouville");
  const std::vector<std::string> args{"--examples", "1",         "2",          "--n-min", "3",
                                      "--n-max",    "4",         "--particles", "256",    "--wigner-n",
                                      "4",          "--ode-tol", "1e-6",        "--threads", "1"};
  const auto ref = scratch.path / "ref";
  check_kills("vmse_liouville", args,
              {{"run_files:1", false}, {"run_stored:1", true}, {"run_stored:3", true}},
              scratch.path, ref);
  check_damaged("vmse_liouville", args, ref, scratch.path / "damaged_bytes", "runs/ex1_n3.json",
                flip_middle_byte);
  check_damaged("vmse_liouville", args, ref, scratch.path / "damaged_shape", "runs/ex2_n4.json",
                [](const fs::path& f) { drop_result_key(f, "err_rho"); });
}

// Stale temporaries of a killed run (`<file>.tmp.<pid>.<n>`, pid no longer running) are removed
// when a driver starts (Driver::run calls io::remove_stale_temporaries on --out, recursively).
TEST_CASE("a rerun removes the stale temporaries a killed run left", "[drivers][resume]") {
  const wavekin::test::TempDir scratch("stale_tmp");
  const auto out = scratch.path / "out";
  fs::create_directories(out);
  const auto stale = out / "summary.json.tmp.999999999.0";
  std::ofstream(stale) << "half a file";
  const auto run = run_program(wavekin::test::driver_paths().at("core_tour"),
                               with_out({"--quick"}, out), timeout);
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK_FALSE(fs::exists(stale));
}

}  // namespace wavekin_test_driver_resume
