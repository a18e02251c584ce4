// Tests for wavekin/io/summary.hpp: document layout, units, non-finite results,
// timing fields, reserved keys and the atomic write.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <regex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "wavekin/core/version.hpp"
#include "wavekin/io/summary.hpp"

#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_summary {

namespace fs = std::filesystem;
using wavekin::test::slurp;
using wavekin::test::TempDir;
using Catch::Matchers::Contains;
using nlohmann::json;
using wavekin::io::Summary;

namespace {



Summary example_summary() {
  Summary summary("core_tour", "abc1234");
  summary.parameter("N", 64);
  summary.parameter("dt", 0.01, "s");
  summary.parameter("scheme", "strang");
  summary.parameter("quick", true);
  summary.result("max_error", 1.5e-13, "1", "max |f - f_exact|");
  summary.result("energy", -0.25, "hartree");
  summary.result("diverged", std::numeric_limits<double>::quiet_NaN(), "1", "blew up");
  summary.result("growth", std::numeric_limits<double>::infinity(), "1/s");
  summary.result("decay", -std::numeric_limits<double>::infinity(), "1/s");
  summary.set("outputs", json::array({"a.npy", "b.csv"}));
  return summary;
}

}  // namespace

TEST_CASE("the document has the driver, library, parameters and results with units") {
  const auto doc = example_summary().to_json();
  CHECK(doc["driver"] == "core_tour");
  CHECK(doc["library"]["name"] == "wavekin");
  CHECK(doc["library"]["version"] == wavekin::version_string);
  CHECK(doc["library"]["git_revision"] == "abc1234");

  const auto& p = doc["parameters"];
  CHECK(p.size() == 4);
  CHECK(p["N"]["value"] == 64);
  CHECK(p["N"]["unit"] == "");
  CHECK(p["dt"]["value"] == 0.01);
  CHECK(p["dt"]["unit"] == "s");
  CHECK(p["scheme"]["value"] == "strang");
  CHECK(p["quick"]["value"] == true);

  const auto& r = doc["results"];
  CHECK(r.size() == 5);
  CHECK(r["max_error"]["value"] == 1.5e-13);
  CHECK(r["max_error"]["unit"] == "1");
  CHECK(r["max_error"]["description"] == "max |f - f_exact|");
  CHECK(r["energy"]["description"] == "");
  CHECK_FALSE(r["energy"].contains("note"));

  CHECK(doc["outputs"] == json::array({"a.npy", "b.csv"}));
  CHECK(Summary("d").to_json()["library"]["git_revision"] == "unknown");
  CHECK(Summary("d").to_json()["parameters"].is_object());  // {} rather than null when empty
}

TEST_CASE("non-finite results become null with a note") {
  const auto doc = example_summary().to_json();
  const auto& r = doc["results"];
  CHECK(r["diverged"]["value"].is_null());
  CHECK(r["diverged"]["note"] == "non-finite");
  CHECK(r["diverged"]["value_text"] == "nan");
  CHECK(r["diverged"]["description"] == "blew up");
  CHECK(r["growth"]["value_text"] == "inf");
  CHECK(r["decay"]["value_text"] == "-inf");

  Summary summary("d");
  summary.parameter("tolerance", std::numeric_limits<double>::quiet_NaN());
  const auto p = summary.to_json()["parameters"]["tolerance"];
  CHECK(p["value"].is_null());
  CHECK(p["note"] == "non-finite");

  // The serialized text is strict JSON: it parses, with no NaN token in it.
  const std::string text = example_summary().to_json().dump();
  CHECK(text.find("NaN") == std::string::npos);
  CHECK_NOTHROW(json::parse(text));
}

TEST_CASE("wall time and UTC timestamp are filled at to_json time") {
  const auto before = std::chrono::system_clock::now();
  Summary summary("timed");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const auto doc = summary.to_json();
  const auto after = std::chrono::system_clock::now();

  // Sleeping 30 ms guarantees at least 30 ms on the steady clock; the upper
  // bound only guards against nonsense (units off by 1e3 or more).
  const double wall = doc["wall_time_seconds"].get<double>();
  CHECK(wall >= 0.030);
  CHECK(wall < 30.0);

  const std::string stamp = doc["written_at"].get<std::string>();
  CHECK(std::regex_match(stamp, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
  // Parse it back as UTC and compare with the clock around the call.
  std::tm tm{};
  REQUIRE(strptime(stamp.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr);
  const auto written = std::chrono::system_clock::from_time_t(timegm(&tm));
  CHECK(written >= std::chrono::floor<std::chrono::seconds>(before));
  CHECK(written <= after);
}

TEST_CASE("reserved and empty keys are rejected") {
  Summary summary("d");
  for (const char* key :
       {"driver", "library", "parameters", "results", "wall_time_seconds", "written_at"}) {
    CAPTURE(key);
    CHECK_THROWS_AS(summary.set(key, 1), wavekin::invalid_argument);
  }
  CHECK_THROWS_WITH(summary.set("results", 1), Contains("'results'"));
  CHECK_THROWS_AS(summary.parameter("", 1), wavekin::invalid_argument);
  CHECK_THROWS_AS(summary.result("", 1.0, "1"), wavekin::invalid_argument);
  CHECK_THROWS_AS(Summary(""), wavekin::invalid_argument);
  // A repeated key keeps the last value.
  summary.result("x", 1.0, "m");
  summary.result("x", 2.0, "m");
  CHECK(summary.to_json()["results"]["x"]["value"] == 2.0);
}

TEST_CASE("write() produces the same document, atomically, with no temporary left") {
  TempDir dir;
  const auto path = dir.path / "run" / "summary.json";
  const auto summary = example_summary();
  summary.write(path);
  const std::string text = slurp(path);
  CHECK(text.back() == '\n');
  const auto doc = json::parse(text);
  auto expected = summary.to_json();
  // The two calls happen at different times: compare everything else.
  expected.erase("wall_time_seconds");
  expected.erase("written_at");
  auto written = doc;
  written.erase("wall_time_seconds");
  written.erase("written_at");
  CHECK(written == expected);
  CHECK(doc.contains("wall_time_seconds"));
  CHECK(doc.contains("written_at"));
  CHECK(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()) == 1);

  // Overwriting keeps the file complete at every moment; a failed write throws.
  summary.write(path);
  CHECK_NOTHROW(json::parse(slurp(path)));
  CHECK_THROWS_AS(summary.write(path / "below_a_file.json"), wavekin::io_error);
  CHECK_THROWS_WITH(summary.write(path / "below_a_file.json"), Contains("below_a_file.json"));
}

}  // namespace wavekin_test_summary
