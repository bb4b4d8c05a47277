#include "abi/request_parts.hpp"

#include <fmt/format.h>

#include "abi/struct_prefix.hpp"

namespace smsdrv::abi {

parts_check read_parts(const smsdrv_request& request) {
  parts_check out;
  if (request.part_count == 0) return out;
  auto refuse = [&](std::int32_t status, std::string problem) {
    out.status = status;
    out.problem = std::move(problem);
    out.parts.clear();
    return out;
  };
  if (request.parts == nullptr)
    return refuse(SMSDRV_E_INVALID_ARGUMENT,
                  fmt::format("send: part_count is {} but parts is NULL", request.part_count));
  out.parts.reserve(request.part_count);
  for (std::uint32_t i = 0; i < request.part_count; ++i) {
    const smsdrv_part* p = request.parts[i];
    if (p == nullptr)
      return refuse(SMSDRV_E_INVALID_ARGUMENT, fmt::format("send: parts[{}] is NULL", i));
    if (p->struct_size < SMSDRV_PART_SIZE_1_2)
      return refuse(SMSDRV_E_ABI_MISMATCH,
                    fmt::format("send: parts[{}].struct_size is {}; the smallest this driver "
                                "accepts is {} (ABI 1.2)",
                                i, p->struct_size, SMSDRV_PART_SIZE_1_2));
    smsdrv_part part = prefix_of(*p);
    if (part.content_type == nullptr || part.content_type[0] == '\0')
      return refuse(SMSDRV_E_INVALID_ARGUMENT,
                    fmt::format("send: parts[{}].content_type is missing", i));
    if (part.data == nullptr && part.size > 0)
      return refuse(SMSDRV_E_INVALID_ARGUMENT,
                    fmt::format("send: parts[{}].data is NULL with a size of {}", i, part.size));
    if (part.name == nullptr) part.name = "";
    out.parts.push_back(part);
  }
  return out;
}

}  // namespace smsdrv::abi
