// wavekin/bloch/kronig_penney.hpp — the 1D Kronig–Penney step potential and its exact V̂.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <limits>

#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief The Kronig–Penney potential on the line lattice aℤ: V = V0 on
/// [0, w) of each cell [0, a), 0 on [w, a). Models PeriodicPotential<·, 1, Scalar>.
///
/// \f$\hat V(\mu) = \frac{V_0}{a}\int_0^w e^{-i\mu y}dy
///   = V_0 \frac{w}{a}\, e^{-i\mu w/2}\,\frac{\sin(\mu w/2)}{\mu w/2}\f$
/// (V0 w/a at μ = 0); the sinc form has no cancellation at small μ. The
/// coefficients decay like 1/|μ|: plane-wave energies converge only
/// algebraically in the cutoff.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
class KronigPenney {
 public:
  /// \pre V0 finite; a > 0 finite; 0 < w < a.
  KronigPenney(Scalar height, Scalar period, Scalar width)
      : m_height(height), m_period(period), m_width(width) {
    require(std::isfinite(height), "KronigPenney: barrier height V0 = {} is not finite", height);
    require(std::isfinite(period) && period > 0,
            "KronigPenney: period a = {} must be finite and > 0", period);
    require(std::isfinite(width) && width > 0 && width < period,
            "KronigPenney: barrier width w = {} must lie in (0, a) = (0, {})", width, period);
  }

  [[nodiscard]] Scalar height() const noexcept { return m_height; }
  [[nodiscard]] Scalar period() const noexcept { return m_period; }
  [[nodiscard]] Scalar width() const noexcept { return m_width; }
  /// \brief The lattice aℤ this potential is defined on.
  [[nodiscard]] Lattice<1, Scalar> lattice() const { return Lattice<1, Scalar>::line(m_period); }

  /// \brief V̂(μ), μ = 2πn/a.
  /// \pre the lattice's period equals a to 1024 ε_machine relative (2.3e-13 in
  /// double): `lattice()` gives exactly a.
  [[nodiscard]] std::complex<Scalar> fourier_coefficient(const Lattice<1, Scalar>& lattice,
                                                         const LatticeIndex<1>& n) const {
    const Scalar cell = lattice.cell_volume();
    require(std::abs(cell - m_period) <=
                Scalar(1024) * std::numeric_limits<Scalar>::epsilon() * m_period,
            "KronigPenney: lattice period {} differs from the potential's period a = {}", cell,
            m_period);
    const Scalar mu = lattice.reciprocal(n)[0];
    const Scalar half = mu * m_width / 2;
    const Scalar sinc = half == 0 ? Scalar(1) : std::sin(half) / half;
    return m_height * (m_width / m_period) * sinc * std::polar(Scalar(1), -half);
  }

 private:
  Scalar m_height;
  Scalar m_period;
  Scalar m_width;
};

}  // namespace wavekin
