# Warning flags for the project's own targets (tests, examples, benchmarks).
# They never enter wavekin's INTERFACE usage requirements; -Werror comes from
# the presets (WAVEKIN_WERROR=ON) so that CI fails on any warning.
# SPDX-License-Identifier: MIT
option(WAVEKIN_WERROR "Treat warnings as errors in the project's own targets" OFF)

function(wavekin_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(WAVEKIN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
