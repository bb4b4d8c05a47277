#include "command.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>

namespace smsdrv::sim {
namespace {

// A TLV tag: "0x0424" (hex, as events print them) or "1060" (decimal, as a TLV spec string
// writes them: docs/options.md).
bool parse_tag(std::string_view text, unsigned& tag) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), tag, base);
  return !text.empty() && ec == std::errc() && p == text.data() + text.size() && tag <= 0xFFFF;
}

std::string tlvs_to_hex(const rapidjson::Value& object, std::string& error) {
  std::string hex;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    unsigned tag = 0;
    if (!parse_tag(name, tag)) {
      error = fmt::format("tlvs: '{}' is not a tag (0x0424 or decimal 1060)", name);
      return {};
    }
    if (!it->value.IsString() || it->value.GetStringLength() % 2 != 0 ||
        it->value.GetStringLength() / 2 > 0xFFFF) {
      error = fmt::format("tlvs: the value of '{}' must be an even-length hex string", name);
      return {};
    }
    const std::size_t len = it->value.GetStringLength() / 2;
    hex += fmt::format("{:04x}{:04x}", tag, len);
    hex.append(it->value.GetString(), it->value.GetStringLength());
  }
  return hex;
}

}  // namespace

const std::string* command::arg(std::string_view key) const noexcept {
  for (const auto& [k, v] : args)
    if (k == key) return &v;
  return nullptr;
}

std::string parse_command(std::string_view line, command& out) {
  out = command{};
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError())
    return fmt::format("not JSON: {} at offset {}",
                       rapidjson::GetParseError_En(doc.GetParseError()), doc.GetErrorOffset());
  if (!doc.IsObject()) return "a command is a JSON object";
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    const rapidjson::Value& v = it->value;
    std::string value;
    if (v.IsString()) {
      value.assign(v.GetString(), v.GetStringLength());
    } else if (v.IsBool()) {
      value = v.GetBool() ? "true" : "false";
    } else if (v.IsUint64()) {
      value = std::to_string(v.GetUint64());
    } else if (v.IsInt64()) {
      value = std::to_string(v.GetInt64());
    } else if (v.IsDouble()) {
      value = fmt::format("{}", v.GetDouble());
    } else if (v.IsObject() && key == "tlvs") {
      std::string error;
      value = tlvs_to_hex(v, error);
      if (!error.empty()) return error;
    } else if (v.IsNull()) {
      continue;
    } else {
      return fmt::format("member '{}' has a type the command does not take", key);
    }
    if (key == "cmd")
      out.name = std::move(value);
    else
      out.args.emplace_back(std::move(key), std::move(value));
  }
  if (out.name.empty()) return "missing \"cmd\"";
  return {};
}

}  // namespace smsdrv::sim
