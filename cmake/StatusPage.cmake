# GET /status's page (docs/observability.md, "Status page"), built into aiload_core: it is
# kept as one HTML file that can be edited and opened as it is, and the binary serves it
# without any file beside it. Included by Application/CMakeLists.txt after aiload_core.
set(AILOAD_STATUS_PAGE ${PROJECT_SOURCE_DIR}/Application/src/observe/StatusPage.html)
set(AILOAD_STATUS_PAGE_HEADER ${CMAKE_CURRENT_BINARY_DIR}/generated/StatusPageHtml.h)
add_custom_command(OUTPUT ${AILOAD_STATUS_PAGE_HEADER}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${AILOAD_STATUS_PAGE} -DOUTPUT=${AILOAD_STATUS_PAGE_HEADER} -DNAME=statusPageHtml
          -P ${CMAKE_CURRENT_LIST_DIR}/EmbedFile.cmake
  DEPENDS ${AILOAD_STATUS_PAGE} ${CMAKE_CURRENT_LIST_DIR}/EmbedFile.cmake
  COMMENT "Embedding StatusPage.html"
  VERBATIM)
target_sources(aiload_core PRIVATE ${AILOAD_STATUS_PAGE_HEADER})
target_include_directories(aiload_core PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
