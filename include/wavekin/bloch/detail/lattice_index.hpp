// wavekin/bloch/detail/lattice_index.hpp — hashing and printing of integer lattice labels.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <Eigen/Core>

namespace wavekin::detail {

/// Hash of an integer label n ∈ ℤ^Dim (a boost::hash_combine-style mix), so
/// that labels can key std::unordered_map.
template <int Dim>
struct LatticeIndexHash {
  std::size_t operator()(const Eigen::Matrix<std::int64_t, Dim, 1>& n) const noexcept {
    std::size_t seed = 0;
    for (int i = 0; i < Dim; ++i) {
      const auto v = static_cast<std::uint64_t>(n[i]) * 0x9E3779B97F4A7C15ULL;
      seed ^= static_cast<std::size_t>(v) + 0x9E3779B9U + (seed << 6) + (seed >> 2);
    }
    return seed;
  }
};

/// Exact equality of labels (Eigen's operator== on integer vectors, spelled out).
template <int Dim>
struct LatticeIndexEqual {
  bool operator()(const Eigen::Matrix<std::int64_t, Dim, 1>& a,
                  const Eigen::Matrix<std::int64_t, Dim, 1>& b) const noexcept {
    for (int i = 0; i < Dim; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
};

/// "(1, -2, 0)" — how messages name a label.
template <int Dim>
std::string format_index(const Eigen::Matrix<std::int64_t, Dim, 1>& n) {
  std::string out = "(";
  for (int i = 0; i < Dim; ++i) {
    if (i > 0) out += ", ";
    out += fmt::format("{}", n[i]);
  }
  return out + ")";
}

/// "(0.5, 1)" — how messages name a real vector such as k.
template <class Derived>
std::string format_vector(const Eigen::MatrixBase<Derived>& v) {
  std::string out = "(";
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    out += fmt::format("{}", v[i]);
  }
  return out + ")";
}

}  // namespace wavekin::detail
