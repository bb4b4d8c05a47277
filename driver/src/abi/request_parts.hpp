// The parts of a request (ABI 1.2 smsdrv_request.parts), checked and read by their struct_size
// prefix (struct_prefix.hpp): each part pointer set, its struct at least the 1.2 size, its
// content type set, its data set when it has a size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "smsdrv/smsdrv.h"

namespace smsdrv::abi {

struct parts_check {
  std::int32_t status = SMSDRV_OK;  // SMSDRV_E_INVALID_ARGUMENT or SMSDRV_E_ABI_MISMATCH
  std::string problem;              // names the part and the field
  std::vector<smsdrv_part> parts;   // copies of the structs (the bytes stay the host's)
};

parts_check read_parts(const smsdrv_request& request);

}  // namespace smsdrv::abi
