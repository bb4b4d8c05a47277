#include <catch2/catch.hpp>

#include <string>

#include "host/request_table.hpp"

using smsdrv::host::pack_request;
using smsdrv::host::pending_request;
using smsdrv::host::report_ids;
using smsdrv::host::request_table;
using smsdrv::host::unpack_request;

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
  CHECK(t.submit(0, std::string_view("r1"), "channel-a", "", accepted(1)) == SMSDRV_OK);
  CHECK(t.submit(1, std::string_view("r2"), "channel-b", "", accepted(1)) == SMSDRV_OK);
  CHECK(t.submit(0, std::nullopt, "channel-a", "", accepted(2)) == SMSDRV_OK);
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
  CHECK(t.submit(0, std::string_view("r1"), "c", "",
                 [](uint64_t*) { return int32_t{SMSDRV_E_QUEUE_FULL}; }) == SMSDRV_E_QUEUE_FULL);
  CHECK(t.size() == 0);
  CHECK_FALSE(t.in_flight("r1"));
}

TEST_CASE("requests: take_all empties the table", "[requests]") {
  request_table t(1);
  t.submit(0, std::string_view("a"), "c", "", accepted(1));
  t.submit(0, std::string_view("b"), "c", "", accepted(2));
  const auto all = t.take_all();
  CHECK(all.size() == 2);
  CHECK(t.size() == 0);
  CHECK_FALSE(t.in_flight("a"));
}

TEST_CASE("requests: a packed request unpacks to what was packed", "[requests]") {
  const char* keys[] = {"_smsText", "empty", ""};
  const char* values[] = {"Hello, world", "", "v"};
  std::string packed;
  pack_request(packed, "SendSMS", "channel-a", 3, keys, values);
  const auto u = unpack_request(packed);
  CHECK(std::string(u.request) == "SendSMS");
  CHECK(std::string(u.channel) == "channel-a");
  REQUIRE(u.keys.size() == 3);
  REQUIRE(u.values.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(std::string(u.keys[i]) == keys[i]);
    CHECK(std::string(u.values[i]) == values[i]);
  }
  pack_request(packed, "SendSMS", "channel-a", 0, nullptr, nullptr);
  CHECK(unpack_request(packed).keys.empty());
}

TEST_CASE("requests: a superseded request is sent again under its id; others are taken",
          "[requests]") {
  request_table t(2);
  t.submit(0, std::string_view("r1"), "channel-a", "payload-1", accepted(7));
  t.submit(0, std::string_view("r2"), "channel-b", "payload-2", accepted(8));
  t.mark_superseded(0, "channel-a");
  auto again = [](size_t to_driver, uint64_t to_id, int32_t status) {
    return [=](const pending_request& p, size_t* driver, uint64_t* id) {
      CHECK(p.payload.starts_with("payload-"));
      *driver = to_driver;
      *id = to_id;
      return status;
    };
  };
  using outcome = request_table::again::outcome;
  // Sent again to driver 1 as its request 3: still in flight as r1, found under the new number.
  CHECK(t.send_again(0, 7, again(1, 3, SMSDRV_OK)).what == outcome::sent);
  CHECK(t.in_flight("r1"));
  CHECK(t.size() == 2);
  CHECK_FALSE(t.take(0, 7));
  CHECK(t.id_of(1, 3) == "r1");
  // Not superseded: taken with SMSDRV_E_SHUT_DOWN, send not called.
  auto r2 = t.send_again(0, 8, [](const pending_request&, size_t*, uint64_t*) {
    FAIL("not to be sent again");
    return int32_t{SMSDRV_OK};
  });
  CHECK(r2.what == outcome::taken);
  CHECK(r2.request.id == "r2");
  CHECK(r2.status == SMSDRV_E_SHUT_DOWN);
  CHECK_FALSE(t.in_flight("r2"));
  // Superseded again, and the new send refused: taken with the refusal's status.
  t.mark_superseded(1, "channel-a");
  auto refused = t.send_again(1, 3, again(1, 0, SMSDRV_E_QUEUE_FULL));
  CHECK(refused.what == outcome::taken);
  CHECK(refused.request.id == "r1");
  CHECK(refused.status == SMSDRV_E_QUEUE_FULL);
  CHECK(t.size() == 0);
  CHECK(t.send_again(1, 3, again(1, 0, SMSDRV_OK)).what == outcome::unknown);
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
