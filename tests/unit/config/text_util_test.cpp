#include "config/text_util.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::config;

TEST_CASE("utf8_length counts code points of well-formed UTF-8 only") {
  CHECK(utf8_length("") == 0u);
  CHECK(utf8_length("abc") == 3u);
  CHECK(utf8_length("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == 3u);  // é € 😀
  CHECK_FALSE(utf8_length("\x80").has_value());
  CHECK_FALSE(utf8_length("\xc3").has_value());
  CHECK_FALSE(utf8_length("\xe0\x80\x80").has_value());      // overlong
  CHECK_FALSE(utf8_length("\xed\xa0\x80").has_value());      // surrogate
  CHECK_FALSE(utf8_length("\xf4\x90\x80\x80").has_value());  // above U+10FFFF
}

TEST_CASE("printable escapes what a log line should not carry and cuts long text") {
  CHECK(printable("plain 'text'") == "plain 'text'");
  CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(printable(std::string_view("a\0b\n\xff", 5)) == "a\\x00b\\x0a\\xff");
  CHECK(printable(std::string(70, 'x')) == std::string(64, 'x') + "...");
  CHECK(printable("abcdef", 3) == "abc...");
}

TEST_CASE("names match ignoring case, blanks, '-' and '_'") {
  CHECK(normalized_name("Land Mobile") == "landmobile");
  CHECK(normalized_name("UTF-16BE") == "utf16be");
  CHECK(normalized_name("hide_first") == "hidefirst");
  CHECK(trim(" \t x y \r\n") == "x y");
  CHECK(trim("   ").empty());
}

TEST_CASE("edit_distance is Levenshtein ignoring case") {
  CHECK(edit_distance("x-smpp-host", "x-smpp-host") == 0u);
  CHECK(edit_distance("x-smpp-hots", "x-smpp-host") == 2u);
  CHECK(edit_distance("X-SMPP-PORT", "x-smpp-port") == 0u);
  CHECK(edit_distance("pasword", "password") == 1u);
  CHECK(edit_distance("", "abc") == 3u);
  CHECK(edit_distance(std::string(65, 'a'), "a") == 65u);
}
