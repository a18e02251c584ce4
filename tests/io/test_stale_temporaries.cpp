// Tests for wavekin/io/stale_temporaries.hpp: temporaries of dead writers are removed, those of
// this process, of running processes and every other file are kept; non-recursive by default.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "wavekin/io/detail/atomic_file.hpp"
#include "wavekin/io/stale_temporaries.hpp"

#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_stale_temporaries {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using wavekin::io::remove_stale_temporaries;
using wavekin::test::TempDir;
using wavekin::test::write_bytes;

namespace {

// The pid of a child that has exited and been reaped: a process that is certainly not running
// (the kernel reuses pids only after wrapping around pid_max).
long dead_pid() {
  const ::pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return static_cast<long>(child);
}

std::set<std::string> names(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.insert(entry.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("temporary_writer_pid reads the pid of <target>.tmp.<pid>.<n> and nothing else") {
  using wavekin::io::detail::temporary_writer_pid;
  CHECK(temporary_writer_pid("data.npy.tmp.1234.0") == 1234);
  CHECK(temporary_writer_pid("a.tmp.7.15") == 7);
  const auto made = wavekin::io::detail::temporary_path_for("/x/run.ckpt").filename().string();
  CHECK(temporary_writer_pid(made) == static_cast<long>(::getpid()));
  for (const char* other : {"data.npy", "data.tmp", "data.tmp.12", "data.tmp.12.", ".tmp.12.3",
                            "data.tmp.x.3", "data.tmp.12.3a", "data.tmpx.12.3", "data.tmp..3",
                            "tmp.12.3", "data.tmp.1234567890123456789.0"}) {
    CAPTURE(other);
    CHECK(temporary_writer_pid(other) == 0);
  }
}

TEST_CASE("remove_stale_temporaries removes the temporaries of dead writers only") {
  TempDir dir("stale");
  const long dead = dead_pid();
  const std::string self = std::to_string(::getpid());
  const std::string gone = std::to_string(dead);
  write_bytes(dir.path / "result.npy", "final");
  write_bytes(dir.path / ("result.npy.tmp." + gone + ".0"), "half");
  write_bytes(dir.path / ("run.ckpt.tmp." + gone + ".17"), "half");
  write_bytes(dir.path / ("mine.csv.tmp." + self + ".3"), "being written");  // this process
  write_bytes(dir.path / "pid1.json.tmp.1.0", "init never dies");           // a running process
  write_bytes(dir.path / ("notes.tmp." + gone), "not our form");
  write_bytes(dir.path / ("x.tmp." + gone + ".y"), "not our form");
  fs::create_directories(dir.path / "sub");
  write_bytes(dir.path / "sub" / ("deep.npy.tmp." + gone + ".1"), "half");
  // A directory whose name has the form is not a file: kept.
  fs::create_directories(dir.path / ("folder.tmp." + gone + ".2"));

  CHECK(remove_stale_temporaries(dir.path) == 2);
  CHECK(names(dir.path) == std::set<std::string>{"result.npy", "mine.csv.tmp." + self + ".3",
                                                  "pid1.json.tmp.1.0", "notes.tmp." + gone,
                                                  "x.tmp." + gone + ".y", "sub",
                                                  "folder.tmp." + gone + ".2"});
  CHECK(fs::exists(dir.path / "sub" / ("deep.npy.tmp." + gone + ".1")));  // not recursive
  CHECK(remove_stale_temporaries(dir.path) == 0);                          // idempotent
  CHECK(remove_stale_temporaries(dir.path, true) == 1);
  CHECK_FALSE(fs::exists(dir.path / "sub" / ("deep.npy.tmp." + gone + ".1")));
}

TEST_CASE("remove_stale_temporaries of a missing folder or a file is an io_error naming it") {
  TempDir dir("stale");
  CHECK_THROWS_AS(remove_stale_temporaries(dir.path / "absent"), wavekin::io_error);
  CHECK_THROWS_WITH(remove_stale_temporaries(dir.path / "absent"), Contains("absent"));
  write_bytes(dir.path / "file", "x");
  CHECK_THROWS_WITH(remove_stale_temporaries(dir.path / "file"),
                    Contains("file") && Contains("not a folder"));
}

}  // namespace wavekin_test_stale_temporaries
