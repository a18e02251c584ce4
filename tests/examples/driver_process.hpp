// tests/examples/driver_process.hpp — running an example driver from a test without a shell
// (posix_spawn with an argument vector, stdout and stderr captured through a pipe, a timeout after
// which the child is killed), and comparing two output folders figure by figure.
// SPDX-License-Identifier: MIT
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_files.hpp"

extern char** environ;  // NOLINT: POSIX

namespace wavekin::test {

/// \brief name → executable of every driver, from the CMake list "name=path,name=path".
inline std::map<std::string, std::string> driver_paths() {
  std::map<std::string, std::string> out;
  std::stringstream list(WAVEKIN_DRIVER_PATHS);
  std::string entry;
  while (std::getline(list, entry, ',')) {
    const auto eq = entry.find('=');
    out.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

/// \brief How a child ended: its exit status (-1 if a signal ended it), whether the timeout
/// killed it, its stdout and stderr (interleaved) and its wall time.
struct ChildRun {
  int status = -1;
  int signal = 0;
  bool timed_out = false;
  std::string output;
  double seconds = 0;
};

/// \brief Runs `program` with `args` (no shell: each element is one argument) and the
/// environment plus `env` ("NAME=value", replacing NAME), waits at most `timeout` seconds
/// (then SIGKILL), and returns how it ended.
inline ChildRun run_program(const std::string& program, const std::vector<std::string>& args,
                            double timeout, const std::vector<std::string>& env = {}) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  ChildRun run;
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> argp;
  for (auto& a : argv) argp.push_back(a.data());
  argp.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    const bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& x) {
      return x.compare(0, name.size(), name) == 0;
    });
    if (!replaced) environment.push_back(entry);
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return run;
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  ::posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  ::pid_t pid = 0;
  const int started = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argp.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (started != 0) {
    ::close(fds[0]);
    run.output = "posix_spawn failed";
    return run;
  }
  const auto deadline = start + std::chrono::duration<double>(timeout);
  const auto left_ms = [&] {
    return static_cast<int>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count()));
  };
  bool open = true;
  char buffer[4096];
  while (open) {
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, std::min(left_ms(), 200));
    if (ready > 0) {
      const auto n = ::read(fds[0], buffer, sizeof buffer);
      if (n > 0)
        run.output.append(buffer, static_cast<std::size_t>(n));
      else if (n == 0 || errno != EINTR)
        open = false;
    }
    if (clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      run.timed_out = true;
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (true) {
    const auto done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (!run.timed_out && clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      run.timed_out = true;
    }
    ::usleep(5000);
  }
  if (WIFEXITED(status)) run.status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  run.seconds = std::chrono::duration<double>(clock::now() - start).count();
  return run;
}

/// \brief summary.json without what may differ between an interrupted-and-resumed run and an
/// uninterrupted one: the timings (every key that holds "seconds"), "written_at" and "resumed".
inline nlohmann::json comparable_summary(const std::filesystem::path& file) {
  auto doc = nlohmann::json::parse(slurp(file));
  const std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end();) {
        if (it.key().find("seconds") != std::string::npos || it.key() == "written_at" ||
            it.key() == "resumed" || it.key() == "fft_wisdom")
          it = j.erase(it);
        else
          strip(*it++);
      }
    } else if (j.is_array()) {
      for (auto& e : j) strip(e);
    }
  };
  strip(doc);
  return doc;
}

/// \brief A CSV file without its timing columns (header names that hold "seconds").
inline std::vector<std::vector<std::string>> comparable_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::vector<bool> keep;
  while (std::getline(in, line)) {
    std::vector<std::string> cells(1);
    for (const char c : line) {
      if (c == ',')
        cells.emplace_back();
      else
        cells.back().push_back(c);
    }
    if (keep.empty())
      for (const auto& name : cells) keep.push_back(name.find("seconds") == std::string::npos);
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (i >= keep.size() || keep[i]) kept.push_back(cells[i]);
    rows.push_back(kept);
  }
  return rows;
}

/// \brief The files of a folder (recursively) with one of the extensions, relative paths.
inline std::set<std::string> files_with(const std::filesystem::path& folder,
                                        const std::set<std::string>& extensions) {
  std::set<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder))
    if (entry.is_regular_file() && extensions.count(entry.path().extension().string()) > 0)
      out.insert(std::filesystem::relative(entry.path(), folder).string());
  return out;
}

/// \brief Every difference between two output folders that is not a timing: the set of .npy and
/// .csv files, each .npy bitwise, each .csv without timing columns, summary.json without timings,
/// written_at and the list of resumed parts. Empty: the runs agree.
inline std::vector<std::string> folder_differences(const std::filesystem::path& a,
                                                   const std::filesystem::path& b) {
  std::vector<std::string> out;
  const auto files_a = files_with(a, {".npy", ".csv"}), files_b = files_with(b, {".npy", ".csv"});
  if (files_a != files_b) out.push_back("the sets of .npy/.csv files differ");
  for (const auto& f : files_a) {
    if (files_b.count(f) == 0) continue;
    const bool same = std::filesystem::path(f).extension() == ".npy"
                          ? slurp(a / f) == slurp(b / f)
                          : comparable_csv(a / f) == comparable_csv(b / f);
    if (!same) out.push_back(f + " differs");
  }
  const auto sa = comparable_summary(a / "summary.json"), sb = comparable_summary(b / "summary.json");
  if (sa != sb) out.push_back("summary.json differs: " + nlohmann::json::diff(sa, sb).dump());
  return out;
}

}  // namespace wavekin::test
