#include "host/request_parser.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>
#include <cstring>

#include "host/base64.hpp"
#include "host/pii.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::host {
namespace {

using pool = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
using document = rapidjson::GenericDocument<rapidjson::UTF8<>, pool, pool>;
using value = document::ValueType;

// Iterative parsing cannot overflow the stack on deeply nested input; invalid UTF-8 is refused
// because every string crossing the ABI is UTF-8.
constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseFullPrecisionFlag;

std::string_view view(const value& v) {
  return {v.GetString(), v.GetStringLength()};
}

bool has_nul(const value& v) {
  return std::strlen(v.GetString()) != v.GetStringLength();
}

request_problem invalid(std::string text) {
  return {SMSDRV_E_INVALID_ARGUMENT, std::move(text)};
}

std::string quoted(std::string_view s) {
  constexpr size_t max_shown = 64;
  std::string out = "\"";
  out.append(s.substr(0, max_shown));
  if (s.size() > max_shown) out += "...";
  out += '"';
  return out;
}

// Appends v's text (a number) to converted, NUL-terminated; returns its offset.
size_t convert_number(const value& v, std::string& converted) {
  char buf[32];
  std::to_chars_result r{};
  if (v.IsInt64())
    r = std::to_chars(buf, buf + sizeof buf, v.GetInt64());
  else if (v.IsUint64())
    r = std::to_chars(buf, buf + sizeof buf, v.GetUint64());
  else
    r = std::to_chars(buf, buf + sizeof buf, v.GetDouble());
  const size_t offset = converted.size();
  converted.append(buf, r.ptr);
  converted += '\0';
  return offset;
}

std::optional<request_problem> parse_user_data(const value& object, parsed_request& out,
                                               std::string& converted,
                                               std::vector<std::pair<size_t, size_t>>& fixups) {
  if (!object.IsObject()) return invalid("userData must be an object of strings");
  for (auto m = object.MemberBegin(); m != object.MemberEnd(); ++m) {
    const value& name = m->name;
    const value& v = m->value;
    if (has_nul(name)) return invalid("a userData key contains a NUL character");
    const std::string where = "userData." + std::string(view(name));
    const char* text = nullptr;
    switch (v.GetType()) {
      case rapidjson::kStringType:
        if (has_nul(v))
          return request_problem{SMSDRV_E_BAD_REQUEST, where + " contains a NUL character"};
        text = v.GetString();
        break;
      case rapidjson::kNumberType:
        fixups.emplace_back(out.values.size(), convert_number(v, converted));
        break;
      case rapidjson::kTrueType:
        text = "true";
        break;
      case rapidjson::kFalseType:
        text = "false";
        break;
      case rapidjson::kNullType:
        return request_problem{SMSDRV_E_BAD_REQUEST,
                               where + " is null; user data values are strings"};
      default:
        return request_problem{SMSDRV_E_BAD_REQUEST,
                               where + " is an " + (v.IsObject() ? "object" : "array") +
                                   "; user data values are strings (numbers and booleans are "
                                   "converted), nested values are not allowed"};
    }
    out.keys.push_back(name.GetString());
    out.values.push_back(text);
  }
  // converted_ may have moved while growing: pointers are taken once it is complete.
  for (const auto& [index, offset] : fixups)
    out.values[index] = converted.data() + offset;
  return std::nullopt;
}

std::optional<request_problem> parse_parts(const value& array, parsed_request& out) {
  if (!array.IsArray())
    return invalid("parts must be an array of {\"contentType\", \"name\", \"base64\"} objects");
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    const value& p = array[i];
    const std::string where = "parts[" + std::to_string(i) + "]";
    if (!p.IsObject()) return invalid(where + " must be an object");
    parsed_part part;
    bool has_type = false, has_bytes = false;
    for (auto m = p.MemberBegin(); m != p.MemberEnd(); ++m) {
      const std::string_view name = view(m->name);
      const value& v = m->value;
      if (name != "contentType" && name != "name" && name != "base64")
        return invalid("unknown member " + quoted(name) + " in " + where +
                       " (a part has contentType, name and base64)");
      if (!v.IsString() || has_nul(v))
        return request_problem{SMSDRV_E_BAD_REQUEST,
                               where + "." + std::string(name) + " must be a string"};
      if (name == "contentType") {
        part.content_type = std::string(view(v));
        has_type = !part.content_type.empty();
      } else if (name == "name") {
        part.name = std::string(view(v));
      } else {
        auto bytes = base64_decode(view(v));
        if (!bytes) return request_problem{SMSDRV_E_BAD_REQUEST, where + ".base64 is not base64"};
        part.bytes = std::move(*bytes);
        has_bytes = true;
      }
    }
    if (!has_type) return request_problem{SMSDRV_E_BAD_REQUEST, where + ".contentType is required"};
    if (!has_bytes) return request_problem{SMSDRV_E_BAD_REQUEST, where + ".base64 is required"};
    out.parts.push_back(std::move(part));
  }
  return std::nullopt;
}

}  // namespace

std::optional<request_problem> request_parser::parse(char* line, size_t len, parsed_request& out) {
  out.has_id = false;
  out.id = {};
  out.request = nullptr;
  out.channel = nullptr;
  out.keys.clear();
  out.values.clear();
  out.parts.clear();
  converted_.clear();
  fixups_.clear();
  line[len] = '\0';

  // Small requests parse without touching the heap; larger ones spill over into chunks.
  char value_buffer[4096];
  char stack_buffer[1024];
  pool value_alloc(value_buffer, sizeof value_buffer);
  pool stack_alloc(stack_buffer, sizeof stack_buffer);
  document doc(&value_alloc, sizeof stack_buffer, &stack_alloc);
  doc.ParseInsitu<parse_flags>(line);
  if (doc.HasParseError())
    return invalid("invalid JSON at column " + std::to_string(doc.GetErrorOffset() + 1) + ": " +
                   rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return invalid("a request must be a JSON object");

  // The id first, so that every later problem can be answered with an esp-response.
  const value* user_data = nullptr;
  if (const auto id = doc.FindMember("id"); id != doc.MemberEnd()) {
    if (!id->value.IsString() || id->value.GetStringLength() == 0 || has_nul(id->value))
      return invalid("id must be a non-empty string");
    out.has_id = true;
    out.id = view(id->value);
  }
  bool seen_request = false, seen_channel = false, seen_user_data = false, seen_id = false,
       seen_parts = false;
  const value* parts = nullptr;
  for (auto m = doc.MemberBegin(); m != doc.MemberEnd(); ++m) {
    const std::string_view name = view(m->name);
    const value& v = m->value;
    bool* seen = nullptr;
    if (name == "id") {
      seen = &seen_id;
    } else if (name == "request") {
      seen = &seen_request;
      if (!v.IsString() || v.GetStringLength() == 0 || has_nul(v))
        return invalid("request must be a non-empty string, e.g. \"SendSMS\"");
      out.request = v.GetString();
    } else if (name == "channel") {
      seen = &seen_channel;
      if (!v.IsString() || v.GetStringLength() == 0 || has_nul(v))
        return invalid("channel must be a non-empty string, e.g. \"channel-sms1\"");
      out.channel = v.GetString();
    } else if (name == "userData") {
      seen = &seen_user_data;
      user_data = &v;
    } else if (name == "parts") {
      seen = &seen_parts;
      parts = &v;
    } else {
      return invalid("unknown member " + quoted(name) +
                     " (a request has id, request, channel, userData and parts)");
    }
    if (*seen) return invalid("member " + quoted(name) + " appears twice");
    *seen = true;
  }
  if (out.request == nullptr) return invalid("missing member \"request\", e.g. \"SendSMS\"");
  if (user_data != nullptr) {
    if (auto problem = parse_user_data(*user_data, out, converted_, fixups_)) return problem;
  }
  if (parts != nullptr) {
    if (auto problem = parse_parts(*parts, out)) return problem;
  }
  if (out.channel == nullptr) {
    for (size_t i = 0; i < out.keys.size(); ++i)
      if (std::strcmp(out.keys[i], "_umsChannel") == 0 && out.values[i][0] != '\0')
        out.channel = out.values[i];
  }
  // PII requests are answered by the host itself (host/pii.hpp): they need no channel.
  if (out.channel == nullptr && !is_pii_request(out.request))
    return invalid("missing member \"channel\" (or userData._umsChannel), e.g. \"channel-sms1\"");
  return std::nullopt;
}

}  // namespace smsdrv::host
