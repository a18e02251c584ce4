// Tests for wavekin/core/memory.hpp: the machine's memory, byte counts for people, and the
// check that states an impossible request before it is attempted.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "wavekin/core/memory.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_memory {

using Catch::Matchers::Contains;

TEST_CASE("physical_memory_bytes is this machine's RAM, format_bytes writes it for people") {
  const auto memory = wavekin::physical_memory_bytes();
#if defined(__linux__)
  CHECK(memory >= (std::uint64_t{1} << 26));  // at least 64 MiB on any Linux that runs this
#endif
  CHECK(wavekin::format_bytes(0) == "0 B");
  CHECK(wavekin::format_bytes(512) == "512 B");
  CHECK(wavekin::format_bytes(1500) == "1.5 kB");
  CHECK(wavekin::format_bytes(3.13e11) == "313 GB");
  CHECK(wavekin::format_bytes(2.4e21) == "2.4e+03 EB");
  CHECK(wavekin::format_bytes(std::numeric_limits<double>::infinity()) == "inf B");
}

TEST_CASE("require_fits_in_memory states the request, the estimate and the machine's memory") {
  CHECK_NOTHROW(wavekin::require_fits_in_memory(1024, "small", "a buffer"));
  if (wavekin::physical_memory_bytes() == 0) return;  // unknown: nothing is checked
  CHECK_THROWS_AS(wavekin::require_fits_in_memory(1e30, "huge", "a buffer"),
                  wavekin::invalid_argument);
  CHECK_THROWS_WITH(wavekin::require_fits_in_memory(3e20, "E_cut = 1e9", "the matrix"),
                    Contains("E_cut = 1e9 needs about 300 EB for the matrix; this machine has"));
  // An overflowing estimate (inf, or NaN from inf − inf) is never taken for a small one.
  for (const double bad : {std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()})
    CHECK_THROWS_AS(wavekin::require_fits_in_memory(bad, "bad", "x"), wavekin::invalid_argument);
}

}  // namespace wavekin_test_memory
