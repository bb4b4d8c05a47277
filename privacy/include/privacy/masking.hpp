// How user data and PDU fields are shown in log lines (docs/privacy.md). Built once from the
// driver-wide sections and then immutable, so any thread may use it without a lock; the
// driver and dms-stub build it from the same sections and so mask alike.
//
// The rule of a user-data key is, in this order: its [log-filter-data] line; its entry in the
// logging-filter-spec file (when logging-filter-active); [log-filter] default-filter-type. A
// key that names a password (password, passwd, pwd, secret in any case) is hidden whatever the
// rules say. A PDU field carries the keys of the field map (source_addr carries
// _smsSrcNumber, FromAddr and PhoneNumber, ...) and is shown as all their rules together allow.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "privacy/filter_rule.hpp"
#include "privacy/filter_spec.hpp"

namespace smsdrv::privacy {

// What the rules are made from: [settings], [log-filter], [log-filter-data].
struct masking_settings {
  bool filter_active = false;                                  // logging-filter-active
  filter_rule default_rule;                                    // default-filter-type
  std::vector<std::pair<std::string, filter_rule>> key_rules;  // [log-filter-data]
};

class masking {
 public:
  // spec: the logging-filter-spec file, used when settings.filter_active (else ignored; may be
  // null). The spec's regexes must be valid (parse_filter_spec checked them).
  masking(const masking_settings& settings, const filter_spec* spec);
  ~masking();
  masking(const masking&) = delete;
  masking& operator=(const masking&) = delete;

  // The rule of a user-data key.
  filter_rule rule_for(std::string_view key) const;
  // A key=value pair: the value to show, or nullopt to leave the pair out.
  std::optional<std::string> value(std::string_view key, std::string_view v) const;
  // A value that stands inside a sentence ("message from <FromAddr>"), where it cannot be left
  // out: skip shows as hide.
  std::string inline_value(std::string_view key, std::string_view v) const;
  // A PDU field or TLV by its SMPP v3.4 name: nullopt when the field is to be left out, the
  // value itself when it carries no user data. For octets (short_message, message_payload:
  // encoded text) any rule but copy hides the whole value.
  std::optional<std::string> field(std::string_view name, std::string_view v, bool octets) const;
  // The patterns of the spec over a whole log line (the line itself when there are none). A
  // pattern too complex for a line withholds the line rather than let it through unmasked.
  std::string line(std::string_view message) const;
  bool has_patterns() const noexcept;

  // The keys a PDU field carries (the built-in map plus the spec's fields).
  std::vector<std::string> keys_of_field(std::string_view name) const;

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct compiled_pattern;

  std::unordered_map<std::string, filter_rule, hash, std::equal_to<>> keys_;
  filter_rule default_rule_;
  std::unordered_map<std::string, std::vector<std::string>, hash, std::equal_to<>> field_keys_;
  std::unordered_map<std::string, std::vector<filter_rule>, hash, std::equal_to<>> field_rules_;
  std::vector<std::unique_ptr<compiled_pattern>> patterns_;
};

// True for a key that names a password: always hidden.
bool is_secret_key(std::string_view key) noexcept;

}  // namespace smsdrv::privacy
