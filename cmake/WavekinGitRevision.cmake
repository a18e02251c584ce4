# Defines the INTERFACE target wavekin_build_info, whose generated header
# <wavekin_build_info.hpp> gives the git revision of the source tree and the
# build type. The header is refreshed at every build (rewritten only when it
# changes), so a driver's summary.json never reports a stale revision.
# SPDX-License-Identifier: MIT
set(_wavekin_generated_dir "${PROJECT_BINARY_DIR}/generated")
add_custom_target(wavekin_build_info_header
  COMMAND "${CMAKE_COMMAND}"
          -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUTPUT=${_wavekin_generated_dir}/wavekin_build_info.hpp
          -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
          -P "${PROJECT_SOURCE_DIR}/cmake/WriteBuildInfo.cmake"
  BYPRODUCTS "${_wavekin_generated_dir}/wavekin_build_info.hpp"
  COMMENT "Recording the git revision"
  VERBATIM)
add_library(wavekin_build_info INTERFACE)
target_include_directories(wavekin_build_info INTERFACE "${_wavekin_generated_dir}")
add_dependencies(wavekin_build_info wavekin_build_info_header)
