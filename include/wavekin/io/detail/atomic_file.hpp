// wavekin/io/detail/atomic_file.hpp — write a file so that nobody ever sees it half-written.
// SPDX-License-Identifier: MIT
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"

namespace wavekin::io::detail {

/// \brief The temporary sibling `<path>.tmp.<pid>.<n>` that AtomicFile writes before renaming.
///
/// It lives in the same directory as `path` because rename(2) is atomic only
/// within one file system. The pid keeps two processes writing the same output
/// (two ranks, a rerun racing a stale run) from clobbering each other's halves;
/// the per-process counter n does the same for two threads of one process.
inline std::filesystem::path temporary_path_for(const std::filesystem::path& path) {
  static std::atomic<unsigned long> counter{0};
  auto name = path.filename().string();
  name += fmt::format(".tmp.{}.{}", static_cast<long>(::getpid()), counter.fetch_add(1));
  return path.parent_path() / name;
}

/// \brief The pid of the process that wrote the temporary `name` (a file name of the form
/// temporary_path_for makes, `<target>.tmp.<pid>.<n>`, with a non-empty target), or 0 if
/// `name` is not of that form.
inline long temporary_writer_pid(std::string_view name) noexcept {
  const auto digits = [](std::string_view text) {
    return !text.empty() && text.size() <= 18 &&
           text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const auto last_dot = name.rfind('.');
  if (last_dot == std::string_view::npos || !digits(name.substr(last_dot + 1))) return 0;
  const auto pid_dot = name.rfind('.', last_dot - 1);
  if (pid_dot == std::string_view::npos) return 0;
  const auto pid_text = name.substr(pid_dot + 1, last_dot - pid_dot - 1);
  constexpr std::string_view marker = ".tmp";
  if (!digits(pid_text) || pid_dot <= marker.size() ||
      name.substr(pid_dot - marker.size(), marker.size()) != marker)
    return 0;
  long pid = 0;
  for (const char c : pid_text) pid = pid * 10 + (c - '0');
  return pid;
}

/// \brief A file written to a temporary sibling and renamed over its target on commit().
///
/// Until commit() returns, `path` keeps its old content (or stays absent), so a
/// reader, a plotting script or a run killed mid-write never sees a truncated
/// file. Missing parent directories are created. Writes are buffered; commit()
/// flushes, fsyncs (a checkpoint must survive a power cut, not only a crash) and
/// renames. Destroying an uncommitted AtomicFile removes the temporary and
/// leaves `path` untouched.
///
/// A process killed before commit() or discard() leaves its temporary behind;
/// io::remove_stale_temporaries (io/stale_temporaries.hpp) removes those of dead processes.
///
/// Every failure throws io_error naming the path and strerror(errno).
/// Two AtomicFiles for the same path (threads, ranks) never share a temporary;
/// the last commit wins.
class AtomicFile {
 public:
  /// \brief Creates the parent directories and opens `<path>.tmp.<pid>` for writing.
  explicit AtomicFile(std::filesystem::path path)
      : m_path(std::move(path)), m_temporary(temporary_path_for(m_path)) {
    require<io_error>(!m_path.empty() && m_path.has_filename(),
                      "cannot write '{}': not a file name", m_path.string());
    const auto parent = m_path.parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      // create_directories reports an existing directory as success, but an
      // existing non-directory (a file named like the folder) as an error.
      require<io_error>(!ec, "cannot write '{}': cannot create directory '{}': {}", m_path.string(),
                        parent.string(), ec.message());
    }
    m_fd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (m_fd < 0) fail("cannot create temporary file");
  }

  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// \brief Takes over an open file; `other` becomes closed.
  AtomicFile(AtomicFile&& other) noexcept
      : m_path(std::move(other.m_path)),
        m_temporary(std::move(other.m_temporary)),
        m_buffer(std::move(other.m_buffer)),
        m_fd(std::exchange(other.m_fd, -1)) {}

  /// \brief Discards this file's uncommitted content, then takes over `other`.
  AtomicFile& operator=(AtomicFile&& other) noexcept {
    if (this != &other) {
      discard();
      m_path = std::move(other.m_path);
      m_temporary = std::move(other.m_temporary);
      m_buffer = std::move(other.m_buffer);
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }

  /// \brief Removes the temporary if commit() was not called; never throws.
  ~AtomicFile() { discard(); }

  /// \brief The final path.
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
  /// \brief The temporary being written (`<path>.tmp.<pid>`).
  [[nodiscard]] const std::filesystem::path& temporary_path() const noexcept { return m_temporary; }
  /// \brief True until commit() or discard().
  [[nodiscard]] bool is_open() const noexcept { return m_fd >= 0; }

  /// \brief Appends bytes (buffered).
  void write(const void* data, std::size_t bytes) {
    require<io_error>(is_open(), "cannot write '{}': file already committed or discarded",
                      m_path.string());
    // Large blocks (array data) bypass the buffer to avoid a copy.
    if (bytes >= buffer_limit) {
      flush();
      write_all(data, bytes);
      return;
    }
    m_buffer.append(static_cast<const char*>(data), bytes);
    if (m_buffer.size() >= buffer_limit) flush();
  }

  /// \brief Appends text (buffered).
  void write(std::string_view text) { write(text.data(), text.size()); }

  /// \brief Flushes, syncs and renames the temporary over `path`, atomically.
  ///
  /// On failure the temporary is removed, `path` is unchanged and io_error is thrown.
  void commit() {
    require<io_error>(is_open(), "cannot commit '{}': file already committed or discarded",
                      m_path.string());
    try {
      flush();
      if (::fsync(m_fd) != 0) fail("cannot sync");
      const int fd = std::exchange(m_fd, -1);
      if (::close(fd) != 0) fail("cannot close");
      if (::rename(m_temporary.c_str(), m_path.c_str()) != 0) fail("cannot rename");
    } catch (...) {
      discard();
      std::error_code ignored;
      std::filesystem::remove(m_temporary, ignored);
      throw;
    }
  }

  /// \brief Closes and removes the temporary, leaving `path` as it was; never throws.
  void discard() noexcept {
    if (m_fd < 0) return;
    ::close(std::exchange(m_fd, -1));
    ::unlink(m_temporary.c_str());
    m_buffer.clear();
  }

 private:
  static constexpr std::size_t buffer_limit = std::size_t{1} << 16;

  void flush() {
    if (m_buffer.empty()) return;
    write_all(m_buffer.data(), m_buffer.size());
    m_buffer.clear();
  }

  void write_all(const void* data, std::size_t bytes) {
    const char* p = static_cast<const char*>(data);
    while (bytes > 0) {
      const ::ssize_t written = ::write(m_fd, p, bytes);
      if (written < 0) {
        if (errno == EINTR) continue;
        fail("cannot write to");
      }
      p += written;
      bytes -= static_cast<std::size_t>(written);
    }
  }

  // Takes a plain C string so that errno is read before anything (formatting,
  // allocation) can clobber it.
  [[noreturn]] void fail(const char* action) const {
    const int code = errno;
    throw io_error(fmt::format("cannot write '{}': {} '{}': {}", m_path.string(), action,
                               m_temporary.string(), std::strerror(code)));
  }

  std::filesystem::path m_path;
  std::filesystem::path m_temporary;
  std::string m_buffer;
  int m_fd = -1;
};

/// \brief Writes `content` to `path` atomically (see AtomicFile).
inline void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

}  // namespace wavekin::io::detail
