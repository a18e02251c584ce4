// wavekin/io/result_cache.hpp — get-or-compute a named result keyed on its parameters: one
// checksummed JSON file per result in a folder, written atomically, so a study resumes.
// SPDX-License-Identifier: MIT
#pragma once

#include <cctype>
#include <filesystem>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "wavekin/core/error.hpp"
#include "wavekin/io/checkpoint.hpp"
#include "wavekin/io/detail/atomic_file.hpp"
#include "wavekin/io/detail/input_file.hpp"

namespace wavekin::io {

/// \brief Results of a study kept between runs: `get_or_compute(name, parameters, compute)`
/// returns the stored result of `name` when it was computed with exactly `parameters`, and
/// otherwise calls `compute()`, stores its result and returns it.
///
/// Each result is one file `<folder>/<name>.json` holding {"format", "parameters", "result",
/// "checksum"}, the checksum a 64-bit FNV-1a of the compact text of {"parameters", "result"}:
/// a flipped bit, a truncated or an empty file fails it (or fails to parse). Files are written
/// atomically (AtomicFile: temporary sibling, fsync, rename), so a run killed at any instant
/// leaves the previous file or the new one. A missing, damaged or parameter-mismatched file is
/// recomputed, never misread and never an error; a one-line notice on the notice stream (stderr
/// by default) names the file and why.
///
/// Results pass through their JSON text on both paths, so a computed result and the same
/// result read back are identical JSON (NaN and ±inf become null either way).
class ResultCache {
 public:
  /// \brief Whether stored results may be reused (`recompute`: every result is computed
  /// afresh and its file rewritten, a driver's `--fresh`).
  enum class Mode { reuse, recompute };

  /// \brief A cache in `folder` (created on the first store).
  explicit ResultCache(std::filesystem::path folder, Mode mode = Mode::reuse,
                       std::ostream& notices = std::cerr)
      : m_folder(std::move(folder)), m_mode(mode), m_notices(&notices) {}

  /// \brief The file that holds result `name`.
  /// \pre `name` is non-empty and made of letters, digits, '_', '-' and '.' (not leading):
  /// one file in the folder, never a path out of it (else invalid_argument).
  [[nodiscard]] std::filesystem::path path(const std::string& name) const {
    bool valid = !name.empty() && name.front() != '.';
    for (const char c : name)
      valid = valid && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
                        c == '.');
    require(valid, "result cache: name '{}' must be a plain file name ([A-Za-z0-9_.-]+)", name);
    return m_folder / (name + ".json");
  }

  /// \brief The stored result of `name` if its file is intact and holds exactly `parameters`;
  /// otherwise nullopt, with a notice naming the file and why (missing, damaged, mismatch).
  [[nodiscard]] std::optional<nlohmann::json> find(const std::string& name,
                                                   const nlohmann::json& parameters) const {
    const auto file = path(name);
    if (m_mode == Mode::recompute) return std::nullopt;
    const auto notice = [&](const std::string& why) {
      *m_notices << fmt::format("result cache: computing {}: {}\n", file.string(), why);
      return std::nullopt;
    };
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return notice("no stored result");
    if (!std::filesystem::is_regular_file(file, ec)) return notice("not a regular file");
    std::string text;
    try {
      text = detail::read_whole_file(file, "result cache");
    } catch (const io_error& e) {
      return notice(fmt::format("unreadable file ({})", e.what()));
    }
    const auto stored = nlohmann::json::parse(text, nullptr, false);
    if (stored.is_discarded() || !stored.is_object() || !stored.contains("parameters") ||
        !stored.contains("result") || !stored.contains("checksum") ||
        !stored["checksum"].is_string() || !stored.contains("format") ||
        stored["format"] != format)
      return notice("damaged file (not a complete result record)");
    if (stored["checksum"].get<std::string>() != checksum(stored["parameters"], stored["result"]))
      return notice("damaged file (checksum mismatch)");
    if (stored["parameters"] != parameters) {
      const auto patch = nlohmann::json::diff(stored["parameters"], parameters);
      return notice(fmt::format("stored for other parameters ({} differs)",
                                patch.empty() ? std::string("/") : patch[0].value("path", "/")));
    }
    return stored["result"];
  }

  /// \brief Stores `result` for (`name`, `parameters`) atomically and returns it as read back
  /// from its text (see the class comment).
  nlohmann::json store(const std::string& name, const nlohmann::json& parameters,
                       const nlohmann::json& result) const {
    const auto file = path(name);
    nlohmann::json record{{"format", format},
                          {"parameters", parameters},
                          {"result", result},
                          {"checksum", checksum(parameters, result)}};
    const std::string text = record.dump() + "\n";
    detail::write_file_atomically(file, text);
    return nlohmann::json::parse(text)["result"];
  }

  /// \brief The stored result of `name` for `parameters` (find), or `compute()`'s, stored.
  /// \tparam Compute callable `() -> nlohmann::json` (or anything convertible to it); it is
  /// called at most once, and not at all when an intact matching result is stored.
  template <class Compute>
  nlohmann::json get_or_compute(const std::string& name, const nlohmann::json& parameters,
                                Compute&& compute) const {
    if (auto found = find(name, parameters)) return std::move(*found);
    return store(name, parameters, nlohmann::json(std::forward<Compute>(compute)()));
  }

  [[nodiscard]] const std::filesystem::path& folder() const noexcept { return m_folder; }

 private:
  static constexpr const char* format = "wavekin.result_cache.v1";

  // The checksum of a record's content: FNV-1a of the compact text of both parts. The text of
  // a parsed document is its canonical dump (sorted keys, shortest round-trip numbers), so
  // writing and re-reading give the same sum.
  static std::string checksum(const nlohmann::json& parameters, const nlohmann::json& result) {
    const auto text = nlohmann::json{{"parameters", parameters}, {"result", result}}.dump();
    return fmt::format("{:016x}", detail::fnv1a64(text));
  }

  std::filesystem::path m_folder;
  Mode m_mode;
  std::ostream* m_notices;
};

}  // namespace wavekin::io
