// Tests of the collisions on a patch of the zone grid — P1 (5.2), (4.15) with p and q
// restricted to the balls B(K) ∪ B(K'): the whole grid as a patch is the full-grid operator,
// the (5.2) rate against an angular quadrature of the two-cone model, conservation on the
// patch, input checks. SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include <Eigen/Core>

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/from_bloch.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_valley_patch_collision {

namespace {

using wavekin::GaussianCorrelation;
using wavekin::Lattice;
using cplx = std::complex<double>;
constexpr double pi = std::numbers::pi;

// Two Dirac cones H = λ(d_x σ_x + d_y σ_y), d = p − c, at the valley centres c = K, K' of the
// triangular lattice (θ = (1/3, 2/3) and (2/3, 1/3), off the grid when 3 ∤ N), on the patch
// |d| ≤ radius. Bands E_0 = −λ|d|, E_1 = +λ|d| with spinors u_∓ = (1, ∓e^{iθ_d})/√2, and the
// overlap A_jm(p, q − μ) = conj(u_j(p))ᵀ u_m(q) for μ = 0, zero otherwise (P1's form for the
// conjugate spinors, those of the mirrored cone; |A|² is the same): the two-band model of P1 §5
// with the Bloch overlaps replaced by spinor overlaps.
struct TwoCones {
  Lattice<2> lattice = Lattice<2>::triangular(1.0);
  std::array<Eigen::Index, 2> shape;
  double lambda = 1.5;
  std::vector<Eigen::Vector2d> centers;
  std::vector<Eigen::Index> support;
  std::vector<Eigen::Vector2d> points;        // momentum of each patch vertex
  std::vector<Eigen::Vector2d> displacement;  // d = p − c of each patch vertex
  std::vector<int> valley;                    // index of that c

  TwoCones(Eigen::Index n, double radius) : shape{n, n} {
    centers = {lattice.dual_basis() * Eigen::Vector2d(1.0 / 3, 2.0 / 3),
               lattice.dual_basis() * Eigen::Vector2d(2.0 / 3, 1.0 / 3)};
    support = wavekin::ZoneGrid<2>(lattice, shape).restricted_to_balls(centers, radius).support();
    points = grid().quadrature().points;
    for (const auto& p : points) {
      Eigen::Vector2d best = Eigen::Vector2d::Constant(std::numeric_limits<double>::infinity());
      int which = 0;
      for (std::size_t c = 0; c < centers.size(); ++c)
        if ((p - centers[c]).norm() < best.norm()) {  // balls lie inside B: no translates
          best = p - centers[c];
          which = static_cast<int>(c);
        }
      displacement.push_back(best);
      valley.push_back(which);
    }
  }

  [[nodiscard]] static Eigen::Vector2cd spinor(const Eigen::Vector2d& d, Eigen::Index band) {
    const double theta = std::atan2(d[1], d[0]);
    const double sign = band == 0 ? -1.0 : 1.0;
    return Eigen::Vector2cd(1, sign * std::polar(1.0, theta)) / std::sqrt(2.0);
  }

  [[nodiscard]] wavekin::CollisionBands<2> bands() const {
    Eigen::MatrixXd e(static_cast<Eigen::Index>(support.size()), 2);
    for (std::size_t v = 0; v < support.size(); ++v) {
      e(static_cast<Eigen::Index>(v), 0) = -lambda * displacement[v].norm();
      e(static_cast<Eigen::Index>(v), 1) = lambda * displacement[v].norm();
    }
    auto overlap = [d = displacement](Eigen::Index p, Eigen::Index q,
                                      const wavekin::LatticeIndex<2>& mu) -> Eigen::MatrixXcd {
      Eigen::MatrixXcd a = Eigen::MatrixXcd::Zero(2, 2);
      if (mu != wavekin::LatticeIndex<2>::Zero()) return a;
      // a(j, m) = Σ_s conj(u_j(p)_s) u_m(q)_s (Eigen's dot conjugates its first argument):
      // P1's Σ c^j(p) conj(c^m(q)) for the states conj(u), the spinors of the mirrored cone
      // λ(d_x σ_x − d_y σ_y) — a Dirac cone as well, with the same |A|² and rates.
      for (Eigen::Index j = 0; j < 2; ++j)
        for (Eigen::Index m = 0; m < 2; ++m)
          a(j, m) = spinor(d[static_cast<std::size_t>(p)], j)
                        .dot(spinor(d[static_cast<std::size_t>(q)], m));
      return a;
    };
    return wavekin::CollisionBands<2>{grid(), e, overlap};
  }

  [[nodiscard]] wavekin::ZoneGrid<2> grid() const { return {lattice, shape, support}; }

  // The patch vertex nearest to c_valley + target.
  [[nodiscard]] Eigen::Index vertex_near(std::size_t valley, const Eigen::Vector2d& target) const {
    Eigen::Index best = 0;
    double dist = std::numeric_limits<double>::infinity();
    for (std::size_t v = 0; v < points.size(); ++v) {
      const double here = (points[v] - centers[valley] - target).norm();
      if (here < dist) {
        dist = here;
        best = static_cast<Eigen::Index>(v);
      }
    }
    return best;
  }

  // The continuum (5.2) loss rate of the upper band at p = c_p + d: the shell E_1(q) = λ|d| is
  // the two circles q = c + |d|e(φ), where |∇E| = λ and dq-length = |d| dφ, so
  // Γ = κ Σ_c ∫_0^{2π} R̂(p − q) |u_1(d)ᵀ conj u_1(e(φ))|² (|d|/λ) dφ — by the trapezoidal rule
  // with 4096 nodes (spectrally accurate for the smooth periodic integrand).
  template <class Correlation>
  [[nodiscard]] double continuum_rate(Eigen::Index vertex, const Correlation& r) const {
    const Eigen::Vector2d d = displacement[static_cast<std::size_t>(vertex)];
    const Eigen::Vector2d p = points[static_cast<std::size_t>(vertex)];
    const double radius = d.norm();
    const int nodes = 4096;
    double sum = 0;
    for (const auto& c : centers)
      for (int k = 0; k < nodes; ++k) {
        const double phi = 2 * pi * k / nodes;
        const Eigen::Vector2d e(std::cos(phi), std::sin(phi));
        const Eigen::Vector2d q = c + radius * e;
        sum += r.spectral_density(Eigen::Vector2d(p - q)) *
               std::norm(spinor(d, 1).dot(spinor(e, 1))) * (radius / lambda) * (2 * pi / nodes);
      }
    return wavekin::rte_kappa(2) * sum;
  }
};

}  // namespace

TEST_CASE("(4.15) on a patch that is the whole grid is the full-grid operator",
          "[coherence][collision][patch]") {
  // 1D Bloch bands of V = 2cos(2πx): CollisionBands from the same states, once on the grid and
  // once as a patch listing every vertex. Same pairs, same weights, same μ: the matrices agree
  // to round-off of the merged sums (asserted 1e-13 of the largest entry).
  const auto lattice = Lattice<1>::line(1.0);
  const auto table = wavekin::BandTable<1>::uniform_grid(
      wavekin::BlochSolver(lattice, wavekin::CosineSum<1>({{2.0, wavekin::lattice_index(1)}}),
                           {.energy_cutoff = 300}),
      {32}, 2);
  std::vector<wavekin::BlochState<1, double>> states;
  std::vector<Eigen::Index> all;
  for (Eigen::Index v = 0; v < table.size(); ++v) {
    states.push_back(table.state(v));
    all.push_back(v);
  }
  const auto full = wavekin::collision_bands_from_table(lattice, table, {0, 1});
  const auto patch =
      wavekin::collision_bands_from_states<1>(wavekin::ZoneGrid<1>(lattice, {32}, all), states, {0, 1});
  // The label-table overlaps against the definition A(p, q − μ) = overlap_A(state_p,
  // relabel(state_q, −μ)) (bands 0, 1 of the three solved): same sums, asserted to 1e-14.
  // The same through the bases' own label maps (the fallback for tables too large to build).
  const wavekin::detail::LabelTableOverlap<1> fallback(states, {0, 1}, 0);
  REQUIRE_FALSE(fallback.dense());
  std::mt19937 pick(5);
  std::uniform_int_distribution<Eigen::Index> vertex(0, 31);
  for (int trial = 0; trial < 40; ++trial) {
    const Eigen::Index p = vertex(pick), q = vertex(pick);
    const wavekin::LatticeIndex<1> mu(trial % 7 - 3);
    const Eigen::MatrixXcd direct =
        wavekin::overlap_A(
            states[static_cast<std::size_t>(p)],
            wavekin::relabel(states[static_cast<std::size_t>(q)], wavekin::LatticeIndex<1>(-mu)))
            .topLeftCorner(2, 2);
    CHECK((patch.overlap(p, q, mu) - direct).cwiseAbs().maxCoeff() <= 1e-14);
    CHECK((fallback(p, q, mu) - direct).cwiseAbs().maxCoeff() <= 1e-14);
  }
  const GaussianCorrelation<1> r(0.5);
  const wavekin::CoherentCollision<1> a(full, r), b(patch, r);
  REQUIRE(a.matrix().nonZeros() > 0);
  const double scale = Eigen::MatrixXcd(a.matrix()).cwiseAbs().maxCoeff();
  CHECK((Eigen::MatrixXcd(a.matrix()) - Eigen::MatrixXcd(b.matrix())).cwiseAbs().maxCoeff() <=
        1e-13 * scale);
  const wavekin::BandDiagonalCollision<1> c(full, r), d(patch, r);
  CHECK((Eigen::MatrixXd(c.matrix()) - Eigen::MatrixXd(d.matrix())).cwiseAbs().maxCoeff() <=
        1e-13 * Eigen::MatrixXd(c.matrix()).cwiseAbs().maxCoeff());
}

TEST_CASE(
    "(5.2): the patch collision's rate is the two-cone shell integral, and vanishes with "
    "the distance to the crossing",
    "[coherence][collision][patch]") {
  // Gaussian ℓ = 0.6: R̂(K − K') = R̂(0)·e^{−ℓ²|K − K'|²/2} = 0.35 R̂(0), both valleys count.
  // μ-sum truncated at 1e-8 (only μ = 0 carries an overlap in this model, so the truncation is
  // exact).
  const GaussianCorrelation<2> r(0.6);
  const wavekin::BandCollisionOptions options{.mu_tolerance = 1e-8};
  std::vector<double> counts, errors;
  for (Eigen::Index n : {160, 320, 640}) {
    const TwoCones cones(n, 0.45);
    const auto bands = cones.bands();
    const Eigen::Index v = cones.vertex_near(0, Eigen::Vector2d(0.2, 0.07));
    const double rate = wavekin::band_diagonal_rate(bands, r, v, 1, options);
    const double truth = cones.continuum_rate(v, r);
    counts.push_back(static_cast<double>(n));
    errors.push_back(std::abs(rate / truth - 1));
    UNSCOPED_INFO("N = " << n << ": patch vertices " << cones.support.size()
                         << ", |d| = " << cones.displacement[static_cast<std::size_t>(v)].norm()
                         << ", rate " << rate << ", continuum " << truth);
  }
  UNSCOPED_INFO("relative errors " << errors[0] << " " << errors[1] << " " << errors[2]);
  CHECK(errors[2] < 1e-2);
  CHECK(errors[2] < errors[0] / 3);
  // The cone's density of states vanishes at the crossing: the rate at |d| = 0.1 is about half
  // the rate at |d| = 0.2 (not exactly: R̂ and the overlaps vary over the circles).
  const TwoCones cones(640, 0.45);
  const auto bands = cones.bands();
  const Eigen::Index near = cones.vertex_near(0, Eigen::Vector2d(0.1, 0.035));
  const Eigen::Index far = cones.vertex_near(0, Eigen::Vector2d(0.2, 0.07));
  const double ratio = wavekin::band_diagonal_rate(bands, r, near, 1, options) /
                       wavekin::band_diagonal_rate(bands, r, far, 1, options);
  CHECK_THAT(ratio, Catch::Matchers::WithinRel(
                        cones.continuum_rate(near, r) / cones.continuum_rate(far, r), 5e-3));
}

TEST_CASE(
    "(5.2) assembled on the patch: trace budget of band-diagonal sigma, loss = rate, "
    "valleys coupled only through R(K - K')",
    "[coherence][collision][patch]") {
  const TwoCones cones(160, 0.45);
  const auto bands = cones.bands();
  const wavekin::BandCollisionOptions options{.mu_tolerance = 1e-8};
  const GaussianCorrelation<2> short_range(0.6);
  const wavekin::CoherentCollision<2> q(bands, short_range, options);
  const Eigen::Index n = 2, vertices = q.vertex_count();
  REQUIRE(vertices == static_cast<Eigen::Index>(cones.support.size()));
  // Band-diagonal σ: Σ_p tr Q[σ] = 0 to round-off (the (C.3) identity holds on any patch: the
  // gain kernel is symmetrised and the loss is its row sum). Round-off of ~1e5 terms of size
  // ≤ the largest |Q σ|: asserted 1e-12 relative.
  std::mt19937 gen(11);
  std::uniform_real_distribution<double> u(0, 1);
  Eigen::VectorXcd sigma = Eigen::VectorXcd::Zero(vertices * n * n);
  for (Eigen::Index v = 0; v < vertices; ++v)
    for (Eigen::Index j = 0; j < n; ++j) sigma[(v * n + j) * n + j] = u(gen);
  const Eigen::VectorXcd qs = q.apply(sigma);
  cplx trace = 0;
  for (Eigen::Index v = 0; v < vertices; ++v)
    for (Eigen::Index j = 0; j < n; ++j) trace += qs[(v * n + j) * n + j];
  CHECK(std::abs(trace) <= 1e-12 * qs.cwiseAbs().sum());
  // The loss Γ_11 at a vertex is the one-sided rate up to the symmetrisation of the pair
  // measure, an O(h²) change: measured 0.27 % at N = 160; asserted 5 %.
  const Eigen::Index v = cones.vertex_near(0, Eigen::Vector2d(0.2, 0.07));
  const double rate = wavekin::band_diagonal_rate(bands, short_range, v, 1, options);
  CHECK_THAT(q.loss(v, 1)(1, 1).real(), Catch::Matchers::WithinRel(rate, 5e-2));
  CHECK(std::abs(q.loss(v, 1)(1, 1).imag()) <= 1e-14 * rate);
  // No vertex weighs 1/round-off: the three vertices nearest K (N = 160 puts K at a triangle's
  // centre) have |d| equal up to round-off, a flat triangle of the interpolated cone that must
  // carry no shell weight (it gave row sums ~1e11 before EnergyShellQuadrature's flatness
  // tolerance). The Gershgorin bound is then a few times the largest loss rate (measured 2.5).
  double largest_loss = 0;
  for (Eigen::Index w = 0; w < vertices; ++w)
    for (Eigen::Index l = 0; l < n; ++l)
      largest_loss = std::max(largest_loss, q.loss(w, l).cwiseAbs().rowwise().sum().maxCoeff());
  INFO("Gershgorin bound " << q.spectral_bound() << ", largest loss row " << largest_loss);
  CHECK(q.spectral_bound() <= 5 * largest_loss);

  // Which valley each vertex is in, and the largest entry coupling the two valleys.
  const auto inter_valley = [&](const wavekin::CoherentCollision<2>& op) {
    double largest = 0;
    for (Eigen::Index row = 0; row < op.matrix().outerSize(); ++row)
      for (wavekin::CoherentCollision<2>::Matrix::InnerIterator it(op.matrix(), row); it; ++it) {
        const auto a = static_cast<std::size_t>(row / (n * n));
        const auto b = static_cast<std::size_t>(it.col() / (n * n));
        if (cones.valley[a] != cones.valley[b]) largest = std::max(largest, std::abs(it.value()));
      }
    return largest;
  };
  // ℓ = 0.6: R̂(K − K') = 0.35 R̂(0), the valleys are coupled.
  CHECK(inter_valley(q) > 1e-3 * q.spectral_bound());
  // ℓ = 3: R̂(K − K' + μ) ≤ e^{−ℓ²|K−K'|²/2} R̂(0) ≈ 4e-12 R̂(0), below the μ tolerance
  // 1e-10: no entry couples the valleys, while the intra-valley collision is there.
  const GaussianCorrelation<2> long_range(3.0);
  const wavekin::CoherentCollision<2> decoupled(bands, long_range, {.mu_tolerance = 1e-10});
  CHECK(decoupled.matrix().nonZeros() > 0);
  CHECK(inter_valley(decoupled) == 0);
}

TEST_CASE("(4.15) trace budget at a conical crossing: conserved within a valley, small across",
          "[coherence][collision][patch]") {
  // The budget (docs/collision.md §4) Σ R̂ A_jm conj(A_m'm) σ_jm'(p)[δ(E_j(p) − E_m(q)) −
  // δ(E_m'(p) − E_m(q))] on a cone E_∓ = ∓λ|d|: both bands' shells through p are the circle
  // |d_q| = |d_p|, and for spinors A_00 conj(A_10) = −A_01 conj(A_11) = ±(i/2) sin(θ_p − θ_q), so
  // the coherent part of the budget is ∫ R̂(p − q) sin(θ_p − θ_q) dθ_q: zero when R̂(p − q) is
  // even in θ_p − θ_q (within a valley, p − q = d_p − d_q), not across valleys. Smooth coherent
  // σ off the cone's centre with complex phases; defect = |Σ tr Q[σ]| / Σ|Q[σ]_jj|.
  const auto defect = [](Eigen::Index n, double length) {
    const TwoCones cones(n, 0.45);
    const wavekin::CoherentCollision<2> q(cones.bands(), GaussianCorrelation<2>(length),
                                          {.mu_tolerance = 1e-10});
    Eigen::VectorXcd sigma(q.matrix().cols());
    for (Eigen::Index v = 0; v < q.vertex_count(); ++v) {
      const Eigen::Vector2d d =
          cones.displacement[static_cast<std::size_t>(v)] - Eigen::Vector2d(0.13, -0.05);
      const double envelope = std::exp(-d.squaredNorm() / 0.02);
      sigma[(v * 2) * 2] = envelope;
      sigma[(v * 2 + 1) * 2 + 1] = envelope;
      sigma[(v * 2) * 2 + 1] = 0.5 * envelope * std::polar(1.0, 0.7 + 3 * d[0]);
      sigma[(v * 2 + 1) * 2] = 0.3 * envelope * std::polar(1.0, -1.1 + 2 * d[1]);
    }
    const Eigen::VectorXcd qs = q.apply(sigma);
    cplx trace = 0;
    double diagonal = 0;
    for (Eigen::Index r = 0; r < q.vertex_count() * 2; ++r) {
      trace += qs[r * 2 + r % 2];
      diagonal += std::abs(qs[r * 2 + r % 2]);
    }
    return std::abs(trace) / diagonal;
  };
  // ℓ = 3: valleys decoupled, the budget is the discretisation's: measured 8.6e-4, 1.2e-4,
  // 1.7e-5 at N = 80, 160, 320 (order ≈ 2.8). Asserted: below 3e-4 at N = 160 and falling by ≥ 3
  // to N = 320.
  const double intra_160 = defect(160, 3.0), intra_320 = defect(320, 3.0);
  CHECK(intra_160 < 3e-4);
  CHECK(intra_320 < intra_160 / 3);
  // ℓ = 0.6: the inter-valley terms leave a defect that does not vanish with h (measured 4.0e-4
  // at N = 160, 3.4e-4 at N = 320) but stays three orders below the 0.39 of coherences between
  // separated bands (test_coherent_collision.cpp). Asserted: between 1e-4 and 1e-3 at N = 320.
  const double inter_320 = defect(320, 0.6);
  CHECK(inter_320 > 1e-4);
  CHECK(inter_320 < 1e-3);
}

TEST_CASE("patch collisions reject inconsistent supports", "[coherence][collision][patch]") {
  const TwoCones cones(40, 0.9);
  auto bands = cones.bands();
  const GaussianCorrelation<2> r(0.6);
  // The support is validated where the ZoneGrid is made, before any collision sees it.
  auto shuffled = cones.support;
  std::swap(shuffled[0], shuffled[1]);
  CHECK_THROWS_WITH((wavekin::ZoneGrid<2>(cones.lattice, cones.shape, shuffled)),
                    Catch::Matchers::Contains("does not increase"));
  auto short_energies = bands;
  short_energies.energies.conservativeResize(3, 2);
  CHECK_THROWS_WITH(wavekin::CoherentCollision<2>(short_energies, r),
                    Catch::Matchers::Contains("energies are 3x2, expected"));
  auto outside = cones.support;
  outside.back() = 40 * 40;
  CHECK_THROWS_WITH((wavekin::ZoneGrid<2>(cones.lattice, cones.shape, outside)),
                    Catch::Matchers::Contains("outside [0, 1600)"));
  using Shape = std::array<Eigen::Index, 2>;
  const Shape shape{40, 40};
  const std::vector<Eigen::Vector2d> none;
  const wavekin::ZoneGrid<2> zone(cones.lattice, shape);
  CHECK_THROWS_WITH(zone.restricted_to_balls(none, 0.5), Catch::Matchers::Contains("no ball centres"));
  CHECK_THROWS_WITH(zone.restricted_to_balls(cones.centers, 0.0),
                    Catch::Matchers::Contains("radius must be finite and > 0"));
  const std::vector<Eigen::Index> beyond{5, 1600};
  CHECK_THROWS_WITH((wavekin::ZoneGrid<2>(cones.lattice, shape, beyond)),
                    Catch::Matchers::Contains("support entry 1 is grid index 1600"));
}

}  // namespace wavekin_test_valley_patch_collision
