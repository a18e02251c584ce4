// Tests of the coupled collision of P1 (4.15) and of its Strang time stepping (CoherentRte): the
// (C.3) identity, the trace budget, the V = 0 reduction, the ε → 0 reduction to (C.3) away from
// crossings, second order in Δt, input checks. SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include <Eigen/Core>
#include <unsupported/Eigen/MatrixFunctions>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/coherent_rte.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/coherence/homogeneous_coherent_rte.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/integrate.hpp"

#include "crystal_1d.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_coherent_collision {

namespace {

using wavekin::GaussianCorrelation;
using wavekin::Lattice;
using wavekin_test::Crystal1D;
using cplx = std::complex<double>;
constexpr double pi = std::numbers::pi;

// σ vector (layout (v·n + j)·n + l) with the given diagonal and zero off-diagonal.
Eigen::VectorXcd from_diagonal(const Eigen::VectorXd& s, Eigen::Index n) {
  Eigen::VectorXcd out = Eigen::VectorXcd::Zero(s.size() * n);
  for (Eigen::Index r = 0; r < s.size(); ++r) out[r * n + r % n] = s[r];
  return out;
}

Eigen::VectorXd diagonal_of(const Eigen::VectorXcd& sigma, Eigen::Index n, bool real_part) {
  Eigen::VectorXd out(sigma.size() / n);
  for (Eigen::Index r = 0; r < out.size(); ++r)
    out[r] = real_part ? sigma[r * n + r % n].real() : sigma[r * n + r % n].imag();
  return out;
}

cplx trace_sum(const Eigen::VectorXcd& sigma, Eigen::Index n) {
  cplx sum = 0;
  for (Eigen::Index r = 0; r < sigma.size() / n; ++r) sum += sigma[r * n + r % n];
  return sum;
}

// Orders log2(e_k/e_{k+1}) of three errors at Δt, Δt/2, Δt/4, each in [1.8, 2.4]: a Strang
// splitting (order 2) whose parts are exact or fourth order, measured past its pre-asymptotic
// start.
void check_second_order(const std::vector<double>& errors) {
  const double o1 = std::log2(errors[0] / errors[1]), o2 = std::log2(errors[1] / errors[2]);
  INFO("relative errors " << errors[0] << ", " << errors[1] << ", " << errors[2] << "; orders "
                          << o1 << ", " << o2);
  CHECK(o1 > 1.8);
  CHECK(o2 > 1.8);
  CHECK(o1 < 2.4);
  CHECK(o2 < 2.4);
}

}  // namespace

TEST_CASE("(4.15) on band-diagonal sigma is (C.3) on the diagonal and conserves the trace",
          "[coherence][collision]") {
  SECTION("1D Bloch bands") {
    const Crystal1D crystal(48);
    const auto bands = crystal.collision_bands();
    const GaussianCorrelation<1> r(0.5);
    const wavekin::BandDiagonalCollision<1> c(bands, r);
    const wavekin::CoherentCollision<1> q(bands, r);
    std::mt19937 gen(3);
    std::uniform_real_distribution<double> u(0, 1);
    Eigen::VectorXd s(c.matrix().cols());
    for (auto& x : s) x = u(gen);
    const Eigen::VectorXcd qs = q.apply(from_diagonal(s, 2));
    const Eigen::VectorXd cs = c.apply(s);
    const double scale = cs.cwiseAbs().maxCoeff();
    // Same pair measure, same μ-sum: equal up to the summation order, ~1e-15·(number of terms).
    CHECK((diagonal_of(qs, 2, true) - cs).cwiseAbs().maxCoeff() <= 1e-12 * scale);
    CHECK(diagonal_of(qs, 2, false).cwiseAbs().maxCoeff() <= 1e-12 * scale);
    // Trace conservation for diagonal σ: a cancellation among ~100 terms of size ≤ scale.
    CHECK(std::abs(trace_sum(qs, 2)) <= 1e-12 * scale * static_cast<double>(s.size()));
  }
  SECTION("2D empty lattice, 4 bands") {
    const auto bands =
        wavekin::empty_lattice_collision_bands<2>(Lattice<2>::square(1.0), {10, 10}, 4);
    const GaussianCorrelation<2> r(0.8);
    const wavekin::BandDiagonalCollision<2> c(bands, r);
    const wavekin::CoherentCollision<2> q(bands, r);
    Eigen::VectorXd s(c.matrix().cols());
    for (Eigen::Index i = 0; i < s.size(); ++i) s[i] = 1 + std::sin(0.37 * static_cast<double>(i));
    const Eigen::VectorXcd qs = q.apply(from_diagonal(s, 4));
    const Eigen::VectorXd cs = c.apply(s);
    const double scale = cs.cwiseAbs().maxCoeff();
    REQUIRE(scale > 0);
    CHECK((diagonal_of(qs, 4, true) - cs).cwiseAbs().maxCoeff() <= 1e-12 * scale);
  }
}

TEST_CASE("(4.15) on an energy window is the whole operator on the shells inside it",
          "[coherence][collision]") {
  // Bands 0 and 1 of the 1D crystal are separated by a gap, so the window from below band 0 to
  // the middle of the gap holds exactly band 0's energy shells: the rows σ_j0 (column band 0)
  // read only pairs (p, 0) ← (q, 0), all kept, and must equal the whole operator's for any σ;
  // the rows σ_j1 have no pair left and must vanish.
  const Crystal1D crystal(48);
  const auto bands = crystal.collision_bands();
  const double top0 = bands.energies.col(0).maxCoeff(), bottom1 = bands.energies.col(1).minCoeff();
  REQUIRE(top0 < bottom1);
  wavekin::BandCollisionOptions window;
  window.energy_min = bands.energies.col(0).minCoeff() - 1;
  window.energy_max = 0.5 * (top0 + bottom1);
  const GaussianCorrelation<1> r(0.5);
  const wavekin::CoherentCollision<1> full(bands, r);
  const wavekin::CoherentCollision<1> windowed(bands, r, window);
  CHECK(windowed.matrix().nonZeros() < full.matrix().nonZeros());
  std::mt19937 gen(5);
  std::normal_distribution<double> g;
  Eigen::VectorXcd sigma(full.matrix().cols());
  for (auto& x : sigma) x = cplx(g(gen), g(gen));
  const Eigen::VectorXcd a = full.apply(sigma), b = windowed.apply(sigma);
  const double scale = a.cwiseAbs().maxCoeff();
  double column0 = 0, column1 = 0;
  for (Eigen::Index k = 0; k < a.size(); ++k)
    (k % 2 == 0 ? column0 : column1) =
        std::max(k % 2 == 0 ? column0 : column1, std::abs(k % 2 == 0 ? a[k] - b[k] : b[k]));
  // The same terms, summed in the same order up to the dropped pairs: round-off of ~100 terms.
  CHECK(column0 <= 1e-13 * scale);
  CHECK(column1 == 0.0);
  // (C.3) with the same window: band 1's rates are gone, band 0's are unchanged.
  const wavekin::BandDiagonalCollision<1> c_full(bands, r), c_window(bands, r, window);
  Eigen::VectorXd s = Eigen::VectorXd::Ones(c_full.matrix().cols());
  const Eigen::VectorXd cs = c_full.apply(s), ws = c_window.apply(s);
  for (Eigen::Index k = 0; k < cs.size(); ++k)
    CHECK(std::abs(k % 2 == 0 ? cs[k] - ws[k] : ws[k]) <= 1e-13 * cs.cwiseAbs().maxCoeff());
  // An empty or NaN window is refused.
  wavekin::BandCollisionOptions empty;
  empty.energy_min = 1;
  empty.energy_max = 1;
  CHECK_THROWS_AS(wavekin::CoherentCollision<1>(bands, r, empty), wavekin::invalid_argument);
  empty.energy_max = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(wavekin::BandDiagonalCollision<1>(bands, r, empty), wavekin::invalid_argument);
}

TEST_CASE("(4.15): the trace budget for general sigma", "[coherence][collision]") {
  // d/dt ∫ tr σ = Σ ∫∫ R̂ A_jm conj(A_m'm) σ_jm'(p) [δ(E_j(p) − E_m(q)) − δ(E_m'(p) − E_m(q))]
  // (docs/collision.md): zero for diagonal σ or plane-wave A, not in general.
  SECTION("empty lattice: A is a permutation, the trace is conserved for every sigma") {
    const auto bands = wavekin::empty_lattice_collision_bands<1>(Lattice<1>::line(1.0), {64}, 3);
    const wavekin::CoherentCollision<1> q(bands, GaussianCorrelation<1>(0.6));
    std::mt19937 gen(11);
    std::normal_distribution<double> g;
    Eigen::VectorXcd sigma(q.matrix().cols());
    for (auto& x : sigma) x = cplx(g(gen), g(gen));
    const Eigen::VectorXcd qs = q.apply(sigma);
    CHECK(std::abs(trace_sum(qs, 3)) <= 1e-13 * qs.cwiseAbs().sum());
  }
  SECTION("Bloch bands: off-diagonal sigma changes the trace, at a grid-independent rate") {
    // σ_01(p) = 0.3 e^{ip}, σ_10 = conj, unit diagonal, in the table's gauge.
    std::vector<double> defect;
    for (const Eigen::Index n_p : {64, 128}) {
      const Crystal1D crystal(n_p);
      const wavekin::CoherentCollision<1> q(crystal.collision_bands(), GaussianCorrelation<1>(0.5));
      Eigen::VectorXcd sigma = Eigen::VectorXcd::Zero(q.matrix().cols());
      for (Eigen::Index v = 0; v < n_p; ++v) {
        const double p = 2 * pi * static_cast<double>(v) / static_cast<double>(n_p);
        sigma[v * 4 + 0] = 1;
        sigma[v * 4 + 3] = 1;
        sigma[v * 4 + 1] = 0.3 * std::exp(cplx(0, p));
        sigma[v * 4 + 2] = 0.3 * std::exp(cplx(0, -p));
      }
      const Eigen::VectorXcd qs = q.apply(sigma);
      // Relative trace defect: |Σ tr Q[σ]| / Σ |Q[σ]_jj|, both with the weight |B|/N.
      double diag_abs = 0;
      for (Eigen::Index v = 0; v < n_p; ++v)
        diag_abs += std::abs(qs[v * 4]) + std::abs(qs[v * 4 + 3]);
      defect.push_back(std::abs(trace_sum(qs, 2)) / diag_abs);
    }
    INFO("relative trace defect " << defect[0] << " (64 points), " << defect[1] << " (128)");
    // LossShell::state moves the loss onto the shell of the state it acts on: the budget above
    // then vanishes identically (the same pair measure on gain and loss after p <-> q), so the
    // defect is round-off: ~1e-16 per term over ~1e3 terms of size <= max|Q_jj|.
    for (const Eigen::Index n_p : {64, 128}) {
      const Crystal1D crystal(n_p);
      const wavekin::CoherentCollision<1> q(crystal.collision_bands(), GaussianCorrelation<1>(0.5),
                                            {.loss_shell = wavekin::LossShell::state});
      Eigen::VectorXcd sigma(q.matrix().cols());
      std::mt19937 gen(5);
      std::normal_distribution<double> g;
      for (auto& x : sigma) x = cplx(g(gen), g(gen));
      const Eigen::VectorXcd qs = q.apply(sigma);
      double diag_abs = 0;
      for (Eigen::Index v = 0; v < n_p; ++v)
        diag_abs += std::abs(qs[v * 4]) + std::abs(qs[v * 4 + 3]);
      CHECK(std::abs(trace_sum(qs, 2)) <= 1e-13 * diag_abs);
      // Same gain, loss on another shell: the two operators agree on band-diagonal σ.
      const wavekin::CoherentCollision<1> column(crystal.collision_bands(),
                                                 GaussianCorrelation<1>(0.5));
      Eigen::VectorXcd diagonal = Eigen::VectorXcd::Zero(sigma.size());
      for (Eigen::Index v = 0; v < n_p; ++v)
        diagonal[v * 4] = sigma[v * 4], diagonal[v * 4 + 3] = sigma[v * 4 + 3];
      const Eigen::VectorXcd a = q.apply(diagonal), b = column.apply(diagonal);
      CHECK((a - b).cwiseAbs().maxCoeff() <= 1e-13 * b.cwiseAbs().maxCoeff());
      // ... and not on coherent σ: the loss shells differ by O(1) there.
      CHECK((qs - column.apply(sigma)).cwiseAbs().maxCoeff() >= 1e-2 * qs.cwiseAbs().maxCoeff());
    }
    // A discretisation artefact would shrink with h; this one is a property of (4.15): it stays
    // O(1) relative and changes by less than 20 % when h halves.
    CHECK(defect[1] > 1e-2);
    CHECK(std::abs(defect[1] - defect[0]) <= 0.2 * defect[1]);
  }
}

TEST_CASE("(4.15) with V = 0: the loss rate is the free RTE rate", "[coherence][collision]") {
  const auto lattice = Lattice<1>::line(1.0);
  const GaussianCorrelation<1> r(0.7);
  const auto bands = wavekin::empty_lattice_collision_bands<1>(lattice, {128}, 3);
  const wavekin::CoherentCollision<1> q(bands, r);
  for (const auto& [vertex, band] : {std::pair{20, 0}, std::pair{50, 1}}) {
    const double k = std::sqrt(2 * bands.energies(vertex, band));
    const double truth = (r.spectral_density(Eigen::Matrix<double, 1, 1>(0.0)) +
                          r.spectral_density(Eigen::Matrix<double, 1, 1>(2 * k))) /
                         k;
    const Eigen::MatrixXcd gamma = q.loss(vertex, band);
    INFO("k = " << k << " free rate " << truth << " (4.15) loss rate " << gamma(band, band));
    // As for (C.3): the 1D linear shell is off by at most h/(2k) per root; h/k with margin 2.
    CHECK(std::abs(gamma(band, band).real() / truth - 1) <= (2 * pi / 128) / k);
    // Plane waves: Γ is diagonal and real (A is a 0/1 permutation pattern).
    CHECK((gamma - Eigen::MatrixXcd(gamma.diagonal().asDiagonal())).cwiseAbs().maxCoeff() == 0);
    CHECK(gamma(band, band).imag() == 0);
  }
}

TEST_CASE("(4.15) with relaxation reduces to (C.3) as eps -> 0 away from crossings",
          "[coherence][collision]") {
  // Homogeneous in x: dσ/dt = (i/ε)(E_l − E_j)σ_jl + Q[σ], solved exactly (matrix exponential),
  // against (C.3) ds/dt = C s. Off-diagonals are driven at O(1) but turn at ≥ gap/ε, so they stay
  // O(ε) and feed back O(ε) into the diagonal.
  const Crystal1D crystal(32);
  const auto bands = crystal.collision_bands();
  const GaussianCorrelation<1> r(0.5);
  const wavekin::BandDiagonalCollision<1> c(bands, r);
  const wavekin::CoherentCollision<1> q(bands, r);
  const double t = 0.5;
  Eigen::VectorXd s0(64);
  for (Eigen::Index v = 0; v < 32; ++v) {
    // sin: odd under p → −p, so the ±k exchange of 1D scattering moves it (cos would not).
    s0[2 * v] = 1 + std::sin(2 * pi * static_cast<double>(v) / 32);
    s0[2 * v + 1] = 0.5;
  }
  const Eigen::MatrixXd cd = Eigen::MatrixXd(c.matrix());
  const Eigen::VectorXd s_t = (t * cd).exp() * s0;
  const double change = (s_t - s0).cwiseAbs().maxCoeff();
  std::vector<double> diff, off;
  for (const double eps : {4.0, 0.1, 0.05, 0.025}) {
    Eigen::MatrixXcd l = Eigen::MatrixXcd(q.matrix());
    for (Eigen::Index v = 0; v < 32; ++v)
      for (Eigen::Index j = 0; j < 2; ++j)
        for (Eigen::Index k = 0; k < 2; ++k) {
          const Eigen::Index row = (v * 2 + j) * 2 + k;
          l(row, row) += cplx(0, (bands.energies(v, k) - bands.energies(v, j)) / eps);
        }
    const Eigen::VectorXcd sigma_t = (t * l).exp() * from_diagonal(s0, 2);
    diff.push_back((diagonal_of(sigma_t, 2, true) - s_t).cwiseAbs().maxCoeff() / change);
    double o = 0;
    for (Eigen::Index v = 0; v < 32; ++v) o = std::max(o, std::abs(sigma_t[v * 4 + 1]));
    off.push_back(o / s0.cwiseAbs().maxCoeff());
  }
  INFO("max |diag(4.15) − (C.3)| / max|change| at eps = 4, 0.1, 0.05, 0.025: "
       << diff[0] << ", " << diff[1] << ", " << diff[2] << ", " << diff[3]
       << "; max |sigma_01| / max sigma_jj: " << off[0] << ", " << off[1] << ", " << off[2] << ", "
       << off[3]);
  // Measured 4.7e-4, 1.5e-5, 3.4e-5 for ε = 0.1, 0.05, 0.025 (the O(ε) transients oscillate, so
  // the sequence is not monotone): demand ≤ 0.01·ε, i.e. a first-order bound with room.
  for (std::size_t i = 1; i < diff.size(); ++i)
    CHECK(diff[i] <= 0.01 * (i == 1 ? 0.1 : i == 2 ? 0.05 : 0.025));
  // Control: at ε = 4 the bands are not separated on the time scale (ΔE/ε ≈ 1) and the
  // off-diagonals feed the diagonal at O(1): the difference is larger by more than 10.
  CHECK(diff[0] > 10 * diff[1]);
  // The generated off-diagonals are O(ε): smaller at ε = 0.025 than at 0.1.
  CHECK(off[3] < off[1]);
}

TEST_CASE("CoherentRte: Strang splitting is second order in dt", "[coherence][collision]") {
  const Crystal1D crystal(32);
  const GaussianCorrelation<1> r(0.5);
  const wavekin::CoherentCollision<1> q(crystal.collision_bands(), r);
  const auto band_data = wavekin::band_data_from_table(crystal.table, {0, 1});
  const auto grid = wavekin::PeriodicGrid<1>::cube(16, 2 * pi);
  const auto quad = wavekin::ZoneGrid<1>(crystal.lattice, {32}).quadrature();
  wavekin::CoherentRte<1> rte(grid, band_data, 0.5, q);
  wavekin::CoherenceField<1> initial(grid, quad, 2);
  // The solver's own field sits on the collision's zone grid: the same points and weights.
  const auto made = rte.make_field();
  REQUIRE(made.momentum_count() == initial.momentum_count());
  for (Eigen::Index v = 0; v < made.momentum_count(); ++v) {
    CHECK(made.momentum(v) == initial.momentum(v));
    CHECK(made.weight(v) == initial.weight(v));
  }
  CHECK(made.band_count() == 2);
  CHECK(made.grid().size() == grid.size());
  initial.set_band_projected(
      [](const Eigen::Matrix<double, 1, 1>& x) {
        Eigen::VectorXcd a(2);
        a << std::exp(std::cos(x[0])), 0.5 * std::exp(cplx(0, std::sin(x[0])));
        return a;
      },
      [](const Eigen::Matrix<double, 1, 1>& p) { return 1 + 0.5 * std::cos(p[0]); });
  const double t = 0.2;
  const auto run = [&](std::ptrdiff_t steps) {
    auto f = initial;
    CHECK(wavekin::integrate_n_steps(rte, f, 0.0, t / static_cast<double>(steps), steps) ==
          Approx(t).epsilon(1e-12));
    return std::vector<cplx>(f.values().begin(), f.values().end());
  };
  const auto reference = run(512);
  double ref_max = 0;
  for (const auto& v : reference) ref_max = std::max(ref_max, std::abs(v));
  std::vector<double> errors;
  for (const std::ptrdiff_t steps : {8, 16, 32}) {
    const auto f = run(steps);
    double e = 0;
    for (std::size_t i = 0; i < f.size(); ++i) e = std::max(e, std::abs(f[i] - reference[i]));
    errors.push_back(e / ref_max);
  }
  // Strang with exact Liouville and RK4 (4th order) collision: order 2; the reference at
  // Δt/16 of the finest adds ≤ 1/256 of its error. Measured (4, 8, 16 steps) orders 2.66, 2.11
  // (pre-asymptotic at 4 steps), hence 8, 16, 32 steps here.
  check_second_order(errors);
}

TEST_CASE("(4.15) and CoherentRte: bad input is rejected", "[coherence][collision]") {
  using wavekin::invalid_argument;
  const Crystal1D crystal(16);
  const auto bands = crystal.collision_bands();
  const GaussianCorrelation<1> r(0.5);
  CHECK_THROWS_AS(wavekin::CoherentCollision<1>(bands, r, {.mu_tolerance = 0.0}), invalid_argument);
  CHECK_THROWS_AS(
      wavekin::CoherentCollision<1>(bands, r, {.kappa = std::numeric_limits<double>::infinity()}),
      invalid_argument);
  const wavekin::CoherentCollision<1> q(bands, r);
  CHECK_THROWS_AS(q.apply(Eigen::VectorXcd::Zero(5)), invalid_argument);
  Eigen::VectorXcd bad = Eigen::VectorXcd::Zero(q.matrix().cols());
  bad[7] = cplx(std::numeric_limits<double>::infinity(), 0);
  CHECK_THROWS_AS(q.apply(bad), invalid_argument);

  const auto grid = wavekin::PeriodicGrid<1>::cube(8, 2 * pi);
  const auto band_data = wavekin::band_data_from_table(crystal.table, {0, 1});
  const auto quad = wavekin::ZoneGrid<1>(crystal.lattice, {16}).quadrature();
  CHECK_THROWS_AS(wavekin::CoherentRte<1>(grid, band_data, 0.0, q), invalid_argument);
  const Crystal1D other(8);
  const wavekin::CoherentCollision<1> q_other(other.collision_bands(), r);
  CHECK_THROWS_AS(wavekin::CoherentRte<1>(grid, band_data, 0.5, q_other), invalid_argument);
  wavekin::CoherentRte<1> rte(grid, band_data, 0.5, q);
  wavekin::CoherenceField<1> field(grid, quad, 2);
  CHECK_THROWS_AS(rte.step(field, 0.0, 0.0), invalid_argument);
  CHECK_THROWS_AS(rte.step(field, 0.0, -0.1), invalid_argument);
  CHECK_THROWS_AS(rte.step(field, 0.0, std::nan("")), invalid_argument);
  CHECK_THROWS_AS(rte.step(field, std::nan(""), 0.1), invalid_argument);
  CHECK_THROWS_AS(wavekin::integrate_n_steps(rte, field, 0.0, 0.1, -1), invalid_argument);
  CHECK_THROWS_AS(rte.collide(field, 0.0), invalid_argument);
  field(3, 0, 1, 2) = cplx(std::nan(""), 0);
  CHECK_THROWS_AS(rte.step(field, 0.0, 0.1), invalid_argument);
  wavekin::CoherenceField<1> wrong_n(grid, quad, 3);
  CHECK_THROWS_AS(rte.step(wrong_n, 0.0, 0.1), invalid_argument);
}

TEST_CASE(
    "HomogeneousCoherentRte is CoherentRte on a field constant in x, and second order "
    "towards the exact exponential",
    "[coherence][collision]") {
  const Crystal1D crystal(32);
  const auto bands = crystal.collision_bands();
  const GaussianCorrelation<1> r(0.5);
  const wavekin::CoherentCollision<1> q(bands, r);
  const double epsilon = 0.1, t = 0.5;
  const Eigen::Index n = 2, size = q.matrix().rows();
  // A Hermitian σ(p) at every vertex with complex coherences (the relaxation turns them).
  Eigen::VectorXcd s0(size);
  for (Eigen::Index v = 0; v < 32; ++v) {
    const double p = 2 * pi * static_cast<double>(v) / 32;
    s0[(v * n + 0) * n + 0] = 1 + std::sin(p);
    s0[(v * n + 1) * n + 1] = 0.5 + 0.25 * std::cos(p);
    s0[(v * n + 0) * n + 1] = 0.3 * std::exp(cplx(0, 3 * p));
    s0[(v * n + 1) * n + 0] = std::conj(s0[(v * n + 0) * n + 1]);
  }
  wavekin::HomogeneousCoherentRte<1> homogeneous(bands.energies, epsilon, q);
  REQUIRE(homogeneous.size() == size);

  // 1. The same Strang steps as CoherentRte on a 4-point x-grid with σ constant in x, where the
  // Liouville half-steps act through FFTs in x and the band propagator: agreement to round-off.
  const auto grid = wavekin::PeriodicGrid<1>::cube(4, 2 * pi);
  wavekin::CoherentRte<1> rte(grid, wavekin::band_data_from_table(crystal.table, {0, 1}), epsilon,
                              q);
  auto field = rte.make_field();
  for (Eigen::Index v = 0; v < 32; ++v)
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index l = 0; l < n; ++l)
        for (auto& x : field.block(v, j, l)) x = s0[(v * n + j) * n + l];
  Eigen::VectorXcd s = s0;
  wavekin::integrate_n_steps(rte, field, 0.0, t / 16, 16);
  wavekin::integrate_n_steps(homogeneous, s, 0.0, t / 16, 16);
  double difference = 0;
  for (Eigen::Index v = 0; v < 32; ++v)
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index l = 0; l < n; ++l)
        for (std::ptrdiff_t x = 0; x < 4; ++x)
          difference = std::max(difference, std::abs(field(v, j, l, x) - s[(v * n + j) * n + l]));
  INFO("max |CoherentRte − HomogeneousCoherentRte| = " << difference);
  // Both round the same O(1) quantities through ~10² operations (FFTs of length 4, 2 × 2
  // propagators): 1e-12 of max|σ| = 2 is far above that round-off and far below any splitting
  // or phase-sign error (≥ 1e-3 here).
  CHECK(difference <= 1e-12);

  // 2. Against the exact solution e^{tL} s0, L = Q + diag((i/ε)(E_l − E_j)): second order. At
  // ε = 0.5, where Δt·ΔE/ε < 1 on every step below (at ε = 0.1 the rotation's phase per step is
  // O(1) and the error is pre-asymptotic).
  const double slow = 0.5;
  wavekin::HomogeneousCoherentRte<1> slow_rte(bands.energies, slow, q);
  Eigen::MatrixXcd l_matrix = Eigen::MatrixXcd(q.matrix());
  for (Eigen::Index v = 0; v < 32; ++v)
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index l = 0; l < n; ++l) {
        const Eigen::Index row = (v * n + j) * n + l;
        l_matrix(row, row) += cplx(0, (bands.energies(v, l) - bands.energies(v, j)) / slow);
      }
  const Eigen::VectorXcd exact = (t * l_matrix).exp() * s0;
  std::vector<double> errors;
  for (const std::ptrdiff_t steps : {16, 32, 64}) {
    Eigen::VectorXcd y = s0;
    wavekin::integrate_n_steps(slow_rte, y, 0.0, t / static_cast<double>(steps), steps);
    errors.push_back((y - exact).cwiseAbs().maxCoeff() / s0.cwiseAbs().maxCoeff());
  }
  // Measured orders 2.21, 2.05.
  check_second_order(errors);
}

TEST_CASE("A collision handed on by value is moved, not copied", "[coherence][collision]") {
  // Eigen 3.4's SparseMatrix has no move constructor: without the swap-based moves, handing the
  // operator to a solver duplicated it (gigabytes in 2D at ε = 1/16).
  const Crystal1D crystal(16);
  const auto bands = crystal.collision_bands();
  const GaussianCorrelation<1> r(0.5);
  wavekin::CoherentCollision<1> q(bands, r);
  const auto* values = q.matrix().valuePtr();
  const auto nonzeros = q.matrix().nonZeros();
  REQUIRE(nonzeros > 0);
  const wavekin::HomogeneousCoherentRte<1> homogeneous(bands.energies, 0.5, std::move(q));
  CHECK(homogeneous.collision().matrix().valuePtr() == values);
  CHECK(homogeneous.collision().matrix().nonZeros() == nonzeros);
  wavekin::BandDiagonalCollision<1> c(bands, r);
  const auto* c_values = c.matrix().valuePtr();
  const wavekin::BandDiagonalCollision<1> moved(std::move(c));
  CHECK(moved.matrix().valuePtr() == c_values);
  // A copy is a copy.
  const wavekin::BandDiagonalCollision<1> copied(moved);
  CHECK(copied.matrix().valuePtr() != c_values);
  CHECK(copied.matrix().nonZeros() == moved.matrix().nonZeros());
}

TEST_CASE("HomogeneousCoherentRte: bad input is rejected", "[coherence][collision]") {
  using wavekin::invalid_argument;
  const Crystal1D crystal(16);
  const auto bands = crystal.collision_bands();
  const GaussianCorrelation<1> r(0.5);
  const wavekin::CoherentCollision<1> q(bands, r);
  CHECK_THROWS_AS(wavekin::HomogeneousCoherentRte<1>(bands.energies, 0.0, q), invalid_argument);
  CHECK_THROWS_AS(wavekin::HomogeneousCoherentRte<1>(bands.energies, std::nan(""), q),
                  invalid_argument);
  CHECK_THROWS_AS(wavekin::HomogeneousCoherentRte<1>(bands.energies.topRows(8), 0.5, q),
                  invalid_argument);
  Eigen::MatrixXd bad_energies = bands.energies;
  bad_energies(2, 1) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(wavekin::HomogeneousCoherentRte<1>(bad_energies, 0.5, q),
                    Catch::Contains("not finite"));
  wavekin::HomogeneousCoherentRte<1> rte(bands.energies, 0.5, q);
  Eigen::VectorXcd s = Eigen::VectorXcd::Zero(rte.size());
  CHECK_THROWS_AS(rte.step(s, 0.0, 0.0), invalid_argument);
  CHECK_THROWS_AS(rte.step(s, 0.0, -0.1), invalid_argument);
  CHECK_THROWS_AS(rte.step(s, std::nan(""), 0.1), invalid_argument);
  Eigen::VectorXcd short_s = Eigen::VectorXcd::Zero(rte.size() - 1);
  CHECK_THROWS_WITH(rte.step(short_s, 0.0, 0.1), Catch::Contains("entries"));
  s[5] = cplx(std::nan(""), 0);
  CHECK_THROWS_WITH(rte.step(s, 0.0, 0.1), Catch::Contains("not finite"));
}

TEST_CASE("(4.15) with the point-sum pair measure of (5.3)-(5.4) on the empty lattice",
          "[coherence][collision]") {
  // V = 0 in 1D, one band, two points p0, p1 of the zone with label G = 0: A(p, q − μ) =
  // δ_{μ,0}, so (4.15) with δ(E) dq replaced by 1 on {p0, p1} is, written out by hand,
  // Q[σ](p0) = κ R̂(p0 − p1)[σ(p1) − σ(p0)] (the q = p0 term is gain − loss = 0), and the same
  // with p0 ↔ p1. Exact up to round-off of the sparse assembly (1e-14 on entries of order 0.1).
  const Lattice<1> lattice = Lattice<1>::line(1.0);
  const double two_pi = 2 * std::numbers::pi;
  using Vec1 = Eigen::Matrix<double, 1, 1>;
  const Vec1 p0(0.1 * two_pi), p1(0.35 * two_pi);
  wavekin::PointSumBands<1> bands{
      lattice,
      {p0, p1},
      1,
      [](Eigen::Index, Eigen::Index, const wavekin::LatticeIndex<1>& mu) -> Eigen::MatrixXcd {
        return Eigen::MatrixXcd::Constant(1, 1, mu[0] == 0 ? 1.0 : 0.0);
      }};
  const GaussianCorrelation<1> r(0.8, 2.0);
  const wavekin::CoherentCollision<1> q(bands, r, {.kappa = 0.7});
  CHECK(q.vertex_count() == 2);
  CHECK(q.mu_count(0, 1) >= 1);  // μ = 0 and the neighbours within the correlation's radius
  const cplx s0(0.3, 0.2), s1(-0.5, 0.9);
  const Eigen::VectorXcd out = q.apply(Eigen::Vector2cd(s0, s1));
  const double rate = 0.7 * r.spectral_density(Vec1(p0 - p1));
  CHECK(std::abs(out[0] - rate * (s1 - s0)) <= 1e-14);
  CHECK(std::abs(out[1] - rate * (s0 - s1)) <= 1e-14);
  CHECK_THROWS_AS(q.zone(), wavekin::invalid_argument);  // a point sum has no zone grid
  bands.points.clear();
  CHECK_THROWS_AS(wavekin::CoherentCollision<1>(bands, r), wavekin::invalid_argument);
}

}  // namespace wavekin_test_coherent_collision
