# Install rules: headers, the exported target, a config file that finds the
# dependencies (FindFFTW3.cmake is installed beside it) and a version file.
# SPDX-License-Identifier: MIT
include(CMakePackageConfigHelpers)

set(WAVEKIN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/wavekin"
    CACHE STRING "Where wavekinConfig.cmake is installed")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/wavekin" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS wavekin EXPORT wavekinTargets)
if(WAVEKIN_WITH_MPI)
  set_target_properties(wavekin_mpi PROPERTIES EXPORT_NAME mpi)  # wavekin::mpi
  install(TARGETS wavekin_mpi EXPORT wavekinTargets)
endif()
install(EXPORT wavekinTargets NAMESPACE wavekin:: DESTINATION "${WAVEKIN_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/wavekinConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/wavekinConfig.cmake"
  INSTALL_DESTINATION "${WAVEKIN_INSTALL_CMAKEDIR}")
# Header-only: the version file must not pin the consumer's pointer size.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/wavekinConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/wavekinConfig.cmake"
  "${PROJECT_BINARY_DIR}/wavekinConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/FindFFTW3.cmake"
  DESTINATION "${WAVEKIN_INSTALL_CMAKEDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/wavekin")
