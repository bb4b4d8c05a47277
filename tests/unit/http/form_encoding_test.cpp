#include "http/form_encoding.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::http;

TEST_CASE("unreserved characters pass, everything else is percent-encoded in upper-case hex") {
  CHECK(form_encoded("AZaz09-._~", space_encoding::plus) == "AZaz09-._~");
  CHECK(form_encoded("a&b=c+d?e/f#g%h*", space_encoding::plus) ==
        "a%26b%3Dc%2Bd%3Fe%2Ff%23g%25h%2A");
  CHECK(form_encoded("", space_encoding::plus).empty());
}

TEST_CASE("a space is '+' or %20 as the gateway wants; a literal '+' is always %2B") {
  CHECK(form_encoded("Hello world +1", space_encoding::plus) == "Hello+world+%2B1");
  CHECK(form_encoded("Hello world +1", space_encoding::percent20) == "Hello%20world%20%2B1");
}

TEST_CASE("UTF-8 text is encoded octet by octet") {
  // é U+00E9, € U+20AC, 😀 U+1F600
  CHECK(form_encoded("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", space_encoding::plus) ==
        "%C3%A9%E2%82%AC%F0%9F%98%80");
  // Control characters and NUL too.
  CHECK(form_encoded(std::string_view("a\nb\0c", 5), space_encoding::plus) == "a%0Ab%00c");
}

TEST_CASE("append_form_encoded appends to what is there") {
  std::string out = "to=";
  append_form_encoded(out, "a b", space_encoding::percent20);
  CHECK(out == "to=a%20b");
}
