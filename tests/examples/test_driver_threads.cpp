// The thread setup of every example driver: each driver of examples/drivers.txt, run with
// `--threads 2 --print-threads`, reports 2 OpenMP threads (when built with OpenMP) and 2 FFTW
// threads, i.e. it goes through examples/common/driver.hpp's setup before its physics.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_driver_threads {

namespace {

// (name, executable) of each driver, from the CMake list "name=path,name=path".
std::vector<std::pair<std::string, std::string>> drivers() {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream list(WAVEKIN_DRIVER_PATHS);
  std::string entry;
  while (std::getline(list, entry, ',')) {
    const auto eq = entry.find('=');
    out.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

// Runs `command`, returns (exit status, stdout).
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 256> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  return {::pclose(pipe), output};
}

}  // namespace

TEST_CASE("every driver sets up --threads 2 through Driver (OpenMP and FFTW)", "[drivers]") {
  const auto list = drivers();
  REQUIRE(list.size() == WAVEKIN_DRIVER_LIST_LENGTH);
  for (const auto& [name, path] : list) {
    INFO("driver " << name << " (" << path << ")");
    const auto [status, output] = run(fmt::format("'{}' --threads 2 --print-threads", path));
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

}  // namespace wavekin_test_driver_threads
