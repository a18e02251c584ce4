// examples/common/driver.hpp — what every example driver shares: the command line
// (--out, --quick, --threads, --help), option defaults per mode, the thread setup (OpenMP and
// FFTW), the output folder, summary.json and the plot call.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <wavekin_build_info.hpp>

#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/io/summary.hpp"

namespace wavekin::examples {

/// \brief The frame of an example driver: parses the common options, creates
/// the output folder, runs the body, writes summary.json and calls plot.py.
///
/// A body throws wavekin::error for bad input; the driver prints the message
/// and exits with status 2 (1 for anything unexpected, 3 for a failed plot).
///
/// Threads: `--threads N` is applied once, before the body runs: omp_set_num_threads(N) when
/// built with OpenMP, and fft_options() (FftOptions::threads = N) for every FFT the body plans.
/// The hidden flag `--print-threads` prints what was set up ("openmp_max_threads N",
/// "fftw_threads N") and exits 0 without running the body: tests/examples checks it for every
/// driver.
class Driver {
 public:
  Driver(std::string name, std::string description)
      : m_name(std::move(name)),
        m_app(std::move(description), m_name),
        m_summary(m_name, WAVEKIN_GIT_REVISION),
        m_out(std::filesystem::path("out") / m_name) {
    m_app.add_option("--out", m_out, "output folder")->capture_default_str();
    m_app.add_flag("--quick", m_quick, "small, fast run (under a minute) for the demo and CI");
    m_app.add_option("--threads", m_threads, "threads for FFTW and OpenMP")
        ->capture_default_str()
        ->check(CLI::Range(1, 4096));
    m_app.add_flag("--print-threads", m_print_threads, "print the thread setup and exit")
        ->group("");  // hidden: for tests
  }

  /// \brief A driver option whose default depends on the mode: `full` for a full run,
  /// `quick` with --quick, unless the option is given on the command line.
  template <class T>
  CLI::Option* option(const std::string& name, T& value, T full, T quick,
                      const std::string& description) {
    value = full;
    auto* added = m_app.add_option(name, value,
                                   fmt::format("{} (default {}, --quick {})", description,
                                               CLI::detail::to_string(full),
                                               CLI::detail::to_string(quick)));
    m_quick_defaults.emplace_back([added, &value, quick = std::move(quick)] {
      if (added->count() == 0) value = quick;
    });
    return added;
  }

  /// \brief `full` for a full run, `quick` with --quick (a size that is not an option).
  template <class T>
  [[nodiscard]] T by_mode(T full, T quick) const {
    return m_quick ? quick : full;
  }

  /// \brief The CLI11 app, for the driver's own options.
  CLI::App& cli() { return m_app; }
  [[nodiscard]] bool quick() const { return m_quick; }
  [[nodiscard]] int threads() const { return m_threads; }
  /// \brief The FFT options of this run (FFTW threads from --threads).
  [[nodiscard]] FftOptions fft_options() const { return FftOptions{.threads = m_threads}; }
  [[nodiscard]] const std::filesystem::path& out_dir() const { return m_out; }
  /// \brief A file in the output folder.
  [[nodiscard]] std::filesystem::path output(const std::string& file) const { return m_out / file; }
  io::Summary& summary() { return m_summary; }

  /// \brief Parses argv, runs `body`, writes the outputs; returns main's status.
  int run(int argc, char** argv, const std::function<void(Driver&)>& body) {
    try {
      m_app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return m_app.exit(e);
    }
    if (m_quick)
      for (const auto& apply : m_quick_defaults) apply();
    setup_threads();
    if (m_print_threads) {
      fmt::print("openmp_max_threads {}\nfftw_threads {}\n", openmp_max_threads(),
                 fft_options().threads);
      return 0;
    }
    try {
      std::filesystem::create_directories(m_out);
      m_summary.parameter("quick", m_quick);
      m_summary.parameter("threads", m_threads);
      m_summary.parameter("build_type", WAVEKIN_BUILD_TYPE);
      body(*this);
      m_summary.write(output("summary.json"));
      fmt::print("{}: wrote {}\n", m_name, output("summary.json").string());
    } catch (const wavekin::error& e) {
      fmt::print(stderr, "{}: error: {}\n", m_name, e.what());
      return 2;
    } catch (const std::exception& e) {
      fmt::print(stderr, "{}: unexpected error: {}\n", m_name, e.what());
      return 1;
    }
    return plot();
  }

 private:
  void setup_threads() const {
#if defined(_OPENMP)
    omp_set_num_threads(m_threads);
#endif
  }

  static int openmp_max_threads() {
#if defined(_OPENMP)
    return omp_get_max_threads();
#else
    return 1;
#endif
  }

  // Finds a python3 that has matplotlib: $WAVEKIN_PYTHON, Debian's
  // /usr/bin/python3 (where python3-matplotlib installs), then python3 on PATH.
  static std::optional<std::string> python_with_matplotlib() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("WAVEKIN_PYTHON")) candidates.emplace_back(env);
    candidates.emplace_back("/usr/bin/python3");
    candidates.emplace_back("python3");
    for (const auto& python : candidates) {
      const auto probe = fmt::format("\"{}\" -c \"import matplotlib, numpy\" >/dev/null 2>&1", python);
      if (std::system(probe.c_str()) == 0) return python;
    }
    return std::nullopt;
  }

  int plot() {
    std::error_code ec;
    const auto exe_dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
    const auto script = exe_dir / "plot.py";
    if (ec || !std::filesystem::exists(script)) return 0;
    const auto python = python_with_matplotlib();
    if (!python) {
      fmt::print("{}: plot skipped: no python3 with matplotlib and numpy "
                 "(apt-get install python3-matplotlib)\n", m_name);
      return 0;
    }
    const auto command = fmt::format("\"{}\" \"{}\" \"{}\"", *python, script.string(), m_out.string());
    std::fflush(stdout);  // keep our lines before the script's in a pipe
    if (std::system(command.c_str()) != 0) {
      fmt::print(stderr, "{}: error: plot script {} failed\n", m_name, script.string());
      return 3;
    }
    return 0;
  }

  std::string m_name;
  CLI::App m_app;
  io::Summary m_summary;
  std::filesystem::path m_out;
  bool m_quick = false;
  bool m_print_threads = false;
  int m_threads = 1;
  std::vector<std::function<void()>> m_quick_defaults;
};

}  // namespace wavekin::examples
