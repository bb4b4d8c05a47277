// The file named by logging-filter-spec: the driver's own masking rules, used when
// logging-filter-active is true (driver guide, "How the driver masks sensitive data in logs",
// step 1). JSON, version 1 (docs/privacy.md has the schema and the shipped defaults):
//
//   {
//     "version": 1,
//     "keys":     { "_smsText": "hide", "FromAddr": "unhide-last,4" },
//     "fields":   { "callback_num": ["_smsSrcNumber"] },
//     "patterns": [ { "name": "phone-number", "regex": "\\+?\\b[0-9]{10,15}\\b",
//                     "filter": "unhide-last,4" } ]
//   }
//
// keys: rules of user-data keys that [log-filter-data] does not name; fields: PDU fields (and
// TLVs, by their SMPP v3.4 names) mapped to the user-data keys they carry, added to the
// built-in map; patterns: regular expressions masked in every finished log line. Every member
// is optional; any other member is an error, so that a misspelt one is not silently ignored.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "privacy/filter_rule.hpp"

namespace smsdrv::privacy {

struct pattern_rule {
  std::string name;   // for messages: "phone-number"
  std::string regex;  // ECMAScript (Perl) syntax as Boost.Regex reads it
  filter_rule filter;
};

struct filter_spec {
  std::vector<std::pair<std::string, filter_rule>> keys;
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
  std::vector<pattern_rule> patterns;
};

// Parses the JSON text; `source` names it in errors. Every problem is reported, each as
// "<source>: <JSON pointer>: <problem>" (e.g. "spec.json: /patterns/1/filter: 'hid' is not a
// filter rule ..."). Regexes are compiled to check them.
struct spec_result {
  filter_spec spec;
  std::vector<std::string> errors;
  bool ok() const noexcept { return errors.empty(); }
};
spec_result parse_filter_spec(std::string_view json, std::string_view source);

// Reads and parses the file at path (relative to the working directory).
spec_result read_filter_spec(const std::string& path);

}  // namespace smsdrv::privacy
