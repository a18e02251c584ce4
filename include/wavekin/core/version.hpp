// wavekin/core/version.hpp — the library's version, the single source CMake reads.
// SPDX-License-Identifier: MIT
#pragma once

#define WAVEKIN_VERSION_MAJOR 0
#define WAVEKIN_VERSION_MINOR 1
#define WAVEKIN_VERSION_PATCH 0
#define WAVEKIN_VERSION_STRING "0.1.0"

namespace wavekin {

/// \brief The library version as "major.minor.patch".
inline constexpr const char* version_string = WAVEKIN_VERSION_STRING;

}  // namespace wavekin
