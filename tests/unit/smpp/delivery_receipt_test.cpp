#include "smpp/delivery_receipt.hpp"

#include <catch2/catch.hpp>

#include "hex.hpp"
#include "smpp/codec.hpp"

using namespace smsdrv::smpp;

TEST_CASE("the Appendix B text form") {
  auto r = parse_receipt_text(
      "id:5f2a81c4 sub:001 dlvrd:001 submit date:2611221200 done date:2611221201 stat:DELIVRD "
      "err:000 text:Hello world id:not-this");
  REQUIRE(r);
  CHECK(r->message_id == "5f2a81c4");
  CHECK(r->sub == "001");
  CHECK(r->dlvrd == "001");
  CHECK(r->submit_date == "2611221200");
  CHECK(r->done_date == "2611221201");
  CHECK(r->stat == "DELIVRD");
  CHECK(r->state == std::uint8_t{2});
  CHECK(r->err == "000");
  CHECK(r->text == "Hello world id:not-this");  // text: runs to the end
}

TEST_CASE("variants seen in the field") {
  SECTION("capitalised keys, seconds in dates, different order, missing fields") {
    auto r = parse_receipt_text("Stat:UNDELIV ID:0012345 Err:045 Done Date:261122120101 Text:x");
    REQUIRE(r);
    CHECK(r->message_id == "0012345");
    CHECK(r->stat == "UNDELIV");
    CHECK(r->state == std::uint8_t{5});
    CHECK(r->err == "045");
    CHECK(r->done_date == "261122120101");
    CHECK(r->text == "x");
    CHECK(r->sub.empty());
  }
  SECTION("long state names") {
    CHECK(parse_receipt_text("id:1 stat:DELIVERED")->state == std::uint8_t{2});
    CHECK(parse_receipt_text("id:1 stat:REJECTD")->state == std::uint8_t{8});
    CHECK_FALSE(parse_receipt_text("id:1 stat:WHATEVER")->state.has_value());
  }
  SECTION("not a receipt") {
    CHECK_FALSE(parse_receipt_text("Hello, are you there?"));
    CHECK_FALSE(parse_receipt_text(""));
    CHECK_FALSE(parse_receipt_text("valid:no"));  // 'id:' only counts at a word start
  }
}

TEST_CASE("state table both ways") {
  for (std::uint8_t s = 1; s <= 8; ++s) {
    CHECK(message_state_from_stat(message_state_stat(s)) == s);
  }
  CHECK(message_state_stat(0).empty());
  CHECK(message_state_stat(9).empty());
  CHECK(is_final_state(2));
  CHECK(is_final_state(5));
  CHECK_FALSE(is_final_state(1));
  CHECK_FALSE(is_final_state(6));
}

TEST_CASE("a receipt deliver_sm: TLVs win over the text") {
  deliver_sm d;
  d.esm_class = esm_class_bits::smsc_delivery_receipt;
  const std::string text = "id:AAAA stat:UNDELIV err:001";
  d.short_message = text;
  const std::string id = std::string("bbbb") + '\0';
  const std::string state(1, '\x02');
  const std::string nec = smsdrv::test::from_hex("03 0010");
  d.tlvs.push_back({tlv_tag::receipted_message_id, id});
  d.tlvs.push_back({tlv_tag::message_state, state});
  d.tlvs.push_back({tlv_tag::network_error_code, nec});
  CHECK(is_delivery_receipt(d.esm_class));
  auto r = read_delivery_receipt(d);
  REQUIRE(r);
  CHECK(r->message_id == "bbbb");
  CHECK(r->state == std::uint8_t{2});
  CHECK(r->stat == "DELIVRD");
  CHECK(r->err == "001");
  CHECK(r->network_error_code == "030010");

  deliver_sm plain;
  plain.short_message = "no receipt here";
  CHECK_FALSE(is_delivery_receipt(plain.esm_class));
  CHECK_FALSE(read_delivery_receipt(plain));
}

TEST_CASE("deliver_sm message types follow esm_class bits 5-2 (SMPP v3.4 §5.2.12)") {
  struct row {
    std::uint8_t esm_class;
    deliver_sm_type type;
    std::string_view kind;
  };
  const row rows[] = {
      {0x00, deliver_sm_type::message, "message"},
      {0x40, deliver_sm_type::message, "message"},  // UDHI and GSM features do not count
      {0x83, deliver_sm_type::message, "message"},
      {0x04, deliver_sm_type::smsc_receipt, "smsc-receipt"},
      {0x08, deliver_sm_type::sme_delivery_ack, "sme-delivery-ack"},
      {0x48, deliver_sm_type::sme_delivery_ack, "sme-delivery-ack"},
      {0x10, deliver_sm_type::user_ack, "user-ack"},
      {0x18, deliver_sm_type::conversation_abort, "conversation-abort"},
      {0x20, deliver_sm_type::intermediate_notification, "intermediate"},
      {0x0C, deliver_sm_type::reserved, "reserved"},
      {0x14, deliver_sm_type::reserved, "reserved"},
      {0x3C, deliver_sm_type::reserved, "reserved"},
  };
  for (const row& r : rows) {
    CAPTURE(r.esm_class);
    CHECK(deliver_sm_type_of(r.esm_class) == r.type);
    CHECK(report_kind_name(r.type) == r.kind);
  }
}
