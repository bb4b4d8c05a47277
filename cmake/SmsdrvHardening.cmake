# SMSDRV_HARDENING (ON): the hardening Debian builds its packages with (dpkg-buildflags with
# hardening=+all, less PIE, which the compiler already defaults to), for every target:
#   -fstack-protector-strong        a canary in functions with arrays or address-taken locals
#   -D_FORTIFY_SOURCE=2             bounds-checked memcpy, snprintf, ... where sizes are known;
#                                   optimised builds only (it needs -O), and not with sanitizers,
#                                   whose interceptors it would bypass
#   -Wl,-z,relro -Wl,-z,now         relocations resolved at load time, then made read-only
option(SMSDRV_HARDENING "Build with stack protector, _FORTIFY_SOURCE and full RELRO" ON)
if(SMSDRV_HARDENING)
  add_compile_options(-fstack-protector-strong)
  if(NOT SMSDRV_SANITIZE AND NOT SMSDRV_FUZZ)
    add_compile_definitions($<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:_FORTIFY_SOURCE=2>)
  endif()
  add_link_options(LINKER:-z,relro LINKER:-z,now)
endif()
