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
