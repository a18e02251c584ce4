// wavekin/coherence/lattice_coordinates.hpp — P1 (3.16) on the torus of a lattice: the coordinates
// s = E⁻¹x that turn a parallelogram x-torus into the rectangular box of a PeriodicGrid.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>

#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/periodic_grid.hpp"

namespace wavekin {

/// \brief The change of variables x = E s, E the basis matrix of a lattice (columns e_a), that
/// carries P1 (3.16) from the x-torus T = {Σ_a s_a e_a : s ∈ [0, L)^Dim} — a parallelogram for a
/// non-rectangular lattice, e.g. the εM-cell torus of a Supercell (L = εM) — to the box [0, L)^Dim,
/// where CoherenceField and CoherenceLiouville work unchanged on a PeriodicGrid (grid()).
///
/// **The equation.** With σ̃(t, s, p) = σ(t, Es, p), ∂_{x_i} = Σ_a (E⁻¹)_{ai} ∂_{s_a}, so (3.16),
/// ∂_tσ + Σ_i (∂_{x_i}σ) D_i(p) = (i/ε)[σ, diag E(p)], is
/// \f[ \partial_t\tilde\sigma + \sum_a (\partial_{s_a}\tilde\sigma)\,\tilde D_a(p)
///     = \tfrac{i}{\varepsilon}[\tilde\sigma, \mathrm{diag}\,E(p)],\qquad
///     \tilde D_a = \sum_i (E^{-1})_{ai} D_i, \f]
/// the same system with the velocity matrices in lattice components (band_data; still Hermitian,
/// a real combination). p, E(p) and the momentum weights do not change: only x is relabelled. On
/// the grid, the Fourier mode e^{iη·s} of the box is e^{iξ·x} with ξ = E^{−T}η, and η·D̃ = ξ·D: the
/// exact propagator is that of the x-problem, mode by mode.
///
/// **Initial data** (CoherenceField::set_wave_packet, P1 (3.8) at finite ε). The x-data
/// (2πε)^{−d} â(ξ) e^{iξ·x} conj a(x) A_mj conj A_ml, ξ = d/ε, â(ξ) = ∫ e^{−iξ·x} a(x) dx, are, at
/// x = Es: e^{iξ·Es} = e^{iη·s} with η = Eᵀξ, and â(ξ) = |det E| ∫ e^{−iη·s} a(Es) ds (dx =
/// |det E| ds). set_wave_packet on the box computes the second integral from the envelope s ↦ a(Es)
/// (envelope) and the displacements Eᵀd; the factor |det E| rides on the overlaps, each scaled by
/// |det E|^{1/2} (packet_overlaps; σ⁰ is quadratic in them). set_band_projected has no Fourier
/// transform and needs only the envelope.
///
/// **Observables.** Pointwise values — σ, density() — are the x-field's at x = Es. x-integrals of
/// the box field (x_integral, row_norm, …) are ∫ ds: times jacobian() = |det E| they are ∫ dx.
/// current(band_data(bands)) gives the lattice components J̃ = E⁻¹J (cartesian() maps them back);
/// current(bands) with the Cartesian band data gives J directly (it is pointwise in x).
///
/// A rectangular lattice gives E diagonal: the box problem is then the x-problem on a rectangular
/// grid of sides L|e_a| (tests/coherence/test_lattice_coordinates.cpp checks the two agree).
///
/// \tparam Dim     dimension of x and p
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
class LatticeCoordinates {
 public:
  using Matrix = Eigen::Matrix<Scalar, Dim, Dim>;
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using complex_type = std::complex<Scalar>;

  explicit LatticeCoordinates(const Lattice<Dim, Scalar>& lattice)
      : m_basis(lattice.basis()),
        m_inverse(lattice.basis().inverse()),
        m_jacobian(std::abs(lattice.basis().determinant())) {}

  /// \brief E, columns the lattice basis e_a.
  [[nodiscard]] const Matrix& basis() const noexcept { return m_basis; }
  /// \brief |det E| = |C|: dx = |det E| ds.
  [[nodiscard]] Scalar jacobian() const noexcept { return m_jacobian; }

  /// \brief x = E s.
  [[nodiscard]] Vector position(const Vector& s) const { return m_basis * s; }

  /// \brief The box [0, side)^Dim with `points` points per axis, origin 0: its point with
  /// multi-index k is s = k·side/points, x = E s. For a Supercell of M cells and ε, side εM and
  /// points M give the cell origins x_ν = ε Σ_a ν_a e_a in Supercell::cell_origin's order (row-major);
  /// points M/k every k-th of them.
  /// \pre points >= 1; side finite and > 0.
  [[nodiscard]] PeriodicGrid<Dim, Scalar> grid(std::ptrdiff_t points, Scalar side) const {
    require(points >= 1, "LatticeCoordinates::grid: {} points per axis must be >= 1", points);
    require(std::isfinite(side) && side > 0,
            "LatticeCoordinates::grid: side {} must be finite and > 0", side);
    typename PeriodicGrid<Dim, Scalar>::Counts counts;
    counts.fill(points);
    return PeriodicGrid<Dim, Scalar>(counts, Vector::Constant(side));
  }

  /// \brief The band data of the box problem: same p and E, D̃_a = Σ_i (E⁻¹)_{ai} D_i.
  [[nodiscard]] BandData<Dim, Scalar> band_data(const BandData<Dim, Scalar>& cartesian) const {
    BandData<Dim, Scalar> out(cartesian.band_count());
    for (Eigen::Index q = 0; q < cartesian.size(); ++q) {
      typename BandData<Dim, Scalar>::DMatrices d;
      for (int a = 0; a < Dim; ++a) {
        d[static_cast<std::size_t>(a)] = BandData<Dim, Scalar>::ComplexMatrix::Zero(
            cartesian.band_count(), cartesian.band_count());
        for (int i = 0; i < Dim; ++i) d[static_cast<std::size_t>(a)] += m_inverse(a, i) * cartesian.D(q, i);
      }
      out.add(cartesian.momentum(q), cartesian.energies(q), d);
    }
    return out;
  }

  /// \brief The overlaps of set_wave_packet on the box: displacements Eᵀd, every packet band's
  /// overlaps |det E|^{1/2}·A (the Jacobian of â, see the class doc).
  [[nodiscard]] PacketOverlaps<Dim, Scalar> packet_overlaps(
      const PacketOverlaps<Dim, Scalar>& cartesian) const {
    PacketOverlaps<Dim, Scalar> out;
    out.displacements.reserve(cartesian.displacements.size());
    for (const auto& d : cartesian.displacements)
      out.displacements.push_back(Vector(m_basis.transpose() * d));
    for (const auto& a : cartesian.overlaps) out.overlaps.push_back(a * std::sqrt(m_jacobian));
    return out;
  }

  /// \brief The envelope on the box, s ↦ a(Es).
  template <class Envelope>
  [[nodiscard]] auto envelope(Envelope a) const {
    return [a = std::move(a), basis = m_basis](const Vector& s) { return a(Vector(basis * s)); };
  }

  /// \brief J = E J̃ from the lattice components J̃ (one array per axis, equal lengths).
  [[nodiscard]] std::array<std::vector<complex_type>, Dim> cartesian(
      const std::array<std::vector<complex_type>, Dim>& components) const {
    const std::size_t size = components[0].size();
    for (int a = 1; a < Dim; ++a)
      require(components[static_cast<std::size_t>(a)].size() == size,
              "LatticeCoordinates::cartesian: component {} has {} values, component 0 has {}", a,
              components[static_cast<std::size_t>(a)].size(), size);
    std::array<std::vector<complex_type>, Dim> out;
    for (int i = 0; i < Dim; ++i) {
      auto& v = out[static_cast<std::size_t>(i)];
      v.assign(size, complex_type(0));
      for (int a = 0; a < Dim; ++a)
        for (std::size_t k = 0; k < size; ++k)
          v[k] += m_basis(i, a) * components[static_cast<std::size_t>(a)][k];
    }
    return out;
  }

 private:
  Matrix m_basis;
  Matrix m_inverse;
  Scalar m_jacobian;
};

}  // namespace wavekin
