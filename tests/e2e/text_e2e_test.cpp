// Text and long messages end to end (docs/text.md): dms-stub loads the real module, smsc-sim plays
// the SMSC. Every assertion is on what crossed a socket or a pipe: the submit_sm fields and
// octets the SMSC received, the deliver_sm_resp it got back, dms-stub's JSON lines and log.
#include <map>

#include "e2e_fixture.hpp"

using namespace smsdrv::test;

namespace {

// A [channel-<name>] section for account `system_id` (password "<system_id>-pw").
std::string section(const std::string& name, int port, const std::string& system_id,
                    const std::string& extra = {}) {
  return "[" + name +
         "]\n"
         "inbound-route = 101:sms_endpoint\n"
         "default-reply-address = 12345\n"
         "x-smpp-host = 127.0.0.1\n"
         "x-smpp-port = " +
         std::to_string(port) + "\nx-smpp-system-id = " + system_id + "\npassword = " + system_id +
         "-pw\nx-smpp-submit-max-rate = 100000\nx-smpp-submit-window-size = 50\n" + extra;
}

// smsc-sim with the accounts e2e and e2e2, dms-stub with the sections sections(port) gives.
struct stack {
  server_root root;
  smsc_process smsc;
  std::unique_ptr<subprocess> dms;
  std::vector<json_line> out;

  explicit stack(const std::function<std::string(int)>& sections, std::size_t channels = 1,
                 const std::vector<std::string>& sim_flags = {})
      : smsc(sim_argv(sim_flags)) {
    const auto cfg = root.write_cfg(sections(smsc.port));
    dms = std::make_unique<subprocess>(std::vector<std::string>{
        SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--linger", "0.5"});
    std::size_t bound = 0;
    REQUIRE(until([&](const json_line& j) {
      bound += j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
      return bound == channels;
    }));
  }
  explicit stack(const std::string& extra = {})
      : stack([extra](int port) { return section("channel-sms1", port, "e2e", extra); }) {}

  static std::vector<std::string> sim_argv(const std::vector<std::string>& more) {
    std::vector<std::string> argv{SMSDRV_SMSC_SIM_PATH, "--listen",       "127.0.0.1:0",
                                  "--account",          "e2e:e2e-pw",     "--account",
                                  "e2e2:e2e2-pw",       "--dlr-delay-ms", "50",
                                  "--redeliver-ms",     "60000"};
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  }

  std::optional<json_line> until(const std::function<bool(const json_line&)>& pred,
                                 std::chrono::milliseconds timeout = 15s) {
    for (const auto& j : out)
      if (pred(j)) return j;
    return read_until(*dms, out, pred, timeout);
  }
  std::optional<json_line> response(const std::string& id) {
    return until(
        [&](const json_line& j) { return j.str("event") == "esp-response" && j.str("id") == id; });
  }
  std::optional<json_line> interaction_from(const std::string& from,
                                            std::chrono::milliseconds timeout = 15s) {
    return until(
        [&](const json_line& j) {
          return j.str("event") == "interaction" && j.str("attributes", "FromAddr") == from;
        },
        timeout);
  }
  std::size_t interactions_from(const std::string& from) {
    return static_cast<std::size_t>(std::count_if(out.begin(), out.end(), [&](const json_line& j) {
      return j.str("event") == "interaction" && j.str("attributes", "FromAddr") == from;
    }));
  }
  // Every submit_sm the SMSC received for `destination`, in arrival order, once `count` are in.
  std::vector<json_line> submits_to(const std::string& destination, std::size_t count) {
    std::vector<json_line> found;
    smsc.until([&](const json_line&) {
      found.clear();
      for (const auto& e : smsc.events)
        if (e.str("event") == "submit_sm" && e.str("destination_addr") == destination)
          found.push_back(e);
      return found.size() >= count;
    });
    return found;
  }
  // The delivery number smsc-sim gave the MO it queued last.
  std::int64_t mo(const std::string& command) {
    const std::size_t before = smsc.count("queued");
    smsc.proc->write_line(command);
    auto q = smsc.until([&](const json_line&) { return smsc.count("queued") > before; });
    REQUIRE(q);
    std::int64_t delivery = -1;
    std::size_t seen = 0;
    for (const auto& e : smsc.events)
      if (e.str("event") == "queued" && ++seen == before + 1) delivery = e.num("delivery");
    return delivery;
  }
  // The deliver_sm_resp event of a delivery (its first answer).
  std::optional<json_line> answer_of(std::int64_t delivery, std::chrono::milliseconds t = 15s) {
    return smsc.until(
        [&](const json_line& j) {
          return j.str("event") == "deliver_sm_resp" && j.num("delivery") == delivery;
        },
        t);
  }
  int finish() {
    dms->close_stdin();
    auto rc = dms->wait(30s);
    REQUIRE(rc);
    return *rc;
  }
};

std::string hex_of(std::string_view octets) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : octets) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string split_ids(const std::vector<json_line>& submits) {
  std::string ids;
  for (const auto& s : submits)
    ids += (ids.empty() ? "" : ",") + s.str("message_id");
  return ids;
}

}  // namespace

TEST_CASE("every long-message method reaches the SMSC as chosen, extraopt on every part") {
  stack s("x-smpp-extraopt = { tlvItems: [ {tag:5120, typ:byte, val:7} ] }\n");
  // 400 GSM characters; '€' (ESC 0x65) sits on the first cut of udh8 (septets 153-154).
  const std::string text = std::string(152, 'a') + "€" + std::string(246, 'b');
  const std::map<std::string, std::vector<std::pair<std::string, std::string>>> requests = {
      {"udh8", {{"x-smpp-long-message-method", "udh8"}}},
      {"udh16", {{"x-smpp-long-message-method", "udh16"}}},
      {"sar", {{"x-smpp-long-message-method", "sar"}}},
      {"payload", {{"x-smpp-use-msg-payload", "true"}}},
  };
  int n = 0;
  for (const auto& [method, keys] : requests) {
    auto data = keys;
    data.emplace_back("_smsDestNumber", "49155500" + std::to_string(10 + n++));
    data.emplace_back("_smsText", text);
    s.dms->write_line(send_sms(method, "channel-sms1", data));
  }
  n = 0;
  for (const auto& [method, keys] : requests) {
    INFO(method);
    const std::string dest = "49155500" + std::to_string(10 + n++);
    auto r = s.response(method);
    REQUIRE(r);
    CHECK(r->str("ok") == "true");
    const std::size_t parts = method == "payload" ? 1 : 3;
    CHECK(r->str("userData", "_smsSegments") == std::to_string(parts));
    const auto subs = s.submits_to(dest, parts);
    REQUIRE(subs.size() == parts);
    CHECK(r->str("userData", "_smsMessageIds") == split_ids(subs));
    CHECK(r->str("userData", "_smsMessageId") == subs[0].str("message_id"));
    std::string ref;
    for (std::size_t i = 0; i < parts; ++i) {
      const json_line& p = subs[i];
      const std::string sm = p.str("short_message");
      const std::string seq = "0" + std::to_string(i + 1);
      CHECK(p.num("data_coding") == 0);
      CHECK(p.str("tlvs", "0x1400") == "07");  // x-smpp-extraopt on every part
      if (method == "udh8") {
        CHECK(p.num("esm_class") == 0x40);
        CHECK(sm.substr(0, 6) == "050003");
        CHECK(sm.substr(8, 4) == "03" + seq);
        if (i == 0) ref = sm.substr(6, 2);
        CHECK(sm.substr(6, 2) == ref);
        // The escape pair is not split: part 1 ends one septet early (152 septets).
        if (i == 0) CHECK(sm.size() == 2 * (6 + 152));
      } else if (method == "udh16") {
        CHECK(p.num("esm_class") == 0x40);
        CHECK(sm.substr(0, 6) == "060804");
        CHECK(sm.substr(10, 4) == "03" + seq);
        if (i == 0) CHECK(sm.size() == 2 * (7 + 152));
      } else if (method == "sar") {
        CHECK(p.num("esm_class") == 0);
        CHECK(p.str("tlvs", "0x020e") == "03");
        CHECK(p.str("tlvs", "0x020f") == seq);
        if (i == 0) ref = p.str("tlvs", "0x020c");
        CHECK(p.str("tlvs", "0x020c") == ref);
        CHECK(ref.size() == 4);
      } else {
        CHECK(sm.empty());
        CHECK(p.str("tlvs", "0x0424").size() == 2 * 400);  // 399 characters, '€' an ESC pair
        CHECK(p.str("tlvs", "0x0424").substr(2 * 152, 4) == "1b65");
      }
    }
  }
  CHECK(s.finish() == 0);
}

TEST_CASE("per-request overrides reach the wire") {
  stack s("x-smpp-validity-period = 000001000000000R\n");
  s.dms->write_line(send_sms("o1", "channel-sms1",
                             {{"_smsDestNumber", "4915550021"},
                              {"_smsText", "Flash né"},
                              {"x-smpp-outbound-enc-default", "latin1"},
                              {"x-smpp-flash", "true"},
                              {"x-smpp-overwrite", "true"},
                              {"x-smpp-validity-period", "240301120000004+"},
                              {"x-smpp-service-type", "Cellular Paging"},
                              {"x-smpp-src-addr-ton", "Alphanumeric"},
                              {"x-smpp-src-addr-npi", "Unknown"},
                              {"x-smpp-dest-addr-ton", "International"},
                              {"x-smpp-dest-addr-npi", "ISDN"},
                              {"x-smpp-delivery-report", "true"}}));
  s.dms->write_line(
      send_sms("o2", "channel-sms1",
               {{"_smsDestNumber", "4915550022"}, {"_smsText", "Флэш"}, {"x-smpp-flash", "yes"}}));
  s.dms->write_line(send_sms("o3", "channel-sms1",
                             {{"_smsDestNumber", "4915550023"},
                              {"_smsText", "plain"},
                              {"x-smpp-outbound-enc-default", "ucs2"},
                              {"x-smpp-validity-period", ""}}));
  for (const char* id : {"o1", "o2", "o3"}) {
    auto r = s.response(id);
    REQUIRE(r);
    CHECK(r->str("ok") == "true");
  }
  const auto o1 = s.submits_to("4915550021", 1);
  REQUIRE(o1.size() == 1);
  CHECK(o1[0].num("data_coding") == 0x10);  // flash: Latin-1 has no class bits, so GSM class 0
  CHECK(o1[0].str("short_message") == hex_of("Flash n\x05"));  // 'é' is GSM 0x05
  CHECK(o1[0].num("replace_if_present_flag") == 1);
  CHECK(o1[0].str("validity_period") == "240301120000004+");
  CHECK(o1[0].str("service_type") == "CPT");
  CHECK(o1[0].num("source_addr_ton") == 5);
  CHECK(o1[0].num("source_addr_npi") == 0);
  CHECK(o1[0].num("dest_addr_ton") == 1);
  CHECK(o1[0].num("dest_addr_npi") == 1);
  CHECK(o1[0].num("registered_delivery") == 1);
  const auto o2 = s.submits_to("4915550022", 1);
  REQUIRE(o2.size() == 1);
  CHECK(o2[0].num("data_coding") == 0x18);  // UCS2, class 0
  CHECK(o2[0].str("short_message") == "0424043b044d0448");
  CHECK(o2[0].str("validity_period") == "000001000000000R");  // the channel's
  const auto o3 = s.submits_to("4915550023", 1);
  REQUIRE(o3.size() == 1);
  CHECK(o3[0].num("data_coding") == 8);
  CHECK(o3[0].num("replace_if_present_flag") == 0);
  CHECK(o3[0].str("validity_period") == "000001000000000R");
  CHECK(s.finish() == 0);
}

TEST_CASE("refusals name the count or the key and value; nothing reaches the SMSC") {
  stack s("x-smpp-sar-max-segments = 3\n");
  s.dms->write_line(
      send_sms("many", "channel-sms1",
               {{"_smsDestNumber", "4915550031"}, {"_smsText", std::string(500, 'x')}}));
  s.dms->write_line(send_sms("bad", "channel-sms1",
                             {{"_smsDestNumber", "4915550031"},
                              {"_smsText", "x"},
                              {"x-smpp-validity-period", "241301120000004+"}}));
  s.dms->write_line(
      send_sms("typo", "channel-sms1",
               {{"_smsDestNumber", "4915550031"}, {"_smsText", "x"}, {"x-smpp-overwrit", "true"}}));
  s.dms->write_line(
      send_sms("three", "channel-sms1",
               {{"_smsDestNumber", "4915550032"}, {"_smsText", std::string(459, 'x')}}));
  auto many = s.response("many");
  REQUIRE(many);
  CHECK(many->str("ok") == "false");
  CHECK(many->str("error", "name") == "SMSDRV_E_TOO_MANY_SEGMENTS");
  CHECK(many->str("error", "text") ==
        "channel-sms1: _smsText: message needs 4 segments, more than the limit of 3 "
        "(x-smpp-sar-max-segments)");
  auto bad = s.response("bad");
  REQUIRE(bad);
  CHECK(bad->str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(bad->str("error", "text")
            .find("x-smpp-validity-period '241301120000004+' is not a valid "
                  "SMPP time") != std::string::npos);
  auto typo = s.response("typo");
  REQUIRE(typo);
  CHECK(typo->str("error", "text") ==
        "channel-sms1: x-smpp-overwrit is not a request key; did you mean x-smpp-overwrite?");
  auto three = s.response("three");
  REQUIRE(three);
  CHECK(three->str("ok") == "true");
  CHECK(three->str("userData", "_smsSegments") == "3");
  CHECK(s.submits_to("4915550032", 3).size() == 3);
  CHECK(s.finish() == 0);
  CHECK(s.smsc.count("submit_sm") == 3);  // only the accepted message's parts
}

TEST_CASE("a failed segment fails the request naming it, unless the first answered already") {
  stack s(
      [](int port) {
        return section("channel-sms1", port, "e2e") +
               section("channel-prompt", port, "e2e2", "x-smpp-sar-prompt-responses = true\n");
      },
      2);
  s.smsc.proc->write_line(R"({"cmd":"fault","fail-every":"3:ESME_RINVDSTADR"})");
  REQUIRE(s.smsc.until([](const json_line& j) { return j.str("event") == "fault-set"; }, 5s));
  const std::string text(400, 'y');  // 3 parts: the 3rd submission fails
  s.dms->write_line(
      send_sms("whole", "channel-sms1", {{"_smsDestNumber", "4915550041"}, {"_smsText", text}}));
  auto whole = s.response("whole");
  REQUIRE(whole);
  CHECK(whole->str("ok") == "false");
  CHECK(whole->str("error", "name") == "SMSDRV_E_SMSC_REJECTED");
  CHECK(whole->str("error", "text")
            .find("segment 3 of 3: the SMSC rejected the message: "
                  "ESME_RINVDSTADR") == 0);
  CHECK(whole->str("userData", "_smsFailedSegment") == "3/3");
  CHECK(whole->str("userData", "_smsErrorName") == "ESME_RINVDSTADR");
  // The prompt channel answers at its first segment; its third (the 6th submission) fails too.
  s.dms->write_line(
      send_sms("prompt", "channel-prompt", {{"_smsDestNumber", "4915550042"}, {"_smsText", text}}));
  auto prompt = s.response("prompt");
  REQUIRE(prompt);
  CHECK(prompt->str("ok") == "true");
  CHECK(prompt->str("userData", "_smsSegments") == "3");
  const auto subs = s.submits_to("4915550042", 3);
  REQUIRE(subs.size() == 3);
  CHECK(prompt->str("userData", "_smsMessageIds") == subs[0].str("message_id"));
  CHECK(subs[2].str("status") == "ESME_RINVDSTADR");
  CHECK(s.finish() == 0);
  CHECK(s.dms->stderr_text().find("already answered (x-smpp-sar-prompt-responses) when segment 3 "
                                  "of 3") != std::string::npos);
}

TEST_CASE("inbound: every data_coding decoded; invalid octets replaced and logged") {
  stack s;
  struct row {
    std::string from, command_tail, text;
    int data_coding;
  };
  const row rows[] = {
      {"4917000001", R"("text":"Hi @ €[x]","data_coding":0)", "Hi @ €[x]", 0},
      {"4917000002", R"("text":"ASCII ~ `","data_coding":1)", "ASCII ~ `", 1},
      {"4917000003", R"("text":"né ÿ","data_coding":3)", "né ÿ", 3},
      {"4917000004", R"("text":"ж 😀","data_coding":8)", "ж 😀", 8},
      {"4917000005", R"("hex":"4869200020","data_coding":16)", "Hi @ ", 16},        // GSM, class 0
      {"4917000006", R"("hex":"d83dde00","data_coding":24)", "😀", 24},              // UCS2, class 0
      {"4917000007", R"("hex":"4869","data_coding":240)", "Hi", 240},               // GSM, class 0
      {"4917000008", R"("hex":"0102ff","data_coding":244)", "0102ff", 244},         // 8-bit: hex
      {"4917000009", R"("hex":"cafe","data_coding":2)", "cafe", 2},                 // binary: hex
      {"4917000010", R"("hex":"4d5749","data_coding":192)", "MWI", 192},            // MWI, GSM
      {"4917000011", R"("hex":"00410042","data_coding":224)", "AB", 224},           // MWI, UCS2
      {"4917000012", R"("hex":"4142","data_coding":6)", "4142", 6},                 // Cyrillic: hex
      {"4917000013", R"("hex":"636166e9","data_coding":1)", "caf\xEF\xBF\xBD", 1},  // IA5 > 0x7F
      {"4917000014", R"("hex":"00","data_coding":8)", "\xEF\xBF\xBD", 8},           // odd UCS-2
  };
  std::vector<std::int64_t> deliveries;
  for (const row& r : rows)
    deliveries.push_back(
        s.mo(R"({"cmd":"mo","from":")" + r.from + R"(","to":"12345",)" + r.command_tail + "}"));
  for (const row& r : rows) {
    INFO(r.from << " data_coding " << r.data_coding);
    auto in = s.interaction_from(r.from);
    REQUIRE(in);
    CHECK(in->str("attributes", "_smsText") == r.text);
    CHECK(in->str("attributes", "_smsInbDataEnc") == std::to_string(r.data_coding));
  }
  for (std::int64_t d : deliveries) {
    auto a = s.answer_of(d);
    REQUIRE(a);
    CHECK(a->str("outcome") == "acknowledged");
  }
  // A text above 254 octets arrives in message_payload.
  const std::string long_text(300, 'L');
  s.mo(R"({"cmd":"mo","from":"4917000015","to":"12345","text":")" + long_text + R"("})");
  auto payload = s.interaction_from("4917000015");
  REQUIRE(payload);
  CHECK(payload->str("attributes", "_smsText") == long_text);
  CHECK(s.finish() == 0);
  const std::string& log = s.dms->stderr_text();
  CHECK(log.find("message from 4917000013: 1 octet(s) could not be decoded with data_coding 1 "
                 "and were replaced by U+FFFD") != std::string::npos);
  CHECK(log.find("message from 4917000014: 1 octet(s) could not be decoded with data_coding 8") !=
        std::string::npos);
}

TEST_CASE("inbound long messages: UDH 8-bit, UDH 16-bit and SAR, out of order, duplicated") {
  stack s;
  const std::string parts[] = {"Hello ", "long ", "world!"};
  struct method {
    std::string name, from;
    std::function<std::string(int)> part;  // the mo command for part seq (1-based)
  };
  auto cmd = [](const std::string& from, const std::string& rest) {
    return R"({"cmd":"mo","from":")" + from + R"(","to":"12345",)" + rest + "}";
  };
  const method methods[] = {
      {"udh8", "4917000101",
       [&](int seq) {
         return cmd("4917000101", R"("esm_class":64,"hex":"0500032a030)" + std::to_string(seq) +
                                      hex_of(parts[seq - 1]) + "\"");
       }},
      {"udh16", "4917000102",
       [&](int seq) {
         return cmd("4917000102", R"("esm_class":64,"hex":"0608041234030)" + std::to_string(seq) +
                                      hex_of(parts[seq - 1]) + "\"");
       }},
      {"sar", "4917000103",
       [&](int seq) {
         return cmd("4917000103", R"("hex":")" + hex_of(parts[seq - 1]) +
                                      R"(","tlvs":"020c0002beef020e000103020f00010)" +
                                      std::to_string(seq) + "\"");
       }},
  };
  for (const method& m : methods) {
    INFO(m.name);
    std::vector<std::int64_t> deliveries;
    for (int seq : {3, 1, 3, 2})  // out of order, part 3 twice
      deliveries.push_back(s.mo(m.part(seq)));
    auto in = s.interaction_from(m.from);
    REQUIRE(in);
    CHECK(in->str("attributes", "_smsText") == "Hello long world!");
    CHECK_FALSE(in->has("note"));
    for (std::int64_t d : deliveries) {
      auto a = s.answer_of(d);
      REQUIRE(a);
      CHECK(a->str("outcome") == "acknowledged");
    }
  }
  CHECK(s.finish() == 0);
  for (const method& m : methods)
    CHECK(s.interactions_from(m.from) == 1);
}

TEST_CASE("inbound reassembly timeout: delivered partial with a note, or dropped and logged") {
  stack s(
      [](int port) {
        return section("channel-sms1", port, "e2e", "x-smpp-reassembly-timeout = 1\n") +
               section("channel-drop", port, "e2e2",
                       "x-smpp-reassembly-timeout = 1\nx-smpp-reassembly-deliver-partial = no\n");
      },
      2);
  auto part = [](const std::string& system_id, const std::string& from, int seq,
                 const std::string& text) {
    return R"({"cmd":"mo","system_id":")" + system_id + R"(","from":")" + from +
           R"(","to":"12345","esm_class":64,"hex":"05000307030)" + std::to_string(seq) +
           hex_of(text) + "\"}";
  };
  const auto d1 = s.mo(part("e2e", "4917000201", 1, "Hello "));
  const auto d3 = s.mo(part("e2e", "4917000201", 3, "world!"));
  s.mo(part("e2e2", "4917000202", 2, "lost "));
  REQUIRE(s.answer_of(d1));
  REQUIRE(s.answer_of(d3));
  auto in = s.interaction_from("4917000201", 10s);
  REQUIRE(in);
  CHECK(in->str("note") == "partial: parts 2 of 3 missing");
  CHECK(in->str("attributes", "_smsText") == "Hello world!");
  // The dropped one: never an interaction, a warning in the log.
  const auto until_dropped = std::chrono::steady_clock::now() + 10s;
  while (s.dms->stderr_text().find("dropped incomplete") == std::string::npos &&
         std::chrono::steady_clock::now() < until_dropped)
    s.until([](const json_line&) { return false; }, 200ms);
  CHECK(s.dms->stderr_text().find("long message from 4917000202 (reference 7) dropped "
                                  "incomplete: 2 of 3 parts missing") != std::string::npos);
  CHECK(s.finish() == 0);
  CHECK(s.interactions_from("4917000202") == 0);
}

TEST_CASE("inbound reassembly caps: open messages and bytes; a refused part is retried") {
  stack s("x-smpp-reassembly-max-messages = 2\nx-smpp-reassembly-max-bytes = 65536\n");
  auto part = [](const std::string& from, int ref, int seq, const std::string& text) {
    return R"({"cmd":"mo","from":")" + from + R"(","to":"12345","esm_class":64,"hex":"050003)" +
           hex_of(std::string(1, static_cast<char>(ref))) + "020" + std::to_string(seq) +
           hex_of(text) + "\"}";
  };
  auto outcome = [&](std::int64_t delivery) {
    auto a = s.answer_of(delivery);
    REQUIRE(a);
    return a->str("outcome") + " " + a->str("status");
  };
  CHECK(outcome(s.mo(part("4917000401", 1, 1, "A1 "))) == "acknowledged ESME_ROK");
  CHECK(outcome(s.mo(part("4917000402", 2, 1, "B1 "))) == "acknowledged ESME_ROK");
  // A third open message is over x-smpp-reassembly-max-messages: the SMSC is to retry.
  CHECK(outcome(s.mo(part("4917000403", 3, 1, "C1 "))) == "retry ESME_RX_T_APPN");
  // Completing parts are always taken.
  CHECK(outcome(s.mo(part("4917000401", 1, 2, "A2"))) == "acknowledged ESME_ROK");
  CHECK(outcome(s.mo(part("4917000402", 2, 2, "B2"))) == "acknowledged ESME_ROK");
  REQUIRE(s.interaction_from("4917000401"));
  REQUIRE(s.interaction_from("4917000402"));
  // 40,000 octets held (message_payload): another 40,000 do not fit 65,536 bytes.
  const std::string big(40000, 'x');
  CHECK(outcome(s.mo(part("4917000404", 4, 1, big))) == "acknowledged ESME_ROK");
  CHECK(outcome(s.mo(part("4917000405", 5, 1, big))) == "retry ESME_RX_T_APPN");
  CHECK(outcome(s.mo(part("4917000404", 4, 2, "!"))) == "acknowledged ESME_ROK");
  auto in = s.interaction_from("4917000404");
  REQUIRE(in);
  CHECK(in->str("attributes", "_smsText") == big + "!");
  CHECK(s.finish() == 0);
  CHECK(s.dms->stderr_text().find("part 1/2 of a long message from 4917000403 refused: "
                                  "reassembly is full (2 incomplete messages, "
                                  "x-smpp-reassembly-max-messages 2;") != std::string::npos);
  CHECK(s.dms->stderr_text().find("x-smpp-reassembly-max-bytes 65536); the SMSC is asked to "
                                  "retry (ESME_RX_T_APPN)") != std::string::npos);
}

TEST_CASE("inbound parts are acknowledged when held; the completing part only by the host") {
  stack s;
  auto part = [](int seq, const std::string& text) {
    return R"({"cmd":"mo","from":"4917000301","to":"12345","esm_class":64,"hex":"05000309030)" +
           std::to_string(seq) + hex_of(text) + "\"}";
  };
  const auto d1 = s.mo(part(1, "one "));
  const auto d2 = s.mo(part(2, "two "));
  for (std::int64_t d : {d1, d2}) {
    auto a = s.answer_of(d);
    REQUIRE(a);
    CHECK(a->str("outcome") == "acknowledged");  // held, before the host has seen anything
  }
  CHECK_FALSE(s.interaction_from("4917000301", 300ms));
  // The host can no longer take anything (its stdout is gone): the part that completes the
  // message is answered with a temporary error, so the SMSC keeps it.
  s.dms->close_stdout();
  const auto d3 = s.mo(part(3, "three"));
  auto a3 = s.answer_of(d3);
  REQUIRE(a3);
  CHECK(a3->str("status") == "ESME_RX_T_APPN");
  CHECK(a3->str("outcome") == "retry");
  s.dms->close_stdin();
  CHECK(s.dms->wait(30s) == 1);  // dms-stub: stdout lost
}

TEST_CASE("numbers reach the SMSC typed by their form; a number with letters is refused") {
  stack s;
  s.dms->write_line(send_sms(
      "n1", "channel-sms1",
      {{"_smsDestNumber", "+4917612345678"}, {"_smsSrcNumber", "MyBrand"}, {"_smsText", "typed"}}));
  s.dms->write_line(
      send_sms("n2", "channel-sms1", {{"_smsDestNumber", "49176ABCDEF"}, {"_smsText", "no"}}));
  auto n1 = s.response("n1");
  REQUIRE(n1);
  CHECK(n1->str("ok") == "true");
  const auto sent = s.submits_to("4917612345678", 1);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].num("dest_addr_ton") == 1);
  CHECK(sent[0].num("dest_addr_npi") == 1);
  CHECK(sent[0].str("source_addr") == "MyBrand");
  CHECK(sent[0].num("source_addr_ton") == 5);
  CHECK(sent[0].num("source_addr_npi") == 0);
  auto n2 = s.response("n2");
  REQUIRE(n2);
  CHECK(n2->str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(n2->str("error", "text").find("_smsDestNumber: 'A' at character 6 is not a digit") !=
        std::string::npos);
  CHECK(s.finish() == 0);
}

TEST_CASE("inbound PDUs that are not plain messages: acknowledgements, both texts, a bad header") {
  // ACCEPTD is not a final state: the message stays known for the acknowledgement after it.
  stack s([](int port) { return section("channel-sms1", port, "e2e"); }, 1,
          {"--dlr-stat", "ACCEPTD"});
  s.dms->write_line(send_sms("k1", "channel-sms1",
                             {{"_smsDestNumber", "4915550061"},
                              {"_smsText", "ack me"},
                              {"x-smpp-delivery-report", "true"}}));
  auto k1 = s.response("k1");
  REQUIRE(k1);
  const std::string id = k1->str("userData", "_smsMessageId");
  REQUIRE(!id.empty());
  auto report_of_kind = [&](const std::string& kind) {
    return s.until([&](const json_line& j) {
      return j.str("event") == "delivery-report" && j.str("attributes", "_smsReportKind") == kind;
    });
  };
  // The SMSC's own receipt first: mo() counts the simulator's `queued` events, receipts too.
  REQUIRE(s.smsc.until(
      [](const json_line& j) { return j.str("event") == "queued" && j.str("kind") == "receipt"; }));
  auto receipt = report_of_kind("smsc-receipt");
  REQUIRE(receipt);
  CHECK(receipt->str("id") == "k1");
  // SMPP v3.4 §5.2.12: an SME delivery acknowledgement (0x08), a user acknowledgement (0x10).
  const auto ack = s.mo(R"({"cmd":"mo","from":"4915550061","to":"12345","esm_class":8,)"
                        R"("text":"on the handset","tlvs":{"0x001e":")" +
                        hex_of(id + std::string(1, '\0')) + R"("}})");
  s.mo(R"({"cmd":"mo","from":"4917000501","to":"12345","esm_class":16,"text":"YES",)"
       R"("tlvs":{"0x0205":"07"}})");
  auto sme = report_of_kind("sme-delivery-ack");
  REQUIRE(sme);
  CHECK(sme->str("id") == "k1");
  CHECK(sme->str("attributes", "_smsMessageId") == id);
  CHECK(sme->str("attributes", "_smsText") == "on the handset");
  auto user = report_of_kind("user-ack");
  REQUIRE(user);
  CHECK(user->str("attributes", "_smsText") == "YES");
  CHECK(user->str("attributes", "_smsUserResponseCode") == "7");
  auto a = s.answer_of(ack);
  REQUIRE(a);
  CHECK(a->str("outcome") == "acknowledged");
  CHECK_FALSE(s.interaction_from("4915550061", 200ms));  // never an ordinary message
  // SMPP v3.4 §5.3.2.32: short_message and message_payload together: refused, said, not cut.
  const auto both = s.mo(R"({"cmd":"mo","from":"4917000502","to":"12345","text":"first",)"
                         R"("tlvs":{"0x0424":"7365636f6e64"}})");
  auto refused = s.answer_of(both);
  REQUIRE(refused);
  CHECK(refused->str("status") == "ESME_ROPTPARNOTALLWD");
  // A header whose length runs past the message: the text, flagged.
  s.mo(R"({"cmd":"mo","from":"4917000503","to":"12345","esm_class":64,"hex":"0a68656c6c6f"})");
  auto flagged = s.interaction_from("4917000503");
  REQUIRE(flagged);
  CHECK(flagged->str("attributes", "_smsText") == "\nhello");
  CHECK(flagged->str("note") ==
        "malformed user data header: its length 10 runs past the 6-octet message; the whole "
        "message is shown as text");
  CHECK(s.finish() == 0);
  CHECK(s.interactions_from("4917000502") == 0);
  CHECK(s.dms->stderr_text().find("carries both short_message (5 octets) and message_payload (6 "
                                  "octets), which SMPP v3.4 §5.3.2.32 forbids") !=
        std::string::npos);
}
