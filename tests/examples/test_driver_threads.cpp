// The thread setup of every example driver: each driver of examples/drivers.txt, run with
// `--threads 2 --print-threads`, reports 2 OpenMP threads (when built with OpenMP) and 2 FFTW
// threads, i.e. it goes through examples/common/driver.hpp's setup before its physics.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <string>

#include "driver_process.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_driver_threads {

TEST_CASE("every driver sets up --threads 2 through Driver (OpenMP and FFTW)", "[drivers]") {
  const auto list = wavekin::test::driver_paths();
  REQUIRE(list.size() == WAVEKIN_DRIVER_LIST_LENGTH);
  for (const auto& [name, path] : list) {
    INFO("driver " << name << " (" << path << ")");
    const auto [status, signal, timed_out, output, seconds] =
        wavekin::test::run_program(path, {"--threads", "2", "--print-threads"}, 30);
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
