// wavekin/bloch/matrix_elements.hpp — band velocity, interband D_i, overlaps A(q,p) and relabelling
// (docs/conventions.md §6–§7). SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <complex>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

namespace detail {

template <int Dim, class Scalar>
void check_band(const BlochState<Dim, Scalar>& state, Eigen::Index m, const char* where) {
  require(m >= 0 && m < state.band_count(), "{}: band {} is outside [0, {})", where, m,
          state.band_count());
}

}  // namespace detail

/// \brief Group velocity by Hellmann–Feynman, \f$\nabla_k E_m = \sum_G (k+G)|c^m_G(k)|^2\f$
/// (the diagonal of D, P1 Remark 3.3; docs/conventions.md §7). Valid where E_m is simple.
/// \pre 0 <= m < state.band_count().
template <int Dim, RealScalar Scalar>
Eigen::Matrix<Scalar, Dim, 1> band_velocity(const BlochState<Dim, Scalar>& state, Eigen::Index m) {
  detail::check_band(state, m, "band_velocity");
  return state.basis.wavevectors() * state.coefficients.col(m).cwiseAbs2();
}

/// \brief The interband matrices \f$D_{i,nl}(k) = \langle(-i\partial_{z_i})\Psi_l,\Psi_n\rangle_C
/// = \sum_G (k+G)_i\, c^l_G \overline{c^n_G}\f$ for n, l in `bands`
/// (docs/conventions.md §7; the matrix D of P1 (3.17) and the line after it: D_12 =
/// ⟨(−i∇)Ψ_2, Ψ_1⟩, so the ROW index n is conjugated), i = 0 … Dim−1.
/// As matrices, D_i = Cᴴ diag((k+G)_i) C with C the selected columns: Hermitian,
/// diagonal ∂E_l/∂k_i where E_l is simple.
/// \pre every band index in [0, state.band_count()).
template <int Dim, RealScalar Scalar>
std::array<Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>, Dim> interband_D(
    const BlochState<Dim, Scalar>& state, const std::vector<Eigen::Index>& bands) {
  using ComplexMatrix = Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;
  const auto count = static_cast<Eigen::Index>(bands.size());
  ComplexMatrix c(state.coefficients.rows(), count);
  for (Eigen::Index j = 0; j < count; ++j) {
    detail::check_band(state, bands[static_cast<std::size_t>(j)], "interband_D");
    c.col(j) = state.coefficients.col(bands[static_cast<std::size_t>(j)]);
  }
  std::array<ComplexMatrix, Dim> d;
  for (int i = 0; i < Dim; ++i) {
    const ComplexMatrix weighted = state.basis.wavevectors()
                                       .row(i)
                                       .transpose()
                                       .template cast<std::complex<Scalar>>()
                                       .asDiagonal() *
                                   c;
    d[static_cast<std::size_t>(i)] = c.adjoint() * weighted;
  }
  return d;
}

/// \brief interband_D on all bands of the state.
template <int Dim, RealScalar Scalar>
std::array<Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>, Dim> interband_D(
    const BlochState<Dim, Scalar>& state) {
  std::vector<Eigen::Index> all(static_cast<std::size_t>(state.band_count()));
  for (Eigen::Index j = 0; j < state.band_count(); ++j) all[static_cast<std::size_t>(j)] = j;
  return interband_D(state, all);
}

/// \brief The overlaps \f$A_{mj}(q,p) = \frac{1}{|C|}\int_C e^{-i(q-p)\cdot y}\Psi_m(y,q)
/// \overline{\Psi_j(y,p)}\,dy = \sum_G c^m_G(q)\,\overline{c^j_G(p)}\f$
/// (docs/conventions.md §7; defined after P1 (4.11), used in (4.15)), matched by integer label
/// G: a label present in only one of the two bases contributes 0. Rows m: bands of state_q;
/// columns j: bands of state_p. A(p,p) = I; A is unitary when both states hold every band of the
/// same label set.
/// \pre both states on the same lattice (not checked: labels are compared as integers).
template <int Dim, RealScalar Scalar>
Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic> overlap_A(
    const BlochState<Dim, Scalar>& state_q, const BlochState<Dim, Scalar>& state_p) {
  // A = (C_pᴴ C_q)ᵀ with C_p brought onto q's labels.
  const auto p_on_q = map_coefficients(state_p.basis, state_p.coefficients, state_q.basis);
  return (p_on_q.adjoint() * state_q.coefficients).transpose();
}

/// \brief The state at k + μ, μ = Σ n_l e^l, by relabelling:
/// \f$c^m_G(k+\mu) = c^m_{G+\mu}(k)\f$ (docs/conventions.md §6, P1 §2.1 (ii)), phase
/// included. The plane waves and energies are unchanged; only k and the labels
/// move (labels n → n − μ_index), so this is exact, with no new solve.
template <int Dim, RealScalar Scalar>
BlochState<Dim, Scalar> relabel(const BlochState<Dim, Scalar>& state,
                                const LatticeIndex<Dim>& mu_index) {
  PlaneWaveBasis<Dim, Scalar> basis = state.basis.shifted(mu_index);
  const auto k = basis.k();
  return BlochState<Dim, Scalar>{k, state.energies, state.coefficients, std::move(basis)};
}

}  // namespace wavekin
