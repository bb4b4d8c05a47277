# The Debian packages (docs/packaging.md), built with CPack from an existing build tree by
# packaging/build-packages.sh <build dir> <output dir> (make packages): smsmms-driver,
# smsmms-tools and smsdrv-dev (.deb), and the debug symbols of the first two
# (<package>-dbgsym_<version>_<arch>.ddeb: CPack can only name them .deb, the script renames them,
# so that `apt install ./*.deb` leaves them out). The version is PROJECT_VERSION; the contents are
# the install components of the same names (packaging/CMakeLists.txt, smsdrv_package_tool()). The
# programs and the module are stripped and their debug information split off at install time
# (smsdrv_install_stripped), not by CPack's own debuginfo packages, whose CMake 3.25 version lists
# the build machine's paths in md5sums and leaves the .debug files executable.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME smsmms)
set(CPACK_PACKAGE_VENDOR "SMS/MMS channel driver authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${SMSDRV_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL driver tools sdk driver-debug tools-debug)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SMSDRV_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)

set(CPACK_DEBIAN_DRIVER_PACKAGE_NAME smsmms-driver)
set(CPACK_DEBIAN_DRIVER_PACKAGE_SECTION net)
set(CPACK_COMPONENT_DRIVER_DESCRIPTION "SMS/MMS channel driver (SMPP v3.4) for messaging servers
A channel driver module for a digital messaging server: business processes
send SMS through it, inbound SMS and delivery reports come back as
interactions. It speaks SMPP v3.4 (plain or TLS) to an operator's SMSC,
with nothing lost on link loss, failover or shutdown.
.
The package keeps the driver's channel folder (the module, every option with
its default, the log masking rules, business process examples, the
uninstaller) in /usr/lib/smsmms-driver; smsmms-channel-install puts it into a
server root and smsmms-channel-uninstall takes it out again.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME smsmms-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "python3")
set(CPACK_DEBIAN_TOOLS_PACKAGE_RECOMMENDS "smsmms-driver (= ${PROJECT_VERSION})")
set(CPACK_COMPONENT_TOOLS_DESCRIPTION "reference host, SMSC and MMSC simulators and load tool for SMS/MMS drivers
Programs to run, test and measure channel drivers of the smsdrv C ABI:
 - dms-stub, a reference messaging server host: options files, driver modules,
   requests and events as JSON lines, Prometheus metrics;
 - smsc-sim, an SMPP v3.4 SMSC simulator with fault injection;
 - mmsc-sim, an MM7 MMSC simulator with fault injection;
 - smpp-bench, the load tool, with smsc-sim-flood (a pipelining SMPP client)
   and http-sink (a loopback HTTP peer);
 - smsmms-demo, the driver's demo run from the installed packages.")

set(CPACK_DEBIAN_SDK_PACKAGE_NAME smsdrv-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_COMPONENT_SDK_DESCRIPTION "SDK for SMS/MMS channel drivers and their hosts (smsdrv C ABI)
The C99 header of the smsdrv channel driver ABI (smsdrv/smsdrv.h), a
header-only C++ wrapper for hosts (smsdrv/smsdrv.hpp), a CMake package
(find_package(smsdrv): smsdrv::sdk, smsdrv::host) and a pkg-config file
(smsdrv). A driver is a shared module exporting one function that returns a
versioned table of functions.")

foreach(package driver tools)
  string(TOUPPER "${package}" upper)
  set(CPACK_DEBIAN_${upper}-DEBUG_PACKAGE_NAME smsmms-${package}-dbgsym)
  set(CPACK_DEBIAN_${upper}-DEBUG_PACKAGE_SECTION debug)
  set(CPACK_DEBIAN_${upper}-DEBUG_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_${upper}-DEBUG_PACKAGE_DEPENDS "smsmms-${package} (= ${PROJECT_VERSION})")
  set(CPACK_COMPONENT_${upper}-DEBUG_DESCRIPTION "debug symbols for smsmms-${package}
The debug information of the stripped programs and module of smsmms-${package},
under /usr/lib/debug/.build-id/, where gdb finds it by their build ids.")
endforeach()

include(CPack)
