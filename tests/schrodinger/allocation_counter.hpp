// The allocation count of the test executable: allocation_counter.cpp replaces the global
// (unaligned) operator new/delete family with malloc/free and counts allocations, so a test can
// assert that a time step allocates nothing. Link allocation_counter.cpp into the executable once.
// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace wavekin_test {
inline std::atomic<long long> allocation_count{0};

inline void* counted_allocation(std::size_t size) noexcept {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace wavekin_test
