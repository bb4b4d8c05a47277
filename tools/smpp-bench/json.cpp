#include "json.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <cmath>

namespace smsdrv::bench {

std::optional<json_object> json_object::parse(std::string_view line) {
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  json_object o;
  o.text_ = std::string(line);
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsNumber())
      o.numbers_.emplace_back(std::move(name), it->value.GetDouble());
    else if (it->value.IsString())
      o.strings_.emplace_back(std::move(name),
                              std::string(it->value.GetString(), it->value.GetStringLength()));
    else if (it->value.IsBool())
      o.numbers_.emplace_back(std::move(name), it->value.GetBool() ? 1.0 : 0.0);
  }
  return o;
}

std::optional<double> json_object::number(std::string_view key) const {
  for (const auto& [k, v] : numbers_)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<std::string> json_object::string(std::string_view key) const {
  for (const auto& [k, v] : strings_)
    if (k == key) return v;
  return std::nullopt;
}

bool json_object::has(std::string_view key) const {
  return number(key) || string(key);
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

void json_writer::key(std::string_view k) {
  if (!body_.empty()) body_.push_back(',');
  body_ += json_quote(k);
  body_.push_back(':');
}

json_writer& json_writer::str(std::string_view k, std::string_view value) {
  key(k);
  body_ += json_quote(value);
  return *this;
}

json_writer& json_writer::num(std::string_view k, double value, int decimals) {
  key(k);
  if (!std::isfinite(value))
    body_ += "null";
  else
    body_ += fmt::format("{:.{}f}", value, decimals);
  return *this;
}

json_writer& json_writer::integer(std::string_view k, std::int64_t value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

json_writer& json_writer::boolean(std::string_view k, bool value) {
  key(k);
  body_ += value ? "true" : "false";
  return *this;
}

json_writer& json_writer::raw(std::string_view k, std::string_view json) {
  key(k);
  body_ += json;
  return *this;
}

}  // namespace smsdrv::bench
