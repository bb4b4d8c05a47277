// The standard user-data filter rules: their spellings and what each shows of a value.
#include "privacy/filter_rule.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

using namespace smsdrv::privacy;

namespace {

std::optional<std::string> show(std::string_view rule, std::string_view value) {
  const auto r = parse_filter_rule(rule);
  REQUIRE(r);
  return apply_filter(*r, value);
}

}  // namespace

TEST_CASE("filter rules: every spelling of the driver guide, and nothing else") {
  CHECK(parse_filter_rule("copy") == filter_rule{filter_kind::copy, 0});
  CHECK(parse_filter_rule(" Hide ") == filter_rule{filter_kind::hide, 0});
  CHECK(parse_filter_rule("SKIP") == filter_rule{filter_kind::skip, 0});
  CHECK(parse_filter_rule("hide-first,3") == filter_rule{filter_kind::hide_first, 3});
  CHECK(parse_filter_rule("hide_last , 2") == filter_rule{filter_kind::hide_last, 2});
  CHECK(parse_filter_rule("unhide first,1") == filter_rule{filter_kind::unhide_first, 1});
  CHECK(parse_filter_rule("unhide-last,65535") == filter_rule{filter_kind::unhide_last, 65535});
  for (std::string_view bad :
       {"", "mask", "hide,", "copy,1", "hide-first", "hide-first,", "hide-first,0",
        "hide-first,65536", "hide-first,-1", "hide-first,1x", "hide-first,1,2"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_filter_rule(bad));
  }
  for (std::string_view r :
       {"copy", "hide", "skip", "hide-first,4", "hide-last,4", "unhide-first,4", "unhide-last,4"})
    CHECK(to_string(*parse_filter_rule(r)) == r);
}

TEST_CASE("filter rules: what each shows of a phone number") {
  CHECK(show("copy", "4917612345678") == "4917612345678");
  CHECK(show("hide", "4917612345678") == "****");
  CHECK(show("hide", "") == "****");  // not even whether there was a value
  CHECK(show("skip", "4917612345678") == std::nullopt);
  CHECK(show("hide-first,4", "4917612345678") == "****612345678");
  CHECK(show("hide-last,4", "4917612345678") == "491761234****");
  CHECK(show("unhide-first,4", "4917612345678") == "4917*********");
  CHECK(show("unhide-last,4", "4917612345678") == "*********5678");
  // N beyond the length: everything hidden, or nothing.
  CHECK(show("hide-first,20", "12345") == "*****");
  CHECK(show("unhide-last,20", "12345") == "12345");
  CHECK(show("hide-last,3", "") == "");
}

TEST_CASE("filter rules count characters, not octets: a character is never cut") {
  // "Grüße 😀": 7 characters in 12 octets.
  const std::string text =
      "Gr\xC3\xBC\xC3\x9F"
      "e \xF0\x9F\x98\x80";
  CHECK(show("unhide-first,3", text) == "Gr\xC3\xBC****");
  CHECK(show("hide-first,6", text) == "******\xF0\x9F\x98\x80");
  CHECK(show("unhide-last,1", text) == "******\xF0\x9F\x98\x80");
  // An invalid byte counts as one character.
  CHECK(show("hide-last,2",
             "ab\xFF"
             "c") == "ab**");
}

TEST_CASE("several rules together: the strictest wins, partial rules add up") {
  const std::vector<filter_rule> copy_and_partial = {{filter_kind::copy, 0},
                                                     {filter_kind::hide_first, 2}};
  CHECK(apply_filter(copy_and_partial, "123456") == "**3456");
  const std::vector<filter_rule> both_ends = {{filter_kind::hide_first, 2},
                                              {filter_kind::hide_last, 2}};
  CHECK(apply_filter(both_ends, "123456") == "**34**");
  const std::vector<filter_rule> hide = {{filter_kind::unhide_last, 4}, {filter_kind::hide, 0}};
  CHECK(apply_filter(hide, "123456") == "****");
  const std::vector<filter_rule> skip = {{filter_kind::hide, 0}, {filter_kind::skip, 0}};
  CHECK(apply_filter(skip, "123456") == std::nullopt);
  CHECK(apply_filter(std::vector<filter_rule>{}, "123456") == "123456");
  CHECK(strictness({filter_kind::copy, 0}) < strictness({filter_kind::unhide_last, 1}));
  CHECK(strictness({filter_kind::unhide_last, 1}) < strictness({filter_kind::hide, 0}));
  CHECK(strictness({filter_kind::hide, 0}) < strictness({filter_kind::skip, 0}));
}
