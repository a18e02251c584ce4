// wavekin/schrodinger/observables.hpp — position density, current density, L² norm,
// total mass and energy of a wave function of the varying-mass Schrödinger equation.
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/core/spectral_derivative.hpp"

// Span parameters are wrapped in std::type_identity_t so that Scalar is
// deduced from the grid or the derivative alone and std::vector arguments
// convert implicitly.

namespace wavekin {

namespace detail {

template <int Dim, class Scalar>
void check_field_size(const PeriodicGrid<Dim, Scalar>& grid, std::size_t actual, const char* who,
                      const char* what) {
  require(actual == static_cast<std::size_t>(grid.size()),
          "{}: {} has {} values, expected {} (grid size)", who, what, actual, grid.size());
}

}  // namespace detail

/// \brief Position density ρ_j = |u_j|² (P2 (2.8)), into `rho`.
/// \pre u.size() == rho.size() == grid.size() (else invalid_argument).
template <int Dim, RealScalar Scalar>
void density(const PeriodicGrid<Dim, Scalar>& grid,
             std::type_identity_t<std::span<const Complex<Scalar>>> u,
             std::type_identity_t<std::span<Scalar>> rho) {
  detail::check_field_size(grid, u.size(), "density", "u");
  detail::check_field_size(grid, rho.size(), "density", "rho");
  for (std::size_t j = 0; j < u.size(); ++j) rho[j] = std::norm(u[j]);
}

/// \brief Position density ρ_j = |u_j|² as a new field.
template <int Dim, RealScalar Scalar>
[[nodiscard]] std::vector<Scalar> density(
    const PeriodicGrid<Dim, Scalar>& grid,
    std::type_identity_t<std::span<const Complex<Scalar>>> u) {
  std::vector<Scalar> rho(u.size());
  density(grid, u, std::span<Scalar>(rho));
  return rho;
}

/// \brief Total mass ∫|u|² dx ≈ cell_volume · Σ_j |u_j|² (trapezoidal rule,
/// spectrally accurate; the quantity CrankNicolsonSpectral and
/// SplitStepSpectral conserve).
template <int Dim, RealScalar Scalar>
[[nodiscard]] Scalar total_mass(const PeriodicGrid<Dim, Scalar>& grid,
                                std::type_identity_t<std::span<const Complex<Scalar>>> u) {
  detail::check_field_size(grid, u.size(), "total_mass", "u");
  // Accumulate in double: float sums of 10⁵ terms would lose 3 digits.
  double sum = 0;
  for (const auto& value : u) sum += static_cast<double>(std::norm(value));
  return static_cast<Scalar>(sum * static_cast<double>(grid.cell_volume()));
}

/// \brief Discrete L² norm ‖u‖ = (cell_volume · Σ_j |u_j|²)^{1/2}.
template <int Dim, RealScalar Scalar>
[[nodiscard]] Scalar l2_norm(const PeriodicGrid<Dim, Scalar>& grid,
                             std::type_identity_t<std::span<const Complex<Scalar>>> u) {
  return std::sqrt(total_mass(grid, u));
}

namespace detail {

// ∇u as Dim freshly allocated complex fields (observables run outside time steps).
template <int Dim, RealScalar Scalar>
std::array<std::vector<Complex<Scalar>>, Dim> spectral_gradient(
    SpectralDerivative<Dim, Scalar>& derivative, std::span<const Complex<Scalar>> u) {
  std::array<std::vector<Complex<Scalar>>, Dim> gradient;
  std::array<Complex<Scalar>*, Dim> targets{};
  for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
    gradient[a].resize(u.size());
    targets[a] = gradient[a].data();
  }
  derivative.gradient(u.data(), targets);
  return gradient;
}

// The input checks of current() and energy() (u and every named real field on the
// derivative's grid, epsilon finite and > 0, in that order), then ∇u.
template <int Dim, RealScalar Scalar>
std::array<std::vector<Complex<Scalar>>, Dim> checked_gradient(
    SpectralDerivative<Dim, Scalar>& derivative, std::span<const Complex<Scalar>> u,
    std::initializer_list<std::pair<std::size_t, const char*>> field_sizes, Scalar epsilon,
    const char* who) {
  const auto& grid = derivative.grid();
  check_field_size(grid, u.size(), who, "u");
  for (const auto& [size, what] : field_sizes) check_field_size(grid, size, who, what);
  require(std::isfinite(epsilon) && epsilon > 0, "{}: epsilon must be finite and > 0, got {}", who,
          epsilon);
  return spectral_gradient(derivative, u);
}

}  // namespace detail

/// \brief Current density J_a = ε Im(m conj(u) D_a u) (P2 (2.8)/(4.1)), a
/// Dim-vector field, with D_a the Fourier derivative (Nyquist zeroed), so that
/// ∂_tρ + ∇·J = 0 holds for the VMSE.
///
/// For a plane wave e^{ip₀·x/ε} and constant m, J = m p₀ |u|² exactly (if p₀/ε
/// is a grid wavenumber below Nyquist). Cost 1 + Dim FFTs; allocates Dim
/// complex fields (observables are evaluated outside time steps).
/// \param mass  m on the grid (e.g. CrankNicolsonSpectral::mass_values())
/// \pre sizes == grid size; epsilon > 0 (else invalid_argument).
template <int Dim, RealScalar Scalar>
[[nodiscard]] std::array<std::vector<Scalar>, Dim> current(
    SpectralDerivative<Dim, Scalar>& derivative,
    std::type_identity_t<std::span<const Complex<Scalar>>> u,
    std::type_identity_t<std::span<const Scalar>> mass, Scalar epsilon) {
  const auto gradient =
      detail::checked_gradient(derivative, u, {{mass.size(), "mass"}}, epsilon, "current");
  const std::size_t n = u.size();
  std::array<std::vector<Scalar>, Dim> j;
  for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
    j[a].resize(n);
    for (std::size_t k = 0; k < n; ++k)
      j[a][k] = epsilon * mass[k] * std::imag(std::conj(u[k]) * gradient[a][k]);
  }
  return j;
}

/// \brief Energy E = ∫ (ε²/2) m |∇u|² + V |u|² dx, with D_a the Fourier
/// derivative (Nyquist zeroed) and the trapezoidal rule.
///
/// This is exactly ⟨u, H u⟩ for the discrete H = −(ε²/2) Σ_a D_a m D_a + V
/// (D_a is skew-adjoint), which CrankNicolsonSpectral conserves for m, V
/// independent of t (up to its Krylov tolerance). Cost 1 + Dim FFTs;
/// allocates Dim complex fields.
/// \pre sizes == grid size; epsilon > 0 (else invalid_argument).
template <int Dim, RealScalar Scalar>
[[nodiscard]] Scalar energy(SpectralDerivative<Dim, Scalar>& derivative,
                            std::type_identity_t<std::span<const Complex<Scalar>>> u,
                            std::type_identity_t<std::span<const Scalar>> mass,
                            std::type_identity_t<std::span<const Scalar>> potential,
                            Scalar epsilon) {
  const auto gradient = detail::checked_gradient(
      derivative, u, {{mass.size(), "mass"}, {potential.size(), "potential"}}, epsilon, "energy");
  const auto& grid = derivative.grid();
  const std::size_t n = u.size();
  double kinetic = 0, potential_part = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double gradient_squared = 0;
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a)
      gradient_squared += static_cast<double>(std::norm(gradient[a][k]));
    kinetic += static_cast<double>(mass[k]) * gradient_squared;
    potential_part += static_cast<double>(potential[k]) * static_cast<double>(std::norm(u[k]));
  }
  const double eps = static_cast<double>(epsilon);
  return static_cast<Scalar>((0.5 * eps * eps * kinetic + potential_part) *
                             static_cast<double>(grid.cell_volume()));
}

}  // namespace wavekin
