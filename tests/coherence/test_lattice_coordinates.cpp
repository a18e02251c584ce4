// Tests for LatticeCoordinates (coherence/lattice_coordinates.hpp): P1 (3.16) run in the lattice
// coordinates s = E⁻¹x of a torus agrees with the rectangular x-problem on a rectangular lattice,
// and reproduces the exact solution σ⁰(x − vt) of pure transport on a triangular (parallelogram)
// torus. SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherence_liouville.hpp"
#include "wavekin/coherence/lattice_coordinates.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/periodic_grid.hpp"

#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_lattice_coordinates {

using namespace wavekin::test::common;

double max_difference(std::span<const cplx> a, std::span<const cplx> b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

TEST_CASE("LatticeCoordinates: on a rectangular lattice the box problem is the x-problem",
          "[coherence][lattice_coordinates]") {
  // Lattice 1 × √3, box side L = 2 (x-torus 2 × 2√3), Dirac data λ = 1.3 around p* = (0.2, −0.1)
  // at 5 momenta, a complex Gaussian packet with arbitrary displacements and overlaps.
  const auto lattice = wavekin::Lattice<2>::rectangular(1.0, std::sqrt(3.0));
  const wavekin::LatticeCoordinates<2> coordinates(lattice);
  const double side = 2, epsilon = 0.05;
  const std::ptrdiff_t points = 24;
  const wavekin::PeriodicGrid<2> x_grid({points, points}, Vec2(side, side * std::sqrt(3.0)));
  const auto box = coordinates.grid(points, side);
  std::vector<Vec2> momenta{{0.21, -0.1}, {0.3, 0.05}, {0.1, -0.2}, {0.25, -0.02}, {0.0, 0.1}};
  const auto bands = wavekin::dirac_band_data<double>(momenta, 1.3, Vec2(0.2, -0.1));
  wavekin::MomentumQuadrature<2> quadrature{momenta, std::vector<double>(momenta.size(), 0.7)};
  wavekin::PacketOverlaps<2> overlaps;
  Eigen::MatrixXcd a(2, 5);
  for (Eigen::Index q = 0; q < 5; ++q) {
    overlaps.displacements.push_back(Vec2(0.02 * double(q) - 0.04, 0.03 - 0.01 * double(q)));
    a(0, q) = cplx(std::cos(0.3 * double(q)), 0.2);
    a(1, q) = cplx(0.1, std::sin(0.5 * double(q)));
  }
  overlaps.overlaps = {a, Eigen::MatrixXcd(a.rowwise().reverse())};  // two packet bands
  const auto envelope = [](const Vec2& x) {  // (a_1, a_2) = a(x) (1, 0.6 e^{0.4i})
    const cplx a = std::exp(-(x - Vec2(1.0, 1.7)).squaredNorm() / 0.18) * std::polar(1.0, 2.0 * x[0]);
    return Eigen::VectorXcd(Eigen::Vector2cd(a, a * std::polar(0.6, 0.4)));
  };
  wavekin::CoherenceField<2> in_x(x_grid, quadrature, 2), in_s(box, quadrature, 2);
  in_x.set_wave_packet(envelope, epsilon, overlaps);
  in_s.set_wave_packet(coordinates.envelope(envelope), epsilon,
                       coordinates.packet_overlaps(overlaps));
  wavekin::CoherenceLiouville<2> model_x(x_grid, bands, epsilon);
  wavekin::CoherenceLiouville<2> model_s(box, coordinates.band_data(bands), epsilon);
  double largest = 0;
  for (const auto& v : in_x.values()) largest = std::max(largest, std::abs(v));
  // Tolerance: the two runs differ only in rounding — of the grid points (E s vs k h), of â's
  // phases and volume element, of D̃ = E⁻¹D and of ξ·D vs η·D̃ in the exponentials — each a few
  // ε_machine relative, amplified by the phases (i/ε)(E_l − E_j)t ≈ 50 rad and the 2·24² FFT
  // sums: 1e-11 relative leaves a factor ~100 over what is measured (about 1e-13).
  REQUIRE(max_difference(in_x.values(), in_s.values()) <= 1e-11 * largest);
  for (int k = 0; k < 4; ++k) {
    model_x.step(in_x, 0.25 * k, 0.25);
    model_s.step(in_s, 0.25 * k, 0.25);
  }
  REQUIRE(max_difference(in_x.values(), in_s.values()) <= 1e-11 * largest);
  // The current: lattice components mapped back equal the Cartesian current of the x-run.
  const auto j_x = in_x.current(bands);
  const auto j_s = coordinates.cartesian(in_s.current(coordinates.band_data(bands)));
  for (int i = 0; i < 2; ++i)
    REQUIRE(max_difference(j_x[static_cast<std::size_t>(i)], j_s[static_cast<std::size_t>(i)]) <=
            1e-11 * largest * 1.3 * 5 * 0.7);
}

TEST_CASE("LatticeCoordinates: pure transport on a triangular torus is the exact shift",
          "[coherence][lattice_coordinates]") {
  // One band, E = 0, D = v: (3.16) is ∂_tσ + v·∇_xσ = 0, σ(t, x) = σ⁰(x − vt). σ⁰ is a
  // trigonometric polynomial of the parallelogram torus {Es : s ∈ [0, L)²}: modes e^{iκ·x},
  // κ = E^{−T}·2πm/L, |m_a| ≤ 3, so the shifted function is exact on the 16² box grid.
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  const wavekin::LatticeCoordinates<2> coordinates(lattice);
  const double side = 3;
  const std::ptrdiff_t points = 16;
  const auto box = coordinates.grid(points, side);
  const Vec2 v(0.7, -1.9);
  wavekin::BandData<2> bands(1);
  Eigen::VectorXd energy = Eigen::VectorXd::Zero(1);
  std::array<Eigen::MatrixXcd, 2> d{Eigen::MatrixXcd::Constant(1, 1, v[0]),
                                    Eigen::MatrixXcd::Constant(1, 1, v[1])};
  bands.add(Vec2(0.1, 0.2), energy, d);
  const Eigen::Matrix2d dual = lattice.basis().inverse().transpose();  // E^{−T}
  const auto sigma0 = [&](const Vec2& x) {
    cplx sum = 0;
    for (int m0 = -3; m0 <= 3; ++m0)
      for (int m1 = -3; m1 <= 3; ++m1) {
        const Vec2 kappa = dual * Vec2(2 * pi * m0 / side, 2 * pi * m1 / side);
        sum += std::polar(1.0 / (1 + m0 * m0 + 2 * m1 * m1), kappa.dot(x) + 0.3 * m0 - 0.7 * m1);
      }
    return sum;
  };
  wavekin::CoherenceField<2> field(box, wavekin::MomentumQuadrature<2>{{Vec2(0.1, 0.2)}, {1.0}},
                                   1);
  for (std::ptrdiff_t k = 0; k < box.size(); ++k)
    field(0, 0, 0, k) = sigma0(coordinates.position(box.point(k)));
  wavekin::CoherenceLiouville<2> model(box, coordinates.band_data(bands), 0.1);
  const double t = 1.37;
  model.step(field, 0, t);
  double worst = 0;
  for (std::ptrdiff_t k = 0; k < box.size(); ++k)
    worst = std::max(worst, std::abs(field(0, 0, 0, k) -
                                     sigma0(coordinates.position(box.point(k)) - v * t)));
  // Tolerance: FFT round-off on 256 points of values ≤ Σ 1/(1 + m0² + 2m1²) ≈ 4, plus the phase
  // t·η·D̃ ≈ 20 rad evaluated in double: 1e-12 absolute is ~100× the measured error.
  REQUIRE(worst <= 1e-12);
  // A wrong transform (D in place of E⁻¹D) would move by E v t instead: an O(1) error.
  wavekin::CoherenceField<2> wrong(box, field.quadrature(), 1);
  for (std::ptrdiff_t k = 0; k < box.size(); ++k)
    wrong(0, 0, 0, k) = sigma0(coordinates.position(box.point(k)));
  wavekin::CoherenceLiouville<2>(box, bands, 0.1).step(wrong, 0, t);
  double off = 0;
  for (std::ptrdiff_t k = 0; k < box.size(); ++k)
    off = std::max(off, std::abs(wrong(0, 0, 0, k) -
                                 sigma0(coordinates.position(box.point(k)) - v * t)));
  REQUIRE(off >= 0.1);
}

TEST_CASE("LatticeCoordinates: bad input is rejected", "[coherence][lattice_coordinates]") {
  const wavekin::LatticeCoordinates<2> coordinates(wavekin::Lattice<2>::triangular(1.0));
  REQUIRE_THROWS_AS(coordinates.grid(0, 1.0), wavekin::invalid_argument);
  REQUIRE_THROWS_AS(coordinates.grid(4, 0.0), wavekin::invalid_argument);
  REQUIRE_THROWS_AS(coordinates.grid(4, std::nan("")), wavekin::invalid_argument);
  std::array<std::vector<cplx>, 2> uneven{std::vector<cplx>(3), std::vector<cplx>(4)};
  REQUIRE_THROWS_AS(coordinates.cartesian(uneven), wavekin::invalid_argument);
  REQUIRE_THAT(coordinates.jacobian(), Catch::Matchers::WithinRel(std::sqrt(3.0) / 2, 1e-15));
}

}  // namespace wavekin_test_lattice_coordinates
