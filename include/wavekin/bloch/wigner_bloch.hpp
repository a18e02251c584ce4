// wavekin/bloch/wigner_bloch.hpp — the Wigner–Bloch coherence matrix σ_jl(x, p) of a wave at
// finite ε on a supercell (P1 (2.6)–(2.8), (3.5)–(3.8)). SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"

namespace wavekin {

/// \brief σ_jl(x_ν, p_r) of a wave for the listed bands: at the M^Dim cell origins
/// x_ν = ε Σ_a ν_a e_a (`Supercell::cell_origin`, ν row-major) and the listed quasi-momenta p_r
/// (all M^Dim in ZoneGrid order, or a chosen list), in CoherenceField's layout: entry (q, j, l, ν)
/// at ((q·n + j)·n + l)·M^Dim + ν, q the position of p_r in the list, n = bands.size(), so
/// `values` can be copied into a CoherenceField on the matching x-grid and momentum points.
template <int Dim, RealScalar Scalar = double>
struct WignerBloch {
  Eigen::Index band_count = 0;
  Eigen::Index momentum_count = 0;
  Eigen::Index position_count = 0;
  std::vector<std::complex<Scalar>> values;

  [[nodiscard]] std::complex<Scalar> operator()(Eigen::Index r, Eigen::Index j, Eigen::Index l,
                                                Eigen::Index nu) const {
    require(r >= 0 && r < momentum_count && j >= 0 && j < band_count && l >= 0 &&
                l < band_count && nu >= 0 && nu < position_count,
            "WignerBloch: entry ({}, {}, {}, {}) is out of range", r, j, l, nu);
    return values[static_cast<std::size_t>(((r * band_count + j) * band_count + l) *
                                               position_count + nu)];
  }
};

/// \brief The exact Wigner–Bloch coherences of a wave φ on a supercell grid (P1 (3.8) at finite ε,
/// docs/conventions.md §12).
///
/// With P1's unsymmetric Wigner transform (2.6)/(2.8) (sign + , docs/conventions.md §4) and the
/// functions Q_jl of (3.5), W(x, p + μ) = Σ_jl σ_jl(x, p) Q_jl(x/ε, μ, p) holds exactly with
/// \f[ \sigma_{jl}(x,p) = \hat f_j(p)\,\overline{g_l(x;p)}, \f]
/// f̂_j the Bloch coefficients (SupercellBloch::forward) and g_l(x; p) the envelopes of φ in the
/// basis frozen at p, φ(x) = Σ_l g_l(x; p) Ψ_l(x/ε, p). On the supercell, g_l(·; p_r) is the
/// trigonometric polynomial Σ_δ h_l(r, δ) e^{iq_δ·x/ε} over the M^Dim offsets q_δ ≡ p_{r+δ} − p_r:
/// h_l(r, δ) = (nM)^{−d} Σ_G conj c^l_G(p_r) F(p_r + q_δ + G), F the DFT of φ (labels taken mod n,
/// as the grid does). Every choice of representatives q_δ (mod Λ*) splits φ exactly, but into
/// different envelopes: wavekin takes the shortest, q_δ = ZoneGrid::displacement (the Wigner–Seitz
/// choice, the slowest envelope, and the p̃ "nearest p₀" of CoherenceField::set_wave_packet). At
/// the cell origins x_ν the phases e^{iq_δ·x_ν/ε} are M-periodic in δ, so g_l(x_ν; p_r) is one
/// inverse DFT of size M^Dim; f̂_j(p_r) = h_j(r, 0)·M^d/|B|.
///
/// Exact identities (tested): with all bands, Σ_r w Σ_jl σ_jl Ψ_j conj Ψ_l = |φ|² at z = x/ε
/// (∫W dk = |φ|²); for any bands, Σ_ν |C|ε^d σ_jl(x_ν, p_r) = (2πε)^d f̂_j conj f̂_l (the x-integral
/// is the Bloch coherence N_jl of SupercellBloch::coherences); Σ_r w tr σ(x, p_r) is the cell
/// average ρ̄ of |φ|² (the fast factors Ψ_j conj Ψ_l replaced by their cell means δ_jl).
/// The values do not depend on ε: only the positions x_ν = εz_ν do.
///
/// Cost: one FFT of (nM)^Dim points, N_r M^d n^d · bands.size() gathers and N_r·bands.size() FFTs
/// of M^Dim points, N_r the number of quasi-momenta asked for: a packet whose Bloch coefficients
/// live on a few p_r needs σ only there (`momenta`), which at M = 128 is the difference between
/// seconds and hours.
/// \param momenta  the quasi-momenta r (indices into the ZoneGrid order, no repeats needed but
///                 allowed), in the order wanted; empty (default): all M^Dim in ZoneGrid order
/// \pre wave.size() == supercell size; bands non-empty and valid for `bloch`; momenta valid.
template <int Dim, RealScalar Scalar>
WignerBloch<Dim, Scalar> wigner_bloch(const SupercellBloch<Dim, Scalar>& bloch,
                                      std::span<const std::complex<Scalar>> wave,
                                      const std::vector<Eigen::Index>& bands,
                                      const std::vector<Eigen::Index>& momenta = {}) {
  using complex_type = std::complex<Scalar>;
  using Index = Eigen::Index;
  const auto& cell = bloch.supercell();
  require(static_cast<std::ptrdiff_t>(wave.size()) == cell.size(),
          "wigner_bloch: {} values for a grid of {} points", wave.size(), cell.size());
  require(!bands.empty(), "wigner_bloch: no bands given");
  for (const Index m : bands)
    require(m >= 0 && m < bloch.band_count(), "wigner_bloch: band {} is outside [0, {})", m,
            bloch.band_count());
  for (const Index r : momenta)
    require(r >= 0 && r < bloch.momentum_count(),
            "wigner_bloch: quasi-momentum {} is outside [0, {})", r, bloch.momentum_count());
  const Index cells = cell.cells_per_axis();
  const Index points = cell.points_per_cell();
  const Index np = cell.momentum_count();  // also the number of offsets δ and of cells ν
  const Index size = cell.cell_size();
  const auto nb = static_cast<Index>(bands.size());

  std::vector<complex_type> spectrum(wave.begin(), wave.end());
  bloch.fft().forward(spectrum.data());
  // Unsigned class g_a ∈ [0, n) of every label, and the offsets δ (row-major over [0, M)^Dim).
  std::vector<std::array<Index, Dim>> classes(static_cast<std::size_t>(size));
  for (Index b = 0; b < size; ++b)
    for (int a = 0; a < Dim; ++a) {
      const auto g = static_cast<Index>(cell.label(b)[a]);
      classes[static_cast<std::size_t>(b)][static_cast<std::size_t>(a)] = g < 0 ? g + points : g;
    }
  // Each offset class δ (row-major over [0, M)^Dim) by its shortest representative
  // q_δ = Σ_a (δ_a/M) e^a − μ (ZoneGrid::displacement): signed integers δ_a − M t_a.
  std::vector<std::array<Index, Dim>> offsets(static_cast<std::size_t>(np));
  for (Index delta = 0; delta < np; ++delta) {
    std::array<Index, Dim> da;
    Index rest = delta;
    for (int a = Dim - 1; a >= 0; --a) {
      da[static_cast<std::size_t>(a)] = rest % cells;
      rest /= cells;
    }
    Eigen::Matrix<Scalar, Dim, 1> theta;
    for (int a = 0; a < Dim; ++a)
      theta[a] = static_cast<Scalar>(da[static_cast<std::size_t>(a)]) / static_cast<Scalar>(cells);
    const Eigen::Matrix<Scalar, Dim, 1> q = cell.lattice().dual_basis() * theta;
    const auto shift = cell.lattice().dual_coordinates(
        Eigen::Matrix<Scalar, Dim, 1>(q - cell.zone().displacement(q, Eigen::Matrix<Scalar, Dim, 1>::Zero())));
    for (int a = 0; a < Dim; ++a)
      offsets[static_cast<std::size_t>(delta)][static_cast<std::size_t>(a)] =
          da[static_cast<std::size_t>(a)] - cells * static_cast<Index>(std::llround(shift[a]));
  }
  std::array<std::ptrdiff_t, Dim> offset_counts;
  offset_counts.fill(static_cast<std::ptrdiff_t>(cells));
  const Fft<Dim, Scalar> offset_fft(offset_counts);
  const Index full = cells * points;
  const Scalar total = static_cast<Scalar>(cell.size());

  WignerBloch<Dim, Scalar> out;
  out.band_count = nb;
  const auto nr = momenta.empty() ? np : static_cast<Index>(momenta.size());
  out.momentum_count = nr;
  out.position_count = np;
  out.values.assign(static_cast<std::size_t>(nr * nb * nb * np), complex_type(0));
  Eigen::Matrix<complex_type, Eigen::Dynamic, Eigen::Dynamic> c(size, nb);
  Eigen::Matrix<complex_type, Eigen::Dynamic, 1> gathered(size);
  // h(m, δ) for one r, then g_m(ν) in place.
  std::vector<std::vector<complex_type>> envelope(static_cast<std::size_t>(nb),
                                                  std::vector<complex_type>(
                                                      static_cast<std::size_t>(np)));
  std::vector<complex_type> f(static_cast<std::size_t>(nb));
  for (Index q = 0; q < nr; ++q) {
    const Index r = momenta.empty() ? q : momenta[static_cast<std::size_t>(q)];
    for (Index m = 0; m < nb; ++m) c.col(m) = bloch.coefficients(r).col(bands[static_cast<std::size_t>(m)]);
    const auto ra = cell.zone_indices(r);
    for (Index delta = 0; delta < np; ++delta) {
      const auto& da = offsets[static_cast<std::size_t>(delta)];
      for (Index b = 0; b < size; ++b) {
        Index flat = 0;
        for (int a = 0; a < Dim; ++a) {
          const auto sa = static_cast<std::size_t>(a);
          const Index s = (ra[sa] + da[sa] + cells * classes[static_cast<std::size_t>(b)][sa]) % full;
          flat = flat * full + (s < 0 ? s + full : s);
        }
        gathered[b] = spectrum[static_cast<std::size_t>(flat)];
      }
      const Eigen::Matrix<complex_type, Eigen::Dynamic, 1> h = c.adjoint() * gathered / total;
      for (Index m = 0; m < nb; ++m)
        envelope[static_cast<std::size_t>(m)][static_cast<std::size_t>(delta)] = h[m];
    }
    const Scalar to_coefficient = static_cast<Scalar>(np) / cell.lattice().zone_volume();
    for (Index m = 0; m < nb; ++m) {
      auto& e = envelope[static_cast<std::size_t>(m)];
      f[static_cast<std::size_t>(m)] = e[0] * to_coefficient;
      offset_fft.backward(e.data());
    }
    for (Index j = 0; j < nb; ++j)
      for (Index l = 0; l < nb; ++l) {
        complex_type* block =
            out.values.data() + ((q * nb + j) * nb + l) * np;
        const auto& g = envelope[static_cast<std::size_t>(l)];
        for (Index nu = 0; nu < np; ++nu)
          block[nu] = f[static_cast<std::size_t>(j)] * std::conj(g[static_cast<std::size_t>(nu)]);
      }
  }
  return out;
}

}  // namespace wavekin
