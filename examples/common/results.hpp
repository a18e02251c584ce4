// examples/common/results.hpp — what drivers share to report results kept as JSON: numbers that
// may be missing (NaN ↔ null), a table of result keys written to summary.json in one call, and
// time series kept as columns written as one row-major NPY table, small vectors as text or lists.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "wavekin/io/npy.hpp"
#include "wavekin/io/summary.hpp"

namespace wavekin::examples {

/// \brief JSON has no NaN: a quantity that does not exist for a run (no decay without
/// randomness) is null.
inline nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

/// \brief The number `key` of `j`, NaN if it is absent or null (the inverse of finite_or_null).
inline double number(const nlohmann::json& j, const std::string& key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

/// \brief A result's key in a JSON record, its unit and its description in summary.json.
struct ResultKey {
  std::string key;
  std::string unit;
  std::string description;
};

/// \brief summary.result(prefix + key, number(scalars, key), unit, description) for each key.
inline void record_results(io::Summary& summary, const std::string& prefix,
                           const nlohmann::json& scalars, const std::vector<ResultKey>& keys) {
  for (const auto& [key, unit, description] : keys)
    summary.result(prefix + key, number(scalars, key), unit, description);
}

/// \brief Columns of equal length (time series: t, then observables) as one NPY table, one
/// row per sample.
inline void write_columns_npy(const std::filesystem::path& path,
                              const std::vector<std::vector<double>>& columns) {
  std::vector<double> rows;
  const std::size_t count = columns.empty() ? 0 : columns.front().size();
  for (std::size_t k = 0; k < count; ++k)
    for (const auto& column : columns) rows.push_back(column[k]);
  io::write_npy(path, rows, {count, columns.size()});
}

/// \brief A small vector as printed by drivers, "(+0.333333, -0.333333)".
template <class Derived>
std::string format_vector(const Eigen::MatrixBase<Derived>& v) {
  const auto& e = v.eval();
  return fmt::format("({:+.6f})", fmt::join(e.data(), e.data() + e.size(), ", "));
}

/// \brief A small vector as a list of numbers (for JSON).
template <class Derived>
std::vector<double> to_list(const Eigen::MatrixBase<Derived>& v) {
  const auto& e = v.eval();
  return {e.data(), e.data() + e.size()};
}

}  // namespace wavekin::examples
