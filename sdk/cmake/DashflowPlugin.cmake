# dashflow_add_plugin(<name> SOURCES <src>... [LINK_LIBRARIES <lib>...] [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a dashflow plugin the one supported way:
#  - a MODULE library named <name>.so, linked against DashflowSDK::sdk;
#  - hidden visibility, so only the entry symbol is exported (version script);
#  - -z defs, so a missing symbol fails at link time, not when the host loads it;
#  - the manifest emitted by DASHFLOW_PLUGIN lands in the .dashflow_manifest section.
include_guard(GLOBAL)

function(dashflow_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "dashflow_add_plugin(${name}): SOURCES is required")
  endif()
  set(_map "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/dashflow_plugin.map")
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE DashflowSDK::sdk ${ARG_LINK_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    LINK_DEPENDS "${_map}")
  target_link_options(${name} PRIVATE
    "LINKER:-z,defs"
    "LINKER:--version-script=${_map}")
  if(NOT ARG_NO_INSTALL)
    include(GNUInstallDirs)
    install(TARGETS ${name} LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}/dashflow/plugins")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED DASHFLOW_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${DASHFLOW_PLUGIN_OUTPUT_DIR}")
  endif()
endfunction()
