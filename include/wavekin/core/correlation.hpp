// wavekin/core/correlation.hpp — the correlation shapes every module reads: exponential and
// Gaussian R(x) with an amplitude, their transforms R̂(q), and P2's separable space–time products.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <concepts>
#include <numbers>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

namespace detail {

// What both isotropic shapes share: ℓ and D (checked once), R(x) = D² r(|x|/ℓ),
// R̂(q) = D² C ℓ^d s(ℓ²|q|²), the radius, and the scalar overloads of d = 1. The shape supplies
// r (`profile`), C = ∫_{ℝ^d} r(|x|) dx (`transform_constant`), the normalised transform s with
// s(0) = 1 (`spectrum`) and the radius at ℓ = 1 (`unit_radius`).
template <class Shape, int Dim>
class IsotropicCorrelation {
 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;
  static constexpr int dimension = Dim;

  /// \brief The correlation length ℓ.
  [[nodiscard]] double length() const noexcept { return m_length; }
  /// \brief The amplitude D (R(0) = D²).
  [[nodiscard]] double amplitude() const noexcept { return m_amplitude; }
  /// \brief The variance D² = R(0).
  [[nodiscard]] double variance() const noexcept { return m_amplitude * m_amplitude; }

  /// \brief R(x).
  [[nodiscard]] double value(const Vector& x) const {
    return variance() * Shape::profile(x, m_length);
  }
  /// \brief R̂(q) = ∫ e^{−iq·x} R(x) dx (docs/conventions.md §2).
  [[nodiscard]] double spectral_density(const Vector& q) const {
    return m_peak * Shape::spectrum(m_length * m_length * q.squaredNorm());
  }
  /// \brief The radius beyond which R̂(q) ≤ tolerance·R̂(0) (the truncation of the μ-sums of
  /// P1 (4.15), (C.3)); it does not depend on D.
  /// \pre 0 < tolerance < 1 (invalid_argument naming the value).
  [[nodiscard]] double radius(double tolerance) const {
    require(std::isfinite(tolerance) && tolerance > 0 && tolerance < 1,
            "{}::radius: the tolerance must be in (0, 1), got {}", Shape::name, tolerance);
    return Shape::unit_radius(tolerance) / m_length;
  }
  /// \brief R(x) and R̂(q) at a scalar argument (d = 1).
  [[nodiscard]] double value(double x) const requires(Dim == 1) { return value(Vector(x)); }
  [[nodiscard]] double spectral_density(double q) const requires(Dim == 1) {
    return spectral_density(Vector(q));
  }

 protected:
  IsotropicCorrelation(double length, double amplitude) : m_length(length), m_amplitude(amplitude) {
    require(std::isfinite(length) && length > 0,
            "{}: the correlation length ell must be finite and > 0, got {}", Shape::name, length);
    // D = 0 is R ≡ 0, no random potential (pure transport): allowed, R and R̂ vanish.
    require(std::isfinite(amplitude) && amplitude >= 0,
            "{}: the amplitude D must be finite and >= 0, got {}", Shape::name, amplitude);
    m_peak = variance() * (Shape::transform_constant() * std::pow(length, Dim));
  }

 private:
  double m_length;
  double m_amplitude;
  double m_peak = 0;  // R̂(0)
};

}  // namespace detail

/// \brief The exponential correlation R(x) = D² e^{−|x|/ℓ} (|x| Euclidean) and its transform
/// \f$\hat R(q) = D^2 c_d \ell^d / (1 + \ell^2|q|^2)^{(d+1)/2}\f$, R̂(q) = ∫ e^{−iq·x} R(x) dx
/// (docs/conventions.md §2), with c_d = 2^d π^{(d−1)/2} Γ((d+1)/2) the d-dimensional transform
/// of e^{−|x|} (`transform_constant()`, the one place it is written): 2ℓ/(1+ℓ²q²) in 1D (the
/// factors of P2 (4.20)), 2πℓ²/(1+ℓ²|q|²)^{3/2} in 2D, 8πℓ³/(1+ℓ²|q|²)² in 3D (times D²).
/// radius(tol) = √(tol^{−2/(d+1)} − 1)/ℓ: the tail is algebraic, so the μ-sums of P1 (4.15),
/// (C.3) need a looser tolerance than the Gaussian's.
/// \tparam Dim the dimension d of x and q.
template <int Dim>
requires PositiveDimension<Dim>
class ExponentialCorrelation
    : public detail::IsotropicCorrelation<ExponentialCorrelation<Dim>, Dim> {
  using Base = detail::IsotropicCorrelation<ExponentialCorrelation<Dim>, Dim>;
  friend Base;

 public:
  /// \pre ℓ, D finite and > 0 (invalid_argument naming the value). D = 1 (the default) is a
  ///      unit-variance R, the P1 collisions' historical normalisation.
  explicit ExponentialCorrelation(double length, double amplitude = 1) : Base(length, amplitude) {}

  /// \brief c_d = 2^d π^{(d−1)/2} Γ((d+1)/2) = ∫_{ℝ^d} e^{−|x|} dx.
  [[nodiscard]] static double transform_constant() {
    return std::pow(2.0, Dim) * std::pow(std::numbers::pi, 0.5 * (Dim - 1)) *
           std::tgamma(0.5 * (Dim + 1));
  }

 private:
  static constexpr const char* name = "ExponentialCorrelation";
  static double profile(const typename Base::Vector& x, double length) {
    return std::exp(-x.norm() / length);
  }
  static double spectrum(double scaled) { return std::pow(1 + scaled, -0.5 * (Dim + 1)); }
  static double unit_radius(double tolerance) {
    return std::sqrt(std::pow(tolerance, -2.0 / (Dim + 1)) - 1);
  }
};

/// \brief The Gaussian correlation R(x) = D² e^{−|x|²/2ℓ²} and its transform
/// \f$\hat R(q) = D^2 (2\pi)^{d/2}\ell^d e^{-\ell^2|q|^2/2}\f$ (docs/conventions.md §2);
/// radius(tol) = √(2 ln(1/tol))/ℓ.
/// \tparam Dim the dimension d of x and q.
template <int Dim>
requires PositiveDimension<Dim>
class GaussianCorrelation : public detail::IsotropicCorrelation<GaussianCorrelation<Dim>, Dim> {
  using Base = detail::IsotropicCorrelation<GaussianCorrelation<Dim>, Dim>;
  friend Base;

 public:
  /// \pre ℓ, D finite and > 0 (invalid_argument naming the value); D = 1 by default.
  explicit GaussianCorrelation(double length, double amplitude = 1) : Base(length, amplitude) {}

  /// \brief (2π)^{d/2} = ∫_{ℝ^d} e^{−|x|²/2} dx.
  [[nodiscard]] static double transform_constant() {
    return std::pow(2 * std::numbers::pi, 0.5 * Dim);
  }

 private:
  static constexpr const char* name = "GaussianCorrelation";
  static double profile(const typename Base::Vector& x, double length) {
    return std::exp(-x.squaredNorm() / (2 * length * length));
  }
  static double spectrum(double scaled) { return std::exp(-0.5 * scaled); }
  static double unit_radius(double tolerance) { return std::sqrt(2 * std::log(1 / tolerance)); }
};

/// \brief What the collisions of P1 (4.15), (5.2)–(5.4) and (C.3) read from a spatial
/// correlation: R̂(q) = `r.spectral_density(q)` (real, even, ≥ 0; docs/conventions.md §2, §14)
/// and `r.radius(tolerance)`, beyond which R̂ ≤ tolerance·R̂(0) (the truncation of their μ-sums).
/// ExponentialCorrelation<Dim> and GaussianCorrelation<Dim> model it.
template <class R, int Dim>
concept SpatialCorrelation = PositiveDimension<Dim> &&
    requires(const R& r, const Eigen::Matrix<double, Dim, 1>& q, double tolerance) {
  { r.spectral_density(q) } -> std::convertible_to<double>;
  { r.radius(tolerance) } -> std::convertible_to<double>;
};

/// \brief What the radiative transfer collision of P2 (3.6) reads from a space–time correlation:
/// R̂(ω, q) = ∫∫ e^{−iωs − iq·z} R(s, z) ds dz = `c.spectral_density(omega, q)` (P2 (3.4),
/// docs/conventions.md §2), real, ≥ 0 and even in ω and in q (P2 (3.3)); the collision
/// operator's symmetry, hence its exact mass conservation, rests on that. SeparableCorrelation
/// models it.
template <class C, int Dim>
concept SpaceTimeCorrelation = PositiveDimension<Dim> &&
    requires(const C& c, double omega, const Eigen::Matrix<double, Dim, 1>& q) {
  { c.spectral_density(omega, q) } -> std::convertible_to<double>;
};

namespace detail {

// Readable errors where a wrong type would otherwise fail deep inside an assembly loop.
template <class R, int Dim>
consteval bool check_spatial_correlation() {
  static_assert(SpatialCorrelation<R, Dim>,
                "the correlation must model wavekin::SpatialCorrelation<R, Dim>: "
                "spectral_density(q) (R-hat, q an Eigen::Matrix<double, Dim, 1>) and "
                "radius(tolerance), e.g. ExponentialCorrelation<Dim> or GaussianCorrelation<Dim>");
  return true;
}
template <class C, int Dim>
consteval bool check_space_time_correlation() {
  static_assert(SpaceTimeCorrelation<C, Dim>,
                "the correlation must model wavekin::SpaceTimeCorrelation<C, Dim>: "
                "spectral_density(omega, q) (R-hat of P2 (3.4), q an Eigen::Matrix<double, Dim, "
                "1>), e.g. SeparableCorrelation<ExponentialCorrelation<1>, "
                "ExponentialCorrelation<Dim>>");
  return true;
}

}  // namespace detail

/// \brief P2's separable space–time correlation R(t, x) = D² r_t(t) r_x(x) (P2 (3.3)) with
/// unit-amplitude factors r_t(0) = r_x(0) = 1, and its spectral density
/// R̂(ω, q) = D² r̂_t(ω) r̂_x(q) (P2 (3.4), docs/conventions.md §2, §19).
///
/// The defaults are P2's test covariance (4.15) in d = 1, R = D² e^{−|t|/a − |x|/b} (absolute
/// values restored, docs/errata.md item 9), whose R̂ is P2 (4.20), 4abD²/((1+a²ω²)(1+b²q²)):
/// `SeparableCorrelation<> c(1.5, 100, 100)`. With an exponential time factor the field is an
/// Ornstein–Uhlenbeck process in time (`exponential_in_time`), which the streaming sampler and
/// the Karhunen–Loève expansion need.
/// \tparam Temporal the time factor, ExponentialCorrelation<1> or GaussianCorrelation<1>
/// \tparam Spatial  the space factor, ExponentialCorrelation<d> or GaussianCorrelation<d>
template <class Temporal = ExponentialCorrelation<1>, class Spatial = ExponentialCorrelation<1>>
class SeparableCorrelation {
  static_assert(detail::check_spatial_correlation<Temporal, 1>() && Temporal::dimension == 1,
                "SeparableCorrelation: the time factor must be a one-dimensional shape");
  static_assert(detail::check_spatial_correlation<Spatial, Spatial::dimension>());

 public:
  static constexpr int dimension = Spatial::dimension;
  using Vector = typename Spatial::Vector;
  /// True when the time factor is e^{−|t|/a}: an Ornstein–Uhlenbeck process (AR(1) in time).
  static constexpr bool exponential_in_time = std::same_as<Temporal, ExponentialCorrelation<1>>;

  /// \brief D² r_t(t) r_x(x) with r_t of correlation time a and r_x of correlation length b.
  /// \pre D, a, b finite and > 0 (invalid_argument naming the value).
  SeparableCorrelation(double amplitude, double correlation_time, double correlation_length)
      : SeparableCorrelation(amplitude, Temporal(checked(correlation_time, "correlation time a")),
                             Spatial(checked(correlation_length, "correlation length b"))) {}

  /// \brief D² r_t(t) r_x(x) from the two factors.
  /// \pre D finite and > 0; both factors of amplitude 1.
  SeparableCorrelation(double amplitude, Temporal temporal, Spatial spatial)
      : m_amplitude(amplitude), m_temporal(temporal), m_spatial(spatial) {
    require(std::isfinite(amplitude) && amplitude > 0,
            "SeparableCorrelation: the amplitude D must be finite and > 0, got {}", amplitude);
    require(temporal.amplitude() == 1 && spatial.amplitude() == 1,
            "SeparableCorrelation: the factors must have amplitude 1 (D carries the scale), got "
            "{} (time) and {} (space)",
            temporal.amplitude(), spatial.amplitude());
  }

  /// \brief D, the standard deviation of the field.
  [[nodiscard]] double amplitude() const noexcept { return m_amplitude; }
  /// \brief D² = R(0, 0).
  [[nodiscard]] double variance() const noexcept { return m_amplitude * m_amplitude; }
  /// \brief The time factor r_t (unit amplitude) and its correlation time a.
  [[nodiscard]] const Temporal& temporal() const noexcept { return m_temporal; }
  [[nodiscard]] double correlation_time() const noexcept { return m_temporal.length(); }
  /// \brief The space factor r_x (unit amplitude) and its correlation length b.
  [[nodiscard]] const Spatial& spatial() const noexcept { return m_spatial; }
  [[nodiscard]] double correlation_length() const noexcept { return m_spatial.length(); }

  /// \brief R(s, z) = D² r_t(s) r_x(z).
  [[nodiscard]] double value(double s, const Vector& z) const {
    return variance() * m_temporal.value(s) * m_spatial.value(z);
  }
  /// \brief R̂(ω, q) = D² r̂_t(ω) r̂_x(q).
  [[nodiscard]] double spectral_density(double omega, const Vector& q) const {
    return variance() * m_temporal.spectral_density(omega) * m_spatial.spectral_density(q);
  }
  /// \brief R(s, z) and R̂(ω, q) at scalar z, q (d = 1).
  [[nodiscard]] double value(double s, double z) const requires(dimension == 1) {
    return value(s, Vector(z));
  }
  [[nodiscard]] double spectral_density(double omega, double q) const requires(dimension == 1) {
    return spectral_density(omega, Vector(q));
  }

 private:
  static double checked(double value, const char* what) {
    require(std::isfinite(value) && value > 0,
            "SeparableCorrelation: the {} must be finite and > 0, got {}", what, value);
    return value;
  }

  double m_amplitude;
  Temporal m_temporal;
  Spatial m_spatial;
};

}  // namespace wavekin
