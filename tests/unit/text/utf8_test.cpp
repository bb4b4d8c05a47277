// UTF-8 reading and repair (text/utf8.hpp, RFC 3629 §3-4): well-formed text is left as it is;
// each byte that does not begin a well-formed sequence becomes one U+FFFD.
#include "text/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace smsdrv::text;

namespace {

const std::string fffd = "\xEF\xBF\xBD";

std::string times(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

}  // namespace

TEST_CASE("repair: well-formed UTF-8 of every length is copied unchanged") {
  for (const std::string& s : {std::string(), std::string("plain ASCII"),
                               std::string("\xC3\xA4 \xE2\x82\xAC \xF0\x9F\x98\x80"),  // ä € 😀
                               std::string("\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF"
                                           "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"),  // the boundaries
                               std::string("a\0b", 3)}) {
    CAPTURE(s);
    CHECK(repaired_utf8(s) == s);
  }
}

TEST_CASE("repair: each byte that begins no well-formed sequence is one U+FFFD") {
  struct row {
    std::string in, out;
  };
  const row rows[] = {
      {"\x80", fffd},                // a continuation byte alone
      {"a\xBFz", "a" + fffd + "z"},  // one inside ASCII
      {"\xC0\xAF", times(fffd, 2)},  // overlong '/' (C0 and C1 never occur)
      {"\xC1\xBF", times(fffd, 2)},
      {"\xE0\x80\xAF", times(fffd, 3)},      // overlong 3-byte form
      {"\xED\xA0\x80", times(fffd, 3)},      // a UTF-16 surrogate (U+D800)
      {"\xF0\x80\x80\xAF", times(fffd, 4)},  // overlong 4-byte form
      {"\xF4\x90\x80\x80", times(fffd, 4)},  // above U+10FFFF
      {"\xF5\x80\x80\x80", times(fffd, 4)},  // F5..FF never occur
      {"\xFF", fffd},
      {"\xE2\x82", times(fffd, 2)},  // truncated at the end
      {"\xE2\x82"
       "A\xE2\x82\xAC",
       times(fffd, 2) + "A\xE2\x82\xAC"},  // cut short, then valid
      {"\xC3", fffd},
      {"ok\xF0\x9F\x98", "ok" + times(fffd, 3)},
  };
  for (const row& r : rows) {
    CAPTURE(r.in);
    CHECK(repaired_utf8(r.in) == r.out);
  }
}

TEST_CASE("repair: the result is always valid, and valid input is a fixed point") {
  // Every string of one and two bytes, and three-byte strings around the boundaries.
  auto check = [](const std::string& s) {
    const std::string r = repaired_utf8(s);
    REQUIRE(find_invalid_utf8(r) == std::string::npos);
    if (find_invalid_utf8(s) == std::string::npos) REQUIRE(r == s);
    REQUIRE(repaired_utf8(r) == r);
  };
  for (int a = 0; a < 256; ++a) {
    check(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) {
      check({static_cast<char>(a), static_cast<char>(b)});
      for (int c : {0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xE2, 0xFF})
        check({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
    }
  }
}

TEST_CASE("repair appends to what the string already holds") {
  std::string out = "keep ";
  append_repaired_utf8(out, "x\xFFy");
  CHECK(out == "keep x" + fffd + "y");
}
