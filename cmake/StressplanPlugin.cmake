# stressplan_add_plugin(<name> KIND target|fault|reporter SOURCES ... [LIBRARIES ...]
#                       [OUTPUT_DIRECTORY dir] [NO_INSTALL])
#
# Builds a plugin the one way every plugin is built, in this tree and out of it:
#   - a MODULE library named stressplan-<name>.so (no "lib" prefix) - the loader finds plugins
#     by that name;
#   - hidden visibility and a version script (stressplan-plugin.map), so the entry symbol is
#     the only export - visibility alone still lets libstdc++ typeinfo and statics out;
#   - -Wl,--no-undefined, so a missing symbol fails the link, not the run;
#   - installed to <libdir>/stressplan/plugins, where the stressplan binary looks (unless
#     NO_INSTALL, used for test fixtures).
# The CMake target is called stressplan_plugin_<name>.
include_guard(GLOBAL)
include(GNUInstallDirs)

# Beside this file both in the source tree and in the installed package.
set(_stressplan_plugin_map "${CMAKE_CURRENT_LIST_DIR}/stressplan-plugin.map")

function(stressplan_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "KIND;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
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
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED STRESSPLAN_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY "${STRESSPLAN_PLUGIN_OUTPUT_DIRECTORY}")
  endif()
  target_link_options(${target} PRIVATE -Wl,--no-undefined
                      "-Wl,--version-script=${_stressplan_plugin_map}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_stressplan_plugin_map}")
  if(ARG_NO_INSTALL)
    return()
  endif()
  if(NOT DEFINED STRESSPLAN_PLUGIN_INSTALL_DIR)
    set(STRESSPLAN_PLUGIN_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/stressplan/plugins")
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION "${STRESSPLAN_PLUGIN_INSTALL_DIR}")
endfunction()
