// Tests for wavekin/io/result_cache.hpp: round trip, compute called once when cached, and a
// recomputation (never a misread, never a crash) for a mismatched, corrupted or truncated file.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavekin/io/result_cache.hpp"

#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_result_cache {

using Catch::Matchers::Contains;
using wavekin::io::ResultCache;
using wavekin::test::slurp;
using wavekin::test::TempDir;

namespace {

const nlohmann::json parameters{{"n", 7}, {"epsilon", 0.0078125}, {"label", "ex1"}};

// A result whose doubles a decimal round trip could lose if printed short.
nlohmann::json result_value() {
  return {{"series", std::vector<double>{0.1, 1.0 / 3.0, -2.5e-300, 6.02214076e23}}, {"count", 42}};
}

// A cache in a fresh temporary folder, its notices captured.
struct CacheFixture {
  TempDir dir{"result_cache"};
  std::ostringstream notices;
  ResultCache cache{dir.path, ResultCache::Mode::reuse, notices};

  // get_or_compute of `name` computes exactly once, returns the computed result and leaves a
  // notice naming the file and saying `why`.
  void check_recomputed(const std::string& name, const std::string& why) {
    notices.str("");
    int calls = 0;
    const auto r = cache.get_or_compute(name, parameters, [&] {
      ++calls;
      return result_value();
    });
    CHECK(calls == 1);
    CHECK(r == result_value());
    CHECK_THAT(notices.str(), Contains(why) && Contains(name + ".json"));
  }
};

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("ResultCache round trip: the stored result reads back bitwise, compute runs once",
          "[result_cache]") {
  TempDir dir("result_cache");
  std::ostringstream notices;
  const ResultCache cache(dir.path / "cache", ResultCache::Mode::reuse, notices);
  int calls = 0;
  const auto compute = [&] {
    ++calls;
    return result_value();
  };
  const auto first = cache.get_or_compute("piece_a", parameters, compute);
  CHECK(calls == 1);
  CHECK(first == result_value());
  CHECK(std::filesystem::exists(cache.path("piece_a")));
  CHECK_THAT(notices.str(), Contains("no stored result"));
  notices.str("");
  const auto second = cache.get_or_compute("piece_a", parameters, compute);
  CHECK(calls == 1);  // cached: compute is not called again
  CHECK(second == first);
  CHECK(second["series"][1].get<double>() == 1.0 / 3.0);  // exact, not to print precision
  CHECK(notices.str().empty());
  // A second cache object on the same folder (a rerun) finds it too.
  const ResultCache rerun(dir.path / "cache", ResultCache::Mode::reuse, notices);
  CHECK(rerun.find("piece_a", parameters) == first);
}

TEST_CASE_METHOD(CacheFixture, "ResultCache: NaN becomes null on both paths", "[result_cache]") {
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  const auto computed = cache.get_or_compute("x", parameters, [&] {
    return nlohmann::json{{"v", nan}};
  });
  const auto cached = cache.get_or_compute("x", parameters, [&] { return nlohmann::json(); });
  CHECK(computed["v"].is_null());
  CHECK(cached == computed);
}

TEST_CASE_METHOD(CacheFixture,
                 "ResultCache recomputes on a parameter mismatch and names the difference",
                 "[result_cache]") {
  int calls = 0;
  const auto compute = [&] { return nlohmann::json{{"calls", ++calls}}; };
  (void)cache.get_or_compute("run", parameters, compute);
  auto other = parameters;
  other["n"] = 8;
  notices.str("");
  const auto again = cache.get_or_compute("run", other, compute);
  CHECK(calls == 2);
  CHECK(again["calls"] == 2);
  CHECK_THAT(notices.str(), Contains("run.json") && Contains("other parameters") && Contains("/n"));
  // The file now holds the new parameters: the old ones mismatch in turn.
  CHECK_FALSE(cache.find("run", parameters).has_value());
  CHECK(cache.find("run", other).has_value());
}

TEST_CASE_METHOD(CacheFixture,
                 "ResultCache recomputes a corrupted, truncated, empty or foreign file",
                 "[result_cache]") {
  (void)cache.get_or_compute("r", parameters, result_value);
  const auto file = cache.path("r");
  const std::string intact = slurp(file);

  SECTION("one flipped bit in every byte position of the numbers") {
    // Flip one bit of a digit of the result: the text still parses, the checksum fails.
    const auto at = intact.find("0.3333");
    REQUIRE(at != std::string::npos);
    std::string bad = intact;
    bad[at + 3] = static_cast<char>(bad[at + 3] ^ 0x01);  // '3' -> '2'
    write_bytes(file, bad);
    CHECK_FALSE(cache.find("r", parameters).has_value());
    CHECK_THAT(notices.str(), Contains("checksum mismatch") && Contains("r.json"));
  }
  SECTION("a flipped bit anywhere is never misread") {
    for (std::size_t i = 0; i < intact.size(); i += 7) {
      std::string bad = intact;
      bad[i] = static_cast<char>(bad[i] ^ 0x04);
      write_bytes(file, bad);
      const auto found = cache.find("r", parameters);
      // Either detected, or the flip hit insignificant text (whitespace → other whitespace is
      // impossible with 0x04, but e.g. a key's case could not be): never a different result.
      if (found) CHECK(*found == result_value());
    }
  }
  SECTION("truncated") {
    for (const std::size_t keep :
         {std::size_t{0}, std::size_t{1}, intact.size() / 2, intact.size() - 3}) {
      write_bytes(file, intact.substr(0, keep));
      check_recomputed("r", "damaged");
    }
  }
  SECTION("a foreign JSON file") {
    write_bytes(file, R"({"parameters": {}, "result": 1})");
    CHECK_FALSE(cache.find("r", parameters).has_value());
    CHECK_THAT(notices.str(), Contains("damaged"));
  }
  SECTION("a directory in the file's place is an error of the store, not a crash of the read") {
    std::filesystem::remove(file);
    std::filesystem::create_directories(file);
    CHECK_FALSE(cache.find("r", parameters).has_value());
    CHECK_THAT(notices.str(), Contains("r.json"));
  }
  SECTION("a record whose fields have the wrong types is recomputed, not an exception") {
    // Regression: a non-string "format" made find() throw nlohmann's type_error.
    for (const std::string bad :
         {R"({"format": 1, "parameters": {}, "result": 1, "checksum": "0"})",
          R"({"format": null, "parameters": {}, "result": 1, "checksum": 7})",
          R"({"format": ["x"], "parameters": {}, "result": 1, "checksum": "0"})", "[]", "7"}) {
      CAPTURE(bad);
      write_bytes(file, bad);
      check_recomputed("r", "damaged");
    }
  }
}

TEST_CASE("ResultCache: recompute mode ignores stored results, bad names are rejected",
          "[result_cache]") {
  TempDir dir("result_cache");
  std::ostringstream notices;
  const ResultCache reuse(dir.path, ResultCache::Mode::reuse, notices);
  const ResultCache fresh(dir.path, ResultCache::Mode::recompute, notices);
  int calls = 0;
  const auto compute = [&] { return nlohmann::json(++calls); };
  (void)reuse.get_or_compute("a", parameters, compute);
  CHECK(fresh.get_or_compute("a", parameters, compute) == 2);
  CHECK(reuse.get_or_compute("a", parameters, compute) == 2);  // the rewritten file
  CHECK(calls == 2);
  CHECK_THROWS_AS(reuse.path("../escape"), wavekin::invalid_argument);
  CHECK_THROWS_AS(reuse.path(""), wavekin::invalid_argument);
  CHECK_THROWS_AS(reuse.path("a/b"), wavekin::invalid_argument);
}

}  // namespace wavekin_test_result_cache
