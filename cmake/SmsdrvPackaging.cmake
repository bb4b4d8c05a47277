# Where the packages put things, and how a program joins the tools package (docs/packaging.md).
#
#   smsdrv_package_tool(<target> "<one line saying what it is>")
#       installs the program into bin/ as part of the tools package (install component `tools`),
#       stripped, its debug information in the tools' debug package (component `tools-debug`), with a
#       manual page made from its --help and --version by help2man when it is installed.
#       Adding a program to the package is this one line beside its add_executable().
include(GNUInstallDirs)

# The driver package's copy of the channel folder (spec §1), from which smsmms-channel-install
# puts it into a server root. Relative to the installation prefix (/usr in the package).
set(SMSDRV_PACKAGED_CHANNEL_DIR "lib/smsmms-driver/channel-smsmms")
set(SMSDRV_MODULE_FILE_NAME "libsmsmms.so")

find_program(SMSDRV_HELP2MAN help2man)
find_program(SMSDRV_GZIP gzip)

# smsdrv_install_man_page(<name> <component> <program> "<description>"): at install time, runs
# help2man on <program> (a path, generator expressions allowed; it must answer --help and
# --version, "<name> <version>" first) and installs share/man/man1/<name>.1.gz. help2man
# missing: a warning, no page.
function(smsdrv_install_man_page name component program description)
  set(page "${CMAKE_CURRENT_BINARY_DIR}/${name}.1")
  install(CODE "
    if(NOT EXISTS \"${SMSDRV_HELP2MAN}\" OR NOT EXISTS \"${SMSDRV_GZIP}\")
      message(WARNING \"help2man or gzip not found: no manual page for ${name}\")
    else()
      execute_process(
        COMMAND \"${SMSDRV_HELP2MAN}\" --no-info --no-discard-stderr --section=1
                \"--name=${description}\" \"--output=${page}\" \"${program}\"
        RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR \"help2man failed for ${name} (${program})\")
      endif()
      execute_process(COMMAND \"${SMSDRV_GZIP}\" -9nf \"${page}\" RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR \"gzip failed for ${page}\")
      endif()
      file(INSTALL \"${page}.gz\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_MANDIR}/man1\"
           PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    endif()" COMPONENT ${component})
endfunction()

# smsdrv_install_stripped(<target> <destination> <component> [<debug component>]): installs the
# program or module stripped as Debian strips (dh_strip: --strip-unneeded, no .comment or .note
# section) and, in <debug component>, its debug information, compressed, under
# lib/debug/.build-id/<xx>/<rest of the build id>.debug, where gdb looks for it.
function(smsdrv_install_stripped target destination component)
  install(TARGETS ${target} RUNTIME DESTINATION ${destination} COMPONENT ${component}
                            LIBRARY DESTINATION ${destination} COMPONENT ${component})
  set(installed "\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${destination}/$<TARGET_FILE_NAME:${target}>")
  install(CODE "
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-unneeded --remove-section=.comment
                            --remove-section=.note \"${installed}\" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"strip failed: ${installed}\")
    endif()" COMPONENT ${component})
  if(ARGC GREATER 3)
    set(built "$<TARGET_FILE:${target}>")
    install(CODE "
      execute_process(COMMAND \"${CMAKE_READELF}\" -n \"${built}\" OUTPUT_VARIABLE notes
                      RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0 OR NOT notes MATCHES \"Build ID: ([0-9a-f][0-9a-f])([0-9a-f]+)\")
        message(FATAL_ERROR \"no build id in ${built}\")
      endif()
      set(dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/debug/.build-id/\${CMAKE_MATCH_1}\")
      file(MAKE_DIRECTORY \"\${dir}\")
      execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --only-keep-debug --compress-debug-sections
                              \"${built}\" \"\${dir}/\${CMAKE_MATCH_2}.debug\" RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR \"objcopy --only-keep-debug failed: ${built}\")
      endif()
      file(CHMOD \"\${dir}/\${CMAKE_MATCH_2}.debug\" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
           WORLD_READ)" COMPONENT ${ARGV3})
  endif()
endfunction()

function(smsdrv_package_tool target description)
  smsdrv_install_stripped(${target} ${CMAKE_INSTALL_BINDIR} tools tools-debug)
  smsdrv_install_man_page(${target} tools "$<TARGET_FILE:${target}>" "${description}")
endfunction()
