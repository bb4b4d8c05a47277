// json_writer.hpp - dms-stub's JSON lines (docs/esp.md): jsonl::line_writer, plus the ABI's
// key/value arrays and message parts as members. Strings are UTF-8; a byte that is not (which a
// driver should never produce) becomes U+FFFD, so that every line is valid JSON.
#ifndef SMSDRV_HOST_JSON_WRITER_HPP
#define SMSDRV_HOST_JSON_WRITER_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "jsonl/line_writer.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::host {

// Appends s as a JSON string literal, quotes included (UTF-8, repaired like json_line's).
inline void append_json_string(std::string& out, std::string_view s) {
  jsonl::append_string(out, s);
}

class json_line : public jsonl::line_writer {
 public:
  explicit json_line(std::string& out) : line_writer(out) {}

  // key: {keys[0]: values[0], ...}; NULL keys or values are written as "".
  json_line& string_map(std::string_view key, uint32_t count, const char* const* keys,
                        const char* const* values);
  // key: [{"contentType":..., "name":..., "size":N, "base64":...}, ...] for ABI 1.2 parts, each
  // read by the prefix its struct_size covers (docs/ABI.md).
  json_line& parts(std::string_view key, uint32_t count, const smsdrv_part* const* parts);
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_JSON_WRITER_HPP
