# stressplan_add_plugin(<name> KIND target|fault|reporter SOURCES ... [LIBRARIES ...])
#
# Builds a plugin the one way every plugin is built, in this tree and out of it:
#   - a MODULE library named stressplan-<name>.so (no "lib" prefix) - the loader finds plugins
#     by that name;
#   - hidden visibility, so the entry symbol (marked SP_EXPORT) is the only export;
#   - -Wl,--no-undefined, so a missing symbol fails the link, not the run;
#   - installed to <libdir>/stressplan/plugins, where the stressplan binary looks first.
# The CMake target is called stressplan_plugin_<name>.
include_guard(GLOBAL)
include(GNUInstallDirs)

function(stressplan_add_plugin name)
  cmake_parse_arguments(ARG "" "KIND" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_KIND MATCHES "^(target|fault|reporter)$")
    message(FATAL_ERROR "stressplan_add_plugin(${name}): KIND must be target, fault or reporter")
  endif()
  if(NOT name MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "stressplan_add_plugin(${name}): the name must match [a-z0-9_]+")
  endif()
  set(target stressplan_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE stressplan::abi ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "stressplan-${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED STRESSPLAN_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY "${STRESSPLAN_PLUGIN_OUTPUT_DIRECTORY}")
  endif()
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  if(NOT DEFINED STRESSPLAN_PLUGIN_INSTALL_DIR)
    set(STRESSPLAN_PLUGIN_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/stressplan/plugins")
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION "${STRESSPLAN_PLUGIN_INSTALL_DIR}")
endfunction()
