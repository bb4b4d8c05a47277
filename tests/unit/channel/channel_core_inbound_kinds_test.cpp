// What a deliver_sm is, by its esm_class message type (SMPP v3.4 §5.2.12), and what reaches the
// host: receipts and acknowledgements as delivery reports of their kind, messages as inbound
// interactions, with a remark when the type is reserved or the user data header cannot be read.
#include "channel_core_fixture.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace smsdrv::channel::test;

namespace {

// A request that asked for a receipt, sent and answered with message id m<seq>.
std::pair<std::uint64_t, std::string> sent_with_receipt(fixture& f) {
  auto r = f.request();
  r.wants_receipt = true;
  const std::uint64_t id = r.request_id;
  f.core->enqueue(std::move(r), f.now);
  const auto w = f.written();
  REQUIRE(w.size() == 1);
  f.answer(w[0]);
  f.take_events();
  return {id, fmt::format("m{}", w[0].sequence_number)};
}

smpp::deliver_sm from_handset(std::uint8_t esm_class, std::string_view text) {
  smpp::deliver_sm d;
  d.source_addr = "4915550002";
  d.destination_addr = "12345";
  d.esm_class = esm_class;
  d.short_message = text;
  return d;
}

// The one event that is not a CHANNEL_STATE (the bind's "bound" comes first).
const channel_event& only_event(const std::vector<channel_event>& ev) {
  const channel_event* found = nullptr;
  for (const channel_event& e : ev) {
    if (e.type == SMSDRV_EVENT_CHANNEL_STATE) continue;
    REQUIRE(found == nullptr);
    found = &e;
  }
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace

TEST_CASE("an SME delivery acknowledgement is a delivery report of its kind, correlated") {
  fixture f;
  f.connect_and_bind();
  const auto [request, message_id] = sent_with_receipt(f);
  auto d = from_handset(0x08, "delivered to the handset");
  const std::string receipted = message_id + '\0';
  d.tlvs.push_back({smpp::tlv_tag::receipted_message_id, receipted});
  f.smsc_sends(d, 500);
  const auto ev = f.take_events();
  const channel_event& e = only_event(ev);
  CHECK(e.type == SMSDRV_EVENT_DELIVERY_REPORT);
  CHECK(e.request_id == request);
  CHECK(attr_of(e, "_smsReportKind") == "sme-delivery-ack");
  CHECK(attr_of(e, "_smsMessageId") == message_id);
  CHECK(attr_of(e, "_smsText") == "delivered to the handset");
  CHECK(attr_of(e, "_smsSegment") == "1/1");
  CHECK(attr_of(e, "_smsDeliveryStat") == "<absent>");
  CHECK(attr_of(e, "FromAddr") == "4915550002");
  // Answered only when the host takes it (spec §7); a later SMSC receipt still correlates.
  REQUIRE(e.ack_id != 0);
  CHECK(f.written().empty());
  CHECK(f.core->ack(e.ack_id, SMSDRV_OK));
  CHECK(f.written().at(0).id() == smpp::command_id::deliver_sm_resp);
  const std::string receipt_text = "id:" + message_id + " stat:DELIVRD err:000";
  auto receipt = from_handset(0x04, receipt_text);
  f.smsc_sends(receipt, 501);
  const auto ev2 = f.take_events();
  const channel_event& r = only_event(ev2);
  CHECK(r.request_id == request);
  CHECK(attr_of(r, "_smsReportKind") == "smsc-receipt");
  CHECK(attr_of(r, "_smsDeliveryStat") == "DELIVRD");
}

TEST_CASE("a user acknowledgement carries the user's text and response code") {
  fixture f;
  f.connect_and_bind();
  auto d = from_handset(0x10, "YES");
  const std::string code(1, '\x07');
  d.tlvs.push_back({smpp::tlv_tag::user_response_code, code});
  f.smsc_sends(d, 600);
  const auto ev = f.take_events();
  const channel_event& e = only_event(ev);
  CHECK(e.type == SMSDRV_EVENT_DELIVERY_REPORT);
  CHECK(e.request_id == 0);  // names no message of ours
  CHECK(attr_of(e, "_smsReportKind") == "user-ack");
  CHECK(attr_of(e, "_smsMessageId").empty());
  CHECK(attr_of(e, "_smsText") == "YES");
  CHECK(attr_of(e, "_smsUserResponseCode") == "7");
  CHECK(attr_of(e, "_smsSegment") == "<absent>");
  CHECK(e.ack_id != 0);
}

TEST_CASE("every report type of §5.2.12 has its kind; receipts keep theirs") {
  struct row {
    std::uint8_t esm_class;
    std::string_view kind;
  };
  for (const row& r : {row{0x18, "conversation-abort"}, row{0x04, "smsc-receipt"},
                       row{0x20, "intermediate"}, row{0x4C & 0xFB, "sme-delivery-ack"}}) {
    CAPTURE(r.kind);
    fixture f;
    f.connect_and_bind();
    f.smsc_sends(from_handset(r.esm_class, "id:abc stat:ENROUTE"), 700);
    const auto ev = f.take_events();
    const channel_event& e = only_event(ev);
    CHECK(e.type == SMSDRV_EVENT_DELIVERY_REPORT);
    CHECK(attr_of(e, "_smsReportKind") == r.kind);
  }
}

TEST_CASE("a reserved message type is delivered as a message, with a remark") {
  fixture f;
  f.connect_and_bind();
  f.smsc_sends(from_handset(0x0C, "hello"), 800);
  const auto ev = f.take_events();
  const channel_event& e = only_event(ev);
  CHECK(e.type == SMSDRV_EVENT_INBOUND);
  CHECK(attr_of(e, "_smsText") == "hello");
  CHECK(e.text ==
        "esm_class 0x0C names a message type SMPP v3.4 §5.2.12 reserves; delivered as a message");
  CHECK(f.log.contains("message from 4915550002: esm_class 0x0C names a message type"));
}

TEST_CASE("a user data header that cannot be read is flagged malformed, as docs/text.md says") {
  fixture f;
  f.connect_and_bind();
  SECTION("its length runs past the message: the whole message is text") {
    const std::string text = std::string("\x0A") + "hello";
    f.smsc_sends(from_handset(0x40, text), 900);
    const auto ev = f.take_events();
    const channel_event& e = only_event(ev);
    CHECK(e.type == SMSDRV_EVENT_INBOUND);
    CHECK(attr_of(e, "_smsText") == "\nhello");
    CHECK(e.text ==
          "malformed user data header: its length 10 runs past the 6-octet message; the whole "
          "message is shown as text");
    CHECK(f.log.warnings.back() ==
          "message from 4915550002: malformed user data header: its length 10 runs past the "
          "6-octet message; the whole message is shown as text");
  }
  SECTION("an element runs past the header: skipped, the header stripped") {
    const std::string text = std::string("\x03\x00\x07\x01", 4) + "hi";
    f.smsc_sends(from_handset(0x40, text), 901);
    const auto ev = f.take_events();
    const channel_event& e = only_event(ev);
    CHECK(attr_of(e, "_smsText") == "hi");
    CHECK(e.text == "malformed user data header: an element runs past the header and was skipped");
  }
  SECTION("UDHI and no message at all") {
    f.smsc_sends(from_handset(0x40, ""), 902);
    const auto ev = f.take_events();
    CHECK(only_event(ev).text ==
          "malformed user data header: esm_class sets UDHI but the message is empty");
  }
  SECTION("a header that reads is no remark") {
    const std::string text = std::string("\x00", 1) + "hi";
    f.smsc_sends(from_handset(0x40, text), 903);
    const auto ev = f.take_events();
    CHECK(only_event(ev).text.empty());
    CHECK(f.log.warnings.empty());
  }
}
