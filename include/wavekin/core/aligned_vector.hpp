// wavekin/core/aligned_vector.hpp — a std::vector whose data start on a cache line: the type of
// the per-point tables the propagators' vector kernels stream through every step, and the
// recommended container for a wave function stepped many times.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace wavekin {

/// Bytes of a cache line, and of the widest vector the kernels load (AVX-512).
inline constexpr std::size_t cache_line_bytes = 64;

/// \brief An allocator whose blocks start on a cache line (cache_line_bytes).
///
/// std::allocator's blocks start on 16 bytes (glibc), so an array of doubles falls 16 bytes off
/// a 32-byte vector in about half of the runs and builds, depending on what was allocated
/// before it; then half of a vector kernel's loads from it straddle two cache lines. Measured on
/// AVX2 (benchmarks/RESULTS.md, fifteenth session): a complex multiplication pass over 320
/// values from L1 1.25× slower with one input 16 bytes off, about 1.5× with both; a step at
/// N = 320–1280 with its arrays and u 16 bytes off 1.08–1.13× slower (CrankNicolsonSpectral),
/// 1.10–1.15× (MagnusSpectral), 1.14–1.24× (a lone SplitStepSpectral step).
template <class T>
struct CacheLineAllocator {
  static_assert(alignof(T) <= cache_line_bytes, "CacheLineAllocator: T needs more than a line");
  using value_type = T;

  CacheLineAllocator() noexcept = default;
  template <class U>
  explicit(false) CacheLineAllocator(const CacheLineAllocator<U>& /*rebound*/) noexcept {}

  [[nodiscard]] T* allocate(std::size_t count) {
    if (count > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(::operator new(count * sizeof(T), std::align_val_t{cache_line_bytes}));
  }
  void deallocate(T* p, std::size_t /*count*/) noexcept {
    ::operator delete(p, std::align_val_t{cache_line_bytes});
  }

  template <class U>
  bool operator==(const CacheLineAllocator<U>& /*other*/) const noexcept {
    return true;
  }
};

/// \brief A std::vector whose data() is a multiple of cache_line_bytes; it converts to the
/// std::span every propagator's step takes. Every propagator runs on any contiguous u; a wave
/// stepped many times runs fastest in one of these (above).
template <class T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace wavekin
