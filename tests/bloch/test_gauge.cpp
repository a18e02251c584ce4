// Tests for wavekin/bloch/gauge.hpp: parallel transport undoes arbitrary phases and, at a
// degeneracy, arbitrary U(2) rotations; SolverGauge leaves states alone.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <limits>

#include "wavekin/bloch/gauge.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_gauge {

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

auto honeycomb() {
  return wavekin::BlochSolver(wavekin::Lattice<2>::triangular(1.0),
                              wavekin::HoneycombWells<>(20.0, 0.15), {.energy_cutoff = 400});
}

}  // namespace

TEST_CASE("gauge policies model GaugePolicy", "[bloch][gauge]") {
  STATIC_REQUIRE(wavekin::GaugePolicy<wavekin::ParallelTransportGauge, 2, double>);
  STATIC_REQUIRE(wavekin::GaugePolicy<wavekin::SolverGauge, 3, float>);
  STATIC_REQUIRE_FALSE(wavekin::GaugePolicy<int, 2, double>);
}

TEST_CASE("parallel transport removes phases of simple bands", "[bloch][gauge]") {
  const auto solver = honeycomb();
  const auto reference = solver.solve(Eigen::Vector2d(0.9, -0.4), 4);
  auto scrambled = reference;
  for (int m = 0; m < 4; ++m) scrambled.coefficients.col(m) *= std::polar(1.0, 0.7 + 1.3 * m);
  wavekin::SolverGauge{}.align(scrambled, reference);
  REQUIRE(scrambled.coefficients != reference.coefficients);  // SolverGauge: untouched
  wavekin::ParallelTransportGauge{}.align(scrambled, reference);
  // A_mm = e^{iφ_m}·(1 + O(Nε)): the phase comes back to rounding, N ε.
  REQUIRE((scrambled.coefficients - reference.coefficients).cwiseAbs().maxCoeff() <=
          8 * static_cast<double>(reference.basis.size()) * eps);
  REQUIRE(scrambled.energies == reference.energies);
}

TEST_CASE("parallel transport undoes a U(2) rotation of the Dirac pair at K", "[bloch][gauge]") {
  const auto solver = honeycomb();
  const auto& lattice = solver.lattice();
  const Eigen::Vector2d big_k = (lattice.dual_vector(0) - lattice.dual_vector(1)) / 3;
  const auto reference = solver.solve(big_k, 3);
  REQUIRE(std::abs(reference.energies[1] - reference.energies[0]) <= 1e-10);
  // A unitary that mixes the pair: diag(phases) · rotation by 0.6 · diag(phases).
  const double c = std::cos(0.6), s = std::sin(0.6);
  Eigen::Matrix2cd rotation;
  rotation << c, -s, s, c;
  const Eigen::Matrix2cd u =
      Eigen::Vector2cd(std::polar(1.0, 0.4), std::polar(1.0, -0.9)).asDiagonal() * rotation *
      Eigen::Vector2cd(std::polar(1.0, 1.7), std::polar(1.0, 0.2)).asDiagonal();
  REQUIRE((u.adjoint() * u - Eigen::Matrix2cd::Identity()).norm() <= 1e-15);
  auto rotated = reference;
  rotated.coefficients.leftCols(2) = reference.coefficients.leftCols(2) * u;
  wavekin::ParallelTransportGauge{}.align(rotated, reference);
  // Löwdin: the overlap block becomes VΣVᴴ = I, i.e. the reference basis back.
  REQUIRE((rotated.coefficients - reference.coefficients).cwiseAbs().maxCoeff() <=
          8 * static_cast<double>(reference.basis.size()) * eps);
}

}  // namespace wavekin_test_gauge
