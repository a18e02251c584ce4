# FindFFTW3.cmake — finds FFTW 3 (which ships only pkg-config files on Debian)
# and defines imported targets:
#
#   FFTW3::fftw3            double precision
#   FFTW3::fftw3f           single precision
#   FFTW3::fftw3_threads    FFTW's own threads for double (links FFTW3::fftw3)
#   FFTW3::fftw3f_threads   FFTW's own threads for single (links FFTW3::fftw3f)
#
# Components: double, float, threads (default: double float). Result variables:
# FFTW3_FOUND, FFTW3_INCLUDE_DIR, FFTW3_VERSION (when pkg-config knows it).
# SPDX-License-Identifier: MIT

include(FindPackageHandleStandardArgs)

set(_fftw3_components ${FFTW3_FIND_COMPONENTS})
if(NOT _fftw3_components)
  set(_fftw3_components double float)
endif()

find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_FFTW3 QUIET fftw3)
endif()
if(PC_FFTW3_VERSION)
  set(FFTW3_VERSION "${PC_FFTW3_VERSION}")
endif()

find_path(FFTW3_INCLUDE_DIR NAMES fftw3.h HINTS ${PC_FFTW3_INCLUDE_DIRS})

set(_fftw3_required_vars FFTW3_INCLUDE_DIR)

# Finds library `name` into the cache variable `var`; a found library makes its
# component found (threads: either precision's threads library).
function(_fftw3_library component var name)
  find_library(${var} NAMES ${name} HINTS ${PC_FFTW3_LIBRARY_DIRS})
  mark_as_advanced(${var})
  if(${var})
    set(FFTW3_${component}_FOUND TRUE PARENT_SCOPE)
  endif()
endfunction()

foreach(_component IN LISTS _fftw3_components)
  set(FFTW3_${_component}_FOUND FALSE)
endforeach()
if("double" IN_LIST _fftw3_components)
  _fftw3_library(double FFTW3_DOUBLE_LIBRARY fftw3)
endif()
if("float" IN_LIST _fftw3_components)
  _fftw3_library(float FFTW3_FLOAT_LIBRARY fftw3f)
endif()
if("threads" IN_LIST _fftw3_components)
  _fftw3_library(threads FFTW3_DOUBLE_THREADS_LIBRARY fftw3_threads)
  _fftw3_library(threads FFTW3_FLOAT_THREADS_LIBRARY fftw3f_threads)
endif()

find_package_handle_standard_args(FFTW3
  REQUIRED_VARS ${_fftw3_required_vars}
  VERSION_VAR FFTW3_VERSION
  HANDLE_COMPONENTS)
mark_as_advanced(FFTW3_INCLUDE_DIR)

function(_fftw3_target target library)
  if(${library} AND NOT TARGET ${target})
    add_library(${target} UNKNOWN IMPORTED)
    set_target_properties(${target} PROPERTIES
      IMPORTED_LOCATION "${${library}}"
      INTERFACE_INCLUDE_DIRECTORIES "${FFTW3_INCLUDE_DIR}")
  endif()
endfunction()

if(FFTW3_FOUND)
  _fftw3_target(FFTW3::fftw3 FFTW3_DOUBLE_LIBRARY)
  _fftw3_target(FFTW3::fftw3f FFTW3_FLOAT_LIBRARY)
  _fftw3_target(FFTW3::fftw3_threads FFTW3_DOUBLE_THREADS_LIBRARY)
  _fftw3_target(FFTW3::fftw3f_threads FFTW3_FLOAT_THREADS_LIBRARY)
  if(TARGET FFTW3::fftw3_threads OR TARGET FFTW3::fftw3f_threads)
    find_package(Threads REQUIRED)
  endif()
  if(TARGET FFTW3::fftw3_threads AND TARGET FFTW3::fftw3)
    set_property(TARGET FFTW3::fftw3_threads APPEND PROPERTY INTERFACE_LINK_LIBRARIES FFTW3::fftw3 Threads::Threads)
  endif()
  if(TARGET FFTW3::fftw3f_threads AND TARGET FFTW3::fftw3f)
    set_property(TARGET FFTW3::fftw3f_threads APPEND PROPERTY INTERFACE_LINK_LIBRARIES FFTW3::fftw3f Threads::Threads)
  endif()
endif()
