// wavekin/coherence/from_bloch.hpp — the one bridge from Bloch states to the coherence module:
// band data (E, D), collision bands (E, A) and the graphene valley data, all in the states' gauge.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/bloch/time_reversal.hpp"
#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/collision_bands.hpp"
#include "wavekin/coherence/graphene_valleys.hpp"
#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/zone_grid.hpp"

namespace wavekin {

/// \brief BandData from Bloch states (one per point, already in one gauge, e.g. a BandTable's),
/// for the bands listed: E from the states, D_i from interband_D (docs/conventions.md §7).
/// \pre states non-empty; every band index valid for every state.
template <int Dim, RealScalar Scalar>
BandData<Dim, Scalar> band_data_from_states(const std::vector<BlochState<Dim, Scalar>>& states,
                                            const std::vector<Eigen::Index>& bands) {
  require(!states.empty(), "band_data_from_states: no Bloch states given");
  BandData<Dim, Scalar> data(static_cast<Eigen::Index>(bands.size()));
  for (const auto& state : states) {
    typename BandData<Dim, Scalar>::RealVector e(static_cast<Eigen::Index>(bands.size()));
    for (std::size_t m = 0; m < bands.size(); ++m) {
      detail::check_band(state, bands[m], "band_data_from_states");
      e[static_cast<Eigen::Index>(m)] = state.energies[bands[m]];
    }
    data.add(state.k, e, interband_D(state, bands));
  }
  return data;
}

/// \brief BandData at every point of a BandTable (its gauge, its point order — for a grid the
/// order of ZoneGrid), for the bands listed.
template <int Dim, RealScalar Scalar>
BandData<Dim, Scalar> band_data_from_table(const BandTable<Dim, Scalar>& table,
                                           const std::vector<Eigen::Index>& bands) {
  std::vector<BlochState<Dim, Scalar>> states;
  states.reserve(static_cast<std::size_t>(table.size()));
  for (Eigen::Index i = 0; i < table.size(); ++i) states.push_back(table.state(i));
  return band_data_from_states(states, bands);
}

namespace detail {

// The overlaps A(p, q − μ) of collision_bands_from_states, without building shifted bases: every
// state's coefficients of the chosen bands sit in a dense table over the common box of plane-wave
// labels, so A_jm = Σ_{G ∈ basis(p)} c^j_G(p) conj(c^m_{G−μ}(q)) is index arithmetic (about 8×
// faster assembly than relabel + overlap_A, which rebuild q's basis and its label map each call).
// A table of more than `max_table_entries` (states × box; 2^25 by default, 128 MiB, reached only
// by large 3-D grids) is not built: q's own label map (PlaneWaveBasis::index_of) is used instead.
// The data are shared between copies (CollisionBands is copied freely).
template <int Dim>
class LabelTableOverlap : public OverlapEntries<Dim> {
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
    return matrix(p, q, mu);
  }

  [[nodiscard]] Eigen::MatrixXcd matrix(Eigen::Index p, Eigen::Index q,
                                        const LatticeIndex<Dim>& mu) const override {
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
                                           Eigen::Index m) const override {
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

/// \brief CollisionBands from Bloch states at the vertices (grid order, or the support's order
/// for a patch), for the bands listed. A(p, q − μ) = overlap_A(state_p, relabel(state_q, −μ)),
/// the relabelling c^m_G(q − μ) = c^m_{G−μ}(q) (exact, phase included); plane waves of state_p
/// missing from the shifted basis of q count as zero. Evaluated from dense label tables (memory:
/// states × the box of labels, a few hundred entries each). The collisions are pointwise in p
/// and q, so any gauge will do, as long as the field's σ is written in the same states.
/// \pre one state per vertex (ΠN_l, or support.size()); bands valid for every state.
template <int Dim>
CollisionBands<Dim> collision_bands_from_states(const ZoneGrid<Dim>& grid,
                                                const std::vector<BlochState<Dim, double>>& states,
                                                const std::vector<Eigen::Index>& bands) {
  require(!bands.empty(), "collision_bands_from_states: no bands given");
  require(!states.empty(), "collision_bands_from_states: no Bloch states given");
  Eigen::MatrixXd e(static_cast<Eigen::Index>(states.size()),
                    static_cast<Eigen::Index>(bands.size()));
  for (std::size_t v = 0; v < states.size(); ++v)
    for (std::size_t m = 0; m < bands.size(); ++m) {
      detail::check_band(states[v], bands[m], "collision_bands_from_states");
      e(static_cast<Eigen::Index>(v), static_cast<Eigen::Index>(m)) = states[v].energies[bands[m]];
    }
  require(static_cast<Eigen::Index>(states.size()) == grid.size(),
          "collision_bands_from_states: {} Bloch states for {} zone-grid vertices", states.size(),
          grid.size());
  return CollisionBands<Dim>{
      grid, e,
      detail::EntryOverlap<Dim>(std::make_shared<detail::LabelTableOverlap<Dim>>(states, bands))};
}

/// \brief CollisionBands of a BandTable grid (its gauge: ParallelTransportGauge unless the table
/// was built with another), for the bands listed; see collision_bands_from_states.
/// \pre table is a grid; bands valid.
template <int Dim>
CollisionBands<Dim> collision_bands_from_table(const Lattice<Dim, double>& lattice,
                                               const BandTable<Dim, double>& table,
                                               const std::vector<Eigen::Index>& bands) {
  require(table.is_grid(), "collision_bands_from_table: the table is a path, not a grid");
  std::vector<BlochState<Dim, double>> states;
  states.reserve(static_cast<std::size_t>(table.size()));
  for (Eigen::Index i = 0; i < table.size(); ++i) states.push_back(table.state(i));
  return collision_bands_from_states<Dim>(ZoneGrid<Dim>(lattice, table.grid_shape()), states,
                                          bands);
}

/// \brief The PacketOverlaps of a wave packet Σ_m a_m(x) Ψ_m(x/ε, p₀), m in `packet_bands`, on
/// the momentum points of `states` (one Bloch state per point, in the gauge σ is to be written
/// in), for CoherenceField::set_wave_packet (P1 (3.8) at finite ε, docs/conventions.md §12): for
/// each state at p, the translate p̃ = p − ν (ν ∈ Λ*) nearest p₀ (ZoneGrid::displacement), the
/// state there by relabelling (relabel, docs/conventions.md §6: exact, phase included), and
/// A_mj(p₀, p̃) = Σ_G c^m_G(p₀) conj c^j_G(p̃) for m in `packet_bands` and j in `bands`
/// (overlap_A's convention, by integer label; plane waves missing from one basis count as zero).
/// \pre states non-empty, on state_p0's lattice; packet_bands non-empty and valid for state_p0;
///      bands valid for every state.
template <int Dim, RealScalar Scalar>
PacketOverlaps<Dim, Scalar> packet_overlaps(const BlochState<Dim, Scalar>& state_p0,
                                            const std::vector<Eigen::Index>& packet_bands,
                                            const std::vector<BlochState<Dim, Scalar>>& states,
                                            const std::vector<Eigen::Index>& bands) {
  using ComplexMatrix = Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;
  require(!states.empty(), "packet_overlaps: no Bloch states given");
  require(!bands.empty(), "packet_overlaps: no bands given");
  require(!packet_bands.empty(), "packet_overlaps: no packet bands given");
  const auto packet_count = static_cast<Eigen::Index>(packet_bands.size());
  ComplexMatrix packet(state_p0.coefficients.rows(), packet_count);
  for (Eigen::Index m = 0; m < packet_count; ++m) {
    detail::check_band(state_p0, packet_bands[static_cast<std::size_t>(m)], "packet_overlaps");
    packet.col(m) = state_p0.coefficients.col(packet_bands[static_cast<std::size_t>(m)]);
  }
  const auto& lattice = state_p0.basis.lattice();
  std::array<Eigen::Index, Dim> one;
  one.fill(1);
  const ZoneGrid<Dim, Scalar> zone(lattice, one);  // only for its nearest-translate rule
  PacketOverlaps<Dim, Scalar> out;
  out.overlaps.assign(packet_bands.size(),
                      ComplexMatrix(static_cast<Eigen::Index>(bands.size()),
                                    static_cast<Eigen::Index>(states.size())));
  for (std::size_t q = 0; q < states.size(); ++q) {
    const auto& state = states[q];
    for (const Eigen::Index j : bands) detail::check_band(state, j, "packet_overlaps");
    const auto d = zone.displacement(state.k, state_p0.k);  // p − p₀', p₀' nearest p
    const auto theta = lattice.dual_coordinates(state.k - state_p0.k - d);
    LatticeIndex<Dim> nu;
    for (int l = 0; l < Dim; ++l) nu[l] = static_cast<std::int64_t>(std::llround(theta[l]));
    const auto shifted = relabel(state, LatticeIndex<Dim>(-nu));
    const ComplexMatrix on_shifted = map_coefficients(state_p0.basis, packet, shifted.basis);
    for (Eigen::Index m = 0; m < packet_count; ++m)
      for (std::size_t j = 0; j < bands.size(); ++j)
        out.overlaps[static_cast<std::size_t>(m)](static_cast<Eigen::Index>(j),
                                                  static_cast<Eigen::Index>(q)) =
            shifted.coefficients.col(bands[j]).dot(on_shifted.col(m));
    out.displacements.push_back(d);
  }
  return out;
}

/// \brief packet_overlaps of a one-band packet a(x) Ψ_m(x/ε, p₀).
template <int Dim, RealScalar Scalar>
PacketOverlaps<Dim, Scalar> packet_overlaps(const BlochState<Dim, Scalar>& state_p0,
                                            Eigen::Index m,
                                            const std::vector<BlochState<Dim, Scalar>>& states,
                                            const std::vector<Eigen::Index>& bands) {
  return packet_overlaps(state_p0, std::vector<Eigen::Index>{m}, states, bands);
}

/// \brief The ValleyBands of P1 (5.3)–(5.4) from a Bloch state at a Dirac point K: bands
/// `lower_band`, `lower_band + 1` as the solver returned them, K' = −K in the time-reversed gauge
/// (time_reversed), D_i from interband_D, and A_jm(p_v, p_u − μ) = overlap_A(state_v,
/// relabel(state_u, −μ)) restricted to the two bands.
/// \pre K finite and non-zero; the state holds bands lower_band and lower_band + 1, degenerate
///      at K (|E_2 − E_1| ≤ 1e-6·max(1, |E|); invalid_argument otherwise).
inline ValleyBands valley_bands_from_state(const BlochState<2, double>& state_k,
                                           Eigen::Index lower_band) {
  require(state_k.k.allFinite() && state_k.k.norm() > 0,
          "valley_bands_from_state: K = ({}, {}) must be finite and non-zero", state_k.k[0],
          state_k.k[1]);
  require(lower_band >= 0 && lower_band + 1 < state_k.band_count(),
          "valley_bands_from_state: lower_band = {} needs bands {} and {} of a state with {}",
          lower_band, lower_band, lower_band + 1, state_k.band_count());
  const double e1 = state_k.energies[lower_band];
  const double e2 = state_k.energies[lower_band + 1];
  require(std::abs(e2 - e1) <= 1e-6 * std::max(1.0, std::abs(e1)),
          "valley_bands_from_state: bands {} and {} do not meet at K (E = {}, {})", lower_band,
          lower_band + 1, e1, e2);
  auto states = std::make_shared<const std::array<BlochState<2, double>, 2>>(
      std::array<BlochState<2, double>, 2>{state_k, time_reversed(state_k)});
  const std::vector<Eigen::Index> pair{lower_band, lower_band + 1};
  BandData<2> bands(2);
  for (const auto& s : *states)
    bands.add(s.k, Eigen::Vector2d(s.energies[lower_band], s.energies[lower_band + 1]),
              interband_D(s, pair));
  auto overlap = [states, lower_band](int v, int u, const LatticeIndex<2>& mu) {
    const auto& sv = (*states)[static_cast<std::size_t>(v)];
    const auto& su = (*states)[static_cast<std::size_t>(u)];
    const Eigen::MatrixXcd full = overlap_A(sv, relabel(su, LatticeIndex<2>(-mu)));
    return Eigen::Matrix2cd(full.block(lower_band, lower_band, 2, 2));
  };
  return ValleyBands{state_k.basis.lattice(), std::move(bands), overlap};
}

}  // namespace wavekin
