// Tests for wavekin/core/lattice.hpp: dual basis, volumes, zone reduction,
// reciprocal-vector enumeration, factories and rejected bases.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "wavekin/core/lattice.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_lattice {

using Catch::Matchers::Contains;
using wavekin::Lattice;

namespace {

constexpr double two_pi = 2 * std::numbers::pi;

// A random basis with condition number bounded by construction: identity plus
// a perturbation of norm < 1/2 has singular values in (1/2, 3/2), so cond < 3.
template <int Dim, class Scalar>
Eigen::Matrix<Scalar, Dim, Dim> random_basis(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_real_distribution<double> scale(0.3, 3.0);
  Eigen::Matrix<double, Dim, Dim> perturbation;
  for (int i = 0; i < Dim; ++i)
    for (int j = 0; j < Dim; ++j) perturbation(i, j) = u(rng);
  perturbation *= 0.49 / std::max(1.0, perturbation.norm());
  Eigen::Matrix<double, Dim, Dim> b = Eigen::Matrix<double, Dim, Dim>::Identity() + perturbation;
  b *= scale(rng);
  return b.template cast<Scalar>();
}

template <class Scalar>
Scalar tolerance() {
  // The dual basis is 2π e^{−T}: one inversion of a matrix with cond < 3,
  // so errors are a small multiple of ε_machine times the entries' size.
  return 64 * std::numeric_limits<Scalar>::epsilon();
}

template <int Dim, class Scalar>
void check_dual_identity(std::mt19937_64& rng) {
  for (int trial = 0; trial < 20; ++trial) {
    const Lattice<Dim, Scalar> lattice(random_basis<Dim, Scalar>(rng));
    const auto product = (lattice.basis().transpose() * lattice.dual_basis()).eval();
    for (int j = 0; j < Dim; ++j)
      for (int l = 0; l < Dim; ++l)
        REQUIRE(std::abs(product(j, l) - (j == l ? Scalar(two_pi) : Scalar(0))) <=
                tolerance<Scalar>() * Scalar(two_pi) * 4);
    // |B| |C| = (2π)^Dim and |C| = |det e|.
    REQUIRE(lattice.zone_volume() * lattice.cell_volume() ==
            Approx(std::pow(two_pi, Dim)).epsilon(tolerance<Scalar>() * 4));
  }
}

template <int Dim, class Scalar>
void check_zone_round_trip(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-20.0, 20.0);
  for (int trial = 0; trial < 200; ++trial) {
    const Lattice<Dim, Scalar> lattice(random_basis<Dim, Scalar>(rng));
    typename Lattice<Dim, Scalar>::Vector k;
    for (int i = 0; i < Dim; ++i) k[i] = Scalar(u(rng));
    for (const bool centred : {false, true}) {
      const auto r = centred ? lattice.reduce_centred(k) : lattice.reduce(k);
      // p + μ reproduces k (up to the rounding of one subtraction).
      REQUIRE((r.p + r.mu - k).norm() <= tolerance<Scalar>() * (k.norm() + 1));
      // μ is the dual vector with the returned integer coordinates.
      REQUIRE((lattice.reciprocal(r.index) - r.mu).norm() <= tolerance<Scalar>() * (k.norm() + 1));
      // p lies in the zone: θ ∈ [0,1) or [−½,½) up to rounding of θ itself.
      const auto theta = lattice.dual_coordinates(r.p);
      const Scalar lo = centred ? Scalar(-0.5) : Scalar(0);
      for (int l = 0; l < Dim; ++l) {
        REQUIRE(theta[l] >= lo - tolerance<Scalar>() * 64);
        REQUIRE(theta[l] < lo + 1 + tolerance<Scalar>() * 64);
      }
      // Reducing p again is the identity (μ = 0) unless p sits on the zone's
      // boundary within rounding, where the result may jump by one dual vector.
      const auto again = centred ? lattice.reduce_centred(r.p) : lattice.reduce(r.p);
      REQUIRE(again.index.cwiseAbs().maxCoeff() <= 1);
    }
  }
}

template <int Dim>
void check_enumeration_against_brute_force(std::mt19937_64& rng) {
  for (int trial = 0; trial < 5; ++trial) {
    const Lattice<Dim> lattice(random_basis<Dim, double>(rng));
    // 6.3 (not an integer) keeps the cutoff off the 1D shells |n| = 6, 7;
    // cutoffs exactly on a shell are tested in "factories ..." below.
    const double g_max = 6.3 * two_pi / lattice.basis().colwise().norm().maxCoeff();
    const auto vectors = lattice.reciprocal_vectors(g_max);
    // Brute force over a box far larger than the bound the enumeration uses.
    std::size_t count = 0;
    const int half = 20;
    Eigen::Matrix<std::int64_t, Dim, 1> n = Eigen::Matrix<std::int64_t, Dim, 1>::Constant(-half);
    while (true) {
      if (lattice.reciprocal(n).norm() <= g_max) ++count;
      int axis = Dim - 1;
      while (axis >= 0 && n[axis] == half) n[axis--] = -half;
      if (axis < 0) break;
      ++n[axis];
    }
    REQUIRE(vectors.size() == count);
    REQUIRE(vectors.front().norm == 0.0);
    for (std::size_t i = 1; i < vectors.size(); ++i) {
      REQUIRE(vectors[i - 1].norm <= vectors[i].norm);
      REQUIRE((lattice.reciprocal(vectors[i].index) - vectors[i].vector).norm() < 1e-12);
    }
  }
}

}  // namespace

TEMPLATE_TEST_CASE("dual basis satisfies e_j . e^l = 2 pi delta_jl for random bases", "", float,
                   double) {
  std::mt19937_64 rng(2024);
  check_dual_identity<1, TestType>(rng);
  check_dual_identity<2, TestType>(rng);
  check_dual_identity<3, TestType>(rng);
}

TEMPLATE_TEST_CASE("zone reduction k = p + mu round-trips for random k", "", float, double) {
  std::mt19937_64 rng(7);
  check_zone_round_trip<1, TestType>(rng);
  check_zone_round_trip<2, TestType>(rng);
  check_zone_round_trip<3, TestType>(rng);
}

TEST_CASE("reciprocal vectors within a cutoff match a brute-force count") {
  std::mt19937_64 rng(99);
  check_enumeration_against_brute_force<1>(rng);
  check_enumeration_against_brute_force<2>(rng);
  check_enumeration_against_brute_force<3>(rng);
}

TEST_CASE("factories give the textbook lattices") {
  const auto line = Lattice<1>::line(2.0);
  CHECK(line.dual_vector(0)[0] == Approx(std::numbers::pi));
  CHECK(line.zone_volume() == Approx(std::numbers::pi));

  const auto rect = Lattice<2>::rectangular(1.0, 2.0);
  CHECK(rect.cell_volume() == Approx(2.0));
  CHECK(rect.dual_vector(1)[1] == Approx(std::numbers::pi));

  const auto cubic = Lattice<3>::cubic(0.5);
  CHECK(cubic.zone_volume() == Approx(std::pow(4 * std::numbers::pi, 3)));

  // Triangular lattice: |C| = √3/2 a², the dual vectors have length 4π/(√3 a)
  // and meet at 120°; the shortest nonzero dual vectors form a hexagon of 6.
  const auto tri = Lattice<2>::triangular(1.0);
  CHECK(tri.cell_volume() == Approx(std::sqrt(3.0) / 2));
  const double b = 4 * std::numbers::pi / std::sqrt(3.0);
  CHECK(tri.dual_vector(0).norm() == Approx(b));
  CHECK(tri.dual_vector(1).norm() == Approx(b));
  CHECK(tri.dual_vector(0).dot(tri.dual_vector(1)) == Approx(-0.5 * b * b));
  const auto shell = tri.reciprocal_vectors(b * 1.01);
  CHECK(shell.size() == 7);
  // K = (e^1 − e^2)/3 is equidistant from Γ, e^1 and −e^2 ... the three
  // nearest dual points: the corner of the hexagonal zone.
  const Eigen::Vector2d K = (tri.dual_vector(0) - tri.dual_vector(1)) / 3;
  CHECK(K.norm() == Approx((K - tri.dual_vector(0)).norm()));
  CHECK(K.norm() == Approx((K + tri.dual_vector(1)).norm()));
  CHECK(K.norm() == Approx(4 * std::numbers::pi / 3));

  // A cutoff exactly on a shell keeps the whole shell.
  CHECK(Lattice<2>::square(1.0).reciprocal_vectors(2 * std::numbers::pi).size() == 5);
}

TEST_CASE("degenerate, ill-conditioned and non-finite bases are rejected") {
  Eigen::Matrix2d collinear;
  collinear << 1, 2, 1, 2;
  CHECK_THROWS_AS(Lattice<2>(collinear), wavekin::invalid_argument);
  CHECK_THROWS_WITH(Lattice<2>(collinear), Contains("degenerate"));

  Eigen::Matrix2d nearly;
  nearly << 1, 1, 0, 1e-9;
  CHECK_THROWS_WITH(Lattice<2>(nearly), Contains("ill-conditioned"));
  // The same shape is fine in double at 1e-6 but not in float (cap 2.9e3).
  Eigen::Matrix2f nearly_f;
  nearly_f << 1, 1, 0, 1e-4f;
  CHECK_THROWS_WITH((Lattice<2, float>(nearly_f)), Contains("ill-conditioned"));
  nearly << 1, 1, 0, 1e-6;
  CHECK_NOTHROW(Lattice<2>(nearly));

  CHECK_THROWS_WITH(Lattice<1>::line(0.0), Contains("degenerate"));
  Eigen::Matrix3d with_nan = Eigen::Matrix3d::Identity();
  with_nan(1, 2) = std::nan("");
  CHECK_THROWS_WITH(Lattice<3>(with_nan), Contains("non-finite") && Contains("e_3"));

  const auto square = Lattice<2>::square();
  CHECK_THROWS_WITH(square.reciprocal_vectors(-1.0), Contains("g_max"));
  CHECK_THROWS_WITH(square.reciprocal_vectors(std::nan("")), Contains("g_max"));
  CHECK_THROWS_WITH(square.reduce(Eigen::Vector2d(0.0, INFINITY)), Contains("not finite"));
  CHECK_THROWS_WITH(square.reciprocal_vectors(1e9), Contains("reduce it"));
}

TEST_CASE("lattices too small or too large for the scalar type are rejected, and G = 0 is always there") {
  // Regression: 1e-300·I in 3D was accepted with |C| = 0, a NaN dual basis and no reciprocal
  // vectors at all (G = 0 missing); 1e300·I gave |C| = inf.
  for (const double scale : {1e-300, 1e300, 1e-110, 1e110}) {
    CAPTURE(scale);
    const Eigen::Matrix3d basis = scale * Eigen::Matrix3d::Identity();
    CHECK_THROWS_AS(Lattice<3>(basis), wavekin::invalid_argument);
    CHECK_THROWS_WITH(Lattice<3>(basis), Contains("cell volume") && Contains("normal"));
  }
  // float's range ends at 3.4e38 (|C| = 1e45 for 1e15·I in 3D).
  CHECK_THROWS_WITH((Lattice<3, float>(Eigen::Matrix3f(1e15f * Eigen::Matrix3f::Identity()))),
                    Contains("cell volume"));
  // Wide but representable scales are kept, and G = 0 is the first reciprocal vector for any
  // radius >= 0 (0 included).
  for (const double scale : {1e-90, 1e-3, 1.0, 1e3, 1e90}) {
    CAPTURE(scale);
    const Lattice<3> lattice(Eigen::Matrix3d(scale * Eigen::Matrix3d::Identity()));
    CHECK(std::isnormal(lattice.cell_volume()));
    CHECK(std::isnormal(lattice.zone_volume()));
    for (const double radius : {0.0, 1e-300, 1.0 / scale, 2 * two_pi / scale}) {
      const auto g = lattice.reciprocal_vectors(radius);
      REQUIRE_FALSE(g.empty());
      CHECK(g.front().index == Eigen::Matrix<std::int64_t, 3, 1>::Zero());
    }
  }
  const auto line = Lattice<1>::line(1e-300);  // |C| = 1e-300 and |B| = 6e300 are normal in 1D
  CHECK(line.reciprocal_vectors(0.0).size() == 1);
}

TEST_CASE("a huge reciprocal-vector cutoff is an error, never a wrapped enumeration box") {
  // A box bound beyond the range of int64 used to be converted anyway (undefined behaviour).
  const auto square = Lattice<2>::square();
  for (const double g_max : {1e9, 1e20, 1e300, std::numeric_limits<double>::max()}) {
    CAPTURE(g_max);
    CHECK_THROWS_AS(square.reciprocal_vectors(g_max), wavekin::invalid_argument);
    CHECK_THROWS_WITH(square.reciprocal_vectors(g_max), Contains("reduce it"));
  }
  CHECK_THROWS_WITH(square.reciprocal_vectors(1.0, Eigen::Vector2d(1e300, 0)), Contains("reduce it"));
}

}  // namespace wavekin_test_lattice
