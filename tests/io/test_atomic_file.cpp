// Tests for wavekin/io/detail/atomic_file.hpp: the target appears only on commit,
// old content survives until then, parents are created, failures name the path.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "wavekin/io/detail/atomic_file.hpp"

#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_atomic_file {

namespace fs = std::filesystem;
using wavekin::test::slurp;
using wavekin::test::TempDir;
using Catch::Matchers::Contains;
using wavekin::io::detail::AtomicFile;

namespace {



std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("the temporary is <path>.tmp.<pid>.<n> beside the target, unique per call") {
  const fs::path target = "/some/dir/data.npy";
  const auto temporary = wavekin::io::detail::temporary_path_for(target);
  const auto second = wavekin::io::detail::temporary_path_for(target);
  CHECK(temporary.parent_path() == target.parent_path());
  const std::string prefix = "data.npy.tmp." + std::to_string(::getpid()) + ".";
  CHECK(temporary.filename().string().rfind(prefix, 0) == 0);
  CHECK(second.filename().string().rfind(prefix, 0) == 0);
  CHECK(temporary != second);
}

TEST_CASE("the target appears only on commit, with exactly the written bytes") {
  TempDir dir;
  const auto target = dir.path / "out.bin";
  std::string expected = "header\n";
  expected.push_back('\0');  // binary data, embedded NUL included
  // Larger than the internal 64 KiB buffer, so both the buffered and the direct path run.
  std::string big(200'000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  {
    AtomicFile file(target);
    CHECK(file.is_open());
    CHECK(file.path() == target);
    file.write(expected);
    file.write(big.data(), big.size());
    file.write("tail");
    CHECK_FALSE(fs::exists(target));
    CHECK(fs::exists(file.temporary_path()));
    file.commit();
    CHECK_FALSE(file.is_open());
    CHECK_FALSE(fs::exists(file.temporary_path()));
  }
  expected += big + "tail";
  CHECK(slurp(target) == expected);
  CHECK(entries(dir.path) == std::vector<std::string>{"out.bin"});
}

TEST_CASE("an existing file keeps its old content until commit, and if never committed") {
  TempDir dir;
  const auto target = dir.path / "summary.json";
  wavekin::io::detail::write_file_atomically(target, "old");
  {
    AtomicFile file(target);
    file.write("new content that is longer");
    // A reader opening the file now sees the complete old version.
    CHECK(slurp(target) == "old");
    file.commit();
  }
  CHECK(slurp(target) == "new content that is longer");

  {
    AtomicFile file(target);
    file.write("abandoned");
    // Destroyed without commit: as if a run died here.
  }
  CHECK(slurp(target) == "new content that is longer");
  CHECK(entries(dir.path) == std::vector<std::string>{"summary.json"});

  AtomicFile file(target);
  file.write("discarded");
  file.discard();
  CHECK_FALSE(file.is_open());
  CHECK(slurp(target) == "new content that is longer");
  CHECK(entries(dir.path) == std::vector<std::string>{"summary.json"});
  CHECK_THROWS_AS(file.write("late"), wavekin::io_error);
  CHECK_THROWS_WITH(file.commit(), Contains("already committed"));
}

TEST_CASE("missing parent directories are created") {
  TempDir dir;
  const auto target = dir.path / "a" / "b" / "c" / "file.txt";
  wavekin::io::detail::write_file_atomically(target, "deep");
  CHECK(slurp(target) == "deep");
}

TEST_CASE("a moved AtomicFile keeps writing the same temporary") {
  TempDir dir;
  const auto target = dir.path / "moved.txt";
  AtomicFile first(target);
  first.write("one ");
  AtomicFile second(std::move(first));
  CHECK_FALSE(first.is_open());  // NOLINT(bugprone-use-after-move): documented state
  second.write("two");
  AtomicFile third(dir.path / "other.txt");
  third = std::move(second);  // discards other.txt's temporary
  third.commit();
  CHECK(slurp(target) == "one two");
  CHECK(entries(dir.path) == std::vector<std::string>{"moved.txt"});
}

TEST_CASE("failures throw io_error naming the path and the system's reason") {
  TempDir dir;
  SECTION("a parent that is a regular file") {
    wavekin::io::detail::write_file_atomically(dir.path / "plain", "x");
    const auto target = dir.path / "plain" / "sub" / "file.txt";
    CHECK_THROWS_AS(AtomicFile(target), wavekin::io_error);
    CHECK_THROWS_WITH(AtomicFile(target),
                      Contains(target.string()) && Contains(std::strerror(ENOTDIR)));
  }
  SECTION("renaming over a non-empty directory") {
    const auto target = dir.path / "occupied";
    fs::create_directories(target / "inside");
    AtomicFile file(target);
    file.write("data");
    CHECK_THROWS_WITH(file.commit(), Contains(target.string()) && Contains("rename") &&
                                         Contains(std::strerror(EISDIR)));
    // The failed commit cleaned up after itself.
    CHECK_FALSE(fs::exists(file.temporary_path()));
    CHECK(fs::is_directory(target / "inside"));
  }
  SECTION("a path without a file name") {
    CHECK_THROWS_AS(AtomicFile(fs::path()), wavekin::io_error);
    CHECK_THROWS_WITH(AtomicFile(dir.path / ""), Contains("not a file name"));
  }
}

}  // namespace wavekin_test_atomic_file
