// wavekin/core/fft_wisdom.hpp — FFTW wisdom: the plans FFTW's planner chose, as text that a later
// process imports to make the same plans.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "wavekin/core/detail/fftw_traits.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin {

/// \brief FFTW wisdom in the form export_fft_wisdom writes: a header line, FFTW's double-precision
/// wisdom, a separator line, FFTW's single-precision wisdom.
///
/// Why it matters. With FftRigor::measure (or patient) FFTW times candidate algorithms and keeps
/// the fastest, so two processes may choose different plans for the same transform, and
/// different plans round differently: a run killed and resumed in a new process would then not
/// reproduce, bit for bit, the run that was not killed. Wisdom records the choices; a process
/// that imports it before planning makes exactly the plans the exporting process made (the same
/// machine and FFTW library), without timing anything. The drivers keep it in their output
/// folder (`fft_wisdom.txt`, docs/validation.md), so a resumed run plans as the killed one did.
/// io/fft_wisdom_file.hpp reads and writes it as a file.
namespace fft_wisdom_format {
inline constexpr std::string_view header = "# wavekin FFT wisdom 1: FFTW double, then float\n";
inline constexpr std::string_view separator = "\n# float\n";
}  // namespace fft_wisdom_format

namespace detail {

template <RealScalar Scalar>
std::string export_fftw_wisdom_locked() {
  const std::unique_ptr<char, decltype(&std::free)> text(fftw_api<Scalar>::export_wisdom(),
                                                         &std::free);
  return text ? std::string(text.get()) : std::string();
}

// Every planner of this library has FFTW's threaded solvers (fftw_planner_session), so wisdom is
// exported and imported with them registered: the solver set is part of the wisdom's signature.
inline void register_threaded_solvers_locked() {
  (void)fftw_threads_initialised_locked<double>();
  (void)fftw_threads_initialised_locked<float>();
}

inline std::string export_fft_wisdom_locked() {
  register_threaded_solvers_locked();
  std::string out(fft_wisdom_format::header);
  out += export_fftw_wisdom_locked<double>();
  out += fft_wisdom_format::separator;
  out += export_fftw_wisdom_locked<float>();
  return out;
}

}  // namespace detail

/// \brief Everything FFTW's planner has learnt in this process (both precisions), as text.
[[nodiscard]] inline std::string export_fft_wisdom() {
  const std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
  return detail::export_fft_wisdom_locked();
}

/// \brief Adds wisdom written by export_fft_wisdom (in this or an earlier process) to FFTW's
/// planner: later plans of the transforms it covers are the plans it records.
/// \throws invalid_argument if `text` is not such wisdom (no header, no separator, or a part
///         FFTW rejects), naming the part; nothing is imported then.
inline void import_fft_wisdom(std::string_view text) {
  namespace format = fft_wisdom_format;
  require(text.substr(0, format::header.size()) == format::header,
          "import_fft_wisdom: the text does not start with '{}'",
          format::header.substr(0, format::header.size() - 1));
  const auto body = text.substr(format::header.size());
  const auto split = body.find(format::separator);
  require(split != std::string_view::npos,
          "import_fft_wisdom: no '{}' line separates the double and float parts",
          format::separator.substr(1, format::separator.size() - 2));
  const std::string double_part(body.substr(0, split));
  const std::string float_part(body.substr(split + format::separator.size()));
  const std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
  detail::register_threaded_solvers_locked();
  // FFTW imports a part only if all of it parses; an empty part is no wisdom, not an error.
  require(double_part.empty() || detail::fftw_api<double>::import_wisdom(double_part.c_str()) != 0,
          "import_fft_wisdom: FFTW rejects the double-precision part ({} bytes)",
          double_part.size());
  require(float_part.empty() || detail::fftw_api<float>::import_wisdom(float_part.c_str()) != 0,
          "import_fft_wisdom: FFTW rejects the single-precision part ({} bytes)",
          float_part.size());
}

/// \brief Calls `listener(wisdom)` with all the wisdom so far (export_fft_wisdom's text) after
/// every planning step of Fft and RealFft (construction, and the first unaligned call), so that a
/// caller can save it as soon as plans exist: a run killed later has its plans on disk. The
/// call happens under FFTW's planner lock (no planning may happen in it) and must not throw;
/// an empty function removes the listener. One listener per process.
inline void set_fft_wisdom_listener(std::function<void(const std::string&)> listener) {
  const std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
  if (listener)
    detail::fftw_planning_listener() = [listener = std::move(listener)] {
      listener(detail::export_fft_wisdom_locked());
    };
  else
    detail::fftw_planning_listener() = nullptr;
}

}  // namespace wavekin
