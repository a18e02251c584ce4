// wavekin/io/detail/input_file.hpp — a file opened for reading whose every failure (missing,
// directory, unreadable, shorter than announced) is an io_error naming the path.
// SPDX-License-Identifier: MIT
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"

namespace wavekin::io::detail {

/// \brief A regular file opened for reading, with its size taken from the open descriptor.
///
/// Every reader of the library goes through it, so that every way a file can be unusable
/// throws io_error with the same wording, "<reader> '<path>': <problem>", and never
/// std::ios_base::failure or std::filesystem_error. The size is known before anything is read,
/// so a reader checks every size it reads from the file (a header length, a shape, an array
/// count) against `remaining()` before it allocates: a corrupted 100-byte file can never make
/// it allocate 4 GiB.
class InputFile {
 public:
  /// \brief Opens `path`; `reader` names the caller in messages (e.g. "read_npy").
  /// \throws io_error if the file is missing, unreadable, a directory or not a regular file.
  InputFile(const std::filesystem::path& path, std::string_view reader)
      : m_path(path), m_reader(reader) {
    do {
      m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (m_fd < 0 && errno == EINTR);
    if (m_fd < 0) fail_errno(errno, "cannot open");
    struct stat info {};
    if (::fstat(m_fd, &info) != 0) fail_errno(errno, "cannot stat");
    if (S_ISDIR(info.st_mode)) fail("is a directory, not a file");
    if (!S_ISREG(info.st_mode)) fail("is not a regular file");
    m_size = static_cast<std::uint64_t>(info.st_size);
  }

  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    if (m_fd >= 0) ::close(m_fd);
  }

  /// \brief The file's size in bytes when it was opened.
  [[nodiscard]] std::uint64_t size() const noexcept { return m_size; }
  /// \brief Bytes not read yet (0 if the file has shrunk below the read position).
  [[nodiscard]] std::uint64_t remaining() const noexcept {
    return m_position < m_size ? m_size - m_position : 0;
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

  /// \brief Reads exactly `bytes` bytes into `out`.
  /// \throws io_error "file ends inside the <what>" if fewer are left, or on a read error.
  void read_exactly(void* out, std::size_t bytes, std::string_view what) {
    auto* p = static_cast<char*>(out);
    while (bytes > 0) {
      const ::ssize_t got = ::read(m_fd, p, bytes);
      if (got < 0) {
        const int code = errno;
        if (code == EINTR) continue;
        fail_errno(code, fmt::format("cannot read the {}", what));
      }
      if (got == 0) fail(fmt::format("file ends inside the {}", what));
      p += got;
      bytes -= static_cast<std::size_t>(got);
      m_position += static_cast<std::uint64_t>(got);
    }
  }

  /// \brief Everything from the read position to the end (remaining() bytes).
  [[nodiscard]] std::string read_rest(std::string_view what) {
    std::string bytes(static_cast<std::size_t>(remaining()), '\0');
    read_exactly(bytes.data(), bytes.size(), what);
    return bytes;
  }

  /// \brief Throws io_error "<reader> '<path>': <problem>".
  [[noreturn]] void fail(std::string_view problem) const {
    throw io_error(fmt::format("{} '{}': {}", m_reader, m_path.string(), problem));
  }

 private:
  // Callers read errno first: formatting and allocating may clobber it.
  [[noreturn]] void fail_errno(int code, std::string_view action) const {
    fail(fmt::format("{}: {}", action, std::strerror(code)));
  }

  std::filesystem::path m_path;
  std::string_view m_reader;
  int m_fd = -1;
  std::uint64_t m_size = 0;
  std::uint64_t m_position = 0;
};

/// \brief The whole content of the regular file `path`; io_error naming `reader` and the path
/// if it is missing, unreadable or not a regular file.
inline std::string read_whole_file(const std::filesystem::path& path, std::string_view reader) {
  InputFile file(path, reader);
  return file.read_rest("file");
}

}  // namespace wavekin::io::detail
