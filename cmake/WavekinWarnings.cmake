# Warning flags for the project's own targets (tests, examples, benchmarks), and
# with WAVEKIN_NATIVE their code for this machine. They never enter wavekin's
# INTERFACE usage requirements; -Werror comes from the presets (WAVEKIN_WERROR=ON)
# so that CI fails on any warning.
# SPDX-License-Identifier: MIT
option(WAVEKIN_WERROR "Treat warnings as errors in the project's own targets" OFF)

function(wavekin_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(WAVEKIN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # -march=native: the propagators' vector passes then use the machine's widest registers
  # (detail/interleaved_kernels.hpp). GCC 12 gives false maybe-uninitialized warnings inside its
  # AVX-512 intrinsics and false array-bounds ones on Eigen's fixed-size complex vectors there.
  if(WAVEKIN_NATIVE)
    target_compile_options(${target} PRIVATE -march=native -Wno-maybe-uninitialized
                                             -Wno-array-bounds)
  endif()
endfunction()
