# smsdrv_set_warnings(<target>): the project's warning set; -Werror comes from the presets
# (SMSDRV_WERROR), never hard-coded, so a newer compiler cannot break a user's build.
function(smsdrv_set_warnings target)
  set(common -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused -Wformat=2
             -Wimplicit-fallthrough -Wmissing-declarations)
  set(cxx_only -Wnon-virtual-dtor -Woverloaded-virtual)
  if(SMSDRV_WERROR)
    list(APPEND common -Werror)
  endif()
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${common} ${cxx_only}>
    $<$<COMPILE_LANGUAGE:C>:${common}>)
endfunction()
