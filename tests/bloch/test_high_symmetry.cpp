// Tests for wavekin/bloch/high_symmetry.hpp and wavekin/bloch/solve_states.hpp: the points of
// each lattice checked by their defining scalar products, K against dirac_points, KPath
// validation (unknown labels, zero-length segments), and solve_states against solve.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/high_symmetry.hpp"
#include "wavekin/bloch/solve_states.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_high_symmetry {

using Catch::Matchers::Contains;
using wavekin::KPath;
using wavekin::Lattice;
constexpr double pi = std::numbers::pi;

TEST_CASE("high-symmetry points: k·e_j = 2π θ_j on every lattice, in the customary order",
          "[bloch][high_symmetry]") {
  // k = Σ θ_l e^l and e^l·e_j = 2π δ: the scalar products recover θ to a few ε (|k| ≤ 2π/a·√3).
  const auto check = [](const auto& lattice, const std::vector<std::string>& labels) {
    const auto points = wavekin::high_symmetry_points(lattice);
    REQUIRE(points.size() == labels.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
      CHECK(points[i].label == labels[i]);
      for (int j = 0; j < points[i].theta.size(); ++j)
        CHECK(std::abs(points[i].k.dot(lattice.basis_vector(j)) - 2 * pi * points[i].theta[j]) <=
              1e-13);
    }
    return points;
  };
  check(Lattice<1>::line(0.7), {"G", "X"});
  const auto square = check(Lattice<2>::square(1.3), {"G", "X", "M"});
  CHECK(square[2].theta == Eigen::Vector2d(0.5, 0.5));
  const auto tri = check(Lattice<2>::triangular(1.0), {"G", "M", "K"});
  check(Lattice<3>::cubic(2.0), {"G", "X", "M", "R"});
  // K is the Dirac point of crossing.hpp (one definition of K, to rounding).
  CHECK((tri[2].k - wavekin::dirac_points(Lattice<2>::triangular(1.0))[0]).norm() <= 1e-14);
  // A lattice with no table is an error, not a wrong table.
  CHECK_THROWS_AS(wavekin::high_symmetry_points(Lattice<2>::rectangular(1.0, 2.0)),
                  wavekin::invalid_argument);
}

TEST_CASE("KPath: vertices in order, unknown labels and zero-length paths are errors naming them",
          "[bloch][high_symmetry]") {
  const auto lattice = Lattice<2>::triangular(1.0);
  const KPath<2> path(lattice, "G-M-K-G");
  REQUIRE(path.vertices().size() == 4);
  CHECK(path.labels() == std::vector<std::string>{"G", "M", "K", "G"});
  CHECK(path.vertices()[2] == wavekin::high_symmetry_point(lattice, "K").k);
  CHECK(wavekin::default_k_path(lattice) == "G-M-K-G");
  CHECK(wavekin::default_k_path(Lattice<3>::cubic(1.0)) == "G-X-M-G-R");
  CHECK_THROWS_WITH(KPath<2>(lattice, "G-X-K"), Contains("'X'") && Contains("known: G, M, K"));
  CHECK_THROWS_WITH(KPath<2>(lattice, "G-K-K-M"), Contains("K-K") && Contains("zero length"));
  CHECK_THROWS_WITH(KPath<2>(lattice, "G"), Contains("at least two"));
  CHECK_THROWS_WITH(KPath<2>(lattice, "G--M"), Contains("empty label"));
}

TEST_CASE("solve_states equals one solve per momentum, in order", "[bloch][high_symmetry]") {
  const auto lattice = Lattice<2>::square(1.0);
  wavekin::CosineSum<2> v;
  v.add(0.5, wavekin::lattice_index(1, 0)).add(0.5, wavekin::lattice_index(0, 1));
  const wavekin::BlochSolver solver(lattice, v, {.energy_cutoff = 60});
  std::vector<Eigen::Vector2d> ks;
  for (const auto& p : wavekin::high_symmetry_points(lattice)) ks.push_back(p.k);
  ks.emplace_back(0.3, -1.1);
  int calls = 0;
  const auto states = wavekin::solve_states(solver, ks, 4, [&] {
#if defined(WAVEKIN_HAS_OPENMP)
#pragma omp atomic
#endif
    ++calls;
  });
  REQUIRE(states.size() == ks.size());
  CHECK(calls == static_cast<int>(ks.size()));
  // The same deterministic dense solve: equal energies bit for bit.
  for (std::size_t i = 0; i < ks.size(); ++i)
    CHECK(states[i].energies == solver.solve(ks[i], 4).energies);
}

}  // namespace wavekin_test_high_symmetry
