// wavekin/io/checkpoint.hpp — versioned checkpoint files: magic, format version, a JSON header
// of parameters and state, binary arrays and a checksum, written atomically.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "wavekin/core/error.hpp"
#include "wavekin/io/detail/atomic_file.hpp"
#include "wavekin/io/detail/input_file.hpp"

namespace wavekin::io {

/// \brief The version of the checkpoint layout written by write_checkpoint; a file of any
/// other version is rejected by read_checkpoint.
inline constexpr std::uint32_t checkpoint_format_version = 1;

namespace detail {

static_assert(std::endian::native == std::endian::little,
              "wavekin checkpoints store little-endian binary numbers");

// The first bytes of every checkpoint. The high first byte and the CR LF catch a file
// mangled by a text-mode transfer, as in PNG.
inline constexpr std::string_view checkpoint_magic{"\x89WKCKPT\r\n", 9};

// 64-bit FNV-1a: not cryptographic, but every byte changes the sum, which is all a
// corruption check needs.
inline std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

template <class T>
void append_raw(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <class T>
T read_raw(std::string_view bytes, std::size_t offset) {
  T value{};
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

}  // namespace detail

/// \brief The content of one checkpoint: what kind of run wrote it, the run's parameters
/// (compared on restart), small state (counters) and named arrays of doubles.
///
/// Arrays are stored as raw IEEE doubles, so a value read back is bitwise the value
/// written: a resumed computation continues from exactly the numbers it stopped at.
struct Checkpoint {
  /// What wrote the file (e.g. "wavekin.ensemble"); read_checkpoint can insist on it.
  std::string kind;
  /// The parameters that define the run; a restart with other parameters is an error.
  nlohmann::json parameters = nlohmann::json::object();
  /// Progress counters and other small state.
  nlohmann::json state = nlohmann::json::object();

  /// \brief Adds `values` under `name`, replacing an array of that name.
  void set_array(std::string name, std::vector<double> values) {
    for (auto& [existing, data] : m_arrays) {
      if (existing == name) {
        data = std::move(values);
        return;
      }
    }
    m_arrays.emplace_back(std::move(name), std::move(values));
  }
  /// \brief Whether an array `name` is present.
  [[nodiscard]] bool has_array(std::string_view name) const {
    return std::any_of(m_arrays.begin(), m_arrays.end(),
                       [&](const auto& entry) { return entry.first == name; });
  }
  /// \brief The array `name`; io_error if there is none.
  [[nodiscard]] const std::vector<double>& array(std::string_view name) const {
    for (const auto& [existing, data] : m_arrays)
      if (existing == name) return data;
    throw io_error(fmt::format("checkpoint of kind '{}' has no array '{}'", kind, name));
  }
  /// \brief All arrays, in the order they were added (and are stored).
  [[nodiscard]] const std::vector<std::pair<std::string, std::vector<double>>>& arrays()
      const noexcept {
    return m_arrays;
  }

 private:
  std::vector<std::pair<std::string, std::vector<double>>> m_arrays;
};

/// \brief Writes `checkpoint` to `path` atomically (temporary sibling, fsync, rename), so a
/// run killed at any instant leaves either the previous checkpoint or the new one.
///
/// Layout (all numbers little-endian): the 9-byte magic "\x89WKCKPT\r\n"; uint32 format
/// version; uint64 length of the JSON header; the header {"kind", "parameters", "state",
/// "arrays": [{"name", "dtype": "<f8", "count"}…]}; the arrays' doubles back to back;
/// uint64 FNV-1a checksum of everything before it.
inline void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  nlohmann::json header;
  header["kind"] = checkpoint.kind;
  header["parameters"] = checkpoint.parameters;
  header["state"] = checkpoint.state;
  header["arrays"] = nlohmann::json::array();
  std::size_t payload = 0;
  for (const auto& [name, values] : checkpoint.arrays()) {
    header["arrays"].push_back({{"name", name}, {"dtype", "<f8"}, {"count", values.size()}});
    payload += values.size() * sizeof(double);
  }
  const std::string text = header.dump();
  std::string bytes;
  bytes.reserve(detail::checkpoint_magic.size() + 20 + text.size() + payload + 8);
  bytes.append(detail::checkpoint_magic);
  detail::append_raw(bytes, checkpoint_format_version);
  detail::append_raw(bytes, static_cast<std::uint64_t>(text.size()));
  bytes.append(text);
  for (const auto& entry : checkpoint.arrays())
    bytes.append(reinterpret_cast<const char*>(entry.second.data()),
                 entry.second.size() * sizeof(double));
  detail::append_raw(bytes, detail::fnv1a64(bytes));
  detail::write_file_atomically(path, bytes);
}

/// \brief Reads a checkpoint written by write_checkpoint.
///
/// Throws io_error (and nothing else) naming `path` if the file is missing, unreadable or a
/// directory, is not a checkpoint (magic), has
/// another format version, is truncated or has trailing bytes, fails its checksum
/// (corruption), or — when `expected_kind` is not empty — was written by another kind of run.
inline Checkpoint read_checkpoint(const std::filesystem::path& path,
                                  std::string_view expected_kind = {}) {
  const std::string bytes = detail::read_whole_file(path, "read_checkpoint");

  const auto& magic = detail::checkpoint_magic;
  const std::size_t prefix = magic.size() + sizeof(std::uint32_t) + sizeof(std::uint64_t);
  require<io_error>(
      bytes.size() >= magic.size() && std::string_view(bytes).substr(0, magic.size()) == magic,
      "'{}' is not a wavekin checkpoint (wrong magic bytes)", path.string());
  require<io_error>(bytes.size() >= prefix, "checkpoint '{}' is truncated: {} bytes", path.string(),
                    bytes.size());
  const auto version = detail::read_raw<std::uint32_t>(bytes, magic.size());
  require<io_error>(version == checkpoint_format_version,
                    "checkpoint '{}' has format version {}, this build reads version {}",
                    path.string(), version, checkpoint_format_version);
  const auto header_bytes =
      detail::read_raw<std::uint64_t>(bytes, magic.size() + sizeof(std::uint32_t));
  require<io_error>(header_bytes <= bytes.size() - prefix,
                    "checkpoint '{}' is truncated: header of {} bytes, file of {} bytes",
                    path.string(), header_bytes, bytes.size());

  nlohmann::json header;
  try {
    header =
        nlohmann::json::parse(bytes.begin() + static_cast<std::ptrdiff_t>(prefix),
                              bytes.begin() + static_cast<std::ptrdiff_t>(prefix + header_bytes));
  } catch (const nlohmann::json::exception& e) {
    throw io_error(
        fmt::format("checkpoint '{}' is corrupt: unreadable header ({})", path.string(), e.what()));
  }
  Checkpoint checkpoint;
  std::vector<std::pair<std::string, std::size_t>> layout;
  std::size_t payload = 0;
  try {
    checkpoint.kind = header.at("kind").get<std::string>();
    checkpoint.parameters = header.at("parameters");
    checkpoint.state = header.at("state");
    for (const auto& entry : header.at("arrays")) {
      require<io_error>(entry.at("dtype").get<std::string>() == "<f8",
                        "checkpoint '{}' is corrupt: array dtype {}", path.string(),
                        entry.at("dtype").dump());
      require<io_error>(entry.at("count").is_number_unsigned(),
                        "checkpoint '{}' is corrupt: array count {}", path.string(),
                        entry.at("count").dump());
      const auto count = entry.at("count").get<std::size_t>();
      require<io_error>(count <= bytes.size() / sizeof(double),
                        "checkpoint '{}' is truncated: array '{}' of {} doubles in a file of {} "
                        "bytes",
                        path.string(), entry.at("name").get<std::string>(), count, bytes.size());
      layout.emplace_back(entry.at("name").get<std::string>(), count);
      payload += count * sizeof(double);  // <= the file's size: no overflow, checked below
      require<io_error>(payload <= bytes.size(),
                        "checkpoint '{}' is truncated: its arrays need {} bytes, the file has {}",
                        path.string(), payload, bytes.size());
    }
  } catch (const nlohmann::json::exception& e) {
    throw io_error(
        fmt::format("checkpoint '{}' is corrupt: malformed header ({})", path.string(), e.what()));
  }
  const std::size_t expected = prefix + header_bytes + payload + sizeof(std::uint64_t);
  require<io_error>(bytes.size() >= expected,
                    "checkpoint '{}' is truncated: {} bytes, the header announces {}",
                    path.string(), bytes.size(), expected);
  require<io_error>(bytes.size() == expected,
                    "checkpoint '{}' is corrupt: {} bytes, the header announces {}", path.string(),
                    bytes.size(), expected);
  const std::size_t body = expected - sizeof(std::uint64_t);
  require<io_error>(detail::read_raw<std::uint64_t>(bytes, body) ==
                        detail::fnv1a64(std::string_view(bytes).substr(0, body)),
                    "checkpoint '{}' is corrupt: checksum mismatch", path.string());
  require<io_error>(expected_kind.empty() || checkpoint.kind == expected_kind,
                    "checkpoint '{}' was written by '{}', expected '{}'", path.string(),
                    checkpoint.kind, expected_kind);

  std::size_t offset = prefix + header_bytes;
  for (auto& [name, count] : layout) {
    std::vector<double> values(count);
    if (count > 0) std::memcpy(values.data(), bytes.data() + offset, count * sizeof(double));
    offset += count * sizeof(double);
    checkpoint.set_array(std::move(name), std::move(values));
  }
  return checkpoint;
}

/// \brief Throws io_error unless the parameters stored in a checkpoint equal this run's.
///
/// The message names the first differing entry as a JSON pointer and both values, e.g.
/// "checkpoint 'run.ckpt' does not match this run: /samples is 100 in the checkpoint, 200 in
/// this run", so a checkpoint is never silently reused for another run.
inline void require_matching_parameters(const std::filesystem::path& path,
                                        const nlohmann::json& in_checkpoint,
                                        const nlohmann::json& in_run) {
  if (in_checkpoint == in_run) return;
  const auto patch = nlohmann::json::diff(in_checkpoint, in_run);
  // diff of unequal documents has at least one operation.
  const auto& first = patch.at(0);
  const nlohmann::json::json_pointer where(first.at("path").get<std::string>());
  const auto describe = [&](const nlohmann::json& document) {
    try {
      return document.contains(where) ? document.at(where).dump() : std::string("absent");
    } catch (const nlohmann::json::exception&) {
      return std::string("absent");  // e.g. the past-the-end index "-" of an array
    }
  };
  throw io_error(
      fmt::format("checkpoint '{}' does not match this run: {} is {} in the checkpoint, "
                  "{} in this run",
                  path.string(), where.to_string().empty() ? "/" : where.to_string(),
                  describe(in_checkpoint), describe(in_run)));
}

}  // namespace wavekin::io
