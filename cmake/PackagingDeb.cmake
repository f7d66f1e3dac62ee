# Read by cpack when it makes the packages (CPACK_PROJECT_CONFIG_FILE of cmake/Packaging.cmake),
# after `cpack -R VERSION` has had its say.
if(CPACK_GENERATOR STREQUAL "DEB")
  # Without it CPack would quietly leave the POCO and C++ libraries out of the Depends.
  find_program(AILOAD_DPKG_SHLIBDEPS dpkg-shlibdeps)
  if(NOT AILOAD_DPKG_SHLIBDEPS)
    message(FATAL_ERROR "cpack -G DEB needs dpkg-shlibdeps to find the libraries aiload depends on: apt-get install dpkg-dev")
  endif()
  set(CPACK_DEBIAN_AILOAD-PLUGIN-DEV_PACKAGE_DEPENDS
    "aiload (= ${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}), libpoco-dev")
endif()
