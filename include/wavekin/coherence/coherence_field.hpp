// wavekin/coherence/coherence_field.hpp — the coherence matrix σ(x, p) ∈ ℂ^{n×n} of P1 §3 on a
// periodic x-grid times a weighted list of quasimomenta, with its observables.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cassert>
#include <array>
#include <cmath>
#include <complex>
#include <concepts>
#include <numbers>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/core/zone_grid.hpp"
#include "wavekin/coherence/band_data.hpp"

namespace wavekin {

/// \brief The Bloch overlaps that place a wave packet Σ_m a_m(x) Ψ_m(x/ε, p₀) on a field's
/// momentum points (CoherenceField::set_wave_packet): for each point p_q, the displacement
/// d_q = p̃_q − p₀ of its Λ*-translate p̃_q nearest p₀, and for each packet band m the overlaps
/// A_mj(p₀, p̃_q) = ⟨u_m(p₀), u_j(p̃_q)⟩_C = Σ_G c^m_G(p₀) conj c^j_G(p̃_q) (docs/conventions.md
/// §7) with the field's bands j, the state at p̃_q relabelled (§6). `packet_overlaps` in
/// coherence/from_bloch.hpp computes them from Bloch states.
template <int PDim, RealScalar Scalar = double>
struct PacketOverlaps {
  /// d_q = p̃_q − p₀, one per momentum point.
  std::vector<Eigen::Matrix<Scalar, PDim, 1>> displacements;
  /// One matrix per packet band m, in the order of the envelope's amplitudes a_m: A_mj(p₀, p̃_q),
  /// row j = band of the field, column q = momentum point.
  std::vector<Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>> overlaps;
};

/// \brief The coherence matrix σ_jl(t, x, p) of P1 (3.6)/(3.16), j, l = 0 … n−1, sampled on a
/// PeriodicGrid in x and at the points of a MomentumQuadrature in p (a ZoneGrid's vertices, or
/// any weighted list such as ZoneGrid::refined_near).
///
/// Layout: one contiguous x-array (the grid's row-major layout, FFTW's) per (q, j, l), blocks
/// ordered q slowest, then j, then l: entry (q, j, l, x) sits at ((q·n + j)·n + l)·N_x + x.
/// An x-array is what the integrator's FFTs want; the n × n matrix at one (q, x) is strided.
///
/// σ is NOT Hermitian (docs/conventions.md §10: P1 uses the unsymmetric Wigner transform, and σᴴ obeys the
/// left-multiplied system of Remark 3.3), and its diagonal need not stay real. It is stored fully
/// complex; nothing here symmetrises it or takes real parts, so the band populations, the
/// density and the current are complex numbers (real for data that make them so).
///
/// \tparam XDim    dimension of x
/// \tparam PDim    dimension of p (the Liouville system needs PDim = XDim)
/// \tparam Scalar  float or double
template <int XDim, int PDim = XDim, RealScalar Scalar = double>
requires(PositiveDimension<XDim>&& PositiveDimension<PDim>) class CoherenceField {
 public:
  using Grid = PeriodicGrid<XDim, Scalar>;
  using Position = typename Grid::Point;
  using Momentum = Eigen::Matrix<Scalar, PDim, 1>;
  using Quadrature = MomentumQuadrature<PDim, Scalar>;
  using complex_type = std::complex<Scalar>;
  using ComplexVector = Eigen::Matrix<complex_type, Eigen::Dynamic, 1>;
  using ComplexMatrix = Eigen::Matrix<complex_type, Eigen::Dynamic, Eigen::Dynamic>;
  static constexpr int x_dimension = XDim;
  static constexpr int p_dimension = PDim;

  /// \brief σ ≡ 0 at t = 0.
  /// \pre band_count >= 1; quadrature non-empty, as many weights as points, points finite,
  ///      weights finite and >= 0 (invalid_argument otherwise, naming the entry).
  /// \brief σ ≡ 0 on the vertices of a zone grid (or of its patch), weights |B| / ΠN_l.
  /// \pre band_count >= 1.
  template <class Zone>
    requires std::same_as<Zone, ZoneGrid<PDim, Scalar>>
  CoherenceField(const Grid& grid, const Zone& zone, Eigen::Index band_count)
      : CoherenceField(grid, zone.quadrature(), band_count) {}

  CoherenceField(const Grid& grid, Quadrature quadrature, Eigen::Index band_count)
      : m_grid(grid), m_quadrature(std::move(quadrature)), m_band_count(band_count) {
    require(band_count >= 1, "CoherenceField: band count n = {} must be >= 1", band_count);
    const auto np = m_quadrature.points.size();
    require(np >= 1, "CoherenceField: the momentum quadrature has no points");
    require(m_quadrature.weights.size() == np,
            "CoherenceField: {} quadrature weights for {} momentum points",
            m_quadrature.weights.size(), np);
    for (std::size_t q = 0; q < np; ++q) {
      require(m_quadrature.points[q].allFinite(), "CoherenceField: momentum point {} is not finite",
              q);
      const Scalar w = m_quadrature.weights[q];
      require(std::isfinite(w) && w >= 0,
              "CoherenceField: quadrature weight {} = {} must be finite and >= 0", q, w);
    }
    m_values.assign(static_cast<std::size_t>(block_count() * m_grid.size()), complex_type(0));
  }

  [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
  [[nodiscard]] const Quadrature& quadrature() const noexcept { return m_quadrature; }
  /// \brief Number of bands n.
  [[nodiscard]] Eigen::Index band_count() const noexcept { return m_band_count; }
  /// \brief Number of momentum points.
  [[nodiscard]] Eigen::Index momentum_count() const noexcept {
    return static_cast<Eigen::Index>(m_quadrature.points.size());
  }
  [[nodiscard]] const Momentum& momentum(Eigen::Index q) const {
    return m_quadrature.points[checked_q(q)];
  }
  [[nodiscard]] Scalar weight(Eigen::Index q) const { return m_quadrature.weights[checked_q(q)]; }
  /// \brief Number of x-arrays, N_p · n².
  [[nodiscard]] Eigen::Index block_count() const noexcept {
    return momentum_count() * m_band_count * m_band_count;
  }
  /// \brief Total number of complex values, N_p · n² · N_x.
  [[nodiscard]] std::ptrdiff_t size() const noexcept {
    return static_cast<std::ptrdiff_t>(m_values.size());
  }
  /// \brief All values, in the documented layout.
  [[nodiscard]] std::span<complex_type> values() noexcept { return m_values; }
  [[nodiscard]] std::span<const complex_type> values() const noexcept { return m_values; }

  /// \brief The x-array σ_jl(·, p_q) (grid().size() values).
  [[nodiscard]] std::span<complex_type> block(Eigen::Index q, Eigen::Index j, Eigen::Index l) {
    return {m_values.data() + offset(q, j, l), static_cast<std::size_t>(m_grid.size())};
  }
  [[nodiscard]] std::span<const complex_type> block(Eigen::Index q, Eigen::Index j,
                                                    Eigen::Index l) const {
    return {m_values.data() + offset(q, j, l), static_cast<std::size_t>(m_grid.size())};
  }

  /// \brief σ_jl(x_k, p_q), k a flat grid index. Unchecked but for a debug-build assertion
  /// (this is the inner-loop accessor); at() checks its indices.
  [[nodiscard]] complex_type& operator()(Eigen::Index q, Eigen::Index j, Eigen::Index l,
                                         std::ptrdiff_t k) noexcept {
    assert(in_range(q, j, l, k));
    return m_values[static_cast<std::size_t>(((q * m_band_count + j) * m_band_count + l) *
                                                 m_grid.size() + k)];
  }
  [[nodiscard]] complex_type operator()(Eigen::Index q, Eigen::Index j, Eigen::Index l,
                                        std::ptrdiff_t k) const noexcept {
    assert(in_range(q, j, l, k));
    return m_values[static_cast<std::size_t>(((q * m_band_count + j) * m_band_count + l) *
                                                 m_grid.size() + k)];
  }
  /// \brief σ_jl(x_k, p_q) with its indices checked (invalid_argument naming the index).
  [[nodiscard]] complex_type& at(Eigen::Index q, Eigen::Index j, Eigen::Index l, std::ptrdiff_t k) {
    return m_values[static_cast<std::size_t>(offset(q, j, l) + checked_x(k))];
  }
  [[nodiscard]] complex_type at(Eigen::Index q, Eigen::Index j, Eigen::Index l,
                                std::ptrdiff_t k) const {
    return m_values[static_cast<std::size_t>(offset(q, j, l) + checked_x(k))];
  }

  /// \brief The n × n matrix σ(x_k, p_q).
  [[nodiscard]] ComplexMatrix matrix(Eigen::Index q, std::ptrdiff_t k) const {
    ComplexMatrix s(m_band_count, m_band_count);
    for (Eigen::Index j = 0; j < m_band_count; ++j)
      for (Eigen::Index l = 0; l < m_band_count; ++l) s(j, l) = (*this)(q, j, l, k);
    return s;
  }

  /// \brief Band-projected initial data: the ε → 0 (product) form of P1 (3.8) for
  /// φ⁰ = Σ_m a_m(x) Ψ_m(x/ε, p₀) (docs/conventions.md §12),
  /// \f$\sigma^0_{jl}(x,p) = a_j(x)\,\overline{a_l(x)}\,\varphi(p)\f$, the packet φ regularising
  /// δ(p − p₀). It drops the O(1) variation of the Bloch overlaps over |p − p₀| = O(ε): near a band
  /// crossing, where they change by O(1) over that distance, it is O(1) wrong at every finite ε;
  /// set_wave_packet gives the finite-ε data.
  /// \param amplitude  callable x ↦ (a_0(x), …, a_{n−1}(x)), a complex vector of n entries
  /// \param profile    callable p ↦ φ(p), real or complex
  /// \pre finite values of the right size (invalid_argument naming the point otherwise).
  template <class Amplitude, class Profile>
  void set_band_projected(const Amplitude& amplitude, const Profile& profile) {
    const std::ptrdiff_t nx = m_grid.size();
    std::vector<ComplexVector> a(static_cast<std::size_t>(nx));
    for (std::ptrdiff_t k = 0; k < nx; ++k) {
      ComplexVector v = amplitude(m_grid.point(k));
      require(v.size() == m_band_count,
              "CoherenceField::set_band_projected: amplitude at grid point {} has {} entries, "
              "expected n = {}",
              k, v.size(), m_band_count);
      require(v.allFinite(),
              "CoherenceField::set_band_projected: amplitude at grid point {} is not finite", k);
      a[static_cast<std::size_t>(k)] = std::move(v);
    }
    for (Eigen::Index q = 0; q < momentum_count(); ++q) {
      const complex_type phi(profile(momentum(q)));
      require(detail::is_finite_value(phi),
              "CoherenceField::set_band_projected: profile at momentum point {} is not finite", q);
      for (Eigen::Index j = 0; j < m_band_count; ++j)
        for (Eigen::Index l = 0; l < m_band_count; ++l) {
          complex_type* out = m_values.data() + offset(q, j, l);
          for (std::ptrdiff_t k = 0; k < nx; ++k) {
            const ComplexVector& ak = a[static_cast<std::size_t>(k)];
            out[k] = ak[j] * std::conj(ak[l]) * phi;
          }
        }
    }
  }

  /// \brief Finite-ε initial data of the Bloch wave packet φ⁰(x) = Σ_m a_m(x) Ψ_m(x/ε, p₀) over
  /// one or several packet bands m (P1 (3.8), docs/conventions.md §12):
  /// \f[ \sigma^0_{jl}(x,p) = (2\pi\varepsilon)^{-d}\,
  ///     \Big[\sum_m \hat a_m(\xi)\,A_{mj}(p_0,\tilde p)\Big]\,e^{i\xi\cdot x}\,
  ///     \overline{\Big[\sum_m a_m(x)\,A_{ml}(p_0,\tilde p)\Big]},\qquad
  ///     \xi = (\tilde p - p_0)/\varepsilon, \f]
  /// â_m(ξ) = ∫ e^{−iξ·x} a_m(x) dx (docs/conventions.md §2), p̃ the Λ*-translate of p nearest p₀
  /// and A_mj(p₀, p̃) = ⟨u_m(p₀), u_j(p̃)⟩_C the overlaps of `overlaps` (PacketOverlaps). For one
  /// packet band it is (2πε)^{−d} â(ξ) e^{iξ·x} conj a(x) A_mj conj A_ml.
  ///
  /// Derivation. a_m(x) = (2π)^{−d}∫ â_m(ξ) e^{iξ·x} dξ and Ψ_m(z, p₀) = e^{ip₀·z} u_m(z, p₀) give
  /// a_m(x) Ψ_m(x/ε, p₀) = (2πε)^{−d} ∫ â_m((p − p₀)/ε) e^{ip·x/ε} u_m(x/ε, p₀) dp; expanding
  /// e^{ip·z} u_m(z, p₀), a Bloch function at p, as Σ_j A_mj(p₀, p) Ψ_j(z, p) and summing over m
  /// gives the Bloch coefficients f̂_j(p) = (2πε)^{−d} Σ_m â_m(ξ) A_mj(p₀, p) of
  /// φ⁰ = Σ_j ∫_B f̂_j Ψ_j dp, and the same completeness at a frozen p gives its envelopes
  /// g_l(x; p) = e^{−iξ·x} Σ_m a_m(x) A_ml(p₀, p) in φ⁰ = Σ_l g_l(x; p) Ψ_l(x/ε, p). P1's
  /// unsymmetric Wigner transform (2.8) (sign +, docs/conventions.md §4) is then exactly
  /// Σ_jl σ_jl Q_jl (3.5)–(3.8) with σ_jl = f̂_j conj g_l, the formula above: the constant is
  /// (2πε)^{−d}, the ROW band j carries A unconjugated and the column band l conjugated, and
  /// e^{iξ·x} multiplies the conjugated envelope sum. Checks: summed over all bands
  /// (Σ_j A_mj conj A_m'j = δ_mm') and integrated over p it gives ∫ tr σ⁰ dp = Σ_m |a_m(x)|², the
  /// cell-averaged density; ∫σ⁰_jl dx = (2πε)^d f̂_j conj f̂_l; away from crossings, as ε → 0, it
  /// tends to the product form of set_band_projected (A_mj(p₀, p) → δ_mj, and
  /// (2πε)^{−d} â_m(ξ) e^{iξ·x} conj a_m'(x) → a_m(x) conj a_m'(x) δ(p − p₀) weakly).
  /// tests/coherence/test_wave_packet_data.cpp checks it entry by entry against the exact σ of
  /// the wave on a supercell (bloch/wigner_bloch.hpp), for one and for two packet bands.
  ///
  /// â_m is computed on this field's x-grid by the trapezoidal rule, Π h_a Σ_k a_m(x_k) e^{−iξ·x_k}
  /// (spectrally accurate for a smooth a_m that is periodic on, or has decayed inside, the box;
  /// exact for a trigonometric polynomial of the box), O(N_x N_p (M + Mn + n²)) for M packet bands.
  /// \param envelope  callable x ↦ a(x), complex (one packet band), or x ↦ (a_m(x))_m, a complex
  ///                  Eigen vector with one entry per matrix of overlaps.overlaps
  /// \param epsilon   ε > 0
  /// \param overlaps  one displacement per momentum point, one n × N_p matrix per packet band
  /// \pre sizes as stated, values finite (invalid_argument naming the entry otherwise).
  template <class Envelope>
  void set_wave_packet(const Envelope& envelope, Scalar epsilon,
                       const PacketOverlaps<PDim, Scalar>& overlaps) requires(XDim == PDim) {
    require(std::isfinite(epsilon) && epsilon > 0,
            "CoherenceField::set_wave_packet: ε = {} must be finite and > 0", epsilon);
    const auto packet_bands = static_cast<Eigen::Index>(overlaps.overlaps.size());
    require(packet_bands >= 1, "CoherenceField::set_wave_packet: no packet band (no overlaps)");
    require(static_cast<Eigen::Index>(overlaps.displacements.size()) == momentum_count(),
            "CoherenceField::set_wave_packet: {} displacements for {} momentum points",
            overlaps.displacements.size(), momentum_count());
    for (Eigen::Index m = 0; m < packet_bands; ++m) {
      const auto& am = overlaps.overlaps[static_cast<std::size_t>(m)];
      require(am.rows() == m_band_count && am.cols() == momentum_count(),
              "CoherenceField::set_wave_packet: {}×{} overlaps of packet band {} for n = {} bands "
              "and {} momentum points",
              am.rows(), am.cols(), m, m_band_count, momentum_count());
      require(am.allFinite(),
              "CoherenceField::set_wave_packet: the overlaps of packet band {} are not finite", m);
    }
    const std::ptrdiff_t nx = m_grid.size();
    ComplexMatrix a(nx, packet_bands);  // a_m(x_k), row k
    std::vector<Position> x(static_cast<std::size_t>(nx));
    for (std::ptrdiff_t k = 0; k < nx; ++k) {
      x[static_cast<std::size_t>(k)] = m_grid.point(k);
      const auto value = envelope(x[static_cast<std::size_t>(k)]);
      if constexpr (std::is_convertible_v<decltype(value), complex_type>) {
        require(packet_bands == 1,
                "CoherenceField::set_wave_packet: a scalar envelope for {} packet bands",
                packet_bands);
        a(k, 0) = complex_type(value);
      } else {
        require(value.size() == packet_bands,
                "CoherenceField::set_wave_packet: envelope at grid point {} has {} entries for {} "
                "packet bands",
                k, value.size(), packet_bands);
        a.row(k) = value.transpose().template cast<complex_type>();
      }
      require(a.row(k).allFinite(),
              "CoherenceField::set_wave_packet: envelope at grid point {} is not finite", k);
    }
    Scalar constant = 1;  // (2πε)^{−d}
    for (int i = 0; i < XDim; ++i) constant /= 2 * std::numbers::pi_v<Scalar> * epsilon;
    std::vector<complex_type> phase(static_cast<std::size_t>(nx));
    ComplexMatrix overlap_q(packet_bands, m_band_count);  // A_mj(p₀, p̃_q)
    ComplexMatrix rows(1, m_band_count);                   // (2πε)^{−d} Σ_m â_m A_mj
    ComplexMatrix envelopes(nx, m_band_count);             // Σ_m a_m(x_k) A_ml
    for (Eigen::Index q = 0; q < momentum_count(); ++q) {
      const auto& d = overlaps.displacements[static_cast<std::size_t>(q)];
      require(d.allFinite(), "CoherenceField::set_wave_packet: displacement {} is not finite", q);
      const Momentum xi = d / epsilon;
      for (std::ptrdiff_t k = 0; k < nx; ++k)
        phase[static_cast<std::size_t>(k)] = std::polar(Scalar(1), xi.dot(x[static_cast<std::size_t>(k)]));
      const Eigen::Map<const Eigen::Matrix<complex_type, 1, Eigen::Dynamic>> phase_row(phase.data(), nx);
      for (Eigen::Index m = 0; m < packet_bands; ++m)
        overlap_q.row(m) = overlaps.overlaps[static_cast<std::size_t>(m)].col(q).transpose();
      // â_m(ξ) = Π h_a Σ_k a_m(x_k) e^{−iξ·x_k}, one row over m.
      const ComplexMatrix a_hat = (phase_row.conjugate() * a) * m_grid.cell_volume();
      rows.noalias() = constant * a_hat * overlap_q;
      envelopes.noalias() = a * overlap_q;
      for (Eigen::Index j = 0; j < m_band_count; ++j)
        for (Eigen::Index l = 0; l < m_band_count; ++l) {
          complex_type* out = m_values.data() + offset(q, j, l);
          for (std::ptrdiff_t k = 0; k < nx; ++k)
            out[k] = rows(0, j) * phase[static_cast<std::size_t>(k)] * std::conj(envelopes(k, l));
        }
    }
  }

  /// \brief ∫ σ_jl(x, p_q) dx (trapezoidal rule, PeriodicGrid::cell_volume()).
  [[nodiscard]] complex_type x_integral(Eigen::Index q, Eigen::Index j, Eigen::Index l) const {
    complex_type sum(0);
    for (const auto& v : block(q, j, l)) sum += v;
    return sum * m_grid.cell_volume();
  }

  /// \brief ∫ tr σ(x, p_q) dx, conserved for every p_q by (3.16) (docs/conventions.md §10–§11).
  [[nodiscard]] complex_type trace_integral(Eigen::Index q) const {
    complex_type sum(0);
    for (Eigen::Index j = 0; j < m_band_count; ++j) sum += x_integral(q, j, j);
    return sum;
  }

  /// \brief The coherence Σ_q w_q ∫ σ_jl(x, p_q) dx (j ≠ l), or the band population (j = l).
  [[nodiscard]] complex_type coherence(Eigen::Index j, Eigen::Index l) const {
    complex_type sum(0);
    for (Eigen::Index q = 0; q < momentum_count(); ++q) sum += weight(q) * x_integral(q, j, l);
    return sum;
  }

  /// \brief Band population Σ_q w_q ∫ σ_jj(x, p_q) dx (complex: σ is not Hermitian).
  [[nodiscard]] complex_type population(Eigen::Index j) const { return coherence(j, j); }

  /// \brief The L² norm over x of row j at p_q, (∫ Σ_l |σ_jl|² dx)^{1/2}, conserved by the
  /// exact integrator (its generator is skew-Hermitian, docs/conventions.md §11).
  [[nodiscard]] Scalar row_norm(Eigen::Index q, Eigen::Index j) const {
    Scalar sum = 0;
    for (Eigen::Index l = 0; l < m_band_count; ++l)
      for (const auto& v : block(q, j, l)) sum += std::norm(v);
    return std::sqrt(sum * m_grid.cell_volume());
  }

  /// \brief The density ρ(x) = Σ_q w_q tr σ(x, p_q) (≈ ∫_B tr σ dp), grid().size() values.
  [[nodiscard]] std::vector<complex_type> density() const {
    std::vector<complex_type> rho(static_cast<std::size_t>(m_grid.size()), complex_type(0));
    for (Eigen::Index q = 0; q < momentum_count(); ++q)
      for (Eigen::Index j = 0; j < m_band_count; ++j) {
        const auto b = block(q, j, j);
        for (std::size_t k = 0; k < rho.size(); ++k) rho[k] += weight(q) * b[k];
      }
    return rho;
  }

  /// \brief The current \f$J_i(x) = \sum_q w_q\,\mathrm{tr}(\sigma(x,p_q)\,D_i(p_q)) =
  /// \sum_q w_q \sum_{j,n}\sigma_{jn}D_{i,nj}\f$, one array per axis.
  ///
  /// Derivation: the trace of (3.16), ∂_tσ + Σ_i (∂_{x_i}σ) D_i = (i/ε)[σ, diag E], kills the
  /// commutator, so ∂_t tr σ + Σ_i ∂_{x_i} tr(σ D_i) = 0 at every p (D_i does not depend on x);
  /// summing over p with the weights gives ∂_tρ + ∇·J = 0 with this J. For a diagonal σ it is
  /// Σ_j σ_jj ∇_p E_j, the band-wise Liouville flux (3.23).
  /// \pre bands at this field's momentum points (same count, same p to 1e-10 relative).
  [[nodiscard]] std::array<std::vector<complex_type>, XDim> current(
      const BandData<PDim, Scalar>& bands) const requires(XDim == PDim) {
    check_band_data(bands, "CoherenceField::current");
    std::array<std::vector<complex_type>, XDim> j_out;
    for (auto& v : j_out) v.assign(static_cast<std::size_t>(m_grid.size()), complex_type(0));
    for (Eigen::Index q = 0; q < momentum_count(); ++q)
      for (int i = 0; i < XDim; ++i) {
        const auto& d = bands.D(q, i);
        auto& out = j_out[static_cast<std::size_t>(i)];
        for (Eigen::Index j = 0; j < m_band_count; ++j)
          for (Eigen::Index n = 0; n < m_band_count; ++n) {
            const complex_type c = weight(q) * d(n, j);
            const auto b = block(q, j, n);
            for (std::size_t k = 0; k < out.size(); ++k) out[k] += c * b[k];
          }
      }
    return j_out;
  }

  /// \brief Throws invalid_argument unless `bands` has this field's band count and momentum
  /// points (same order, equal to 1e-10·max(1, |p|)).
  void check_band_data(const BandData<PDim, Scalar>& bands, const char* who) const {
    require(bands.band_count() == m_band_count, "{}: band data have n = {} bands, the field {}",
            who, bands.band_count(), m_band_count);
    require(bands.size() == momentum_count(), "{}: band data have {} momentum points, the field {}",
            who, bands.size(), momentum_count());
    for (Eigen::Index q = 0; q < momentum_count(); ++q) {
      const Scalar gap = (bands.momentum(q) - momentum(q)).norm();
      const Scalar tolerance = Scalar(std::is_same_v<Scalar, float> ? 1e-5 : 1e-10) *
                               std::max(Scalar(1), momentum(q).norm());
      require(gap <= tolerance,
              "{}: momentum point {} of the band data differs from the field's by {}", who, q, gap);
    }
  }

 private:
  std::size_t checked_q(Eigen::Index q) const {
    require(q >= 0 && q < momentum_count(), "CoherenceField: momentum point {} is outside [0, {})",
            q, momentum_count());
    return static_cast<std::size_t>(q);
  }

  [[nodiscard]] bool in_range(Eigen::Index q, Eigen::Index j, Eigen::Index l,
                              std::ptrdiff_t k) const noexcept {
    return q >= 0 && q < momentum_count() && j >= 0 && j < m_band_count && l >= 0 &&
           l < m_band_count && k >= 0 && k < m_grid.size();
  }

  std::ptrdiff_t checked_x(std::ptrdiff_t k) const {
    require(k >= 0 && k < m_grid.size(), "CoherenceField: grid point {} is outside [0, {})", k,
            m_grid.size());
    return k;
  }

  std::ptrdiff_t offset(Eigen::Index q, Eigen::Index j, Eigen::Index l) const {
    checked_q(q);
    require(j >= 0 && j < m_band_count && l >= 0 && l < m_band_count,
            "CoherenceField: band pair ({}, {}) is outside [0, {})²", j, l, m_band_count);
    return ((q * m_band_count + j) * m_band_count + l) * m_grid.size();
  }

  Grid m_grid;
  Quadrature m_quadrature;
  Eigen::Index m_band_count;
  std::vector<complex_type> m_values;
};

}  // namespace wavekin
