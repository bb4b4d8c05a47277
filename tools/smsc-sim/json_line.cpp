#include "json_line.hpp"

#include <charconv>
#include <cmath>

namespace smsdrv::sim {
namespace {
constexpr char digits[] = "0123456789abcdef";
}

void append_hex(std::string& out, std::string_view bytes) {
  const std::size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* p = out.data() + at;
  for (unsigned char c : bytes) {
    *p++ = digits[c >> 4];
    *p++ = digits[c & 15];
  }
}

json_line::json_line(std::string& out) : out_(out) {
  out_.push_back('{');
}

void json_line::key(std::string_view k) {
  if (!first_) out_.push_back(',');
  first_ = false;
  quoted(k);
  out_.push_back(':');
}

void json_line::quoted(std::string_view s) {
  out_.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out_.push_back('\\');
      out_.push_back(c);
    } else if (u < 0x20 || u >= 0x7F) {
      out_ += "\\u00";
      out_.push_back(digits[u >> 4]);
      out_.push_back(digits[u & 15]);
    } else {
      out_.push_back(c);
    }
  }
  out_.push_back('"');
}

json_line& json_line::str(std::string_view k, std::string_view value) {
  key(k);
  quoted(value);
  return *this;
}

json_line& json_line::num(std::string_view k, std::uint64_t value) {
  key(k);
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, p);
  return *this;
}

json_line& json_line::real(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) value = 0;
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 3);
  out_.append(buf, p);
  return *this;
}

json_line& json_line::boolean(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

json_line& json_line::hex(std::string_view k, std::string_view bytes) {
  key(k);
  out_.push_back('"');
  append_hex(out_, bytes);
  out_.push_back('"');
  return *this;
}

json_line& json_line::null(std::string_view k) {
  key(k);
  out_ += "null";
  return *this;
}

json_line& json_line::begin_object(std::string_view k) {
  key(k);
  out_.push_back('{');
  first_ = true;
  return *this;
}

json_line& json_line::end_object() {
  out_.push_back('}');
  first_ = false;
  return *this;
}

void json_line::finish() {
  out_ += "}\n";
}

}  // namespace smsdrv::sim
