// wavekin/coherence/detail/energy_interval_index.hpp — which of many energy intervals [lo_i, hi_i)
// contain a level E: the simplices an energy shell δ(E − E_m(q)) can cross.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "wavekin/core/error.hpp"

namespace wavekin::detail {

// A stabbing index over half-open intervals [lo_i, hi_i), i = 0 … count − 1: candidates(E) is a
// list of ids, ascending, that holds every i with lo_i ≤ E < hi_i (and possibly some others).
// The energy-shell quadrature uses it so that a level E visits only the simplices whose energy
// range can contain E (P1 (4.15), (C.3): the δ-shell crosses O(N^{d−1}) of the O(N^d) simplices).
//
// Buckets: [E_min, E_max) is cut into K equal bins of width about the mean interval length
// (K ≤ the number of intervals), and each interval is listed in every bin it meets, so the lists
// hold at most about 3× the intervals and a level's bin holds the intervals that meet it. Ids are
// appended in increasing order, so each list is ascending: a caller that visits the candidates in
// list order visits the contributing intervals in the order of a full scan, and sums exactly what
// a full scan sums. Empty intervals (hi_i ≤ lo_i) and those marked `skip` are never listed.
template <class Scalar>
class EnergyIntervalIndex {
 public:
  using Id = std::uint32_t;

  EnergyIntervalIndex() = default;

  // lo, hi: one entry per interval; skip(i) true leaves interval i out.
  template <class Skip>
  EnergyIntervalIndex(const std::vector<Scalar>& lo, const std::vector<Scalar>& hi, Skip&& skip) {
    require(lo.size() == hi.size(), "EnergyIntervalIndex: {} lower and {} upper ends", lo.size(),
            hi.size());
    require(lo.size() < std::numeric_limits<Id>::max(),
            "EnergyIntervalIndex: {} intervals exceed the id range", lo.size());
    std::vector<Id> kept;
    double length = 0;
    for (std::size_t i = 0; i < lo.size(); ++i) {
      if (skip(i) || !(lo[i] < hi[i])) continue;
      kept.push_back(static_cast<Id>(i));
      length += static_cast<double>(hi[i]) - static_cast<double>(lo[i]);
      m_min = std::min(m_min, static_cast<double>(lo[i]));
      m_max = std::max(m_max, static_cast<double>(hi[i]));
    }
    if (kept.empty()) return;
    const double mean = length / static_cast<double>(kept.size());
    const double bins =
        std::clamp(std::ceil((m_max - m_min) / mean), 1.0, static_cast<double>(kept.size()));
    m_bins = static_cast<std::size_t>(bins);
    m_scale = static_cast<double>(m_bins) / (m_max - m_min);
    // Two passes: count the entries of each bin, then fill them (ids ascending within a bin).
    m_start.assign(m_bins + 1, 0);
    for (const Id i : kept)
      for (std::size_t b = bin(lo[i]), last = bin(hi[i]); b <= last; ++b) ++m_start[b + 1];
    for (std::size_t b = 0; b < m_bins; ++b) m_start[b + 1] += m_start[b];
    m_ids.resize(m_start[m_bins]);
    std::vector<std::size_t> next(m_start.begin(), m_start.end() - 1);
    for (const Id i : kept)
      for (std::size_t b = bin(lo[i]), last = bin(hi[i]); b <= last; ++b) m_ids[next[b]++] = i;
  }

  // The ids of the intervals that may contain E, ascending; empty outside [E_min, E_max).
  [[nodiscard]] std::span<const Id> candidates(Scalar energy) const {
    const auto e = static_cast<double>(energy);
    if (m_bins == 0 || !(m_min <= e && e < m_max)) return {};
    const std::size_t b = bin(energy);
    return {m_ids.data() + m_start[b], m_start[b + 1] - m_start[b]};
  }

  // Number of entries over all bins (each interval counted once per bin it meets).
  [[nodiscard]] std::size_t entry_count() const noexcept { return m_ids.size(); }

 private:
  // The bin of a level: monotone in E (a correctly rounded difference and product, then floor),
  // so lo ≤ E < hi puts E's bin between those of lo and hi.
  [[nodiscard]] std::size_t bin(Scalar energy) const {
    const double x = std::floor((static_cast<double>(energy) - m_min) * m_scale);
    return static_cast<std::size_t>(std::clamp(x, 0.0, static_cast<double>(m_bins - 1)));
  }

  double m_min = std::numeric_limits<double>::infinity();
  double m_max = -std::numeric_limits<double>::infinity();
  double m_scale = 0;
  std::size_t m_bins = 0;
  std::vector<std::size_t> m_start;  // bin b holds m_ids[m_start[b] … m_start[b + 1])
  std::vector<Id> m_ids;
};

}  // namespace wavekin::detail
