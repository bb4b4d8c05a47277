// channel/smsc_probe: the failover probe as a narrative with fake time. The test plays the SMSC:
// it decodes what the probe writes and answers with encoded PDUs.
#include "channel/smsc_probe.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "smpp/codec.hpp"
#include "smpp/command_status.hpp"

using namespace smsdrv;
using namespace smsdrv::smpp;
using namespace std::chrono_literals;
using channel::smsc_probe;

namespace {

bind_transmitter_resp accepted() {
  bind_transmitter_resp r;
  r.system_id = "SMSC";
  return r;
}

struct probe_world {
  smsc_probe probe;
  smpp::time_point now{std::chrono::hours(1)};
  std::vector<std::string> frames;  // keeps the views of decoded PDUs valid

  explicit probe_world(std::chrono::milliseconds response_timeout = 5s) {
    session_config c;
    c.mode = bind_mode::transceiver;  // the probe binds as a transmitter whatever it is given
    c.system_id = "esme1";
    c.password = "secret";
    c.response_timeout = response_timeout;
    probe.start(c);
  }

  // What the probe wrote since the last call, decoded.
  std::vector<pdu> written() {
    frames.push_back(std::exchange(probe.output(), {}));
    const std::string& bytes = frames.back();
    std::vector<pdu> out;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      const frame_check fc = check_frame(std::string_view(bytes).substr(pos));
      REQUIRE(fc.state == frame_state::ready);
      pdu p;
      REQUIRE(decode(std::string_view(bytes).substr(pos, fc.length), p).ok());
      out.push_back(std::move(p));
      pos += fc.length;
    }
    return out;
  }

  template <class Body>
  void smsc_sends(const Body& body, std::uint32_t seq, std::uint32_t status = 0) {
    std::string wire;
    REQUIRE(encode(body, seq, wire, status).ok());
    probe.on_bytes(wire, now);
  }

  // Connected; returns the sequence number of the bind it sent.
  std::uint32_t connect() {
    probe.on_connected(now);
    auto out = written();
    REQUIRE(out.size() == 1);
    CHECK(out[0].id() == command_id::bind_transmitter);
    const auto* bind = std::get_if<bind_transmitter>(&out[0].body);
    REQUIRE(bind);
    CHECK(bind->system_id == "esme1");
    CHECK(bind->password == "secret");
    return out[0].sequence_number;
  }
};

}  // namespace

TEST_CASE("probe: a bind accepted is 'bound', followed at once by an unbind and a close") {
  probe_world w;
  CHECK(w.probe.result() == smsc_probe::outcome::pending);
  CHECK_FALSE(w.probe.finished());
  const std::uint32_t seq = w.connect();
  w.smsc_sends(accepted(), seq);
  CHECK(w.probe.result() == smsc_probe::outcome::bound);
  CHECK(w.probe.detail().empty());
  auto out = w.written();
  REQUIRE(out.size() == 1);
  CHECK(out[0].id() == command_id::unbind);
  CHECK_FALSE(w.probe.close_requested());
  w.smsc_sends(unbind_resp{}, out[0].sequence_number);
  CHECK(w.probe.close_requested());
  w.probe.on_closed("closed by the probe");
  CHECK(w.probe.finished());
  CHECK(w.probe.result() == smsc_probe::outcome::bound);  // the close does not change the answer
  CHECK(w.probe.next_deadline() == smsc_probe::time_point::max());
}

TEST_CASE("probe: a bind refused is 'refused' with the SMSC's status") {
  probe_world w;
  const std::uint32_t seq = w.connect();
  w.smsc_sends(bind_transmitter_resp{}, seq, command_status::esme_rinvpaswd);
  CHECK(w.probe.result() == smsc_probe::outcome::refused);
  CHECK(w.probe.detail().find("ESME_RINVPASWD") != std::string::npos);
  for (const pdu& p : w.written())
    CHECK(p.id() != command_id::unbind);  // nothing to unbind
}

TEST_CASE("probe: no bind_resp in time is 'refused', said so") {
  probe_world w(2s);
  w.connect();
  REQUIRE(w.probe.next_deadline() <= w.now + 2s);
  w.now += 1999ms;
  w.probe.on_tick(w.now);
  CHECK(w.probe.result() == smsc_probe::outcome::pending);
  w.now += 1ms;
  w.probe.on_tick(w.now);
  CHECK(w.probe.result() == smsc_probe::outcome::refused);
  CHECK(w.probe.detail() == "no bind_resp in time");
}

TEST_CASE("probe: no connection, or a connection lost before the answer, is 'failed'") {
  SECTION("connect failed") {
    probe_world w;
    w.probe.on_connect_failed("Connection refused");
    CHECK(w.probe.finished());
    CHECK(w.probe.result() == smsc_probe::outcome::failed);
    CHECK(w.probe.detail() == "Connection refused");
  }
  SECTION("closed while waiting for bind_resp") {
    probe_world w;
    w.connect();
    w.probe.on_closed("Connection reset by peer");
    CHECK(w.probe.finished());
    CHECK(w.probe.result() == smsc_probe::outcome::failed);
    CHECK(w.probe.detail() == "Connection reset by peer");
  }
}

TEST_CASE("probe: a message sent to the probe anyway is left for the channel's own link") {
  probe_world w;
  const std::uint32_t seq = w.connect();
  w.smsc_sends(accepted(), seq);
  w.written();  // the unbind
  deliver_sm m;
  m.source_addr = "4915550001";
  m.short_message = "hello";
  w.smsc_sends(m, 77);
  auto out = w.written();
  REQUIRE(out.size() == 1);
  CHECK(out[0].id() == command_id::deliver_sm_resp);
  CHECK(out[0].sequence_number == 77);
  // Refused, so the SMSC keeps it for the channel's own link: the session answers a deliver_sm
  // on a transmitter (unbinding) with ESME_RINVBNDSTS before the probe sees it.
  CHECK(out[0].command_status != command_status::esme_rok);
  CHECK(w.probe.result() == smsc_probe::outcome::bound);
}

TEST_CASE("probe: started again, it forgets the previous answer") {
  probe_world w;
  w.probe.on_connect_failed("Connection refused");
  REQUIRE(w.probe.result() == smsc_probe::outcome::failed);
  session_config c;
  c.system_id = "esme1";
  c.password = "secret";
  w.probe.start(c);
  CHECK_FALSE(w.probe.finished());
  CHECK(w.probe.result() == smsc_probe::outcome::pending);
  CHECK(w.probe.detail().empty());
  const std::uint32_t seq = w.connect();
  w.smsc_sends(accepted(), seq);
  CHECK(w.probe.result() == smsc_probe::outcome::bound);
}
