// Tests for wavekin/bloch/potential.hpp: the PeriodicPotential concept and lattice_index.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <complex>

#include "wavekin/bloch/potential.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_potential {

namespace {

struct Good {
  std::complex<double> fourier_coefficient(const wavekin::Lattice<2, double>&,
                                           const wavekin::LatticeIndex<2>&) const {
    return 0;
  }
};
struct RealValued {  // a real return converts to std::complex: still a model
  double fourier_coefficient(const wavekin::Lattice<1, double>&,
                             const wavekin::LatticeIndex<1>&) const {
    return 1;
  }
};
struct NoMethod {};
struct WrongSignature {
  std::complex<double> fourier_coefficient(int) const { return 0; }
};

}  // namespace

TEST_CASE("PeriodicPotential accepts models and rejects the rest", "[bloch][potential]") {
  STATIC_REQUIRE(wavekin::PeriodicPotential<Good, 2, double>);
  STATIC_REQUIRE_FALSE(wavekin::PeriodicPotential<Good, 1, double>);  // wrong dimension
  STATIC_REQUIRE(wavekin::PeriodicPotential<RealValued, 1, double>);
  STATIC_REQUIRE_FALSE(wavekin::PeriodicPotential<NoMethod, 1, double>);
  STATIC_REQUIRE_FALSE(wavekin::PeriodicPotential<WrongSignature, 1, double>);
}

TEST_CASE("lattice_index builds integer labels", "[bloch][potential]") {
  const auto n = wavekin::lattice_index(3, -1, 0);
  STATIC_REQUIRE(decltype(n)::RowsAtCompileTime == 3);
  REQUIRE(n[0] == 3);
  REQUIRE(n[1] == -1);
  REQUIRE(n[2] == 0);
}

}  // namespace wavekin_test_potential
