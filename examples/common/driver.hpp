// examples/common/driver.hpp — what every example driver shares: the command line
// (--out, --quick, --threads, --help), option defaults per mode, the checks of every option
// before any work (values, consistency, memory), the thread setup (OpenMP and FFTW), the output
// folder, summary.json, resumed parts, and the plot call (without a shell).
// SPDX-License-Identifier: MIT
#pragma once

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <wavekin_build_info.hpp>

#include "process.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/memory.hpp"
#include "wavekin/io/fft_wisdom_file.hpp"
#include "wavekin/io/stale_temporaries.hpp"
#include "wavekin/io/summary.hpp"

namespace wavekin::examples {

// ---------------------------------------------------------------------------------------------
// Checks of option values. CLI11 reads "nan", "inf" and "-5" (into an unsigned, wrapped) as
// numbers, and its Range lets NaN through; Driver::add and Driver::option attach the checks of
// the option's type (finite for floating point, no sign for unsigned) to every option, and a
// driver adds its own with ->check(...): the validators below, CLI::Range, CLI::IsMember. Each
// message reaches the user as "--name: message".
// ---------------------------------------------------------------------------------------------
namespace checks {

inline bool parse_number(const std::string& text, double& value) {
  return CLI::detail::lexical_cast(text, value);
}

/// \brief A number that is finite (not nan, inf, -inf). A text that is no number at all is left
/// to CLI11's conversion, which rejects it naming the option.
inline const CLI::Validator finite(
    [](std::string& text) -> std::string {
      double v = 0;
      if (!parse_number(text, v) || std::isfinite(v)) return {};
      return fmt::format("must be a finite number, got '{}'", text);
    },
    "FINITE");

/// \brief A finite number > 0.
inline const CLI::Validator positive(
    [](std::string& text) -> std::string {
      double v = 0;
      if (!parse_number(text, v) || (std::isfinite(v) && v > 0)) return {};
      return fmt::format("must be a finite number > 0, got '{}'", text);
    },
    "POSITIVE");

/// \brief A finite number >= 0.
inline const CLI::Validator non_negative(
    [](std::string& text) -> std::string {
      double v = 0;
      if (!parse_number(text, v) || (std::isfinite(v) && v >= 0)) return {};
      return fmt::format("must be a finite number >= 0, got '{}'", text);
    },
    "NONNEGATIVE");

/// \brief A finite number in the closed range [lo, hi] (CLI::Range passes NaN).
inline CLI::Validator in_range(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double v = 0;
        if (!parse_number(text, v) || (std::isfinite(v) && v >= lo && v <= hi)) return {};
        return fmt::format("must be a finite number in [{}, {}], got '{}'", lo, hi, text);
      },
      fmt::format("in [{}, {}]", lo, hi));
}

/// \brief An unsigned option's text: strtoull reads "-5" as 2^64 - 5, so a sign is an error.
inline const CLI::Validator unsigned_text(
    [](std::string& text) -> std::string {
      const auto first = text.find_first_not_of(" \t");
      if (first == std::string::npos || (text[first] != '-' && text[first] != '+')) return {};
      return fmt::format("must be a non-negative integer without a sign, got '{}'", text);
    },
    "UNSIGNED");

template <class T>
struct element {
  using type = T;
};
template <class T>
struct element<std::vector<T>> {
  using type = T;
};
template <class T>
struct element<std::optional<T>> {
  using type = T;
};
template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

/// \brief The checks every option of type T gets (CLI11 applies them to each element of a list).
template <class T>
CLI::Option* by_type(CLI::Option* option) {
  using E = typename element<T>::type;
  if constexpr (std::is_floating_point_v<E>) option->check(finite);
  if constexpr (std::is_integral_v<E> && std::is_unsigned_v<E> && !std::is_same_v<E, bool>)
    option->check(unsigned_text);
  return option;
}

}  // namespace checks

/// \brief Stops a request that cannot fit: throws invalid_argument "<what> needs about <bytes>;
/// this machine has <memory>" when the estimate exceeds the physical memory. `what` names the
/// option and the data ("--points 1000000 needs about 2.4 TB for the coherence field").
inline void require_memory(double bytes, std::string_view what) {
  require_fits_in_memory(bytes, what);
}

/// \brief Hidden test hook, to simulate kill -9 between the writes of a run:
/// WAVEKIN_ABORT_AFTER=<point>:<count> ends the process with std::_Exit(137) (no cleanup, no
/// flush, as a kill would) the count-th time the named point is passed. Drivers mark their
/// points with abort_point("name") after a write; without the variable it costs one comparison.
inline void abort_point(std::string_view point) {
  struct Spec {
    std::string point;
    long count = 0;
  };
  static const Spec spec = [] {
    Spec s;
    if (const char* env = std::getenv("WAVEKIN_ABORT_AFTER")) {
      const std::string text(env);
      const auto colon = text.rfind(':');
      s.point = text.substr(0, colon);
      s.count = colon == std::string::npos ? 1 : std::atol(text.c_str() + colon + 1);
    }
    return s;
  }();
  static std::atomic<long> hits{0};
  if (spec.count > 0 && point == spec.point && ++hits == spec.count) std::_Exit(137);
}

/// \brief The frame of an example driver: parses the common options, checks every option, creates
/// the output folder, runs the body, writes summary.json and calls plot.py.
///
/// Phases. (1) Parse (CLI11, with the type checks of checks::by_type and the driver's validators).
/// (2) Validate: the checks registered with validate() (consistency between options, sizes and
/// memory estimates, require_memory) and the --out check (a folder, or creatable in a writable
/// one); nothing is created and no work is done before both pass. (3) Create the output folder,
/// run the body, write summary.json. If the body fails and the folder did not exist before this
/// run, it is removed (with the folders created for it); a folder that existed is never removed.
/// A killed run leaves its folder, which is how resuming works (docs/validation.md).
///
/// Exit status: 0, 2 for a bad option or any wavekin::error (the message names the option or the
/// file), CLI11's own codes (>= 100) for parse errors, 1 for anything unexpected, 3 for a failed
/// plot.
///
/// Threads: `--threads N` is applied once, before the body runs: omp_set_num_threads(N) when
/// built with OpenMP, and fft_options() (FftOptions::threads = N) for every FFT the body plans.
/// The hidden flag `--print-threads` prints what was set up ("openmp_max_threads N",
/// "fftw_threads N") and exits 0 without running the body: tests/examples checks it for every
/// driver.
class Driver {
 public:
  /// \param description  what the driver does (--help and summary.json)
  /// \param name         the driver's name: its folder under out/ and in summary.json; the build
  ///                     gives it (examples/CMakeLists.txt defines WAVEKIN_DRIVER_NAME)
  explicit Driver(std::string description, std::string name = WAVEKIN_DRIVER_NAME)
      : m_name(std::move(name)),
        m_app(std::move(description), m_name),
        m_summary(m_name, WAVEKIN_GIT_REVISION),
        m_out(std::filesystem::path("out") / m_name) {
    m_app.add_option("--out", m_out, "output folder")->capture_default_str();
    m_app.add_flag("--quick", m_quick, "small, fast run (under a minute) for the demo and CI");
    m_app.add_option("--threads", m_threads, "threads for FFTW and OpenMP")
        ->capture_default_str()
        ->check(CLI::Range(1, 4096));
    m_app.add_flag("--no-plot", m_no_plot, "do not call plot.py");
    m_app
        .add_option("--fft-rigor", m_fft_rigor,
                    "FFTW planner effort; the plans are kept in <out>/fft_wisdom.txt, so a "
                    "resumed run makes the same plans")
        ->transform(CLI::CheckedTransformer(
            std::map<std::string, FftRigor>{{"estimate", FftRigor::estimate},
                                            {"measure", FftRigor::measure},
                                            {"patient", FftRigor::patient}}))
        ->default_str("measure");
    m_app.add_flag("--print-threads", m_print_threads, "print the thread setup and exit")
        ->group("");  // hidden: for tests
  }

  /// \brief A driver option with its default shown and the checks of its type
  /// (checks::by_type); add the option's own with ->check(...).
  template <class T>
  CLI::Option* add(const std::string& name, T& value, const std::string& description) {
    auto* added = m_app.add_option(name, value, description);
    if constexpr (!checks::is_optional<T>) added->capture_default_str();
    return checks::by_type<T>(added);
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
    return checks::by_type<T>(added);
  }

  /// \brief Registers a check of the parsed options (consistency, sizes, memory), run after
  /// parsing and the --quick defaults, before the output folder exists. It throws
  /// wavekin::invalid_argument (require(...)) with a message naming the option.
  void validate(std::function<void()> check) { m_checks.push_back(std::move(check)); }

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
  [[nodiscard]] FftOptions fft_options() const {
    return FftOptions{.rigor = m_fft_rigor, .threads = m_threads};
  }
  [[nodiscard]] const std::filesystem::path& out_dir() const { return m_out; }
  /// \brief A file in the output folder.
  [[nodiscard]] std::filesystem::path output(const std::string& file) const { return m_out / file; }
  io::Summary& summary() { return m_summary; }

  /// \brief Records that `part` of the run was taken from saved state (`from`: the file and how
  /// much) rather than computed: summary.json lists these under "resumed", and the timings of
  /// such a part cover this process's work only. Every other figure of a resumed run equals the
  /// uninterrupted run's.
  void resumed(const std::string& part, const std::string& from) {
    m_resumed.push_back({{"part", part}, {"from", from}});
  }

  /// \brief Parses argv, validates, runs `body`, writes the outputs; returns main's status.
  int run(int argc, char** argv, const std::function<void(Driver&)>& body) {
    try {
      m_app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return m_app.exit(e);
    }
    if (m_quick)
      for (const auto& apply : m_quick_defaults) apply();
    try {
      check_output_folder();
      for (const auto& check : m_checks) check();
    } catch (const std::exception& e) {
      fmt::print(stderr, "{}: error: {}\n", m_name, e.what());
      return 2;
    }
    setup_threads();
    if (m_print_threads) {
      fmt::print("openmp_max_threads {}\nfftw_threads {}\n", openmp_max_threads(),
                 fft_options().threads);
      return 0;
    }
    const auto failed = [&](const char* kind, const char* what, int status) {
      fmt::print(stderr, "{}: {}: {}\n", m_name, kind, what);
      remove_created_folder();
      return status;
    };
    try {
      create_output_folder();
      // The `<file>.tmp.<pid>.<n>` files a killed run left (vmse_liouville writes under runs/).
      if (const auto removed = io::remove_stale_temporaries(m_out, /*recursive=*/true))
        fmt::print("{}: removed {} temporary file(s) a killed run left in {}\n", m_name, removed,
                   m_out.string());
      m_summary.parameter("quick", m_quick);
      m_summary.parameter("threads", m_threads);
      m_summary.parameter("fft_rigor", rigor_name(m_fft_rigor));
      const FftWisdomKeeper wisdom(*this);
      m_summary.parameter("build_type", WAVEKIN_BUILD_TYPE);
      body(*this);
      m_summary.set("resumed", m_resumed);
      // What --threads did: the OS threads of the process after the body (the worker pools of
      // OpenMP and FFTW persist), checked by tests/examples/test_driver_threads.cpp.
      m_summary.set("os_threads_after_run", os_thread_count());
      m_summary.write(output("summary.json"));
      fmt::print("{}: wrote {}\n", m_name, output("summary.json").string());
    } catch (const wavekin::error& e) {
      return failed("error", e.what(), 2);
    } catch (const std::bad_alloc&) {
      return failed("error", "out of memory (std::bad_alloc)", 1);
    } catch (const std::exception& e) {
      return failed("unexpected error", e.what(), 1);
    }
    return m_no_plot ? 0 : plot();
  }

 private:
  static const char* rigor_name(FftRigor rigor) {
    return rigor == FftRigor::estimate ? "estimate" : rigor == FftRigor::measure ? "measure" : "patient";
  }

  // FFT plans (io/fft_wisdom_file.hpp): a rerun over a folder imports the plans the earlier run
  // made, so a resumed run continues bit for bit; every new plan is saved as soon as it is made.
  // A damaged file is reported, removed, and the plans are made afresh.
  class FftWisdomKeeper {
   public:
    explicit FftWisdomKeeper(Driver& driver) {
      const auto file = driver.output("fft_wisdom.txt");
      bool imported = false;
      try {
        imported = io::load_fft_wisdom(file);
      } catch (const io_error& e) {
        fmt::print(stderr, "{}: {}; making the plans afresh\n", driver.m_name, e.what());
        std::error_code ec;
        std::filesystem::remove(file, ec);
      }
      driver.m_summary.set("fft_wisdom", {{"file", "fft_wisdom.txt"}, {"imported", imported}});
      io::keep_fft_wisdom_saved(file);
    }
    ~FftWisdomKeeper() { io::stop_saving_fft_wisdom(); }
    FftWisdomKeeper(const FftWisdomKeeper&) = delete;
    FftWisdomKeeper& operator=(const FftWisdomKeeper&) = delete;
  };

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

  // --out names a folder, or a path whose nearest existing ancestor is a writable folder.
  void check_output_folder() const {
    namespace fs = std::filesystem;
    require(!m_out.empty(), "--out is empty: give an output folder");
    std::error_code ec;
    const fs::path out = fs::absolute(m_out, ec).lexically_normal();
    require(!ec, "--out '{}': {}", m_out.string(), ec.message());
    fs::path existing = out;
    while (!fs::exists(existing, ec) && existing.has_relative_path())
      existing = existing.parent_path();
    require(fs::is_directory(existing, ec), "--out '{}': '{}' exists and is not a folder",
            m_out.string(), existing.string());
    require(::access(existing.c_str(), W_OK | X_OK) == 0, "--out '{}': the folder '{}' is not writable",
            m_out.string(), existing.string());
  }

  // Creates --out, remembering the outermost folder this run created (removed on failure).
  void create_output_folder() {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path outermost;
    for (fs::path p = fs::absolute(m_out).lexically_normal(); !fs::exists(p, ec) && p.has_relative_path();
         p = p.parent_path())
      outermost = p;
    fs::create_directories(m_out, ec);
    require<io_error>(!ec, "--out '{}': cannot create the folder: {}", m_out.string(), ec.message());
    m_created = outermost;
  }

  void remove_created_folder() noexcept {
    if (m_created.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(m_created, ec);
    if (!ec)
      fmt::print(stderr, "{}: removed {} (created by this run, which failed)\n", m_name,
                 m_created.string());
    m_created.clear();
  }

  // Finds a python3 that has matplotlib: $WAVEKIN_PYTHON, Debian's
  // /usr/bin/python3 (where python3-matplotlib installs), then python3 on PATH.
  static std::optional<std::string> python_with_matplotlib() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("WAVEKIN_PYTHON")) candidates.emplace_back(env);
    candidates.emplace_back("/usr/bin/python3");
    candidates.emplace_back("python3");
    for (const auto& python : candidates)
      if (run_child({python, "-c", "import matplotlib, numpy"}, ChildOutput::discard) == 0)
        return python;
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
    std::fflush(stdout);  // keep our lines before the script's in a pipe
    if (run_child({*python, script.string(), m_out.string()}) != 0) {
      fmt::print(stderr, "{}: error: plot script {} failed\n", m_name, script.string());
      return 3;
    }
    return 0;
  }

  std::string m_name;
  CLI::App m_app;
  io::Summary m_summary;
  std::filesystem::path m_out;
  std::filesystem::path m_created;  // the outermost folder this run created, if any
  bool m_quick = false;
  bool m_print_threads = false;
  bool m_no_plot = false;
  int m_threads = 1;
  FftRigor m_fft_rigor = FftRigor::measure;
  std::vector<std::function<void()>> m_quick_defaults;
  std::vector<std::function<void()>> m_checks;
  nlohmann::json m_resumed = nlohmann::json::array();
};

}  // namespace wavekin::examples
