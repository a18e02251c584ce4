// wavekin/bloch/bloch_solver.hpp — Bloch eigenpairs E_m(k), c^m_G(k) by plane waves (P1 §2.1,
// docs/conventions.md §6). SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/detail/lattice_index.hpp"
#include "wavekin/bloch/eigen_policy.hpp"
#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

/// \brief Options of BlochSolver; `{.energy_cutoff = 40}` is the everyday case.
struct BlochOptions {
  /// E_cut: plane waves with ½|k+G|² ≤ E_cut are kept. Must be set (> 0).
  double energy_cutoff = 0;
  /// Check at construction that V is real, V̂(−μ) = conj V̂(μ), i.e. that H(k)
  /// is Hermitian. `false` skips the check and solves with the Hermitian part
  /// ½(H + Hᴴ) — the potential Re V — since the solvers are Hermitian.
  bool real_potential = true;
  /// AutoEigen: dense below this many plane waves.
  Eigen::Index dense_limit = 1500;
  /// IterativeEigen: relative tolerance on Ritz values.
  double tolerance = 1e-10;
  /// IterativeEigen: maximum Lanczos restarts.
  Eigen::Index max_iterations = 1000;
};

/// \brief The Bloch eigenpairs at one k: Ψ_m(x,k) = Σ_G c^m_G(k) e^{i(k+G)·x},
/// m = 0 … n−1 (docs/conventions.md §6).
///
/// `coefficients(i, m)` = c^m_G for G labelled `basis.label(i)`; the columns
/// are orthonormal (Σ_G |c^m_G|² = 1 is the normalisation
/// (1/|C|)∫_C Ψ_m conj Ψ_j = δ_mj). Energies ascending.
template <int Dim, RealScalar Scalar = double>
struct BlochState {
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  Vector k;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> energies;
  Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic> coefficients;
  PlaneWaveBasis<Dim, Scalar> basis;

  /// \brief Number of bands held.
  [[nodiscard]] Eigen::Index band_count() const noexcept { return energies.size(); }
};

/// \brief Plane-wave solver of the Bloch problem H_V Ψ = EΨ, H_V = −½Δ + V,
/// Ψ(x+ν) = e^{ik·ν}Ψ(x) (P1 (2.1)): at each k it diagonalises
/// \f$H_{GG'}(k) = \tfrac12|k+G|^2\delta_{GG'} + \hat V(G-G')\f$ on the basis
/// ½|k+G|² ≤ E_cut (docs/conventions.md §6).
///
/// Construction evaluates V̂ once on every difference G − G' any basis of this
/// cutoff can produce (|G − G'| ≤ 2√(2E_cut)) and checks V̂(−μ) = conj V̂(μ)
/// to 1e-12·max|V̂| (relative; 16 ε_machine in float). `solve` then costs
/// O(N²) to assemble and O(N³) (dense) or O(N² · matvecs) (iterative).
///
/// Gauge: each returned column is multiplied by a phase making its largest
/// coefficient (the first, in basis order, within a relative 1e-8 of the
/// maximum modulus) real and positive. This is deterministic but not smooth
/// in k, and at a degeneracy it does not fix the U(n) freedom: the eigenbasis
/// there is whatever the eigensolver returns. Smooth gauges are BandTable's job.
///
/// Accuracy: the energies are those of the truncated H, so they converge from
/// above as E_cut grows (variational), exponentially for analytic V,
/// algebraically for a discontinuous one (Kronig–Penney).
///
/// \tparam Dim          dimension of space
/// \tparam Potential    a PeriodicPotential<Potential, Dim, Scalar>
/// \tparam EigenPolicy  DenseEigen, IterativeEigen or AutoEigen (default)
/// \tparam Scalar       float or double
template <int Dim, class Potential, class EigenPolicy = AutoEigen, RealScalar Scalar = double>
class BlochSolver {
  static_assert(PeriodicPotential<Potential, Dim, Scalar>,
                "BlochSolver: Potential must provide std::complex<Scalar> "
                "fourier_coefficient(const Lattice<Dim, Scalar>&, const LatticeIndex<Dim>&) const");
  static_assert(HermitianEigenPolicy<EigenPolicy, Scalar>,
                "BlochSolver: EigenPolicy must be DenseEigen, IterativeEigen, AutoEigen or a type "
                "with a static template lowest<Scalar>(H, n, EigenControls) -> EigenPairs<Scalar>");

 public:
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using Label = LatticeIndex<Dim>;
  using Basis = PlaneWaveBasis<Dim, Scalar>;
  using State = BlochState<Dim, Scalar>;
  using ComplexMatrix = Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;

  /// \pre options.energy_cutoff finite and > 0, and small enough that the plane-wave matrix fits
  /// in memory (PlaneWaveBasis::require_feasible); V̂ finite; V real unless
  /// options.real_potential is false; tolerance in (0, 1); max_iterations >= 1.
  BlochSolver(const Lattice<Dim, Scalar>& lattice, Potential potential, const BlochOptions& options)
      : m_lattice(lattice), m_potential(std::move(potential)), m_options(options) {
    require(std::isfinite(options.energy_cutoff) && options.energy_cutoff > 0,
            "BlochSolver: energy cutoff E_cut = {} must be finite and > 0", options.energy_cutoff);
    require(std::isfinite(options.tolerance) && options.tolerance > 0 && options.tolerance < 1,
            "BlochSolver: tolerance {} must lie in (0, 1)", options.tolerance);
    require(options.max_iterations >= 1, "BlochSolver: max_iterations = {} must be >= 1",
            options.max_iterations);
    // Every solve builds a basis of this cutoff and its dense Hamiltonian: an impossible cutoff
    // is an error here, before V̂ is tabulated, not at the first solve.
    Basis::require_feasible(lattice, Scalar(options.energy_cutoff));
    tabulate_potential();
  }

  [[nodiscard]] const Lattice<Dim, Scalar>& lattice() const noexcept { return m_lattice; }
  [[nodiscard]] const Potential& potential() const noexcept { return m_potential; }
  [[nodiscard]] const BlochOptions& options() const noexcept { return m_options; }

  /// \brief The plane-wave basis at k for this solver's cutoff.
  /// \pre k has Dim finite components.
  template <class Derived>
  [[nodiscard]] Basis basis(const Eigen::MatrixBase<Derived>& k) const {
    return Basis(m_lattice, checked_k(k, "BlochSolver::basis"), Scalar(m_options.energy_cutoff));
  }

  /// \brief V̂(μ_n), from the table built at construction when n is in it.
  [[nodiscard]] std::complex<Scalar> potential_coefficient(const Label& n) const {
    std::int64_t flat = 0;
    for (int l = Dim - 1; l >= 0; --l) {
      if (n[l] < -m_half[l] || n[l] > m_half[l])
        return std::complex<Scalar>(m_potential.fourier_coefficient(m_lattice, n));
      flat = flat * (2 * m_half[l] + 1) + (n[l] + m_half[l]);
    }
    return m_table[static_cast<std::size_t>(flat)];
  }

  /// \brief H_{GG'}(k) = ½|k+G|² δ_{GG'} + V̂(G − G') on `basis`, in full
  /// (docs/conventions.md §6); the Hermitian part of it when real_potential is false.
  [[nodiscard]] ComplexMatrix hamiltonian(const Basis& basis) const {
    const Eigen::Index size = basis.size();
    ComplexMatrix h(size, size);
    for (Eigen::Index j = 0; j < size; ++j) {
      const Label& nj = basis.labels()[static_cast<std::size_t>(j)];
      for (Eigen::Index i = 0; i < size; ++i)
        h(i, j) = potential_coefficient(Label(basis.labels()[static_cast<std::size_t>(i)] - nj));
      h(j, j) += basis.wavevectors().col(j).squaredNorm() / 2;
    }
    if (!m_options.real_potential) h = (Scalar(0.5) * (h + h.adjoint())).eval();
    return h;
  }

  /// \brief The n_bands lowest Bloch eigenpairs at k (any k ∈ ℝ^Dim; not
  /// reduced to the zone, so that solve(k + μ) is the relabelled solve(k)).
  /// \pre k has Dim finite components; 1 <= n_bands <= basis size.
  /// \throws invalid_argument on bad input, convergence_error from IterativeEigen.
  template <class Derived>
  [[nodiscard]] State solve(const Eigen::MatrixBase<Derived>& k, Eigen::Index n_bands) const {
    const Vector kv = checked_k(k, "BlochSolver::solve");
    require(n_bands >= 1, "BlochSolver::solve: n_bands = {} must be >= 1", n_bands);
    Basis basis(m_lattice, kv, Scalar(m_options.energy_cutoff));
    require(n_bands <= basis.size(),
            "BlochSolver::solve: cutoff too small for n_bands: basis has {} plane waves, asked "
            "for {} bands (energy_cutoff = {})",
            basis.size(), n_bands, m_options.energy_cutoff);
    const ComplexMatrix h = hamiltonian(basis);
    const EigenControls controls{m_options.dense_limit, m_options.tolerance,
                                 m_options.max_iterations};
    EigenPairs<Scalar> pairs = EigenPolicy::template lowest<Scalar>(h, n_bands, controls);
    fix_phases(pairs.vectors);
    return State{kv, std::move(pairs.values), std::move(pairs.vectors), std::move(basis)};
  }

 private:
  template <class Derived>
  static Vector checked_k(const Eigen::MatrixBase<Derived>& k, const char* where) {
    require(k.size() == Dim, "{}: k has {} components, expected {}", where, k.size(), Dim);
    Vector out;
    for (int i = 0; i < Dim; ++i) {
      out[i] = static_cast<Scalar>(k(i));
      require(std::isfinite(out[i]), "{}: component {} of k is not finite ({})", where, i, out[i]);
    }
    return out;
  }

  // V̂ on the box |n_l| <= m_half[l], which holds every G − G' of a basis:
  // |k+G|, |k+G'| <= R ⇒ |G−G'| <= 2R ⇒ |n_l| = |e_l·(G−G')|/2π <= |e_l|·2R/2π.
  void tabulate_potential() {
    const double radius = std::sqrt(2.0 * m_options.energy_cutoff);
    Eigen::Matrix<double, Dim, 1> reach;
    for (int l = 0; l < Dim; ++l)
      reach[l] = static_cast<double>(m_lattice.basis().col(l).norm()) * 2 * radius /
                     (2 * std::numbers::pi_v<double>) +
                 1;
    Label low;
    const double points =
        detail::integer_box<Dim>(Eigen::Matrix<double, Dim, 1>::Zero(), reach, 5e7, low, m_half);
    require(points <= 5e7,
            "BlochSolver: energy cutoff E_cut = {} needs V̂ on {:.3g} lattice vectors; reduce it",
            m_options.energy_cutoff, points);
    m_table.resize(static_cast<std::size_t>(points));
    Label n = -m_half;
    Scalar largest = 0;
    for (std::size_t flat = 0; flat < m_table.size(); ++flat) {
      // flat = Σ_l (n_l + half_l) Π_{l' < l}(2 half_l' + 1): first axis fastest.
      const std::complex<Scalar> value(m_potential.fourier_coefficient(m_lattice, n));
      require(std::isfinite(value.real()) && std::isfinite(value.imag()),
              "BlochSolver: the potential's Fourier coefficient at index {} is not finite "
              "({}, {})",
              detail::format_index<Dim>(n), value.real(), value.imag());
      m_table[flat] = value;
      largest = std::max(largest, std::abs(value));
      for (int l = 0; l < Dim; ++l) {
        if (n[l] < m_half[l]) {
          ++n[l];
          break;
        }
        n[l] = -m_half[l];
      }
    }
    if (!m_options.real_potential) return;
    const Scalar tolerance =
        std::max(Scalar(1e-12), 16 * std::numeric_limits<Scalar>::epsilon()) * largest;
    n = -m_half;
    for (std::size_t flat = 0; flat < m_table.size(); ++flat) {
      const std::complex<Scalar> plus = m_table[flat];
      const std::complex<Scalar> minus = m_table[m_table.size() - 1 - flat];  // box is symmetric
      require(std::abs(minus - std::conj(plus)) <= tolerance,
              "BlochSolver: the potential is not real: V̂(−μ) ≠ conj V̂(μ) for μ of index {}: "
              "V̂(μ) = ({}, {}), V̂(−μ) = ({}, {}) (set real_potential = false to use Re V)",
              detail::format_index<Dim>(n), plus.real(), plus.imag(), minus.real(), minus.imag());
      for (int l = 0; l < Dim; ++l) {
        if (n[l] < m_half[l]) {
          ++n[l];
          break;
        }
        n[l] = -m_half[l];
      }
    }
  }

  static void fix_phases(ComplexMatrix& vectors) {
    for (Eigen::Index c = 0; c < vectors.cols(); ++c) {
      const Scalar largest = vectors.col(c).cwiseAbs().maxCoeff();
      Eigen::Index pick = 0;
      while (std::abs(vectors(pick, c)) < (1 - Scalar(1e-8)) * largest) ++pick;
      const std::complex<Scalar> z = vectors(pick, c);
      vectors.col(c) *= std::conj(z) / std::abs(z);
      vectors(pick, c) = std::abs(z);  // exactly real
    }
  }

  Lattice<Dim, Scalar> m_lattice;
  Potential m_potential;
  BlochOptions m_options;
  Label m_half;
  std::vector<std::complex<Scalar>> m_table;
};

/// \brief `BlochSolver solver(lattice, potential, {.energy_cutoff = 40});`
template <int Dim, RealScalar Scalar, class Potential>
BlochSolver(const Lattice<Dim, Scalar>&, Potential, const BlochOptions&)
    -> BlochSolver<Dim, Potential, AutoEigen, Scalar>;

/// \brief A solver with a chosen eigen policy:
/// `make_bloch_solver<IterativeEigen>(lattice, potential, {.energy_cutoff = 400})`.
template <class EigenPolicy, int Dim, RealScalar Scalar, class Potential>
BlochSolver<Dim, Potential, EigenPolicy, Scalar> make_bloch_solver(
    const Lattice<Dim, Scalar>& lattice, Potential potential, const BlochOptions& options) {
  return BlochSolver<Dim, Potential, EigenPolicy, Scalar>(lattice, std::move(potential), options);
}

}  // namespace wavekin
