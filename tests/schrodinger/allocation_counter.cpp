// Replaces the global (unaligned) operator new/delete family of the test executable with
// malloc/free and counts allocations (allocation_counter.hpp). Linked in once per executable.
// SPDX-License-Identifier: MIT
#include "allocation_counter.hpp"

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
