// channel/inbound: the attribute sets of inbound messages, delivery reports and recipient
// acknowledgements, written out in full (names, order and values), and the two helpers they use.
#include "channel/inbound.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

using namespace smsdrv;
using channel::attributes;

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2019-01-28T02:39:56.035Z
const system_clock::time_point created{milliseconds(1548643196035)};

channel::inbound_message message() {
  channel::inbound_message m;
  m.sequence_number = 42;
  m.source_addr_ton = 1;
  m.source_addr_npi = 1;
  m.source_addr = "4915550001";
  m.dest_addr_ton = 3;
  m.dest_addr_npi = 0;
  m.destination_addr = "12345";
  m.data_coding = 8;
  m.text = "Grüße";
  return m;
}

channel::inbound_context context() {
  channel::inbound_context c;
  c.channel = "channel-sms1";
  c.application_name = "sms-server";
  c.empty_message = "(empty)";
  c.subject_characters = 3;
  c.created = created;
  return c;
}

}  // namespace

TEST_CASE("inbound: exactly the guide's attributes, in order") {
  const attributes expected = {
      {"MediaType", "smssession"},
      {"FromAddr", "4915550001"},
      {"PhoneNumber", "4915550001"},
      {"ToAddr", "12345"},
      {"Subject", "Grü"},  // 3 characters, not 3 octets
      {"_smsSeqNumber", "42"},
      {"_smsInbDataEnc", "8"},
      {"_smsSrcAddrTon", "1"},
      {"_smsSrcAddrNpi", "1"},
      {"_smsSrcNumber", "4915550001"},
      {"_smsDestAddrTon", "3"},
      {"_smsDestAddrNpi", "0"},
      {"_smsDestNumber", "12345"},
      {"_smsText", "Grüße"},
      {"_umsChannel", "channel-sms1"},
      {"_umsInboundIxnSubmittedBy", "sms-server"},
      {"_msg_CreatedAt", "2019-01-28T02:39:56.035Z"},
  };
  CHECK(channel::inbound_attributes(message(), context()) == expected);
}

TEST_CASE("inbound: an empty message carries x-smpp-empty-message as text and subject") {
  channel::inbound_message m = message();
  m.text.clear();
  m.empty = true;
  channel::inbound_context c = context();
  c.subject_characters = 60;
  const attributes a = channel::inbound_attributes(m, c);
  CHECK(a[4] == std::pair<std::string, std::string>{"Subject", "(empty)"});
  CHECK(a[13] == std::pair<std::string, std::string>{"_smsText", "(empty)"});
  // Not empty, just no text after decoding: the text stays "", not the placeholder.
  m.empty = false;
  CHECK(channel::inbound_attributes(m, c)[13].second.empty());
}

TEST_CASE("inbound: the header of a received PDU copied, the text left to the caller") {
  smpp::sm_body f;
  f.source_addr_ton = 5;
  f.source_addr_npi = 0;
  f.source_addr = "Shop";
  f.dest_addr_ton = 1;
  f.dest_addr_npi = 1;
  f.destination_addr = "4915550002";
  f.data_coding = 0xF0;
  f.short_message = "ignored here";
  const channel::inbound_message m = channel::inbound_header(f, 7);
  CHECK(m.sequence_number == 7);
  CHECK(m.source_addr_ton == 5);
  CHECK(m.source_addr == "Shop");
  CHECK(m.dest_addr_ton == 1);
  CHECK(m.dest_addr_npi == 1);
  CHECK(m.destination_addr == "4915550002");
  CHECK(m.data_coding == 0xF0);
  CHECK(m.text.empty());
  CHECK_FALSE(m.empty);
}

TEST_CASE("delivery report: every field of the receipt, optional ones only when present") {
  smpp::delivery_receipt r;
  r.message_id = "abc123";
  r.stat = "DELIVRD";
  r.state = 2;  // DELIVERED (§5.2.28): final
  r.err = "000";
  r.network_error_code = "030001";
  r.submit_date = "1901281239";
  r.done_date = "1901281240";
  const attributes full = {
      {"_smsReportKind", "smsc-receipt"},
      {"_smsMessageId", "abc123"},
      {"_smsDeliveryStat", "DELIVRD"},
      {"_smsDeliveryState", "2"},
      {"_smsDeliveryFinal", "true"},
      {"_smsDeliveryError", "000"},
      {"_smsNetworkErrorCode", "030001"},
      {"_smsSubmitDate", "1901281239"},
      {"_smsDoneDate", "1901281240"},
      {"_smsSegment", "2/3"},
      {"FromAddr", "4915550001"},
      {"ToAddr", "12345"},
      {"_smsSeqNumber", "42"},
      {"_umsChannel", "channel-sms1"},
      {"_msg_CreatedAt", "2019-01-28T02:39:56.035Z"},
  };
  CHECK(channel::receipt_attributes(r, message(), context(), 2, 3, "smsc-receipt") == full);

  smpp::delivery_receipt bare;
  bare.message_id = "x";
  bare.stat = "ENROUTE";  // no state: not final
  const attributes minimal = {
      {"_smsReportKind", "intermediate"},
      {"_smsMessageId", "x"},
      {"_smsDeliveryStat", "ENROUTE"},
      {"_smsDeliveryState", ""},
      {"_smsDeliveryFinal", "false"},
      {"_smsDeliveryError", ""},
      {"FromAddr", "4915550001"},
      {"ToAddr", "12345"},
      {"_smsSeqNumber", "42"},
      {"_umsChannel", "channel-sms1"},
      {"_msg_CreatedAt", "2019-01-28T02:39:56.035Z"},
  };
  CHECK(channel::receipt_attributes(bare, message(), context(), 0, 0, "intermediate") == minimal);
  bare.state = 1;  // ENROUTE: not final either
  CHECK(channel::receipt_attributes(bare, message(), context(), 0, 0, "x")[4].second == "false");
}

TEST_CASE("acknowledgement: kind, id, text, the response code only when sent") {
  const attributes with_code = {
      {"_smsReportKind", "user-acknowledgement"},
      {"_smsMessageId", "m1"},
      {"_smsText", "Grüße"},
      {"_smsUserResponseCode", "0"},
      {"_smsSegment", "1/2"},
      {"FromAddr", "4915550001"},
      {"ToAddr", "12345"},
      {"_smsSeqNumber", "42"},
      {"_umsChannel", "channel-sms1"},
      {"_msg_CreatedAt", "2019-01-28T02:39:56.035Z"},
  };
  CHECK(channel::acknowledgement_attributes("user-acknowledgement", "m1", 0, message(), context(),
                                            1, 2) == with_code);
  const attributes without = channel::acknowledgement_attributes("sme-acknowledgement", "", -1,
                                                                 message(), context(), 0, 0);
  REQUIRE(without.size() == 8);
  CHECK(without[1] == std::pair<std::string, std::string>{"_smsMessageId", ""});
  CHECK(without[3].first == "FromAddr");
}

TEST_CASE("iso8601_utc_ms: milliseconds, and before 1970 too") {
  CHECK(channel::iso8601_utc_ms(created) == "2019-01-28T02:39:56.035Z");
  CHECK(channel::iso8601_utc_ms(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(channel::iso8601_utc_ms(system_clock::time_point{milliseconds(-1)}) ==
        "1969-12-31T23:59:59.999Z");
  // Below a millisecond is cut, not rounded.
  CHECK(channel::iso8601_utc_ms(created + std::chrono::microseconds(999)) ==
        "2019-01-28T02:39:56.035Z");
}

TEST_CASE("utf8_prefix: whole characters only") {
  CHECK(channel::utf8_prefix("hello", 3) == "hel");
  CHECK(channel::utf8_prefix("hi", 10) == "hi");
  CHECK(channel::utf8_prefix("", 3).empty());
  CHECK(channel::utf8_prefix("abc", 0).empty());
  CHECK(channel::utf8_prefix("äöü", 2) == "äö");                              // 2-octet characters
  CHECK(channel::utf8_prefix("€x", 1) == "€");                                // 3 octets
  CHECK(channel::utf8_prefix("\xF0\x9F\x98\x80!", 1) == "\xF0\x9F\x98\x80");  // 4 octets
}
