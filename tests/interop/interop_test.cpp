// Interoperability with an independent SMPP implementation: the npm `smpp` package (0.5.1,
// pinned in tests/interop/package-lock.json) runs the SMSC (tests/interop/smsc-server.js);
// dms-stub and the real driver module are the client. Exit 77 (skipped) when node or the
// package is missing, unless SMSDRV_REQUIRE_INTEROP=1 (set by `make test`), then it fails.
#define CATCH_CONFIG_RUNNER
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "e2e_fixture.hpp"

using namespace smsdrv::test;

namespace {

bool interop_available() {
  const fs::path package = fs::path(SMSDRV_INTEROP_DIR) / "node_modules" / "smpp";
  return std::system("node --version >/dev/null 2>&1") == 0 && fs::exists(package);
}

}  // namespace

TEST_CASE("against the npm smpp SMSC: bind, 1000 SendSMS, 100 inbound messages") {
  smsc_process smsc({"node", std::string(SMSDRV_INTEROP_DIR) + "/smsc-server.js", "--port", "0",
                     "--account", "e2e:e2e-pw", "--dlr-delay-ms", "20"});
  server_root root;
  const auto cfg =
      root.write_cfg(channel_section("channel-npm", smsc.port, "x-smpp-delivery-report = false\n"));
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--linger", "0.5"});
  std::vector<json_line> out;
  REQUIRE(read_until(dms, out, [](const json_line& j) {
    return j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
  }));
  REQUIRE(smsc.until([](const json_line& j) {
    return j.str("event") == "bind" && j.str("status") == "ESME_ROK";
  }));

  // 1000 requests: GSM text, UCS-2 text and three-part messages mixed; each destination unique
  // so the SMSC's view can be matched to the request.
  constexpr int n = 1000;
  std::map<std::string, std::string> expected_dest;  // id -> destination
  for (int i = 0; i < n; ++i) {
    const std::string id = "npm" + std::to_string(i);
    const std::string dest = "4915" + std::to_string(5000000 + i);
    std::string text = "Message " + std::to_string(i);
    if (i % 10 == 3) text += " — ünicode ✓";
    if (i % 50 == 7) text = std::string(400, 'x') + std::to_string(i);  // 3 parts of 153
    expected_dest[id] = dest;
    dms.write_line(send_sms(id, "channel-npm", {{"_smsDestNumber", dest}, {"_smsText", text}}));
  }
  std::map<std::string, std::string> message_id_of;  // request id -> _smsMessageId
  std::size_t responses = 0;
  while (responses < n) {
    auto r = read_until(
        dms, out, [](const json_line& j) { return j.str("event") == "esp-response"; }, 60s);
    REQUIRE(r);
    ++responses;
    INFO(r->text);
    CHECK(r->str("ok") == "true");
    CHECK(message_id_of.count(r->str("id")) == 0);  // exactly one response per request
    message_id_of[r->str("id")] = r->str("userData", "_smsMessageId");
  }
  CHECK(message_id_of.size() == n);

  // The SMSC's side: every destination submitted; long ones in 3 parts with a UDH.
  std::map<std::string, std::set<std::string>> ids_by_dest;
  const std::size_t expected_submits = n + 2 * (n / 50);  // 20 long messages: 2 extra parts
  const bool all_seen = static_cast<bool>(smsc.until(
      [&](const json_line&) { return smsc.count("submit_sm") >= expected_submits; }, 30s));
  INFO("submit_sm events seen by the npm SMSC: " << smsc.count("submit_sm") << " of "
                                                 << expected_submits);
  REQUIRE(all_seen);
  CHECK(smsc.count("submit_sm") == expected_submits);
  for (const auto& e : smsc.events)
    if (e.str("event") == "submit_sm")
      ids_by_dest[e.str("destination_addr")].insert(e.str("message_id"));
  for (const auto& [id, dest] : expected_dest) {
    INFO(id);
    REQUIRE(ids_by_dest.count(dest) == 1);
    CHECK(ids_by_dest[dest].count(message_id_of[id]) == 1);
  }

  // 100 MO messages from the npm SMSC become 100 interactions, each acknowledged.
  smsc.proc->write_line(
      R"({"cmd":"mo","count":100,"from":"4917000","to":"12345","text":"MO {n}","system_id":"e2e"})");
  std::set<std::string> texts;
  while (texts.size() < 100) {
    auto in = read_until(
        dms, out, [](const json_line& j) { return j.str("event") == "interaction"; }, 30s);
    REQUIRE(in);
    CHECK(in->str("mode") == "paging");
    texts.insert(in->str("attributes", "_smsText"));
  }
  CHECK(texts.count("MO 1") == 1);  // the npm server numbers {n} from 1
  CHECK(texts.count("MO 100") == 1);
  dms.close_stdin();
  CHECK(dms.wait(30s) == 0);
  std::size_t acked = 0;
  smsc.until(
      [&](const json_line&) {
        acked = 0;
        for (const auto& e : smsc.events)
          acked += e.str("event") == "deliver_sm_resp" && e.str("status") == "ESME_ROK";
        return acked >= 100;
      },
      10s);
  CHECK(acked == 100);
}

int main(int argc, char** argv) {
  if (!interop_available()) {
    const char* required = std::getenv("SMSDRV_REQUIRE_INTEROP");
    std::fprintf(stderr,
                 "interop: node or tests/interop/node_modules/smpp is missing (run "
                 "scripts/setup.sh)\n");
    return required && std::string(required) == "1" ? 1 : 77;
  }
  return Catch::Session().run(argc, argv);
}
