# aiload_add_strategy(<name> <source>...)
#
# Builds the AILoad strategy plugin <name>: the module <name>.so (target aiload-strategy-<name>),
# which AILoad loads when `settings.strategy` names <name>. The plugin is compiled with hidden
# visibility, so that it exports only what AILOAD_STRATEGY_PLUGIN() declares, and linked to the
# SDK (AILoad::StrategySDK, with POCO). Used by AILoad for its built-in strategies and, through
# find_package(AILoadStrategy), by third-party plugins.
function(aiload_add_strategy name)
  if(NOT name MATCHES "^[A-Za-z0-9][A-Za-z0-9._-]*$")
    message(FATAL_ERROR "aiload_add_strategy: \"${name}\" is not a plugin name (letters, digits, '.', '_', '-')")
  endif()
  set(target aiload-strategy-${name})
  add_library(${target} MODULE ${ARGN})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_features(${target} PRIVATE cxx_std_17)
  target_link_libraries(${target} PRIVATE AILoad::StrategySDK)
  # Hidden visibility does not cover the instances of std templates; the version script
  # keeps the exports to the plugin's entry points. Unresolved symbols are reported when the
  # plugin is linked, not when AILoad loads it.
  set(exports ${CMAKE_CURRENT_BINARY_DIR}/aiload-strategy-exports.map)
  file(WRITE ${exports} "{\n  global: aiload_strategy_api_version; aiload_strategy_signature; pocoBuildManifest*; pocoInitializeLibrary; pocoUninitializeLibrary;\n  local: *;\n};\n")
  target_link_options(${target} PRIVATE -Wl,--version-script=${exports} -Wl,--no-undefined)
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${exports})
endfunction()
