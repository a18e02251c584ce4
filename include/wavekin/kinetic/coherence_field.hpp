// wavekin/kinetic/coherence_field.hpp — the coherence matrix σ(x, p) ∈ ℂ^{n×n} of P1 §3 on a
// periodic x-grid times a weighted list of quasimomenta, with its observables.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
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
#include "wavekin/kinetic/band_data.hpp"

namespace wavekin {

/// \brief Quasimomenta p_q with quadrature weights w_q: ∫_B f(p) dp ≈ Σ_q w_q f(p_q).
///
/// Any list will do — a uniform grid of the zone (uniform_zone_quadrature), or a locally
/// refined set around a crossing, so that the ε^{1/r} neighbourhood of P1 (3.21) is resolved.
template <int PDim, RealScalar Scalar = double>
struct MomentumQuadrature {
  using Momentum = Eigen::Matrix<Scalar, PDim, 1>;
  std::vector<Momentum> points;
  std::vector<Scalar> weights;
};

namespace detail {

// Grid point Σ_l (i_l / N_l) e^l of the flat index (first index fastest) and the product ΠN_l.
template <int Dim, RealScalar Scalar>
Eigen::Matrix<Scalar, Dim, 1> zone_grid_point(
    const Lattice<Dim, Scalar>& lattice,
    const std::type_identity_t<std::array<Eigen::Index, Dim>>& counts, Eigen::Index flat) {
  Eigen::Matrix<Scalar, Dim, 1> theta;
  for (int l = 0; l < Dim; ++l) {
    const auto n = counts[static_cast<std::size_t>(l)];
    theta[l] = static_cast<Scalar>(flat % n) / static_cast<Scalar>(n);
    flat /= n;
  }
  return lattice.dual_basis() * theta;
}

template <int Dim>
Eigen::Index zone_grid_size(const std::array<Eigen::Index, Dim>& counts, const char* who) {
  Eigen::Index total = 1;
  for (int l = 0; l < Dim; ++l) {
    const auto n = counts[static_cast<std::size_t>(l)];
    require(n >= 1, "{}: points along e^{} must be >= 1, got {}", who, l + 1, n);
    total *= n;
  }
  return total;
}

}  // namespace detail

/// \brief p − c' for c' the Λ*-translate of `center` nearest p (which ball of
/// zone_ball_support a momentum lies in, and where in it). Reduces into the Γ-centred
/// parallelepiped, then tries the neighbouring translates (the parallelepiped is not the
/// Wigner–Seitz cell of an oblique lattice).
template <int Dim, RealScalar Scalar>
Eigen::Matrix<Scalar, Dim, 1> zone_displacement(
    const Lattice<Dim, Scalar>& lattice,
    const std::type_identity_t<Eigen::Matrix<Scalar, Dim, 1>>& p,
    const std::type_identity_t<Eigen::Matrix<Scalar, Dim, 1>>& center) {
  const Eigen::Matrix<Scalar, Dim, 1> d = lattice.reduce_centred(p - center).p;
  Eigen::Matrix<Scalar, Dim, 1> best = d;
  std::array<int, Dim> shift;
  shift.fill(-1);
  while (true) {
    Eigen::Matrix<Scalar, Dim, 1> n;
    for (int l = 0; l < Dim; ++l) n[l] = static_cast<Scalar>(shift[static_cast<std::size_t>(l)]);
    const Eigen::Matrix<Scalar, Dim, 1> candidate = d + lattice.dual_basis() * n;
    if (candidate.norm() < best.norm()) best = candidate;
    int l = 0;
    while (l < Dim && ++shift[static_cast<std::size_t>(l)] > 1)
      shift[static_cast<std::size_t>(l++)] = -1;
    if (l == Dim) break;
  }
  return best;
}

/// \brief |zone_displacement|: the distance from p to the nearest Λ*-translate of `center`.
template <int Dim, RealScalar Scalar>
Scalar zone_distance(const Lattice<Dim, Scalar>& lattice,
                     const std::type_identity_t<Eigen::Matrix<Scalar, Dim, 1>>& p,
                     const std::type_identity_t<Eigen::Matrix<Scalar, Dim, 1>>& center) {
  return zone_displacement(lattice, p, center).norm();
}

/// \brief The uniform grid p = Σ_l (i_l / N_l) e^l, 0 ≤ i_l < N_l, of the zone
/// B = {Σ θ_l e^l : θ ∈ [0,1)^Dim} (P1 (3.4)), first index fastest (BandTable::uniform_grid's
/// order, so band_data_from_table matches it point by point), weights |B| / Π N_l: the
/// rectangle rule, spectrally accurate for smooth Λ*-periodic integrands.
/// \pre every count >= 1.
template <int Dim, RealScalar Scalar>
MomentumQuadrature<Dim, Scalar> uniform_zone_quadrature(
    const Lattice<Dim, Scalar>& lattice,
    const std::type_identity_t<std::array<Eigen::Index, Dim>>& counts) {
  const Eigen::Index total = detail::zone_grid_size<Dim>(counts, "uniform_zone_quadrature");
  MomentumQuadrature<Dim, Scalar> out;
  out.points.reserve(static_cast<std::size_t>(total));
  for (Eigen::Index flat = 0; flat < total; ++flat)
    out.points.push_back(detail::zone_grid_point(lattice, counts, flat));
  out.weights.assign(static_cast<std::size_t>(total),
                     lattice.zone_volume() / static_cast<Scalar>(total));
  return out;
}

/// \brief The vertices of the uniform zone grid (uniform_zone_quadrature's flat indices) within
/// `radius` of one of `centers`, by the distance to the nearest Λ*-translate, in increasing
/// order: the support of a patch (EnergyShellQuadrature, CollisionBands) such as the balls
/// B_ε(K) ∪ B_ε(K') of P1 (5.2), resolved by a fine grid without sampling the rest of the zone.
/// Cost O(ΠN_l · centers · 3^Dim).
/// \pre every count >= 1; centers non-empty and finite; radius finite and > 0.
template <int Dim, RealScalar Scalar>
std::vector<Eigen::Index> zone_ball_support(
    const Lattice<Dim, Scalar>& lattice,
    const std::type_identity_t<std::array<Eigen::Index, Dim>>& counts,
    const std::vector<Eigen::Matrix<Scalar, Dim, 1>>& centers,
    std::type_identity_t<Scalar> radius) {
  const Eigen::Index total = detail::zone_grid_size<Dim>(counts, "zone_ball_support");
  require(!centers.empty(), "zone_ball_support: no ball centers given");
  for (std::size_t c = 0; c < centers.size(); ++c)
    require(centers[c].allFinite(), "zone_ball_support: center {} is not finite", c);
  require(std::isfinite(radius) && radius > 0,
          "zone_ball_support: radius must be finite and > 0, got {}", radius);
  std::vector<Eigen::Index> support;
  for (Eigen::Index flat = 0; flat < total; ++flat) {
    const auto p = detail::zone_grid_point(lattice, counts, flat);
    for (const auto& center : centers)
      if (zone_distance(lattice, p, center) <= radius) {
        support.push_back(flat);
        break;
      }
  }
  return support;
}

/// \brief uniform_zone_quadrature restricted to a patch: the grid points listed in `support`
/// (flat indices, e.g. zone_ball_support's), in its order, weight |B| / ΠN_l each — the
/// momentum points of a CoherenceField on the p-patch of a patch collision (P1 (5.2)).
/// \pre every count >= 1; support indices inside the grid.
template <int Dim, RealScalar Scalar>
MomentumQuadrature<Dim, Scalar> patch_zone_quadrature(
    const Lattice<Dim, Scalar>& lattice,
    const std::type_identity_t<std::array<Eigen::Index, Dim>>& counts,
    const std::vector<Eigen::Index>& support) {
  const Eigen::Index total = detail::zone_grid_size<Dim>(counts, "patch_zone_quadrature");
  MomentumQuadrature<Dim, Scalar> out;
  for (std::size_t k = 0; k < support.size(); ++k) {
    require(support[k] >= 0 && support[k] < total,
            "patch_zone_quadrature: support entry {} is grid index {}, outside [0, {})", k,
            support[k], total);
    out.points.push_back(detail::zone_grid_point(lattice, counts, support[k]));
  }
  out.weights.assign(support.size(), lattice.zone_volume() / static_cast<Scalar>(total));
  return out;
}

/// \brief A uniform zone grid refined near a crossing: the points of uniform_zone_quadrature
/// whose distance to `center` (minimum over Λ*-translates) is at most `radius` are each replaced
/// by `refinement`^Dim points, so that a packet of width ∝ ε^{1/r} around a crossing p* (P1
/// (3.21)) is resolved without refining the whole zone.
///
/// Each grid point p_i = Σ_l (i_l/N_l) e^l stands for the cell Σ_l θ_l e^l,
/// θ_l ∈ [(i_l − ½)/N_l, (i_l + ½)/N_l), of which it is the midpoint (the uniform rule is the
/// midpoint rule on these cells); a refined cell is split into refinement^Dim equal sub-cells,
/// each carrying its midpoint and weight |cell|/refinement^Dim. The weights sum to |B| exactly
/// and the rule is the composite midpoint rule on the mixed partition: second order in the
/// local cell size, spectral where no cell is refined. Points keep the uniform grid's order,
/// a refined cell's sub-points (first index fastest) in place of its point.
/// \pre every count >= 1; center finite; radius finite and >= 0; refinement >= 1.
template <int Dim, RealScalar Scalar>
MomentumQuadrature<Dim, Scalar> locally_refined_zone_quadrature(
    const Lattice<Dim, Scalar>& lattice,
    const std::type_identity_t<std::array<Eigen::Index, Dim>>& counts,
    const std::type_identity_t<Eigen::Matrix<Scalar, Dim, 1>>& center,
    std::type_identity_t<Scalar> radius, int refinement) {
  require(center.allFinite(), "locally_refined_zone_quadrature: center must be finite");
  require(std::isfinite(radius) && radius >= 0,
          "locally_refined_zone_quadrature: radius must be finite and >= 0, got {}", radius);
  require(refinement >= 1, "locally_refined_zone_quadrature: refinement must be >= 1, got {}",
          refinement);
  const MomentumQuadrature<Dim, Scalar> coarse = uniform_zone_quadrature(lattice, counts);
  Eigen::Index sub_count = 1;
  for (int l = 0; l < Dim; ++l) sub_count *= refinement;
  MomentumQuadrature<Dim, Scalar> out;
  for (std::size_t i = 0; i < coarse.points.size(); ++i) {
    const auto& p = coarse.points[i];
    if (refinement == 1 || zone_distance(lattice, p, center) > radius) {
      out.points.push_back(p);
      out.weights.push_back(coarse.weights[i]);
      continue;
    }
    for (Eigen::Index flat = 0; flat < sub_count; ++flat) {
      Eigen::Matrix<Scalar, Dim, 1> offset;  // in units of e^l
      Eigen::Index rest = flat;
      for (int l = 0; l < Dim; ++l) {
        const auto s = rest % refinement;
        rest /= refinement;
        offset[l] = ((static_cast<Scalar>(s) + Scalar(0.5)) / static_cast<Scalar>(refinement) -
                     Scalar(0.5)) /
                    static_cast<Scalar>(counts[static_cast<std::size_t>(l)]);
      }
      out.points.push_back(p + lattice.dual_basis() * offset);
      out.weights.push_back(coarse.weights[i] / static_cast<Scalar>(sub_count));
    }
  }
  return out;
}

/// \brief The coherence matrix σ_jl(t, x, p) of P1 (3.6)/(3.16), j, l = 0 … n−1, sampled on a
/// PeriodicGrid in x and at the points of a MomentumQuadrature in p.
///
/// Layout: one contiguous x-array (the grid's row-major layout, FFTW's) per (q, j, l), blocks
/// ordered q slowest, then j, then l: entry (q, j, l, x) sits at ((q·n + j)·n + l)·N_x + x.
/// An x-array is what the integrator's FFTs want; the n × n matrix at one (q, x) is strided.
///
/// σ is NOT Hermitian (MATH.md §2: P1 uses the unsymmetric Wigner transform, and σᴴ obeys the
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
  /// \brief The time the values belong to (advanced by the integrators).
  [[nodiscard]] Scalar time() const noexcept { return m_time; }
  /// \pre t finite.
  void set_time(Scalar t) {
    require(std::isfinite(t), "CoherenceField::set_time: time {} is not finite", t);
    m_time = t;
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

  /// \brief σ_jl(x_k, p_q), k a flat grid index.
  [[nodiscard]] complex_type& operator()(Eigen::Index q, Eigen::Index j, Eigen::Index l,
                                         std::ptrdiff_t k) {
    return m_values[static_cast<std::size_t>(offset(q, j, l) + checked_x(k))];
  }
  [[nodiscard]] complex_type operator()(Eigen::Index q, Eigen::Index j, Eigen::Index l,
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

  /// \brief Band-projected initial data (P1 (3.8) for φ⁰ = Σ_m a_m(x) Ψ_m(x/ε, p₀), MATH.md §2):
  /// \f$\sigma^0_{jl}(x,p) = a_j(x)\,\overline{a_l(x)}\,\varphi(p)\f$, the packet φ regularising
  /// δ(p − p₀). Sets the time to 0.
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
    m_time = 0;
  }

  /// \brief ∫ σ_jl(x, p_q) dx (trapezoidal rule, PeriodicGrid::cell_volume()).
  [[nodiscard]] complex_type x_integral(Eigen::Index q, Eigen::Index j, Eigen::Index l) const {
    complex_type sum(0);
    for (const auto& v : block(q, j, l)) sum += v;
    return sum * m_grid.cell_volume();
  }

  /// \brief ∫ tr σ(x, p_q) dx, conserved for every p_q by (3.16) (MATH.md §2).
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
  /// exact integrator (its generator is skew-Hermitian, MATH.md §2).
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
  Scalar m_time = 0;
  std::vector<complex_type> m_values;
};

}  // namespace wavekin
