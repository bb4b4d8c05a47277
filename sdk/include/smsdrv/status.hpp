// status.hpp - names and messages of the ABI's status codes, from the one table in smsdrv.h.
//
// Header-only and free of any other dependency, so the driver's own api table and the host
// wrapper (smsdrv.hpp) answer status_name/status_message from the same expansion of
// SMSDRV_STATUS_MAP. A code not in the table gets a generic name and message by its sign.
#ifndef SMSDRV_STATUS_HPP
#define SMSDRV_STATUS_HPP

#include <cstdint>

#include "smsdrv/smsdrv.h"

namespace smsdrv {

// "SMSDRV_E_QUEUE_FULL" for SMSDRV_E_QUEUE_FULL.
inline const char* status_name(int32_t status) noexcept {
  switch (status) {
#define SMSDRV_STATUS_NAME_(name, value, message) \
  case value:                                     \
    return "SMSDRV_" #name;
    SMSDRV_STATUS_MAP(SMSDRV_STATUS_NAME_)
#undef SMSDRV_STATUS_NAME_
  }
  return status < 0 ? "SMSDRV_E_UNKNOWN" : "SMSDRV_OK_UNKNOWN";
}

// The table's one-line explanation of a status.
inline const char* status_message(int32_t status) noexcept {
  switch (status) {
#define SMSDRV_STATUS_MESSAGE_(name, value, message) \
  case value:                                        \
    return message;
    SMSDRV_STATUS_MAP(SMSDRV_STATUS_MESSAGE_)
#undef SMSDRV_STATUS_MESSAGE_
  }
  return status < 0 ? "unknown error status" : "unknown success status";
}

}  // namespace smsdrv

#endif  // SMSDRV_STATUS_HPP
