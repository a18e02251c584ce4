// wavekin/core/error.hpp — the library's exception family and the checks that raise it.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace wavekin {

/// \brief Base of every exception the library throws.
///
/// Messages name the offending value and what was expected, e.g.
/// "PeriodicGrid: points along axis 1 must be even and >= 4, got 7".
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// \brief A caller passed a value outside the documented domain (non-positive
/// mass, degenerate lattice, odd grid, NaN, wrong dimension, ...).
class invalid_argument : public error {
 public:
  using error::error;
};

/// \brief An iterative method (Krylov solve, eigensolver, root finder) did not
/// reach its tolerance; the message gives the iterations done and the residual.
class convergence_error : public error {
 public:
  using error::error;
};

/// \brief Reading or writing a file failed (missing file, malformed header,
/// wrong dtype, disk full); the message names the path.
class io_error : public error {
 public:
  using error::error;
};

/// \brief Throws `Error` with a formatted message when `condition` is false.
///
/// The message is formatted only on failure, so checks cost a branch.
template <class Error = invalid_argument, class... Args>
inline void require(bool condition, fmt::format_string<Args...> format, Args&&... args) {
  if (!condition) [[unlikely]] {
    throw Error(fmt::format(format, std::forward<Args>(args)...));
  }
}

namespace detail {

template <class T>
inline bool is_finite_value(const T& value) {
  if constexpr (requires { value.real(); value.imag(); }) {
    return std::isfinite(value.real()) && std::isfinite(value.imag());
  } else {
    return std::isfinite(value);
  }
}

}  // namespace detail

/// \brief Throws invalid_argument naming `what` and the first non-finite entry
/// of the range, if any (NaN or infinity in input data is never silently used).
template <class Range>
inline void require_finite(const Range& values, const char* what) {
  std::size_t index = 0;
  for (const auto& value : values) {
    if (!detail::is_finite_value(value)) [[unlikely]] {
      throw invalid_argument(
          fmt::format("{}: entry {} is not finite (NaN or infinity)", what, index));
    }
    ++index;
  }
}

}  // namespace wavekin
