#include "privacy/filter_spec.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <boost/regex.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace smsdrv::privacy {
namespace {

constexpr std::string_view filter_rule_shape =
    "copy, hide, skip, hide-first,N, hide-last,N, unhide-first,N or unhide-last,N (N from 1 to "
    "65535)";

// JSON pointer escaping (RFC 6901 §3): '~' -> "~0", '/' -> "~1".
std::string pointer_part(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out.push_back(c);
  }
  return out;
}

// Values quoted in messages: cut, control characters as \xNN.
std::string shown(std::string_view v) {
  std::string out;
  for (char c : v.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F)
      out += fmt::format("\\x{:02x}", u);
    else
      out.push_back(c);
  }
  if (v.size() > 64) out += "...";
  return out;
}

class spec_reader {
 public:
  spec_reader(std::string_view source, spec_result& result) : source_(source), result_(result) {}

  void read(const rapidjson::Value& root) {
    if (!root.IsObject()) return error("", "must be a JSON object");
    for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
      const std::string_view name(it->name.GetString(), it->name.GetStringLength());
      const std::string at = "/" + pointer_part(name);
      if (name == "version") {
        if (!it->value.IsInt() || it->value.GetInt() != 1)
          error(at, "must be 1 (the only version of this format)");
      } else if (name == "comment") {
        if (!it->value.IsString()) error(at, "must be a string");
      } else if (name == "keys") {
        keys(it->value, at);
      } else if (name == "fields") {
        fields(it->value, at);
      } else if (name == "patterns") {
        patterns(it->value, at);
      } else {
        error(at, "unknown member (expected version, comment, keys, fields or patterns)");
      }
    }
  }

 private:
  void error(const std::string& at, std::string_view problem) {
    result_.errors.push_back(
        fmt::format("{}: {}: {}", source_, at.empty() ? std::string("/") : at, problem));
  }

  std::optional<filter_rule> rule(const rapidjson::Value& v, const std::string& at) {
    if (!v.IsString()) {
      error(at, fmt::format("must be a string: {}", filter_rule_shape));
      return std::nullopt;
    }
    const std::string_view text(v.GetString(), v.GetStringLength());
    auto r = parse_filter_rule(text);
    if (!r) error(at, fmt::format("'{}' is not {}", shown(text), filter_rule_shape));
    return r;
  }

  void keys(const rapidjson::Value& v, const std::string& at) {
    if (!v.IsObject()) return error(at, "must be an object of \"<user-data key>\": \"<rule>\"");
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string key(it->name.GetString(), it->name.GetStringLength());
      const std::string where = at + "/" + pointer_part(key);
      if (key.empty()) {
        error(where, "a user-data key must not be empty");
        continue;
      }
      if (auto r = rule(it->value, where)) result_.spec.keys.emplace_back(key, *r);
    }
  }

  void fields(const rapidjson::Value& v, const std::string& at) {
    if (!v.IsObject())
      return error(at, "must be an object of \"<PDU field>\": [\"<user-data key>\", ...]");
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string field(it->name.GetString(), it->name.GetStringLength());
      const std::string where = at + "/" + pointer_part(field);
      if (!it->value.IsArray()) {
        error(where, "must be an array of user-data keys");
        continue;
      }
      std::vector<std::string> keys;
      bool good = true;
      for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
        const auto& k = it->value[i];
        if (!k.IsString() || k.GetStringLength() == 0) {
          error(fmt::format("{}/{}", where, i), "must be a non-empty string (a user-data key)");
          good = false;
          continue;
        }
        keys.emplace_back(k.GetString(), k.GetStringLength());
      }
      if (good) result_.spec.fields.emplace_back(field, std::move(keys));
    }
  }

  void patterns(const rapidjson::Value& v, const std::string& at) {
    if (!v.IsArray())
      return error(at, "must be an array of {\"name\": ..., \"regex\": ..., \"filter\": ...}");
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const std::string where = fmt::format("{}/{}", at, i);
      const auto& p = v[i];
      if (!p.IsObject()) {
        error(where, "must be an object with name, regex and filter");
        continue;
      }
      pattern_rule out;
      bool good = true;
      bool has_name = false, has_regex = false, has_filter = false;
      for (auto it = p.MemberBegin(); it != p.MemberEnd(); ++it) {
        const std::string_view name(it->name.GetString(), it->name.GetStringLength());
        const std::string member = where + "/" + pointer_part(name);
        if (name == "name" || name == "regex" || name == "comment") {
          if (!it->value.IsString() || (name != "comment" && it->value.GetStringLength() == 0)) {
            error(member, "must be a non-empty string");
            good = false;
            continue;
          }
          const std::string text(it->value.GetString(), it->value.GetStringLength());
          if (name == "name") {
            out.name = text;
            has_name = true;
          } else if (name == "regex") {
            out.regex = text;
            has_regex = true;
            try {
              boost::regex compiled(text, boost::regex::perl);
            } catch (const boost::regex_error& e) {
              error(member, fmt::format("not a valid regular expression: {}", e.what()));
              good = false;
            }
          }
        } else if (name == "filter") {
          has_filter = true;
          if (auto r = rule(it->value, member))
            out.filter = *r;
          else
            good = false;
        } else {
          error(member, "unknown member (expected name, regex, filter or comment)");
          good = false;
        }
      }
      if (!has_name) error(where, "name is missing");
      if (!has_regex) error(where, "regex is missing");
      if (!has_filter) error(where, "filter is missing");
      if (good && has_name && has_regex && has_filter)
        result_.spec.patterns.push_back(std::move(out));
    }
  }

  std::string_view source_;
  spec_result& result_;
};

}  // namespace

spec_result parse_filter_spec(std::string_view json, std::string_view source) {
  spec_result result;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    result.errors.push_back(fmt::format("{}: not valid JSON at offset {}: {}", source,
                                        doc.GetErrorOffset(),
                                        rapidjson::GetParseError_En(doc.GetParseError())));
    return result;
  }
  spec_reader(source, result).read(doc);
  return result;
}

spec_result read_filter_spec(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    spec_result result;
    result.errors.push_back(fmt::format("{}: cannot be read: {}", path,
                                        errno ? std::strerror(errno) : "unknown error"));
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_filter_spec(text.str(), path);
}

}  // namespace smsdrv::privacy
