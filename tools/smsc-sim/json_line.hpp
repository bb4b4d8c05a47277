// A small JSON writer for the event lines on stdout: appends to a caller's string (no
// allocation once it has grown), always produces valid JSON whatever the bytes (octets above
// 0x7F are written as \u00XX, i.e. read as Latin-1; binary data goes through hex()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace smsdrv::sim {

class json_line {
 public:
  // Starts `{` at the end of out.
  explicit json_line(std::string& out);

  json_line& str(std::string_view key, std::string_view value);
  json_line& num(std::string_view key, std::uint64_t value);
  template <class Int>
  requires std::is_unsigned_v<Int> json_line& num(std::string_view key, Int value) {
    return num(key, static_cast<std::uint64_t>(value));
  }
  json_line& real(std::string_view key, double value);  // three decimals
  json_line& boolean(std::string_view key, bool value);
  json_line& hex(std::string_view key, std::string_view bytes);
  json_line& null(std::string_view key);
  json_line& begin_object(std::string_view key);
  json_line& end_object();
  // Ends the object and the line with "}\n".
  void finish();

 private:
  void key(std::string_view k);
  void quoted(std::string_view s);

  std::string& out_;
  bool first_ = true;
};

// Lower-case hex of bytes, appended.
void append_hex(std::string& out, std::string_view bytes);

}  // namespace smsdrv::sim
