// Replaces the global (unaligned) operator new/delete family with malloc/free
// and counts allocations, so a test can assert that a time step allocates
// nothing. Include from exactly one translation unit of a test executable.
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

// Every unaligned form is replaced, so that each delete pairs with a malloc
// made here (sanitizers check the pairing). The align_val_t forms are left to
// the implementation, which pairs them among themselves.
// GCC's -Wmismatched-new-delete cannot see the pairing and flags the free().
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  if (void* p = wavekin_test::counted_allocation(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = wavekin_test::counted_allocation(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return wavekin_test::counted_allocation(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return wavekin_test::counted_allocation(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop
