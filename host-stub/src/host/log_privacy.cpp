#include "host/log_privacy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace smsdrv::host {
namespace {

std::string where(const cfg_file& cfg, const cfg_section& s, const cfg_option& o) {
  return cfg.source + ":" + std::to_string(o.line) + ": [" + s.name + "] " + o.key + " = \"" +
         o.value + "\": ";
}

// The booleans of the driver's option table: true/false, yes/no, on/off, 1/0 in any case.
std::optional<bool> boolean(std::string_view v) {
  std::string lower;
  for (char c : v)
    if (c != ' ' && c != '\t') lower.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

privacy::filter_rule rule_of(const cfg_file& cfg, const cfg_section& s, const cfg_option& o) {
  const auto r = privacy::parse_filter_rule(o.value);
  if (!r)
    throw std::invalid_argument(where(cfg, s, o) +
                                "must be copy, hide, skip, hide-first,N, hide-last,N, "
                                "unhide-first,N or unhide-last,N");
  return *r;
}

void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7F) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", u);
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

std::shared_ptr<const privacy::masking> read_masking(const cfg_file& cfg,
                                                     const std::string& server_root) {
  privacy::masking_settings settings;
  std::string spec_path(default_filter_spec);
  if (const cfg_section* s = cfg.find("settings")) {
    for (const cfg_option& o : s->options) {
      if (o.key == "logging-filter-active") {
        const auto b = boolean(o.value);
        if (!b) throw std::invalid_argument(where(cfg, *s, o) + "must be true or false");
        settings.filter_active = *b;
      } else if (o.key == "logging-filter-spec" && !o.value.empty()) {
        spec_path = o.value;
      }
    }
  }
  if (const cfg_section* s = cfg.find("log-filter"))
    if (const cfg_option* o = s->find("default-filter-type"))
      settings.default_rule = rule_of(cfg, *s, *o);
  if (const cfg_section* s = cfg.find("log-filter-data"))
    for (const cfg_option& o : s->options)
      settings.key_rules.emplace_back(o.key, rule_of(cfg, *s, o));
  privacy::spec_result spec;
  if (settings.filter_active) {
    if (!server_root.empty() && !std::filesystem::path(spec_path).is_absolute())
      spec_path = (std::filesystem::path(server_root) / spec_path).lexically_normal().string();
    spec = privacy::read_filter_spec(spec_path);
    if (!spec.ok()) {
      std::string all;
      for (const auto& e : spec.errors)
        all += (all.empty() ? "" : "\n") + std::string("logging-filter-spec: ") + e;
      throw std::invalid_argument(all);
    }
  }
  return std::make_shared<const privacy::masking>(settings, &spec.spec);
}

std::string masked_pairs(const privacy::masking& m, uint32_t count, const char* const* keys,
                         const char* const* values) {
  std::string out = "{";
  bool first = true;
  for (uint32_t i = 0; i < count; ++i) {
    const std::string_view key = keys[i] ? keys[i] : "";
    const auto shown = m.value(key, values[i] ? values[i] : "");
    if (!shown) continue;
    if (!first) out += ", ";
    first = false;
    append_escaped(out, key);
    out += "=\"";
    append_escaped(out, *shown);
    out += '"';
  }
  out += '}';
  return out;
}

std::string masked_text(const privacy::masking& m, std::string_view text, uint32_t count,
                        const char* const* keys, const char* const* values) {
  // Longest values first, so that a value containing another is replaced whole.
  std::vector<std::pair<std::string_view, std::string>> replace;
  for (uint32_t i = 0; i < count; ++i) {
    const std::string_view key = keys[i] ? keys[i] : "";
    const std::string_view value = values[i] ? values[i] : "";
    if (value.empty() || m.rule_for(key) == privacy::filter_rule{}) continue;
    replace.emplace_back(value, m.inline_value(key, value));
  }
  std::sort(replace.begin(), replace.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string out(text);
  for (const auto& [value, masked] : replace) {
    for (size_t at = out.find(value); at != std::string::npos;
         at = out.find(value, at + masked.size()))
      out.replace(at, value.size(), masked);
  }
  return out;
}

}  // namespace smsdrv::host
