// The module's log lines through the host's log callback: masked by the driver-wide sections,
// the PDU trace with x-debug-mode, passwords never; a spec file that cannot be used refuses
// the section.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mini_smsc.hpp"
#include "smsdrv/smsdrv.hpp"

using namespace std::chrono_literals;

namespace {

struct log_capture {
  std::mutex mutex;
  std::string text;

  smsdrv_host host() {
    smsdrv_host h{};
    h.struct_size = sizeof h;
    h.context = this;
    h.log = [](void* ctx, std::int32_t, const char* channel, const char* message) {
      auto* self = static_cast<log_capture*>(ctx);
      std::lock_guard lock(self->mutex);
      self->text += std::string(channel) + ": " + message + "\n";
    };
    h.log_level = SMSDRV_LOG_DEBUG;
    return h;
  }
  std::string all() {
    std::lock_guard lock(mutex);
    return text;
  }
};

template <class Pred>
bool wait_for(smsdrv::driver& d, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    smsdrv::event ev;
    while (d.poll(ev))
      if (pred(ev)) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

}  // namespace

TEST_CASE("the driver's log is masked by its driver-wide sections, the trace included") {
  const std::string spec = "/tmp/smsdrv-abi-privacy-spec.json";
  std::ofstream(spec) << R"({"keys": {"_smsDestNumber": "unhide-last,4"},
    "patterns": [{"name": "ids", "regex": "id-[0-9]+", "filter": "hide"}]})";
  smsdrv::test::mini_smsc smsc;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  log_capture logs;
  smsdrv::driver drv(mod, logs.host());
  drv.configure("settings", {{"logging-filter-active", "true"}, {"logging-filter-spec", spec}});
  drv.configure("log-filter-data", {{"_smsText", "hide"}});
  drv.configure("channel-p", {{"x-smpp-host", "127.0.0.1"},
                              {"x-smpp-port", std::to_string(smsc.port())},
                              {"x-smpp-system-id", "abi"},
                              {"password", "pw-8char"},
                              {"x-debug-mode", "true"}});
  REQUIRE(wait_for(drv, [](const smsdrv::event& e) {
    return e.type() == SMSDRV_EVENT_CHANNEL_STATE && e.attribute("state") == "bound";
  }));
  auto sent = drv.send("channel-p", "SendSMS",
                       {{"_smsDestNumber", "4917612345678"}, {"_smsText", "Top secret"}});
  REQUIRE(sent);
  REQUIRE(wait_for(drv, [](const smsdrv::event& e) { return e.type() == SMSDRV_EVENT_RESPONSE; }));
  drv.shutdown(1000);
  std::remove(spec.c_str());
  const std::string log = logs.all();
  CAPTURE(log);
  CHECK(log.find("channel-p: >> submit_sm seq=") != std::string::npos);
  CHECK(log.find("destination_addr=\"*********5678\"") != std::string::npos);
  CHECK(log.find("short_message=\"****\"") != std::string::npos);
  CHECK(log.find("message_id=\"****\"") != std::string::npos);  // the spec's pattern: "id-2"
  CHECK(log.find("password=\"********\"") != std::string::npos);
  for (const char* secret :
       {"4917612345678", "Top secret", "546f7020736563726574", "pw-8char", "id-2"})
    CHECK(log.find(secret) == std::string::npos);
}

TEST_CASE("a spec file that cannot be used refuses [settings], naming the file and the place") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  log_capture logs;
  smsdrv::driver drv(mod, logs.host());
  try {
    drv.configure("settings", {{"logging-filter-active", "true"},
                               {"logging-filter-spec", "/nonexistent/spec.json"}});
    FAIL("a missing spec file was accepted");
  } catch (const smsdrv::error& e) {
    CHECK(e.status() == SMSDRV_E_BAD_CONFIG);
    CHECK(std::string(e.what()).find("[settings] logging-filter-spec: /nonexistent/spec.json: "
                                     "cannot be read: No such file or directory") !=
          std::string::npos);
  }
  const std::string spec = "/tmp/smsdrv-abi-privacy-bad.json";
  std::ofstream(spec) << R"({"patterns": [{"name": "p", "regex": "(", "filter": "hide"}]})";
  try {
    drv.configure("settings", {{"logging-filter-active", "true"}, {"logging-filter-spec", spec}});
    FAIL("a bad spec file was accepted");
  } catch (const smsdrv::error& e) {
    CHECK(std::string(e.what()).find(spec + ": /patterns/0/regex: not a valid regular "
                                            "expression") != std::string::npos);
  }
  std::remove(spec.c_str());
  // Inactive, the file is not read at all.
  drv.configure("settings", {{"logging-filter-active", "false"},
                             {"logging-filter-spec", "/nonexistent/spec.json"}});
}
