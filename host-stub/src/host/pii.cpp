#include "host/pii.hpp"

#include <boost/regex.hpp>

#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>

#include "privacy/filter_rule.hpp"

namespace smsdrv::host {
namespace {

using privacy::filter_kind;
using privacy::filter_rule;

// Every character of a match becomes '*' unless [pii-masks] or the request's Mask says more.
constexpr filter_rule every_character{filter_kind::hide_first,
                                      std::numeric_limits<uint32_t>::max()};

constexpr std::string_view filter_rule_shape =
    "copy, hide, skip, hide-first,N, hide-last,N, unhide-first,N or unhide-last,N";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string where(const cfg_file& cfg, const cfg_section& s, const cfg_option& o) {
  return cfg.source + ":" + std::to_string(o.line) + ": [" + s.name + "] " + o.key + " = \"" +
         o.value + "\": ";
}

std::optional<std::string_view> user_data(std::string_view key, uint32_t count,
                                          const char* const* keys, const char* const* values) {
  for (uint32_t i = 0; i < count; ++i)
    if (keys[i] != nullptr && key == keys[i]) return std::string_view(values[i] ? values[i] : "");
  return std::nullopt;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// Masks every match of re in text; counts them. Throws std::runtime_error when Boost.Regex gives
// up on the text.
std::string mask_matches(const std::string& text, const boost::regex& re, const filter_rule& mask,
                         size_t& matches) {
  std::string out;
  auto begin = text.cbegin();
  boost::smatch m;
  auto flags = boost::match_default | boost::match_not_null;
  while (boost::regex_search(begin, text.cend(), m, re, flags)) {
    out.append(begin, m[0].first);
    const auto at = static_cast<size_t>(m[0].first - text.cbegin());
    if (auto shown = privacy::apply_filter(mask, std::string_view(text).substr(at, m.length(0))))
      out += *shown;
    ++matches;
    begin = m[0].second;
    flags |= boost::match_prev_avail;
  }
  out.append(begin, text.cend());
  return out;
}

}  // namespace

struct pii_rules::rule {
  std::string name;
  boost::regex regex;
  filter_rule mask = every_character;
};

bool is_pii_request(std::string_view request) noexcept {
  return request == "DataByRegEx" || request == "DataByRule" || request == "DataByGroup";
}

pii_rules::pii_rules() = default;
pii_rules::~pii_rules() = default;
pii_rules::pii_rules(pii_rules&&) noexcept = default;
pii_rules& pii_rules::operator=(pii_rules&&) noexcept = default;

pii_rules::pii_rules(const cfg_file& cfg) {
  if (const cfg_section* s = cfg.find("pii-rules")) {
    for (const cfg_option& o : s->options) {
      if (o.value.empty())
        throw std::invalid_argument(where(cfg, *s, o) + "a rule needs a regular expression");
      auto r = std::make_unique<rule>();
      r->name = o.key;
      try {
        r->regex.assign(o.value, boost::regex::perl);
      } catch (const boost::regex_error& e) {
        throw std::invalid_argument(where(cfg, *s, o) +
                                    "not a valid regular expression: " + e.what());
      }
      rules_.push_back(std::move(r));
    }
  }
  auto find_rule = [&](std::string_view name) -> std::optional<size_t> {
    for (size_t i = 0; i < rules_.size(); ++i)
      if (rules_[i]->name == name) return i;
    return std::nullopt;
  };
  if (const cfg_section* s = cfg.find("pii-masks")) {
    for (const cfg_option& o : s->options) {
      const auto index = find_rule(o.key);
      if (!index)
        throw std::invalid_argument(where(cfg, *s, o) + "no rule " + o.key +
                                    " in [pii-rules] (rules: " + joined(rule_names()) + ")");
      const auto mask = privacy::parse_filter_rule(o.value);
      if (!mask)
        throw std::invalid_argument(where(cfg, *s, o) + "must be " +
                                    std::string(filter_rule_shape));
      rules_[*index]->mask = *mask;
    }
  }
  if (const cfg_section* s = cfg.find("pii-groups")) {
    for (const cfg_option& o : s->options) {
      std::vector<size_t> members;
      std::string_view rest = o.value;
      while (true) {
        const auto comma = rest.find(',');
        const std::string_view name = trim(rest.substr(0, comma));
        const auto index = find_rule(name);
        if (!index)
          throw std::invalid_argument(
              where(cfg, *s, o) + "'" + std::string(name) +
              "' is not a rule of [pii-rules] (rules: " + joined(rule_names()) + ")");
        members.push_back(*index);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      groups_.emplace_back(o.key, std::move(members));
    }
  }
}

std::vector<std::string> pii_rules::rule_names() const {
  std::vector<std::string> out;
  for (const auto& r : rules_)
    out.push_back(r->name);
  return out;
}

std::vector<std::string> pii_rules::group_names() const {
  std::vector<std::string> out;
  for (const auto& [name, members] : groups_)
    out.push_back(name);
  return out;
}

pii_answer pii_rules::answer(std::string_view request, uint32_t count, const char* const* keys,
                             const char* const* values) const {
  auto refuse = [](std::string why) { return pii_answer{false, std::move(why), 0}; };
  const auto text = user_data("Text", count, keys, values);
  if (!text) return refuse(std::string(request) + ": userData.Text (the text to mask) is required");
  std::optional<filter_rule> mask;
  if (const auto m = user_data("Mask", count, keys, values)) {
    mask = privacy::parse_filter_rule(*m);
    if (!mask)
      return refuse(std::string(request) + ": Mask '" + std::string(*m) + "' is not " +
                    std::string(filter_rule_shape));
  }

  // What to apply, in order: (regex, mask, name for messages).
  std::vector<std::pair<const rule*, filter_rule>> steps;
  rule adhoc;
  if (request == "DataByRegEx") {
    const auto re = user_data("RegEx", count, keys, values);
    if (!re || re->empty())
      return refuse("DataByRegEx: userData.RegEx (the regular expression to mask) is required");
    try {
      adhoc.name = "RegEx";
      adhoc.regex.assign(re->begin(), re->end(), boost::regex::perl);
    } catch (const boost::regex_error& e) {
      return refuse("DataByRegEx: RegEx is not a valid regular expression: " +
                    std::string(e.what()));
    }
    steps.emplace_back(&adhoc, mask.value_or(every_character));
  } else if (request == "DataByRule") {
    const auto name = user_data("Rule", count, keys, values);
    if (!name) return refuse("DataByRule: userData.Rule (a rule of [pii-rules]) is required");
    const rule* found = nullptr;
    for (const auto& r : rules_)
      if (r->name == *name) found = r.get();
    if (found == nullptr)
      return refuse("DataByRule: no rule '" + std::string(*name) +
                    "' in [pii-rules] (rules: " + joined(rule_names()) + ")");
    steps.emplace_back(found, mask.value_or(found->mask));
  } else if (request == "DataByGroup") {
    const auto name = user_data("Group", count, keys, values);
    if (!name) return refuse("DataByGroup: userData.Group (a group of [pii-groups]) is required");
    const std::vector<size_t>* members = nullptr;
    for (const auto& [group, list] : groups_)
      if (group == *name) members = &list;
    if (members == nullptr)
      return refuse("DataByGroup: no group '" + std::string(*name) +
                    "' in [pii-groups] (groups: " + joined(group_names()) + ")");
    for (size_t i : *members)
      steps.emplace_back(rules_[i].get(), mask.value_or(rules_[i]->mask));
  } else {
    return refuse(std::string(request) + " is not a PII request");
  }

  pii_answer out{true, std::string(*text), 0};
  for (const auto& [r, rule_mask] : steps) {
    try {
      out.text = mask_matches(out.text, r->regex, rule_mask, out.matches);
    } catch (const std::runtime_error&) {
      return refuse(std::string(request) + ": the regular expression of " +
                    (r == &adhoc ? std::string("RegEx") : "rule '" + r->name + "'") +
                    " is too complex for this text");
    }
  }
  return out;
}

}  // namespace smsdrv::host
