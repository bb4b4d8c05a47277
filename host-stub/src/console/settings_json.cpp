#include "console/settings_json.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <optional>

#include "jsonl/line_writer.hpp"

namespace smsdrv::console {
namespace {

using host::option_help;

std::string_view kind_name(option_help::value_kind k) {
  switch (k) {
    case option_help::value_kind::integer:
      return "integer";
    case option_help::value_kind::boolean:
      return "boolean";
    case option_help::value_kind::choice:
      return "choice";
    case option_help::value_kind::text:
      break;
  }
  return "text";
}

const option_help* described(const std::vector<option_help>& help, std::string_view option) {
  for (const option_help& h : help)
    if (h.matches(option)) return &h;
  return nullptr;
}

bool is_secret(const std::vector<option_help>& help, std::string_view option) {
  const option_help* h = described(help, option);
  return h != nullptr ? h->secret : host::looks_secret(option);
}

// "<name>=<value>": the name, "" when there is no '='.
std::string_view param_name(std::string_view value) {
  const auto eq = value.find('=');
  return eq == std::string_view::npos ? std::string_view() : value.substr(0, eq);
}

constexpr std::string_view hidden = "********";
constexpr std::string_view no_lines = "a value in a .cfg file cannot hold a line break or NUL";

// A .cfg line can carry it (host/cfg_edit.hpp): no CR, LF or NUL.
bool one_line(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// A URL's secrets hidden as the driver hides them in its messages: the password of its user
// information and the value of its query (an access token: docs/http.md). nullopt when value
// is no URL or has neither.
std::optional<std::string> masked_url(std::string_view value) {
  const auto scheme = value.find("://");
  if (scheme == std::string_view::npos) return std::nullopt;
  std::string out(value);
  bool masked = false;
  const size_t start = scheme + 3;
  const size_t authority_end = std::min(out.find_first_of("/?#", start), out.size());
  const auto at = out.rfind('@', authority_end);
  if (at != std::string::npos && at >= start) {
    const auto colon = out.find(':', start);
    if (colon < at) {
      out.replace(colon + 1, at - colon - 1, hidden);
      masked = true;
    }
  }
  if (const auto q = out.find('?'); q != std::string::npos) {
    const size_t end = std::min(out.find('#', q), out.size());
    const auto eq = out.find('=', q);
    const size_t from = eq < end ? eq + 1 : q + 1;
    if (from < end) {
      out.replace(from, end - from, hidden);
      masked = true;
    }
  }
  if (!masked) return std::nullopt;
  return out;
}

void write_option(jsonl::line_writer& w, const option_help& h, const host::cfg_section* section) {
  w.begin_object().str("name", h.name).str("meaning", h.meaning).str("kind", kind_name(h.kind));
  if (h.kind == option_help::value_kind::integer)
    w.num("min", h.min).num("max", h.max).str("unit", h.unit);
  if (h.kind == option_help::value_kind::choice) {
    w.begin_array("choices");
    for (const auto& c : h.choices)
      w.item(c);
    w.end_array();
  }
  if (h.default_value)
    w.str("default", *h.default_value);
  else
    w.null("default");
  w.str("example", h.secret ? std::string() : h.example)
      .str("required", h.required)
      .boolean("secret", h.secret)
      .boolean("host", h.host_option)
      .boolean("supported", h.supported);
  if (!h.supported) w.str("notSupported", h.not_supported);
  const host::cfg_option* o = section != nullptr ? section->find(h.name) : nullptr;
  w.boolean("set", o != nullptr);
  if (o != nullptr && !h.secret) {
    if (const auto masked = masked_url(o->value))
      w.str("masked", *masked);
    else
      w.str("value", o->value);
  }
  w.end_object();
}

}  // namespace

std::string settings_json(const settings_page& page) {
  std::string out;
  jsonl::line_writer w(out);
  w.str("channel", page.channel)
      .str("driver", page.driver)
      .str("file", page.file)
      .str("help", page.help_file);
  w.begin_array("channels");
  for (const auto& c : page.other_channels)
    w.item(c);
  w.end_array();
  w.begin_array("options");
  for (const option_help& h : page.help)
    if (!h.family) write_option(w, h, page.section);
  w.end_array();
  w.begin_array("families");
  for (const option_help& h : page.help)
    if (h.family)
      w.begin_object()
          .str("name", h.name)
          .str("meaning", h.meaning)
          .boolean("secret", h.secret)
          .end_object();
  w.end_array();
  w.begin_array("extra");
  if (page.section != nullptr)
    for (const host::cfg_option& o : page.section->options) {
      const option_help* h = described(page.help, o.key);
      if (h == nullptr || !h->family) continue;
      w.begin_object()
          .str("option", o.key)
          .str("family", h->name)
          .str("param", param_name(o.value))
          .boolean("secret", h->secret);
      if (!h->secret) {
        const auto eq = o.value.find('=');
        w.str("value", eq == std::string::npos ? o.value : o.value.substr(eq + 1));
      }
      w.end_object();
    }
  w.end_array();
  w.begin_array("others");
  if (page.section != nullptr)
    for (const host::cfg_option& o : page.section->options) {
      if (described(page.help, o.key) != nullptr) continue;
      const bool secret = host::looks_secret(o.key);
      w.begin_object().str("name", o.key).boolean("secret", secret);
      if (const auto masked = masked_url(o.value); !secret && masked)
        w.str("masked", *masked);
      else if (!secret)
        w.str("value", o.value);
      w.end_object();
    }
  w.end_array().finish();
  return out;
}

settings_changes read_settings_changes(std::string_view body, const host::cfg_section& section,
                                       const std::vector<option_help>& help) {
  settings_changes out;
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  const char* shape =
      "the body must be {\"changes\": {\"<option>\": \"<value>\" or null, ...}, \"extra\": "
      "[{\"param\": \"...\", \"value\": \"...\", \"secret\": false}, ...]}";
  if (d.HasParseError() || !d.IsObject()) {
    out.error = shape;
    return out;
  }
  auto text = [](const rapidjson::Value& v) {
    return std::string(v.GetString(), v.GetStringLength());
  };
  if (d.HasMember("changes")) {
    const rapidjson::Value& changes = d["changes"];
    if (!changes.IsObject()) {
      out.error = shape;
      return out;
    }
    for (auto m = changes.MemberBegin(); m != changes.MemberEnd(); ++m) {
      const std::string key = text(m->name);
      const option_help* h = described(help, key);
      if (!help.empty() && h == nullptr && section.find(key) == nullptr) {
        out.fields.emplace_back(key, "[" + section.name + "] " + key +
                                         ": not an option of this driver (its options file does "
                                         "not describe it)");
        continue;
      }
      if (m->value.IsNull()) {
        out.changes.push_back({key, std::nullopt});
        continue;
      }
      if (!m->value.IsString()) {
        out.error = shape;
        return out;
      }
      std::string value = text(m->value);
      if (!one_line(value)) {
        out.fields.emplace_back(key,
                                "[" + section.name + "] " + key + ": " + std::string(no_lines));
        continue;
      }
      // A password field left empty keeps the password, a URL with secrets its value: the page
      // never had them.
      const host::cfg_option* now = section.find(key);
      if (value.empty() && (is_secret(help, key) || (now != nullptr && masked_url(now->value))))
        continue;
      out.changes.push_back({key, std::move(value)});
    }
  }
  if (d.HasMember("extra")) {
    const rapidjson::Value& extra = d["extra"];
    const option_help* plain = nullptr;
    const option_help* secret = nullptr;
    for (const option_help& h : help)
      if (h.family) (h.secret ? secret : plain) = &h;
    if (!extra.IsArray()) {
      out.error = shape;
      return out;
    }
    if (extra.Size() > 0 && (plain == nullptr || secret == nullptr)) {
      out.error = "this driver takes no extra parameters (its options file describes none)";
      return out;
    }
    auto member = [](const option_help& f, size_t n) {
      return f.name.substr(0, f.name.size() - 3) + std::to_string(n);
    };
    std::vector<std::string> kept;
    for (rapidjson::SizeType i = 0; i < extra.Size(); ++i) {
      const rapidjson::Value& p = extra[i];
      if (!p.IsObject() || !p.HasMember("param") || !p["param"].IsString() ||
          !p.HasMember("value") || !p["value"].IsString() ||
          (p.HasMember("secret") && !p["secret"].IsBool()) ||
          (p.HasMember("keep") && !p["keep"].IsString())) {
        out.error = shape;
        return out;
      }
      const bool is_password = p.HasMember("secret") && p["secret"].GetBool();
      const std::string key = member(is_password ? *secret : *plain, i + 1);
      const std::string param = text(p["param"]);
      std::string value = text(p["value"]);
      if (!one_line(param) || !one_line(value)) {
        out.fields.emplace_back(key,
                                "[" + section.name + "] " + key + ": " + std::string(no_lines));
        continue;
      }
      if (param.empty()) {
        out.fields.emplace_back(
            key, "[" + section.name + "] " + key + ": the parameter needs a name (Name = Value)");
        continue;
      }
      if (is_password && value.empty()) {
        const std::string keep = p.HasMember("keep") ? text(p["keep"]) : std::string();
        const host::cfg_option* old = secret->matches(keep) ? section.find(keep) : nullptr;
        const auto eq = old != nullptr ? old->value.find('=') : std::string::npos;
        if (eq == std::string::npos) {
          out.fields.emplace_back(
              key, "[" + section.name + "] " + key + ": a new password parameter needs its value");
          continue;
        }
        value = old->value.substr(eq + 1);
      }
      out.changes.push_back({key, param + "=" + value});
      kept.push_back(key);
    }
    for (const host::cfg_option& o : section.options)
      if ((plain->matches(o.key) || secret->matches(o.key)) &&
          std::find(kept.begin(), kept.end(), o.key) == kept.end())
        out.changes.push_back({o.key, std::nullopt});
  }
  return out;
}

field_messages fields_at_fault(std::string_view error, std::string_view channel) {
  field_messages out;
  const std::string mark = "[" + std::string(channel) + "] ";
  while (!error.empty()) {
    const auto nl = error.find('\n');
    const std::string_view line = error.substr(0, nl);
    // The last mark of a line: "dms.cfg:3: driver x refused [c]: dms.cfg:7: [c] option = ..."
    if (const auto at = line.rfind(mark); at != std::string_view::npos) {
      const std::string_view rest = line.substr(at + mark.size());
      const std::string option(rest.substr(0, rest.find_first_of(" :")));
      const std::string message(line.substr(at));
      const auto known =
          std::find_if(out.begin(), out.end(), [&](const auto& f) { return f.first == option; });
      if (known != out.end())
        known->second += "\n" + message;
      else if (!option.empty())
        out.emplace_back(option, message);
    }
    if (nl == std::string_view::npos) break;
    error.remove_prefix(nl + 1);
  }
  return out;
}

std::string settings_error_json(std::string_view error, const field_messages& fields) {
  std::string out;
  jsonl::line_writer w(out);
  w.str("error", error).begin_object("fields");
  for (const auto& [option, message] : fields)
    w.str(option, message);
  w.end_object().finish();
  return out;
}

}  // namespace smsdrv::console
