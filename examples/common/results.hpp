// examples/common/results.hpp — what drivers share to report results kept as JSON: numbers that
// may be missing (NaN ↔ null), a table of result keys written to summary.json in one call, time
// series kept as columns written as one row-major NPY table, small vectors as text or lists, and
// saved results and checkpoints read back safely (find_result, saved_checkpoint).
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "wavekin/io/checkpoint.hpp"
#include "wavekin/io/npy.hpp"
#include "wavekin/io/result_cache.hpp"
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

/// \brief The stored result `name` of `cache` for `parameters`, as `read` makes it, or nullopt:
/// compute it again. io::ResultCache already answers nullopt for a missing, damaged (checksum) or
/// mismatched record; a record that passes the checksum but that `read` cannot use (a result of
/// another shape: read throws) is also recomputed, with a one-line notice naming the file.
template <class Read>
auto find_result(const io::ResultCache& cache, const std::string& name,
                 const nlohmann::json& parameters, Read&& read)
    -> std::optional<decltype(read(std::declval<const nlohmann::json&>()))> {
  const auto found = cache.find(name, parameters);
  if (!found) return std::nullopt;
  try {
    return read(*found);
  } catch (const std::exception& e) {
    fmt::print(stderr, "result cache: computing {}: unreadable result ({})\n",
               cache.path(name).string(), e.what());
    return std::nullopt;
  }
}

/// \brief The checkpoint `file` if it is intact (io::read_checkpoint: magic, version, kind,
/// checksum) and was written for `parameters`; otherwise nullopt: start afresh. A damaged or
/// mismatched file gets a one-line notice naming it and why, and is removed (so that a library
/// reader that would stop on it starts afresh too).
inline std::optional<io::Checkpoint> saved_checkpoint(const std::filesystem::path& file,
                                                      std::string_view kind,
                                                      const nlohmann::json& parameters) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  try {
    auto checkpoint = io::read_checkpoint(file, kind);
    io::require_matching_parameters(file, checkpoint.parameters, parameters);
    return checkpoint;
  } catch (const wavekin::error& e) {
    fmt::print(stderr, "  {}: starting afresh\n", e.what());
    std::filesystem::remove(file, ec);
    return std::nullopt;
  }
}

}  // namespace wavekin::examples
