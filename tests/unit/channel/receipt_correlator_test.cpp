#include "channel/receipt_correlator.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::channel;
using namespace std::chrono_literals;

TEST_CASE("receipts find their request across the usual id spellings") {
  receipt_correlator c(100, 48h);
  const receipt_correlator::time_point t0{};
  c.remember("0A1B", {7, 1, 2}, t0);
  c.remember("12345", {8, 2, 2}, t0);
  c.remember("ff", {9, 1, 1}, t0);
  CHECK(c.find("a1b", false)->request_id == 7);    // case, leading zero
  CHECK(c.find("000a1b", true)->request_id == 7);  // final: forgotten
  CHECK_FALSE(c.find("a1b", true));
  CHECK(c.find("3039", false)->request_id == 8);  // 12345 written in hex
  CHECK(c.find("3039", true)->segment == 2);
  CHECK(c.find("255", true)->request_id == 9);  // 0xff written in decimal
  CHECK(c.size() == 0);
}

TEST_CASE("bounded by entries and by age") {
  receipt_correlator c(3, 10s);
  const receipt_correlator::time_point t0{};
  for (int i = 1; i <= 5; ++i)
    c.remember("id" + std::to_string(i), {std::uint64_t(i)}, t0);
  CHECK(c.size() == 3);
  CHECK_FALSE(c.find("id1", false));
  CHECK(c.find("id5", false));
  c.remember("late", {6}, t0 + 5s);
  c.expire(t0 + 9s);
  CHECK(c.size() == 3);  // id4, id5, late: nothing is 10 s old yet
  c.expire(t0 + 10s);
  CHECK(c.size() == 1);
  CHECK(c.find("late", false));
  c.expire(t0 + 15s);
  CHECK(c.size() == 0);
}

TEST_CASE("an id remembered again keeps the newer entry") {
  receipt_correlator c(2, 10s);
  const receipt_correlator::time_point t0{};
  c.remember("x", {1}, t0);
  c.remember("x", {2}, t0 + 5s);
  c.expire(t0 + 10s);  // the first remember is old, the entry is not
  REQUIRE(c.find("x", false));
  CHECK(c.find("x", false)->request_id == 2);
  c.remember("y", {3}, t0 + 6s);
  c.remember("z", {4}, t0 + 7s);  // over the bound: the oldest live entry (x) goes
  CHECK_FALSE(c.find("x", false));
  CHECK(c.find("y", false));
  CHECK(c.find("z", false));
}
