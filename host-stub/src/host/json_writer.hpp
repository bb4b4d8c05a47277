// json_writer.hpp - appends one JSON object per line to a caller's buffer, without allocating
// beyond the buffer's growth. Output is always valid JSON: strings are escaped and invalid UTF-8
// (which a driver should never produce) is replaced by U+FFFD.
#ifndef SMSDRV_HOST_JSON_WRITER_HPP
#define SMSDRV_HOST_JSON_WRITER_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "smsdrv/smsdrv.h"

namespace smsdrv::host {

// Appends s as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

// Writes {"k":v,...}\n into out. Member names are distinct per call site so that a const char*
// value can never silently pick the bool overload.
class json_line {
 public:
  explicit json_line(std::string& out) : out_(out) { out_ += '{'; }
  json_line(const json_line&) = delete;
  json_line& operator=(const json_line&) = delete;

  json_line& str(std::string_view key, std::string_view value);
  json_line& num(std::string_view key, int64_t value);
  json_line& boolean(std::string_view key, bool value);
  // key: {keys[0]: values[0], ...}; NULL keys or values are written as "".
  json_line& string_map(std::string_view key, uint32_t count, const char* const* keys,
                        const char* const* values);
  json_line& begin_object(std::string_view key);
  json_line& end_object();
  // key: [{"contentType":..., "name":..., "size":N, "base64":...}, ...] for ABI 1.2 parts.
  json_line& parts(std::string_view key, uint32_t count, const smsdrv_part* const* parts);
  // Closes the outermost object and ends the line.
  void finish() { out_ += "}\n"; }

 private:
  void key(std::string_view k);

  std::string& out_;
  bool first_ = true;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_JSON_WRITER_HPP
