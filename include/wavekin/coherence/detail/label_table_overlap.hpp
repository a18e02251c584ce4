// wavekin/coherence/detail/label_table_overlap.hpp — the overlaps A(p, q − μ) of Bloch states on
// a zone grid (P1 (4.15), (C.3)) from dense tables of plane-wave labels. SPDX-License-Identifier:
// MIT
#pragma once

#include <algorithm>
#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

namespace detail {

// The overlaps A(p, q − μ) of collision_bands_from_states, without building shifted bases: every
// state's coefficients of the chosen bands sit in a dense table over the common box of plane-wave
// labels, so A_jm = Σ_{G ∈ basis(p)} c^j_G(p) conj(c^m_{G−μ}(q)) is index arithmetic (about 8×
// faster assembly than relabel + overlap_A, which rebuild q's basis and its label map each call).
// A table of more than `max_table_entries` (states × box; 2^25 by default, 128 MiB, reached only
// by large 3-D grids) is not built: q's own label map (PlaneWaveBasis::index_of) is used instead.
// The data are shared between copies (CollisionBands is copied freely).
template <int Dim>
class LabelTableOverlap {
 public:
  static constexpr std::size_t default_max_table_entries = std::size_t(1) << 25;

  LabelTableOverlap(const std::vector<BlochState<Dim, double>>& states,
                    const std::vector<Eigen::Index>& bands,
                    std::size_t max_table_entries = default_max_table_entries) {
    auto data = std::make_shared<Data>();
    data->bands = static_cast<Eigen::Index>(bands.size());
    data->low.fill(std::numeric_limits<std::int64_t>::max());
    std::array<std::int64_t, Dim> high;
    high.fill(std::numeric_limits<std::int64_t>::min());
    for (const auto& state : states)
      for (const auto& label : state.basis.labels())
        for (int l = 0; l < Dim; ++l) {
          data->low[static_cast<std::size_t>(l)] =
              std::min<std::int64_t>(data->low[static_cast<std::size_t>(l)], label[l]);
          high[static_cast<std::size_t>(l)] =
              std::max<std::int64_t>(high[static_cast<std::size_t>(l)], label[l]);
        }
    double entries = static_cast<double>(states.size());
    data->cells = 1;
    for (int l = 0; l < Dim; ++l) {
      data->extent[static_cast<std::size_t>(l)] =
          high[static_cast<std::size_t>(l)] - data->low[static_cast<std::size_t>(l)] + 1;
      data->cells *= data->extent[static_cast<std::size_t>(l)];
      entries *= static_cast<double>(data->extent[static_cast<std::size_t>(l)]);
    }
    data->dense = entries <= static_cast<double>(max_table_entries);
    if (data->dense) data->row.assign(states.size() * static_cast<std::size_t>(data->cells), -1);
    for (std::size_t v = 0; v < states.size(); ++v) {
      const auto& state = states[v];
      data->labels.emplace_back(state.basis.labels());
      Eigen::MatrixXcd c(state.coefficients.rows(), data->bands);
      for (Eigen::Index m = 0; m < data->bands; ++m)
        c.col(m) = state.coefficients.col(bands[static_cast<std::size_t>(m)]);
      data->coefficients.push_back(std::move(c));
      if (data->dense) {
        for (std::size_t i = 0; i < data->labels.back().size(); ++i)
          data->row[v * static_cast<std::size_t>(data->cells) +
                    static_cast<std::size_t>(data->cell(data->labels.back()[i]))] =
              static_cast<std::int32_t>(i);
      } else {
        data->bases.push_back(state.basis);
      }
    }
    m_data = std::move(data);
  }

  /// Whether the dense label table was built (false: the bases' label maps are used).
  [[nodiscard]] bool dense() const noexcept { return m_data->dense; }

  [[nodiscard]] Eigen::MatrixXcd operator()(Eigen::Index p, Eigen::Index q,
                                            const LatticeIndex<Dim>& mu) const {
    const Data& d = *m_data;
    // The rows i of p's and r of q's coefficients that pair up (G and G − μ), then one product
    // of the gathered blocks: A = C_p(i, :)ᵀ conj(C_q(r, :)).
    std::vector<Eigen::Index> rows_p, rows_q;
    rows_p.reserve(d.labels[static_cast<std::size_t>(p)].size());
    rows_q.reserve(rows_p.capacity());
    for_each_pairing(p, q, mu, [&](Eigen::Index i, Eigen::Index r) {
      rows_p.push_back(i);
      rows_q.push_back(r);
    });
    return d.coefficients[static_cast<std::size_t>(p)](rows_p, Eigen::all).transpose() *
           d.coefficients[static_cast<std::size_t>(q)](rows_q, Eigen::all).conjugate();
  }

  /// The entry (j, m) of operator()(p, q, μ) alone (what the band-diagonal (C.3) needs of a
  /// pair): one sum over the labels instead of n² of them.
  [[nodiscard]] std::complex<double> entry(Eigen::Index p, Eigen::Index q,
                                           const LatticeIndex<Dim>& mu, Eigen::Index j,
                                           Eigen::Index m) const {
    const auto& cp = m_data->coefficients[static_cast<std::size_t>(p)];
    const auto& cq = m_data->coefficients[static_cast<std::size_t>(q)];
    std::complex<double> sum = 0;
    for_each_pairing(
        p, q, mu, [&](Eigen::Index i, Eigen::Index r) { sum += cp(i, j) * std::conj(cq(r, m)); });
    return sum;
  }

 private:
  // Calls pair(i, r) for every plane wave i of p whose label G has G − μ in q's basis, at row r.
  template <class Pair>
  void for_each_pairing(Eigen::Index p, Eigen::Index q, const LatticeIndex<Dim>& mu,
                        Pair&& pair) const {
    const Data& d = *m_data;
    const auto& labels = d.labels[static_cast<std::size_t>(p)];
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const LatticeIndex<Dim> shifted = labels[i] - mu;
      Eigen::Index r = -1;
      if (d.dense) {
        const std::int64_t c = d.cell(shifted);
        if (c >= 0)
          r = d.row[static_cast<std::size_t>(q) * static_cast<std::size_t>(d.cells) +
                    static_cast<std::size_t>(c)];
      } else {
        r = d.bases[static_cast<std::size_t>(q)].index_of(shifted);
      }
      if (r >= 0) pair(static_cast<Eigen::Index>(i), r);
    }
  }

  struct Data {
    // Position of a label in the box, or −1 outside it.
    [[nodiscard]] std::int64_t cell(const LatticeIndex<Dim>& label) const {
      std::int64_t flat = 0, stride = 1;
      for (int l = 0; l < Dim; ++l) {
        const std::int64_t offset = label[l] - low[static_cast<std::size_t>(l)];
        if (offset < 0 || offset >= extent[static_cast<std::size_t>(l)]) return -1;
        flat += offset * stride;
        stride *= extent[static_cast<std::size_t>(l)];
      }
      return flat;
    }

    Eigen::Index bands = 0;
    std::array<std::int64_t, Dim> low{}, extent{};
    std::int64_t cells = 0;
    bool dense = true;
    std::vector<std::vector<LatticeIndex<Dim>>> labels;
    std::vector<Eigen::MatrixXcd> coefficients;
    std::vector<std::int32_t> row;                   // dense: state × box → row, −1 if absent
    std::vector<PlaneWaveBasis<Dim, double>> bases;  // otherwise
  };

  std::shared_ptr<const Data> m_data;
};

}  // namespace detail

}  // namespace wavekin
