// The console's status API bodies (console/status_json.hpp): valid JSON whatever a driver
// reports, read back with RapidJSON.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "console/status_json.hpp"

using namespace smsdrv;

namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

smsdrv::metric_sample sample(std::string channel, std::string name, double v) {
  smsdrv::metric_sample s;
  s.family = name;
  s.name = std::move(name);
  s.channel = std::move(channel);
  s.value = v;
  return s;
}

}  // namespace

TEST_CASE("status json: channels with their state and unlabelled samples", "[console]") {
  host::channel_state a;
  a.channel = "channel-a";
  a.driver = "smsmms";
  a.reported = true;
  a.status = -7;
  a.status_name = "SMSDRV_E_CHANNEL_DOWN";
  a.text = "lost \"smsc\"\n\xff";
  a.attributes = {{"state", "down"}};
  a.since = std::chrono::system_clock::from_time_t(1'800'000'000);
  a.changes = 3;
  host::channel_state b;
  b.channel = "channel-b";
  b.driver = "smsmms";
  smsdrv::metric_sample labelled = sample("channel-a", "smsdrv_failed_total", 9);
  labelled.label_name = "status";
  smsdrv::metric_sample bucket = sample("channel-a", "smsdrv_latency_bucket", 1);
  bucket.family = "smsdrv_latency";
  const std::vector<host::driver_metrics> metrics{
      {"smsmms",
       {sample("channel-a", "smsdrv_queue_depth", 12), sample("channel-a", "smsdrv_rate", 2.5),
        sample("channel-a", "smsdrv_odd", std::numeric_limits<double>::quiet_NaN()), labelled,
        bucket, sample("channel-b", "smsdrv_link_up", 1)}},
      {"other", {sample("channel-a", "smsdrv_elsewhere", 1)}}};

  const auto d = parse(console::channels_json(
      {a, b}, metrics, std::chrono::system_clock::from_time_t(1'800'000'060)));
  CHECK(std::string(d["now"].GetString()) == "2027-01-15T08:01:00Z");
  const auto& ca = d["channels"][0];
  CHECK(std::string(ca["name"].GetString()) == "channel-a");
  CHECK(ca["state"]["reported"].GetBool());
  CHECK(ca["state"]["status"].GetInt() == -7);
  CHECK(std::string(ca["state"]["text"].GetString()) == "lost \"smsc\"\n\xEF\xBF\xBD");
  CHECK(std::string(ca["state"]["attributes"]["state"].GetString()) == "down");
  CHECK(std::string(ca["state"]["since"].GetString()) == "2027-01-15T08:00:00Z");
  CHECK(ca["state"]["changes"].GetUint64() == 3);
  CHECK(ca["metrics"]["smsdrv_queue_depth"].GetInt64() == 12);
  CHECK(ca["metrics"]["smsdrv_rate"].GetDouble() == 2.5);
  CHECK(ca["metrics"]["smsdrv_odd"].IsNull());
  CHECK(ca["metrics"].MemberCount() == 3);  // no labelled sample, bucket or other driver's
  const auto& cb = d["channels"][1];
  CHECK_FALSE(cb["state"]["reported"].GetBool());
  CHECK_FALSE(cb["state"].HasMember("status"));
  CHECK(cb["metrics"]["smsdrv_link_up"].GetInt() == 1);
}

TEST_CASE("status json: test messages newest first, report fields as strings", "[console]") {
  host::test_message first;
  first.id = "console-test-1";
  first.to = "*******1234";
  first.answered = true;
  first.ok = true;
  first.message_id = "m1";
  first.report = {{"state", "DELIVRD"}, {"err", "000"}};
  host::test_message second;
  second.id = "console-test-2";
  second.status_name = "SMSDRV_E_QUEUE_FULL";

  const auto d = parse(console::tests_json({first, second}));
  REQUIRE(d["messages"].Size() == 2);
  CHECK(std::string(d["messages"][0]["id"].GetString()) == "console-test-2");
  CHECK_FALSE(d["messages"][0]["answered"].GetBool());
  const auto& m = d["messages"][1];
  CHECK(std::string(m["to"].GetString()) == "*******1234");
  CHECK(m["ok"].GetBool());
  CHECK(std::string(m["messageId"].GetString()) == "m1");
  CHECK(std::string(m["report"]["state"].GetString()) == "DELIVRD");
  CHECK(parse(console::tests_json({}))["messages"].Size() == 0);
}
