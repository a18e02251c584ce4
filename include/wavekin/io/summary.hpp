// wavekin/io/summary.hpp — a driver's summary.json: its parameters, results and provenance.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "wavekin/core/error.hpp"
#include "wavekin/core/version.hpp"
#include "wavekin/io/detail/atomic_file.hpp"

namespace wavekin::io {

/// \brief Collects a driver's parameters and results and writes them as JSON.
///
/// The document looks like
/// \code{.json}
/// {
///   "driver": "core_tour",
///   "library": {"name": "wavekin", "version": "0.1.0", "git_revision": "34e021f"},
///   "parameters": {"N": {"value": 64, "unit": ""}},
///   "results": {"error": {"value": 1.2e-13, "unit": "1", "description": "max error"}},
///   "wall_time_seconds": 0.84,
///   "written_at": "2024-05-01T12:34:56Z"
/// }
/// \endcode
/// plus any top-level keys added with set(). `wall_time_seconds` is measured
/// on the steady clock from construction to the to_json() or write() call;
/// `written_at` is UTC.
///
/// JSON has no NaN or infinity. A non-finite result (or a non-finite number
/// given as a parameter value) is written as `"value": null` with
/// `"note": "non-finite"` and `"value_text"` set to "nan", "inf" or "-inf", so
/// a diverged run still produces a valid file that says what happened.
///
/// Keys within an object come out in alphabetical order (nlohmann::json).
/// Recording the same key twice keeps the last value.
class Summary {
 public:
  /// \brief Starts the wall clock. `git_revision` is usually the build's
  /// WAVEKIN_GIT_REVISION (from the wavekin_build_info target).
  explicit Summary(std::string driver, std::string git_revision = "unknown")
      : m_driver(std::move(driver)),
        m_git_revision(std::move(git_revision)),
        m_start(std::chrono::steady_clock::now()) {
    require(!m_driver.empty(), "Summary: the driver name is empty");
  }

  /// \brief Records an input parameter with its unit ("" for none or dimensionless).
  void parameter(std::string key, nlohmann::json value, std::string unit = "") {
    require(!key.empty(), "Summary '{}': a parameter key is empty", m_driver);
    nlohmann::json entry = {{"unit", std::move(unit)}};
    put_value(entry, std::move(value));
    m_parameters[std::move(key)] = std::move(entry);
  }

  /// \brief Records a result with its unit and an optional one-line description.
  void result(std::string key, double value, std::string unit, std::string description = "") {
    require(!key.empty(), "Summary '{}': a result key is empty", m_driver);
    nlohmann::json entry = {{"unit", std::move(unit)}, {"description", std::move(description)}};
    put_value(entry, value);
    m_results[std::move(key)] = std::move(entry);
  }

  /// \brief Sets any other top-level key (a table, a list of files, ...).
  ///
  /// \throws invalid_argument for the keys this class fills itself
  ///   ("driver", "library", "parameters", "results", "wall_time_seconds", "written_at").
  void set(std::string key, nlohmann::json value) {
    require(!key.empty(), "Summary '{}': a key is empty", m_driver);
    for (const std::string_view reserved : reserved_keys)
      require(key != reserved,
              "Summary '{}': the key '{}' is filled by Summary itself; use parameter() or "
              "result(), or another key",
              m_driver, key);
    m_extra[std::move(key)] = std::move(value);
  }

  /// \brief The document as it would be written now.
  [[nodiscard]] nlohmann::json to_json() const {
    nlohmann::json doc = m_extra;
    doc["driver"] = m_driver;
    doc["library"] = {{"name", "wavekin"},
                      {"version", wavekin::version_string},
                      {"git_revision", m_git_revision}};
    doc["parameters"] = m_parameters;
    doc["results"] = m_results;
    doc["wall_time_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    doc["written_at"] = utc_now();
    return doc;
  }

  /// \brief Writes the document (indented, one key a line) atomically to `path`.
  /// \throws io_error if the file cannot be written.
  void write(const std::filesystem::path& path) const {
    detail::write_file_atomically(path, to_json().dump(2) + "\n");
  }

 private:
  static constexpr std::array<std::string_view, 6> reserved_keys = {
      "driver", "library", "parameters", "results", "wall_time_seconds", "written_at"};

  static void put_value(nlohmann::json& entry, nlohmann::json value) {
    if (value.is_number_float()) {
      const double x = value.get<double>();
      if (!std::isfinite(x)) {
        entry["value"] = nullptr;
        entry["note"] = "non-finite";
        entry["value_text"] = std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
        return;
      }
    }
    entry["value"] = std::move(value);
  }

  static std::string utc_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  }

  std::string m_driver;
  std::string m_git_revision;
  std::chrono::steady_clock::time_point m_start;
  nlohmann::json m_parameters = nlohmann::json::object();
  nlohmann::json m_results = nlohmann::json::object();
  nlohmann::json m_extra = nlohmann::json::object();
};

}  // namespace wavekin::io
