// wavekin/io/csv.hpp — column tables as CSV files, at full double precision.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"
#include "wavekin/io/detail/atomic_file.hpp"

namespace wavekin::io {

namespace detail {

// RFC 4180 quoting, needed only for names with separators or quotes in them.
inline std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// 17 significant digits reproduce every double exactly when read back. Every
// NaN is written as "nan" (fmt would write "-nan" for a negative one, which
// some readers reject); infinities are "inf" and "-inf", which numpy and
// pandas read.
inline void append_csv_value(std::string& line, double value) {
  if (std::isnan(value)) {
    line += "nan";
  } else {
    fmt::format_to(std::back_inserter(line), "{:.17g}", value);
  }
}

}  // namespace detail

/// \brief Writes a CSV table row by row: a header line of column names, then
/// one line of numbers per row().
///
/// Values are written with 17 significant digits (`{:.17g}`), so reading them
/// back gives the same doubles; NaN is written as `nan`. The file appears
/// only when close() commits it, atomically (io::detail::AtomicFile): a reader
/// never sees a half-written line. The destructor commits an unclosed writer
/// too (the rows of a run that stopped early are still worth having) but
/// cannot throw: it reports a failure on std::cerr, so call close() to get
/// failures as exceptions.
class CsvWriter {
 public:
  /// \brief Opens the table at `path` with these column names (at least one,
  /// none empty). Names with commas or quotes are quoted per RFC 4180.
  CsvWriter(std::filesystem::path path, std::vector<std::string> columns)
      : m_columns(std::move(columns)) {
    require(!m_columns.empty(), "CsvWriter '{}': needs at least one column", path.string());
    for (std::size_t c = 0; c < m_columns.size(); ++c)
      require(!m_columns[c].empty(), "CsvWriter '{}': column {} has an empty name", path.string(),
              c);
    m_file.emplace(std::move(path));
    std::string header;
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
      if (c > 0) header += ',';
      header += detail::csv_field(m_columns[c]);
    }
    header += '\n';
    m_file->write(header);
  }

  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  /// \brief Takes over an open table.
  CsvWriter(CsvWriter&&) noexcept = default;
  CsvWriter& operator=(CsvWriter&&) = delete;

  /// \brief Commits the file if close() was not called; never throws.
  ~CsvWriter() {
    if (!m_file || !m_file->is_open()) return;
    try {
      m_file->commit();
    } catch (const std::exception& e) {
      // A destructor must not throw; losing an output silently would be worse.
      try {
        std::cerr << "wavekin::io::CsvWriter: " << e.what() << '\n';
      } catch (...) {
      }
    }
  }

  /// \brief Appends one row; it must have one value per column.
  void row(std::span<const double> values) {
    require(is_open(), "CsvWriter '{}': row() after close()", path().string());
    require(values.size() == m_columns.size(),
            "CsvWriter '{}': a row needs {} values (one per column), got {}", path().string(),
            m_columns.size(), values.size());
    m_line.clear();
    for (std::size_t c = 0; c < values.size(); ++c) {
      if (c > 0) m_line += ',';
      detail::append_csv_value(m_line, values[c]);
    }
    m_line += '\n';
    m_file->write(m_line);
    ++m_rows;
  }

  /// \brief Appends one row written inline, e.g. `csv.row({t, energy})`.
  void row(std::initializer_list<double> values) {
    row(std::span<const double>(values.begin(), values.size()));
  }

  /// \brief Commits the file atomically; later row() calls throw.
  /// \throws io_error if the file cannot be written.
  void close() {
    require(is_open(), "CsvWriter '{}': close() called twice", path().string());
    m_file->commit();
  }

  /// \brief True until close().
  [[nodiscard]] bool is_open() const noexcept { return m_file && m_file->is_open(); }
  /// \brief The table's final path.
  [[nodiscard]] const std::filesystem::path& path() const { return m_file->path(); }
  /// \brief The column names.
  [[nodiscard]] const std::vector<std::string>& columns() const noexcept { return m_columns; }
  /// \brief Number of rows written so far (not counting the header).
  [[nodiscard]] std::size_t rows() const noexcept { return m_rows; }

 private:
  std::vector<std::string> m_columns;
  std::optional<detail::AtomicFile> m_file;
  std::string m_line;  // reused, so a row costs no allocation once warm
  std::size_t m_rows = 0;
};

/// \brief Writes a whole table at once: `column_data[c]` is the column named `columns[c]`.
///
/// \throws invalid_argument unless there is one data vector per name and all
///   have the same length; io_error if the file cannot be written.
inline void write_csv(const std::filesystem::path& path, std::vector<std::string> columns,
                      const std::vector<std::vector<double>>& column_data) {
  require(column_data.size() == columns.size(),
          "write_csv '{}': {} column names but {} data columns", path.string(), columns.size(),
          column_data.size());
  const std::size_t length = column_data.empty() ? 0 : column_data.front().size();
  for (std::size_t c = 0; c < column_data.size(); ++c)
    require(column_data[c].size() == length,
            "write_csv '{}': column '{}' has {} values, column '{}' has {}", path.string(),
            columns[c], column_data[c].size(), columns.front(), length);
  CsvWriter csv(path, std::move(columns));
  std::vector<double> values(column_data.size());
  for (std::size_t r = 0; r < length; ++r) {
    for (std::size_t c = 0; c < column_data.size(); ++c) values[c] = column_data[c][r];
    csv.row(values);
  }
  csv.close();
}

}  // namespace wavekin::io
