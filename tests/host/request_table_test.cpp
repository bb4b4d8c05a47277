#include <catch2/catch.hpp>

#include <string>

#include "host/request_table.hpp"

using smsdrv::host::report_ids;
using smsdrv::host::request_table;

namespace {

// A send() that succeeds with the given id.
auto accepted(uint64_t id) {
  return [id](uint64_t* out) {
    *out = id;
    return int32_t{SMSDRV_OK};
  };
}

}  // namespace

TEST_CASE("requests: accepted requests are in flight until taken", "[requests]") {
  request_table t(2);
  CHECK(t.submit(0, std::string_view("r1"), "channel-a", accepted(1)) == SMSDRV_OK);
  CHECK(t.submit(1, std::string_view("r2"), "channel-b", accepted(1)) == SMSDRV_OK);
  CHECK(t.submit(0, std::nullopt, "channel-a", accepted(2)) == SMSDRV_OK);
  CHECK(t.size() == 3);
  CHECK(t.in_flight("r1"));
  CHECK(t.in_flight("r2"));
  CHECK(t.id_of(1, 1) == "r2");

  auto r = t.take(1, 1);
  REQUIRE(r);
  CHECK(r->has_id);
  CHECK(r->id == "r2");
  CHECK(r->channel == "channel-b");
  CHECK_FALSE(t.in_flight("r2"));
  CHECK_FALSE(t.take(1, 1));

  auto anonymous = t.take(0, 2);
  REQUIRE(anonymous);
  CHECK_FALSE(anonymous->has_id);
  CHECK(t.size() == 1);
}

TEST_CASE("requests: a refused send records nothing", "[requests]") {
  request_table t(1);
  CHECK(t.submit(0, std::string_view("r1"), "c",
                 [](uint64_t*) { return int32_t{SMSDRV_E_QUEUE_FULL}; }) == SMSDRV_E_QUEUE_FULL);
  CHECK(t.size() == 0);
  CHECK_FALSE(t.in_flight("r1"));
}

TEST_CASE("requests: take_all empties the table", "[requests]") {
  request_table t(1);
  t.submit(0, std::string_view("a"), "c", accepted(1));
  t.submit(0, std::string_view("b"), "c", accepted(2));
  const auto all = t.take_all();
  CHECK(all.size() == 2);
  CHECK(t.size() == 0);
  CHECK_FALSE(t.in_flight("a"));
}

TEST_CASE("report ids: the oldest are forgotten first", "[requests]") {
  report_ids r(3);
  for (uint64_t i = 1; i <= 5; ++i)
    r.remember(0, i, "r" + std::to_string(i));
  CHECK_FALSE(r.find(0, 1));
  CHECK_FALSE(r.find(0, 2));
  CHECK(r.find(0, 3) == "r3");
  CHECK(r.find(0, 5) == "r5");
  CHECK_FALSE(r.find(1, 5));
}
