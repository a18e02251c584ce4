// Tests for wavekin/io/checkpoint.hpp: bitwise round trip, and a clear io_error for a
// missing, truncated, corrupted, foreign, other-version or mismatching checkpoint.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavekin/io/checkpoint.hpp"

#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_checkpoint {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using wavekin::io_error;
using namespace wavekin::io;  // Checkpoint, write_checkpoint, read_checkpoint, …
using wavekin::test::slurp;
using wavekin::test::TempDir;

namespace {

Checkpoint example() {
  Checkpoint c;
  c.kind = "test.kind";
  c.parameters = {{"samples", 100}, {"epsilon", 0.015625}, {"grid", {{"points", 64}}}};
  c.state = {{"completed", 3}};
  // Values whose bits a decimal round trip could lose: subnormal, −0, extremes.
  c.set_array("values", {0.1, -0.0, std::numeric_limits<double>::denorm_min(),
                         std::numeric_limits<double>::max(), 1.0 / 3.0});
  c.set_array("empty", {});
  c.set_array("other", {2.5, -7.25});
  return c;
}

void spit(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  // memcmp on an empty vector's null data() is undefined behaviour: compare sizes first.
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

TEST_CASE("checkpoint: round trip keeps kind, parameters, state and array bits",
          "[io][checkpoint]") {
  TempDir dir("checkpoint");
  const auto path = dir.path / "sub" / "run.ckpt";
  const Checkpoint written = example();
  write_checkpoint(path, written);
  const Checkpoint read = read_checkpoint(path, "test.kind");
  CHECK(read.kind == "test.kind");
  CHECK(read.parameters == written.parameters);
  CHECK(read.state == written.state);
  REQUIRE(read.arrays().size() == 3);
  CHECK(read.arrays()[0].first == "values");
  CHECK(read.arrays()[1].first == "empty");
  CHECK(read.arrays()[2].first == "other");
  for (const auto& [name, values] : written.arrays()) CHECK(same_bits(read.array(name), values));
  CHECK_FALSE(read.has_array("missing"));
  CHECK_THROWS_WITH(read.array("missing"), Contains("missing"));
  // Only the file itself is left behind, no temporary.
  CHECK(std::distance(fs::directory_iterator(dir.path / "sub"), fs::directory_iterator{}) == 1);

  // Overwriting replaces the content atomically.
  Checkpoint second = written;
  second.set_array("values", {42.0});
  write_checkpoint(path, second);
  CHECK(same_bits(read_checkpoint(path).array("values"), {42.0}));
}

TEST_CASE("checkpoint: every truncation and every flipped byte is an io_error",
          "[io][checkpoint]") {
  TempDir dir("checkpoint");
  const auto path = dir.path / "run.ckpt";
  write_checkpoint(path, example());
  const std::string bytes = slurp(path);
  REQUIRE(bytes.size() > 100);
  const auto cut = dir.path / "cut.ckpt";
  // Proper prefixes of the file (every one through the fixed-size prefix, then every 7th,
  // to keep the test fast): the magic, the header length, the array sizes or the
  // checksum must catch each one.
  for (std::size_t n = 0; n < bytes.size(); n += n < 24 ? 1 : 7) {
    spit(cut, bytes.substr(0, n));
    CHECK_THROWS_AS(read_checkpoint(cut), io_error);
  }
  spit(cut, bytes.substr(0, bytes.size() - 3));
  CHECK_THROWS_WITH(read_checkpoint(cut), Contains("truncated") && Contains("cut.ckpt"));
  spit(cut, bytes + "x");
  CHECK_THROWS_WITH(read_checkpoint(cut), Contains("corrupt"));
  // One flipped bit in every 5th byte (a 64-bit FNV-1a detects every single-byte change,
  // so the stride only saves time).
  for (std::size_t i = 0; i < bytes.size(); i += 5) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    spit(cut, bad);
    CHECK_THROWS_AS(read_checkpoint(cut), io_error);
  }
  // A flipped byte in the array data is caught by the checksum.
  std::string bad = bytes;
  bad[bytes.size() - 12] = static_cast<char>(bad[bytes.size() - 12] ^ 1);
  spit(cut, bad);
  CHECK_THROWS_WITH(read_checkpoint(cut), Contains("checksum"));
}

TEST_CASE("checkpoint: missing file, wrong magic, version and kind are named", "[io][checkpoint]") {
  TempDir dir("checkpoint");
  const auto path = dir.path / "run.ckpt";
  CHECK_THROWS_WITH(read_checkpoint(path), Contains("cannot open") && Contains("run.ckpt"));
  write_checkpoint(path, example());
  const std::string bytes = slurp(path);

  const auto other = dir.path / "other.ckpt";
  spit(other, "{\"json\": true}");
  CHECK_THROWS_WITH(read_checkpoint(other), Contains("not a wavekin checkpoint"));
  std::string npy = bytes;
  npy.replace(0, 6, "\x93NUMPY");
  spit(other, npy);
  CHECK_THROWS_WITH(read_checkpoint(other), Contains("magic"));

  // The version is the uint32 after the 9 magic bytes.
  std::string version2 = bytes;
  version2[9] = 2;
  spit(other, version2);
  CHECK_THROWS_WITH(read_checkpoint(other), Contains("format version 2") && Contains("version 1"));

  CHECK_THROWS_WITH(read_checkpoint(path, "wavekin.ensemble"),
                    Contains("'test.kind'") && Contains("wavekin.ensemble"));
}

TEST_CASE("checkpoint: parameter mismatch names the entry and both values", "[io][checkpoint]") {
  const fs::path path = "run.ckpt";
  const nlohmann::json stored = example().parameters;
  CHECK_NOTHROW(require_matching_parameters(path, stored, stored));

  auto changed = stored;
  changed["samples"] = 200;
  CHECK_THROWS_WITH(
      require_matching_parameters(path, stored, changed),
      Contains("/samples is 100 in the checkpoint, 200 in this run") && Contains("run.ckpt"));
  changed = stored;
  changed["grid"]["points"] = 128;
  CHECK_THROWS_WITH(require_matching_parameters(path, stored, changed),
                    Contains("/grid/points is 64"));
  changed = stored;
  changed.erase("epsilon");
  CHECK_THROWS_WITH(require_matching_parameters(path, stored, changed),
                    Contains("/epsilon is 0.015625 in the checkpoint, absent in this run"));
  changed = stored;
  changed["new"] = "x";
  CHECK_THROWS_WITH(require_matching_parameters(path, stored, changed),
                    Contains("/new is absent in the checkpoint, \"x\" in this run"));
  // A double that differs in the last bit is a mismatch too (JSON keeps 17 digits).
  changed = stored;
  changed["epsilon"] = std::nextafter(0.015625, 1.0);
  CHECK_THROWS_AS(require_matching_parameters(path, stored, changed), io_error);
}

TEST_CASE("checkpoint: a directory, or a corrupt array count, is an io_error naming the path",
          "[io][checkpoint]") {
  // Regression: read_checkpoint on a directory threw std::ios_base::failure.
  TempDir dir;
  CHECK_THROWS_AS(read_checkpoint(dir.path), io_error);
  CHECK_THROWS_WITH(read_checkpoint(dir.path), Contains(dir.path.string()) && Contains("directory"));
  const auto path = dir.path / "run.ckpt";
  write_checkpoint(path, example());
  const std::string intact = slurp(path);
  // An array count that is a float, negative or huge is rejected before anything is allocated.
  for (const std::string count : {"1e300", "-5", "18446744073709551615"}) {
    CAPTURE(count);
    std::string bad = intact;
    const auto at = bad.find("\"count\":5");
    REQUIRE(at != std::string::npos);
    bad.replace(at + 8, 1, count);
    // Keep the announced header length right, so the count itself is what is rejected.
    const std::uint64_t header_bytes =
        detail::read_raw<std::uint64_t>(intact, 13) + count.size() - 1;
    std::memcpy(bad.data() + 13, &header_bytes, sizeof header_bytes);
    spit(path, bad);
    CHECK_THROWS_AS(read_checkpoint(path), io_error);
    CHECK_THROWS_WITH(read_checkpoint(path), Contains("run.ckpt"));
  }
}

}  // namespace wavekin_test_checkpoint
