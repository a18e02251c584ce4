// Tests for wavekin/bloch/eigen_policy.hpp: IterativeEigen (Spectra Lanczos on the real
// embedding + Rayleigh–Ritz) against DenseEigen, degenerate eigenspaces, AutoEigen's switch,
// and the convergence error.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_eigen_policy {

using Catch::Matchers::Contains;

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

// ‖P_a − P_b‖ for the orthogonal projectors on the column spans: a
// phase- and U(n)-invariant comparison of eigenvectors.
double projector_distance(const Eigen::MatrixXcd& a, const Eigen::MatrixXcd& b) {
  return (a * a.adjoint() - b * b.adjoint()).norm();
}

}  // namespace

TEST_CASE("HermitianEigenPolicy holds for the three policies", "[bloch][eigen]") {
  STATIC_REQUIRE(wavekin::HermitianEigenPolicy<wavekin::DenseEigen, double>);
  STATIC_REQUIRE(wavekin::HermitianEigenPolicy<wavekin::IterativeEigen, double>);
  STATIC_REQUIRE(wavekin::HermitianEigenPolicy<wavekin::AutoEigen, float>);
  STATIC_REQUIRE_FALSE(wavekin::HermitianEigenPolicy<int, double>);
}

TEST_CASE("IterativeEigen agrees with DenseEigen on a complex Hermitian Bloch matrix",
          "[bloch][eigen]") {
  // Honeycomb wells at a generic k give a genuinely complex H (N ≈ 415).
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::HoneycombWells<> wells(50.0, 0.1);
  const wavekin::BlochOptions options{.energy_cutoff = 3000};
  const auto dense = wavekin::make_bloch_solver<wavekin::DenseEigen>(lattice, wells, options);
  const auto lanczos = wavekin::make_bloch_solver<wavekin::IterativeEigen>(lattice, wells, options);
  const Eigen::Vector2d big_k = (lattice.dual_vector(0) - lattice.dual_vector(1)) / 3;
  for (const Eigen::Vector2d& k : {Eigen::Vector2d(0.7, -1.9), big_k}) {
    const int bands = 8;
    const auto reference = dense.solve(k, bands);
    const auto iterative = lanczos.solve(k, bands);
    REQUIRE(reference.basis.size() > 300);
    const Eigen::MatrixXcd h = dense.hamiltonian(reference.basis);
    REQUIRE(h.imag().cwiseAbs().maxCoeff() > 1);  // complex, not merely real symmetric
    // Ritz values from a subspace with residual r are accurate to r²/gap; Spectra
    // stops at r ≈ 1e-10|E|, so the eigenvalues agree to ~1e-12 relative; the
    // dense ones carry N ε ‖H‖ ≈ 3e-10 (‖H‖ ≈ 3000). Tolerance 1e-8.
    for (int m = 0; m < bands; ++m)
      REQUIRE(std::abs(iterative.energies[m] - reference.energies[m]) <= 1e-8);
    // Orthonormal columns (Rayleigh–Ritz on an orthonormal Q): N ε-level.
    const Eigen::MatrixXcd gram = iterative.coefficients.adjoint() * iterative.coefficients;
    REQUIRE((gram - Eigen::MatrixXcd::Identity(bands, bands)).cwiseAbs().maxCoeff() <=
            4 * static_cast<double>(reference.basis.size()) * eps);
    // Same eigenspaces; degenerate pairs (the Dirac pair at K) compared as
    // spans: ‖ΔP‖ ≈ residual/gap ≈ 1e-10·3000/1 — 1e-6.
    REQUIRE(projector_distance(iterative.coefficients.leftCols(2),
                               reference.coefficients.leftCols(2)) <= 1e-6);
    // The full 8-band span is unique only if E_8 < E_9 (at K, C₃ makes band 9
    // degenerate with band 8, and then any 8-band span is a valid answer).
    const auto next = dense.solve(k, bands + 1).energies;
    if (next[bands] - next[bands - 1] > 1e-6) {
      REQUIRE(projector_distance(iterative.coefficients, reference.coefficients) <= 1e-6);
    } else {
      REQUIRE(projector_distance(iterative.coefficients.leftCols(bands - 2),
                                 reference.coefficients.leftCols(bands - 2)) <= 1e-6);
    }
  }
}

TEST_CASE("AutoEigen switches to the iterative path at dense_limit", "[bloch][eigen]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::HoneycombWells<> wells(50.0, 0.1);
  const wavekin::BlochSolver automatic(lattice, wells, {.energy_cutoff = 1000, .dense_limit = 50});
  const auto dense =
      wavekin::make_bloch_solver<wavekin::DenseEigen>(lattice, wells, {.energy_cutoff = 1000});
  const Eigen::Vector2d k(0.3, 0.2);
  const auto a = automatic.solve(k, 5);
  const auto b = dense.solve(k, 5);
  // Tolerance as above (‖H‖ ≈ 1000 here).
  REQUIRE((a.energies - b.energies).cwiseAbs().maxCoeff() <= 1e-8);
}

TEST_CASE("IterativeEigen reports non-convergence with iterations", "[bloch][eigen][errors]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const auto solver = wavekin::make_bloch_solver<wavekin::IterativeEigen>(
      lattice, wavekin::HoneycombWells<>(50.0, 0.1),
      {.energy_cutoff = 3000, .tolerance = 1e-15, .max_iterations = 1});
  REQUIRE_THROWS_AS(solver.solve(Eigen::Vector2d(0.7, -1.9), 20), wavekin::convergence_error);
  REQUIRE_THROWS_WITH(
      solver.solve(Eigen::Vector2d(0.7, -1.9), 20),
      Contains("did not converge") && Contains("restarts (") && Contains("tolerance 1e-15"));
}

}  // namespace wavekin_test_eigen_policy
