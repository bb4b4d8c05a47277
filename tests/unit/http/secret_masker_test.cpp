#include "http/secret_masker.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::http;

TEST_CASE("a secret is masked as written and in its encoded forms") {
  secret_masker m;
  m.add("p@ss word/1");
  CHECK(m.masked("user=x&password=p@ss word/1") == "user=x&password=********");
  CHECK(m.masked("password=p%40ss+word%2F1&x") == "password=********&x");
  CHECK(m.masked("password=p%40ss%20word%2F1") == "password=********");
  CHECK(m.masked("password=p%40ss%20word%2f1") == "password=********");  // lower-case hex
  CHECK(m.masked("nothing here") == "nothing here");
}

TEST_CASE("every occurrence of every secret goes, the longest first") {
  secret_masker m;
  CHECK(m.empty());
  m.add("");  // ignored
  CHECK(m.empty());
  m.add("abc");
  m.add("abcdef");
  CHECK(m.masked("abcdef abc xabcx") == "******** ******** x********x");
}

TEST_CASE("overlapping occurrences are masked whole, not one octet left") {
  secret_masker m;
  m.add("abcd");
  m.add("cdef");
  // Masking one secret first would leave "ef" of the other.
  CHECK(m.masked("x abcdef y") == "x ******** y");
  secret_masker r;
  r.add("abab");
  CHECK(r.masked("ababab") == "********");
  CHECK(r.spans("ababab") == std::vector<secret_masker::span>{{0, 6}});
  CHECK(r.overlaps("id=xab abab", {3, 6}) == false);
  CHECK(r.overlaps("id=abab", {3, 5}));
}
