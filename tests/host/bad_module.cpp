// bad_module.cpp - driver modules dms-stub must refuse with a clear error naming the file:
// BAD_MODULE_NO_ENTRY exports no smsdrv_driver_entry; otherwise the entry point refuses every
// ABI version (as a driver built for another major version does).
#include "smsdrv/smsdrv.h"

#ifdef BAD_MODULE_NO_ENTRY
extern "C" SMSDRV_EXPORT int smsdrv_not_the_entry_point(void);
extern "C" SMSDRV_EXPORT int smsdrv_not_the_entry_point(void) {
  return 0;
}
#else
extern "C" SMSDRV_EXPORT const smsdrv_driver_api* smsdrv_driver_entry(uint32_t) {
  return nullptr;
}
#endif
