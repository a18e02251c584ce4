// wavekin/io/progress.hpp — a one-line progress display with rate and ETA for long loops.
// SPDX-License-Identifier: MIT
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <limits>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace wavekin::io {

/// \brief Whether a ProgressReporter prints.
enum class Display {
  /// Only to std::cerr, and only when stderr is a terminal: a redrawn line
  /// is noise in a log file or a batch job's output.
  automatic,
  /// Always (tests, or a log that should show progress anyway).
  always,
  /// Never; the counts, rate() and eta_seconds() still work.
  never,
};

namespace detail {

// "4 s", "2 m 5 s", "1 h 3 m": seconds-level detail only while it matters.
inline std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<std::uint64_t>(std::llround(seconds));
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} m {} s", s / 60, s % 60);
  return fmt::format("{} h {} m", s / 3600, (s % 3600) / 60);
}

}  // namespace detail

/// \brief Reports the progress of a loop of `total` steps on one line:
/// `label: 45/100 (45.0 %) 12.3 it/s, ETA 4 s`.
///
/// The line is drawn at construction, redrawn in place ('\r') at most every
/// 0.25 s by advance(), and drawn a last time, with the elapsed time and a
/// newline, by finish() (or the destructor). advance() may be called from
/// several threads at once (OpenMP loops): counting is an atomic add, and a
/// thread draws only if no other thread is drawing.
///
/// A resumed run passes the steps finished before the restart as
/// `already_done`: they count towards the displayed total but not towards
/// rate() and eta_seconds(), which measure this process only.
class ProgressReporter {
 public:
  /// \brief A reporter for a fresh run.
  ProgressReporter(std::size_t total, std::string label, std::ostream& out = std::cerr,
                   Display display = Display::automatic)
      : ProgressReporter(total, std::move(label), out, display, 0) {}

  /// \brief A reporter for a run resumed with `already_done` of `total` steps finished.
  ProgressReporter(std::size_t total, std::string label, std::ostream& out, Display display,
                   std::size_t already_done)
      : m_total(total),
        m_label(std::move(label)),
        m_out(out),
        m_enabled(
            display == Display::always ||
            (display == Display::automatic && &out == &std::cerr && ::isatty(STDERR_FILENO) == 1)),
        m_already_done(already_done),
        m_done(already_done),
        m_start(clock::now()) {
    if (m_enabled) {
      const std::lock_guard lock(m_draw_mutex);
      draw(elapsed_ticks(), false);
    }
  }

  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  /// \brief Calls finish() if it was not called; never throws.
  ~ProgressReporter() {
    try {
      finish();
    } catch (...) {
    }
  }

  /// \brief Records `n` more finished steps; redraws if 0.25 s have passed. Thread-safe.
  void advance(std::size_t n = 1) {
    m_done.fetch_add(n, std::memory_order_relaxed);
    if (!m_enabled) return;
    const auto now = elapsed_ticks();
    if (now < m_next_draw.load(std::memory_order_relaxed)) return;
    // Another thread drawing right now will show this step soon enough.
    std::unique_lock lock(m_draw_mutex, std::try_to_lock);
    if (!lock.owns_lock() || m_finished) return;
    draw(now, false);
    m_next_draw.store(now + redraw_interval, std::memory_order_relaxed);
  }

  /// \brief Stops the clock and draws the final line with a newline. Later
  /// calls do nothing.
  void finish() {
    const std::lock_guard lock(m_draw_mutex);
    if (m_finished) return;
    m_finish_ticks.store(elapsed_ticks(), std::memory_order_relaxed);
    m_finished = true;
    if (m_enabled) draw(m_finish_ticks.load(std::memory_order_relaxed), true);
  }

  /// \brief Steps finished per second in this process (0 before any).
  [[nodiscard]] double rate() const {
    const auto done = m_done.load(std::memory_order_relaxed);
    return rate_at(done, clock_ticks());
  }

  /// \brief Seconds until `total` at the current rate: 0 when done, infinity
  /// while the rate is still 0.
  [[nodiscard]] double eta_seconds() const {
    const auto done = m_done.load(std::memory_order_relaxed);
    return eta_at(done, rate_at(done, clock_ticks()));
  }

  /// \brief Steps finished, including those of an earlier run.
  [[nodiscard]] std::size_t done() const noexcept { return m_done.load(std::memory_order_relaxed); }
  /// \brief The number of steps the loop has.
  [[nodiscard]] std::size_t total() const noexcept { return m_total; }
  /// \brief Whether this reporter prints (see Display).
  [[nodiscard]] bool enabled() const noexcept { return m_enabled; }

 private:
  using clock = std::chrono::steady_clock;
  using ticks = std::int64_t;  // nanoseconds since construction
  static constexpr ticks redraw_interval = 250'000'000;
  static constexpr ticks not_finished = -1;

  ticks elapsed_ticks() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - m_start).count();
  }

  // The clock stops at finish(), so rate() reads the same afterwards.
  ticks clock_ticks() const {
    const auto finished = m_finish_ticks.load(std::memory_order_relaxed);
    return finished != not_finished ? finished : elapsed_ticks();
  }

  double rate_at(std::size_t done, ticks now) const {
    const std::size_t work = done > m_already_done ? done - m_already_done : 0;
    if (work == 0 || now <= 0) return 0.0;
    return static_cast<double>(work) / (static_cast<double>(now) * 1e-9);
  }

  double eta_at(std::size_t done, double rate) const {
    if (done >= m_total) return 0.0;
    if (rate <= 0) return std::numeric_limits<double>::infinity();
    return static_cast<double>(m_total - done) / rate;
  }

  // Called with m_draw_mutex held.
  void draw(ticks now, bool final) {
    const auto done = m_done.load(std::memory_order_relaxed);
    const double rate = rate_at(done, now);
    const double percent = m_total == 0 ? 100.0
                                        : 100.0 * static_cast<double>(std::min(done, m_total)) /
                                              static_cast<double>(m_total);
    // Slow loops read better as seconds per step than as 0.0 it/s.
    const std::string speed = rate > 0 && rate < 1 ? fmt::format("{:.1f} s/it", 1 / rate)
                                                   : fmt::format("{:.1f} it/s", rate);
    std::string line =
        fmt::format("{}: {}/{} ({:.1f} %) {}, ", m_label, done, m_total, percent, speed);
    line += final ? "done in " + detail::format_duration(static_cast<double>(now) * 1e-9)
                  : "ETA " + detail::format_duration(eta_at(done, rate));
    const std::size_t length = line.size();
    // Blank out the tail of a longer previous line.
    if (length < m_last_length) line.append(m_last_length - length, ' ');
    m_last_length = length;
    m_out << '\r' << line;
    if (final) m_out << '\n';
    m_out.flush();
  }

  const std::size_t m_total;
  const std::string m_label;
  std::ostream& m_out;
  const bool m_enabled;
  const std::size_t m_already_done;
  std::atomic<std::size_t> m_done;
  const clock::time_point m_start;
  std::atomic<ticks> m_next_draw{redraw_interval};
  std::atomic<ticks> m_finish_ticks{not_finished};
  std::mutex m_draw_mutex;
  bool m_finished = false;  // guarded by m_draw_mutex
  std::size_t m_last_length = 0;
};

}  // namespace wavekin::io
