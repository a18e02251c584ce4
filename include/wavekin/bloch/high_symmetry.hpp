// wavekin/bloch/high_symmetry.hpp — the labelled high-symmetry points of the line, square,
// triangular and cubic lattices (Γ, X, M, K, R), and validated paths through them,
// KPath("G-M-K-G"). SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Core>

#include "wavekin/bloch/crossing.hpp"  // re-exported: dirac_points (K and K' = −K)
#include "wavekin/core/error.hpp"
#include "wavekin/core/lattice.hpp"

namespace wavekin {

/// \brief A labelled point of the zone: lattice coordinates θ (k = Σ_l θ_l e^l) and k itself.
template <int Dim, class Scalar = double>
struct HighSymmetryPoint {
  std::string label;  ///< "G" (Γ), "X", "M", "K", "R"
  Eigen::Matrix<Scalar, Dim, 1> theta;
  Eigen::Matrix<Scalar, Dim, 1> k;
};

namespace detail {

// Which table applies: the lattice's shape read from its basis (equal lengths and right angles:
// square or cubic; equal lengths at 60° or 120°: triangular), to 1e-12 relative.
template <int Dim, class Scalar>
std::string lattice_shape(const Lattice<Dim, Scalar>& lattice) {
  if constexpr (Dim == 1) {
    return "line";
  } else {
    const auto& e = lattice.basis();
    const Scalar a = e.col(0).norm();
    const auto close = [&](Scalar x, Scalar y) { return std::abs(x - y) <= Scalar(1e-12) * a * a; };
    bool equal = true, orthogonal = true;
    for (int i = 0; i < Dim; ++i) {
      equal = equal && close(e.col(i).squaredNorm(), a * a);
      for (int j = i + 1; j < Dim; ++j) orthogonal = orthogonal && close(e.col(i).dot(e.col(j)), 0);
    }
    if (equal && orthogonal) return Dim == 2 ? "square" : "cubic";
    if (Dim == 2 && equal && close(std::abs(e.col(0).dot(e.col(1))), a * a / 2))
      return "triangular";
    return "other";
  }
}

}  // namespace detail

/// \brief The high-symmetry points of `lattice`, Γ first: line Γ, X; square Γ, X, M; triangular
/// Γ, M, K; cubic Γ, X, M, R. In lattice coordinates of the dual basis (docs/conventions.md §5):
/// X = ½e^1, M = ½(e^1 + e^2) (square, cubic) or ½e^1 (triangular), R = ½(e^1 + e^2 + e^3),
/// K = (e^1 − e^2)/3 (the Dirac point of dirac_points, P1 (5.3)).
/// \pre a line, square, triangular or cubic lattice (any constant); otherwise invalid_argument.
template <int Dim, class Scalar>
std::vector<HighSymmetryPoint<Dim, Scalar>> high_symmetry_points(
    const Lattice<Dim, Scalar>& lattice) {
  using V = Eigen::Matrix<Scalar, Dim, 1>;
  const std::string shape = detail::lattice_shape(lattice);
  require(shape != "other",
          "high_symmetry_points: no table for this {}-D lattice (line, square, triangular or "
          "cubic bases only)",
          Dim);
  std::vector<HighSymmetryPoint<Dim, Scalar>> out;
  const auto add = [&](const char* label, const V& theta) {
    out.push_back({label, theta, V(lattice.dual_basis() * theta)});
  };
  add("G", V::Zero());
  if constexpr (Dim == 1) {
    add("X", V(Scalar(0.5)));
  } else if constexpr (Dim == 2) {
    if (shape == "square") {
      add("X", V(Scalar(0.5), 0));
      add("M", V(Scalar(0.5), Scalar(0.5)));
    } else {
      add("M", V(Scalar(0.5), 0));
      add("K", V(Scalar(1) / 3, -Scalar(1) / 3));  // dirac_points(lattice)[0], to rounding
    }
  } else {
    add("X", V(Scalar(0.5), 0, 0));
    add("M", V(Scalar(0.5), Scalar(0.5), 0));
    add("R", V(Scalar(0.5), Scalar(0.5), Scalar(0.5)));
  }
  return out;
}

/// \brief The high-symmetry point `label` of `lattice`.
/// \pre `label` is one of high_symmetry_points(lattice)'s; otherwise invalid_argument naming
/// it and the known labels.
template <int Dim, class Scalar>
HighSymmetryPoint<Dim, Scalar> high_symmetry_point(const Lattice<Dim, Scalar>& lattice,
                                                   const std::string& label) {
  const auto points = high_symmetry_points(lattice);
  std::string known;
  for (const auto& p : points) {
    if (p.label == label) return p;
    known += (known.empty() ? "" : ", ") + p.label;
  }
  throw invalid_argument(
      fmt::format("no high-symmetry point '{}' on the {} lattice (known: {}; G is Gamma)", label,
                  detail::lattice_shape(lattice), known));
}

/// \brief The customary band-structure path of `lattice`: line G-X, square G-X-M-G, triangular
/// G-M-K-G, cubic G-X-M-G-R.
template <int Dim, class Scalar>
std::string default_k_path(const Lattice<Dim, Scalar>& lattice) {
  const std::string shape = detail::lattice_shape(lattice);
  if (shape == "line") return "G-X";
  if (shape == "square") return "G-X-M-G";
  if (shape == "triangular") return "G-M-K-G";
  if (shape == "cubic") return "G-X-M-G-R";
  throw invalid_argument(fmt::format("default_k_path: no default path on this {}-D lattice", Dim));
}

/// \brief A path of straight segments through labelled high-symmetry points, written as the
/// labels joined by '-', e.g. KPath(lattice, "G-M-K-G") (BandTable::path takes its vertices()).
///
/// Validated on construction (invalid_argument): at least two labels, every label a point of
/// the lattice (the message names an unknown label and the known ones), no empty label and no
/// segment of zero length (the message names its two ends).
template <int Dim, class Scalar = double>
class KPath {
 public:
  using Vector = Eigen::Matrix<Scalar, Dim, 1>;

  KPath(const Lattice<Dim, Scalar>& lattice, const std::string& spec) : m_spec(spec) {
    std::string label;
    for (std::size_t i = 0; i <= spec.size(); ++i) {
      if (i < spec.size() && spec[i] != '-') {
        label += spec[i];
        continue;
      }
      require(!label.empty(), "k-path '{}': empty label at character {}", spec, i);
      m_points.push_back(high_symmetry_point(lattice, label));
      label.clear();
    }
    require(m_points.size() >= 2, "k-path '{}' needs at least two points, e.g. G-X", spec);
    for (std::size_t v = 1; v < m_points.size(); ++v)
      require((m_points[v].k - m_points[v - 1].k).norm() > 0,
              "k-path '{}': the segment {}-{} has zero length", spec, m_points[v - 1].label,
              m_points[v].label);
  }

  [[nodiscard]] const std::string& spec() const noexcept { return m_spec; }
  [[nodiscard]] const std::vector<HighSymmetryPoint<Dim, Scalar>>& points() const noexcept {
    return m_points;
  }
  [[nodiscard]] std::vector<std::string> labels() const {
    std::vector<std::string> out;
    for (const auto& p : m_points) out.push_back(p.label);
    return out;
  }
  /// \brief The vertices k of the path, in order.
  [[nodiscard]] std::vector<Vector> vertices() const {
    std::vector<Vector> out;
    for (const auto& p : m_points) out.push_back(p.k);
    return out;
  }

  /// \brief Where `point` lies on the path: the first segment v (from vertex v to v + 1) that
  /// passes within `tolerance` of it, and the fraction t ∈ [0, 1] along that segment of its
  /// orthogonal projection; nullopt if no segment does.
  [[nodiscard]] std::optional<std::pair<std::size_t, Scalar>> locate(const Vector& point,
                                                                     Scalar tolerance) const {
    for (std::size_t v = 1; v < m_points.size(); ++v) {
      const Vector& a = m_points[v - 1].k;
      const Vector segment = m_points[v].k - a;
      const Scalar t =
          std::clamp((point - a).dot(segment) / segment.squaredNorm(), Scalar(0), Scalar(1));
      if ((a + t * segment - point).norm() <= tolerance) return std::pair{v - 1, t};
    }
    return std::nullopt;
  }

 private:
  std::string m_spec;
  std::vector<HighSymmetryPoint<Dim, Scalar>> m_points;
};

}  // namespace wavekin
