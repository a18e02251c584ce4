// examples/common/process.hpp — child processes without a shell: an argument vector started with
// posix_spawnp and waited for, so that no file name (an --out with '$', '"', ';', spaces or a
// newline) is ever parsed by a shell.
// SPDX-License-Identifier: MIT
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;  // NOLINT: POSIX, the environment the child inherits

namespace wavekin::examples {

/// \brief Where a child's stdout and stderr go.
enum class ChildOutput { inherit, discard };

/// \brief Runs `argv` (argv[0] looked up on PATH when it holds no '/') with this process's
/// environment, waits for it, and returns its exit status; -1 if it could not be started or was
/// ended by a signal. Each element of `argv` reaches the child as one argument, unparsed.
inline int run_child(const std::vector<std::string>& argv,
                     ChildOutput output = ChildOutput::inherit) {
  if (argv.empty()) return -1;
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  if (::posix_spawn_file_actions_init(&actions) != 0) return -1;
  if (output == ChildOutput::discard) {
    ::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  ::pid_t pid = 0;
  const int started = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (started != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// \brief The number of OS threads this process has now (Linux: the entries of /proc/self/task),
/// 0 where that is not available. OpenMP's and FFTW's worker pools outlive the parallel regions
/// and plans that started them, so counted after a driver's body it tells how many threads the
/// body ran on.
inline int os_thread_count() {
  std::error_code ec;
  int count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end;
       it.increment(ec))
    ++count;
  return ec ? 0 : count;
}

}  // namespace wavekin::examples
