// Replaces the global (unaligned) operator new/delete family with malloc/free, each block
// prefixed by its size, and keeps live_bytes and peak_live_bytes (allocation_meter.hpp).
// SPDX-License-Identifier: MIT
#include <cstdlib>
#include <new>

#include "allocation_meter.hpp"

namespace {

// The size prefix keeps malloc's alignment for the block that follows it.
constexpr std::size_t prefix = alignof(std::max_align_t);

void* metered_allocation(std::size_t size) noexcept {
  auto* block = static_cast<unsigned char*>(std::malloc(size + prefix));
  if (block == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(block) = size;
  const long long live =
      wavekin::test::live_bytes.fetch_add(static_cast<long long>(size)) +
      static_cast<long long>(size);
  long long peak = wavekin::test::peak_live_bytes.load();
  while (live > peak && !wavekin::test::peak_live_bytes.compare_exchange_weak(peak, live)) {
  }
  return block + prefix;
}

void metered_free(void* p) noexcept {
  if (p == nullptr) return;
  auto* block = static_cast<unsigned char*>(p) - prefix;
  wavekin::test::live_bytes.fetch_sub(
      static_cast<long long>(*reinterpret_cast<std::size_t*>(block)));
  std::free(block);
}

}  // namespace

// Every unaligned form is replaced, so that each delete pairs with an allocation made here. The
// align_val_t forms are left to the implementation, which pairs them among themselves.
void* operator new(std::size_t size) {
  if (void* p = metered_allocation(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = metered_allocation(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return metered_allocation(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return metered_allocation(size);
}
void operator delete(void* p) noexcept { metered_free(p); }
void operator delete[](void* p) noexcept { metered_free(p); }
void operator delete(void* p, std::size_t) noexcept { metered_free(p); }
void operator delete[](void* p, std::size_t) noexcept { metered_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { metered_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { metered_free(p); }
