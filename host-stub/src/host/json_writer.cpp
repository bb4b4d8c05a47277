#include "host/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "host/base64.hpp"

namespace smsdrv::host {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF), or 0 when it is invalid.
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  const size_t left = s.size() - i;
  auto cont = [&](size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  size_t i = 0;
  auto flush = [&] { out.append(s.data() + run, i - run); };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const size_t n = utf8_sequence(s, i); n != 0) {
        i += n;
        continue;
      }
      flush();
      out += replacement;
      run = ++i;
      continue;
    }
    flush();
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        const char esc[] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
    run = ++i;
  }
  flush();
  out += '"';
}

void json_line::key(std::string_view k) {
  if (!first_) out_ += ',';
  first_ = false;
  append_json_string(out_, k);
  out_ += ':';
}

json_line& json_line::str(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(out_, value);
  return *this;
}

json_line& json_line::num(std::string_view k, int64_t value) {
  key(k);
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, res.ptr);
  return *this;
}

json_line& json_line::boolean(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

json_line& json_line::string_map(std::string_view k, uint32_t count, const char* const* keys,
                                 const char* const* values) {
  begin_object(k);
  for (uint32_t i = 0; i < count; ++i) {
    const char* name = keys != nullptr && keys[i] != nullptr ? keys[i] : "";
    const char* value = values != nullptr && values[i] != nullptr ? values[i] : "";
    str(name, value);
  }
  return end_object();
}

json_line& json_line::parts(std::string_view k, uint32_t count, const smsdrv_part* const* parts) {
  key(k);
  out_ += '[';
  for (uint32_t i = 0; i < count && parts != nullptr && parts[i] != nullptr; ++i) {
    // Read by the prefix its struct_size covers (a newer driver may append fields).
    smsdrv_part p{};
    std::memcpy(&p, parts[i], std::min<size_t>(parts[i]->struct_size, sizeof p));
    if (i > 0) out_ += ',';
    out_ += '{';
    first_ = true;
    str("contentType", p.content_type != nullptr ? p.content_type : "");
    str("name", p.name != nullptr ? p.name : "");
    num("size", static_cast<int64_t>(p.data != nullptr ? p.size : 0));
    const std::string_view bytes(reinterpret_cast<const char*>(p.data),
                                 p.data != nullptr ? static_cast<size_t>(p.size) : 0);
    str("base64", base64_encode(bytes));
    out_ += '}';
  }
  out_ += ']';
  first_ = false;
  return *this;
}

json_line& json_line::begin_object(std::string_view k) {
  key(k);
  out_ += '{';
  first_ = true;
  return *this;
}

json_line& json_line::end_object() {
  out_ += '}';
  first_ = false;
  return *this;
}

}  // namespace smsdrv::host
