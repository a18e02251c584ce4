// wavekin/core/detail/checked_size.hpp — products of counts (grid points, array elements) that
// report overflow instead of wrapping.
// SPDX-License-Identifier: MIT
#pragma once

#include <concepts>
#include <limits>
#include <optional>
#include <ranges>

namespace wavekin::detail {

/// \brief a · b for non-negative a, b, or nullopt if it does not fit in Int.
template <std::integral Int>
constexpr std::optional<Int> checked_multiply(Int a, Int b) noexcept {
  if (a < 0 || b < 0) return std::nullopt;
  if (a != 0 && b > std::numeric_limits<Int>::max() / a) return std::nullopt;
  return static_cast<Int>(a * b);
}

/// \brief The product of a range of non-negative counts, or nullopt if a count is negative or
/// the product does not fit in their type. A zero count makes the product 0 whatever follows.
template <std::ranges::input_range Range>
  requires std::integral<std::ranges::range_value_t<Range>>
constexpr std::optional<std::ranges::range_value_t<Range>> checked_product(const Range& counts) {
  using Int = std::ranges::range_value_t<Range>;
  Int product = 1;
  for (const Int n : counts) {
    const auto next = checked_multiply(product, n);
    if (!next) return std::nullopt;
    product = *next;
  }
  return product;
}

}  // namespace wavekin::detail
