// wavekin/bloch/fourier_coefficients.hpp — a potential given by a user table n ↦ V̂(μ_n).
// SPDX-License-Identifier: MIT
#pragma once

#include <complex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "wavekin/bloch/detail/lattice_index.hpp"
#include "wavekin/bloch/potential.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief V̂(μ) from a table of labels n (μ = Σ n_l e^l) and values; every
/// label absent from the table has V̂ = 0. Models PeriodicPotential.
///
/// The values are used as given, on whatever lattice is passed: the table is
/// in lattice coordinates. For a real V supply conjugate pairs, e.g. with
/// `set_conjugate_pair` (BlochSolver rejects V̂(−μ) ≠ conj V̂(μ)).
/// \tparam Dim     dimension of space
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
class FourierCoefficients {
 public:
  using Index = LatticeIndex<Dim>;
  using Value = std::complex<Scalar>;

  FourierCoefficients() = default;

  /// \brief The table from (label, value) pairs.
  /// \pre values finite, no label repeated.
  explicit FourierCoefficients(const std::vector<std::pair<Index, Value>>& entries) {
    for (const auto& [n, value] : entries) set(n, value);
  }

  /// \brief Sets V̂(μ_n) = value.
  /// \pre value finite; n not set before.
  FourierCoefficients& set(const Index& n, Value value) {
    require(std::isfinite(value.real()) && std::isfinite(value.imag()),
            "FourierCoefficients: the value for index {} is not finite ({}, {})",
            detail::format_index<Dim>(n), value.real(), value.imag());
    require(!m_table.contains(n), "FourierCoefficients: index {} is given twice",
            detail::format_index<Dim>(n));
    m_table.emplace(n, value);
    return *this;
  }

  /// \brief Sets V̂(μ_n) = value and V̂(−μ_n) = conj(value), the pair a real
  /// V needs; for n = 0 the value must be real.
  /// \pre value finite; neither label set before; Im value = 0 when n = 0.
  FourierCoefficients& set_conjugate_pair(const Index& n, Value value) {
    if (n.isZero()) {
      require(value.imag() == 0,
              "FourierCoefficients: V̂(0) of a real potential must be real, got ({}, {})",
              value.real(), value.imag());
      return set(n, value);
    }
    // Check both labels first so that a failure leaves the table unchanged.
    const Index minus = -n;
    require(!m_table.contains(minus), "FourierCoefficients: index {} is given twice",
            detail::format_index<Dim>(minus));
    set(n, value);
    return set(minus, std::conj(value));
  }

  /// \brief V̂(μ_n): the table entry, or 0.
  [[nodiscard]] Value fourier_coefficient(const Lattice<Dim, Scalar>& /*lattice*/,
                                          const Index& n) const {
    const auto it = m_table.find(n);
    return it == m_table.end() ? Value(0) : it->second;
  }

  /// \brief Number of entries in the table.
  [[nodiscard]] std::size_t size() const noexcept { return m_table.size(); }

 private:
  std::unordered_map<Index, Value, detail::LatticeIndexHash<Dim>, detail::LatticeIndexEqual<Dim>>
      m_table;
};

}  // namespace wavekin
