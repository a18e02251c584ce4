// wavekin/schrodinger/coefficients.hpp — mass and potential policies of the
// varying-mass Schrödinger equation: a callable of (t, x), a constant, a grid field, or a
// product f(t)·g(x).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"

namespace wavekin {

/// \brief What a propagator needs from a mass m(t, x) or potential V(t, x) of
/// the VMSE iε u_t = −(ε²/2)∇·(m∇u) + V u (P2 (1.1)).
///
/// A coefficient field `C` must provide
/// - `c.sample(grid, t, out)`: write the values at time t on every point of
///   `grid` (row-major, grid.size() entries) into `out`;
/// - `C::is_constant`: a `static constexpr bool`, true when the value is the
///   same at every point and time (the propagator then skips sampling and,
///   when both mass and potential are constant, takes the exact diagonal
///   Fourier path without any run-time detection).
///
/// Positivity of a mass is not the policy's business: propagators check every
/// sample (see check_positive_mass), so a policy can be any source of values.
template <class C, int Dim, class Scalar>
concept CoefficientField = RealScalar<Scalar> && PositiveDimension<Dim> &&
    requires(const C& c, const PeriodicGrid<Dim, Scalar>& grid, Scalar t, std::span<Scalar> out) {
  c.sample(grid, t, out);
  { C::is_constant } -> std::convertible_to<bool>;
};

namespace detail {

// Calls fn(flat, x) for every grid point in row-major order without the
// range checks of PeriodicGrid::point (this runs once per step).
template <int Dim, class Scalar, class Fn>
void for_each_grid_point(const PeriodicGrid<Dim, Scalar>& grid, Fn&& fn) {
  std::array<std::ptrdiff_t, Dim> index{};
  Eigen::Matrix<Scalar, Dim, 1> x = grid.origin();
  const auto& counts = grid.counts();
  for (std::ptrdiff_t flat = 0; flat < grid.size(); ++flat) {
    for (int a = 0; a < Dim; ++a) x[a] = grid.coordinate(a, index[static_cast<std::size_t>(a)]);
    fn(flat, std::as_const(x));
    for (int a = Dim - 1; a >= 0; --a) {
      const auto s = static_cast<std::size_t>(a);
      if (++index[s] < counts[s]) break;
      index[s] = 0;
    }
  }
}

template <int Dim, class Scalar>
std::string format_point(const Eigen::Matrix<Scalar, Dim, 1>& x) {
  std::string text = "(";
  for (int a = 0; a < Dim; ++a) text += (a == 0 ? "" : ", ") + fmt::format("{}", x[a]);
  return text + ")";
}

template <int Dim, class Scalar>
void check_sample_size(const PeriodicGrid<Dim, Scalar>& grid, std::size_t actual, const char* who) {
  require(actual == static_cast<std::size_t>(grid.size()),
          "{}: the output has {} entries, expected {} (grid size)", who, actual, grid.size());
}

}  // namespace detail

/// \brief A coefficient that is the same number everywhere and always.
///
/// `is_constant` is true, so a CrankNicolsonSpectral whose mass and potential
/// are both ConstantCoefficient takes the exact diagonal Fourier solve with no
/// run-time test.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
class ConstantCoefficient {
 public:
  using scalar_type = Scalar;
  static constexpr bool is_constant = true;

  /// \brief The value 0, the usual potential (not explicit, so that a
  /// defaulted `Potential potential = {}` parameter works).
  ConstantCoefficient() = default;
  /// \pre value finite (else invalid_argument naming it). A mass must also
  ///      be > 0, which the propagators check.
  explicit ConstantCoefficient(Scalar value) : m_value(value) {
    require(std::isfinite(value), "ConstantCoefficient: the value must be finite, got {}", value);
  }

  [[nodiscard]] Scalar value() const noexcept { return m_value; }

  /// \brief Fills `out` with the value. \pre out.size() == grid.size().
  template <int Dim>
  void sample(const PeriodicGrid<Dim, Scalar>& grid, Scalar /*t*/, std::span<Scalar> out) const {
    detail::check_sample_size(grid, out.size(), "ConstantCoefficient::sample");
    std::fill(out.begin(), out.end(), m_value);
  }

 private:
  Scalar m_value = 0;
};

namespace detail {

// A callable of (leading…, x): x as `const Eigen::Matrix<Scalar, Dim, 1>&`, or in one dimension a
// plain Scalar. FunctionCoefficient's f(t, x) (leading: t) and SeparableCoefficient's g(x).
// (clang-format 14 breaks a disjunction of requirements with references apart.)
// clang-format off
template <class G, int Dim, class Scalar, class... Leading>
concept PointCallable =
    std::invocable<const G&, Leading..., const Eigen::Matrix<Scalar, Dim, 1>&> ||
    (Dim == 1 && std::invocable<const G&, Leading..., Scalar>);
// clang-format on

// g(leading…, x), as a Scalar, in whichever form g takes x.
template <class Scalar, int Dim, class G, class... Leading>
Scalar call_at_point(const G& g, const Eigen::Matrix<Scalar, Dim, 1>& x, Leading... leading) {
  if constexpr (std::invocable<const G&, Leading..., const Eigen::Matrix<Scalar, Dim, 1>&>)
    return static_cast<Scalar>(g(leading..., x));
  else
    return static_cast<Scalar>(g(leading..., x[0]));
}

}  // namespace detail

/// \brief A coefficient given by a callable f(t, x).
///
/// `x` is passed as `const Eigen::Matrix<Scalar, Dim, 1>&`; in one dimension a
/// callable f(t, x) taking a plain Scalar x is accepted too. It is evaluated
/// once per grid point per sample (the CN propagator samples once per step,
/// at t_{n+½}), so it should be cheap and must be thread-compatible with the
/// caller. Returns anything convertible to Scalar.
/// \tparam F      the callable
/// \tparam Scalar float or double
template <class F, RealScalar Scalar = double>
class FunctionCoefficient {
 public:
  using scalar_type = Scalar;
  static constexpr bool is_constant = false;

  explicit FunctionCoefficient(F function) : m_function(std::move(function)) {}

  [[nodiscard]] const F& function() const noexcept { return m_function; }

  /// \brief The value at one point.
  template <int Dim>
  requires detail::PointCallable<F, Dim, Scalar, Scalar>
  [[nodiscard]] Scalar operator()(Scalar t, const Eigen::Matrix<Scalar, Dim, 1>& x) const {
    return detail::call_at_point(m_function, x, t);
  }

  /// \brief out[j] = f(t, x_j) for every grid point. \pre out.size() == grid.size().
  template <int Dim>
  requires detail::PointCallable<F, Dim, Scalar, Scalar>
  void sample(const PeriodicGrid<Dim, Scalar>& grid, Scalar t, std::span<Scalar> out) const {
    detail::check_sample_size(grid, out.size(), "FunctionCoefficient::sample");
    detail::for_each_grid_point(grid, [&](std::ptrdiff_t flat, const auto& x) {
      out[static_cast<std::size_t>(flat)] = (*this)(t, x);
    });
  }

 private:
  F m_function;
};

/// \brief Deduces FunctionCoefficient<F, double> from a callable.
template <class F>
FunctionCoefficient(F) -> FunctionCoefficient<F, double>;

namespace detail {

// The sample() of the coefficients stored on the grid: copies `values` to `out` after checking
// that both have grid.size() entries (invalid_argument naming `who` and the sizes otherwise).
template <int Dim, class Scalar>
void copy_grid_field(std::span<const Scalar> values, const PeriodicGrid<Dim, Scalar>& grid,
                     std::span<Scalar> out, const char* who) {
  require(values.size() == static_cast<std::size_t>(grid.size()),
          "{}: the field has {} values, expected {} (grid size)", who, values.size(), grid.size());
  check_sample_size(grid, out.size(), who);
  std::copy(values.begin(), values.end(), out.begin());
}

}  // namespace detail

/// \brief A coefficient stored on the grid that the caller overwrites before
/// each step (e.g. a sampled random mass, P2 (3.2)).
///
/// The propagator ignores `t` and copies `values()` as they are when it
/// samples; CrankNicolsonSpectral samples at t_{n+½}, so the caller should
/// write m(t_{n+½}, x_j) before calling step(). Row-major, grid.size() values.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
class GridFieldCoefficient {
 public:
  using scalar_type = Scalar;
  static constexpr bool is_constant = false;

  /// \brief A field of `size` entries, all `initial`.
  explicit GridFieldCoefficient(std::ptrdiff_t size, Scalar initial = Scalar(0))
      : m_values(checked_size(size), initial) {}
  /// \brief A field with these values.
  explicit GridFieldCoefficient(std::vector<Scalar> values) : m_values(std::move(values)) {}

  /// \brief The values, writable: update them between steps.
  /// \brief sample() does not depend on t: a propagator samples it once per step.
  static constexpr bool ignores_time = true;

  [[nodiscard]] std::span<Scalar> values() noexcept { return m_values; }
  [[nodiscard]] std::span<const Scalar> values() const noexcept { return m_values; }
  [[nodiscard]] std::size_t size() const noexcept { return m_values.size(); }

  /// \brief Copies the stored values to `out`.
  /// \pre size() == out.size() == grid.size() (else invalid_argument naming both).
  template <int Dim>
  void sample(const PeriodicGrid<Dim, Scalar>& grid, Scalar /*t*/, std::span<Scalar> out) const {
    detail::copy_grid_field<Dim, Scalar>(m_values, grid, out, "GridFieldCoefficient");
  }

 private:
  static std::size_t checked_size(std::ptrdiff_t size) {
    require(size >= 1, "GridFieldCoefficient: size must be >= 1, got {}", size);
    return static_cast<std::size_t>(size);
  }
  std::vector<Scalar> m_values;
};

/// \brief A coefficient stored on the grid and fixed in time: a static potential such as the
/// crystal plus one sample of P1 (4.1)'s √ε N(x/ε). `is_static_in_time` lets a propagator compute
/// what depends on it once per step size, not once per step (SplitStepSpectral caches its
/// potential phase e^{−iVΔt/(2ε)}: a step is then two FFTs and three multiplication passes).
/// Row-major, grid.size() values, checked finite at construction.
/// \tparam Scalar float or double
template <RealScalar Scalar = double>
class StaticFieldCoefficient {
 public:
  using scalar_type = Scalar;
  static constexpr bool is_constant = false;
  static constexpr bool is_static_in_time = true;

  /// \pre values not empty and finite (else invalid_argument naming the first bad entry).
  explicit StaticFieldCoefficient(std::vector<Scalar> values) : m_values(std::move(values)) {
    require(!m_values.empty(), "StaticFieldCoefficient: no values");
    for (std::size_t j = 0; j < m_values.size(); ++j)
      require(std::isfinite(m_values[j]),
              "StaticFieldCoefficient: value {} at grid point {} is not finite", m_values[j], j);
  }

  [[nodiscard]] std::span<const Scalar> values() const noexcept { return m_values; }
  [[nodiscard]] std::size_t size() const noexcept { return m_values.size(); }

  /// \brief Copies the values to `out` (t is ignored).
  /// \pre size() == out.size() == grid.size() (else invalid_argument naming both).
  template <int Dim>
  void sample(const PeriodicGrid<Dim, Scalar>& grid, Scalar /*t*/, std::span<Scalar> out) const {
    detail::copy_grid_field<Dim, Scalar>(m_values, grid, out, "StaticFieldCoefficient");
  }

 private:
  std::vector<Scalar> m_values;
};

/// \brief A coefficient separable in time and space, c(t, x) = f(t)·g(x), with g held on the
/// grid: a sample is one call of f and one multiplication a point, where a FunctionCoefficient
/// calls its callable (and the sin and cos inside it) at every point. P2 §4.1.2 ex. 1's mass
/// (1 + 0.2 sin 2πx)(1 + 0.2 cos 2πt) is of this form; at 4096 points a Crank–Nicolson step with
/// it as a FunctionCoefficient spent about a quarter of its time sampling
/// (`benchmarks/RESULTS.md`, tenth session).
/// \tparam F      a callable of t, returning something convertible to Scalar
/// \tparam Scalar float or double
template <class F, RealScalar Scalar = double>
class SeparableCoefficient {
 public:
  using scalar_type = Scalar;
  static constexpr bool is_constant = false;

  /// \brief f, and g's values on the grid (row-major, grid.size() of them).
  /// \pre spatial not empty and finite (else invalid_argument naming the first bad entry).
  SeparableCoefficient(F temporal, std::vector<Scalar> spatial)
      : m_temporal(std::move(temporal)), m_spatial(std::move(spatial)) {
    require(!m_spatial.empty(), "SeparableCoefficient: no spatial values");
    Scalar sum = 0;
    m_spatial_min = m_spatial_max = m_spatial.front();
    for (std::size_t j = 0; j < m_spatial.size(); ++j) {
      require(std::isfinite(m_spatial[j]),
              "SeparableCoefficient: g = {} at grid point {} is not finite", m_spatial[j], j);
      m_spatial_min = std::min(m_spatial_min, m_spatial[j]);
      m_spatial_max = std::max(m_spatial_max, m_spatial[j]);
      sum += m_spatial[j];
    }
    m_spatial_mean = m_spatial_min == m_spatial_max ? m_spatial_min
                                                    : sum / static_cast<Scalar>(m_spatial.size());
  }

  /// \brief f, and g tabulated on `grid`: g a callable of the point x (or of x in 1D).
  template <int Dim, class G>
  requires detail::PointCallable<G, Dim, Scalar> SeparableCoefficient(
      F temporal, const PeriodicGrid<Dim, Scalar>& grid, const G& spatial)
      : SeparableCoefficient(std::move(temporal), tabulate(grid, spatial)) {}

  /// \brief f(t).
  [[nodiscard]] Scalar temporal(Scalar t) const { return static_cast<Scalar>(m_temporal(t)); }
  /// \brief g on the grid.
  [[nodiscard]] std::span<const Scalar> spatial() const noexcept { return m_spatial; }
  /// \brief g's least and greatest value and its mean over the grid (the mean is the least value
  /// when g is uniform), kept since construction: a sample's range is f(t) times them, with no
  /// pass over the sample (detail::sample_with_range).
  [[nodiscard]] Scalar spatial_min() const noexcept { return m_spatial_min; }
  [[nodiscard]] Scalar spatial_max() const noexcept { return m_spatial_max; }
  [[nodiscard]] Scalar spatial_mean() const noexcept { return m_spatial_mean; }

  /// \brief out[j] = f(t)·g(x_j); returns f(t). \pre spatial().size() == out.size() ==
  /// grid.size() (else invalid_argument naming both).
  template <int Dim>
  Scalar sample(const PeriodicGrid<Dim, Scalar>& grid, Scalar t, std::span<Scalar> out) const {
    require(m_spatial.size() == static_cast<std::size_t>(grid.size()),
            "SeparableCoefficient: g has {} values, expected {} (grid size)", m_spatial.size(),
            grid.size());
    detail::check_sample_size(grid, out.size(), "SeparableCoefficient::sample");
    const Scalar factor = temporal(t);
    for (std::size_t j = 0; j < m_spatial.size(); ++j) out[j] = factor * m_spatial[j];
    return factor;
  }

 private:
  template <int Dim, class G>
  static std::vector<Scalar> tabulate(const PeriodicGrid<Dim, Scalar>& grid, const G& spatial) {
    std::vector<Scalar> values(static_cast<std::size_t>(grid.size()));
    detail::for_each_grid_point(grid, [&](std::ptrdiff_t flat, const auto& x) {
      values[static_cast<std::size_t>(flat)] = detail::call_at_point(spatial, x);
    });
    return values;
  }

  F m_temporal;
  std::vector<Scalar> m_spatial;
  Scalar m_spatial_min = 0, m_spatial_max = 0, m_spatial_mean = 0;
};

/// \brief Deduces SeparableCoefficient<F, double> from f and g's values or callable.
template <class F>
SeparableCoefficient(F, std::vector<double>) -> SeparableCoefficient<F, double>;
template <class F, int Dim, class G>
SeparableCoefficient(F, const PeriodicGrid<Dim, double>&, const G&)
    -> SeparableCoefficient<F, double>;

/// \brief Whether a CoefficientField is the same at every time: constants and
/// StaticFieldCoefficient (a policy says so with `static constexpr bool is_static_in_time`).
template <class C>
inline constexpr bool is_static_in_time = [] {
  if constexpr (requires { C::is_static_in_time; })
    return bool(C::is_static_in_time);
  else
    return bool(C::is_constant);
}();

/// \brief Whether a CoefficientField's sample(grid, t, out) is the same for every t of one step:
/// its values change only when the caller writes them between steps (GridFieldCoefficient says so
/// with `static constexpr bool ignores_time`), or never (is_static_in_time). A propagator that
/// samples at several times of a step (MagnusSpectral's Gauss points) then samples once.
template <class C>
inline constexpr bool ignores_sample_time = [] {
  if constexpr (requires { C::ignores_time; })
    return bool(C::ignores_time);
  else
    return is_static_in_time<C>;
}();

namespace detail {

// What a propagator needs to know of a sampled coefficient: its range, its mean and whether it is
// the same at every point (then the kinetic or potential term is diagonal in Fourier space).
template <class Scalar>
struct SampledRange {
  Scalar min = 0, max = 0, mean = 0;
  bool uniform = false;
};

// Writes the coefficient at time t on every grid point to `values` and returns its range. A
// compile-time constant (ConstantCoefficient) fills the buffer without evaluating anything. A
// non-finite value makes `uniform` false (NaN − NaN is NaN, not 0); the caller's finiteness or
// positivity check then names it.
template <int Dim, class Scalar, class Coefficient, class Allocator>
SampledRange<Scalar> sample_with_range(const Coefficient& coefficient,
                                       const PeriodicGrid<Dim, Scalar>& grid, Scalar t,
                                       std::vector<Scalar, Allocator>& values) {
  if constexpr (requires { coefficient.value(); } && Coefficient::is_constant) {
    // Only this function writes `values`: equal ends mean the buffer already holds the value.
    if (values.empty() || values.front() != coefficient.value() ||
        values.back() != coefficient.value())
      std::fill(values.begin(), values.end(), coefficient.value());
    return {coefficient.value(), coefficient.value(), coefficient.value(), true};
  } else if constexpr (requires(std::span<Scalar> out) {
                         { coefficient.sample(grid, t, out) } -> std::convertible_to<Scalar>;
                         { coefficient.spatial_min() } -> std::convertible_to<Scalar>;
                         { coefficient.spatial_max() } -> std::convertible_to<Scalar>;
                         { coefficient.spatial_mean() } -> std::convertible_to<Scalar>;
                       }) {
    // SeparableCoefficient: f(t) times g's range, which the coefficient keeps; the sample is the
    // only pass (the scan below took about 2 % of a Crank–Nicolson step at N = 320). A
    // non-finite f(t) or product makes an end or the mean non-finite, and `uniform` false.
    const Scalar f = coefficient.sample(grid, t, std::span<Scalar>(values));
    const Scalar a = f * coefficient.spatial_min(), b = f * coefficient.spatial_max();
    const Scalar lo = std::min(a, b), hi = std::max(a, b), mean = f * coefficient.spatial_mean();
    const bool uniform = hi - lo == Scalar(0) && std::isfinite(mean);
    return {lo, hi, uniform ? lo : mean, uniform};
  } else {
    coefficient.sample(grid, t, std::span<Scalar>(values));
    // One pass. A NaN fails both comparisons, so it never becomes lo or hi, but it makes the
    // sum NaN; `uniform` then is false and the caller's check names the point. Four partial
    // sums, so that the additions do not wait on each other (one chain of N dependent additions
    // made the sampling 2 % of a Crank–Nicolson step at N = 320, 1.2 % after); the mean only
    // sets a preconditioner or a shift, so the order of its additions matters only to round-off.
    // The extremes, too, run in four lanes (one chain of dependent comparisons had the pass run
    // scalar), merged at the end; lanes start at the first value, so a lane that sees only NaN
    // never moves and the NaN still shows in the sum.
    std::array<Scalar, 4> sums{}, lows, highs;
    lows.fill(values.front());
    highs.fill(values.front());
    const std::size_t n = values.size();
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4)
      for (std::size_t l = 0; l < 4; ++l) {
        const Scalar v = values[j + l];
        lows[l] = v < lows[l] ? v : lows[l];
        highs[l] = v > highs[l] ? v : highs[l];
        sums[l] += v;
      }
    for (; j < n; ++j) {
      const Scalar v = values[j];
      lows[0] = v < lows[0] ? v : lows[0];
      highs[0] = v > highs[0] ? v : highs[0];
      sums[0] += v;
    }
    const Scalar lo = std::min(std::min(lows[0], lows[1]), std::min(lows[2], lows[3]));
    const Scalar hi = std::max(std::max(highs[0], highs[1]), std::max(highs[2], highs[3]));
    const Scalar sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    const bool uniform = hi - lo == Scalar(0) && std::isfinite(sum);
    return {lo, hi, uniform ? lo : sum / static_cast<Scalar>(values.size()), uniform};
  }
}

}  // namespace detail

/// \brief Throws invalid_argument unless every sampled mass is finite and > 0
/// (P2 (2.5): m ≥ C > 0), naming the value, the grid point and the time.
/// \param who  prefix of the message (the caller's name)
template <int Dim, RealScalar Scalar>
void check_positive_mass(const PeriodicGrid<Dim, Scalar>& grid, std::span<const Scalar> mass,
                         Scalar t, const char* who) {
  for (std::size_t j = 0; j < mass.size(); ++j) {
    const Scalar m = mass[j];
    if (!(m > 0) || !std::isfinite(m)) [[unlikely]] {
      const auto flat = static_cast<std::ptrdiff_t>(j);
      throw invalid_argument(fmt::format(
          "{}: the mass must be finite and > 0, got m = {} at x = {} (grid point {}) at t = {}",
          who, m, detail::format_point<Dim, Scalar>(grid.point(flat)), flat, t));
    }
  }
}

/// \brief Throws invalid_argument unless every sampled potential is finite,
/// naming the value, the grid point and the time.
template <int Dim, RealScalar Scalar>
void check_finite_potential(const PeriodicGrid<Dim, Scalar>& grid,
                            std::span<const Scalar> potential, Scalar t, const char* who) {
  for (std::size_t j = 0; j < potential.size(); ++j) {
    if (!std::isfinite(potential[j])) [[unlikely]] {
      const auto flat = static_cast<std::ptrdiff_t>(j);
      throw invalid_argument(fmt::format(
          "{}: the potential must be finite, got V = {} at x = {} (grid point {}) at t = {}", who,
          potential[j], detail::format_point<Dim, Scalar>(grid.point(flat)), flat, t));
    }
  }
}

namespace detail {

// sample_with_range for a mass, checked finite and > 0, and for a potential, checked finite. The
// range proves the values valid (a NaN makes the mean NaN, or the minimum if it is the first
// value; an infinity the mean); the scan that names the offending point and time (invalid_argument)
// runs only when it does not.
template <int Dim, class Scalar, class Coefficient, class Allocator>
SampledRange<Scalar> sample_mass(const Coefficient& coefficient,
                                 const PeriodicGrid<Dim, Scalar>& grid, Scalar t,
                                 std::vector<Scalar, Allocator>& values, const char* who) {
  const auto range = sample_with_range(coefficient, grid, t, values);
  if (!(range.min > 0 && std::isfinite(range.max) && std::isfinite(range.mean)))
    check_positive_mass<Dim, Scalar>(grid, values, t, who);
  return range;
}

template <int Dim, class Scalar, class Coefficient, class Allocator>
SampledRange<Scalar> sample_potential(const Coefficient& coefficient,
                                      const PeriodicGrid<Dim, Scalar>& grid, Scalar t,
                                      std::vector<Scalar, Allocator>& values, const char* who) {
  const auto range = sample_with_range(coefficient, grid, t, values);
  if (!(std::isfinite(range.min) && std::isfinite(range.max) && std::isfinite(range.mean)))
    check_finite_potential<Dim, Scalar>(grid, values, t, who);
  return range;
}

// Throws invalid_argument naming the first non-finite entry of a wave function.
template <RealScalar Scalar>
void check_finite_wave(std::span<const Complex<Scalar>> u, const char* who) {
  for (std::size_t j = 0; j < u.size(); ++j) {
    if (!std::isfinite(u[j].real()) || !std::isfinite(u[j].imag())) [[unlikely]] {
      throw invalid_argument(fmt::format("{}: u[{}] = ({}, {}) is not finite (NaN or infinity)",
                                         who, j, u[j].real(), u[j].imag()));
    }
  }
}

// u's finiteness from the zero mode Σ_j φ_j u_j of a transform of u (|φ_j| = 1: the phases of a
// potential half-step, or none), which every FFT algorithm sums from every value: a NaN or an
// infinity stays non-finite through any sum or product, so a non-finite u_j makes the zero mode
// non-finite; then check_finite_wave names it (a zero mode overflowed by finite values near the
// largest double passes). One load, where a norm costs a pass or a sixth of one.
template <RealScalar Scalar>
void check_finite_wave(Complex<Scalar> zero_mode, std::span<const Complex<Scalar>> u,
                       const char* who) {
  if (!(std::isfinite(zero_mode.real()) && std::isfinite(zero_mode.imag()))) [[unlikely]]
    check_finite_wave<Scalar>(u, who);
}

template <int Dim, RealScalar Scalar>
void check_wave_size(const PeriodicGrid<Dim, Scalar>& grid, std::size_t actual, const char* who) {
  require(actual == static_cast<std::size_t>(grid.size()),
          "{}: u has {} values, expected {} (grid size)", who, actual, grid.size());
}

// The checks a Schrödinger stepper's step(u, t, dt) starts with, before touching u: u on the
// grid, dt finite and non-zero, t finite (invalid_argument naming `who` and the value). u's
// finiteness is the stepper's to check, before it writes u: on its first transform's zero mode,
// or through a norm it needs anyway (CN's), then check_finite_wave names the value.
template <int Dim, RealScalar Scalar>
void check_step_arguments(const PeriodicGrid<Dim, Scalar>& grid, std::size_t size, Scalar t,
                          Scalar dt, const char* who) {
  check_wave_size(grid, size, who);
  // dt < 0 runs the (time-symmetric) scheme backwards: SymmetricComposition's sub-steps.
  require(std::isfinite(dt) && dt != 0, "{}: dt must be finite and non-zero, got {}", who, dt);
  require(std::isfinite(t), "{}: t must be finite, got {}", who, t);
}

}  // namespace detail

}  // namespace wavekin
