// The logging-filter-spec file: schema, every error with its JSON pointer, the shipped file.
#include "privacy/filter_spec.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "privacy/masking.hpp"

using namespace smsdrv::privacy;
using list = std::vector<std::string>;

TEST_CASE("spec: every member read") {
  const auto r = parse_filter_spec(R"({
    "version": 1, "comment": "test",
    "keys": {"_smsText": "hide", "FromAddr": "unhide-last,4"},
    "fields": {"callback_num": ["_smsSrcNumber", "FromAddr"]},
    "patterns": [{"name": "phone", "regex": "[0-9]{11,15}", "filter": "unhide-last,4",
                  "comment": "numbers"}]
  })",
                                   "spec.json");
  CAPTURE(r.errors);
  REQUIRE(r.ok());
  CHECK(r.spec.keys.size() == 2);
  CHECK(r.spec.keys[1].first == "FromAddr");
  CHECK(r.spec.keys[1].second == filter_rule{filter_kind::unhide_last, 4});
  REQUIRE(r.spec.fields.size() == 1);
  CHECK(r.spec.fields[0].second == list{"_smsSrcNumber", "FromAddr"});
  REQUIRE(r.spec.patterns.size() == 1);
  CHECK(r.spec.patterns[0].name == "phone");
  CHECK(r.spec.patterns[0].filter == filter_rule{filter_kind::unhide_last, 4});
  CHECK(parse_filter_spec("{}", "empty.json").ok());
}

TEST_CASE("spec: every problem is named with its place") {
  CHECK(parse_filter_spec("{\"keys\": ", "s.json").errors ==
        list{"s.json: not valid JSON at offset 9: Invalid value."});
  CHECK(parse_filter_spec("[]", "s.json").errors == list{"s.json: /: must be a JSON object"});
  const auto r = parse_filter_spec(R"({
    "version": 2, "rules": [],
    "keys": {"_smsText": "hide-frist,4", "": "hide", "a/b": 3},
    "fields": {"source_addr": "FromAddr", "x": [""]},
    "patterns": [{"name": "p", "regex": "(", "filter": "hide"}, {"regex": "x", "filter": "hide",
                  "replace": "y"}, 5]
  })",
                                   "s.json");
  CHECK(r.errors ==
        list{"s.json: /version: must be 1 (the only version of this format)",
             "s.json: /rules: unknown member (expected version, comment, keys, fields or "
             "patterns)",
             "s.json: /keys/_smsText: 'hide-frist,4' is not copy, hide, skip, hide-first,N, "
             "hide-last,N, unhide-first,N or unhide-last,N (N from 1 to 65535)",
             "s.json: /keys/: a user-data key must not be empty",
             "s.json: /keys/a~1b: must be a string: copy, hide, skip, hide-first,N, hide-last,N, "
             "unhide-first,N or unhide-last,N (N from 1 to 65535)",
             "s.json: /fields/source_addr: must be an array of user-data keys",
             "s.json: /fields/x/0: must be a non-empty string (a user-data key)",
             r.errors.size() > 7 ? r.errors[7] : "",
             "s.json: /patterns/1/replace: unknown member (expected name, regex, filter or "
             "comment)",
             "s.json: /patterns/1: name is missing",
             "s.json: /patterns/2: must be an object with name, regex and filter"});
  REQUIRE(r.errors.size() > 7);
  CHECK(r.errors[7].rfind("s.json: /patterns/0/regex: not a valid regular expression: ", 0) == 0);
  CHECK(r.spec.patterns.empty());
}

TEST_CASE("spec: a file that cannot be read says so") {
  const auto r = read_filter_spec("/nonexistent/spec.json");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == "/nonexistent/spec.json: cannot be read: No such file or directory");
}

TEST_CASE("spec: the shipped logging-filter-smsmms.json is valid and masks what it promises") {
  const auto r = read_filter_spec(SMSDRV_SHIPPED_SPEC);
  CAPTURE(r.errors);
  REQUIRE(r.ok());
  masking_settings s;
  s.filter_active = true;
  const masking m(s, &r.spec);
  for (const char* key : {"_smsText", "Subject"})
    CHECK(m.value(key, "Hello there") == "****");
  for (const char* key : {"FromAddr", "PhoneNumber", "_smsDestNumber", "_smsSrcNumber"})
    CHECK(m.value(key, "4917612345678") == "*********5678");
  CHECK(m.field("short_message", "Hello", true) == "****");
  CHECK(m.line("number 4917612345678, mail jane.doe@example.com, seq 7, id 0000002a") ==
        "number *********5678, mail ****************.com, seq 7, id 0000002a");
  // Receipt dates (YYMMDDhhmm) and message ids are not phone numbers.
  CHECK(m.line("submit date:2611221200 done date:2611221201") ==
        "submit date:2611221200 done date:2611221201");
}
