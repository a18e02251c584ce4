// The heap use of a test executable: allocation_meter.cpp replaces the global (unaligned)
// operator new/delete family with a malloc that records each block's size, so a test can measure
// the peak of live bytes a call requests (AllocationPeak). Link allocation_meter.cpp once.
// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstddef>

namespace wavekin::test {

/// Bytes currently allocated through operator new, and the most there have been since the last
/// AllocationPeak began.
inline std::atomic<long long> live_bytes{0};
inline std::atomic<long long> peak_live_bytes{0};

/// \brief The peak of live heap bytes (operator new) between construction and bytes(), above
/// what was live at construction: what a call allocated at its worst moment.
/// One at a time (it resets the executable's single peak).
class AllocationPeak {
 public:
  AllocationPeak() : m_base(live_bytes.load()) { peak_live_bytes.store(m_base); }
  [[nodiscard]] long long bytes() const { return peak_live_bytes.load() - m_base; }

 private:
  long long m_base;
};

}  // namespace wavekin::test
