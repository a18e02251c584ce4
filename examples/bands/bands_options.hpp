// examples/bands/bands_options.hpp — the bands driver's settings and every check of them before
// any work (Driver::validate): the potential's fit to the lattice, unused parameters, the k-path,
// the crossing, the basis size and the memory of the Hamiltonians and the band table.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "driver.hpp"
#include "wavekin/bloch/bloch.hpp"
#include "wavekin/core/core.hpp"

namespace wavekin::examples::bands {

struct Settings {
  std::string lattice = "triangular";
  std::string potential;  // empty: the lattice's default
  double a = 1.0;
  std::optional<double> v0, v1, width, sigma, ecut;
  Eigen::Index bands = 8;
  std::string path;  // empty: the lattice's default path
  Eigen::Index grid = 0;
  Eigen::Index points = 60;  // steps per path segment (--quick: 20)
  std::optional<bool> crossing;
  std::string crossing_at;
  Eigen::Index crossing_band = 0;  // 1-based lower band; 0: the default
};

// Plane-wave cutoff: ½|G|² ≤ E_cut keeps |G| ≤ √(2E_cut); defaults scaled by 1/a².
inline double cutoff(const Settings& s) {
  const double fallback = s.potential == "honeycomb" ? 400
                          : s.lattice == "line"         ? 2000
                          : s.lattice == "cubic"        ? 150
                                                        : 200;
  return s.ecut.value_or(fallback / (s.a * s.a));
}

// The checks that need the lattice: the path, the crossing's start point and pair, the basis
// size, and the memory of the Hamiltonians (dense, one per thread) and of the band table.
template <int Dim>
void validate_on(const Lattice<Dim>& lattice, const Settings& s, int threads) {
  std::size_t k_points = 0;
  if (s.grid == 0) {
    const std::string path = s.path.empty() ? default_k_path(lattice) : s.path;
    try {
      k_points = std::size_t(s.points) * (KPath<Dim>(lattice, path).points().size() - 1) + 1;
    } catch (const wavekin::error& e) {
      throw invalid_argument(fmt::format("--path {}: {}", path, e.what()));
    }
  } else {
    k_points = static_cast<std::size_t>(std::pow(double(s.grid), Dim));
  }
  if (!s.crossing_at.empty()) {
    try {
      static_cast<void>(high_symmetry_point(lattice, s.crossing_at));
    } catch (const wavekin::error& e) {
      throw invalid_argument(fmt::format("--crossing-at {}: {}", s.crossing_at, e.what()));
    }
  }
  if (*s.crossing) {
    const Eigen::Index lower =
        s.crossing_band > 0 ? s.crossing_band : (s.lattice == "square" || s.lattice == "cubic") ? 2 : 1;
    require(lower + 1 <= s.bands, "--crossing-band {} needs --bands >= {} (got {})", lower,
            lower + 1, s.bands);
  }
  const double ecut = cutoff(s);
  require(std::isfinite(ecut) && ecut > 0, "--ecut {} must be finite and > 0", ecut);
  const double waves = PlaneWaveBasis<Dim>::size_estimate(lattice, ecut);
  // A dense Hamiltonian and its eigenvectors per thread.
  examples::require_memory(2 * PlaneWaveBasis<Dim>::matrix_bytes(waves) * threads,
                           fmt::format("--ecut {} (about {:.3g} plane waves per k point: a dense "
                                       "Hamiltonian and its eigenvectors per thread, --threads {})",
                                       ecut, waves, threads));
  examples::require_memory(16 * double(k_points) * waves * double(s.bands),
                           fmt::format("{} {} and --bands {} ({} k points of {:.3g} plane waves "
                                       "each: the band table)",
                                       s.grid > 0 ? "--grid" : "--points",
                                       s.grid > 0 ? s.grid : s.points, s.bands, k_points, waves));
  const auto at_gamma = PlaneWaveBasis<Dim>(lattice, Eigen::Matrix<double, Dim, 1>::Zero(), ecut).size();
  require(Eigen::Index(at_gamma) >= s.bands, "--bands {} exceeds the {} plane waves of --ecut {} at Gamma",
          s.bands, at_gamma, ecut);
}

// Every check of the options, before any work (Driver::validate): the potential's default and its
// fit to the lattice, parameters it does not use, then the lattice's checks (validate_on).
inline void validate(Settings& s, int threads) {
  if (s.potential.empty())
    s.potential = s.lattice == "triangular" ? "honeycomb"
                  : s.lattice == "line"     ? "mathieu"
                                            : "cosine";
  if (!s.crossing) s.crossing = s.potential == "honeycomb";
  const std::map<std::string, std::vector<std::string>> allowed{
      {"line", {"empty", "mathieu", "cosine", "kronig-penney"}},
      {"square", {"empty", "cosine"}},
      {"triangular", {"empty", "cosine", "honeycomb"}},
      {"cubic", {"empty", "cosine"}}};
  const auto& ok = allowed.at(s.lattice);
  if (std::find(ok.begin(), ok.end(), s.potential) == ok.end())
    throw invalid_argument(fmt::format(
        "--potential {} does not fit --lattice {} (allowed there: {}; mathieu and "
        "kronig-penney are 1D, honeycomb needs the triangular lattice)",
        s.potential, s.lattice, fmt::join(ok, ", ")));
  // A parameter the chosen potential does not use is an error, not ignored.
  auto unused = [&](bool given, const char* option, const char* needs) {
    if (given)
      throw invalid_argument(fmt::format("{} applies only to {}, not to --potential {}", option,
                                         needs, s.potential));
  };
  if (s.potential != "kronig-penney") unused(s.width.has_value(), "--width", "kronig-penney");
  if (s.potential != "honeycomb") unused(s.sigma.has_value(), "--sigma", "honeycomb");
  if (s.potential != "cosine") unused(s.v1.has_value(), "--V1", "cosine");
  if (s.potential == "empty") unused(s.v0.has_value(), "--V0", "a non-empty potential");
  if (s.width) require(*s.width < s.a, "--width {} must be in (0, --a = {})", *s.width, s.a);
  if (s.lattice == "line") validate_on(Lattice<1>::line(s.a), s, threads);
  if (s.lattice == "square") validate_on(Lattice<2>::square(s.a), s, threads);
  if (s.lattice == "triangular") validate_on(Lattice<2>::triangular(s.a), s, threads);
  if (s.lattice == "cubic") validate_on(Lattice<3>::cubic(s.a), s, threads);
}

}  // namespace wavekin::examples::bands
