// The composer: SendSMS user data -> submit_sm frames. Every frame is decoded back with the
// codec and checked field by field.
#include "channel/composer.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "config/option_table.hpp"
#include "smpp/codec.hpp"
#include "smpp/pdu.hpp"
#include "smsdrv/smsdrv.h"

using namespace smsdrv;
using namespace smsdrv::channel;

namespace {

using pairs = std::vector<std::pair<std::string_view, std::string_view>>;

// "48 65 6c": octets as hex, a space between them.
std::string hex_of(std::string_view octets) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : octets) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

composer_settings channel_defaults() {
  composer_settings s;
  s.channel = "channel-sms1";
  s.default_source = "12345";
  return s;
}

// One composed request with its frames decoded (the decoded views point into `frames`).
struct composed {
  compose_result result;
  prepared_request request;
  std::vector<smpp::submit_sm> parts;

  std::size_t size() const { return parts.size(); }
  const smpp::submit_sm& operator[](std::size_t i) const { return parts[i]; }
  std::string hex(std::size_t i) const { return hex_of(parts[i].short_message); }
};

void compose_into(composed& c, const composer_settings& s, const pairs& data) {
  composer comp(s);
  c.result = comp.compose(data, c.request);
  if (!c.result.ok()) return;
  for (std::string_view frame : c.request.frames) {
    smpp::pdu p;
    REQUIRE(smpp::decode(frame, p).ok());
    REQUIRE(std::holds_alternative<smpp::submit_sm>(p.body));
    c.parts.push_back(std::get<smpp::submit_sm>(p.body));
  }
}

// Composes and requires success.
#define COMPOSE(var, settings, ...)         \
  composed var;                             \
  compose_into(var, settings, __VA_ARGS__); \
  INFO(var.result.error);                   \
  REQUIRE(var.result.ok())

pairs with_text(std::string_view text, pairs more = {}) {
  pairs p{{"_smsDestNumber", "4915550001"}, {"_smsText", text}};
  p.insert(p.end(), more.begin(), more.end());
  return p;
}

std::string tlv_hex(const smpp::submit_sm& sm, std::uint16_t tag) {
  const smpp::tlv* t = smpp::find_tlv(sm.tlvs, tag);
  return t ? hex_of(t->value) : "<absent>";
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

}  // namespace

TEST_CASE("a short text: one submit_sm with the channel's fields") {
  composer_settings s = channel_defaults();
  s.source_addr_ton = 5;
  s.source_addr_npi = 0;
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.service_type = "CMT";
  s.validity_period = "000001000000000R";
  COMPOSE(c, s, with_text("Hello @"));
  REQUIRE(c.size() == 1);
  CHECK(c[0].destination_addr == "4915550001");
  CHECK(c[0].source_addr == "12345");
  CHECK(c[0].source_addr_ton == 5);
  CHECK(c[0].dest_addr_ton == 1);
  CHECK(c[0].dest_addr_npi == 1);
  CHECK(c[0].service_type == "CMT");
  CHECK(c[0].validity_period == "000001000000000R");
  CHECK(c[0].data_coding == 0);
  CHECK(c[0].esm_class == 0);
  CHECK(c[0].replace_if_present_flag == 0);
  CHECK(c[0].registered_delivery == 0);
  CHECK(c[0].tlvs.empty());
  CHECK(c.hex(0) == "48 65 6c 6c 6f 20 00");
  CHECK_FALSE(c.request.wants_receipt);
  CHECK_FALSE(c.request.prompt_response);
}

TEST_CASE("every per-request override sets its field; an empty value keeps the channel's") {
  struct row {
    std::string_view key, value, text;
    std::function<void(const composed&)> check;
  };
  const std::string long_gsm(161, 'a');
  const row rows[] = {
      {"x-smpp-delivery-report", "true", "x",
       [](const composed& c) {
         CHECK(c[0].registered_delivery == 1);
         CHECK(c.request.wants_receipt);
       }},
      {"x-smpp-outbound-enc-default", "latin1", "né",
       [](const composed& c) {
         CHECK(c[0].data_coding == 3);
         CHECK(c.hex(0) == "6e e9");
       }},
      {"x-smpp-outbound-enc-default", "asci", "A~",
       [](const composed& c) { CHECK(c[0].data_coding == 1); }},
      {"x-smpp-outbound-enc-default", "UCS2", "A",
       [](const composed& c) { CHECK(c.hex(0) == "00 41"); }},
      {"x-smpp-outbound-enc-default", "utf16be", "😀",
       [](const composed& c) {
         CHECK(c[0].data_coding == 8);
         CHECK(c.hex(0) == "d8 3d de 00");
       }},
      {"x-smpp-flash", "yes", "Hi", [](const composed& c) { CHECK(c[0].data_coding == 0x10); }},
      {"x-smpp-overwrite", "on", "x",
       [](const composed& c) { CHECK(c[0].replace_if_present_flag == 1); }},
      {"x-smpp-validity-period", "000002000000000R", "x",
       [](const composed& c) { CHECK(c[0].validity_period == "000002000000000R"); }},
      {"x-smpp-validity-period", "240301120000004+", "x",
       [](const composed& c) { CHECK(c[0].validity_period == "240301120000004+"); }},
      {"x-smpp-service-type", "Cellular Messaging", "x",
       [](const composed& c) { CHECK(c[0].service_type == "CMT"); }},
      {"x-smpp-service-type", "XY1", "x",
       [](const composed& c) { CHECK(c[0].service_type == "XY1"); }},
      {"x-smpp-src-addr-ton", "Alphanumeric", "x",
       [](const composed& c) { CHECK(c[0].source_addr_ton == 5); }},
      {"x-smpp-src-addr-npi", "e164", "x",
       [](const composed& c) { CHECK(c[0].source_addr_npi == 1); }},
      {"x-smpp-dest-addr-ton", "2", "x", [](const composed& c) { CHECK(c[0].dest_addr_ton == 2); }},
      {"x-smpp-dest-addr-npi", "Private", "x",
       [](const composed& c) { CHECK(c[0].dest_addr_npi == 9); }},
      {"x-smpp-long-message-method", "udh16", long_gsm,
       [](const composed& c) {
         REQUIRE(c.size() == 2);
         CHECK(c.hex(0).substr(0, 8) == "06 08 04");
       }},
      {"x-smpp-long-message-method", "SAR", long_gsm,
       [](const composed& c) {
         REQUIRE(c.size() == 2);
         CHECK(c[0].esm_class == 0);
         CHECK(tlv_hex(c[1], smpp::tlv_tag::sar_segment_seqnum) == "02");
       }},
      {"x-smpp-use-msg-payload", "true", long_gsm,
       [](const composed& c) {
         REQUIRE(c.size() == 1);
         CHECK(c[0].short_message.empty());
         CHECK(smpp::find_tlv(c[0].tlvs, smpp::tlv_tag::message_payload)->value.size() == 161);
       }},
  };
  for (const row& r : rows) {
    INFO(r.key << " = " << r.value);
    COMPOSE(c, channel_defaults(), with_text(r.text, {{r.key, r.value}}));
    r.check(c);
  }
  // Every override key is a channel option, so its value follows that option's rule.
  for (std::string_view key : override_keys())
    CHECK(config::find_option(config::channel_options(), key) != nullptr);

  composer_settings flashy = channel_defaults();
  flashy.flash = true;
  flashy.overwrite = true;
  flashy.validity_period = "000001000000000R";
  COMPOSE(kept, flashy, with_text("x", {{"x-smpp-flash", ""}, {"x-smpp-validity-period", ""}}));
  CHECK(kept[0].data_coding == 0x10);
  CHECK(kept[0].validity_period == "000001000000000R");
  COMPOSE(off, flashy, with_text("x", {{"x-smpp-flash", "false"}, {"x-smpp-overwrite", "0"}}));
  CHECK(off[0].data_coding == 0);
  CHECK(off[0].replace_if_present_flag == 0);
}

TEST_CASE("the long-message method: payload on the channel, a method named by the request") {
  composer_settings s = channel_defaults();
  s.use_message_payload = true;
  s.long_messages = text::concat_method::udh16;
  const std::string text(200, 'b');
  COMPOSE(channel_payload, s, with_text(text));
  CHECK(channel_payload.size() == 1);
  CHECK(channel_payload[0].short_message.empty());
  COMPOSE(named, s, with_text(text, {{"x-smpp-long-message-method", "sar"}}));
  CHECK(named.size() == 2);
  CHECK(tlv_hex(named[0], smpp::tlv_tag::sar_total_segments) == "02");
  COMPOSE(no_payload, s, with_text(text, {{"x-smpp-use-msg-payload", "false"}}));
  REQUIRE(no_payload.size() == 2);
  CHECK(no_payload.hex(0).substr(0, 8) == "06 08 04");  // the channel's udh16
}

TEST_CASE("bad requests are refused naming the key, the value and the rule") {
  struct row {
    pairs data;
    std::int32_t status;
    std::string error;
  };
  const row rows[] = {
      {{{"_smsText", "x"}}, SMSDRV_E_BAD_REQUEST, "SendSMS: _smsDestNumber is required"},
      {{{"_smsDestNumber", "123456789012345678901"}},
       SMSDRV_E_BAD_REQUEST,
       "_smsDestNumber has 21 characters; SMPP destination_addr holds at most 20"},
      {with_text("x", {{"_smsSrcNumber", "123456789012345678901"}}), SMSDRV_E_BAD_REQUEST,
       "_smsSrcNumber has 21 characters; SMPP source_addr holds at most 20"},
      {{{"_smsDestNumber", "49176ABCDEF"}},
       SMSDRV_E_BAD_REQUEST,
       "_smsDestNumber: 'A' at character 6 is not a digit; a number of TON 0 (Unknown) has "
       "digits only; a leading '+' means international"},
      {{{"_smsDestNumber", "49 176 1234"}},
       SMSDRV_E_BAD_REQUEST,
       "_smsDestNumber: ' ' at character 3 is not a digit"},
      {with_text("x", {{"_smsSrcNumber", "MyBrand"}, {"x-smpp-src-addr-ton", "National"}}),
       SMSDRV_E_BAD_REQUEST,
       "_smsSrcNumber: 'M' at character 1 is not a digit; a number of TON 2 (National) has "
       "digits only; a sender with letters is alphanumeric (TON 5) when the request gives no TON"},
      {{{"_smsDestNumber", "+4917612345678"}, {"x-smpp-dest-addr-ton", "2"}},
       SMSDRV_E_BAD_REQUEST,
       "_smsDestNumber: a leading '+' means an international number, but the request gives TON 2 "
       "(National); leave the '+' out, or the TON"},
      {with_text("a\xC3"), SMSDRV_E_BAD_REQUEST, "_smsText: invalid UTF-8 at byte 1"},
      {with_text("x", {{"extraopt", "{ tlvItems: [ {tag:4401, typ:int} ] }"}}),
       SMSDRV_E_BAD_REQUEST, "extraopt: "},
      {with_text("x", {{"x-smpp-delivery-report", "maybe"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-delivery-report 'maybe' must be true or false (also yes/no, on/off, 1/0)"},
      {with_text("x", {{"x-smpp-outbound-enc-default", "utf8"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-outbound-enc-default 'utf8' must be one of smscdefault, ascii, latin1, ucs2, "
       "utf16be (also smcdefaut, asci)"},
      {with_text("x", {{"x-smpp-flash", "2"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-flash '2' must be true or false (also yes/no, on/off, 1/0)"},
      {with_text("x", {{"x-smpp-overwrite", "sometimes"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-overwrite 'sometimes' must be true or false (also yes/no, on/off, 1/0)"},
      {with_text("x", {{"x-smpp-validity-period", "2401"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-validity-period '2401' is not a valid SMPP time (YYMMDDhhmmsstnnp or "
       "YYMMDDhhmmss000R): "},
      {with_text("x", {{"x-smpp-validity-period", "241301120000004+"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-validity-period '241301120000004+' is not a valid SMPP time"},
      {with_text("x", {{"x-smpp-service-type", "TOOLONG"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-service-type 'TOOLONG' must be one of"},
      {with_text("x", {{"x-smpp-src-addr-ton", "256"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-src-addr-ton '256' must be a number from 0 to 255 or one of Unknown, "
       "International,"},
      {with_text("x", {{"x-smpp-src-addr-npi", "Telefax"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-src-addr-npi 'Telefax' must be a number from 0 to 255"},
      {with_text("x", {{"x-smpp-dest-addr-ton", "Internationl"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-dest-addr-ton 'Internationl' must be a number from 0 to 255 or one of Unknown, "
       "International, National, NetworkSpecific, SubscriberNumber, Alphanumeric, Abbreviated; "
       "did you mean 'International'?"},
      {with_text("x", {{"x-smpp-dest-addr-npi", "-1"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-dest-addr-npi '-1' must be a number from 0 to 255"},
      {with_text("x", {{"x-smpp-long-message-method", "udh7"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-long-message-method 'udh7' must be one of udh8, udh16, sar"},
      {with_text("x", {{"x-smpp-use-msg-payload", "perhaps"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-use-msg-payload 'perhaps' must be true or false"},
      {with_text("x", {{"x-smpp-use-msg-payload", "1"}, {"x-smpp-long-message-method", "sar"}}),
       SMSDRV_E_BAD_REQUEST,
       "x-smpp-use-msg-payload 'true' and x-smpp-long-message-method 'sar' contradict each "
       "other; give one of them"},
      {with_text("x", {{"x-smpp-flsh", "true"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-flsh is not a request key; did you mean x-smpp-flash?"},
      {with_text("x", {{"x-smpp-sar-max-segments", "3"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-sar-max-segments is a channel option and cannot be given per request (keys that "
       "can: x-smpp-delivery-report, x-smpp-outbound-enc-default, x-smpp-flash,"},
      {with_text("x", {{"x-smpp-whatever", "1"}}), SMSDRV_E_BAD_REQUEST,
       "x-smpp-whatever is not a request key of this driver (x-smpp-* keys: "
       "x-smpp-delivery-report,"},
  };
  for (const row& r : rows) {
    composed c;
    compose_into(c, channel_defaults(), r.data);
    INFO(c.result.error);
    CHECK(c.result.status == r.status);
    CHECK(c.result.error.substr(0, r.error.size()) == r.error);
  }
}

TEST_CASE("more segments than x-smpp-sar-max-segments: refused naming both counts") {
  composer_settings s = channel_defaults();
  s.max_segments = 3;
  const std::string four_parts(153 * 3 + 1, 'z');
  for (std::string_view method : {"udh8", "udh16", "sar"}) {
    INFO(method);
    composed c;
    compose_into(c, s, with_text(four_parts, {{"x-smpp-long-message-method", method}}));
    CHECK(c.result.status == SMSDRV_E_TOO_MANY_SEGMENTS);
    CHECK(c.result.error ==
          "_smsText: message needs 4 segments, more than the limit of 3 "
          "(x-smpp-sar-max-segments)");
    CHECK(c.request.frames.empty());
  }
  COMPOSE(three, s, with_text(std::string(153 * 3, 'z')));
  CHECK(three.size() == 3);
  composed huge;
  compose_into(huge, s, with_text(std::string(65536, 'z'), {{"x-smpp-use-msg-payload", "true"}}));
  CHECK(huge.result.status == SMSDRV_E_BAD_REQUEST);
  CHECK(huge.result.error ==
        "_smsText: message needs 65536 octets, more than the limit of 65535 of one "
        "message_payload (x-smpp-use-msg-payload)");
}

TEST_CASE("flash: message class 0 in data_coding for every alphabet asked for") {
  struct row {
    text::encoding channel;
    std::string_view text;
    std::uint8_t data_coding;
    std::string remark;
  };
  const row rows[] = {
      {text::encoding::gsm7, "Hi", 0x10, ""},
      {text::encoding::gsm7, "Hi 😀", 0x18,
       "sent as utf16be (data_coding 0x18) instead of smscdefault: U+1F600 at byte 3 is not in "
       "smscdefault"},
      {text::encoding::ucs2, "Hi", 0x18, ""},
      {text::encoding::utf16be, "Hi", 0x18, ""},
      {text::encoding::ascii, "Hi", 0x10,
       "sent as smscdefault (data_coding 0x10) instead of ascii: flash needs a message class, "
       "which data_coding 1 cannot carry"},
      {text::encoding::latin1, "né", 0x10,
       "sent as smscdefault (data_coding 0x10) instead of latin1: flash needs a message class, "
       "which data_coding 3 cannot carry"},
      {text::encoding::latin1, "â", 0x18,
       "sent as utf16be (data_coding 0x18) instead of latin1: flash needs a message class, "
       "which data_coding 3 cannot carry; U+00E2 at byte 0 is not in smscdefault"},
  };
  for (const row& r : rows) {
    INFO(text::encoding_name(r.channel) << " " << r.text);
    composer_settings s = channel_defaults();
    s.encoding.requested = r.channel;
    s.flash = true;
    COMPOSE(c, s, with_text(r.text));
    CHECK(c[0].data_coding == r.data_coding);
    CHECK(encoding_remark(c.result) == r.remark);
  }
  SECTION("on every part of a long message, with any method") {
    for (std::string_view method : {"udh8", "udh16", "sar"}) {
      COMPOSE(c, channel_defaults(),
              with_text(repeat("ğ", 80),
                        {{"x-smpp-flash", "true"}, {"x-smpp-long-message-method", method}}));
      REQUIRE(c.size() == 2);  // 80 UCS-2 units
      CHECK(c[0].data_coding == 0x18);
      CHECK(c[1].data_coding == 0x18);
    }
  }
}

TEST_CASE("long messages: limits of each alphabet and method, one reference, TLVs on every part") {
  struct alphabet_row {
    text::encoding e;
    std::string_view unit;  // one character of this alphabet
    std::size_t single, udh8, udh16;
  };
  const alphabet_row alphabets[] = {
      {text::encoding::gsm7, "a", 160, 153, 152},
      {text::encoding::latin1, "é", 140, 134, 133},
      {text::encoding::ucs2, "ж", 70, 67, 66},
  };
  composer_settings s = channel_defaults();
  s.extraopt = {{0x1401, "\x2a"}};
  for (const alphabet_row& a : alphabets) {
    s.encoding.requested = a.e;
    const std::size_t octets_per_unit = a.e == text::encoding::ucs2 ? 2 : 1;
    INFO(text::encoding_name(a.e));
    COMPOSE(one, s, with_text(repeat(a.unit, a.single)));
    REQUIRE(one.size() == 1);
    CHECK(one[0].short_message.size() == a.single * octets_per_unit);
    CHECK(one[0].esm_class == 0);
    struct method_row {
      std::string_view name;
      std::size_t per_part, udh;
    };
    for (const method_row m : {method_row{"udh8", a.udh8, 6}, method_row{"udh16", a.udh16, 7},
                               method_row{"sar", a.udh8, 0}}) {
      INFO(m.name);
      COMPOSE(c, s,
              with_text(repeat(a.unit, a.single + 1), {{"x-smpp-long-message-method", m.name}}));
      REQUIRE(c.size() == 2);
      CHECK(c[0].short_message.size() == m.udh + m.per_part * octets_per_unit);
      CHECK(c[1].short_message.size() == m.udh + (a.single + 1 - m.per_part) * octets_per_unit);
      for (std::size_t i = 0; i < 2; ++i) {
        CHECK(c[i].data_coding == text::data_coding_of(a.e));
        CHECK(tlv_hex(c[i], 0x1401) == "2a");  // extraopt on every part
        CHECK(c[i].esm_class == (m.udh ? 0x40 : 0));
      }
      if (m.name == "udh8") {
        CHECK(c.hex(0).substr(0, 8) == "05 00 03");
        CHECK(c.hex(0).substr(9, 8) == c.hex(1).substr(9, 8).replace(6, 2, "01"));
        CHECK(c.hex(1).substr(12, 5) == "02 02");
      } else if (m.name == "udh16") {
        CHECK(c.hex(0).substr(0, 8) == "06 08 04");
        CHECK(c.hex(0).substr(9, 5) == c.hex(1).substr(9, 5));  // the same 16-bit reference
        CHECK(c.hex(1).substr(15, 5) == "02 02");
      } else {
        CHECK(tlv_hex(c[0], smpp::tlv_tag::sar_msg_ref_num) ==
              tlv_hex(c[1], smpp::tlv_tag::sar_msg_ref_num));
        CHECK(tlv_hex(c[0], smpp::tlv_tag::sar_total_segments) == "02");
        CHECK(tlv_hex(c[0], smpp::tlv_tag::sar_segment_seqnum) == "01");
        CHECK(tlv_hex(c[1], smpp::tlv_tag::sar_segment_seqnum) == "02");
      }
    }
  }
  SECTION("each message gets its own reference") {
    composer comp(channel_defaults());
    prepared_request a, b;
    const std::string body(200, 'q');
    const pairs text = with_text(body);
    REQUIRE(comp.compose(text, a).ok());
    REQUIRE(comp.compose(text, b).ok());
    CHECK(a.frames[0] != b.frames[0]);
  }
}

TEST_CASE("extraopt: the request's wins; the delivery variant when a report is asked for") {
  composer_settings s = channel_defaults();
  s.extraopt = {{0x1401, "\x01"}};
  s.delivery_extraopt = {{0x1402, "\x02"}};
  COMPOSE(plain, s, with_text("x"));
  CHECK(tlv_hex(plain[0], 0x1401) == "01");
  COMPOSE(report, s, with_text("x", {{"x-smpp-delivery-report", "true"}}));
  CHECK(tlv_hex(report[0], 0x1401) == "<absent>");
  CHECK(tlv_hex(report[0], 0x1402) == "02");
  COMPOSE(own, s, with_text("x", {{"extraopt", "{ tlvItems: [ {tag:5123, typ:byte, val:9} ] }"}}));
  CHECK(own[0].tlvs.size() == 1);
  CHECK(tlv_hex(own[0], 5123) == "09");
}

TEST_CASE("a national language keeps Turkish text in GSM, with its IE on every part") {
  composer_settings s = channel_defaults();
  s.encoding.language = text::national_language::turkish;
  COMPOSE(c, s, with_text("Günaydın dağ"));
  REQUIRE(c.size() == 1);
  CHECK(c[0].data_coding == 0);
  CHECK(c[0].esm_class == 0x40);
  CHECK(c.hex(0).substr(0, 11) == "03 24 01 01");  // UDHL 3, IE 0x24 single shift, Turkish
  CHECK(encoding_remark(c.result).empty());
}

TEST_CASE("x-smpp-sar-prompt-responses and the UCS-2 schema are passed on") {
  composer_settings s = channel_defaults();
  s.prompt_responses = true;
  s.encoding.schema = text::ucs2_schema::ucs2;
  COMPOSE(c, s, with_text("a😀"));
  CHECK(c.request.prompt_response);
  CHECK(c.hex(0) == "00 61 ff fd");
  CHECK(encoding_remark(c.result) ==
        "sent as ucs2 (data_coding 0x08) instead of smscdefault: U+1F600 at byte 1 is not in "
        "smscdefault; 1 character(s) outside the BMP sent as U+FFFD (x-smpp-ucs2-enc-schema "
        "UCS-2)");
}

TEST_CASE(
    "numbers are typed by their form: '+' international, a sender with letters alphanumeric") {
  composer_settings s = channel_defaults();
  s.source_addr_ton = 2;  // the channel's defaults for numbers written without '+'
  s.source_addr_npi = 8;
  s.dest_addr_ton = 2;
  s.dest_addr_npi = 8;
  COMPOSE(plus, s,
          pairs{{"_smsDestNumber", "+4917612345678"},
                {"_smsSrcNumber", "+4915550009"},
                {"_smsText", "x"}});
  CHECK(plus[0].destination_addr == "4917612345678");
  CHECK(plus[0].dest_addr_ton == 1);
  CHECK(plus[0].dest_addr_npi == 1);
  CHECK(plus[0].source_addr == "4915550009");
  CHECK(plus[0].source_addr_ton == 1);
  CHECK(plus[0].source_addr_npi == 1);
  COMPOSE(brand, s, with_text("x", {{"_smsSrcNumber", "MyBrand"}}));
  CHECK(brand[0].source_addr == "MyBrand");
  CHECK(brand[0].source_addr_ton == 5);
  CHECK(brand[0].source_addr_npi == 0);
  CHECK(brand[0].dest_addr_ton == 2);  // the destination keeps the channel's
  CHECK(brand[0].dest_addr_npi == 8);
  COMPOSE(national, s, with_text("x"));
  CHECK(national[0].source_addr == "12345");
  CHECK(national[0].source_addr_ton == 2);
  CHECK(national[0].source_addr_npi == 8);
  // The request's TON/NPI win over the form where they do not contradict it.
  COMPOSE(given, s,
          with_text("x", {{"_smsSrcNumber", "Shop 24"},
                          {"x-smpp-src-addr-ton", "Alphanumeric"},
                          {"x-smpp-src-addr-npi", "9"},
                          {"x-smpp-dest-addr-npi", "ISDN"}}));
  CHECK(given[0].source_addr_ton == 5);
  CHECK(given[0].source_addr_npi == 9);
  CHECK(given[0].dest_addr_npi == 1);
}

TEST_CASE("the default source is typed too, and named when refused") {
  composer_settings s = channel_defaults();
  s.default_source = "Brand Name 2000";
  composed c;
  compose_into(c, s, with_text("x"));
  CHECK(c.result.status == SMSDRV_E_BAD_REQUEST);
  CHECK(c.result.error ==
        "default-reply-address has 15 characters; an alphanumeric address (TON 5 (Alphanumeric)) "
        "has at most 11 (3GPP TS 23.040 §9.1.2.5)");
}
