// wavekin/io/stale_temporaries.hpp — removing the temporaries `<path>.tmp.<pid>.<n>` that a killed
// process left behind (AtomicFile writes them before renaming).
// SPDX-License-Identifier: MIT
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"
#include "wavekin/io/detail/atomic_file.hpp"

namespace wavekin::io {

namespace detail {

// Whether a process `pid` exists: /proc/<pid> where procfs is mounted, else kill(pid, 0)
// (EPERM: it exists but belongs to someone else). A pid that is reused by an unrelated process
// keeps its temporaries: removing a file that is still being written is worse than leaving one.
inline bool process_is_running(long pid) {
  if (pid <= 0) return false;
  std::error_code ec;
  if (std::filesystem::is_directory("/proc/self", ec))
    return std::filesystem::exists(std::filesystem::path("/proc") / std::to_string(pid), ec);
  return ::kill(static_cast<::pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace detail

/// \brief Removes from `dir` the temporaries `<name>.tmp.<pid>.<n>` (written by
/// io::detail::AtomicFile before its rename) whose writer is gone: pid not this process's and no
/// process of that pid running. Returns how many files it removed.
///
/// A run killed between creating a temporary and renaming it leaves the temporary behind; the
/// target itself is intact (the previous version, or absent). Drivers call this on start on
/// their output folder. Only regular files whose name has exactly that form are touched; with
/// `recursive`, sub-folders are cleaned too (symbolic links to folders are not followed).
///
/// \throws io_error naming the folder if it cannot be listed (missing, not a folder, no
///   permission) or a stale temporary cannot be removed.
inline std::size_t remove_stale_temporaries(const std::filesystem::path& dir,
                                            bool recursive = false) {
  namespace fs = std::filesystem;
  std::error_code ec;
  require<io_error>(fs::is_directory(dir, ec), "remove_stale_temporaries '{}': not a folder{}",
                    dir.string(), ec ? fmt::format(" ({})", ec.message()) : std::string());
  const long self = static_cast<long>(::getpid());
  std::size_t removed = 0;
  const auto visit = [&](const fs::directory_entry& entry) {
    std::error_code status_ec;
    if (!entry.is_regular_file(status_ec) || entry.is_symlink(status_ec)) return;
    const long pid = detail::temporary_writer_pid(entry.path().filename().string());
    if (pid == 0 || pid == self || detail::process_is_running(pid)) return;
    std::error_code remove_ec;
    const bool gone = fs::remove(entry.path(), remove_ec);
    require<io_error>(!remove_ec, "remove_stale_temporaries '{}': cannot remove '{}': {}",
                      dir.string(), entry.path().string(), remove_ec.message());
    if (gone) ++removed;
  };
  const auto walk = [&]<class Iterator>(Iterator it) {
    for (; !ec && it != Iterator(); it.increment(ec)) visit(*it);
    require<io_error>(!ec, "remove_stale_temporaries '{}': cannot list the folder: {}",
                      dir.string(), ec.message());
  };
  if (recursive)
    walk(fs::recursive_directory_iterator(dir, ec));
  else
    walk(fs::directory_iterator(dir, ec));
  return removed;
}

}  // namespace wavekin::io
