// wavekin/coherence/band_data.hpp — band energies E(p) and interband matrices D_i(p) at a list of
// quasimomenta, from analytic k·p models here or from Bloch states (from_bloch.hpp).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

namespace detail {

// Relative tolerance of the Hermitian checks: round-off of a product Uᴴ A U, with room.
template <RealScalar Scalar>
constexpr Scalar hermitian_tolerance() {
  return std::is_same_v<Scalar, float> ? Scalar(1e-5) : Scalar(1e-10);
}

}  // namespace detail

/// \brief E_m(p) and \f$D_{i,nl}(p) = \langle(-i\partial_{z_i})\Psi_l,\Psi_n\rangle_C\f$
/// (P1 (3.16)–(3.17), docs/conventions.md §7: the ROW index n is conjugated) for n bands at a list of
/// quasimomenta p, all in one gauge.
///
/// These are the coefficients of the coupled Liouville system (3.16); CoherenceLiouville
/// reads them point by point. Every D_i(p) must be Hermitian (P1 Remark 3.3): the exact
/// integrator's norm conservation rests on it, so add() checks it (to 1e-10 relative) and
/// rejects anything else, as it rejects non-finite values and wrong sizes.
///
/// \tparam PDim    dimension of p (= dimension of x in P1)
/// \tparam Scalar  float or double
template <int PDim, RealScalar Scalar = double>
requires PositiveDimension<PDim>
class BandData {
 public:
  using Momentum = Eigen::Matrix<Scalar, PDim, 1>;
  using RealVector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using ComplexMatrix = Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;
  using DMatrices = std::array<ComplexMatrix, PDim>;
  static constexpr int dimension = PDim;

  /// \pre band_count >= 1.
  explicit BandData(Eigen::Index band_count) : m_band_count(band_count) {
    require(band_count >= 1, "BandData: band count n = {} must be >= 1", band_count);
  }

  /// \brief Appends the point p with energies E(p) (n entries) and D_0(p) … D_{PDim−1}(p)
  /// (n × n, Hermitian).
  /// \pre p and E finite, E.size() == n, each D_i n × n, finite and Hermitian to
  ///      1e-10·max(1, max|D_i|); violations throw invalid_argument naming the point.
  void add(const Momentum& p, const RealVector& energies, const DMatrices& d) {
    const auto index = size();
    require(p.allFinite(), "BandData::add: point {} has a non-finite quasimomentum", index);
    require(energies.size() == m_band_count,
            "BandData::add: point {} has {} energies, expected n = {}", index, energies.size(),
            m_band_count);
    require(energies.allFinite(), "BandData::add: point {} has a non-finite energy", index);
    for (int i = 0; i < PDim; ++i) {
      const ComplexMatrix& di = d[static_cast<std::size_t>(i)];
      require(di.rows() == m_band_count && di.cols() == m_band_count,
              "BandData::add: D_{} at point {} is {}x{}, expected {}x{}", i, index, di.rows(),
              di.cols(), m_band_count, m_band_count);
      require(di.allFinite(), "BandData::add: D_{} at point {} has a non-finite entry", i, index);
      const Scalar scale = std::max(Scalar(1), di.cwiseAbs().maxCoeff());
      const Scalar defect = (di - di.adjoint()).cwiseAbs().maxCoeff();
      require(defect <= detail::hermitian_tolerance<Scalar>() * scale,
              "BandData::add: D_{} at point {} is not Hermitian (max|D − Dᴴ| = {})", i, index,
              defect);
    }
    m_momenta.push_back(p);
    m_energies.push_back(energies);
    m_d.push_back(d);
  }

  /// \brief Number of points.
  [[nodiscard]] Eigen::Index size() const noexcept {
    return static_cast<Eigen::Index>(m_momenta.size());
  }
  /// \brief Number of bands n.
  [[nodiscard]] Eigen::Index band_count() const noexcept { return m_band_count; }
  /// \brief The quasimomentum p of point i.
  [[nodiscard]] const Momentum& momentum(Eigen::Index i) const { return m_momenta[checked(i)]; }
  /// \brief E(p_i), n entries.
  [[nodiscard]] const RealVector& energies(Eigen::Index i) const { return m_energies[checked(i)]; }
  /// \brief D_0(p_i) … D_{PDim−1}(p_i).
  [[nodiscard]] const DMatrices& D(Eigen::Index i) const { return m_d[checked(i)]; }
  /// \brief D_axis(p_i).
  [[nodiscard]] const ComplexMatrix& D(Eigen::Index i, int axis) const {
    require(axis >= 0 && axis < PDim, "BandData::D: axis {} is outside [0, {})", axis, PDim);
    return m_d[checked(i)][static_cast<std::size_t>(axis)];
  }

 private:
  std::size_t checked(Eigen::Index i) const {
    require(i >= 0 && i < size(), "BandData: point {} is outside [0, {})", i, size());
    return static_cast<std::size_t>(i);
  }

  Eigen::Index m_band_count;
  std::vector<Momentum> m_momenta;
  std::vector<RealVector> m_energies;
  std::vector<DMatrices> m_d;
};

/// \brief BandData of an analytic k·p model: at each p, the Hermitian n × n matrix H(p) is
/// diagonalised, H = U diag(E) Uᴴ (E ascending), and \f$D_i = U^H\,\partial_{p_i}H\,U\f$ — the
/// same object as interband_D, which is \f$C^H\,\partial_{k_i}H_{GG'}\,C\f$ for the plane-wave
/// Hamiltonian. Diagonal of D_i = ∂E_l/∂p_i where E_l is simple (Hellmann–Feynman).
///
/// Gauge: each eigenvector is multiplied by the phase making its largest component (the first
/// within a relative 1e-8 of the largest modulus) real and positive, BlochSolver's rule:
/// deterministic, smooth wherever that component stays the largest. At a degeneracy (a crossing
/// point itself) the U(n) is whatever Eigen's SelfAdjointEigenSolver returns.
///
/// \param hamiltonian  callable p ↦ H(p), an n × n complex matrix (Hermitian)
/// \param gradient     callable (p, i) ↦ ∂H/∂p_i
/// \pre points non-empty; H(p) square, same n everywhere, Hermitian; finite.
template <int PDim, RealScalar Scalar, class Hamiltonian, class Gradient>
BandData<PDim, Scalar> band_data_from_model(
    const std::vector<Eigen::Matrix<Scalar, PDim, 1>>& points, const Hamiltonian& hamiltonian,
    const Gradient& gradient) {
  using ComplexMatrix = typename BandData<PDim, Scalar>::ComplexMatrix;
  require(!points.empty(), "band_data_from_model: no points given");
  const ComplexMatrix first = hamiltonian(points.front());
  require(first.rows() >= 1 && first.rows() == first.cols(),
          "band_data_from_model: H(p) must be square and non-empty, got {}x{}", first.rows(),
          first.cols());
  const Eigen::Index n = first.rows();
  BandData<PDim, Scalar> data(n);
  for (std::size_t k = 0; k < points.size(); ++k) {
    const ComplexMatrix h = hamiltonian(points[k]);
    require(h.rows() == n && h.cols() == n,
            "band_data_from_model: H at point {} is {}x{}, expected {}x{}", k, h.rows(), h.cols(),
            n, n);
    require(h.allFinite(), "band_data_from_model: H at point {} has a non-finite entry", k);
    const Scalar scale = std::max(Scalar(1), h.cwiseAbs().maxCoeff());
    require(
        (h - h.adjoint()).cwiseAbs().maxCoeff() <= detail::hermitian_tolerance<Scalar>() * scale,
        "band_data_from_model: H at point {} is not Hermitian", k);
    const Eigen::SelfAdjointEigenSolver<ComplexMatrix> eig(h);
    ComplexMatrix u = eig.eigenvectors();
    for (Eigen::Index m = 0; m < n; ++m) {
      const Scalar largest = u.col(m).cwiseAbs().maxCoeff();
      Eigen::Index pivot = 0;
      while (std::abs(u(pivot, m)) < largest * (1 - Scalar(1e-8))) ++pivot;
      u.col(m) *= std::conj(u(pivot, m)) / std::abs(u(pivot, m));
    }
    typename BandData<PDim, Scalar>::DMatrices d;
    for (int i = 0; i < PDim; ++i) {
      const ComplexMatrix dh = gradient(points[k], i);
      require(dh.rows() == n && dh.cols() == n,
              "band_data_from_model: dH/dp_{} at point {} is {}x{}, expected {}x{}", i, k,
              dh.rows(), dh.cols(), n, n);
      d[static_cast<std::size_t>(i)] = u.adjoint() * dh * u;
    }
    data.add(points[k], eig.eigenvalues(), d);
  }
  return data;
}

/// \brief The two-band conical (Dirac) model around a crossing p*:
/// \f$H(p) = \lambda[(p-p_*)_x\sigma_x + (p-p_*)_y\sigma_y]\f$, so E_{1,2} = ∓λ|p − p*|
/// (P1 (3.21) with r = 1, λ♯ = λ, E_* = 0; graphene near K, P1 §5).
/// \pre λ finite and > 0; see band_data_from_model.
template <RealScalar Scalar>
BandData<2, Scalar> dirac_band_data(const std::vector<Eigen::Matrix<Scalar, 2, 1>>& points,
                                    Scalar lambda,
                                    const Eigen::Matrix<Scalar, 2, 1>& p_star = {0, 0}) {
  require(std::isfinite(lambda) && lambda > 0,
          "dirac_band_data: slope lambda = {} must be finite and > 0", lambda);
  using C = std::complex<Scalar>;
  using M = Eigen::Matrix<C, Eigen::Dynamic, Eigen::Dynamic>;
  const auto pauli = [](int i) {
    M s(2, 2);
    if (i == 0)
      s << C(0), C(1), C(1), C(0);
    else
      s << C(0), C(0, -1), C(0, 1), C(0);
    return s;
  };
  return band_data_from_model<2, Scalar>(
      points,
      [&](const Eigen::Matrix<Scalar, 2, 1>& p) -> M {
        const Eigen::Matrix<Scalar, 2, 1> q = p - p_star;
        return lambda * (q[0] * pauli(0) + q[1] * pauli(1));
      },
      [&](const Eigen::Matrix<Scalar, 2, 1>&, int i) -> M { return lambda * pauli(i); });
}

/// \brief The two-band quadratic touching model (bilayer-like) around p*:
/// \f$H(p) = \lambda[(q_x^2-q_y^2)\sigma_x + 2q_xq_y\sigma_y]\f$, q = p − p*, so
/// E_{1,2} = ∓λ|q|² (P1 (3.21) with r = 2).
/// \pre λ finite and > 0; see band_data_from_model.
template <RealScalar Scalar>
BandData<2, Scalar> quadratic_touching_band_data(
    const std::vector<Eigen::Matrix<Scalar, 2, 1>>& points, Scalar lambda,
    const Eigen::Matrix<Scalar, 2, 1>& p_star = {0, 0}) {
  require(std::isfinite(lambda) && lambda > 0,
          "quadratic_touching_band_data: coefficient lambda = {} must be finite and > 0", lambda);
  using C = std::complex<Scalar>;
  using M = Eigen::Matrix<C, Eigen::Dynamic, Eigen::Dynamic>;
  const auto combine = [&](Scalar a, Scalar b) {
    M s(2, 2);
    s << C(0), C(a, -b), C(a, b), C(0);  // a σ_x + b σ_y
    return M(lambda * s);
  };
  return band_data_from_model<2, Scalar>(
      points,
      [&](const Eigen::Matrix<Scalar, 2, 1>& p) -> M {
        const Eigen::Matrix<Scalar, 2, 1> q = p - p_star;
        return combine(q[0] * q[0] - q[1] * q[1], 2 * q[0] * q[1]);
      },
      [&](const Eigen::Matrix<Scalar, 2, 1>& p, int i) -> M {
        const Eigen::Matrix<Scalar, 2, 1> q = p - p_star;
        return i == 0 ? combine(2 * q[0], 2 * q[1]) : combine(-2 * q[1], 2 * q[0]);
      });
}

}  // namespace wavekin
