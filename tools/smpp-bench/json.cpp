#include "json.hpp"

#include <rapidjson/document.h>

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

json_writer& json_writer::str(std::string_view k, std::string_view value) {
  writer_.str(k, value);
  return *this;
}

json_writer& json_writer::num(std::string_view k, double value, int decimals) {
  writer_.fixed(k, value, decimals);
  return *this;
}

json_writer& json_writer::integer(std::string_view k, std::int64_t value) {
  writer_.num(k, value);
  return *this;
}

json_writer& json_writer::boolean(std::string_view k, bool value) {
  writer_.boolean(k, value);
  return *this;
}

json_writer& json_writer::raw(std::string_view k, std::string_view json) {
  writer_.raw(k, json);
  return *this;
}

json_writer& json_writer::begin_object(std::string_view k) {
  writer_.begin_object(k);
  return *this;
}

json_writer& json_writer::end_object() {
  writer_.end_object();
  return *this;
}

std::string json_writer::line() {
  writer_.finish();
  text_.pop_back();  // the newline
  return std::move(text_);
}

}  // namespace smsdrv::bench
