#include "host/json_writer.hpp"

#include <algorithm>
#include <cstring>

#include "host/base64.hpp"

namespace smsdrv::host {

json_line& json_line::string_map(std::string_view k, uint32_t count, const char* const* keys,
                                 const char* const* values) {
  begin_object(k);
  for (uint32_t i = 0; i < count; ++i) {
    const char* name = keys != nullptr && keys[i] != nullptr ? keys[i] : "";
    const char* value = values != nullptr && values[i] != nullptr ? values[i] : "";
    str(name, value);
  }
  end_object();
  return *this;
}

json_line& json_line::parts(std::string_view k, uint32_t count, const smsdrv_part* const* parts) {
  begin_array(k);
  for (uint32_t i = 0; i < count && parts != nullptr && parts[i] != nullptr; ++i) {
    // Read by the prefix its struct_size covers (a newer driver may append fields).
    smsdrv_part p{};
    std::memcpy(&p, parts[i], std::min<size_t>(parts[i]->struct_size, sizeof p));
    const std::string_view bytes(reinterpret_cast<const char*>(p.data),
                                 p.data != nullptr ? static_cast<size_t>(p.size) : 0);
    begin_object()
        .str("contentType", p.content_type != nullptr ? p.content_type : "")
        .str("name", p.name != nullptr ? p.name : "")
        .num("size", bytes.size())
        .str("base64", base64_encode(bytes))
        .end_object();
  }
  end_array();
  return *this;
}

}  // namespace smsdrv::host
