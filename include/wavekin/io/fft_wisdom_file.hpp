// wavekin/io/fft_wisdom_file.hpp — FFTW wisdom (core/fft_wisdom.hpp) kept in a file, so that a
// resumed or repeated run plans its transforms exactly as the run that wrote it.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "wavekin/core/error.hpp"
#include "wavekin/core/fft_wisdom.hpp"
#include "wavekin/io/detail/atomic_file.hpp"
#include "wavekin/io/detail/input_file.hpp"

namespace wavekin::io {

/// \brief Imports the wisdom of `file` (written by save_fft_wisdom) into FFTW's planner.
/// \return false if `file` does not exist (nothing imported), true if it was imported.
/// \throws io_error naming the file if it cannot be read or is not wisdom (damaged, truncated,
///         another format, or written by an FFTW that cannot read it); nothing is imported then.
inline bool load_fft_wisdom(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return false;
  const std::string text = detail::read_whole_file(file, "load_fft_wisdom");
  try {
    import_fft_wisdom(text);
  } catch (const invalid_argument& e) {
    throw io_error(fmt::format("load_fft_wisdom: '{}' is not FFT wisdom: {}", file.string(),
                               e.what()));
  }
  return true;
}

/// \brief Writes all of this process's FFTW wisdom (export_fft_wisdom) to `file`, atomically: a
/// reader sees the old file or the new one, never a partial one.
inline void save_fft_wisdom(const std::filesystem::path& file) {
  detail::write_file_atomically(file, export_fft_wisdom());
}

/// \brief Keeps `file` holding this process's wisdom from now on: it is rewritten (atomically)
/// after every planning step that taught FFTW something new (set_fft_wisdom_listener), so that a
/// run killed at any later moment leaves the plans it used on disk. A failed write is reported
/// once on stderr and does not stop the run (only bitwise reproducibility after a kill is at
/// stake). stop_saving_fft_wisdom() ends it.
inline void keep_fft_wisdom_saved(const std::filesystem::path& file) {
  set_fft_wisdom_listener([file, last = std::string(), warned = false](
                              const std::string& wisdom) mutable {
    if (wisdom == last) return;
    try {
      detail::write_file_atomically(file, wisdom);
      last = wisdom;
    } catch (const std::exception& e) {
      if (!warned) std::fprintf(stderr, "warning: FFT wisdom not saved: %s\n", e.what());
      warned = true;
    }
  });
}

/// \brief Ends keep_fft_wisdom_saved.
inline void stop_saving_fft_wisdom() { set_fft_wisdom_listener({}); }

}  // namespace wavekin::io
