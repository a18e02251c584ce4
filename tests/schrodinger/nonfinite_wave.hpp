// A non-finite value anywhere in u is named and leaves u as it was: the check shared by the
// spectral propagators that read u's finiteness off their first transform's zero mode
// (detail::check_finite_wave), on grids where FFTW plans different algorithms.
// SPDX-License-Identifier: MIT
#pragma once

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace wavekin_test {

// NaN, and an infinity of either sign in either part.
inline std::array<std::complex<double>, 4> nonfinite_values() {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using cd = std::complex<double>;
  return {cd(nan, 0.0), cd(0.0, inf), cd(-inf, 1.0), cd(1.0, -inf)};
}

// Each value of nonfinite_values() at the first, a middle and the last point of the finite wave
// `u`: step() (and advance(), where the propagator has it) throws invalid_argument naming the
// point and the value, and u is left bit for bit as it was.
template <class Propagator>
void check_nonfinite_wave_named(Propagator& propagator, const std::vector<std::complex<double>>& u) {
  using cd = std::complex<double>;
  using Catch::Matchers::Contains;
  for (const std::size_t j : {std::size_t(0), u.size() / 2, u.size() - 1}) {
    for (const cd value : nonfinite_values()) {
      auto bad = u;
      bad[j] = value;
      const auto before = bad;
      const std::string name = fmt::format("u[{}] = ({}, {})", j, value.real(), value.imag());
      CHECK_THROWS_WITH(propagator.step(bad, 0.0, 0.1), Contains(name));
      if constexpr (requires { propagator.advance(bad, 0.0, 0.1, std::int64_t(3)); })
        CHECK_THROWS_WITH(propagator.advance(bad, 0.0, 0.1, 3), Contains(name));
      CHECK(std::equal(bad.begin(), bad.end(), before.begin(), [](cd a, cd b) {
        return std::memcmp(&a, &b, sizeof a) == 0;  // NaN != NaN: compare the bits
      }));
    }
  }
}

// The grids the sweep runs on: 16 points (powers of 2), 2·17 and 2·101 (prime factors past
// FFTW's codelets: its generic or Rader algorithms) and 320 = 2⁶·5.
inline constexpr std::array<std::ptrdiff_t, 4> nonfinite_sweep_points = {16, 34, 202, 320};

}  // namespace wavekin_test
