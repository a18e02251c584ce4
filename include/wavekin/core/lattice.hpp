// wavekin/core/lattice.hpp — a Bravais lattice Λ, its dual Λ*, cell, zone and reciprocal vectors.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>
#include <Eigen/SVD>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief Integer coordinates n of a lattice vector Σ_j n_j e_j or of a dual-lattice vector
/// μ = Σ_l n_l e^l: the lattice's integer vector (`Lattice::IntVector`).
template <int Dim>
using LatticeIndex = Eigen::Matrix<std::int64_t, Dim, 1>;

/// \brief `lattice_index(1, 0)` — a LatticeIndex from its components.
template <std::integral... Ints>
LatticeIndex<static_cast<int>(sizeof...(Ints))> lattice_index(Ints... n) {
  LatticeIndex<static_cast<int>(sizeof...(Ints))> out;
  int i = 0;
  ((out[i++] = static_cast<std::int64_t>(n)), ...);
  return out;
}

namespace detail {

/// Steps `n` to the next label of the box low ≤ n ≤ high (componentwise), last axis fastest.
/// Returns false, with n back at `low`, after the last one: `n = low; do { … } while
/// (next_in_box(n, low, high));` visits the whole box in lexicographic order.
/// \pre low ≤ n ≤ high componentwise.
template <int Dim>
bool next_in_box(LatticeIndex<Dim>& n, const LatticeIndex<Dim>& low,
                 const LatticeIndex<Dim>& high) {
  int axis = Dim - 1;
  while (axis >= 0 && n[axis] == high[axis]) {
    n[axis] = low[axis];
    --axis;
  }
  if (axis < 0) return false;
  ++n[axis];
  return true;
}

/// The integer box low ≤ n ≤ high holding every label n with |n_l − centre_l| ≤ reach_l
/// (low_l = ⌈centre_l − reach_l⌉, high_l = ⌊centre_l + reach_l⌋). Returns its number of points,
/// computed in floating point (+inf if a bound is not finite or beyond int64), and fills low and
/// high only when that number is at most `max_points` (else they are left at 0): no out-of-range
/// float-to-integer conversion can happen, whatever the cutoff asked for (a cutoff of 1e40 must
/// be an error, not a wrapped box).
/// \pre reach_l >= 0.
template <int Dim>
double integer_box(const Eigen::Matrix<double, Dim, 1>& centre,
                   const Eigen::Matrix<double, Dim, 1>& reach, double max_points,
                   LatticeIndex<Dim>& low, LatticeIndex<Dim>& high) {
  low.setZero();
  high.setZero();
  double points = 1;
  Eigen::Matrix<double, Dim, 1> lo, hi;
  for (int l = 0; l < Dim; ++l) {
    lo[l] = std::ceil(centre[l] - reach[l]);
    hi[l] = std::floor(centre[l] + reach[l]);
    const double extent = hi[l] - lo[l] + 1;
    if (!std::isfinite(extent)) return std::numeric_limits<double>::infinity();
    points *= std::max(extent, 0.0);
  }
  // A box of at most max_points (< 2^53) points has bounds within 2^53 of each other; the
  // bounds themselves must fit in int64 too.
  constexpr double limit = 9.0e18;
  if (points > max_points || !(lo.cwiseAbs().maxCoeff() < limit) ||
      !(hi.cwiseAbs().maxCoeff() < limit))
    return points > max_points ? points : std::numeric_limits<double>::infinity();
  for (int l = 0; l < Dim; ++l) {
    low[l] = static_cast<std::int64_t>(lo[l]);
    high[l] = static_cast<std::int64_t>(hi[l]);
  }
  return points;
}

}  // namespace detail

/// \brief A point of the dual lattice, G = Σ_l n_l e^l, with its integer
/// coordinates n and its length |G|.
template <int Dim, RealScalar Scalar = double>
struct ReciprocalVector {
  Eigen::Matrix<std::int64_t, Dim, 1> index;
  Eigen::Matrix<Scalar, Dim, 1> vector;
  Scalar norm;
};

/// \brief k = p + μ with p in the Brillouin zone and μ ∈ Λ* (band-crossing
/// paper (3.4)); `index` holds μ's integer coordinates in the dual basis.
template <int Dim, RealScalar Scalar = double>
struct ZoneReduction {
  Eigen::Matrix<Scalar, Dim, 1> p;
  Eigen::Matrix<Scalar, Dim, 1> mu;
  Eigen::Matrix<std::int64_t, Dim, 1> index;
};

/// \brief A Bravais lattice Λ = {Σ m_j e_j : m ∈ ℤ^Dim} and its dual
/// Λ* = {Σ m_l e^l}, with e_j · e^l = 2π δ_jl (band-crossing paper §2.1).
///
/// The basis vectors are the columns of `basis()`; the dual vectors are the
/// columns of `dual_basis()` = 2π basis()^{−T}. The cell is
/// C = {Σ θ_j e_j, θ ∈ [0,1)^Dim}, |C| = |det e|. Two Brillouin-zone choices,
/// both parallelepipeds spanned by the dual basis:
/// - `reduce(k)`:          θ ∈ [0, 1)^Dim — the paper's B = {Σ θ_l e^l, 0 ≤ θ_l < 1};
/// - `reduce_centred(k)`:  θ ∈ [−½, ½)^Dim — centred on Γ, handy for plots.
/// Both have volume |B| = (2π)^Dim / |C|.
///
/// A basis that is singular or whose condition number exceeds
/// `max_condition()` (1/√ε_machine: 6.7e7 in double, 2.9e3 in float) is
/// rejected: beyond it the dual basis loses more than half the digits.
///
/// \tparam Dim     dimension of space (any positive number)
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
  requires PositiveDimension<Dim>
class Lattice {
 public:
  using scalar_type = Scalar;
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using Matrix = Eigen::Matrix<Scalar, Dim, Dim>;
  using IntVector = LatticeIndex<Dim>;
  static constexpr int dimension = Dim;

  /// \brief Largest accepted condition number of the basis matrix.
  static Scalar max_condition() noexcept {
    return Scalar(1) / std::sqrt(std::numeric_limits<Scalar>::epsilon());
  }

  /// \brief A lattice from its basis vectors, given as the columns of `basis`.
  /// \pre finite entries, non-singular, condition number <= max_condition().
  explicit Lattice(const Matrix& basis) : m_basis(basis) {
    for (int j = 0; j < Dim; ++j)
      for (int i = 0; i < Dim; ++i)
        require(std::isfinite(basis(i, j)),
                "Lattice: basis vector e_{} has a non-finite component {} = {}", j + 1, i,
                basis(i, j));
    const auto singular = singular_values(basis);
    const Scalar smax = singular(0);
    const Scalar smin = singular(Dim - 1);
    require(smax > 0 && smin > 0,
            "Lattice: the basis is degenerate (its vectors are linearly dependent; smallest "
            "singular value {} of {})",
            smin, smax);
    const Scalar condition = smax / smin;
    require(condition <= max_condition(),
            "Lattice: the basis is ill-conditioned (condition number {:.3g} > {:.3g}); its "
            "vectors are nearly linearly dependent",
            condition, max_condition());
    m_dual = Scalar(2 * std::numbers::pi_v<double>) * basis.inverse().transpose();
    m_cell_volume = std::abs(basis.determinant());
    // A well-conditioned basis can still be too small or too large for Scalar: 1e-300·I in 3D
    // has |C| = 1e-900 = 0 and a NaN dual basis, 1e300·I has |C| = inf. Both are rejected,
    // as is any scale whose |C| or |B| is subnormal (digits lost).
    require(std::isnormal(m_cell_volume) && std::isnormal(zone_volume()) && m_dual.allFinite(),
            "Lattice: the cell volume |C| = {:.3g} and the zone volume |B| = {:.3g} must both be "
            "finite normal numbers (the basis vectors have lengths {:.3g} to {:.3g}; express "
            "lengths in units of order 1)",
            m_cell_volume, zone_volume(), smin, smax);
  }

  /// \brief Any user basis (columns of `basis`); same as the constructor.
  static Lattice from_basis(const Matrix& basis) { return Lattice(basis); }

  /// \brief The one-dimensional lattice aℤ.
  static Lattice line(Scalar a = 1) requires(Dim == 1) { return Lattice(Matrix::Constant(a)); }

  /// \brief The square lattice a ℤ².
  static Lattice square(Scalar a = 1) requires(Dim == 2) { return rectangular(a, a); }

  /// \brief The rectangular lattice with sides a and b along the axes.
  static Lattice rectangular(Scalar a, Scalar b) requires(Dim == 2) {
    Matrix e;
    e << a, 0, 0, b;
    return Lattice(e);
  }

  /// \brief The simple cubic lattice a ℤ³.
  static Lattice cubic(Scalar a = 1) requires(Dim == 3) {
    return Lattice(Matrix(a * Matrix::Identity()));
  }

  /// \brief The triangular (hexagonal) lattice with lattice constant a:
  /// e_1 = a(1, 0), e_2 = a(½, √3/2). Adding a second site at (e_1 + e_2)/3
  /// gives the honeycomb structure of graphene; its dual is triangular too,
  /// and the Dirac points sit at K = (e^1 − e^2)/3 and K' = −K (mod Λ*).
  static Lattice triangular(Scalar a = 1) requires(Dim == 2) {
    Matrix e;
    e << a, a / 2, 0, a * std::sqrt(Scalar(3)) / 2;
    return Lattice(e);
  }

  [[nodiscard]] const Matrix& basis() const noexcept { return m_basis; }
  [[nodiscard]] const Matrix& dual_basis() const noexcept { return m_dual; }
  /// \brief Basis vector e_j, j = 0 … Dim−1.
  [[nodiscard]] Vector basis_vector(int j) const { return m_basis.col(checked_axis(j)); }
  /// \brief Dual basis vector e^l, l = 0 … Dim−1.
  [[nodiscard]] Vector dual_vector(int l) const { return m_dual.col(checked_axis(l)); }
  /// \brief |C| = |det(e_1 … e_Dim)|.
  [[nodiscard]] Scalar cell_volume() const noexcept { return m_cell_volume; }
  /// \brief |B| = (2π)^Dim / |C|.
  [[nodiscard]] Scalar zone_volume() const noexcept {
    return static_cast<Scalar>(std::pow(2 * std::numbers::pi_v<double>, Dim) /
                               static_cast<double>(m_cell_volume));
  }

  /// \brief Coordinates θ of k in the dual basis, k = Σ θ_l e^l (θ = eᵀk / 2π).
  [[nodiscard]] Vector dual_coordinates(const Vector& k) const {
    return m_basis.transpose() * k / Scalar(2 * std::numbers::pi_v<double>);
  }

  /// \brief Coordinates of x in the basis, x = Σ θ_j e_j.
  [[nodiscard]] Vector coordinates(const Vector& x) const {
    return m_dual.transpose() * x / Scalar(2 * std::numbers::pi_v<double>);
  }

  /// \brief The dual-lattice vector Σ n_l e^l.
  [[nodiscard]] Vector reciprocal(const IntVector& n) const {
    return m_dual * n.template cast<Scalar>();
  }

  /// \brief The lattice vector Σ m_j e_j.
  [[nodiscard]] Vector lattice_vector(const IntVector& m) const {
    return m_basis * m.template cast<Scalar>();
  }

  /// \brief k = p + μ, p ∈ B = {Σ θ_l e^l : θ ∈ [0,1)^Dim}, μ ∈ Λ*.
  /// \pre k finite.
  [[nodiscard]] ZoneReduction<Dim, Scalar> reduce(const Vector& k) const {
    return reduce_with_offset(k, Scalar(0));
  }

  /// \brief k = p + μ, p in the Γ-centred zone {Σ θ_l e^l : θ ∈ [−½,½)^Dim}.
  [[nodiscard]] ZoneReduction<Dim, Scalar> reduce_centred(const Vector& k) const {
    return reduce_with_offset(k, Scalar(0.5));
  }

  /// \brief About how many G ∈ Λ* lie within g_max of a point: |ball of radius g_max| / |B|.
  /// Callers with a budget check it before reciprocal_vectors enumerates a huge set.
  [[nodiscard]] double reciprocal_count_estimate(Scalar g_max) const {
    return std::pow(std::numbers::pi_v<double>, 0.5 * Dim) / std::tgamma(0.5 * Dim + 1) *
           std::pow(static_cast<double>(g_max), Dim) / static_cast<double>(zone_volume());
  }

  /// \brief All G ∈ Λ* with |G − centre| <= g_max, sorted by that distance (ties by index,
  /// lexicographically, so the order is deterministic); with centre = 0 (the default) G = 0 comes
  /// first. Every μ-sum over Λ* in the library goes through here: a sum of terms that decay in |G −
  /// c| (R̂(d + μ) with c = −d, a plane-wave cutoff |k + G| with c = −k) is truncated to a ball.
  /// `ReciprocalVector::norm` is |G| itself.
  /// \pre g_max finite and >= 0; centre finite; the enumeration box at most 5e8 candidates.
  [[nodiscard]] std::vector<ReciprocalVector<Dim, Scalar>> reciprocal_vectors(
      Scalar g_max, const Vector& centre = Vector::Zero()) const {
    require(std::isfinite(g_max) && g_max >= 0,
            "Lattice::reciprocal_vectors: cutoff |G| <= g_max needs a finite g_max >= 0, got {}",
            g_max);
    require(centre.allFinite(), "Lattice::reciprocal_vectors: the centre is not finite");
    // G = Σ n_l e^l ⇒ n_l = e_l · G / 2π, so |n_l − c_l| <= |e_l| g_max / 2π, c_l = e_l·centre/2π.
    const Eigen::Matrix<double, Dim, 1> c = dual_coordinates(centre).template cast<double>();
    Eigen::Matrix<double, Dim, 1> reach;
    for (int l = 0; l < Dim; ++l) {
      reach[l] = static_cast<double>(m_basis.col(l).norm()) * static_cast<double>(g_max) /
                     (2 * std::numbers::pi_v<double>) +
                 1e-9;
    }
    IntVector low, high;
    const double box_points = detail::integer_box<Dim>(c, reach, 5e8, low, high);
    require(box_points <= 5e8,
            "Lattice::reciprocal_vectors: cutoff g_max = {} would enumerate {:.3g} candidate "
            "vectors; reduce it",
            g_max, box_points);
    std::vector<ReciprocalVector<Dim, Scalar>> result;
    if (box_points == 0) return result;
    // A relative slack so that vectors exactly on the sphere (|G − c| = g_max in exact
    // arithmetic) are kept whatever the rounding.
    const Scalar limit =
        g_max * (1 + 16 * std::numeric_limits<Scalar>::epsilon()) +
        16 * std::numeric_limits<Scalar>::epsilon() * centre.norm();
    std::vector<Scalar> distance;
    IntVector n = low;
    do {
      const Vector g = reciprocal(n);
      const Scalar d = (g - centre).norm();
      if (d <= limit) {
        result.push_back({n, g, g.norm()});
        distance.push_back(d);
      }
    } while (detail::next_in_box(n, low, high));
    std::vector<std::size_t> order(result.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (distance[a] != distance[b]) return distance[a] < distance[b];
      return std::lexicographical_compare(result[a].index.begin(), result[a].index.end(),
                                          result[b].index.begin(), result[b].index.end());
    });
    std::vector<ReciprocalVector<Dim, Scalar>> sorted;
    sorted.reserve(result.size());
    for (const auto i : order) sorted.push_back(result[i]);
    return sorted;
  }

 private:
  // g++ 12 at -O2 reports a false -Wmaybe-uninitialized inside Eigen's
  // fixed-size JacobiSVD; the values are all written by compute().
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
  static Vector singular_values(const Matrix& basis) {
    const Eigen::JacobiSVD<Matrix> svd(basis);
    return svd.singularValues();
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  int checked_axis(int j) const {
    require(j >= 0 && j < Dim, "Lattice: vector index {} is outside [0, {})", j, Dim);
    return j;
  }

  ZoneReduction<Dim, Scalar> reduce_with_offset(const Vector& k, Scalar offset) const {
    for (int i = 0; i < Dim; ++i)
      require(std::isfinite(k[i]), "Lattice::reduce: component {} of k is not finite ({})", i,
              k[i]);
    const Vector theta = dual_coordinates(k);
    IntVector n;
    for (int l = 0; l < Dim; ++l) {
      const Scalar shifted = theta[l] + offset;
      n[l] = static_cast<std::int64_t>(std::floor(shifted));
      // θ_l − n_l can round to exactly 1 when θ_l is a tiny negative number;
      // step once more so that p's coordinate lies in [0, 1) − offset.
      if (shifted - static_cast<Scalar>(n[l]) >= Scalar(1)) ++n[l];
    }
    ZoneReduction<Dim, Scalar> r;
    r.index = n;
    r.mu = reciprocal(n);
    r.p = k - r.mu;
    return r;
  }

  Matrix m_basis;
  Matrix m_dual;
  Scalar m_cell_volume;
};

}  // namespace wavekin
