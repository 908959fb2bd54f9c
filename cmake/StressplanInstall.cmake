# Installs the binary, the plugins (see StressplanPlugin.cmake), the C ABI headers and a CMake
# package, so that `find_package(stressplan)` gives an out-of-tree plugin stressplan::abi and
# stressplan_add_plugin().
include(CMakePackageConfigHelpers)

install(DIRECTORY include/stressplan DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS stressplan_abi EXPORT stressplanTargets)
install(EXPORT stressplanTargets NAMESPACE stressplan::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stressplan)
configure_package_config_file(cmake/stressplanConfig.cmake.in
  "${CMAKE_BINARY_DIR}/stressplanConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stressplan
  PATH_VARS STRESSPLAN_PLUGIN_DIR)
write_basic_package_version_file("${CMAKE_BINARY_DIR}/stressplanConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_BINARY_DIR}/stressplanConfig.cmake"
              "${CMAKE_BINARY_DIR}/stressplanConfigVersion.cmake"
              cmake/StressplanPlugin.cmake
              cmake/stressplan-plugin.map
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stressplan)
