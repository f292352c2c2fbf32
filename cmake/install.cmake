# `cmake --install BUILD --prefix P` (docs/abi.md lists what lands where):
#   bin/hsdt                                  the CLI
#   include/hsdt/*.h, include/hsdt.h          the C++ API, the C ABI
#   lib/libhsdt.so.1                          the C ABI (SONAME libhsdt.so.1, versioned symbols)
#   lib/libhsdt++.so.1, lib/libhsdt++.a       the C++ API, shared and static
#   lib/cmake/hsdt/                           hsdtConfig.cmake: hsdt::hsdt, hsdt::c, hsdt::hsdt_static
#   lib/pkgconfig/hsdt.pc, hsdt++.pc          the C ABI and the C++ API for pkg-config
include(CMakePackageConfigHelpers)

set(HSDT_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/hsdt")

install(TARGETS hsdt_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(TARGETS hsdt_c hsdt_cxx EXPORT hsdtTargets
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(FILES "${PROJECT_BINARY_DIR}/src/libhsdt++.a" DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(DIRECTORY include/hsdt DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" FILES_MATCHING PATTERN "*.h")
install(FILES bindings/c/hsdt.h DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(FILES README.md docs/abi.md docs/format.md docs/security.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")

install(EXPORT hsdtTargets NAMESPACE hsdt:: DESTINATION "${HSDT_CMAKE_DIR}")
configure_package_config_file(cmake/hsdtConfig.cmake.in "${PROJECT_BINARY_DIR}/hsdtConfig.cmake"
  INSTALL_DESTINATION "${HSDT_CMAKE_DIR}")
# 1.x keeps the API and ABI of 1.0 (docs/abi.md): any 1.y satisfies a request for 1.x.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/hsdtConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/hsdtConfig.cmake" "${PROJECT_BINARY_DIR}/hsdtConfigVersion.cmake"
  DESTINATION "${HSDT_CMAKE_DIR}")

# pkg-config files, relocatable: the prefix is found from the file's own place.
file(RELATIVE_PATH HSDT_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
foreach(pc hsdt hsdt++)
  configure_file("cmake/${pc}.pc.in" "${PROJECT_BINARY_DIR}/${pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/${pc}.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endforeach()
