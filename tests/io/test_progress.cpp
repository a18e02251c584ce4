// Tests for wavekin/io/progress.hpp: the drawn line, display modes, rate and
// ETA (including resumed runs), duration formatting and concurrent advance().
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "wavekin/io/progress.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_progress {

using namespace wavekin::test::matchers;
using wavekin::io::Display;
using wavekin::io::ProgressReporter;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

}  // namespace

TEST_CASE("Display::always draws counts, percentage, rate and ETA, then a final line") {
  std::ostringstream out;
  ProgressReporter progress(100, "sweep", out, Display::always);
  CHECK(progress.enabled());
  CHECK_THAT(out.str(), Contains("sweep: 0/100 (0.0 %)"));  // drawn at construction

  progress.advance(10);
  // Redraws happen at most every 0.25 s: sleeping past that makes the next
  // advance() draw.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  progress.advance(35);
  const std::string mid = out.str();
  CHECK_THAT(mid,
             Contains("\rsweep: 45/100 (45.0 %) ") && Contains(" it/s, ETA ") && EndsWith(" s"));

  progress.advance(55);
  progress.finish();
  const std::string end = out.str();
  CHECK_THAT(end,
             Contains("\rsweep: 100/100 (100.0 %) ") && Contains("done in ") && EndsWith("\n"));
  progress.finish();  // idempotent: nothing more is printed
  CHECK(out.str() == end);
}

TEST_CASE("redraws are rate-limited") {
  std::ostringstream out;
  ProgressReporter progress(1000, "fast", out, Display::always);
  for (int i = 0; i < 1000; ++i) progress.advance();
  // 1000 quick steps take far less than 0.25 s: only the initial line exists.
  const std::string text = out.str();
  CHECK(std::count(text.begin(), text.end(), '\r') == 1);
}

TEST_CASE("Display::never and Display::automatic on a non-cerr stream print nothing") {
  std::ostringstream out;
  {
    ProgressReporter never(10, "quiet", out, Display::never);
    CHECK_FALSE(never.enabled());
    never.advance(10);
    never.finish();
    CHECK(never.done() == 10);
    CHECK(never.eta_seconds() == 0.0);
  }
  {
    ProgressReporter automatic(10, "auto", out);
    CHECK_FALSE(automatic.enabled());
    automatic.advance(3);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    automatic.advance(3);
  }  // the destructor finishes
  CHECK(out.str().empty());
}

TEST_CASE("rate and ETA follow the elapsed time") {
  // The reporter's clock runs from its construction to the rate() call, an
  // interval inside [sleep, seconds_since(t0)]: checking the bounds that
  // follow from those two times needs no tolerance, however loaded the machine.
  const auto t0 = clock_type::now();
  ProgressReporter progress(100, "timed", std::cout, Display::never);
  CHECK(progress.rate() == 0.0);
  CHECK(std::isinf(progress.eta_seconds()));

  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  progress.advance(50);
  const double rate = progress.rate();
  const double eta = progress.eta_seconds();
  const double elapsed = seconds_since(t0);
  CHECK(rate <= 50 / 0.050);
  CHECK(rate >= 50 / elapsed);
  // Half done, so the remaining half takes as long as the first half did.
  CHECK(eta >= 0.050);
  CHECK(eta <= elapsed);

  // After finish() the clock stops: rate() no longer changes.
  progress.finish();
  const double frozen = progress.rate();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(progress.rate() == frozen);
}

TEST_CASE("a resumed run counts only this process's work in rate and ETA") {
  std::ostringstream out;
  const auto t0 = clock_type::now();
  ProgressReporter progress(100, "resumed", out, Display::always, 40);
  CHECK_THAT(out.str(), Contains("resumed: 40/100 (40.0 %)"));
  CHECK(progress.rate() == 0.0);  // 40 steps done, but none by us
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  progress.advance(10);
  const double rate = progress.rate();
  const double eta = progress.eta_seconds();
  const double elapsed = seconds_since(t0);
  CHECK(progress.done() == 50);
  // Ten steps in [0.05 s, elapsed]; fifty remain, five times as long.
  CHECK(rate <= 10 / 0.050);
  CHECK(rate >= 10 / elapsed);
  CHECK(eta >= 5 * 0.050);
  CHECK(eta <= 5 * elapsed);
  progress.finish();
  CHECK_THAT(out.str(), Contains("resumed: 50/100 (50.0 %)"));
}

TEST_CASE("durations read as s, m s and h m") {
  using wavekin::io::detail::format_duration;
  CHECK(format_duration(0) == "0 s");
  CHECK(format_duration(4.4) == "4 s");
  CHECK(format_duration(59.4) == "59 s");
  CHECK(format_duration(125) == "2 m 5 s");
  CHECK(format_duration(3599) == "59 m 59 s");
  CHECK(format_duration(3780) == "1 h 3 m");
  CHECK(format_duration(90000) == "25 h 0 m");
  CHECK(format_duration(std::numeric_limits<double>::infinity()) == "?");
  CHECK(format_duration(std::nan("")) == "?");
}

TEST_CASE("advance() from two threads sums correctly") {
  std::ostringstream out;
  constexpr std::size_t per_thread = 200'000;
  ProgressReporter progress(2 * per_thread, "threads", out, Display::always);
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t)
    workers.emplace_back([&] {
      for (std::size_t i = 0; i < per_thread; ++i) progress.advance();
    });
  for (auto& worker : workers) worker.join();
  CHECK(progress.done() == 2 * per_thread);
  progress.finish();
  CHECK_THAT(out.str(), Contains("threads: 400000/400000 (100.0 %)"));
  CHECK(progress.eta_seconds() == 0.0);
}

}  // namespace wavekin_test_progress
