#include "http/phone_number.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::http;

namespace {

std::string problem_of(std::string_view number) {
  std::string problem;
  CHECK_FALSE(international_number(number, problem).has_value());
  return problem;
}

}  // namespace

TEST_CASE("digits with the country code pass; a leading + is dropped") {
  std::string problem;
  CHECK(international_number("4917612345678", problem) == "4917612345678");
  CHECK(international_number("+4917612345678", problem) == "4917612345678");
  CHECK(international_number("6831234", problem) == "6831234");                  // 7 digits
  CHECK(international_number("123456789012345", problem) == "123456789012345");  // 15
  CHECK(problem.empty());
}

TEST_CASE("anything else is refused naming the rule, not the number") {
  CHECK(problem_of("4917 6123456") ==
        "must be digits only, with the country code (a leading + is dropped); character 5 is not a "
        "digit");
  CHECK(problem_of("+49-176123456") ==
        "must be digits only, with the country code (a leading + is dropped); character 4 is not a "
        "digit");
  CHECK(problem_of("++4917612345").ends_with("character 2 is not a digit"));
  CHECK(problem_of("") == "must be digits with the country code, e.g. 4917612345678");
  CHECK(problem_of("+") == "must be digits with the country code, e.g. 4917612345678");
  CHECK(problem_of("017612345678").starts_with("starts with 0"));
  CHECK(problem_of("004917612345678").starts_with("starts with 0"));
  CHECK(problem_of("123456") == "has 6 digits; a number with its country code has 7 to 15 (E.164)");
  CHECK(problem_of("1234567890123456") ==
        "has 16 digits; a number with its country code has 7 to 15 (E.164)");
  CHECK(problem_of("49176ABCDEF").ends_with("character 6 is not a digit"));
}
