// wavekin/random/covariance.hpp — covariance policies of the random mass m_1 (P2 (4.15), (4.20)):
// separable exponential and Gaussian, with their spectral densities and 1D factors.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <numbers>

#include <Eigen/Core>

#include "wavekin/core/error.hpp"

namespace wavekin {

namespace detail {

inline void check_covariance_parameters(double D, double a, double b, const char* who) {
  require(std::isfinite(D) && D > 0, "{}: the standard deviation D must be finite and > 0, got {}",
          who, D);
  require(std::isfinite(a) && a > 0, "{}: the correlation time a must be finite and > 0, got {}",
          who, a);
  require(std::isfinite(b) && b > 0, "{}: the correlation length b must be finite and > 0, got {}",
          who, b);
}

}  // namespace detail

/// \brief P2's test covariance (4.15), R(t,x) = D² exp(−|t|/a − |x|/b) (the absolute
/// values are lost in the transcription, docs/errata.md item 9), with |x| Euclidean in Dim > 1.
///
/// Spectral density (P2 (3.4) convention R̂(ω,p) = ∫∫ e^{−iωs−ip·z} R ds dz): in d = 1
/// R̂(ω,p) = 4abD²/((1+a²ω²)(1+b²p²)) (P2 (4.20)); in general d the spatial factor is
/// 2^d π^{(d−1)/2} Γ((d+1)/2) b^d / (1+b²|p|²)^{(d+1)/2}.
/// The temporal factor is exponential, so StreamingSampler samples it exactly (AR(1)).
struct SeparableExponentialCovariance {
  /// True: the time correlation is exp(−|t|/a), an Ornstein–Uhlenbeck process.
  static constexpr bool exponential_in_time = true;

  /// \pre D, a, b finite and > 0 (else invalid_argument naming the value).
  SeparableExponentialCovariance(double D, double a, double b) : D(D), a(a), b(b) {
    detail::check_covariance_parameters(D, a, b, "SeparableExponentialCovariance");
  }

  double D;  ///< standard deviation of m_1 (D² is its variance)
  double a;  ///< correlation time
  double b;  ///< correlation length

  /// \brief D², the variance R(0,0).
  [[nodiscard]] double variance() const noexcept { return D * D; }
  /// \brief Normalised temporal factor exp(−|s|/a).
  [[nodiscard]] double temporal(double s) const noexcept { return std::exp(-std::abs(s) / a); }
  /// \brief Normalised spatial factor exp(−|z|/b), d = 1.
  [[nodiscard]] double spatial(double z) const noexcept { return std::exp(-std::abs(z) / b); }
  /// \brief Normalised spatial factor exp(−|z|/b), Euclidean |z|.
  template <int Dim>
  [[nodiscard]] double spatial(const Eigen::Matrix<double, Dim, 1>& z) const noexcept {
    return std::exp(-z.norm() / b);
  }
  /// \brief R(s, z) = D² exp(−|s|/a − |z|/b), d = 1.
  [[nodiscard]] double operator()(double s, double z) const noexcept {
    return variance() * temporal(s) * spatial(z);
  }
  /// \brief Fourier transform of the temporal factor, 2a/(1+a²ω²).
  [[nodiscard]] double temporal_spectral(double omega) const noexcept {
    return 2 * a / (1 + a * a * omega * omega);
  }
  /// \brief Fourier transform of the spatial factor in d = 1, 2b/(1+b²p²).
  [[nodiscard]] double spatial_spectral(double p) const noexcept {
    return 2 * b / (1 + b * b * p * p);
  }
  /// \brief Fourier transform of the spatial factor in d = Dim (formula in the class notes).
  template <int Dim>
  [[nodiscard]] double spatial_spectral(const Eigen::Matrix<double, Dim, 1>& p) const {
    const double d = Dim;
    const double constant = std::pow(2.0, d) * std::pow(std::numbers::pi, (d - 1) / 2) *
                            std::tgamma((d + 1) / 2) * std::pow(b, d);
    return constant / std::pow(1 + b * b * p.squaredNorm(), (d + 1) / 2);
  }
  /// \brief R̂(ω, p) = 4abD²/((1+a²ω²)(1+b²p²)), P2 (4.20).
  [[nodiscard]] double spectral_density(double omega, double p) const noexcept {
    return variance() * temporal_spectral(omega) * spatial_spectral(p);
  }
};

/// \brief Gaussian covariance R(t,x) = D² exp(−t²/(2a²) − |x|²/(2b²)), smooth in both
/// variables; R̂(ω,p) = D² a√(2π) e^{−a²ω²/2} (b√(2π))^d e^{−b²|p|²/2}.
///
/// Its time correlation is not exponential: StreamingSampler uses only its spatial
/// factor (with an exponential time factor), and the KL expansion does not apply.
struct GaussianCovariance {
  /// False: the time correlation is Gaussian, not Ornstein–Uhlenbeck.
  static constexpr bool exponential_in_time = false;

  /// \pre D, a, b finite and > 0 (else invalid_argument naming the value).
  GaussianCovariance(double D, double a, double b) : D(D), a(a), b(b) {
    detail::check_covariance_parameters(D, a, b, "GaussianCovariance");
  }

  double D;  ///< standard deviation of m_1
  double a;  ///< correlation time
  double b;  ///< correlation length

  /// \brief D², the variance R(0,0).
  [[nodiscard]] double variance() const noexcept { return D * D; }
  /// \brief Normalised temporal factor exp(−s²/(2a²)).
  [[nodiscard]] double temporal(double s) const noexcept { return std::exp(-s * s / (2 * a * a)); }
  /// \brief Normalised spatial factor exp(−z²/(2b²)), d = 1.
  [[nodiscard]] double spatial(double z) const noexcept { return std::exp(-z * z / (2 * b * b)); }
  /// \brief Normalised spatial factor exp(−|z|²/(2b²)).
  template <int Dim>
  [[nodiscard]] double spatial(const Eigen::Matrix<double, Dim, 1>& z) const noexcept {
    return std::exp(-z.squaredNorm() / (2 * b * b));
  }
  /// \brief R(s, z), d = 1.
  [[nodiscard]] double operator()(double s, double z) const noexcept {
    return variance() * temporal(s) * spatial(z);
  }
  /// \brief Fourier transform of the temporal factor, a√(2π) e^{−a²ω²/2}.
  [[nodiscard]] double temporal_spectral(double omega) const noexcept {
    return a * std::sqrt(2 * std::numbers::pi) * std::exp(-a * a * omega * omega / 2);
  }
  /// \brief Fourier transform of the spatial factor in d = 1, b√(2π) e^{−b²p²/2}.
  [[nodiscard]] double spatial_spectral(double p) const noexcept {
    return b * std::sqrt(2 * std::numbers::pi) * std::exp(-b * b * p * p / 2);
  }
  /// \brief Fourier transform of the spatial factor in d = Dim.
  template <int Dim>
  [[nodiscard]] double spatial_spectral(const Eigen::Matrix<double, Dim, 1>& p) const {
    return std::pow(b * std::sqrt(2 * std::numbers::pi), Dim) *
           std::exp(-b * b * p.squaredNorm() / 2);
  }
  /// \brief R̂(ω, p), d = 1.
  [[nodiscard]] double spectral_density(double omega, double p) const noexcept {
    return variance() * temporal_spectral(omega) * spatial_spectral(p);
  }
};

}  // namespace wavekin
