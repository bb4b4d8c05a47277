# cmake -DTOOL=<smsdrv-options> -DMODE=cfg|md -DEXPECTED=<committed file> -DACTUAL=<scratch file>
#       -P check_generated.cmake
# Fails when the committed file differs from what the option table generates now.
execute_process(COMMAND ${TOOL} ${MODE} -o ${ACTUAL} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TOOL} ${MODE} failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${ACTUAL} ${EXPECTED} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXPECTED} does not match the option table (generated: ${ACTUAL}).\n"
                      "Run: cmake --build --preset dev --target options-regenerate")
endif()
