// End to end over loopback: dms-stub loads the real driver module from a server root, smsc-sim
// plays the SMSC. Every assertion is on what crossed a socket or a pipe.
#include <csignal>
#include <map>

#include "e2e_fixture.hpp"

using namespace smsdrv::test;

namespace {

struct stack {
  server_root root;
  smsc_process smsc;
  std::unique_ptr<subprocess> dms;
  std::vector<json_line> out;

  explicit stack(std::vector<std::string> sim_flags = {}, const std::string& extra = {})
      : smsc([&] {
          std::vector<std::string> argv{
              SMSDRV_SMSC_SIM_PATH, "--listen",       "127.0.0.1:0", "--account",
              "e2e:e2e-pw",         "--dlr-delay-ms", "50"};
          argv.insert(argv.end(), sim_flags.begin(), sim_flags.end());
          return argv;
        }()) {
    const auto cfg = root.write_cfg(channel_section("channel-sms1", smsc.port, extra));
    dms = std::make_unique<subprocess>(
        std::vector<std::string>{SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(),
                                 "--app-name", "e2e-dms", "--linger", "0.5"});
    REQUIRE(until([](const json_line& j) {
      return j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
    }));
  }

  std::optional<json_line> until(const std::function<bool(const json_line&)>& pred,
                                 std::chrono::milliseconds timeout = 15s) {
    return read_until(*dms, out, pred, timeout);
  }
  // The response may already have been read while waiting for another one: dms-stub writes its
  // own refusals as soon as it can, so they can overtake the driver's answers (docs/esp.md).
  std::optional<json_line> response(const std::string& id) {
    auto is_it = [&](const json_line& j) {
      return j.str("event") == "esp-response" && j.str("id") == id;
    };
    for (const auto& j : out)
      if (is_it(j)) return j;
    return until(is_it);
  }
  int finish() {
    dms->close_stdin();
    auto rc = dms->wait(30s);
    REQUIRE(rc);
    return *rc;
  }
};

}  // namespace

TEST_CASE("SendSMS: response with the SMSC's message id, then its delivery report") {
  stack s;
  s.dms->write_line(send_sms("r1", "channel-sms1",
                             {{"_smsDestNumber", "4915550001"},
                              {"_smsText", "Hello @ 5€ {ok}"},
                              {"x-smpp-delivery-report", "true"}}));
  auto resp = s.response("r1");
  REQUIRE(resp);
  CHECK(resp->str("ok") == "true");
  const std::string id = resp->str("userData", "_smsMessageId");
  CHECK_FALSE(id.empty());
  auto submit = s.smsc.until([](const json_line& j) { return j.str("event") == "submit_sm"; });
  REQUIRE(submit);
  CHECK(submit->str("destination_addr") == "4915550001");
  CHECK(submit->str("source_addr") == "12345");  // default-reply-address
  CHECK(submit->str("message_id") == id);
  CHECK(submit->num("data_coding") == 0);
  // GSM 03.38 unpacked: '@' is 0x00, '€' is ESC 0x65, '{' ESC 0x28, '}' ESC 0x29.
  CHECK(submit->str("short_message") == "48656c6c6f200020351b65201b286f6b1b29");
  auto dr = s.until([](const json_line& j) { return j.str("event") == "delivery-report"; });
  REQUIRE(dr);
  CHECK(dr->str("id") == "r1");
  CHECK(dr->str("attributes", "_smsMessageId") == id);
  CHECK(dr->str("attributes", "_smsDeliveryStat") == "DELIVRD");
  CHECK(s.finish() == 0);
  // The receipt was acknowledged to the SMSC after dms-stub wrote it.
  CHECK(s.smsc.until([](const json_line& j) {
    return j.str("event") == "deliver_sm_resp" && j.str("kind") == "receipt" &&
           j.str("outcome") == "acknowledged";
  }));
}

TEST_CASE("a long message goes out in concatenated parts with one response") {
  stack s;
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "0123456789";  // 400 GSM characters: 3 parts of 153
  s.dms->write_line(
      send_sms("long", "channel-sms1", {{"_smsDestNumber", "4915550001"}, {"_smsText", text}}));
  auto resp = s.response("long");
  REQUIRE(resp);
  CHECK(resp->str("ok") == "true");
  CHECK(resp->str("userData", "_smsSegments") == "3");
  std::vector<std::string> bodies;
  for (int i = 0; i < 3; ++i) {
    auto sub = s.smsc.until([&](const json_line& j) {
      return j.str("event") == "submit_sm" &&
             std::find(bodies.begin(), bodies.end(), j.str("short_message")) == bodies.end();
    });
    REQUIRE(sub);
    CHECK((sub->num("esm_class") & 0x40) == 0x40);
    bodies.push_back(sub->str("short_message"));
  }
  // UDH 05 00 03 <ref> 03 <seq>
  for (int i = 0; i < 3; ++i) {
    CHECK(bodies[i].substr(0, 6) == "050003");
    CHECK(bodies[i].substr(8, 4) == "030" + std::to_string(i + 1));
  }
  CHECK(s.finish() == 0);
}

TEST_CASE("inbound messages become interactions, routed by session-by-text, then acked") {
  stack s({"--mo", "4915550002:12345:Hello from a handset"});
  auto paging = s.until([](const json_line& j) { return j.str("event") == "interaction"; });
  REQUIRE(paging);
  CHECK(paging->str("mode") == "paging");
  CHECK(paging->str("endpoint") == "101:sms_endpoint");
  CHECK(paging->str("attributes", "_smsText") == "Hello from a handset");
  CHECK(paging->str("attributes", "FromAddr") == "4915550002");
  CHECK(paging->str("attributes", "_umsInboundIxnSubmittedBy") == "e2e-dms");
  CHECK(paging->members("attributes") == 17);
  s.smsc.proc->write_line(
      R"({"cmd":"mo","from":"4915550003","to":"12345","text":"chat please","data_coding":8})");
  auto chat = s.until([](const json_line& j) {
    return j.str("event") == "interaction" && j.str("mode") == "chat";
  });
  REQUIRE(chat);
  CHECK(chat->str("endpoint") == "101:chat_endpoint");
  CHECK(chat->str("attributes", "_smsInbDataEnc") == "8");
  CHECK(s.finish() == 0);
  auto acknowledged = [&] {
    return std::count_if(s.smsc.events.begin(), s.smsc.events.end(), [](const json_line& e) {
      return e.str("event") == "deliver_sm_resp" && e.str("outcome") == "acknowledged";
    });
  };
  s.smsc.until([&](const json_line&) { return acknowledged() >= 2; });
  CHECK(acknowledged() == 2);
}

TEST_CASE("a host that dies before taking a message gets it again: nothing is lost") {
  stack s({"--redeliver-ms", "60000"});
  // dms-stub is stopped hard (no chance to write or ack) as soon as the MO reaches the SMSC's
  // wire; the next dms-stub binds and must receive the same message.
  ::kill(s.dms->pid(), SIGSTOP);
  s.smsc.proc->write_line(
      R"({"cmd":"mo","from":"4915550004","to":"12345","text":"do not lose me"})");
  REQUIRE(s.smsc.until([](const json_line& j) { return j.str("event") == "deliver_sm"; }));
  s.dms->kill(SIGKILL);
  s.dms->wait(10s);
  REQUIRE(s.smsc.until([](const json_line& j) {
    return j.str("event") == "connection-closed" && j.num("requeued") == 1;
  }));
  const auto cfg = s.root.dir / "dms.cfg";
  subprocess again({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--linger", "0.5"});
  std::vector<json_line> seen;
  auto in =
      read_until(again, seen, [](const json_line& j) { return j.str("event") == "interaction"; });
  REQUIRE(in);
  CHECK(in->str("attributes", "_smsText") == "do not lose me");
  again.close_stdin();
  CHECK(again.wait(30s) == 0);
}

TEST_CASE("bad requests get a negative response naming the problem; the stub keeps going") {
  stack s;
  s.dms->write_line(send_sms("bad1", "channel-sms1", {{"_smsText", "no destination"}}));
  s.dms->write_line(send_sms("bad2", "channel-nope", {{"_smsDestNumber", "1"}}));
  s.dms->write_line("{this is not json");
  s.dms->write_line(send_sms("good", "channel-sms1", {{"_smsDestNumber", "4915550001"}}));
  auto r1 = s.response("bad1");
  REQUIRE(r1);
  CHECK(r1->str("ok") == "false");
  CHECK(r1->str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(r1->str("error", "text").find("_smsDestNumber is required") != std::string::npos);
  auto r2 = s.response("bad2");
  REQUIRE(r2);
  CHECK(r2->str("error", "name") == "SMSDRV_E_UNKNOWN_CHANNEL");
  auto good = s.response("good");
  REQUIRE(good);
  CHECK(good->str("ok") == "true");
  // The stub's own answer to the line that is not JSON may come after the driver's answer to
  // the next line (docs/esp.md, "Ordering"): looked for in what was read, else waited for.
  auto is_error = [](const json_line& j) { return j.str("event") == "error"; };
  const bool saw_json_error =
      std::any_of(s.out.begin(), s.out.end(), is_error) || s.until(is_error).has_value();
  CHECK(saw_json_error);
  CHECK(s.finish() == 0);
}

TEST_CASE("the SMSC refuses: ESME status named in the negative response") {
  stack s;
  s.smsc.proc->write_line(R"({"cmd":"fault","fail-every":"1:ESME_RINVDSTADR"})");
  s.smsc.until([](const json_line& j) { return j.str("event") == "fault-set"; }, 5s);
  s.dms->write_line(send_sms("r9", "channel-sms1", {{"_smsDestNumber", "4915550001"}}));
  auto r = s.response("r9");
  REQUIRE(r);
  CHECK(r->str("ok") == "false");
  CHECK(r->str("error", "name") == "SMSDRV_E_SMSC_REJECTED");
  CHECK(r->str("error", "text").find("ESME_RINVDSTADR") != std::string::npos);
  CHECK(s.finish() == 0);
}

TEST_CASE("a full queue is refused at once and blocks no other channel") {
  // channel-down: its SMSC cannot be reached (nothing listens on the port), queue of 2;
  // channel-up: a healthy SMSC.
  server_root root;
  smsc_process smsc({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw"});
  const int closed_port = [] {
    // A port nothing listens on: taken from the kernel, then released.
    smsc_process probe({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0"});
    const int port = probe.port;
    probe.proc->kill(SIGKILL);
    probe.proc->wait(5s);
    return port;
  }();
  const auto cfg =
      root.write_cfg(channel_section("channel-down", closed_port, "x-smpp-queue-size = 2\n") +
                     channel_section("channel-up", smsc.port));
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--drain", "0.5"});
  std::vector<json_line> out;
  REQUIRE(read_until(dms, out, [](const json_line& j) {
    return j.str("event") == "channel-state" && j.str("channel") == "channel-up" &&
           j.str("attributes", "state") == "bound";
  }));
  for (int i = 1; i <= 5; ++i)
    dms.write_line(send_sms("d" + std::to_string(i), "channel-down",
                            {{"_smsDestNumber", "4915550001"}, {"_smsText", "queued"}}));
  dms.write_line(
      send_sms("u1", "channel-up", {{"_smsDestNumber", "4915550001"}, {"_smsText", "healthy"}}));
  // The healthy channel's request goes out at once, and the three that found the queue full are
  // refused at once: no waiting for room.
  std::map<std::string, json_line> answers;
  REQUIRE(read_until(
      dms, out,
      [&](const json_line& j) {
        if (j.str("event") == "esp-response") answers.emplace(j.str("id"), j);
        return answers.count("u1") && answers.count("d3") && answers.count("d4") &&
               answers.count("d5");
      },
      10s));
  CHECK(answers.at("u1").str("ok") == "true");
  for (const char* id : {"d3", "d4", "d5"}) {
    CAPTURE(id);
    CHECK(answers.at(id).str("ok") == "false");
    CHECK(answers.at(id).str("error", "name") == "SMSDRV_E_QUEUE_FULL");
  }
  CHECK(answers.count("d1") == 0);  // still queued: waiting for the link
  CHECK(answers.count("d2") == 0);
  REQUIRE(smsc.until([](const json_line& j) {
    return j.str("event") == "submit_sm" && j.str("short_message") == "6865616c746879";
  }));
  dms.close_stdin();
  read_until(
      dms, out, [](const json_line&) { return false; }, 30s);  // to the end of output
  REQUIRE(dms.wait(30s) == 0);
  // Exactly one answer for each request: d1 and d2 at shutdown, never sent.
  for (const auto& j : out)
    if (j.str("event") == "esp-response") answers.emplace(j.str("id"), j);
  CHECK(answers.size() == 6);
  for (const char* id : {"d1", "d2"}) {
    CAPTURE(id);
    REQUIRE(answers.count(id) == 1);
    CHECK(answers.at(id).str("ok") == "false");
  }
}

TEST_CASE("SIGHUP: changed, added, removed and unchanged channels while traffic flows") {
  server_root root;
  // The steady traffic goes to an SMSC of its own, which reports no PDU (nobody reads them).
  smsc_process busy(
      {SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw", "--quiet"});
  smsc_process fast({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw"});
  smsc_process slow({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw",
                     "--delay-ms", "1500"});
  // channel-change: window 1 on a slow SMSC, so that requests wait in its queue.
  const std::string keep = channel_section("channel-keep", busy.port);
  std::string change = channel_section("channel-change", slow.port);
  const std::string window = "x-smpp-submit-window-size = 50";
  change.replace(change.find(window), window.size(), "x-smpp-submit-window-size = 1");
  const auto cfg = root.write_cfg(keep + change + channel_section("channel-gone", busy.port));
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--drain", "5"});
  std::vector<json_line> out;
  int bound = 0;
  const bool all_bound = read_until(dms, out, [&](const json_line& j) {
                           return j.str("event") == "channel-state" &&
                                  j.str("attributes", "state") == "bound" && ++bound == 3;
                         }).has_value();
  INFO(dms.stderr_text());
  REQUIRE(all_bound);
  auto sms = [](const std::string& id, const std::string& channel) {
    return send_sms(id, channel, {{"_smsDestNumber", "4915550001"}, {"_smsText", id}});
  };
  for (const char* id : {"c1", "c2", "c3"})
    dms.write_line(sms(id, "channel-change"));
  int k = 0;
  for (; k < 20; ++k)
    dms.write_line(sms("k" + std::to_string(k), "channel-keep"));
  REQUIRE(slow.until([](const json_line& j) { return j.str("event") == "submit_sm"; }));
  // The new file: channel-change on the fast SMSC with a larger window, channel-gone removed,
  // channel-new added, channel-keep as it was.
  root.write_cfg(keep + channel_section("channel-change", fast.port) +
                 channel_section("channel-new", fast.port));
  dms.kill(SIGHUP);
  for (; k < 200; ++k)
    dms.write_line(sms("k" + std::to_string(k), "channel-keep"));
  std::map<std::string, int> answers;
  std::map<std::string, std::string> ok;
  auto count = [&](const json_line& j) {
    if (j.str("event") != "esp-response") return;
    ++answers[j.str("id")];
    ok[j.str("id")] = j.str("ok") == "true" ? "ok" : j.str("error", "name");
  };
  for (const auto& j : out)
    count(j);
  const bool answered =
      read_until(
          dms, out,
          [&](const json_line& j) {
            count(j);
            return ok.count("c1") && ok.count("c2") && ok.count("c3") && ok.count("k199");
          },
          30s)
          .has_value();
  INFO(dms.stderr_text());
  REQUIRE(answered);
  dms.write_line(sms("n1", "channel-new"));
  dms.write_line(sms("g1", "channel-gone"));
  dms.close_stdin();
  read_until(
      dms, out,
      [&](const json_line& j) {
        count(j);
        return false;
      },
      30s);
  REQUIRE(dms.wait(30s) == 0);
  const std::string log = dms.stderr_text();
  INFO(log);
  CHECK(log.find("applied: 1 replaced (channel-change); 1 added (channel-new); 1 removed "
                 "(channel-gone); 1 unchanged") != std::string::npos);
  // Every request exactly one answer; the reload is invisible to the business process.
  CHECK(answers.size() == 3 + 200 + 2);
  for (const auto& [id, n] : answers) {
    CAPTURE(id);
    CHECK(n == 1);
    if (id != "g1") CHECK(ok[id] == "ok");
  }
  CHECK(ok["g1"] == "SMSDRV_E_UNKNOWN_CHANNEL");
  // c1 was in flight at the slow SMSC and answered there; c2 and c3 were queued, never sent
  // there, and went to the new instance at the fast SMSC.
  auto texts = [](smsc_process& smsc) {
    std::vector<std::string> t;
    smsc.until([](const json_line&) { return false; }, 1s);
    for (const auto& j : smsc.events)
      if (j.str("event") == "submit_sm") t.push_back(j.str("short_message"));
    return t;
  };
  const auto at_slow = texts(slow);
  const auto at_fast = texts(fast);
  CHECK(at_slow == std::vector<std::string>{"6331"});  // "c1"
  CHECK(std::count(at_fast.begin(), at_fast.end(), "6332") == 1);
  CHECK(std::count(at_fast.begin(), at_fast.end(), "6333") == 1);
  // The old instance's link going away is not the channel's state: bound, bound again (the
  // new instance), shut down at the end of the run.
  std::vector<std::string> states;
  for (const auto& j : out)
    if (j.str("event") == "channel-state" && j.str("channel") == "channel-change")
      states.push_back(j.str("attributes", "state"));
  CHECK(states == std::vector<std::string>{"bound", "bound", "shut-down"});
}
