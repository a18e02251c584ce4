// wavekin/bloch/honeycomb_wells.hpp — Gaussian wells on the two honeycomb sites (graphene-like).
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>

#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief The honeycomb potential of Fefferman–Weinstein type: Gaussian wells
/// \f$w(y) = -V_0\, e^{-|y|^2/(2s^2)}\f$ centred at the sites A = 0 and
/// B = (e_1 + e_2)/3 of every cell of a 2D lattice (honeycomb structure on
/// `Lattice<2>::triangular()`), V(x) = Σ_{ν∈Λ} [w(x − ν) + w(x − B − ν)].
/// Models PeriodicPotential<·, 2, Scalar>.
///
/// Periodising the wells over all of Λ (their tails cross cell boundaries)
/// and taking the cell average that defines V̂ (docs/conventions.md §6) gives exactly
/// \f$\hat V(\mu) = \frac{1}{|C|}\bigl(1 + e^{-i\mu\cdot B}\bigr)\hat w(\mu)\f$,
/// \f$\hat w(\mu) = -V_0\, 2\pi s^2 e^{-s^2|\mu|^2/2}\f$ (the whole-plane
/// transform of the Gaussian). With μ = Σ n_l e^l, μ·B = 2π(n_1 + n_2)/3, so
/// the phase is taken from (n_1 + n_2) mod 3 exactly: V̂(−μ) = conj V̂(μ) and
/// the 120° rotation symmetry hold to the last bit.
/// V0 > 0 makes wells (attractive sites); V0 < 0 bumps.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
class HoneycombWells {
 public:
  /// \pre depth V0 finite; width s > 0 finite.
  HoneycombWells(Scalar depth, Scalar width) : m_depth(depth), m_width(width) {
    require(std::isfinite(depth), "HoneycombWells: well depth V0 = {} is not finite", depth);
    require(std::isfinite(width) && width > 0,
            "HoneycombWells: well width s = {} must be finite and > 0", width);
  }

  [[nodiscard]] Scalar depth() const noexcept { return m_depth; }
  [[nodiscard]] Scalar width() const noexcept { return m_width; }

  /// \brief The B site (e_1 + e_2)/3 of `lattice` (A is the origin).
  [[nodiscard]] static Eigen::Matrix<Scalar, 2, 1> site_b(const Lattice<2, Scalar>& lattice) {
    return (lattice.basis().col(0) + lattice.basis().col(1)) / Scalar(3);
  }

  /// \brief V̂(μ) = (1 + e^{−2πi(n_1+n_2)/3}) ŵ(μ) / |C|.
  [[nodiscard]] std::complex<Scalar> fourier_coefficient(const Lattice<2, Scalar>& lattice,
                                                         const LatticeIndex<2>& n) const {
    const Scalar mu2 = lattice.reciprocal(n).squaredNorm();
    const Scalar s2 = m_width * m_width;
    const Scalar w_hat =
        -m_depth * Scalar(2 * std::numbers::pi_v<double>) * s2 * std::exp(-s2 * mu2 / 2);
    // e^{-2πi r/3}, r = (n1 + n2) mod 3 ∈ {0, 1, 2}: cos = 1 or −½, sin = 0 or ∓√3/2.
    const std::int64_t r = (((n[0] + n[1]) % 3) + 3) % 3;
    const Scalar half_root3 = std::sqrt(Scalar(3)) / 2;
    const std::complex<Scalar> phase = r == 0   ? std::complex<Scalar>(1, 0)
                                       : r == 1 ? std::complex<Scalar>(Scalar(-0.5), -half_root3)
                                                : std::complex<Scalar>(Scalar(-0.5), half_root3);
    return (Scalar(1) + phase) * w_hat / lattice.cell_volume();
  }

 private:
  Scalar m_depth;
  Scalar m_width;
};

}  // namespace wavekin
