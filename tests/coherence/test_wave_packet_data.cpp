// Tests for CoherenceField::set_wave_packet and packet_overlaps (coherence_field.hpp,
// from_bloch.hpp): the finite-ε initial data of a Bloch wave packet Σ_m a_m(x) Ψ_m(x/ε, p₀) (one
// or two packet bands, complex amplitudes) equal, entry by entry, the exact Wigner–Bloch σ of the
// wave computed on a supercell (bloch/wigner_bloch.hpp), which fixes the constant (2πε)^{−d} and
// the conjugations; ∫_B tr σ⁰ dp is the wave's cell-averaged density. 1D and 2D
// (a rectangular lattice with a non-separable potential).
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/bloch/wigner_bloch.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/coherence/lattice_coordinates.hpp"
#include "wavekin/core/periodic_grid.hpp"

#include "packet_envelope.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_wave_packet_data {

using namespace wavekin::test::matchers;
using namespace wavekin::test::common;
using wavekin::lattice_index;
using wavekin::test::verbose;

template <int Dim>
using Envelope = wavekin_test::PacketEnvelope<Dim>;

template <int Dim>
struct Comparison {
  double sigma_error;    // max |σ⁰ − σ_exact| / max |σ_exact|
  double density_error;  // max |Σ w tr σ⁰ − ρ̄| / max ρ̄
};

// The amplitudes (a_m(x))_m of a packet as a vector: one entry for a scalar envelope.
Eigen::VectorXcd as_vector(cplx a) { return Eigen::VectorXcd::Constant(1, a); }
Eigen::VectorXcd as_vector(const Eigen::VectorXcd& a) { return a; }

// σ⁰ of set_wave_packet for the packet Σ_m a_m(x) Ψ_m(x/ε, p_r0), m in `packet_bands`, against
// the exact σ of the wave, for the listed bands; ρ̄ the exact Σ_r w tr σ_exact (all bands: also
// Σ_m |a_m|²). `amplitude` returns a scalar (one packet band) or a vector (a_m)_m: both forms of
// set_wave_packet.
template <int Dim, class Potential, class Amplitude>
Comparison<Dim> compare(const wavekin::Supercell<Dim>& cell, const Potential& v, double epsilon,
                        Eigen::Index r0, const std::vector<Eigen::Index>& packet_bands,
                        const std::vector<Eigen::Index>& bands, const Amplitude& amplitude,
                        bool all_bands, bool lattice_coordinates = false) {
  const wavekin::SupercellBloch<Dim> bloch(cell, v);
  const auto wave = wavekin::bloch_wave_packet(
      bloch, r0, packet_bands,
      [&](const Eigen::Matrix<double, Dim, 1>& x) { return as_vector(amplitude(x)); }, epsilon);
  const auto exact = wavekin::wigner_bloch(bloch, std::span<const cplx>(wave), bands);
  // The field on the cell origins x_ν = εz_ν: for a rectangular lattice a PeriodicGrid of M points
  // and side εM|e_a| per axis, row-major like Supercell::cell_origin; for any lattice the box
  // [0, εM)^Dim of LatticeCoordinates, x = Es.
  typename wavekin::PeriodicGrid<Dim>::Counts counts;
  counts.fill(cell.cells_per_axis());
  Eigen::Matrix<double, Dim, 1> lengths;
  for (int a = 0; a < Dim; ++a)
    lengths[a] = epsilon * static_cast<double>(cell.cells_per_axis()) *
                 cell.lattice().basis().col(a).norm();
  const wavekin::LatticeCoordinates<Dim> coordinates(cell.lattice());
  const wavekin::PeriodicGrid<Dim> grid =
      lattice_coordinates
          ? coordinates.grid(cell.cells_per_axis(),
                             epsilon * static_cast<double>(cell.cells_per_axis()))
          : wavekin::PeriodicGrid<Dim>(counts, lengths);
  const auto position = [&](Eigen::Index nu) -> Eigen::Matrix<double, Dim, 1> {
    return lattice_coordinates ? coordinates.position(grid.point(nu)) : grid.point(nu);
  };
  for (Eigen::Index nu = 0; nu < grid.size(); ++nu)
    REQUIRE((position(nu) - epsilon * cell.cell_origin(nu)).norm() <= 1e-12);
  wavekin::CoherenceField<Dim> field(grid, cell.zone(), static_cast<Eigen::Index>(bands.size()));
  const auto states = bloch.states();
  const auto overlaps =
      wavekin::packet_overlaps(states[static_cast<std::size_t>(r0)], packet_bands, states, bands);
  if (lattice_coordinates)
    field.set_wave_packet(coordinates.envelope(amplitude), epsilon,
                          coordinates.packet_overlaps(overlaps));
  else
    field.set_wave_packet(amplitude, epsilon, overlaps);
  double worst = 0, largest = 0;
  for (std::size_t i = 0; i < exact.values.size(); ++i) {
    worst = std::max(worst, std::abs(field.values()[i] - exact.values[i]));
    largest = std::max(largest, std::abs(exact.values[i]));
  }
  const auto rho = field.density();
  double peak = 0;  // max Σ_m |a_m|²
  for (Eigen::Index nu = 0; nu < grid.size(); ++nu)
    peak = std::max(peak, as_vector(amplitude(position(nu))).squaredNorm());
  double worst_rho = 0, largest_rho = 0;
  for (Eigen::Index nu = 0; nu < grid.size(); ++nu) {
    cplx rho_bar = 0;
    for (Eigen::Index r = 0; r < cell.momentum_count(); ++r)
      for (Eigen::Index j = 0; j < exact.band_count; ++j)
        rho_bar += cell.momentum_weight() * exact(r, j, j, nu);
    if (all_bands) {  // all bands: the cell-averaged density is Σ_m |a_m(x)|² exactly
      const double a2 = as_vector(amplitude(position(nu))).squaredNorm();
      REQUIRE(std::abs(rho_bar - a2) <= 1e-12 * peak);
    }
    worst_rho = std::max(worst_rho, std::abs(rho[static_cast<std::size_t>(nu)] - rho_bar));
    largest_rho = std::max(largest_rho, std::abs(rho_bar));
  }
  return {worst / largest, worst_rho / largest_rho};
}

// The band list 0 … count − 1.
std::vector<Eigen::Index> all_bands(Eigen::Index count) {
  std::vector<Eigen::Index> all(static_cast<std::size_t>(count));
  for (std::size_t j = 0; j < all.size(); ++j) all[j] = static_cast<Eigen::Index>(j);
  return all;
}

// V(y) = 2 cos 2πy + 1.4 cos 4πy on the unit line.
wavekin::CosineSum<1> two_cosines() {
  wavekin::CosineSum<1> v;
  v.add(2.0, lattice_index(1)).add(1.4, lattice_index(2));
  return v;
}

TEST_CASE("set_wave_packet: finite-ε σ⁰ is the exact Wigner–Bloch σ of the packet (1D)",
          "[coherence][wave_packet]") {
  const double epsilon = 1.0 / 16;
  const Eigen::Index cells = 32;
  const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), cells, 16);
  const Envelope<1> envelope{cell.lattice(), cells, epsilon, 0.2, Vec1(0.9)};
  // Tolerance: round-off of the FFTs, dense eigenvectors and the direct-sum â (n^d ε and N_x ε
  // with margin), plus the labels the supercell aliases mod n but packet_overlaps matches as
  // integers: they meet only the packet band's coefficients at the edge of the label box
  // (|G| = 8·2π). Measured 4e-14 (all bands), 6e-16 (two bands); tolerance 1e-12.
  const double tolerance = 1e-12;
  SECTION("all 16 bands: σ⁰ entry by entry, and ∫ tr σ⁰ dp = ρ̄ = |a|²") {
    const auto c = compare(cell, two_cosines(), epsilon, 5, {1}, all_bands(16), envelope, true);
    if (verbose())
      fmt::print("wave packet 1D, all bands: σ⁰ rel error {:.2e}, ρ̄ rel error {:.2e}\n",
                 c.sigma_error, c.density_error);
    REQUIRE(c.sigma_error <= tolerance);
    REQUIRE(c.density_error <= tolerance);
  }
  SECTION("two bands {0, 1}: the projected σ, entry by entry") {
    const auto c = compare(cell, two_cosines(), epsilon, 5, {1}, {0, 1}, envelope, false);
    if (verbose())
      fmt::print("wave packet 1D, bands 0–1: σ⁰ rel error {:.2e}, ρ̄ rel error {:.2e}\n",
                 c.sigma_error, c.density_error);
    REQUIRE(c.sigma_error <= tolerance);
    REQUIRE(c.density_error <= tolerance);
  }
  SECTION("two packet bands with complex β: all 16 bands and bands {1, 2}") {
    // φ⁰ = a_1(x) Ψ_1 + a_2(x) Ψ_2 at p₀ = p_5, a_1 = α a(x), a_2 = β b(x) with two different
    // envelopes (centres 0.9 and 1.1, widths 0.2 and 0.15) and complex β: the row sum
    // Σ_m â_m A_mj and the column sum conj Σ_m a_m A_ml of σ⁰ both matter, and their cross terms
    // carry the phase of β. Only round-off and the edge labels remain, as above; the edge-label
    // term grows with the packet band (band 2 has more weight at |G| = 8·2π than band 1):
    // measured 6e-13 (all 16 bands), 9e-16 (bands 1–2), ρ̄ 4e-16. Tolerance 1e-11 for all bands.
    const Envelope<1> second{cell.lattice(), cells, epsilon, 0.15, Vec1(1.1)};
    const cplx alpha = 0.8, beta = std::polar(0.6, 1.1);
    const auto amplitudes = [&](const Vec1& x) {
      Eigen::VectorXcd a(2);
      a << alpha * envelope(x), beta * second(x);
      return a;
    };
    for (const auto& bands : {all_bands(16), std::vector<Eigen::Index>{1, 2}}) {
      const bool all = bands.size() == 16;
      const auto c = compare(cell, two_cosines(), epsilon, 5, {1, 2}, bands, amplitudes, all);
      if (verbose())
        fmt::print("two-band packet 1D, {} bands: σ⁰ rel error {:.2e}, ρ̄ rel error {:.2e}\n",
                   bands.size(), c.sigma_error, c.density_error);
      REQUIRE(c.sigma_error <= (all ? 1e-11 : tolerance));
      REQUIRE(c.density_error <= tolerance);
    }
  }
}

TEST_CASE("set_wave_packet: finite-ε σ⁰ is the exact Wigner–Bloch σ of the packet (2D)",
          "[coherence][wave_packet]") {
  // A rectangular cell 1 × √3 (the centred-rectangular cell of the triangular lattice) with a
  // non-separable, non-symmetric potential: oblique harmonics with phases. n = 4 keeps all 16
  // bands affordable; the identities are exact on the grid whatever n.
  const auto lattice = wavekin::Lattice<2>::rectangular(1.0, std::sqrt(3.0));
  wavekin::CosineSum<2> v;
  v.add(3.0, lattice_index(1, 0), 0.4).add(-2.0, lattice_index(1, 1), 1.3).add(1.5,
                                                                                 lattice_index(0, 1));
  const double epsilon = 1.0 / 8;
  const Eigen::Index cells = 8;
  const wavekin::Supercell<2> cell(lattice, cells, 4);
  const Envelope<2> envelope{lattice, cells, epsilon, 0.15, Vec2(0.5, 0.8)};
  // p₀ = p_r0 with r0 = (2, 1): a generic point. Band 0 is the packet's band. The envelope's
  // modes stay within |δ_a| ≤ 1, so no p̃ needs a relabelling and integer-label overlaps equal the
  // grid's aliased ones: only round-off remains (measured 9e-16); tolerance 1e-12.
  const auto c = compare(cell, v, epsilon, cell.zone_vertex({2, 1}), {0}, all_bands(16), envelope,
                         true);
  if (verbose())
    fmt::print("wave packet 2D, all bands: σ⁰ rel error {:.2e}, ρ̄ rel error {:.2e}\n",
               c.sigma_error, c.density_error);
  REQUIRE(c.sigma_error <= 1e-12);
  REQUIRE(c.density_error <= 1e-12);
}

TEST_CASE("set_wave_packet in lattice coordinates: the exact σ on a triangular supercell (2D)",
          "[coherence][wave_packet][lattice_coordinates]") {
  // The parallelogram torus of the triangular lattice, carried to a rectangular box by
  // LatticeCoordinates (x = Es): σ⁰ on the box must equal the exact Wigner–Bloch σ at the cell
  // origins, which fixes the displacements Eᵀd and the Jacobian |det E| of â. V: the honeycomb
  // cosine potential 5 Σ_j cos(b_j·z), b_1 + b_2 + b_3 = 0; p₀ near K = (e^1 − e^2)/3.
  const auto lattice = wavekin::Lattice<2>::triangular(1.0);
  wavekin::CosineSum<2> v;
  v.add(5.0, lattice_index(1, 0)).add(5.0, lattice_index(0, 1)).add(5.0, lattice_index(-1, -1));
  const double epsilon = 1.0 / 8;
  const Eigen::Index cells = 8;
  const wavekin::Supercell<2> cell(lattice, cells, 4);
  const Envelope<2> envelope{lattice, cells, epsilon, 0.3, Vec2(0.5, 0.4)};
  std::vector<Eigen::Index> all(16);
  for (std::size_t j = 0; j < all.size(); ++j) all[j] = static_cast<Eigen::Index>(j);
  // Envelope modes |δ_a| ≤ 1 as in the rectangular case: only round-off remains (measured
  // 1e-15); tolerance 1e-12.
  const auto c = compare(cell, v, epsilon, cell.zone_vertex({3, 5}), {0}, all, envelope, true, true);
  if (verbose())
    fmt::print("wave packet 2D triangular, all bands: σ⁰ rel error {:.2e}, ρ̄ rel error {:.2e}\n",
               c.sigma_error, c.density_error);
  REQUIRE(c.sigma_error <= 1e-12);
  REQUIRE(c.density_error <= 1e-12);
  const auto two = compare(cell, v, epsilon, cell.zone_vertex({3, 5}), {0}, {0, 1}, envelope,
                           false, true);
  REQUIRE(two.sigma_error <= 1e-12);
}

TEST_CASE("set_wave_packet and packet_overlaps reject bad input", "[coherence][wave_packet]") {
  const wavekin::Supercell<1> cell(wavekin::Lattice<1>::line(1.0), 4, 8);
  const wavekin::SupercellBloch<1> bloch(cell, two_cosines(), 3);
  const auto states = bloch.states();
  const wavekin::PeriodicGrid<1> grid({4}, Vec1(0.5));
  wavekin::CoherenceField<1> field(grid, cell.zone(), 2);
  const auto ok = wavekin::packet_overlaps(states[0], 0, states, {0, 1});
  const auto a = [](const Vec1&) { return cplx(1); };
  REQUIRE_NOTHROW(field.set_wave_packet(a, 0.125, ok));
  REQUIRE_THROWS_AS(field.set_wave_packet(a, 0.0, ok), wavekin::invalid_argument);
  REQUIRE_THROWS_AS(field.set_wave_packet(a, 0.125,
                                          wavekin::packet_overlaps(states[0], 0, states, {0})),
                    wavekin::invalid_argument);
  REQUIRE_THROWS_AS(field.set_wave_packet(a, 0.125,
                                          wavekin::packet_overlaps(states[0], {0, 1}, states,
                                                                   {0, 1})),
                    wavekin::invalid_argument);  // one amplitude for two packet bands
  REQUIRE_THROWS_AS(wavekin::packet_overlaps(states[0], 3, states, {0}), wavekin::invalid_argument);
  REQUIRE_THROWS_AS(wavekin::packet_overlaps(states[0], std::vector<Eigen::Index>{}, states, {0}),
                    wavekin::invalid_argument);
  REQUIRE_THROWS_AS(wavekin::packet_overlaps(states[0], 0, states, {5}), wavekin::invalid_argument);
}

}  // namespace wavekin_test_wave_packet_data
