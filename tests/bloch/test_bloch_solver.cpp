// Tests for wavekin/bloch/bloch_solver.hpp: empty lattices, Kronig–Penney against its exact
// dispersion relation (with the algebraic convergence in the cutoff), separable Mathieu bands,
// symmetries E(−k) = E(k) and E(k+μ) = E(k) with relabelled coefficients, orthonormality,
// the honeycomb Dirac point, and every rejected input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <numbers>
#include <vector>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/fourier_coefficients.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/kronig_penney.hpp"
#include "wavekin/bloch/matrix_elements.hpp"

#include "skew_crystal.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_bloch_solver {

using namespace wavekin::test::matchers;
using namespace wavekin::test::common;
using wavekin::BlochSolver;
using wavekin::lattice_index;

namespace {

// ---- empty lattice ---------------------------------------------------------

// ½|k+G|² over a box of labels far larger than the cutoff sphere, sorted: the
// free energies computed without the library's basis.
template <int Dim>
std::vector<double> free_energies(const wavekin::Lattice<Dim>& lattice,
                                  const Eigen::Matrix<double, Dim, 1>& k, int box) {
  std::vector<double> out;
  Eigen::Matrix<std::int64_t, Dim, 1> n = Eigen::Matrix<std::int64_t, Dim, 1>::Constant(-box);
  while (true) {
    out.push_back((k + lattice.reciprocal(n)).squaredNorm() / 2);
    int axis = 0;
    while (axis < Dim && n[axis] == box) n[axis++] = -box;
    if (axis == Dim) break;
    ++n[axis];
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Sizes of groups of equal energies (gap > 1e-9 between groups).
std::vector<int> multiplicities(const Eigen::VectorXd& e) {
  std::vector<int> out{1};
  for (Eigen::Index i = 1; i < e.size(); ++i) {
    if (e[i] - e[i - 1] <= 1e-9) {
      ++out.back();
    } else {
      out.push_back(1);
    }
  }
  return out;
}

template <int Dim>
void check_empty_lattice(const wavekin::Lattice<Dim>& lattice,
                         const Eigen::Matrix<double, Dim, 1>& k, double cutoff, int n_bands,
                         const std::vector<int>& expected_multiplicities) {
  const wavekin::FourierCoefficients<Dim> zero;  // V = 0
  const BlochSolver solver(lattice, zero, {.energy_cutoff = cutoff});
  const auto state = solver.solve(k, n_bands);
  const auto exact = free_energies<Dim>(lattice, k, 12);
  // H is diagonal: the eigensolver returns its diagonal up to a few ulps of E_cut.
  for (int m = 0; m < n_bands; ++m)
    REQUIRE(std::abs(state.energies[m] - exact[static_cast<std::size_t>(m)]) <= 8 * eps * cutoff);
  if (!expected_multiplicities.empty()) {
    auto got = multiplicities(state.energies);
    got.pop_back();  // the last group may be cut by n_bands
    REQUIRE(got == std::vector<int>(
                       expected_multiplicities.begin(),
                       expected_multiplicities.begin() + static_cast<std::ptrdiff_t>(got.size())));
    REQUIRE(got.size() >= expected_multiplicities.size() - 1);
  }
}

// ---- Kronig–Penney exact dispersion ---------------------------------------

// cos(ka) = cos(αw)cos(βb) − (α²+β²)/(2αβ) sin(αw) sin(βb), b = a − w,
// α² = 2(E − V0), β² = 2E; written with sin(αw)/α so that α² < 0 (E < V0:
// cos → cosh, sin(αw)/α → sinh(κw)/κ) and α → 0 need no special case.
double kp_dispersion(double e, double v0, double a, double w) {
  const double alpha2 = 2 * (e - v0), beta = std::sqrt(2 * e), b = a - w;
  double c, s;  // cos(αw), sin(αw)/α
  if (alpha2 > 0) {
    const double alpha = std::sqrt(alpha2);
    c = std::cos(alpha * w);
    s = std::sin(alpha * w) / alpha;
  } else if (alpha2 < 0) {
    const double kappa = std::sqrt(-alpha2);
    c = std::cosh(kappa * w);
    s = std::sinh(kappa * w) / kappa;
  } else {
    c = 1;
    s = w;
  }
  return c * std::cos(beta * b) - (alpha2 + beta * beta) / (2 * beta) * s * std::sin(beta * b);
}

// The lowest `count` roots of kp_dispersion(E) = cos(ka): sign changes on a
// grid of step 1e-3 (much finer than any band or gap here), then bisection to
// the last bit.
std::vector<double> kp_exact_bands(double k, double v0, double a, double w, int count) {
  const double target = std::cos(k * a);
  std::vector<double> roots;
  double lo = 1e-9, f_lo = kp_dispersion(lo, v0, a, w) - target;
  for (double e = 1e-3; static_cast<int>(roots.size()) < count; e += 1e-3) {
    const double f = kp_dispersion(e, v0, a, w) - target;
    if ((f < 0) != (f_lo < 0)) {
      double x0 = lo, x1 = e, f0 = f_lo;
      for (int it = 0; it < 200 && x1 - x0 > 4 * eps * x1; ++it) {
        const double mid = (x0 + x1) / 2, fm = kp_dispersion(mid, v0, a, w) - target;
        if ((fm < 0) == (f0 < 0)) {
          x0 = mid;
          f0 = fm;
        } else {
          x1 = mid;
        }
      }
      roots.push_back((x0 + x1) / 2);
    }
    lo = e;
    f_lo = f;
  }
  return roots;
}

}  // namespace

TEST_CASE("empty lattice: energies are ½|k+G|² with the right degeneracies", "[bloch][solver]") {
  SECTION("1D at Γ: 0, then pairs ±G") {
    check_empty_lattice<1>(wavekin::Lattice<1>::line(1.3), Eigen::Matrix<double, 1, 1>(0.0), 400, 9,
                           {1, 2, 2, 2, 2});
  }
  SECTION("1D at a generic k: all simple") {
    check_empty_lattice<1>(wavekin::Lattice<1>::line(1.3), Eigen::Matrix<double, 1, 1>(0.77), 400,
                           9, {1, 1, 1, 1, 1, 1, 1, 1});
  }
  SECTION("2D square at Γ: 1, 4 (axes), 4 (diagonals), 4, 8") {
    check_empty_lattice<2>(wavekin::Lattice<2>::square(1.0), Eigen::Vector2d(0, 0), 400, 22,
                           {1, 4, 4, 4, 8});
  }
  SECTION("2D square at M = (π, π): 4, 8") {
    check_empty_lattice<2>(wavekin::Lattice<2>::square(1.0),
                           Eigen::Vector2d(std::numbers::pi, std::numbers::pi), 400, 13, {4, 8});
  }
  SECTION("2D triangular at Γ: 1, 6, 6, 6") {
    check_empty_lattice<2>(wavekin::Lattice<2>::triangular(1.0), Eigen::Vector2d(0, 0), 600, 20,
                           {1, 6, 6, 6});
  }
  SECTION("2D triangular at K: 3, 3, 6") {
    const auto lattice = wavekin::Lattice<2>::triangular(1.0);
    const Eigen::Vector2d big_k = (lattice.dual_vector(0) - lattice.dual_vector(1)) / 3;
    check_empty_lattice<2>(lattice, big_k, 600, 13, {3, 3, 6});
  }
  SECTION("3D cubic at Γ: 1, 6, 12, 8") {
    check_empty_lattice<3>(wavekin::Lattice<3>::cubic(1.0), Eigen::Vector3d(0, 0, 0), 300, 28,
                           {1, 6, 12, 8});
  }
}

TEMPLATE_TEST_CASE("float and double: empty square lattice and honeycomb Dirac point",
                   "[bloch][solver]", float, double) {
  using Scalar = TestType;
  using Vector = Eigen::Matrix<Scalar, 2, 1>;
  const auto lattice = wavekin::Lattice<2, Scalar>::square(Scalar(1));
  const wavekin::FourierCoefficients<2, Scalar> zero;
  const BlochSolver free_solver(lattice, zero, {.energy_cutoff = 100});
  const auto state = free_solver.solve(Vector(Scalar(0.5), Scalar(-0.25)), 6);
  const auto exact =
      free_energies<2>(wavekin::Lattice<2>::square(1.0), Eigen::Vector2d(0.5, -0.25), 8);
  // The lattice, k and the energies are rounded to Scalar: a few ulps of E_cut.
  const double ulp = std::numeric_limits<Scalar>::epsilon();
  for (int m = 0; m < 6; ++m)
    REQUIRE(std::abs(double(state.energies[m]) - exact[static_cast<std::size_t>(m)]) <=
            64 * ulp * 100);
  const auto triangular = wavekin::Lattice<2, Scalar>::triangular(Scalar(1));
  const BlochSolver wells(triangular, wavekin::HoneycombWells<Scalar>(Scalar(50), Scalar(0.1)),
                          {.energy_cutoff = 1000});
  const Vector big_k = (triangular.dual_vector(0) - triangular.dual_vector(1)) / Scalar(3);
  const auto at_k = wells.solve(big_k, 2);
  // Backward error N ε ‖H‖ ≈ 140 · ε · 1100 (1e-11 in double, 0.02 in float);
  // the degeneracy is split by rounding only.
  REQUIRE(std::abs(at_k.energies[1] - at_k.energies[0]) <= 140 * ulp * 1100);
}

TEST_CASE("Kronig–Penney: plane-wave bands converge to the exact dispersion relation",
          "[bloch][solver][accuracy]") {
  const double v0 = 10.0, a = 1.0, w = 0.4;
  const wavekin::KronigPenney<> potential(v0, a, w);
  const double k = 0.3 * std::numbers::pi / a;  // generic: every band simple
  const int bands = 4;
  const auto exact = kp_exact_bands(k, v0, a, w, bands);
  std::vector<double> errors;
  for (double cutoff = 200; cutoff <= 204800; cutoff *= 4) {
    const BlochSolver solver(potential.lattice(), potential, {.energy_cutoff = cutoff});
    const auto state = solver.solve(Eigen::Matrix<double, 1, 1>(k), bands);
    double worst = 0;
    for (int m = 0; m < bands; ++m) {
      // Variational: the truncated H gives upper bounds (to rounding, N ε E_cut).
      REQUIRE(state.energies[m] >= exact[static_cast<std::size_t>(m)] - 1e-12 * cutoff);
      worst = std::max(worst, state.energies[m] - exact[static_cast<std::size_t>(m)]);
    }
    std::printf("KP: E_cut = %7.0f  N = %4ld  max band error = %.3e\n", cutoff,
                static_cast<long>(state.basis.size()), worst);
    errors.push_back(worst);
  }
  // The step makes V̂ ~ 1/|μ| and c_G ~ 1/|G|², so the energy error decays
  // algebraically (~ G_max^{-3} ~ E_cut^{-3/2}, a factor 8 per quadrupling
  // of E_cut). Assert a factor ≥ 4 per step and an overall gain ≥ 1e4.
  for (std::size_t i = 1; i < errors.size(); ++i) REQUIRE(errors[i] <= errors[i - 1] / 4);
  REQUIRE(errors.back() <= errors.front() * 1e-4);
}

TEST_CASE("separable cosine potential: 2D bands are sums of 1D Mathieu bands",
          "[bloch][solver][accuracy]") {
  const double v0 = 2.0;
  const double pi = std::numbers::pi;
  // V0 cos 2x on the line of period π (e^1 = 2) and V0 (cos 2x + cos 2y) on the square.
  const BlochSolver line(wavekin::Lattice<1>::line(pi),
                         wavekin::CosineSum<1>({{v0, lattice_index(1)}}), {.energy_cutoff = 200});
  const BlochSolver square(
      wavekin::Lattice<2>::square(pi),
      wavekin::CosineSum<2>({{v0, lattice_index(1, 0)}, {v0, lattice_index(0, 1)}}),
      {.energy_cutoff = 200});
  for (const Eigen::Vector2d& k :
       {Eigen::Vector2d(0.3, 0.7), Eigen::Vector2d(0, 1), Eigen::Vector2d(1.9, 0.2)}) {
    const auto e1 = line.solve(Eigen::Matrix<double, 1, 1>(k[0]), 6).energies;
    const auto e2 = line.solve(Eigen::Matrix<double, 1, 1>(k[1]), 6).energies;
    std::vector<double> sums;
    for (int m = 0; m < 6; ++m)
      for (int n = 0; n < 6; ++n) sums.push_back(e1[m] + e2[n]);
    std::sort(sums.begin(), sums.end());
    const auto state = square.solve(k, 8);
    // Both truncations (an interval, a disk) are converged far below 1e-10: the
    // Mathieu coefficients decay like Π (V0/2)/(2n²), < 1e-12 beyond |n| = 6,
    // and the cutoff keeps |n| ≤ 10; rounding is N ε ‖H‖ ≈ 3e-11.
    for (int m = 0; m < 8; ++m)
      REQUIRE(std::abs(state.energies[m] - sums[static_cast<std::size_t>(m)]) <= 1e-10);
  }
}

TEST_CASE("symmetries: E(−k) = E(k), E(k+μ) = E(k), relabelled states are the solved ones",
          "[bloch][solver]") {
  // A real potential without inversion symmetry (phases), on a skew lattice,
  // so that E(−k) = E(k) is time reversal and nothing else.
  const double cutoff = wavekin_test::skew_cutoff;
  const auto solver = wavekin_test::skew_solver();
  const auto& lattice = solver.lattice();
  const Eigen::Vector2d k(0.41, -1.73);
  const int bands = 6;
  const auto state = solver.solve(k, bands);
  // Backward-stable dense eigensolver: |ΔE| ≤ c N ε ‖H‖, ‖H‖ ≤ E_cut + Σ|V̂| ≈ 307; c = 10.
  const double tol = 10 * static_cast<double>(state.basis.size()) * eps * (cutoff + 7);
  const auto minus = solver.solve(Eigen::Vector2d(-k), bands);
  for (int m = 0; m < bands; ++m) REQUIRE(std::abs(minus.energies[m] - state.energies[m]) <= tol);

  for (const auto& mu : {lattice_index(1, 0), lattice_index(-2, 3)}) {
    const auto shifted = solver.solve(Eigen::Vector2d(k + lattice.reciprocal(mu)), bands);
    const auto relabelled = wavekin::relabel(state, mu);
    REQUIRE((relabelled.k - shifted.k).norm() <= 1e-14 * 10);
    REQUIRE(relabelled.energies == state.energies);
    const Eigen::MatrixXcd mapped =
        wavekin::map_coefficients(relabelled.basis, relabelled.coefficients, shifted.basis);
    for (int m = 0; m < bands; ++m) {
      REQUIRE(std::abs(shifted.energies[m] - state.energies[m]) <= tol);
      // Nondegenerate here (gaps ≥ 0.1), so the eigenvector is determined up to
      // a phase with error ~ N ε ‖H‖ / gap ≈ 1e-10; 1e-8 leaves room.
      if (m + 1 < bands) REQUIRE(state.energies[m + 1] - state.energies[m] >= 0.1);
      const std::complex<double> overlap = shifted.coefficients.col(m).dot(mapped.col(m));
      REQUIRE(std::abs(std::abs(overlap) - 1) <= 1e-8);
      const std::complex<double> phase = overlap / std::abs(overlap);
      REQUIRE((mapped.col(m) - phase * shifted.coefficients.col(m)).norm() <= 1e-8);
    }
  }
}

TEST_CASE("coefficient columns are orthonormal", "[bloch][solver]") {
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const BlochSolver solver(lattice, wavekin::HoneycombWells<>(50.0, 0.1), {.energy_cutoff = 1000});
  for (const Eigen::Vector2d& k : {Eigen::Vector2d(0, 0), Eigen::Vector2d(1.3, -0.4)}) {
    const auto state = solver.solve(k, 12);
    const Eigen::MatrixXcd gram = state.coefficients.adjoint() * state.coefficients;
    const double error = (gram - Eigen::MatrixXcd::Identity(12, 12)).cwiseAbs().maxCoeff();
    std::printf("orthonormality: N = %ld  max|CᴴC − I| = %.2e\n",
                static_cast<long>(state.basis.size()), error);
    // Householder-based eigenvectors: loss of orthogonality ≤ c N ε; c = 4.
    REQUIRE(error <= 4 * static_cast<double>(state.basis.size()) * eps);
    // And each column is an eigenvector: ‖Hc − Ec‖ ≤ c N ε ‖H‖ (‖H‖ ≤ 1000 + Σ|V̂| < 1100).
    const Eigen::MatrixXcd h = solver.hamiltonian(state.basis);
    const Eigen::MatrixXcd residual =
        h * state.coefficients - state.coefficients * state.energies.asDiagonal();
    REQUIRE(residual.colwise().norm().maxCoeff() <=
            4 * static_cast<double>(state.basis.size()) * eps * 1100);
  }
}

TEST_CASE("honeycomb wells: Dirac point at K, gaps at Γ and M", "[bloch][solver][honeycomb]") {
  // Deep narrow wells (V0 = 50, s = 0.1 on a = 1, nearest-neighbour distance
  // 0.577 ≈ 5.8 s) put the two lowest bands in the tight-binding regime: one
  // bound state per site, hopping between A and B. Wells (V0 > 0) are needed
  // for the crossing to be between bands 1 and 2: for bumps (V0 < 0) the
  // C₃ doublet at K lies above the singlet and the Dirac point moves to bands
  // 2 and 3. E_cut = 1000 keeps |k+G| ≤ 45 ≈ 4.5/s, where ŵ ~ e^{−s²|μ|²/2}
  // has fallen to 4e-5 relative; the Dirac degeneracy is a symmetry, so
  // truncation cannot split it beyond what a C₃-asymmetric rounding of the
  // cutoff sphere does (coefficients ~ 1e-8 there): 1e-10 holds.
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const BlochSolver solver(lattice, wavekin::HoneycombWells<>(50.0, 0.1), {.energy_cutoff = 1000});
  const Eigen::Vector2d big_k = (lattice.dual_vector(0) - lattice.dual_vector(1)) / 3;
  const Eigen::Vector2d big_m = lattice.dual_vector(0) / 2;
  const auto at_k = solver.solve(big_k, 3);
  const auto at_gamma = solver.solve(Eigen::Vector2d::Zero(), 3);
  const auto at_m = solver.solve(big_m, 3);
  const double gap_k = at_k.energies[1] - at_k.energies[0];
  const double gap_gamma = at_gamma.energies[1] - at_gamma.energies[0];
  const double gap_m = at_m.energies[1] - at_m.energies[0];
  std::printf("honeycomb: E_1(K) = %.12f  gap K = %.2e  gap Γ = %.4f  gap M = %.4f\n",
              at_k.energies[0], gap_k, gap_gamma, gap_m);
  REQUIRE(std::abs(gap_k) <= 1e-10);
  REQUIRE(at_k.energies[2] - at_k.energies[1] >= 1.0);  // an isolated pair
  REQUIRE(gap_gamma >= 1.0);
  REQUIRE(gap_m >= 1.0);
  // K' = −K is a Dirac point too (time reversal).
  const auto at_k_prime = solver.solve(Eigen::Vector2d(-big_k), 2);
  REQUIRE(std::abs(at_k_prime.energies[1] - at_k_prime.energies[0]) <= 1e-10);
}

namespace {
struct NanAtTwo {
  std::complex<double> fourier_coefficient(const wavekin::Lattice<1>&,
                                           const wavekin::LatticeIndex<1>& n) const {
    return n[0] == 2 ? std::numeric_limits<double>::quiet_NaN() : 0.0;
  }
};
}  // namespace

TEST_CASE("BlochSolver rejects bad input, naming it", "[bloch][solver][errors]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto line = wavekin::Lattice<1>::line(2 * std::numbers::pi);  // e^1 = 1
  const wavekin::FourierCoefficients<1> zero;
  REQUIRE_THROWS_MATCHES(
      BlochSolver(line, zero, {.energy_cutoff = 0}), wavekin::invalid_argument,
      Catch::Matchers::Message("BlochSolver: energy cutoff E_cut = 0 must be finite and > 0"));
  REQUIRE_THROWS_WITH(BlochSolver(line, zero, {.energy_cutoff = nan}), Contains("E_cut = nan"));
  REQUIRE_THROWS_WITH(BlochSolver(line, zero, {.energy_cutoff = -3}), Contains("E_cut = -3"));
  REQUIRE_THROWS_WITH(BlochSolver(line, zero, {.energy_cutoff = 5, .tolerance = 0}),
                      Contains("tolerance 0 must lie in (0, 1)"));

  // |G| ≤ √10 ≈ 3.16 with G ∈ ℤ: 7 plane waves at k = 0.
  const BlochSolver solver(line, zero, {.energy_cutoff = 5});
  REQUIRE_THROWS_MATCHES(
      solver.solve(Eigen::Matrix<double, 1, 1>(0.0), 10), wavekin::invalid_argument,
      Catch::Matchers::Message("BlochSolver::solve: cutoff too small for n_bands: basis has 7 "
                               "plane waves, asked for 10 bands (energy_cutoff = 5)"));
  REQUIRE_THROWS_WITH(solver.solve(Eigen::Matrix<double, 1, 1>(0.0), 0),
                      Contains("n_bands = 0 must be >= 1"));
  REQUIRE_THROWS_WITH(solver.solve(Eigen::Matrix<double, 1, 1>(nan), 1),
                      Contains("BlochSolver::solve: component 0 of k is not finite (nan)"));
  REQUIRE_THROWS_WITH(solver.solve(Eigen::VectorXd::Zero(3), 1),
                      Contains("BlochSolver::solve: k has 3 components, expected 1"));

  SECTION("a complex potential is rejected, naming μ and both values") {
    wavekin::FourierCoefficients<1> complex_v;
    complex_v.set(lattice_index(1), 1.0).set(lattice_index(-1), 0.5);
    REQUIRE_THROWS_MATCHES(
        BlochSolver(line, complex_v, {.energy_cutoff = 5}), wavekin::invalid_argument,
        Catch::Matchers::Message("BlochSolver: the potential is not real: V̂(−μ) ≠ conj V̂(μ) for "
                                 "μ of index (-1): V̂(μ) = (0.5, 0), V̂(−μ) = (1, 0) (set "
                                 "real_potential = false to use Re V)"));
    // With the check off the solver uses the Hermitian part: V̂(±1) = 0.75.
    const BlochSolver relaxed(line, complex_v, {.energy_cutoff = 5, .real_potential = false});
    wavekin::FourierCoefficients<1> hermitian_part;
    hermitian_part.set_conjugate_pair(lattice_index(1), 0.75);
    const BlochSolver reference(line, hermitian_part, {.energy_cutoff = 5});
    const Eigen::Matrix<double, 1, 1> k(0.2);
    // Same matrix up to the rounding of ½(1 + 0.5) = 0.75 (exact): identical energies.
    REQUIRE((relaxed.solve(k, 4).energies - reference.solve(k, 4).energies).cwiseAbs().maxCoeff() <=
            1e-14);
  }
  SECTION("a non-finite V̂ is rejected, naming the index") {
    REQUIRE_THROWS_WITH(BlochSolver(line, NanAtTwo{}, {.energy_cutoff = 5}),
                        Contains("Fourier coefficient at index (2) is not finite (nan, 0)"));
  }
}

TEST_CASE("BlochSolver rejects an impossible cutoff at construction, stating the estimate",
          "[bloch][solver][errors]") {
  // Regression (`bands --ecut 1e40`): the V̂ box overflowed int64 (signed overflow) and the
  // solver then returned 9 plane waves; 1e6 died in std::bad_alloc at the first solve.
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::CosineSum<2> v({{1.0, lattice_index(1, 0)}});
  CHECK_THROWS_AS(BlochSolver(lattice, v, {.energy_cutoff = 1e40}), wavekin::invalid_argument);
  CHECK_THROWS_WITH(BlochSolver(lattice, v, {.energy_cutoff = 1e40}),
                    Contains("E_cut = 1e+40") && Contains("plane waves"));
  // In float, 1e40 is not even a number of the solver's type.
  const wavekin::Lattice<2, float> lattice_f = wavekin::Lattice<2, float>::triangular(1.0f);
  const wavekin::CosineSum<2, float> v_f({{1.0f, lattice_index(1, 0)}});
  CHECK_THROWS_WITH((BlochSolver<2, wavekin::CosineSum<2, float>, wavekin::AutoEigen, float>(
                        lattice_f, v_f, {.energy_cutoff = 1e40})),
                    Contains("must be finite"));
  for (const double cutoff : {1e8, 1e12}) {
    CAPTURE(cutoff);
    CHECK_THROWS_WITH(BlochSolver(lattice, v, {.energy_cutoff = cutoff}),
                      Contains("for the plane-wave matrix") && Contains("this machine has"));
  }
}

}  // namespace wavekin_test_bloch_solver
