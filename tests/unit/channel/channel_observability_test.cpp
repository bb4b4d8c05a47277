// What the channel core shows operators: the x-debug-mode PDU trace (masked) and the metrics it
// keeps, driven with fake time like channel_core_test.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "channel/channel_core.hpp"
#include "channel/log_privacy.hpp"
#include "privacy/masking.hpp"
#include "smpp/codec.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace std::chrono_literals;
namespace smpp = smsdrv::smpp;

namespace {

struct masking_log final : log_sink {
  std::vector<std::pair<log_level, std::string>> lines;
  std::shared_ptr<const privacy::masking> rules;
  bool enabled(log_level) const noexcept override { return true; }
  void write(log_level l, std::string_view, std::string_view m) override {
    lines.emplace_back(l, std::string(m));
  }
  std::shared_ptr<const privacy::masking> masking() const override { return rules; }
  std::string all() const {
    std::string out;
    for (const auto& [l, m] : lines)
      out += m + '\n';
    return out;
  }
  std::vector<std::string> traces() const {
    std::vector<std::string> out;
    for (const auto& [l, m] : lines)
      if (l == log_level::debug && (m.rfind(">> ", 0) == 0 || m.rfind("<< ", 0) == 0))
        out.push_back(m);
    return out;
  }
};

privacy::filter_rule rule(std::string_view text) {
  return *privacy::parse_filter_rule(text);
}

struct bench {
  masking_log log;
  time_point now{std::chrono::hours(500)};
  wall_time wall{std::chrono::seconds(1548643196)};
  std::shared_ptr<channel_metrics> metrics = std::make_shared<channel_metrics>();
  std::unique_ptr<channel_core> core;
  std::uint64_t next_id = 1;

  explicit bench(bool trace) {
    channel_config c;
    c.name = "channel-sms1";
    c.endpoints = {{"127.0.0.1", 2775}};
    c.session.system_id = "esme";
    c.session.password = "s3cretpw";
    c.max_rate = 1000000;
    c.trace_pdus = trace;
    c.metrics = metrics;
    core = std::make_unique<channel_core>(std::move(c), log, now);
  }

  std::vector<smpp::pdu> written() {
    const std::string bytes = std::exchange(core->output(), {});
    std::vector<smpp::pdu> out;
    for (std::size_t pos = 0; pos < bytes.size();) {
      const auto fc = smpp::check_frame(std::string_view(bytes).substr(pos));
      REQUIRE(fc.state == smpp::frame_state::ready);
      smpp::pdu p;
      REQUIRE(smpp::decode(std::string_view(bytes).substr(pos, fc.length), p).ok());
      out.push_back(std::move(p));
      pos += fc.length;
    }
    return out;
  }
  template <class Body>
  void smsc_sends(const Body& b, std::uint32_t seq, std::uint32_t status = 0) {
    std::string wire;
    REQUIRE(smpp::encode(b, seq, wire, status).ok());
    core->on_bytes(wire, now, wall);
  }
  void bind() {
    REQUIRE(core->connect_due(now));
    core->on_connected(now);
    const auto w = written();
    smpp::bind_transceiver_resp r;
    r.system_id = "SMSC";
    smsc_sends(r, w.at(0).sequence_number);
    REQUIRE(core->bound());
  }
  void send(std::string_view to, std::string_view text, bool receipt = false) {
    prepared_request r;
    r.request_id = next_id++;
    r.accepted = now;
    r.wants_receipt = receipt;
    smpp::submit_sm sm;
    sm.source_addr = "12345";
    sm.destination_addr = to;
    sm.short_message = text;
    sm.registered_delivery = receipt ? 1 : 0;
    std::string frame;
    REQUIRE(smpp::encode(sm, 0, frame).ok());
    r.frames.push_back(frame);
    core->enqueue(std::move(r), now);
  }
};

std::uint64_t label(const metrics_snapshot::labelled& l, std::string_view name) {
  for (const auto& [k, v] : l)
    if (k == name) return v;
  return 0;
}

}  // namespace

TEST_CASE("x-debug-mode: every PDU traced at debug, each field by its spec name") {
  bench b(true);
  b.bind();
  b.send("4917612345678", "Hello there");
  const auto w = b.written();
  smpp::submit_sm_resp r;
  r.message_id = "0000002a";
  b.smsc_sends(r, w.at(0).sequence_number);
  const auto traces = b.log.traces();
  REQUIRE(traces.size() == 4);
  CHECK(traces[0].rfind(">> bind_transceiver seq=", 0) == 0);
  CHECK(traces[0].find("system_id=\"esme\" password=\"********\"") != std::string::npos);
  CHECK(traces[1].rfind("<< bind_transceiver_resp seq=", 0) == 0);
  CHECK(traces[1].find("status=ESME_ROK system_id=\"SMSC\"") != std::string::npos);
  CHECK(traces[2].rfind(">> submit_sm seq=", 0) == 0);
  CHECK(traces[2].find("destination_addr=\"4917612345678\"") != std::string::npos);
  CHECK(traces[2].find("short_message=<11 octets: 48656c6c6f207468657265>") != std::string::npos);
  CHECK(traces[3].find("<< submit_sm_resp seq=") == 0);
  CHECK(traces[3].find("message_id=\"0000002a\"") != std::string::npos);
  CHECK(b.log.all().find("s3cretpw") == std::string::npos);
}

TEST_CASE("x-debug-mode off: no trace") {
  bench b(false);
  b.bind();
  b.send("4917612345678", "Hello there");
  CHECK(b.log.traces().empty());
}

TEST_CASE("the trace and the log lines mask fields as the user data they carry") {
  bench b(true);
  privacy::masking_settings s;
  s.key_rules = {{"_smsDestNumber", rule("unhide-last,4")},
                 {"FromAddr", rule("hide")},
                 {"_smsText", rule("skip")}};
  b.log.rules = std::make_shared<const privacy::masking>(s, nullptr);
  b.bind();
  b.send("4917612345678", "Hello there");
  b.written();
  smpp::deliver_sm mo;
  mo.source_addr = "4915550002";
  mo.destination_addr = "12345";
  mo.short_message = "secret inbound";
  b.smsc_sends(mo, 7);
  smpp::alert_notification alert;
  alert.source_addr = "4915550003";
  b.smsc_sends(alert, 8);
  // A receipt without a message id is logged with its sender and text.
  smpp::deliver_sm bad_receipt;
  bad_receipt.esm_class = smpp::esm_class_bits::smsc_delivery_receipt;
  bad_receipt.source_addr = "4915550004";
  bad_receipt.short_message = "garbled receipt text";
  b.smsc_sends(bad_receipt, 9);

  const std::string all = b.log.all();
  CAPTURE(all);
  for (const char* secret : {"4917612345678", "Hello there", "48656c6c6f", "4915550002",
                             "secret inbound", "4915550003", "4915550004", "garbled"})
    CHECK(all.find(secret) == std::string::npos);
  CHECK(all.find("destination_addr=\"*********5678\"") != std::string::npos);
  CHECK(all.find("source_addr=\"****\"") != std::string::npos);  // FromAddr hides source_addr
  CHECK(all.find("alert_notification: **** is available again") != std::string::npos);
  CHECK(all.find("delivery receipt from **** without a message id: '****'") != std::string::npos);
  CHECK(all.find("short_message") == std::string::npos);  // skip: left out of the trace
}

TEST_CASE("metrics follow what the core did") {
  bench b(false);
  b.bind();
  b.send("4915550001", "one", true);
  b.send("4915550001", "two");
  b.send("4915550001", "three");
  const auto w = b.written();
  REQUIRE(w.size() == 3);
  CHECK(b.metrics->snapshot().submit_in_flight == 3);
  b.now += 20ms;
  smpp::submit_sm_resp ok;
  ok.message_id = "m1";
  b.smsc_sends(ok, w[0].sequence_number);
  b.smsc_sends(smpp::submit_sm_resp{}, w[1].sequence_number, smpp::command_status::esme_rthrottled);
  b.smsc_sends(smpp::generic_nack{}, w[2].sequence_number, smpp::command_status::esme_rsyserr);
  smpp::deliver_sm mo;
  mo.short_message = "hi";
  b.smsc_sends(mo, 10);
  smpp::deliver_sm receipt;
  receipt.esm_class = smpp::esm_class_bits::smsc_delivery_receipt;
  const std::string text = "id:m1 stat:DELIVRD err:000";
  receipt.short_message = text;
  b.smsc_sends(receipt, 11);
  b.core->on_closed("peer closed", b.now);

  const metrics_snapshot s = b.metrics->snapshot();
  CHECK(s.submit_sent == 3);
  CHECK(s.submit_acknowledged == 1);
  CHECK(s.submit_throttled == 1);
  CHECK(label(s.submit_failed, "ESME_RTHROTTLED") == 1);
  CHECK(label(s.submit_failed, "ESME_RSYSERR") == 1);
  CHECK(s.submit_in_flight == 0);
  CHECK(s.requests_succeeded == 1);
  CHECK(label(s.requests_failed, "ESME_RTHROTTLED") == 1);
  CHECK(label(s.requests_failed, "ESME_RSYSERR") == 1);
  CHECK(s.inbound == 1);
  CHECK(label(s.delivery_reports, "DELIVRD") == 1);
  CHECK(s.latency_count == 3);
  CHECK(s.latency_sum_seconds == Approx(0.060));
  CHECK(s.binds == 1);
  CHECK(s.reconnects == 1);
  CHECK_FALSE(s.link_up);
}

TEST_CASE("a value in a sentence: by its key, or as strictly as every key its PDU field carries") {
  privacy::masking_settings s;
  s.key_rules = {{"PhoneNumber", rule("hide-first,3")}, {"_smsText", rule("skip")}};
  const privacy::masking m(s, nullptr);
  CHECK(shown(&m, "FromAddr", "4915550002") == "4915550002");
  CHECK(shown(&m, "PhoneNumber", "4915550002") == "***5550002");
  CHECK(shown(&m, "_smsText", "hi") == "****");  // skip cannot leave a sentence's value out
  CHECK(shown_field(&m, "source_addr", "4915550002") == "***5550002");
  CHECK(shown_field(&m, "short_message", "hi") == "****");
  CHECK(shown_field(&m, "service_type", "CMT") == "CMT");
  CHECK(shown_field(nullptr, "source_addr", "4915550002") == "4915550002");
}
