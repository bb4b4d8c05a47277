#include "privacy/masking.hpp"

#include <boost/regex.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace smsdrv::privacy {
namespace {

// The PDU fields that carry user data (SMPP v3.4 §4.4.1 submit_sm, §4.6.1 deliver_sm, §4.7.1
// data_sm, §5.3.2.32 message_payload) and the keys their values stand for: source_addr is the
// request's _smsSrcNumber going out and the handset (FromAddr, PhoneNumber) coming in.
struct builtin_field {
  std::string_view field;
  std::array<std::string_view, 3> keys;
};
constexpr builtin_field builtin_fields[] = {
    {"source_addr", {"_smsSrcNumber", "FromAddr", "PhoneNumber"}},
    {"destination_addr", {"_smsDestNumber", "ToAddr", ""}},
    {"short_message", {"_smsText", "Subject", ""}},
    {"message_payload", {"_smsText", "Subject", ""}},
};

constexpr std::string_view secret_words[] = {"password", "passwd", "pwd", "secret"};

}  // namespace

struct masking::compiled_pattern {
  std::string name;
  boost::regex regex;
  filter_rule filter;
};

bool is_secret_key(std::string_view key) noexcept {
  std::string lower(key.size(), '\0');
  std::transform(key.begin(), key.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return std::any_of(std::begin(secret_words), std::end(secret_words),
                     [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

masking::masking(const masking_settings& settings, const filter_spec* spec)
    : default_rule_(settings.default_rule) {
  const bool use_spec = settings.filter_active && spec != nullptr;
  // Lowest precedence first: the spec's keys, then [log-filter-data] overwrites them.
  if (use_spec)
    for (const auto& [key, rule] : spec->keys)
      keys_.insert_or_assign(key, rule);
  for (const auto& [key, rule] : settings.key_rules)
    keys_.insert_or_assign(key, rule);

  for (const builtin_field& f : builtin_fields)
    for (std::string_view k : f.keys)
      if (!k.empty()) field_keys_[std::string(f.field)].emplace_back(k);
  if (use_spec)
    for (const auto& [field, keys] : spec->fields)
      for (const std::string& k : keys) {
        auto& list = field_keys_[field];
        if (std::find(list.begin(), list.end(), k) == list.end()) list.push_back(k);
      }
  for (const auto& [field, keys] : field_keys_) {
    std::vector<filter_rule> rules;
    for (const std::string& k : keys)
      rules.push_back(rule_for(k));
    field_rules_.emplace(field, std::move(rules));
  }

  if (use_spec)
    for (const pattern_rule& p : spec->patterns)
      patterns_.push_back(std::make_unique<compiled_pattern>(
          compiled_pattern{p.name, boost::regex(p.regex, boost::regex::perl), p.filter}));
}

masking::~masking() = default;

filter_rule masking::rule_for(std::string_view key) const {
  const auto it = keys_.find(key);
  filter_rule r = it != keys_.end() ? it->second : default_rule_;
  if (is_secret_key(key) && strictness(r) < strictness(filter_rule{filter_kind::hide, 0}))
    r = filter_rule{filter_kind::hide, 0};
  return r;
}

std::optional<std::string> masking::value(std::string_view key, std::string_view v) const {
  return apply_filter(rule_for(key), v);
}

std::string masking::inline_value(std::string_view key, std::string_view v) const {
  auto shown = apply_filter(rule_for(key), v);
  return shown ? std::move(*shown) : std::string(hidden_value);
}

std::optional<std::string> masking::field(std::string_view name, std::string_view v,
                                          bool octets) const {
  const auto it = field_rules_.find(name);
  if (it == field_rules_.end()) return std::string(v);
  const std::vector<filter_rule>& rules = it->second;
  if (octets) {
    int strictest = 0;
    for (const filter_rule& r : rules)
      strictest = std::max(strictest, strictness(r));
    if (strictest == 1) return std::string(hidden_value);
  }
  return apply_filter(rules, v);
}

std::vector<std::string> masking::keys_of_field(std::string_view name) const {
  const auto it = field_keys_.find(name);
  return it == field_keys_.end() ? std::vector<std::string>{} : it->second;
}

bool masking::has_patterns() const noexcept {
  return !patterns_.empty();
}

std::string masking::line(std::string_view message) const {
  std::string current(message);
  for (const auto& p : patterns_) {
    std::string out;
    try {
      auto begin = current.cbegin();
      boost::smatch m;
      // Empty matches are not masking anything; match_prev_avail lets \b and lookbehinds see
      // the character before a later search start.
      auto flags = boost::match_default | boost::match_not_null;
      while (boost::regex_search(begin, current.cend(), m, p->regex, flags)) {
        out.append(begin, m[0].first);
        const auto at = static_cast<std::size_t>(m[0].first - current.cbegin());
        if (auto shown = apply_filter(p->filter, std::string_view(current).substr(at, m.length(0))))
          out += *shown;
        begin = m[0].second;
        flags |= boost::match_prev_avail;
      }
      out.append(begin, current.cend());
    } catch (const std::runtime_error&) {
      // Boost.Regex gives up on input too complex for the expression: keep the line out rather
      // than let it through unmasked.
      return "(log line withheld: masking pattern '" + p->name + "' was too complex for it)";
    }
    current = std::move(out);
  }
  return current;
}

}  // namespace smsdrv::privacy
