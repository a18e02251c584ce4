// benchmarks/bench_support.hpp — what the benchmark programs share: the thread's CPU clock and
// the mean CPU time of a call.
// SPDX-License-Identifier: MIT
#pragma once

#include <ctime>

namespace wavekin::bench {

/// \brief CPU seconds of this thread: steadier than wall time on a shared machine.
inline double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// \brief Mean CPU seconds of one call of `fn`, called until `min_seconds` have passed (at least
/// once, at most `max_calls` times).
template <class Fn>
double seconds_per_call(Fn&& fn, double min_seconds = 0.2, long max_calls = 1000000) {
  long calls = 0;
  const double start = thread_seconds();
  double elapsed = 0;
  do {
    fn();
    ++calls;
    elapsed = thread_seconds() - start;
  } while (elapsed < min_seconds && calls < max_calls);
  return elapsed / static_cast<double>(calls);
}

}  // namespace wavekin::bench
