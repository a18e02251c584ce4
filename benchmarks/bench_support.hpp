// benchmarks/bench_support.hpp — what the benchmark programs share: the thread's CPU clock.
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

}  // namespace wavekin::bench
