# SMSDRV_SANITIZE="address;undefined" instruments every target of the project.
if(SMSDRV_SANITIZE)
  set(_san_flags "")
  foreach(s IN LISTS SMSDRV_SANITIZE)
    list(APPEND _san_flags -fsanitize=${s})
  endforeach()
  list(APPEND _san_flags -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${_san_flags})
  add_link_options(${_san_flags})
  if("thread" IN_LIST SMSDRV_SANITIZE)
    # ThreadSanitizer does not model std::atomic_thread_fence, which Asio puts around every
    # handler it runs (GCC: -Wtsan). The handlers' hand-over between threads is ordered by the
    # scheduler's mutex, which TSan sees; without the fences it reports what really races.
    add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
  endif()
endif()
if(SMSDRV_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SMSDRV_FUZZ needs clang (libFuzzer); use the 'fuzz' preset")
  endif()
  # Undefined behaviour stops the fuzzer, as in the asan preset: a report that only scrolls by
  # would let the run pass. ubsan-ignorelist.txt names the one report ignored, and why.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all
                      -fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/cmake/ubsan-ignorelist.txt)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
