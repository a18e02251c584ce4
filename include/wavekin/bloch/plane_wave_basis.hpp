// wavekin/bloch/plane_wave_basis.hpp — the plane waves e^{i(k+G)·x} kept by an energy cutoff, and
// label maps. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>

#include "wavekin/bloch/detail/lattice_index.hpp"
#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/memory.hpp"

namespace wavekin {

/// \brief The plane-wave basis {e^{i(k+G)·x} : G ∈ Λ*, ½|k+G|² ≤ E_cut} at a
/// wavevector k, with the integer label n of each G = Σ n_l e^l.
///
/// The kinetic cutoff is centred on −k, so the basis at k + μ is the basis at
/// k with every label shifted by −μ: the same plane waves. This is what makes
/// the relabelling c^m_G(k+μ) = c^m_{G+μ}(k) of docs/conventions.md §6 exact (P1 §2.1 (ii)).
/// (Which plane waves lie exactly on the sphere ½|k+G|² = E_cut is decided by
/// floating-point rounding; `shifted` never re-decides, it relabels.)
///
/// Plane waves are ordered by kinetic energy, ties by label lexicographically,
/// so the order is deterministic. `index_of(n)` finds a label in O(1).
/// \tparam Dim     dimension of space
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
class PlaneWaveBasis {
 public:
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using Label = LatticeIndex<Dim>;
  using Index = Eigen::Index;
  /// \brief What `index_of` returns for a label not in the basis.
  static constexpr Index npos = -1;

  /// \brief All G with ½|k+G|² ≤ energy_cutoff.
  /// \pre k finite; energy_cutoff finite and > 0; the basis, estimated before it is enumerated
  /// (size_estimate), small enough that its dense Hamiltonian (matrix_bytes) fits in this
  /// machine's physical memory (invalid_argument stating the estimate otherwise, e.g.
  /// "E_cut = 1e6 needs about 300 GB for the plane-wave matrix (N = 1.4e5 plane waves ...);
  /// this machine has 24 GB").
  PlaneWaveBasis(const Lattice<Dim, Scalar>& lattice, const Vector& k, Scalar energy_cutoff)
      : m_lattice(lattice), m_k(k), m_energy_cutoff(energy_cutoff) {
    for (int i = 0; i < Dim; ++i)
      require(std::isfinite(k[i]), "PlaneWaveBasis: component {} of k is not finite ({})", i, k[i]);
    require_feasible(lattice, energy_cutoff);
    // |k+G| ≤ R and n_l = e_l·G/2π ⇒ n_l ∈ [(−e_l·k − |e_l|R)/2π, (−e_l·k + |e_l|R)/2π]; the
    // box is widened by 2 on each side so that rounding never drops a plane wave on the sphere.
    const double radius = std::sqrt(2.0 * static_cast<double>(energy_cutoff));
    const double two_pi = 2 * std::numbers::pi_v<double>;
    Eigen::Matrix<double, Dim, 1> centre, reach;
    for (int l = 0; l < Dim; ++l) {
      centre[l] = -static_cast<double>(lattice.basis().col(l).dot(k)) / two_pi;
      reach[l] = static_cast<double>(lattice.basis().col(l).norm()) * radius / two_pi + 2;
    }
    Label low, high;
    const double box_points = detail::integer_box<Dim>(centre, reach, max_box_points, low, high);
    require(box_points <= max_box_points,
            "PlaneWaveBasis: energy cutoff E_cut = {} would scan {:.3g} candidate plane waves; "
            "reduce it",
            energy_cutoff, box_points);
    struct Entry {
      Label label;
      Scalar energy;
    };
    std::vector<Entry> kept;
    Label n = low;
    do {
      const Scalar energy = (k + lattice.reciprocal(n)).squaredNorm() / 2;
      if (energy <= energy_cutoff) kept.push_back({n, energy});
    } while (detail::next_in_box(n, low, high));
    std::sort(kept.begin(), kept.end(), [](const Entry& a, const Entry& b) {
      if (a.energy != b.energy) return a.energy < b.energy;
      return std::lexicographical_compare(a.label.begin(), a.label.end(), b.label.begin(),
                                          b.label.end());
    });
    require_fits(lattice, energy_cutoff, static_cast<double>(kept.size()));
    m_labels.reserve(kept.size());
    for (const Entry& e : kept) m_labels.push_back(e.label);
    finish();
  }

  /// \brief About how many plane waves ½|k+G|² ≤ E_cut holds: the volume of the ball of radius
  /// √(2 E_cut) over |B| (Lattice::reciprocal_count_estimate), at least 1 (G = 0 near k = 0);
  /// +inf for an absurd cutoff. Exact up to the sphere's surface term.
  [[nodiscard]] static double size_estimate(const Lattice<Dim, Scalar>& lattice,
                                            Scalar energy_cutoff) {
    const double radius = std::sqrt(2.0 * static_cast<double>(energy_cutoff));
    return std::max(1.0, lattice.reciprocal_count_estimate(static_cast<Scalar>(radius)));
  }

  /// \brief Throws invalid_argument, stating the estimate, unless a basis of this cutoff can be
  /// made and solved on this machine: E_cut finite and > 0, size_estimate() plane waves
  /// countable, and their dense Hamiltonian (matrix_bytes) within the physical memory
  /// (physical_memory_bytes). The constructor and BlochSolver's call it first; a driver can call
  /// it to check a `--ecut` before any work.
  static void require_feasible(const Lattice<Dim, Scalar>& lattice, Scalar energy_cutoff) {
    require(std::isfinite(energy_cutoff) && energy_cutoff > 0,
            "PlaneWaveBasis: energy cutoff E_cut = {} must be finite and > 0", energy_cutoff);
    require_fits(lattice, energy_cutoff, size_estimate(lattice, energy_cutoff));
  }

  /// \brief Bytes of the dense N × N complex Hamiltonian on a basis of `plane_waves` plane waves
  /// (what BlochSolver builds and diagonalises): N² sizeof(std::complex<Scalar>).
  [[nodiscard]] static double matrix_bytes(double plane_waves) {
    return plane_waves * plane_waves * static_cast<double>(sizeof(std::complex<Scalar>));
  }

  /// \brief The same plane waves seen from k + μ: labels n − μ_index, wavevector
  /// k + μ (docs/conventions.md §6: c^m_G(k+μ) = c^m_{G+μ}(k)). Coefficient vectors keep
  /// their row order.
  [[nodiscard]] PlaneWaveBasis shifted(const Label& mu_index) const {
    PlaneWaveBasis out = *this;
    out.m_k = m_k + m_lattice.reciprocal(mu_index);
    for (Label& label : out.m_labels) label -= mu_index;
    out.finish();
    return out;
  }

  [[nodiscard]] Index size() const noexcept { return static_cast<Index>(m_labels.size()); }
  [[nodiscard]] const Vector& k() const noexcept { return m_k; }
  [[nodiscard]] Scalar energy_cutoff() const noexcept { return m_energy_cutoff; }
  [[nodiscard]] const Lattice<Dim, Scalar>& lattice() const noexcept { return m_lattice; }
  [[nodiscard]] const std::vector<Label>& labels() const noexcept { return m_labels; }
  /// \brief Label n of plane wave i.
  [[nodiscard]] const Label& label(Index i) const { return m_labels.at(checked(i)); }
  /// \brief k + G of every plane wave, one column each (Dim × size).
  [[nodiscard]] const Eigen::Matrix<Scalar, Dim, Eigen::Dynamic>& wavevectors() const noexcept {
    return m_wavevectors;
  }
  /// \brief k + G of plane wave i.
  [[nodiscard]] Vector wavevector(Index i) const { return m_wavevectors.col(checked(i)); }
  /// \brief ½|k+G|² of plane wave i.
  [[nodiscard]] Scalar kinetic_energy(Index i) const {
    return m_wavevectors.col(checked(i)).squaredNorm() / 2;
  }
  /// \brief Position of label n, or npos.
  [[nodiscard]] Index index_of(const Label& n) const {
    const auto it = m_position.find(n);
    return it == m_position.end() ? npos : it->second;
  }
  [[nodiscard]] bool contains(const Label& n) const { return m_position.contains(n); }

 private:
  // The enumeration box: about 10 s of scanning. Bases anywhere near it are far beyond the
  // matrices require_fits allows on any machine, unless the lattice is very anisotropic.
  static constexpr double max_box_points = 2e8;

  // Throws invalid_argument, stating the estimate, when `plane_waves` plane waves are more than
  // the index type holds or their dense Hamiltonian would not fit in this machine's memory.
  static void require_fits(const Lattice<Dim, Scalar>& lattice, Scalar energy_cutoff,
                           double plane_waves) {
    require(plane_waves <= static_cast<double>(std::numeric_limits<Index>::max()),
            "PlaneWaveBasis: energy cutoff E_cut = {} needs about {:.3g} plane waves, more than an "
            "index can count",
            energy_cutoff,
            plane_waves);
    require_fits_in_memory(
        matrix_bytes(plane_waves), fmt::format("PlaneWaveBasis: E_cut = {}", energy_cutoff),
        fmt::format("the plane-wave matrix (N = {:.3g} plane waves on a cell of volume {:.3g})",
                    plane_waves, static_cast<double>(lattice.cell_volume())));
  }

  Index checked(Index i) const {
    require(i >= 0 && i < size(), "PlaneWaveBasis: plane wave {} is outside [0, {})", i, size());
    return i;
  }

  void finish() {
    m_position.clear();
    m_position.reserve(m_labels.size());
    m_wavevectors.resize(Dim, size());
    for (Index i = 0; i < size(); ++i) {
      const Label& n = m_labels[static_cast<std::size_t>(i)];
      m_position.emplace(n, i);
      m_wavevectors.col(i) = m_k + m_lattice.reciprocal(n);
    }
  }

  Lattice<Dim, Scalar> m_lattice;
  Vector m_k;
  Scalar m_energy_cutoff;
  std::vector<Label> m_labels;
  Eigen::Matrix<Scalar, Dim, Eigen::Dynamic> m_wavevectors;
  std::unordered_map<Label, Index, detail::LatticeIndexHash<Dim>, detail::LatticeIndexEqual<Dim>>
      m_position;
};

/// \brief Re-expresses coefficient columns given on `from` in the basis `to`
/// by integer label: row `to.index_of(n)` receives row `from.index_of(n)`;
/// labels of `to` missing from `from` get 0 (their plane waves were cut off).
/// Used for A(q,p) and relabelling (docs/conventions.md §6–§7).
/// \pre coefficients.rows() = from.size().
template <int Dim, RealScalar Scalar>
Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic> map_coefficients(
    const PlaneWaveBasis<Dim, Scalar>& from,
    const Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>& coefficients,
    const PlaneWaveBasis<Dim, Scalar>& to) {
  require(coefficients.rows() == from.size(),
          "map_coefficients: {} coefficient rows for a basis of {} plane waves",
          coefficients.rows(), from.size());
  Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic> out =
      Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>::Zero(
          to.size(), coefficients.cols());
  for (Eigen::Index i = 0; i < to.size(); ++i) {
    const Eigen::Index j = from.index_of(to.labels()[static_cast<std::size_t>(i)]);
    if (j != PlaneWaveBasis<Dim, Scalar>::npos) out.row(i) = coefficients.row(j);
  }
  return out;
}

}  // namespace wavekin
