// Tests for wavekin/io/csv.hpp: header and rows parsed back, exact round trip of
// doubles, NaN and infinities, atomic commit, and the checks on row lengths.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "wavekin/io/csv.hpp"

#include "test_files.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_csv {

namespace fs = std::filesystem;
using namespace wavekin::test;  // slurp, TempDir
using namespace wavekin::test::matchers;
using wavekin::io::CsvWriter;

namespace {


std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
  return fields;
}

// strtod parses the whole field or the test fails.
double parse(const std::string& field) {
  char* end = nullptr;
  const double value = std::strtod(field.c_str(), &end);
  REQUIRE(end == field.c_str() + field.size());
  return value;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_CASE("rows come back exactly, bit for bit") {
  TempDir dir;
  const auto path = dir.path / "table.csv";
  const double tricky[] = {0.1,
                           1.0 / 3.0,
                           std::numbers::pi,
                           -2.5e-300,
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(),
                           -0.0,
                           123456789012345678.0,
                           1 + std::numeric_limits<double>::epsilon()};
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> exponent(-300, 300);
  std::vector<std::vector<double>> rows;
  for (const double x : tricky) rows.push_back({x, -x, x * 7});
  for (int r = 0; r < 200; ++r)
    rows.push_back({std::pow(10.0, exponent(rng)), -std::pow(2.0, exponent(rng)),
                    std::ldexp(static_cast<double>(rng()), -64)});
  {
    CsvWriter csv(path, {"t", "energy", "error"});
    for (const auto& row : rows) csv.row(row);
    CHECK(csv.rows() == rows.size());
    CHECK_FALSE(fs::exists(path));  // nothing visible before close()
    csv.close();
    CHECK_FALSE(csv.is_open());
  }
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == rows.size() + 1);
  CHECK(lines[0] == "t,energy,error");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto fields = split(lines[r + 1]);
    REQUIRE(fields.size() == 3);
    for (std::size_t c = 0; c < 3; ++c) {
      CAPTURE(r, c, fields[c]);
      CHECK(same_bits(parse(fields[c]), rows[r][c]));
    }
  }
  // No temporary left behind.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("NaN is written as nan and infinities as inf") {
  TempDir dir;
  const auto path = dir.path / "special.csv";
  CsvWriter csv(path, {"a", "b", "c", "d"});
  csv.row({std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN(),
           std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
  csv.row({1.5, 2, 0, 1e100});
  csv.close();
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1] == "nan,nan,inf,-inf");
  CHECK(lines[2] == "1.5,2,0,1e+100");
  CHECK(std::isnan(parse("nan")));
}

TEST_CASE("column names with separators are quoted") {
  TempDir dir;
  const auto path = dir.path / "names.csv";
  wavekin::io::write_csv(path, {"x", "f(x, y)", "say \"hi\""}, {{1}, {2}, {3}});
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "x,\"f(x, y)\",\"say \"\"hi\"\"\"");
  CHECK(lines[1] == "1,2,3");
}

TEST_CASE("row lengths and column lists are checked") {
  TempDir dir;
  const auto path = dir.path / "checked.csv";
  CsvWriter csv(path, {"a", "b"});
  CHECK_THROWS_AS(csv.row({1.0}), wavekin::invalid_argument);
  CHECK_THROWS_WITH(csv.row({1.0, 2.0, 3.0}),
                    Contains("needs 2 values") && Contains("got 3") && Contains("checked.csv"));
  const std::vector<double> empty;
  CHECK_THROWS_AS(csv.row(empty), wavekin::invalid_argument);
  csv.row({1.0, 2.0});
  csv.close();
  CHECK_THROWS_WITH(csv.row({1.0, 2.0}), Contains("after close"));
  CHECK_THROWS_AS(csv.close(), wavekin::error);
  CHECK(lines_of(path) == std::vector<std::string>{"a,b", "1,2"});

  CHECK_THROWS_WITH(CsvWriter(dir.path / "none.csv", {}), Contains("at least one column"));
  CHECK_THROWS_WITH(CsvWriter(dir.path / "blank.csv", {"a", ""}), Contains("empty name"));
  CHECK_FALSE(fs::exists(dir.path / "none.csv"));
}

TEST_CASE("the destructor commits an unclosed writer") {
  TempDir dir;
  const auto path = dir.path / "unclosed.csv";
  {
    CsvWriter csv(path, {"step"});
    csv.row({1.0});
    csv.row({2.0});
  }
  CHECK(lines_of(path) == std::vector<std::string>{"step", "1", "2"});

  // A moved-from writer commits nothing; the new owner commits once.
  {
    CsvWriter first(dir.path / "moved.csv", {"v"});
    first.row({4.0});
    CsvWriter second(std::move(first));
    second.row({5.0});
  }
  CHECK(lines_of(dir.path / "moved.csv") == std::vector<std::string>{"v", "4", "5"});
}

TEST_CASE("write_csv writes columns and checks their lengths") {
  TempDir dir;
  const auto path = dir.path / "columns.csv";
  wavekin::io::write_csv(path, {"n", "square"}, {{1, 2, 3}, {1, 4, 9}});
  CHECK(lines_of(path) == std::vector<std::string>{"n,square", "1,1", "2,4", "3,9"});

  CHECK_THROWS_WITH(wavekin::io::write_csv(dir.path / "bad.csv", {"n", "square"}, {{1, 2, 3}}),
                    Contains("2 column names but 1 data columns"));
  CHECK_THROWS_WITH(
      wavekin::io::write_csv(dir.path / "bad.csv", {"n", "square"}, {{1, 2, 3}, {1, 4}}),
      Contains("column 'square' has 2 values") && Contains("'n' has 3"));
  CHECK_FALSE(fs::exists(dir.path / "bad.csv"));

  // Columns of length zero give a header-only file.
  wavekin::io::write_csv(path, {"n"}, {{}});
  CHECK(lines_of(path) == std::vector<std::string>{"n"});
}

TEST_CASE("an unwritable path fails with io_error naming it") {
  TempDir dir;
  { std::ofstream(dir.path / "plain") << "x"; }
  const auto path = dir.path / "plain" / "table.csv";
  CHECK_THROWS_AS(CsvWriter(path, {"a"}), wavekin::io_error);
  CHECK_THROWS_WITH(CsvWriter(path, {"a"}), Contains(path.string()));
}

}  // namespace wavekin_test_csv
