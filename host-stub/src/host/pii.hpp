// pii.hpp - page-mode PII requests (driver guide, "Configuring privacy", Page mode): a business
// process asks the host to mask personal data in a text before it stores or shows it.
//
//   DataByRegEx   userData Text, RegEx          every match of the regular expression
//   DataByRule    userData Text, Rule           every match of a rule of [pii-rules]
//   DataByGroup   userData Text, Group          every match of each rule of a [pii-groups] group
//   (all three take an optional Mask: a log filter rule for the matches, e.g. unhide-last,4)
//
// They are answered by dms-stub itself, not by a driver, so they need no channel. The answer is
// an esp-response with userData Text (the masked text) and Matches (how many matches were
// masked). The rules come from the options file (docs/privacy.md):
//
//   [pii-rules]                      <name> = <regular expression>
//   card-number = \b(?:\d[ -]?){12,18}\d\b
//   [pii-masks]                      <name> = <log filter rule> (default: each character -> *)
//   card-number = unhide-last,4
//   [pii-groups]                     <name> = <rule>, <rule>, ...
//   payment = card-number, iban
//
// Regular expressions are ECMAScript (Perl) syntax, matched with Boost.Regex, which gives up on
// an expression too complex for a text instead of hanging (the request then fails).
#ifndef SMSDRV_HOST_PII_HPP
#define SMSDRV_HOST_PII_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/cfg_file.hpp"

namespace smsdrv::host {

// DataByRegEx, DataByRule, DataByGroup.
bool is_pii_request(std::string_view request) noexcept;

// The options file sections read here (not for drivers).
inline constexpr std::string_view pii_sections[] = {"pii-rules", "pii-masks", "pii-groups"};

struct pii_answer {
  bool ok = false;
  std::string text;  // the masked text when ok, else what is wrong with the request
  size_t matches = 0;
};

class pii_rules {
 public:
  pii_rules();  // no rules: DataByRegEx only
  // Reads [pii-rules], [pii-masks] and [pii-groups]. Throws std::invalid_argument naming
  // source:line, section, option, value and the rule broken.
  explicit pii_rules(const cfg_file& cfg);
  ~pii_rules();
  pii_rules(pii_rules&&) noexcept;
  pii_rules& operator=(pii_rules&&) noexcept;

  // Answers one PII request with its user data. Thread-compatible: one caller at a time.
  pii_answer answer(std::string_view request, uint32_t count, const char* const* keys,
                    const char* const* values) const;

  std::vector<std::string> rule_names() const;
  std::vector<std::string> group_names() const;

 private:
  struct rule;
  std::vector<std::unique_ptr<rule>> rules_;
  std::vector<std::pair<std::string, std::vector<size_t>>> groups_;  // indexes into rules_
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_PII_HPP
