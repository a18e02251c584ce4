// wavekin/bloch/cosine_sum.hpp — V(x) = Σ a_t cos(G_t·x + φ_t) with G_t ∈ Λ* given by integer
// labels. SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <vector>

#include "wavekin/bloch/detail/lattice_index.hpp"
#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief One term a cos(G·x + φ) of a CosineSum, G = Σ index_l e^l.
template <int Dim, RealScalar Scalar = double>
struct CosineTerm {
  Scalar amplitude;
  LatticeIndex<Dim> index;
  Scalar phase = 0;
};

/// \brief The real potential \f$V(x) = \sum_t a_t \cos(G_t\cdot x + \varphi_t)\f$,
/// G_t = Σ n_{t,l} e^l ∈ Λ*. Models PeriodicPotential.
///
/// Since cos(G·x + φ) = ½(e^{iφ} e^{iG·x} + e^{−iφ} e^{−iG·x}), each term adds
/// ½ a e^{iφ} to V̂(G) and ½ a e^{−iφ} to V̂(−G) (a cos φ to V̂(0) when G = 0).
/// Examples: Mathieu V0 cos(2x) is `{{V0, lattice_index(1)}}` on
/// `Lattice<1>::line(π)` (e^1 = 2); the separable 2D potential
/// V0 (cos 2x + cos 2y) on `Lattice<2>::square(π)` has labels (1,0) and (0,1).
/// \tparam Dim     dimension of space
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
class CosineSum {
 public:
  using Index = LatticeIndex<Dim>;
  using Term = CosineTerm<Dim, Scalar>;

  CosineSum() = default;

  /// \pre every amplitude and phase finite.
  explicit CosineSum(const std::vector<Term>& terms) {
    for (const Term& t : terms) add(t.amplitude, t.index, t.phase);
  }

  /// \brief Adds a cos(G·x + φ), G = Σ n_l e^l.
  /// \pre amplitude and phase finite.
  CosineSum& add(Scalar amplitude, const Index& n, Scalar phase = 0) {
    require(std::isfinite(amplitude), "CosineSum: amplitude of the term with index {} is {}",
            detail::format_index<Dim>(n), amplitude);
    require(std::isfinite(phase), "CosineSum: phase of the term with index {} is {}",
            detail::format_index<Dim>(n), phase);
    m_terms.push_back({amplitude, n, phase});
    return *this;
  }

  [[nodiscard]] const std::vector<Term>& terms() const noexcept { return m_terms; }

  /// \brief V̂(μ_n) = Σ_t ½ a_t (e^{iφ_t}[n = n_t] + e^{−iφ_t}[n = −n_t]).
  [[nodiscard]] std::complex<Scalar> fourier_coefficient(const Lattice<Dim, Scalar>& /*lattice*/,
                                                         const Index& n) const {
    std::complex<Scalar> sum(0);
    for (const Term& t : m_terms) {
      const std::complex<Scalar> rotation = std::polar(Scalar(1), t.phase);
      if (n == t.index) sum += Scalar(0.5) * t.amplitude * rotation;
      if (n == Index(-t.index)) sum += Scalar(0.5) * t.amplitude * std::conj(rotation);
    }
    return sum;
  }

 private:
  std::vector<Term> m_terms;
};

}  // namespace wavekin
