# The Debian packages: `cpack -G DEB` in the build folder makes (docs/packaging.md)
#   aiload             the gateway and its built-in plugins, /etc/aiload, /var/lib/aiload,
#                      /var/log/aiload and the systemd unit aiload.service
#   aiload-plugin-dev  the strategy plugin SDK: the headers and the CMake package AILoadStrategy
# each from the install() rules of the component of the same name. The rules that only the
# package wants are EXCLUDE_FROM_ALL, so that `cmake --install` into a prefix (/opt/aiload, the
# Docker image) never writes to /etc or /lib/systemd; that installation's own
# etc/aiload.properties (no component) stays out of the package, which has /etc/aiload instead.

set(AILOAD_PACKAGE_RELEASE 1 CACHE STRING "Debian revision of the packages (the part after the version)")
set(AILOAD_SYSTEMD_UNIT_DIR /lib/systemd/system CACHE PATH "Where the aiload package puts aiload.service")
set(AILOAD_PACKAGE_SOURCE_DIR ${PROJECT_SOURCE_DIR}/packaging/debian)

# /etc/aiload/aiload.properties is etc/aiload.properties with the package's paths and log
# files, made from it so that the two never differ in anything else.
file(READ ${PROJECT_SOURCE_DIR}/etc/aiload.properties AILOAD_PACKAGE_PROPERTIES)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/etc/aiload.properties)
string(REPLACE "etc/aiload.properties" "/etc/aiload/aiload.properties" AILOAD_PACKAGE_PROPERTIES "${AILOAD_PACKAGE_PROPERTIES}")
string(REPLACE "data/config.json" "/etc/aiload/config.json" AILOAD_PACKAGE_PROPERTIES "${AILOAD_PACKAGE_PROPERTIES}")
set(AILOAD_PACKAGE_ADDED_PROPERTIES "")
function(aiload_package_property key value)
  # The key's line (commented out or not) gets the value; a key the file lacks is added.
  string(REPLACE "." "\\." pattern "${key}")
  string(REGEX MATCH "\n#? *${pattern} *=" found "${AILOAD_PACKAGE_PROPERTIES}")
  string(REGEX REPLACE "\n#? *${pattern} *=[^\n]*" "\n${key} = ${value}" changed "${AILOAD_PACKAGE_PROPERTIES}")
  if(NOT found)
    string(APPEND AILOAD_PACKAGE_ADDED_PROPERTIES "${key} = ${value}\n")
  endif()
  set(AILOAD_PACKAGE_PROPERTIES "${changed}" PARENT_SCOPE)
  set(AILOAD_PACKAGE_ADDED_PROPERTIES "${AILOAD_PACKAGE_ADDED_PROPERTIES}" PARENT_SCOPE)
endfunction()
aiload_package_property(aiload.config /etc/aiload/config.json)
aiload_package_property(aiload.plugins.path /usr/lib/aiload/plugins)
aiload_package_property(aiload.accessLog.path /var/log/aiload/access.log)
aiload_package_property(logging.loggers.root.channel file)
string(APPEND AILOAD_PACKAGE_PROPERTIES "
# The package's: the log goes to a file that POCO rotates (10 MB, 5 kept); what stops
# start-up (an invalid config, a broken plugin) also goes to standard error: journalctl -u aiload.
${AILOAD_PACKAGE_ADDED_PROPERTIES}logging.channels.file.class = FileChannel
logging.channels.file.path = /var/log/aiload/aiload.log
logging.channels.file.rotation = 10 M
logging.channels.file.archive = number
logging.channels.file.purgeCount = 5
logging.channels.file.formatter.class = PatternFormatter
logging.channels.file.formatter.pattern = %Y-%m-%d %H:%M:%S.%i [%p] %s: %t
")
string(PREPEND AILOAD_PACKAGE_PROPERTIES [[
# The aiload package's settings: etc/aiload.properties of AILoad's source with the paths of
# the package. aiload.service runs `aiload --properties=/etc/aiload/aiload.properties` in
# /var/lib/aiload, where relative paths lead. A conffile: your changes survive upgrades.
]])
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/packaging/aiload.properties CONTENT "${AILOAD_PACKAGE_PROPERTIES}")

install(FILES ${PROJECT_BINARY_DIR}/packaging/aiload.properties
  DESTINATION /etc/aiload COMPONENT aiload EXCLUDE_FROM_ALL)
# The config the postinst puts at /etc/aiload/config.json (0600, aiload) when there is none.
install(FILES ${AILOAD_PACKAGE_SOURCE_DIR}/config.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/aiload COMPONENT aiload EXCLUDE_FROM_ALL)
install(FILES ${AILOAD_PACKAGE_SOURCE_DIR}/aiload.service
  DESTINATION ${AILOAD_SYSTEMD_UNIT_DIR} COMPONENT aiload EXCLUDE_FROM_ALL)
install(DIRECTORY DESTINATION /var/lib/aiload COMPONENT aiload EXCLUDE_FROM_ALL)
install(DIRECTORY DESTINATION /var/log/aiload COMPONENT aiload EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/README.zh.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/aiload COMPONENT aiload EXCLUDE_FROM_ALL)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/aiload COMPONENT aiload EXCLUDE_FROM_ALL)

set(CPACK_PACKAGE_NAME aiload)
set(CPACK_PACKAGE_VENDOR AILoad)
set(CPACK_PACKAGE_CONTACT "AILoad maintainers <maintainers@aiload.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL aiload aiload-plugin-dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${AILOAD_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)

# Descriptions: the first line is the synopsis (CPACK_PACKAGE_DESCRIPTION_SUMMARY is left unset,
# or CPack would put it before every one).
set(CPACK_DEBIAN_AILOAD_PACKAGE_NAME aiload)
set(CPACK_COMPONENT_AILOAD_DESCRIPTION [[one OpenAI-compatible endpoint in front of many model APIs
AILoad spreads the requests of OpenAI clients over many OpenAI-compatible
upstream model APIs and keys: it keeps a conversation on one model, fails
over when an upstream is rate-limited or down, and relays streams as they
come. This package runs it as the systemd service aiload, as the aiload
user, configured in /etc/aiload.]])
# The libraries come from dpkg-shlibdeps (cmake/PackagingDeb.cmake checks that it is there);
# the unit's ExecReload needs kill, upstream TLS the CA store.
set(CPACK_DEBIAN_AILOAD_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_AILOAD_PACKAGE_DEPENDS "ca-certificates, procps")
set(CPACK_DEBIAN_AILOAD_PACKAGE_CONTROL_EXTRA
  ${AILOAD_PACKAGE_SOURCE_DIR}/conffiles
  ${AILOAD_PACKAGE_SOURCE_DIR}/postinst
  ${AILOAD_PACKAGE_SOURCE_DIR}/prerm
  ${AILOAD_PACKAGE_SOURCE_DIR}/postrm)

set(CPACK_DEBIAN_AILOAD-PLUGIN-DEV_PACKAGE_NAME aiload-plugin-dev)
set(CPACK_DEBIAN_AILOAD-PLUGIN-DEV_PACKAGE_SECTION devel)
set(CPACK_COMPONENT_AILOAD-PLUGIN-DEV_DESCRIPTION [[AILoad strategy plugin SDK (headers and CMake package)
The headers and the CMake package (find_package(AILoadStrategy)) to build
strategy plugins for the AILoad gateway of the package aiload;
/usr/share/doc/aiload/docs/plugins.md shows how.]])
# Its Depends name the aiload version being packaged, which `cpack -R` may change: set at
# packaging time by the project config file.
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/PackagingDeb.cmake)

include(CPack)
