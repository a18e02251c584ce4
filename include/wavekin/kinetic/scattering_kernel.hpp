// wavekin/kinetic/scattering_kernel.hpp — power spectra R̂(ω, q) of the random mass
// fluctuations, the policies that set the collision kernel of the radiative transfer limit.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <concepts>
#include <numbers>
#include <utility>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief A power spectrum R̂(ω, q) = ∫∫ e^{−iωs − iq·z} R(s, z) ds dz of a stationary
/// covariance R(s, z) (P2 (3.4), docs/conventions.md §2), evaluated by
/// `kernel.spectral_density(omega, q)` with q an `Eigen::Matrix<double, Dim, 1>`.
/// It must be real, ≥ 0 and even in ω and in q (P2 (3.3)); the collision operator's
/// symmetry, hence its exact mass conservation, rests on that.
template <class K, int Dim>
concept ScatteringKernel = PositiveDimension<Dim> &&
    requires(const K& k, double omega, const Eigen::Matrix<double, Dim, 1>& q) {
  { k.spectral_density(omega, q) } -> std::convertible_to<double>;
};

/// \brief The three scales every kernel below carries, checked once.
struct KernelScales {
  double amplitude;           ///< D
  double correlation_time;    ///< a
  double correlation_length;  ///< b

  /// \pre D, a, b finite and > 0 (invalid_argument naming `who` and the value).
  KernelScales(const char* who, double d, double a, double b)
      : amplitude(d), correlation_time(a), correlation_length(b) {
    require(std::isfinite(d) && d > 0, "{}: amplitude D must be finite and > 0, got {}", who, d);
    require(std::isfinite(a) && a > 0, "{}: correlation time a must be finite and > 0, got {}", who,
            a);
    require(std::isfinite(b) && b > 0, "{}: correlation length b must be finite and > 0, got {}",
            who, b);
  }

  /// \brief a ω and b²|q|², the arguments both spectra are written in.
  template <int Dim>
  [[nodiscard]] std::pair<double, double> scaled(double omega,
                                                 const Eigen::Matrix<double, Dim, 1>& q) const {
    return {correlation_time * omega, correlation_length * correlation_length * q.squaredNorm()};
  }
};

/// \brief R(s, z) = D² exp(−|s|/a − |z|/b), P2 (4.15) with the absolute values restored
/// (docs/errata.md). Its transform is R̂(ω, q) = D² · 2a/(1 + a²ω²) · c_d b^d/(1 +
/// b²|q|²)^{(d+1)/2}, c_d = 2^d π^{(d−1)/2} Γ((d+1)/2) (the d-dimensional transform of e^{−|z|/b});
/// in d = 1 this is P2 (4.20), 4abD²/((1 + a²ω²)(1 + b²q²)).
template <int Dim>
requires PositiveDimension<Dim>
struct SeparableExponentialKernel : KernelScales {
  SeparableExponentialKernel(double d, double a, double b)
      : KernelScales("SeparableExponentialKernel", d, a, b) {
    const double dim = Dim;
    m_prefactor = d * d * 2 * a * std::pow(2.0, dim) * std::pow(std::numbers::pi, (dim - 1) / 2) *
                  std::tgamma((dim + 1) / 2) * std::pow(b, dim);
  }

  [[nodiscard]] double spectral_density(double omega,
                                        const Eigen::Matrix<double, Dim, 1>& q) const {
    const auto [at, bq2] = scaled<Dim>(omega, q);
    const double spatial = Dim == 1 ? 1 / (1 + bq2) : std::pow(1 + bq2, -(Dim + 1) / 2.0);
    return m_prefactor * spatial / (1 + at * at);
  }

 private:
  double m_prefactor = 0;
};

/// \brief R(s, z) = D² exp(−s²/(2a²) − |z|²/(2b²)); R̂(ω, q) = D² a√(2π) e^{−a²ω²/2}
/// (b√(2π))^d e^{−b²|q|²/2}.
template <int Dim>
requires PositiveDimension<Dim>
struct GaussianKernel : KernelScales {
  GaussianKernel(double d, double a, double b) : KernelScales("GaussianKernel", d, a, b) {
    const double root = std::sqrt(2 * std::numbers::pi);
    m_prefactor = d * d * a * root * std::pow(b * root, Dim);
  }

  [[nodiscard]] double spectral_density(double omega,
                                        const Eigen::Matrix<double, Dim, 1>& q) const {
    const auto [at, bq2] = scaled<Dim>(omega, q);
    return m_prefactor * std::exp(-0.5 * (at * at + bq2));
  }

 private:
  double m_prefactor = 0;
};

}  // namespace wavekin
