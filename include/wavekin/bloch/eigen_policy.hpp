// wavekin/bloch/eigen_policy.hpp — how BlochSolver finds the lowest eigenpairs of the Hermitian
// H(k). SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <concepts>
#include <limits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include <Spectra/SymEigsSolver.h>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief Settings an eigen policy may use (BlochOptions carries them).
struct EigenControls {
  /// AutoEigen: dense below this many plane waves, iterative from it on.
  Eigen::Index dense_limit = 1500;
  /// IterativeEigen: Spectra's relative tolerance on each Ritz value.
  double tolerance = 1e-10;
  /// IterativeEigen: maximum number of Lanczos restarts.
  Eigen::Index max_iterations = 1000;
};

/// \brief The lowest eigenpairs of a Hermitian matrix: energies ascending,
/// vectors orthonormal columns.
template <RealScalar Scalar>
struct EigenPairs {
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> values;
  Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic> vectors;
};

/// \brief An eigen policy: `Policy::template lowest<Scalar>(H, n, controls)`
/// returns the n lowest eigenpairs of the Hermitian matrix H, stored in full.
template <class Policy, class Scalar>
concept HermitianEigenPolicy = RealScalar<Scalar> &&
    requires(const Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>& h,
             Eigen::Index n, const EigenControls& controls) {
  { Policy::template lowest<Scalar>(h, n, controls) } -> std::same_as<EigenPairs<Scalar>>;
};

/// \brief Full dense diagonalisation (Eigen::SelfAdjointEigenSolver:
/// Householder tridiagonalisation + implicit QR, O(N³), backward stable;
/// a degenerate eigenvalue gets an orthonormal basis of its eigenspace).
struct DenseEigen {
  template <RealScalar Scalar>
  static EigenPairs<Scalar> lowest(
      const Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>& h, Eigen::Index n,
      const EigenControls& /*controls*/) {
    const Eigen::SelfAdjointEigenSolver<
        Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>>
        solver(h);
    require<convergence_error>(solver.info() == Eigen::Success,
                               "DenseEigen: SelfAdjointEigenSolver failed on a {}x{} matrix",
                               h.rows(), h.cols());
    return {solver.eigenvalues().head(n), solver.eigenvectors().leftCols(n)};
  }
};

namespace detail {

// The real symmetric embedding of a Hermitian H = A + iB acting on (x; y)
// ≅ x + iy: [[A, −B], [B, A]] (x; y) = (Re H(x+iy); Im H(x+iy)). Its spectrum
// is that of H with every eigenvalue doubled: (x; y) and (−y; x) ≅ i(x+iy).
template <class Real>
class RealEmbeddingProduct {
 public:
  using Scalar = Real;  // what Spectra's OpType must name
  using ComplexMatrix = Eigen::Matrix<std::complex<Real>, Eigen::Dynamic, Eigen::Dynamic>;

  explicit RealEmbeddingProduct(const ComplexMatrix& h) : m_h(h), m_in(h.rows()), m_out(h.rows()) {}

  [[nodiscard]] Eigen::Index rows() const { return 2 * m_h.rows(); }
  [[nodiscard]] Eigen::Index cols() const { return 2 * m_h.rows(); }

  void perform_op(const Real* x, Real* y) const {
    const Eigen::Index n = m_h.rows();
    for (Eigen::Index i = 0; i < n; ++i) m_in[i] = std::complex<Real>(x[i], x[n + i]);
    m_out.noalias() = m_h.template selfadjointView<Eigen::Lower>() * m_in;
    for (Eigen::Index i = 0; i < n; ++i) {
      y[i] = m_out[i].real();
      y[n + i] = m_out[i].imag();
    }
  }

 private:
  const ComplexMatrix& m_h;
  mutable Eigen::Matrix<std::complex<Real>, Eigen::Dynamic, 1> m_in;
  mutable Eigen::Matrix<std::complex<Real>, Eigen::Dynamic, 1> m_out;
};

}  // namespace detail

/// \brief Implicitly restarted Lanczos (Spectra::SymEigsSolver, smallest
/// algebraic) on the real 2N×2N embedding of H, then Rayleigh–Ritz in ℂ^N.
///
/// Spectra's symmetric solvers are real, so H = A + iB is embedded as
/// [[A, −B], [B, A]], whose eigenvalues are those of H, each twice. The 2n
/// lowest embedded pairs span the realification of the n-dimensional lowest
/// eigenspace of H; their complex images x + iy span it over ℂ. A rank-revealing
/// QR of those 2n complex vectors gives an orthonormal basis Q, and the
/// eigenpairs of QᴴHQ give the answer (exact within the converged subspace,
/// and an orthonormal basis of any degenerate eigenspace). Cost per matvec
/// O(N²) (H is dense: V̂(G−G') couples every pair). Throws convergence_error
/// (iterations, residual) when Lanczos stops short or the final residual
/// ‖Hv − Ev‖ exceeds √tolerance·‖H‖.
struct IterativeEigen {
  template <RealScalar Scalar>
  static EigenPairs<Scalar> lowest(
      const Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>& h, Eigen::Index n,
      const EigenControls& controls) {
    using ComplexMatrix = Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;
    const Eigen::Index size = h.rows();
    // Spectra needs nev < ncv <= 2N; tiny problems go dense.
    const Eigen::Index nev = 2 * n;
    if (nev + 2 > 2 * size) return DenseEigen::lowest<Scalar>(h, n, controls);
    const Eigen::Index ncv =
        std::min<Eigen::Index>(2 * size, std::max<Eigen::Index>(2 * nev + 1, nev + 20));
    detail::RealEmbeddingProduct<Scalar> op(h);
    Spectra::SymEigsSolver<detail::RealEmbeddingProduct<Scalar>> lanczos(op, nev, ncv);
    lanczos.init();
    const Eigen::Index converged =
        lanczos.compute(Spectra::SortRule::SmallestAlge, controls.max_iterations,
                        static_cast<Scalar>(controls.tolerance), Spectra::SortRule::SmallestAlge);
    if (lanczos.info() != Spectra::CompInfo::Successful) {
      throw convergence_error(fmt::format(
          "IterativeEigen: Lanczos did not converge to {} eigenpairs of a {}x{} Hermitian matrix "
          "within {} restarts ({} of {} embedded Ritz pairs within tolerance {}; {} matrix "
          "products; Spectra does not expose the unconverged residuals)",
          n, size, size, lanczos.num_iterations(), converged, nev, controls.tolerance,
          lanczos.num_operations()));
    }
    const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> real_vectors =
        lanczos.eigenvectors();
    ComplexMatrix span(size, real_vectors.cols());
    for (Eigen::Index c = 0; c < real_vectors.cols(); ++c)
      for (Eigen::Index i = 0; i < size; ++i)
        span(i, c) = std::complex<Scalar>(real_vectors(i, c), real_vectors(size + i, c));
    // Rank-revealing QR: the complex span has dimension n (more only if the
    // cut falls inside a degenerate cluster, which Rayleigh–Ritz then handles).
    Eigen::ColPivHouseholderQR<ComplexMatrix> qr(span);
    qr.setThreshold(std::sqrt(std::numeric_limits<Scalar>::epsilon()));
    const Eigen::Index rank = qr.rank();
    require<convergence_error>(rank >= n,
                               "IterativeEigen: the converged subspace has complex rank {} < {} "
                               "bands ({} restarts)",
                               rank, n, lanczos.num_iterations());
    const ComplexMatrix q = (qr.householderQ() * ComplexMatrix::Identity(size, rank)).eval();
    const ComplexMatrix hq = h.template selfadjointView<Eigen::Lower>() * q;
    const ComplexMatrix projected = q.adjoint() * hq;
    const Eigen::SelfAdjointEigenSolver<ComplexMatrix> ritz(projected);
    EigenPairs<Scalar> out{ritz.eigenvalues().head(n), q * ritz.eigenvectors().leftCols(n)};
    // Residual check: the Ritz pairs must be eigenpairs of H, not of the subspace only.
    const ComplexMatrix residual =
        hq * ritz.eigenvectors().leftCols(n) - out.vectors * out.values.asDiagonal();
    Scalar worst = 0;
    for (Eigen::Index c = 0; c < n; ++c) worst = std::max(worst, residual.col(c).norm());
    // max|H_ij| (H is stored in full by BlochSolver) sets the scale of ‖H‖.
    const Scalar scale = std::max(Scalar(1), h.cwiseAbs().maxCoeff());
    if (!(worst <= std::sqrt(static_cast<Scalar>(controls.tolerance)) * scale)) {
      throw convergence_error(fmt::format(
          "IterativeEigen: residual max ‖Hv − Ev‖ = {:.3g} after {} restarts exceeds {:.3g}", worst,
          lanczos.num_iterations(), std::sqrt(static_cast<Scalar>(controls.tolerance)) * scale));
    }
    return out;
  }
};

/// \brief DenseEigen below `controls.dense_limit` plane waves, IterativeEigen
/// from there on (dense O(N³) time and O(N²) memory dominate beyond ~1500).
struct AutoEigen {
  template <RealScalar Scalar>
  static EigenPairs<Scalar> lowest(
      const Eigen::Matrix<std::complex<Scalar>, Eigen::Dynamic, Eigen::Dynamic>& h, Eigen::Index n,
      const EigenControls& controls) {
    if (h.rows() < controls.dense_limit) return DenseEigen::lowest<Scalar>(h, n, controls);
    return IterativeEigen::lowest<Scalar>(h, n, controls);
  }
};

}  // namespace wavekin
