// wavekin/kinetic/hamiltonian.hpp — the classical Hamiltonian H = ½ m_0(t,x)|k|² + V(t,x)
// of the Liouville limit of the varying-mass Schrödinger equation (P2 §2.3–2.4).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <string>
#include <type_traits>
#include <utility>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

namespace detail {

// Evaluates a scalar field f(t, x): a callable of (double, Eigen vector) or,
// for Dim = 1, of (double, double).
template <int Dim, class Fn>
double eval_scalar_field(const Fn& f, double t, const Eigen::Matrix<double, Dim, 1>& x) {
  if constexpr (std::is_invocable_v<const Fn&, double, const Eigen::Matrix<double, Dim, 1>&>) {
    return static_cast<double>(f(t, x));
  } else {
    static_assert(Dim == 1 && std::is_invocable_v<const Fn&, double, double>,
                  "a kinetic field must be callable as f(double t, const Eigen::Matrix<double, "
                  "Dim, 1>& x), or as f(double t, double x) when Dim == 1");
    return static_cast<double>(f(t, x[0]));
  }
}

// Evaluates a gradient field g(t, x) returning an Eigen vector (or a double when Dim = 1).
template <int Dim, class Fn>
Eigen::Matrix<double, Dim, 1> eval_vector_field(const Fn& g, double t,
                                                const Eigen::Matrix<double, Dim, 1>& x) {
  using Vector = Eigen::Matrix<double, Dim, 1>;
  if constexpr (std::is_invocable_v<const Fn&, double, const Vector&>) {
    if constexpr (std::is_convertible_v<std::invoke_result_t<const Fn&, double, const Vector&>,
                                        double>) {
      static_assert(Dim == 1, "a scalar-valued gradient is only allowed when Dim == 1");
      return Vector::Constant(static_cast<double>(g(t, x)));
    } else {
      return Vector(g(t, x));
    }
  } else {
    static_assert(Dim == 1 && std::is_invocable_v<const Fn&, double, double>,
                  "a kinetic gradient must be callable as g(double t, const Eigen::Matrix<double, "
                  "Dim, 1>& x), or as g(double t, double x) when Dim == 1");
    return Vector::Constant(static_cast<double>(g(t, x[0])));
  }
}

}  // namespace detail

/// \brief The classical symbol \f$H(t,x,k) = \tfrac12 m_0(t,x)|k|^2 + V(t,x)\f$ of the
/// Liouville limit of the VMSE \f$i\varepsilon u_t = -\tfrac{\varepsilon^2}{2}\nabla\cdot(m\nabla
/// u) + Vu\f$ (P2 (1.1), §2.3–2.4; docs/conventions.md §20).
///
/// Hamilton's equations are \f$\dot x = \nabla_k H = m_0 k\f$ and
/// \f$\dot k = -\nabla_x H = -\tfrac12|k|^2\nabla m_0 - \nabla V\f$.
///
/// \tparam Dim          space dimension d (phase space is 2d-dimensional)
/// \tparam Mass         callable m_0(t, x) → double
/// \tparam MassGradient callable ∇m_0(t, x) → Eigen::Matrix<double, Dim, 1> (double if Dim = 1)
/// \tparam Potential    callable V(t, x) → double
/// \tparam PotentialGradient callable ∇V(t, x), like MassGradient
///
/// x is passed as `const Eigen::Matrix<double, Dim, 1>&`; for Dim = 1 a callable of
/// `(double t, double x)` is accepted too. Scalar type is double.
/// Invariant: every evaluation of m_0 is checked to be finite and > 0
/// (invalid_argument naming the value, time and point otherwise).
/// Second derivatives (needed by the variational equations of Characteristics) are
/// taken by fourth-order central differences of the gradients with step
/// \f$\delta = 10^{-3}\max(1,|x_a|)\f$: truncation \f$\sim\delta^4 |\partial^5|/30\f$, round-off
/// \f$\sim \epsilon_{mach}|\nabla|/\delta\f$, i.e. about 1e-12 relative for smooth fields.
template <int Dim, class Mass, class MassGradient, class Potential, class PotentialGradient>
  requires PositiveDimension<Dim>
class Hamiltonian {
 public:
  using Vector = Eigen::Matrix<double, Dim, 1>;
  using Matrix = Eigen::Matrix<double, Dim, Dim>;
  static constexpr int dimension = Dim;

  Hamiltonian(Mass mass, MassGradient mass_gradient, Potential potential,
              PotentialGradient potential_gradient)
      : m_mass(std::move(mass)),
        m_mass_gradient(std::move(mass_gradient)),
        m_potential(std::move(potential)),
        m_potential_gradient(std::move(potential_gradient)) {}

  /// \brief m_0(t, x); throws invalid_argument if it is not finite and > 0.
  [[nodiscard]] double mass(double t, const Vector& x) const {
    const double m = detail::eval_scalar_field<Dim>(m_mass, t, x);
    if (!(std::isfinite(m) && m > 0)) [[unlikely]] {
      std::string point;
      for (int a = 0; a < Dim; ++a) point += fmt::format("{}{}", a == 0 ? "" : ", ", x[a]);
      throw invalid_argument(fmt::format(
          "Hamiltonian: mass m_0 must be finite and > 0, got {} at t = {}, x = ({})", m, t, point));
    }
    return m;
  }
  /// \brief ∇m_0(t, x).
  [[nodiscard]] Vector mass_gradient(double t, const Vector& x) const {
    return detail::eval_vector_field<Dim>(m_mass_gradient, t, x);
  }
  /// \brief V(t, x).
  [[nodiscard]] double potential(double t, const Vector& x) const {
    return detail::eval_scalar_field<Dim>(m_potential, t, x);
  }
  /// \brief ∇V(t, x).
  [[nodiscard]] Vector potential_gradient(double t, const Vector& x) const {
    return detail::eval_vector_field<Dim>(m_potential_gradient, t, x);
  }

  /// \brief H(t, x, k) = ½ m_0 |k|² + V.
  [[nodiscard]] double value(double t, const Vector& x, const Vector& k) const {
    return 0.5 * mass(t, x) * k.squaredNorm() + potential(t, x);
  }
  /// \brief ∇_k H = m_0(t, x) k (the velocity ẋ).
  [[nodiscard]] Vector grad_k(double t, const Vector& x, const Vector& k) const {
    return mass(t, x) * k;
  }
  /// \brief ∇_x H = ½|k|² ∇m_0 + ∇V (so k̇ = −∇_x H).
  [[nodiscard]] Vector grad_x(double t, const Vector& x, const Vector& k) const {
    return 0.5 * k.squaredNorm() * mass_gradient(t, x) + potential_gradient(t, x);
  }

  /// \brief Hessians ∇²m_0 and ∇²V at (t, x) by fourth-order central differences of
  /// the gradients (see the class doc for the error).
  void hessians(double t, const Vector& x, Matrix& mass_hessian, Matrix& potential_hessian) const {
    for (int a = 0; a < Dim; ++a) {
      const double delta = 1e-3 * std::max(1.0, std::abs(x[a]));
      Vector xp1 = x, xm1 = x, xp2 = x, xm2 = x;
      xp1[a] += delta;
      xm1[a] -= delta;
      xp2[a] += 2 * delta;
      xm2[a] -= 2 * delta;
      mass_hessian.col(a) = (8 * (mass_gradient(t, xp1) - mass_gradient(t, xm1)) -
                             (mass_gradient(t, xp2) - mass_gradient(t, xm2))) /
                            (12 * delta);
      potential_hessian.col(a) = (8 * (potential_gradient(t, xp1) - potential_gradient(t, xm1)) -
                                  (potential_gradient(t, xp2) - potential_gradient(t, xm2))) /
                                 (12 * delta);
    }
    mass_hessian = (0.5 * (mass_hessian + mass_hessian.transpose())).eval();
    potential_hessian = (0.5 * (potential_hessian + potential_hessian.transpose())).eval();
  }

 private:
  Mass m_mass;
  MassGradient m_mass_gradient;
  Potential m_potential;
  PotentialGradient m_potential_gradient;
};

/// \brief Builds a Hamiltonian<Dim, …> from four callables (deduces their types).
template <int Dim, class Mass, class MassGradient, class Potential, class PotentialGradient>
auto make_hamiltonian(Mass mass, MassGradient mass_gradient, Potential potential,
                      PotentialGradient potential_gradient) {
  return Hamiltonian<Dim, Mass, MassGradient, Potential, PotentialGradient>(
      std::move(mass), std::move(mass_gradient), std::move(potential),
      std::move(potential_gradient));
}

/// \brief What solvers need from a Hamiltonian: Hamiltonian<Dim, …> or any type with
/// the same members (mass, mass_gradient, potential, potential_gradient, grad_k,
/// grad_x, hessians) and `dimension`.
template <class H>
concept KineticHamiltonian = requires(const H& h, double t, const typename H::Vector& x,
                                      typename H::Matrix& m) {
  { H::dimension } -> std::convertible_to<int>;
  { h.mass(t, x) } -> std::convertible_to<double>;
  { h.mass_gradient(t, x) } -> std::convertible_to<typename H::Vector>;
  { h.potential_gradient(t, x) } -> std::convertible_to<typename H::Vector>;
  { h.grad_k(t, x, x) } -> std::convertible_to<typename H::Vector>;
  { h.grad_x(t, x, x) } -> std::convertible_to<typename H::Vector>;
  h.hessians(t, x, m, m);
};

}  // namespace wavekin
