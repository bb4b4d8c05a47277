#include "smpp/smpp_time.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::smpp;

namespace {

smpp_time time_of(std::string_view text) {
  auto parsed = parse_smpp_time(text);
  if (auto* e = std::get_if<smpp_time_error>(&parsed)) FAIL("refused: " << e->message());
  return std::get<smpp_time>(parsed);
}

}  // namespace

TEST_CASE("absolute times carry date, time, tenths and the UTC offset in quarter hours") {
  smpp_time t = time_of("120410101112304+");
  CHECK_FALSE(t.relative);
  CHECK(t.year == 12);
  CHECK(t.month == 4);
  CHECK(t.day == 10);
  CHECK(t.hour == 10);
  CHECK(t.minute == 11);
  CHECK(t.second == 12);
  CHECK(t.tenths == 3);
  CHECK(t.utc_offset_quarter_hours == 4);
  CHECK(time_of("991231235959948-").utc_offset_quarter_hours == -48);
  CHECK(time_of("240229000000000+").day == 29);  // 2024 is a leap year
  CHECK(time_of("000101000000000+").year == 0);
}

TEST_CASE("relative times count years, months, days, hours, minutes and seconds") {
  smpp_time t = time_of("000002030000000R");
  CHECK(t.relative);
  CHECK(t.day == 2);
  CHECK(t.hour == 3);
  CHECK(time_of("999999999999000R").second == 99);
  CHECK(time_of("000000000000000R").relative);
}

TEST_CASE("to_string gives the wire form back") {
  for (std::string_view s : {"120410101112304+", "991231235959948-", "000002030000000R"})
    CHECK(to_string(time_of(s)) == s);
}

TEST_CASE("empty means not set for validate_smpp_time, but parse_smpp_time wants a time") {
  CHECK_FALSE(validate_smpp_time("").has_value());
  CHECK_FALSE(validate_smpp_time("000001000000000R").has_value());
  auto parsed = parse_smpp_time("");
  REQUIRE(std::holds_alternative<smpp_time_error>(parsed));
  CHECK(std::get<smpp_time_error>(parsed).message() == "column 1: empty");
}

TEST_CASE("bad time strings are refused with the column and a reason") {
  struct refused {
    std::string_view text;
    std::string_view message;
  };
  auto c = GENERATE(values<refused>({
      {"1204101011123", "column 14: must be 16 characters (YYMMDDhhmmsstnnp), not 13"},
      {"120410101112304+0", "column 17: must be 16 characters (YYMMDDhhmmsstnnp), not 17"},
      {"12041010111230+", "column 15: expected a digit, found '+'"},
      {"12-410101112304+", "column 3: expected a digit, found '-'"},
      {"120410101112304 ", "column 16: expected '+', '-' or 'R' at the end, found ' '"},
      {"120410101112304r", "column 16: expected '+', '-' or 'R' at the end, found 'r'"},
      {"121310101112304+", "column 3: month 13 is not 01-12"},
      {"120010101112304+", "column 3: month 00 is not 01-12"},
      {"120400101112304+", "column 5: day 00 is not 01-31"},
      {"120432101112304+", "column 5: day 32 is not 01-31"},
      {"120431101112304+", "column 5: day 31 does not exist in month 04 of 2012"},
      {"230229101112304+", "column 5: day 29 does not exist in month 02 of 2023"},
      {"120410241112304+", "column 7: hour 24 is not 00-23"},
      {"120410106012304+", "column 9: minute 60 is not 00-59"},
      {"120410101160304+", "column 11: second 60 is not 00-59"},
      {"120410101112349+", "column 14: UTC offset 49 quarter hours is not 00-48"},
      {"000002030000100R", "column 13: a relative time has '000' before 'R'"},
      {"000002030000001R", "column 13: a relative time has '000' before 'R'"},
      {std::string_view("1204\x00"
                        "0101112304+",
                        16),
       "column 5: expected a digit, found byte 0x00"},
  }));
  CAPTURE(c.text);
  auto e = validate_smpp_time(c.text);
  REQUIRE(e.has_value());
  CHECK(e->message() == c.message);
}
