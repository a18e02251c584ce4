// A wave at an offset into a buffer (another FFTW alignment than a std::vector's) stepped beside
// the same wave in a std::vector: the check shared by the spectral propagators that transform u
// directly when it has their plans' alignment and copy it otherwise.
// SPDX-License-Identifier: MIT
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "gaussian_packet.hpp"

namespace wavekin_test {

// Steps `u` (a std::vector: the direct path) with `aligned` and a copy of it 8 bytes into a
// buffer (the copy path) with `offset`, 20 steps of dt, and checks that the two agree to the
// round-off of FFTW's in-place and out-of-place plans (a few ulps of ‖u‖ over 20 steps: 1e-13),
// then that a NaN in the offset wave is named and leaves it as it was.
template <class Propagator>
void check_offset_wave_steps_as_vector(Propagator& aligned, Propagator& offset,
                                       std::vector<std::complex<double>> u, double dt) {
  using cd = std::complex<double>;
  const auto& grid = aligned.grid();
  // The wave starts 8 bytes into storage that operator new aligns to 16 bytes.
  std::vector<std::byte> storage((u.size() + 1) * sizeof(cd));
  const std::span<cd> v(reinterpret_cast<cd*>(storage.data() + sizeof(double)), u.size());
  std::uninitialized_copy(u.begin(), u.end(), v.begin());
  CHECK(aligned.transforms_directly(u.data()));
  CHECK_FALSE(offset.transforms_directly(v.data()));
  double t = 0;
  for (int n = 0; n < 20; ++n, t += dt) {
    aligned.step(u, t, dt);
    offset.step(v, t, dt);
  }
  CHECK(l2_distance(grid, u, std::vector<cd>(v.begin(), v.end())) <=
        1e-13 * l2_distance(grid, u, std::vector<cd>(u.size())));
  const std::vector<cd> before(v.begin(), v.end());
  v[77] = cd(std::nan(""), 0);
  CHECK_THROWS_WITH(offset.step(v, t, dt),
                    Catch::Matchers::Contains("u[77] = (nan, 0) is not finite"));
  CHECK(std::equal(before.begin(), before.begin() + 77, v.begin()));
  CHECK(std::equal(before.begin() + 78, before.end(), v.begin() + 78));
}

}  // namespace wavekin_test
