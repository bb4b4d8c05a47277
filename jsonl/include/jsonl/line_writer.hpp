// line_writer: one JSON object (RFC 8259) per line, appended to a caller's std::string, written
// by RapidJSON's Writer. Whatever the bytes given, the line is valid JSON:
//   - strings::utf8 (the default): a byte that does not begin a well-formed UTF-8 sequence
//     (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF) becomes U+FFFD;
//   - strings::octets: every byte is one character, U+0000..U+00FF (as ISO 8859-1), so that
//     octet strings from a peer come through unchanged and unambiguous;
//   - control characters are escaped (\n, \t, ..., \u001F), as are '"' and '\\'.
// Members are written in call order. The caller closes every object and array it opens before
// finish(); after finish() the writer must not be used.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace smsdrv::jsonl {

enum class strings { utf8, octets };

class line_writer {
 public:
  // Starts `{` at the end of out. out must outlive the writer.
  explicit line_writer(std::string& out, strings mode = strings::utf8);
  ~line_writer();
  line_writer(const line_writer&) = delete;
  line_writer& operator=(const line_writer&) = delete;

  // Members of the current object. Each has its own name, so that a const char* value can never
  // silently pick the bool overload.
  line_writer& str(std::string_view key, std::string_view value);
  template <std::integral Int>
  requires(!std::same_as<Int, bool>) line_writer& num(std::string_view key, Int value) {
    if constexpr (std::is_signed_v<Int>)
      return signed_number(key, static_cast<std::int64_t>(value));
    else
      return unsigned_number(key, static_cast<std::uint64_t>(value));
  }
  // value with exactly `decimals` digits after the point (0: none); not finite: null.
  line_writer& fixed(std::string_view key, double value, int decimals);
  line_writer& boolean(std::string_view key, bool value);
  line_writer& null(std::string_view key);
  // bytes as a string of lower-case hex digits, two per byte.
  line_writer& hex(std::string_view key, std::string_view bytes);
  // json, which the caller guarantees is one complete JSON value, as it is.
  line_writer& raw(std::string_view key, std::string_view json);
  line_writer& begin_object(std::string_view key);
  line_writer& end_object();
  line_writer& begin_array(std::string_view key);
  line_writer& end_array();

  // Elements of the current array.
  line_writer& item(std::string_view value);
  line_writer& begin_object();

  // Ends the outermost object and the line ("}\n").
  void finish();

 private:
  line_writer& signed_number(std::string_view key, std::int64_t value);
  line_writer& unsigned_number(std::string_view key, std::uint64_t value);

  struct impl;
  impl& self() noexcept;
  // The RapidJSON writer, its buffer and level stack live here, not on the heap: a line of up to
  // about 700 bytes costs no allocation beyond out's growth (line_writer.cpp checks that impl
  // fits).
  static constexpr std::size_t impl_size = 1408;
  alignas(std::max_align_t) unsigned char storage_[impl_size];
};

// Appends s as one JSON string literal, quotes included, by the same rules.
void append_string(std::string& out, std::string_view s, strings mode = strings::utf8);

// s with every byte that does not begin a well-formed UTF-8 sequence replaced by U+FFFD
// (what line_writer does to strings in strings::utf8).
std::string valid_utf8(std::string_view s);

}  // namespace smsdrv::jsonl
