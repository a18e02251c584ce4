// The allocation count of the test executable: allocation_counter.cpp replaces the global
// operator new/delete family with malloc/free (aligned_alloc for the align_val_t forms, which
// AlignedVector uses) and counts allocations, so a test can assert that a time step allocates
// nothing. Link allocation_counter.cpp into the executable once.
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

// aligned_alloc wants a size that is a multiple of the alignment (a power of two).
inline void* counted_aligned_allocation(std::size_t size, std::align_val_t alignment) noexcept {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(alignment);
  const std::size_t rounded = size == 0 ? a : (size + a - 1) / a * a;
  return rounded < size ? nullptr : std::aligned_alloc(a, rounded);
}
}  // namespace wavekin_test
