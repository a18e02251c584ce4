// wavekin/bloch/supercell_bloch.hpp — the exact Bloch decomposition of a wave on a supercell
// (P1 (2.2)–(2.3)), and on it the exact propagator of (1.2) with periodic V and the Bloch
// coherences N_jl. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/eigen_policy.hpp"
#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/bloch/potential.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

/// \brief The Bloch decomposition of the grid Schrödinger operator H = −½Δ_z + V(z) on a
/// Supercell, exact to round-off: at each of its M^Dim quasi-momenta p_r it diagonalises H on the
/// n^Dim plane waves p_r + G the grid carries, and maps waves to band coefficients and back by
/// one FFT.
///
/// **The discrete problem.** Δ is the spectral Laplacian of the grid (symbol −|p_r + G|², the
/// Nyquist slot kept, docs/conventions.md §3) and V acts by multiplication with its samples V(z_i)
/// (`potential_samples()`), where V is the potential's Fourier series truncated to the labels
/// |n_l| ≤ n/2 (exact for a CosineSum whose labels satisfy this, and for a SampledPotential of n
/// points per axis, whose samples it reproduces). Multiplication on the grid couples G and G'
/// through V̂ folded modulo n, so at p_r
/// \f[ H_{GG'}(p_r) = \tfrac12|p_r+G|^2\delta_{GG'} + \sum_{\mu\equiv G-G' \,(\mathrm{mod}\ n)}
///     \hat V(\mu), \f]
/// a Hermitian n^Dim × n^Dim matrix (docs/conventions.md §6 with the grid's aliasing), diagonalised
/// densely (DenseEigen). Its lowest eigenpairs agree with BlochSolver's to the truncation error of
/// both (spectral in n and E_cut for smooth V). This is also exactly the operator a split-step or
/// any Fourier method on the same grid discretises, so the propagator below is their Δt → 0
/// limit.
///
/// **The transform** (P1 (2.2)–(2.3), docs/conventions.md §12). With x = εz and Bloch waves
/// Ψ_j(z, p) = Σ_G c^j_G(p) e^{i(p+G)·z}, normalised as (1/|C|)∫_C |Ψ_j|² = 1,
/// \f[ \hat f_j(p) = (2\pi\varepsilon)^{-d}\int \phi(x)\,\overline{\Psi_j(x/\varepsilon,p)}\,dx
///     = (2\pi)^{-d}\int \phi\,\overline{\Psi_j}\,dz, \qquad
///     \phi(x) = \sum_j\int_B \hat f_j(p)\,\Psi_j(x/\varepsilon,p)\,dp, \f]
/// ε-free in z. On the supercell the integrals are the grid sums (|C|/n^Dim per point) and
/// Σ_r w, w = |B|/M^Dim, and both directions are exact: f̂_j(p_r) = (|B| n^Dim)^{−1} Σ_G
/// conj(c^j_G) F(p_r + G), F the unnormalised DFT of φ. Parseval:
/// ∫|φ|² dz = (2π)^d Σ_r w Σ_j |f̂_j(p_r)|² (`wave_norm_squared`, `coefficient_norm_squared`).
/// - With the full set of bands (band_count() = n^Dim, the default) the transform is **unitary**
///   between these two norms: inverse(forward(φ)) = φ and forward(inverse(f̂)) = f̂.
/// - With fewer bands, `inverse` is an isometry and inverse(forward(φ)) is the **orthogonal
///   projection** of φ on the span of the kept bands; forward(inverse(f̂)) = f̂ still.
///
/// Normalisation: this f̂ is (2π)^{−d} times the φ̃ of P1 (2.2). P1's (2.3) carries 1/|B| where
/// the normalisation above needs (2π)^{−d} = 1/(|B||C|) (docs/conventions.md §6).
///
/// **Exact dynamics** (P1 (1.2)/(2.5), periodic V, no randomness): iε∂_tφ = −(ε²/2)Δ_xφ +
/// V(x/ε)φ is iε∂_tφ = Hφ in z, so f̂_j(p, t) = e^{−iE_j(p)t/ε} f̂_j(p, 0) (`evolve`): exact in t
/// for every ε, no time stepping. With all bands this is the exact flow of the grid equation;
/// with fewer, of its projection (exact for data in the span).
///
/// **Gauge**: the eigenvectors as DenseEigen returns them (deterministic, not smooth in p);
/// σ, N_jl off the diagonal, D and A are meaningful only in one gauge (docs/conventions.md §8):
/// take them all from this object's states (`state(r)`).
///
/// Cost: M^Dim dense eigensolves of size n^Dim at construction (O(M^d n^{3d})); a transform is
/// one FFT of (nM)^Dim points plus M^Dim products of n^Dim × band_count().
///
/// \tparam Dim     dimension of space
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
class SupercellBloch {
 public:
  using Cell = Supercell<Dim, Scalar>;
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;
  using Label = LatticeIndex<Dim>;
  using complex_type = std::complex<Scalar>;
  using RealVector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using ComplexMatrix = Eigen::Matrix<complex_type, Eigen::Dynamic, Eigen::Dynamic>;
  /// \brief Band coefficients: row j = band, column r = quasi-momentum p_r.
  using Coefficients = ComplexMatrix;
  using Index = Eigen::Index;

  /// \brief Solves at every p_r of the supercell.
  /// \param band_count  bands kept per p_r, 1 … n^Dim; −1 (default) keeps all n^Dim.
  /// \pre V real: folded V̂(−μ) = conj V̂(μ) to 1e-12·max|V̂| (16 ε_machine in float); V̂ finite.
  template <class Potential>
  SupercellBloch(const Cell& cell, const Potential& potential, Index band_count = -1)
      : m_cell(cell), m_fft(cell.grid().counts()) {
    static_assert(PeriodicPotential<Potential, Dim, Scalar>,
                  "SupercellBloch: Potential must provide std::complex<Scalar> "
                  "fourier_coefficient(const Lattice<Dim, Scalar>&, const LatticeIndex<Dim>&)");
    const Index size = cell.cell_size();
    m_band_count = band_count < 0 ? size : band_count;
    require(m_band_count >= 1 && m_band_count <= size,
            "SupercellBloch: band count {} must lie in [1, n^d = {}] (or −1 for all)", band_count,
            size);
    fold_potential(potential);
    m_energies.resize(m_band_count, cell.momentum_count());
    m_coefficients.reserve(static_cast<std::size_t>(cell.momentum_count()));
    for (Index r = 0; r < cell.momentum_count(); ++r) {
      EigenPairs<Scalar> pairs =
          DenseEigen::template lowest<Scalar>(hamiltonian(r), m_band_count, EigenControls{});
      m_energies.col(r) = pairs.values;
      m_coefficients.push_back(std::move(pairs.vectors));
    }
  }

  [[nodiscard]] const Cell& supercell() const noexcept { return m_cell; }
  [[nodiscard]] Index band_count() const noexcept { return m_band_count; }
  [[nodiscard]] Index momentum_count() const noexcept { return m_cell.momentum_count(); }
  /// \brief The FFT of the supercell grid (planned once; const use is thread-safe).
  [[nodiscard]] const Fft<Dim, Scalar>& fft() const noexcept { return m_fft; }

  /// \brief E_j(p_r): band_count() × M^Dim, ascending in j.
  [[nodiscard]] const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& energies()
      const noexcept {
    return m_energies;
  }
  /// \brief c^j_G(p_r): n^Dim × band_count(), rows in the Supercell's cell-label order,
  /// orthonormal columns.
  [[nodiscard]] const ComplexMatrix& coefficients(Index r) const {
    return m_coefficients[checked_r(r)];
  }

  /// \brief The grid Hamiltonian at p_r (see the class doc), n^Dim × n^Dim.
  [[nodiscard]] ComplexMatrix hamiltonian(Index r) const {
    checked_r(r);
    const Index size = m_cell.cell_size();
    ComplexMatrix h(size, size);
    for (Index j = 0; j < size; ++j)
      for (Index i = 0; i < size; ++i)
        h(i, j) = m_folded[static_cast<std::size_t>(
            class_of(Label(m_cell.label(i) - m_cell.label(j))))];
    for (Index b = 0; b < size; ++b) h(b, b) += m_cell.wavevector(r, b).squaredNorm() / 2;
    return h;
  }

  /// \brief V(z_i) at every supercell grid point (row-major), the potential the grid problem uses.
  [[nodiscard]] std::vector<Scalar> potential_samples() const {
    std::vector<Scalar> out(static_cast<std::size_t>(m_cell.size()));
    const Index n = m_cell.points_per_cell();
    for (std::ptrdiff_t i = 0; i < m_cell.size(); ++i) {
      const auto index = m_cell.grid().multi_index(i);
      Index flat = 0;
      for (int a = 0; a < Dim; ++a)
        flat = flat * n + static_cast<Index>(index[static_cast<std::size_t>(a)] % n);
      out[static_cast<std::size_t>(i)] = m_cell_samples[static_cast<std::size_t>(flat)];
    }
    return out;
  }

  /// \brief f̂_j(p_r) of a wave given at the grid points (P1 (2.2), normalised as in the class
  /// doc): band_count() × M^Dim.
  /// \pre wave.size() == supercell().size().
  [[nodiscard]] Coefficients forward(std::span<const complex_type> wave) const {
    require(static_cast<std::ptrdiff_t>(wave.size()) == m_cell.size(),
            "SupercellBloch::forward: {} values for a grid of {} points", wave.size(),
            m_cell.size());
    std::vector<complex_type> spectrum(wave.begin(), wave.end());
    m_fft.forward(spectrum.data());
    const Scalar scale =
        Scalar(1) / (m_cell.lattice().zone_volume() * static_cast<Scalar>(m_cell.cell_size()));
    Coefficients out(m_band_count, momentum_count());
    ComplexMatrix gathered(m_cell.cell_size(), 1);
    for (Index r = 0; r < momentum_count(); ++r) {
      const std::ptrdiff_t* slots = m_cell.slots(r);
      for (Index b = 0; b < m_cell.cell_size(); ++b)
        gathered(b, 0) = spectrum[static_cast<std::size_t>(slots[b])];
      out.col(r) = scale * (coefficients(r).adjoint() * gathered);
    }
    return out;
  }

  /// \brief φ(z_i) = Σ_r w Σ_j f̂_j(p_r) Ψ_j(z_i, p_r) (P1 (2.3), normalised as in the class doc).
  /// \pre coefficients band_count() × M^Dim.
  [[nodiscard]] std::vector<complex_type> inverse(const Coefficients& coefficients_in) const {
    check_coefficients(coefficients_in, "SupercellBloch::inverse");
    std::vector<complex_type> spectrum(static_cast<std::size_t>(m_cell.size()), complex_type(0));
    const Scalar scale =
        m_cell.lattice().zone_volume() * static_cast<Scalar>(m_cell.cell_size());
    for (Index r = 0; r < momentum_count(); ++r) {
      const ComplexMatrix plane = coefficients(r) * coefficients_in.col(r);
      const std::ptrdiff_t* slots = m_cell.slots(r);
      for (Index b = 0; b < m_cell.cell_size(); ++b)
        spectrum[static_cast<std::size_t>(slots[b])] = scale * plane(b, 0);
    }
    m_fft.inverse(spectrum.data());
    return spectrum;
  }

  /// \brief The Bloch wave Ψ_j(z_i, p_r) = Σ_G c^j_G e^{i(p_r+G)·z_i} on the supercell grid.
  [[nodiscard]] std::vector<complex_type> bloch_wave(Index r, Index j) const {
    checked_band(j, "SupercellBloch::bloch_wave");
    std::vector<complex_type> spectrum(static_cast<std::size_t>(m_cell.size()), complex_type(0));
    const std::ptrdiff_t* slots = m_cell.slots(r);
    for (Index b = 0; b < m_cell.cell_size(); ++b)
      spectrum[static_cast<std::size_t>(slots[b])] = coefficients(r)(b, j);
    m_fft.backward(spectrum.data());
    return spectrum;
  }

  /// \brief The exact solution of P1 (1.2) with periodic V, N = 0:
  /// f̂_j(p_r, t) = e^{−iE_j(p_r)t/ε} f̂_j(p_r, 0).
  /// \pre coefficients band_count() × M^Dim; t finite; ε finite and > 0.
  [[nodiscard]] Coefficients evolve(const Coefficients& coefficients_in, Scalar t,
                                    Scalar epsilon) const {
    check_coefficients(coefficients_in, "SupercellBloch::evolve");
    require(std::isfinite(t), "SupercellBloch::evolve: time t = {} is not finite", t);
    require(std::isfinite(epsilon) && epsilon > 0,
            "SupercellBloch::evolve: ε = {} must be finite and > 0", epsilon);
    Coefficients out = coefficients_in;
    for (Index r = 0; r < momentum_count(); ++r)
      for (Index j = 0; j < m_band_count; ++j)
        out(j, r) *= std::polar(Scalar(1), -m_energies(j, r) * t / epsilon);
    return out;
  }

  /// \brief The Bloch coherences N_jl(p_r) = f̂_j(p_r) conj f̂_l(p_r) (band_count()²): under
  /// (1.2) with periodic V they turn by e^{i(E_l − E_j)t/ε}, and ∫σ_jl(x, p) dx = (2πε)^d N_jl
  /// (docs/conventions.md §12).
  [[nodiscard]] ComplexMatrix coherences(const Coefficients& coefficients_in, Index r) const {
    check_coefficients(coefficients_in, "SupercellBloch::coherences");
    checked_r(r);
    return coefficients_in.col(r) * coefficients_in.col(r).adjoint();
  }

  /// \brief ∫_T |φ|² dz on the grid, (|C|/n^Dim) Σ_i |φ_i|².
  [[nodiscard]] Scalar wave_norm_squared(std::span<const complex_type> wave) const {
    Scalar sum = 0;
    for (const auto& v : wave) sum += std::norm(v);
    return sum * m_cell.volume_element();
  }
  /// \brief (2π)^d Σ_r w Σ_j |f̂_j(p_r)|², equal to wave_norm_squared of inverse(f̂).
  [[nodiscard]] Scalar coefficient_norm_squared(const Coefficients& coefficients_in) const {
    check_coefficients(coefficients_in, "SupercellBloch::coefficient_norm_squared");
    Scalar two_pi_d = 1;
    for (int a = 0; a < Dim; ++a) two_pi_d *= 2 * std::numbers::pi_v<Scalar>;
    return two_pi_d * m_cell.momentum_weight() * coefficients_in.squaredNorm();
  }

  /// \brief The state at p_r as a BlochState (all kept bands), usable with interband_D,
  /// overlap_A, relabel and coherence/from_bloch.hpp. Its PlaneWaveBasis is the smallest
  /// kinetic ball holding the n^Dim labels; labels of the ball outside the box carry 0.
  [[nodiscard]] BlochState<Dim, Scalar> state(Index r) const {
    const Vector p = m_cell.momentum(r);
    Scalar largest = 0;
    for (Index b = 0; b < m_cell.cell_size(); ++b)
      largest = std::max(largest, m_cell.wavevector(r, b).squaredNorm() / 2);
    PlaneWaveBasis<Dim, Scalar> basis(m_cell.lattice(), p,
                                      largest * (1 + Scalar(1e-6)) + Scalar(1e-6));
    ComplexMatrix c = ComplexMatrix::Zero(basis.size(), m_band_count);
    for (Index b = 0; b < m_cell.cell_size(); ++b) {
      const Index row = basis.index_of(m_cell.label(b));
      require(row != PlaneWaveBasis<Dim, Scalar>::npos,
              "SupercellBloch::state: internal error: label {} missing from the ball",
              detail::format_index<Dim>(m_cell.label(b)));
      c.row(row) = coefficients(r).row(b);
    }
    return BlochState<Dim, Scalar>{p, m_energies.col(r), std::move(c), std::move(basis)};
  }

  /// \brief state(r) for every r, in ZoneGrid order.
  [[nodiscard]] std::vector<BlochState<Dim, Scalar>> states() const {
    std::vector<BlochState<Dim, Scalar>> out;
    out.reserve(static_cast<std::size_t>(momentum_count()));
    for (Index r = 0; r < momentum_count(); ++r) out.push_back(state(r));
    return out;
  }

 private:
  std::size_t checked_r(Index r) const {
    require(r >= 0 && r < momentum_count(),
            "SupercellBloch: quasi-momentum {} is outside [0, {})", r, momentum_count());
    return static_cast<std::size_t>(r);
  }
  void checked_band(Index j, const char* who) const {
    require(j >= 0 && j < m_band_count, "{}: band {} is outside [0, {})", who, j, m_band_count);
  }
  void check_coefficients(const Coefficients& c, const char* who) const {
    require(c.rows() == m_band_count && c.cols() == momentum_count(),
            "{}: coefficients are {}×{}, expected bands × momenta = {}×{}", who, c.rows(),
            c.cols(), m_band_count, momentum_count());
  }

  // V̂ on the labels |n_l| ≤ n/2, folded mod n (row-major classes), and its samples on one cell.
  template <class Potential>
  void fold_potential(const Potential& potential) {
    const Index n = m_cell.points_per_cell();
    const Index size = m_cell.cell_size();
    m_folded.assign(static_cast<std::size_t>(size), complex_type(0));
    Label low, high;
    low.setConstant(-n / 2);
    high.setConstant(n / 2);
    Label mu = low;
    Scalar largest = 0;
    do {
      const complex_type value(potential.fourier_coefficient(m_cell.lattice(), mu));
      require(std::isfinite(value.real()) && std::isfinite(value.imag()),
              "SupercellBloch: the potential's Fourier coefficient at index {} is not finite",
              detail::format_index<Dim>(mu));
      largest = std::max(largest, std::abs(value));
      m_folded[static_cast<std::size_t>(class_of(mu))] += value;
    } while (detail::next_in_box(mu, low, high));
    const Scalar tolerance =
        std::max(Scalar(1e-12), 16 * std::numeric_limits<Scalar>::epsilon()) * largest;
    mu = low;
    do {
      const complex_type plus = m_folded[static_cast<std::size_t>(class_of(mu))];
      const complex_type minus = m_folded[static_cast<std::size_t>(class_of(Label(-mu)))];
      require(std::abs(minus - std::conj(plus)) <= tolerance,
              "SupercellBloch: the potential is not real: folded V̂(−μ) ≠ conj V̂(μ) for μ of "
              "index {}",
              detail::format_index<Dim>(mu));
    } while (detail::next_in_box(mu, low, high));
    // V on one cell: the unnormalised inverse DFT of the folded coefficients.
    std::array<std::ptrdiff_t, Dim> counts;
    counts.fill(static_cast<std::ptrdiff_t>(n));
    std::vector<complex_type> samples(m_folded);
    Fft<Dim, Scalar>(counts).backward(samples.data());
    m_cell_samples.resize(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) m_cell_samples[i] = samples[i].real();
  }

  Index class_of(const Label& mu) const {
    const Index n = m_cell.points_per_cell();
    Index flat = 0;
    for (int a = 0; a < Dim; ++a) flat = flat * n + static_cast<Index>(((mu[a] % n) + n) % n);
    return flat;
  }

  Cell m_cell;
  Fft<Dim, Scalar> m_fft;
  Index m_band_count = 0;
  std::vector<complex_type> m_folded;
  std::vector<Scalar> m_cell_samples;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> m_energies;
  std::vector<ComplexMatrix> m_coefficients;
};

}  // namespace wavekin
