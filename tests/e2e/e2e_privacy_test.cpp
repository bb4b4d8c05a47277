// Privacy and operations end to end: dms-stub + the real module + smsc-sim with traffic both
// ways, receipts and the x-debug-mode PDU trace on. For every masking mode, no masked value
// and no password may appear anywhere in what dms-stub and the driver logged; the metrics must
// count exactly the traffic that was sent.
#include <cstdio>
#include <sstream>
#include <thread>

#include "e2e_fixture.hpp"
#include "http_get.hpp"

using namespace smsdrv::test;

namespace {

// User data of the traffic, and where it shows up on the wire.
const std::string dest_number = "4917611112222";
const std::string out_text = "Secret outbound text";
const std::string customer_ref = "CUST-4711";
const std::string mo_number = "4915550009999";
const std::string mo_text = "Private inbound words";
const std::string long_text = [] {
  std::string t;
  for (int i = 0; t.size() < 400; ++i)
    t += "Confidential paragraph " + std::to_string(i) + ". ";
  return t;
}();
const std::string password = "e2e-pw";

// Lower-case hex of ASCII text: how the trace shows short_message in clear (GSM 03.38 is ASCII
// for these characters).
std::string hex(std::string_view s) {
  std::string out;
  char buf[3];
  for (unsigned char c : s) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    out += buf;
  }
  return out;
}

// What no masking mode lets into a log: the whole values, and any part of a message in the
// trace's hex (octet fields are hidden whole by every rule but copy).
std::vector<std::string> masked_values() {
  return {dest_number,   out_text,     customer_ref,        mo_number,     mo_text,       long_text,
          hex(out_text), hex(mo_text), hex("Confidential"), hex("Secret"), hex("Private")};
}

// What the rules that hide a value whole also keep out: any recognisable part of it.
std::vector<std::string> hidden_fragments() {
  return {"Secret", "Confidential", "Private", "4917611", "1112222", "4915550", "0009999", "CUST"};
}

struct run_result {
  std::string log;  // dms-stub's stderr: its own lines and the driver's
  std::vector<json_line> events;
};

// One run: the options file's masking sections are `privacy`; traffic out (a short message
// with a receipt, a 3-part message) and in (one MO), debug log, PDU trace.
// spec_at_install_place: the spec goes where the install layout puts it, the options file names
// no logging-filter-spec (its default), and dms-stub runs in another working directory.
run_result run_traffic(const std::string& privacy, const std::string& spec_json = {},
                       bool spec_at_install_place = false) {
  server_root root;
  smsc_process smsc({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account",
                     "e2e:" + password, "--dlr-delay-ms", "20"});
  std::string cfg = privacy;
  spawn_options where;
  if (spec_at_install_place) {
    std::ofstream(root.dir / "media-channel-drivers/channel-smsmms/logging-filter-smsmms.json")
        << spec_json;
    cfg = "[settings]\nlogging-filter-active = true\n" + cfg;
    where.cwd = "/";
  } else if (!spec_json.empty()) {
    const auto spec = root.dir / "spec.json";
    std::ofstream(spec) << spec_json;
    cfg = "[settings]\nlogging-filter-active = true\nlogging-filter-spec = " + spec.string() +
          "\n" + cfg;
  }
  cfg += "\n" + channel_section("channel-sms1", smsc.port, "x-debug-mode = true\n");
  const auto path = root.write_cfg(cfg);
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", path.string(), "--log-level", "debug",
                  "--linger", "0.3"},
                 where);
  run_result r;
  REQUIRE(read_until(dms, r.events, [](const json_line& j) {
    return j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
  }));
  dms.write_line(send_sms("r1", "channel-sms1",
                          {{"_smsDestNumber", dest_number},
                           {"_smsText", out_text},
                           {"x-customer-ref", customer_ref},
                           {"x-smpp-delivery-report", "true"}}));
  dms.write_line(
      send_sms("r2", "channel-sms1", {{"_smsDestNumber", dest_number}, {"_smsText", long_text}}));
  smsc.proc->write_line(R"({"cmd":"mo","from":")" + mo_number + R"(","to":"12345","text":")" +
                        mo_text + "\"}");
  bool r1 = false, r2 = false, report = false, mo = false;
  REQUIRE(read_until(dms, r.events, [&](const json_line& j) {
    const std::string e = j.str("event");
    r1 = r1 || (e == "esp-response" && j.str("id") == "r1" && j.str("ok") == "true");
    r2 = r2 || (e == "esp-response" && j.str("id") == "r2" && j.str("ok") == "true");
    report = report || (e == "delivery-report" && j.str("id") == "r1");
    mo = mo || (e == "interaction" && j.str("attributes", "_smsText") == mo_text);
    return r1 && r2 && report && mo;
  }));
  dms.close_stdin();
  REQUIRE(dms.wait(30s) == 0);
  r.log = dms.stderr_text();
  return r;
}

void check_trace_present(const run_result& r) {
  // The scenario is not vacuous: the trace and the debug lines are there.
  for (const char* needle :
       {">> bind_transceiver seq=", ">> submit_sm seq=", "<< submit_sm_resp",
        "<< deliver_sm seq=", ">> deliver_sm_resp", "esm_class=4", "line 1: SendSMS r1 {",
        "interaction paging", "delivery-report r1 {"}) {
    CAPTURE(needle);
    CHECK(r.log.find(needle) != std::string::npos);
  }
}

void check_nothing_leaks(const run_result& r) {
  for (const std::string& value : masked_values()) {
    CAPTURE(value);
    CHECK(r.log.find(value) == std::string::npos);
  }
}

void check_no_fragment(const run_result& r) {
  for (const std::string& part : hidden_fragments()) {
    CAPTURE(part);
    CHECK(r.log.find(part) == std::string::npos);
  }
}

void check_no_password(const run_result& r) {
  CHECK(r.log.find(password) == std::string::npos);
  CHECK(r.log.find(hex(password)) == std::string::npos);
  CHECK(r.log.find("password=\"********\"") != std::string::npos);
}

std::string rules_for_every_key(const std::string& rule) {
  std::string out = "[log-filter-data]\n";
  for (const char* key : {"_smsText", "Subject", "FromAddr", "PhoneNumber", "_smsDestNumber",
                          "_smsSrcNumber", "ToAddr", "x-customer-ref"})
    out += std::string(key) + " = " + rule + "\n";
  return out;
}

}  // namespace

TEST_CASE("privacy e2e: with copy everything shows, except the password") {
  const run_result r = run_traffic("[log-filter]\ndefault-filter-type = copy\n");
  CAPTURE(r.log);
  check_trace_present(r);
  // The control: the check below would see a leak.
  for (const std::string& value : masked_values()) {
    CAPTURE(value);
    CHECK(r.log.find(value) != std::string::npos);
  }
  check_no_password(r);
}

TEST_CASE("privacy e2e: no masked value in any log line or trace, every mode") {
  struct mode {
    std::string rule;
    std::string shown_number;  // how _smsDestNumber 4917611112222 reads in the request line
    bool whole;                // the rule hides values whole
  };
  const mode modes[] = {
      {"hide", "****", true},
      {"skip", "", true},
      {"hide-first,6", "******1112222", false},
      {"hide-last,6", "4917611******", false},
      {"unhide-first,4", "4917*********", false},
      {"unhide-last,4", "*********2222", false},
  };
  for (const mode& m : modes) {
    SECTION(m.rule) {
      const run_result r = run_traffic(rules_for_every_key(m.rule));
      CAPTURE(r.log);
      check_trace_present(r);
      check_nothing_leaks(r);
      if (m.whole) check_no_fragment(r);
      check_no_password(r);
      if (m.shown_number.empty())
        CHECK(r.log.find("_smsDestNumber=") == std::string::npos);
      else
        CHECK(r.log.find("_smsDestNumber=\"" + m.shown_number + "\"") != std::string::npos);
      // The events on stdout are the business process's data: never masked.
      bool unmasked_event = false;
      for (const auto& e : r.events)
        unmasked_event |= e.str("attributes", "_smsText") == mo_text;
      CHECK(unmasked_event);
    }
  }
}

TEST_CASE("privacy e2e: default-filter-type masks every key nobody named") {
  const run_result r = run_traffic("[log-filter]\ndefault-filter-type = hide\n");
  CAPTURE(r.log);
  check_trace_present(r);
  check_nothing_leaks(r);
  check_no_fragment(r);
  check_no_password(r);
  CHECK(r.log.find("_smsMessageId=\"****\"") != std::string::npos);
}

TEST_CASE("privacy e2e: the shipped logging-filter-spec, active") {
  std::ifstream in(SMSDRV_SHIPPED_SPEC);
  std::stringstream spec;
  spec << in.rdbuf();
  REQUIRE_FALSE(spec.str().empty());
  // Named in the options file, or by default where the install layout puts it: found from the
  // server root, whatever the working directory (driver and dms-stub alike).
  const bool at_install_place = GENERATE(false, true);
  CAPTURE(at_install_place);
  const run_result r =
      run_traffic("[log-filter-data]\nx-customer-ref = hide\n", spec.str(), at_install_place);
  CAPTURE(r.log);
  check_trace_present(r);
  check_nothing_leaks(r);
  check_no_password(r);
  for (const char* part : {"Secret", "Confidential", "Private", "CUST"}) {
    CAPTURE(part);
    CHECK(r.log.find(part) == std::string::npos);
  }
  CHECK(r.log.find("destination_addr=\"*********2222\"") != std::string::npos);
}

namespace {

// The value of one series in Prometheus text, or -1.
double series(const std::string& text, const std::string& name_and_labels) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name_and_labels + " ", 0) == 0)
      return std::stod(line.substr(name_and_labels.size() + 1));
  return -1;
}

}  // namespace

TEST_CASE("metrics e2e: the Prometheus endpoint counts exactly the traffic that was sent") {
  constexpr int requests = 20;  // submissions 7 and 14 get generic_nack, 10 and 20 ESME_RTHROTTLED
  constexpr int mo = 3;
  server_root root;
  smsc_process smsc({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw",
                     "--dlr-delay-ms", "20", "--nack-every", "7", "--fail-every",
                     "10:ESME_RTHROTTLED"});
  // Refusals fail at once here (the default policy would retry them), so each counts once.
  const auto cfg = root.write_cfg(
      channel_section("channel-sms1", smsc.port,
                      "x-smpp-error-policy = ESME_RSYSERR: fail, ESME_RTHROTTLED: fail\n"));
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--metrics-port", "0",
                  "--linger", "0.2"});
  std::vector<json_line> events;
  REQUIRE(read_until(dms, events, [](const json_line& j) {
    return j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
  }));
  uint16_t port = 0;
  for (int i = 0; i < 50 && port == 0; ++i) {
    const std::string& log = dms.stderr_text();
    if (const auto at = log.find("http://127.0.0.1:"); at != std::string::npos)
      port = static_cast<uint16_t>(std::stoi(log.substr(at + 17)));
    else
      std::this_thread::sleep_for(50ms);
  }
  REQUIRE(port != 0);

  for (int i = 0; i < requests; ++i)
    dms.write_line(send_sms("r" + std::to_string(i), "channel-sms1",
                            {{"_smsDestNumber", "49155500" + std::to_string(100 + i)},
                             {"_smsText", "metrics " + std::to_string(i)},
                             {"x-smpp-delivery-report", "true"}}));
  for (int i = 0; i < mo; ++i)
    smsc.proc->write_line(R"({"cmd":"mo","from":"4915550002","to":"12345","text":"mo )" +
                          std::to_string(i) + "\"}");
  int responses = 0, ok = 0, reports = 0, inbound = 0;
  REQUIRE(read_until(dms, events, [&](const json_line& j) {
    const std::string e = j.str("event");
    if (e == "esp-response") {
      ++responses;
      ok += j.str("ok") == "true";
    }
    reports += e == "delivery-report";
    inbound += e == "interaction";
    return responses == requests && reports == ok && inbound == mo;
  }));
  CHECK(ok == 16);
  // Acknowledgements of the last events travel after their lines are written: let them land.
  REQUIRE(smsc.until([&](const json_line&) {
    return static_cast<int>(smsc.count("deliver_sm_resp")) == reports + inbound;
  }));

  const http_answer answer = http_get(port, "/metrics");
  REQUIRE(answer.status == 200);
  const std::string& m = answer.body;
  CAPTURE(m);
  const std::string ch = "{driver=\"smsmms\",channel=\"channel-sms1\"";
  auto at = [&](const std::string& name, const std::string& label = {}) {
    return series(m, name + ch + (label.empty() ? "" : "," + label) + "}");
  };
  CHECK(at("smsdrv_requests_accepted_total") == requests);
  CHECK(at("smsdrv_requests_succeeded_total") == 16);
  CHECK(at("smsdrv_requests_failed_total", "status=\"ESME_RSYSERR\"") == 2);
  CHECK(at("smsdrv_requests_failed_total", "status=\"ESME_RTHROTTLED\"") == 2);
  CHECK(at("smsdrv_submit_sm_sent_total") == requests);
  CHECK(at("smsdrv_submit_sm_sent_total") == static_cast<double>(smsc.count("submit_sm")));
  CHECK(at("smsdrv_submit_sm_acknowledged_total") == 16);
  CHECK(at("smsdrv_submit_sm_failed_total", "status=\"ESME_RSYSERR\"") == 2);
  CHECK(at("smsdrv_submit_sm_failed_total", "status=\"ESME_RTHROTTLED\"") == 2);
  CHECK(at("smsdrv_submit_sm_throttled_total") == 2);
  CHECK(at("smsdrv_submit_sm_retried_total") == 0);
  CHECK(at("smsdrv_submit_sm_in_flight") == 0);
  CHECK(at("smsdrv_queue_depth") == 0);
  CHECK(at("smsdrv_queue_capacity") == 10000);
  CHECK(at("smsdrv_inbound_total") == mo);
  CHECK(at("smsdrv_inbound_unacked") == 0);
  CHECK(at("smsdrv_inbound_deferred_total") == 0);
  CHECK(at("smsdrv_delivery_reports_total", "state=\"DELIVRD\"") == 16);
  CHECK(at("smsdrv_binds_total") == 1);
  CHECK(at("smsdrv_reconnects_total") == 0);
  CHECK(at("smsdrv_link_up") == 1);
  CHECK(at("smsdrv_response_latency_seconds_count") == requests);
  CHECK(at("smsdrv_response_latency_seconds_bucket", "le=\"+Inf\"") == requests);
  CHECK(at("smsdrv_response_latency_seconds_sum") > 0);
  CHECK(m.find("# TYPE smsdrv_response_latency_seconds histogram") != std::string::npos);

  dms.close_stdin();
  CHECK(dms.wait(30s) == 0);
}
