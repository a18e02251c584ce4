// Tests for wavekin/core/aligned_vector.hpp: every block starts on a cache line, whatever was
// allocated before it, and the vector behaves as a std::vector otherwise.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <complex>
#include <cstdint>
#include <span>
#include <vector>

#include "wavekin/core/aligned_vector.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_aligned_vector {

template <class T>
std::uintptr_t offset(const T* p) {
  return reinterpret_cast<std::uintptr_t>(p) % wavekin::cache_line_bytes;
}

TEST_CASE("AlignedVector's data start on a cache line at every size, after growth and copies") {
  // Allocations of odd sizes in between shift where std::allocator's next block falls (glibc
  // gives 16 bytes), so 45 blocks in a row on a cache line are the allocator's doing:
  // by chance, at most about one in 4 of std::allocator's would be (glibc's mmap'd large blocks
  // sit 16 bytes past a page, never on a line).
  std::vector<std::vector<char>> clutter;
  std::size_t misplaced = 0;
  for (std::size_t n : {1, 2, 3, 17, 320, 321, 1280, 4096, 100000}) {
    clutter.emplace_back(n % 7 + 1);
    wavekin::AlignedVector<std::complex<double>> u(n, {1.0, -1.0});
    wavekin::AlignedVector<double> reals(n, 0.5);
    wavekin::AlignedVector<float> floats(n, 0.25f);
    misplaced += offset(u.data()) + offset(reals.data()) + offset(floats.data());
    u.resize(3 * n + 1, {2.0, 0.0});  // grows: a new block
    misplaced += offset(u.data());
    const auto copy = u;
    misplaced += offset(copy.data());
    CHECK(copy == u);
    CHECK(u[n - 1] == std::complex<double>(1.0, -1.0));
    CHECK(u[3 * n] == std::complex<double>(2.0, 0.0));
  }
  CHECK(misplaced == 0);
  // What every propagator's step takes.
  wavekin::AlignedVector<std::complex<double>> wave(8);
  const std::span<std::complex<double>> view = wave;
  CHECK(view.data() == wave.data());
  CHECK(wavekin::CacheLineAllocator<double>() == wavekin::CacheLineAllocator<float>());
}

TEST_CASE("AlignedVector refuses a size beyond memory with the standard exceptions") {
  wavekin::CacheLineAllocator<std::complex<double>> allocator;
  CHECK_THROWS_AS(allocator.allocate(static_cast<std::size_t>(-1) / 8), std::bad_array_new_length);
  wavekin::AlignedVector<double> v;
  CHECK_THROWS_AS(v.resize(v.max_size() + 1), std::length_error);
}

}  // namespace wavekin_test_aligned_vector
