// wavekin/core/memory.hpp — this machine's physical memory, and the check that a requested
// allocation can fit in it, stated before any work is done.
// SPDX-License-Identifier: MIT
#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief Total physical memory of this machine in bytes (sysconf(_SC_PHYS_PAGES) ×
/// sysconf(_SC_PAGE_SIZE)), or 0 where the system does not say.
inline std::uint64_t physical_memory_bytes() noexcept {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGE_SIZE)
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0)
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
#endif
  return 0;
}

/// \brief A byte count for people, in decimal units with three significant digits:
/// "512 B", "1.5 kB", "300 GB", "2.4e+03 EB" beyond exabytes, "inf B" for infinity.
inline std::string format_bytes(double bytes) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  std::size_t unit = 0;
  while (std::isfinite(bytes) && bytes >= 1000 && unit + 1 < std::size(units)) {
    bytes /= 1000;
    ++unit;
  }
  return fmt::format("{:.3g} {}", bytes, units[unit]);
}

/// \brief Throws invalid_argument "<request> needs about <bytes> for <purpose>; this machine has
/// <memory>" (without " for <purpose>" when `purpose` is empty) when `bytes` (an estimate,
/// possibly inf or NaN from an overflowing count) exceeds the physical memory. Called before the
/// allocation, so that an impossible request is a clear error rather than std::bad_alloc or the
/// OOM killer. Does nothing where the memory is unknown.
inline void require_fits_in_memory(double bytes, std::string_view request,
                                   std::string_view purpose = {}) {
  const auto memory = physical_memory_bytes();
  if (memory == 0) return;
  require(std::isfinite(bytes) && bytes <= static_cast<double>(memory),
          "{} needs about {}{}{}; this machine has {}", request, format_bytes(bytes),
          purpose.empty() ? "" : " for ", purpose, format_bytes(static_cast<double>(memory)));
}

}  // namespace wavekin
