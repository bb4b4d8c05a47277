// Golden PDUs for every SMPP v3.4 command: each is decoded and checked field by field, then
// re-encoded and compared byte for byte. The hex was built independently of the codec, by hand
// from SMPP v3.4 §4 (spaces mark field boundaries).
#include "smpp/codec.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <deque>
#include <random>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "hex.hpp"

using namespace smsdrv::smpp;
using smsdrv::test::from_hex;
using smsdrv::test::to_hex;

namespace {

// Frames decoded by decode_golden(): kept for the whole run, since decoded PDUs view them.
std::deque<std::string> golden_frames;

// Decodes golden bytes into `out` and checks that encoding gives the same bytes back.
template <class T>
const T& decode_golden(const std::string& bytes, pdu& out) {
  const std::string& frame = golden_frames.emplace_back(bytes);
  REQUIRE(check_frame(frame).state == frame_state::ready);
  REQUIRE(check_frame(frame).length == frame.size());
  codec_status st = decode(frame, out);
  INFO(st.message());
  REQUIRE(st.ok());
  REQUIRE(std::holds_alternative<T>(out.body));
  std::string again;
  REQUIRE(encode(out, again).ok());
  CHECK(to_hex(again) == to_hex(frame));
  return std::get<T>(out.body);
}

}  // namespace

TEST_CASE("bind PDUs") {
  pdu p;
  SECTION("bind_transmitter") {
    const std::string f = from_hex(
        "0000002a 00000002 00000000 00000001 736d7070636c69656e743100 70617373776f726400 00 34 "
        "00 00 00");
    const auto& b = decode_golden<bind_transmitter>(f, p);
    CHECK(p.sequence_number == 1);
    CHECK(b.system_id == "smppclient1");
    CHECK(b.password == "password");
    CHECK(b.system_type.empty());
    CHECK(b.interface_version == 0x34);
    CHECK(b.addr_ton == 0);
    CHECK(b.addr_npi == 0);
    CHECK(b.address_range.empty());
  }
  SECTION("bind_receiver") {
    const std::string f = from_hex(
        "00000023 00000001 00000000 00000002 727800 707700 564d5300 34 01 01 5e3434373700");
    const auto& b = decode_golden<bind_receiver>(f, p);
    CHECK(b.system_type == "VMS");
    CHECK(b.addr_ton == 1);
    CHECK(b.addr_npi == 1);
    CHECK(b.address_range == "^4477");
  }
  SECTION("bind_transceiver") {
    const std::string f = from_hex(
        "00000026 00000009 00000000 00000003 74727800 736563726574313200 534d505000 34 00 00 "
        "00");
    const auto& b = decode_golden<bind_transceiver>(f, p);
    CHECK(b.system_id == "trx");
    CHECK(b.password == "secret12");
  }
  SECTION("bind_transceiver_resp with sc_interface_version") {
    const std::string f = from_hex("0000001a 80000009 00000000 00000003 534d534300 0210 0001 34");
    const auto& b = decode_golden<bind_transceiver_resp>(f, p);
    CHECK(b.system_id == "SMSC");
    REQUIRE(b.tlvs.size() == 1);
    CHECK(b.tlvs[0].tag == tlv_tag::sc_interface_version);
    CHECK(tlv_integer(b.tlvs[0]) == 0x34u);
  }
  SECTION("bind_transmitter_resp with ESME_RINVPASWD") {
    const std::string f = from_hex("00000011 80000002 0000000e 00000001 00");
    decode_golden<bind_transmitter_resp>(f, p);
    CHECK(p.command_status == command_status::esme_rinvpaswd);
  }
  SECTION("bind_receiver_resp") {
    const std::string f = from_hex("00000015 80000001 00000000 00000002 534d534300");
    CHECK(decode_golden<bind_receiver_resp>(f, p).system_id == "SMSC");
  }
  SECTION("outbind") {
    const std::string f = from_hex("00000018 0000000b 00000000 00000007 736d736300 707700");
    const auto& b = decode_golden<outbind>(f, p);
    CHECK(b.system_id == "smsc");
    CHECK(b.password == "pw");
  }
}

TEST_CASE("header-only PDUs") {
  pdu p;
  decode_golden<unbind>(from_hex("00000010 00000006 00000000 00000009"), p);
  CHECK(p.sequence_number == 9);
  decode_golden<unbind_resp>(from_hex("00000010 80000006 00000000 00000009"), p);
  decode_golden<enquire_link>(from_hex("00000010 00000015 00000000 7fffffff"), p);
  CHECK(p.sequence_number == max_sequence_number);
  decode_golden<enquire_link_resp>(from_hex("00000010 80000015 00000000 7fffffff"), p);
  decode_golden<generic_nack>(from_hex("00000010 80000000 00000003 00000005"), p);
  CHECK(p.command_status == command_status::esme_rinvcmdid);
  decode_golden<cancel_sm_resp>(from_hex("00000010 80000008 00000000 0000000e"), p);
  decode_golden<replace_sm_resp>(from_hex("00000010 80000007 00000000 0000000f"), p);
}

TEST_CASE("submit_sm with TLVs and submit_sm_resp") {
  pdu p;
  const std::string f = from_hex(
      "0000005e 00000004 00000000 0000000a 00 01 01 34343737303039303030303100 01 01 "
      "34343737303039303030303200 00 00 00 00 3030303030313030303030303030305200 01 00 00 00 05 "
      "48656c6c6f 0204 0002 0001 1131 0006 2a03b44c6d0f");
  const auto& s = decode_golden<submit_sm>(f, p);
  CHECK(s.service_type.empty());
  CHECK(s.source_addr_ton == 1);
  CHECK(s.source_addr_npi == 1);
  CHECK(s.source_addr == "447700900001");
  CHECK(s.dest_addr_ton == 1);
  CHECK(s.dest_addr_npi == 1);
  CHECK(s.destination_addr == "447700900002");
  CHECK(s.esm_class == 0);
  CHECK(s.protocol_id == 0);
  CHECK(s.priority_flag == 0);
  CHECK(s.schedule_delivery_time.empty());
  CHECK(s.validity_period == "000001000000000R");
  CHECK(s.registered_delivery == 1);
  CHECK(s.replace_if_present_flag == 0);
  CHECK(s.data_coding == 0);
  CHECK(s.sm_default_msg_id == 0);
  CHECK(s.short_message == "Hello");
  REQUIRE(s.tlvs.size() == 2);
  CHECK(s.tlvs[0] == tlv{tlv_tag::user_message_reference, from_hex("0001")});
  CHECK(s.tlvs[1].tag == 0x1131);  // unknown (vendor) tags are kept
  CHECK(to_hex(s.tlvs[1].value) == "2a03b44c6d0f");

  pdu r;
  const std::string fr =
      from_hex("0000001e 80000004 00000000 0000000a 35663261383163342d3030303100");
  CHECK(decode_golden<submit_sm_resp>(fr, r).message_id == "5f2a81c4-0001");
}

TEST_CASE("deliver_sm delivery receipt and deliver_sm_resp") {
  pdu p;
  const std::string f = from_hex(
      "000000ad 00000005 00000000 0000004d 00 01 01 34343737303039303030303200 00 00 "
      "313233343500 04 00 00 00 00 00 00 00 00 69 "
      "69643a3566326138316334207375623a30303120646c7672643a303031207375626d697420646174653a3236"
      "313132323132303020646f6e6520646174653a3236313132323132303120737461743a44454c49565244206572"
      "723a30303020746578743a48656c6c6f 001e 0009 356632613831633400 0427 0001 02");
  const auto& d = decode_golden<deliver_sm>(f, p);
  CHECK(p.sequence_number == 77);
  CHECK(d.source_addr == "447700900002");
  CHECK(d.destination_addr == "12345");
  CHECK((d.esm_class & esm_class_bits::message_type_mask) == esm_class_bits::smsc_delivery_receipt);
  CHECK(d.short_message.substr(0, 12) == "id:5f2a81c4 ");
  const tlv* id = find_tlv(d.tlvs, tlv_tag::receipted_message_id);
  REQUIRE(id != nullptr);
  CHECK(tlv_c_string(*id) == "5f2a81c4");
  const tlv* state = find_tlv(d.tlvs, tlv_tag::message_state);
  REQUIRE(state != nullptr);
  CHECK(tlv_integer(*state) == 2u);

  pdu r;
  decode_golden<deliver_sm_resp>(from_hex("00000011 80000005 00000000 0000004d 00"), r);
}

TEST_CASE("submit_multi and submit_multi_resp") {
  pdu p;
  const std::string f = from_hex(
      "00000047 00000021 00000000 0000000b 434d5400 05 00 41434d4500 02 01 01 01 "
      "34343737303039303030303300 02 737461666600 40 00 01 00 00 00 00 08 00 04 00480069 020c "
      "0002 002a");
  const auto& m = decode_golden<submit_multi>(f, p);
  CHECK(m.service_type == "CMT");
  CHECK(m.source_addr_ton == 5);
  CHECK(m.source_addr == "ACME");
  REQUIRE(m.dest_addresses.size() == 2);
  CHECK(m.dest_addresses[0] == dest_address{dest_address::sme_address, 1, 1, "447700900003", ""});
  CHECK(m.dest_addresses[1].dest_flag == dest_address::distribution_list);
  CHECK(m.dest_addresses[1].dl_name == "staff");
  CHECK(m.esm_class == esm_class_bits::udhi);
  CHECK(m.priority_flag == 1);
  CHECK(m.data_coding == 8);
  CHECK(to_hex(m.short_message) == "00480069");
  CHECK(m.tlvs.size() == 1);

  pdu r;
  const std::string fr = from_hex(
      "00000029 80000021 00000000 0000000b 6d2d373700 01 01 01 34343737303039303030303300 "
      "0000000b");
  const auto& mr = decode_golden<submit_multi_resp>(fr, r);
  CHECK(mr.message_id == "m-77");
  REQUIRE(mr.unsuccess_smes.size() == 1);
  CHECK(mr.unsuccess_smes[0] ==
        unsuccess_sme{1, 1, "447700900003", command_status::esme_rinvdstadr});
}

TEST_CASE("data_sm and data_sm_resp") {
  pdu p;
  const std::string f = from_hex(
      "00000042 00000103 00000000 0000000c 57415000 01 01 34343737303039303030303100 01 01 "
      "34343737303039303030303200 00 01 04 0424 0003 010203 020b 0002 0b84");
  const auto& d = decode_golden<data_sm>(f, p);
  CHECK(d.service_type == "WAP");
  CHECK(d.registered_delivery == 1);
  CHECK(d.data_coding == 4);
  REQUIRE(d.tlvs.size() == 2);
  CHECK(d.tlvs[0].tag == tlv_tag::message_payload);
  CHECK(tlv_integer(d.tlvs[1]) == 0x0b84u);

  pdu r;
  const auto& dr = decode_golden<data_sm_resp>(
      from_hex("0000001f 80000103 00000000 0000000c 642d3100 001d 0007 71756575656400"), r);
  CHECK(dr.message_id == "d-1");
  CHECK(tlv_c_string(dr.tlvs.at(0)) == "queued");
}

TEST_CASE("query_sm, cancel_sm, replace_sm, alert_notification") {
  pdu p;
  const auto& q = decode_golden<query_sm>(
      from_hex("00000028 00000003 00000000 0000000d 356632613831633400 01 01 "
               "34343737303039303030303100"),
      p);
  CHECK(q.message_id == "5f2a81c4");
  CHECK(q.source_addr == "447700900001");

  pdu qr;
  const auto& qrb = decode_golden<query_sm_resp>(
      from_hex("0000002c 80000003 00000000 0000000d 356632613831633400 "
               "3236313132323132303130303030302b00 02 00"),
      qr);
  CHECK(qrb.final_date == "261122120100000+");
  CHECK(qrb.message_state == 2);

  pdu c;
  const auto& cb = decode_golden<cancel_sm>(
      from_hex("00000038 00000008 00000000 0000000e 00 356632613831633400 01 01 "
               "34343737303039303030303100 01 01 34343737303039303030303200"),
      c);
  CHECK(cb.destination_addr == "447700900002");

  pdu r;
  const auto& rb = decode_golden<replace_sm>(
      from_hex("00000040 00000007 00000000 0000000f 356632613831633400 01 01 "
               "34343737303039303030303100 3236313132323133303030303030302b00 00 01 00 03 "
               "4e6577"),
      r);
  CHECK(rb.schedule_delivery_time == "261122130000000+");
  CHECK(rb.short_message == "New");

  pdu a;
  const auto& ab = decode_golden<alert_notification>(
      from_hex("00000033 00000102 00000000 00000010 01 01 34343737303039303030303200 01 01 "
               "34343737303039303030303100 0422 0001 00"),
      a);
  CHECK(ab.esme_addr == "447700900001");
  CHECK(ab.tlvs.at(0).tag == tlv_tag::ms_availability_status);
}

TEST_CASE("framing") {
  const std::string one = from_hex("00000010 00000015 00000000 00000001");
  CHECK(check_frame("").state == frame_state::need_more);
  CHECK(check_frame(one.substr(0, 3)).state == frame_state::need_more);
  CHECK(check_frame(one.substr(0, 4)).state == frame_state::need_more);
  CHECK(check_frame(one.substr(0, 4)).length == 16);
  CHECK(check_frame(one).state == frame_state::ready);
  CHECK(check_frame(from_hex("0000000f")).state == frame_state::bad_length);
  CHECK(check_frame(from_hex("00011171")).state == frame_state::bad_length);  // 70001
  CHECK(check_frame(from_hex("00000100"), 200).state == frame_state::bad_length);
}

TEST_CASE("a stream split at every point decodes to the same PDUs") {
  const std::string stream =
      from_hex("00000010 00000015 00000000 00000001") +
      from_hex("0000001e 80000004 00000000 0000000a 35663261383163342d3030303100") +
      from_hex(
          "00000033 00000102 00000000 00000010 01 01 34343737303039303030303200 01 01 "
          "34343737303039303030303100 0422 0001 00");
  const auto split = GENERATE_COPY(range(std::size_t{0}, stream.size() + 1));
  std::string buffer;
  std::vector<command_id> seen;
  auto drain = [&] {
    for (;;) {
      frame_check fc = check_frame(buffer);
      REQUIRE(fc.state != frame_state::bad_length);
      if (fc.state == frame_state::need_more) return;
      pdu p;
      REQUIRE(decode(std::string_view(buffer).substr(0, fc.length), p).ok());
      seen.push_back(p.id());
      buffer.erase(0, fc.length);
    }
  };
  buffer.append(stream, 0, split);
  drain();
  buffer.append(stream, split);
  drain();
  CHECK(buffer.empty());
  CHECK(seen == std::vector<command_id>{command_id::enquire_link, command_id::submit_sm_resp,
                                        command_id::alert_notification});
}

TEST_CASE("decode failures name the field and the status to answer with") {
  pdu p;
  SECTION("unknown command_id keeps the sequence number for the generic_nack") {
    auto st = decode(from_hex("00000010 00000099 00000000 0000002a"), p);
    CHECK(st.command_status == command_status::esme_rinvcmdid);
    CHECK(p.sequence_number == 42);
  }
  SECTION("command_length not matching the frame") {
    auto st = decode(from_hex("00000011 00000015 00000000 00000001"), p);
    CHECK(st.command_status == command_status::esme_rinvcmdlen);
  }
  SECTION("a C-Octet String longer than its field") {
    // source_addr of 21 characters and no NUL inside its 21 octets.
    const std::string f = from_hex(
        "00000029 00000005 00000000 00000003 00 01 01 "
        "343434343434343434343434343434343434343434 00");
    auto st = decode(f, p);
    CHECK(st.command_status == command_status::esme_rinvsrcadr);
    CHECK(st.field == "source_addr");
    CHECK(st.value_size == 21);
    CHECK(st.limit == 20);
  }
  SECTION("the length given is counted up to the NUL, not to the field's size") {
    // source_addr of 30 characters: the message says 30, what the SMSC sent.
    const std::string f = from_hex(
        "00000032 00000005 00000000 00000003 00 01 01 "
        "343434343434343434343434343434343434343434343434343434343434 00");
    auto st = decode(f, p);
    CHECK(st.command_status == command_status::esme_rinvsrcadr);
    CHECK(st.message() ==
          "source_addr: longer than the field allows (30 given, limit 20) -> ESME_RINVSRCADR "
          "(0x0000000A: Invalid Source Address)");
    // No NUL at all before the end of the PDU.
    auto nul = decode(f.substr(0, f.size() - 1).replace(3, 1, "\x31"), p);
    CHECK(nul.command_status == command_status::esme_rinvsrcadr);
    CHECK(nul.message().starts_with(
        "source_addr: not NUL-terminated before the end of the PDU (30 given, limit 20)"));
  }
  SECTION("a TLV of a length table 5-6 does not allow: ESME_RINVPARLEN naming the TLV") {
    // deliver_sm, part 1 of a long message; sar_total_segments in 2 octets (0x0102), where
    // SMPP v3.4 §5.3.2.23 gives it exactly 1.
    const std::string f = from_hex(
        "00000043 00000005 00000000 0000000b 00 01 01 3439313535353030303200 00 00 31323334 3500 "
        "00 00 00 00 00 00 00 00 00 02 6869 020c 0002 002a 020e 0002 0102 020f 0001 01");
    auto st = decode(f, p);
    CHECK(st.command_status == command_status::esme_rinvparlen);
    CHECK(st.field == "sar_total_segments");
    CHECK(st.message() ==
          "sar_total_segments: TLV value longer than SMPP v3.4 allows (2 given, limit 1) -> "
          "ESME_RINVPARLEN (0x000000C2: Invalid Parameter Length)");
    // The same PDU with the TLV in its 1 octet decodes.
    const std::string good = from_hex(
        "00000042 00000005 00000000 0000000b 00 01 01 3439313535353030303200 00 00 31323334 3500 "
        "00 00 00 00 00 00 00 00 00 02 6869 020c 0002 002a 020e 0001 02 020f 0001 01");
    const auto& d = decode_golden<deliver_sm>(good, p);
    CHECK(tlv_integer(*find_tlv(d.tlvs, tlv_tag::sar_total_segments)) == 2u);
    // Too short: receipted_message_id without even its NUL (1..65 octets).
    auto empty = decode(from_hex("00000025 00000005 00000000 0000000b 00 00 00 00 00 00 00 04 00 "
                                 "00 00 00 00 00 00 00 00 001e 0000"),
                        p);
    CHECK(empty.command_status == command_status::esme_rinvparlen);
    CHECK(empty.field == "receipted_message_id");
    CHECK(empty.limit == 1);
  }
  SECTION("a PDU that ends inside a field") {
    auto st = decode(from_hex("00000014 00000005 00000000 00000003 00 01 01 34"), p);
    CHECK(st.command_status == command_status::esme_rinvcmdlen);
    CHECK(st.field == "source_addr");
  }
  SECTION("sm_length past the end") {
    auto st = decode(
        from_hex("00000023 00000004 00000000 00000003 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                 "00 0a 4142"),
        p);
    CHECK(st.command_status == command_status::esme_rinvcmdlen);
    CHECK(st.field == "short_message");
  }
  SECTION("a TLV that runs past the end") {
    auto st = decode(from_hex("0000001a 80000009 00000000 00000003 534d534300 0210 0002 34"), p);
    CHECK(st.command_status == command_status::esme_rinvoptparstream);
  }
  SECTION("trailing octets after a request without TLVs") {
    auto st = decode(from_hex("00000011 00000015 00000000 00000001 00"), p);
    CHECK(st.command_status == command_status::esme_rinvcmdlen);
  }
  SECTION("submit_multi with a bad dest_flag") {
    auto st = decode(from_hex("00000018 00000021 00000000 0000000b 00 00 00 00 01 07 00 00"), p);
    CHECK(st.command_status == command_status::esme_rinvdestflag);
  }
}

TEST_CASE("lenient reading of responses") {
  pdu p;
  SECTION("an error response without a body") {
    REQUIRE(decode(from_hex("00000010 80000004 00000000 00000003").substr(0, 16), p).ok() ==
            false);  // ESME_ROK with no body is truncated
    pdu q;
    CHECK(decode(from_hex("00000010 80000004 00000058 00000003"), q).ok());
    CHECK(q.command_status == command_status::esme_rthrottled);
    CHECK(std::get<submit_sm_resp>(q.body).message_id.empty());
  }
  SECTION("octets after a response's last field are ignored") {
    CHECK(decode(from_hex("00000015 80000005 00000000 00000003 00 0000 0000"), p).ok());
  }
}

TEST_CASE("encode refuses what the spec does not allow and leaves the buffer unchanged") {
  std::string out = "prefix";
  submit_sm s;
  s.destination_addr = "447700900002";
  SECTION("a destination longer than 20") {
    s.destination_addr = "123456789012345678901";
    auto st = encode(s, 1, out);
    CHECK(st.command_status == command_status::esme_rinvdstadr);
    CHECK(st.field == "destination_addr");
    CHECK(
        st.message().find("destination_addr: longer than the field allows (21 given, limit 20)") !=
        std::string::npos);
  }
  SECTION("a short_message longer than 254") {
    std::string long_text(255, 'x');
    s.short_message = long_text;
    CHECK(encode(s, 1, out).command_status == command_status::esme_rinvmsglen);
  }
  SECTION("a validity_period that is not 16 characters") {
    s.validity_period = "1h";
    CHECK(encode(s, 1, out).command_status == command_status::esme_rinvexpiry);
  }
  SECTION("an embedded NUL") {
    s.source_addr = std::string_view(
        "12\0"
        "3",
        4);
    CHECK(encode(s, 1, out).command_status == command_status::esme_rinvsrcadr);
  }
  SECTION("a password of 9 characters") {
    bind_transmitter b;
    b.password = "123456789";
    CHECK(encode(b, 1, out).command_status == command_status::esme_rinvpaswd);
  }
  SECTION("a TLV of a length table 5-6 does not allow") {
    s.tlvs.push_back({tlv_tag::sar_total_segments, from_hex("0102")});
    const codec_status st = encode(s, 1, out);
    CHECK(st.command_status == command_status::esme_rinvparlen);
    CHECK(st.field == "sar_total_segments");
  }
  CHECK(out == "prefix");
}

TEST_CASE("random submit_sm round trip") {
  std::mt19937 rng(20261122);
  auto text = [&](std::size_t max) {
    std::string s(rng() % (max + 1), ' ');
    for (char& c : s)
      c = static_cast<char>('0' + rng() % 10);
    return s;
  };
  for (int i = 0; i < 2000; ++i) {
    std::string src = text(20), dst = text(20), svc = text(5), body = text(254);
    std::string payload = text(300);
    submit_sm s;
    s.service_type = svc;
    s.source_addr_ton = static_cast<std::uint8_t>(rng());
    s.source_addr = src;
    s.destination_addr = dst;
    s.esm_class = static_cast<std::uint8_t>(rng());
    s.data_coding = static_cast<std::uint8_t>(rng());
    s.short_message = body;
    if (rng() % 2) s.tlvs.push_back({tlv_tag::message_payload, payload});
    std::string wire;
    const auto seq = static_cast<std::uint32_t>(rng() % max_sequence_number) + 1;
    REQUIRE(encode(s, seq, wire).ok());
    pdu p;
    REQUIRE(decode(wire, p).ok());
    const auto& d = std::get<submit_sm>(p.body);
    CHECK(p.sequence_number == seq);
    CHECK(d.service_type == s.service_type);
    CHECK(d.source_addr_ton == s.source_addr_ton);
    CHECK(d.source_addr == s.source_addr);
    CHECK(d.destination_addr == s.destination_addr);
    CHECK(d.esm_class == s.esm_class);
    CHECK(d.data_coding == s.data_coding);
    CHECK(d.short_message == s.short_message);
    CHECK(d.tlvs == s.tlvs);
  }
}

TEST_CASE("describe names every field, masks passwords and applies the filter") {
  pdu p;
  const std::string f = from_hex(
      "0000002a 00000002 00000000 00000001 736d7070636c69656e743100 70617373776f726400 00 34 "
      "00 00 00");
  REQUIRE(decode(f, p).ok());
  const std::string d = describe(p);
  CHECK(d ==
        "bind_transmitter seq=1 system_id=\"smppclient1\" password=\"********\" system_type=\"\" "
        "interface_version=52 addr_ton=0 addr_npi=0 address_range=\"\"");

  pdu s;
  const std::string fs = from_hex(
      "0000005e 00000004 00000000 0000000a 00 01 01 34343737303039303030303100 01 01 "
      "34343737303039303030303200 00 00 00 00 3030303030313030303030303030305200 01 00 00 00 05 "
      "48656c6c6f 0204 0002 0001 1131 0006 2a03b44c6d0f");
  REQUIRE(decode(fs, s).ok());
  describe_options masked;
  masked.filter = [](std::string_view field, std::string_view value) {
    if (field == "destination_addr" || field == "short_message")
      return shown_field{shown_field::how::replaced, std::string(value.size(), '*')};
    if (field == "source_addr") return shown_field{shown_field::how::left_out, {}};
    return shown_field{};
  };
  const std::string ds = describe(s, masked);
  CHECK(ds.find("447700900002") == std::string::npos);
  CHECK(ds.find("447700900001") == std::string::npos);
  CHECK(ds.find("destination_addr=\"************\"") != std::string::npos);
  CHECK(ds.find(" source_addr=") == std::string::npos);
  CHECK(ds.find("source_addr_ton=1") != std::string::npos);
  CHECK(ds.find("short_message=\"*****\"") != std::string::npos);
  CHECK(ds.find("48656c6c6f") == std::string::npos);
  CHECK(ds.find("user_message_reference(0x0204)=1") != std::string::npos);
  CHECK(ds.find("0x1131=<6 octets: 2a03b44c6d0f>") != std::string::npos);

  // TLVs reach the filter by their spec name, and are shown under name(tag).
  std::vector<std::string> asked;
  describe_options spy;
  spy.filter = [&](std::string_view field, std::string_view) {
    asked.emplace_back(field);
    return shown_field{};
  };
  describe(s, spy);
  CHECK(std::find(asked.begin(), asked.end(), "0x1131") != asked.end());
  CHECK(std::find(asked.begin(), asked.end(), "short_message") != asked.end());

  pdu r;
  REQUIRE(decode(from_hex("00000010 80000004 00000058 00000003"), r).ok());
  CHECK(describe(r) == "submit_sm_resp seq=3 status=ESME_RTHROTTLED message_id=\"\"");
}

TEST_CASE("nested structures are walked field by field like a PDU's own fields") {
  // submit_multi: CMT from 5/0 ACME to 1/1 447700900003 and the list "staff" (SMPP v3.4 §4.5.1).
  const std::string multi = from_hex(
      "00000047 00000021 00000000 0000000b 434d5400 05 00 41434d4500 02 01 01 01 "
      "34343737303039303030303300 02 737461666600 40 00 01 00 00 00 00 08 00 04 00480069 020c "
      "0002 002a");
  const std::string multi_resp = from_hex(
      "00000029 80000021 00000000 0000000b 6d2d373700 01 01 01 34343737303039303030303300 "
      "0000000b");

  SECTION("describe shows every nested field by its spec name and filters them") {
    pdu p;
    REQUIRE(decode(multi, p).ok());
    CHECK(describe(p) ==
          "submit_multi seq=11 service_type=\"CMT\" source_addr_ton=5 source_addr_npi=0 "
          "source_addr=\"ACME\" number_of_dests=2 dest_flag=1 dest_addr_ton=1 dest_addr_npi=1 "
          "destination_addr=\"447700900003\" dest_flag=2 dl_name=\"staff\" esm_class=64 "
          "protocol_id=0 priority_flag=1 schedule_delivery_time=\"\" validity_period=\"\" "
          "registered_delivery=0 replace_if_present_flag=0 data_coding=8 sm_default_msg_id=0 "
          "short_message=<4 octets: 00480069> sar_msg_ref_num(0x020c)=42");
    pdu r;
    REQUIRE(decode(multi_resp, r).ok());
    describe_options masked;
    masked.filter = [](std::string_view field, std::string_view value) {
      if (field == "destination_addr")
        return shown_field{shown_field::how::replaced, std::string(value.size(), '*')};
      return shown_field{};
    };
    CHECK(describe(r, masked) ==
          "submit_multi_resp seq=11 status=ESME_ROK message_id=\"m-77\" no_unsuccess=1 "
          "dest_addr_ton=1 dest_addr_npi=1 destination_addr=\"************\" "
          "error_status_code=ESME_RINVDSTADR (0x0000000B: Invalid Dest Addr)");
  }

  SECTION("a nested field's limit is enforced when decoding") {
    pdu p;
    // dest_address 1/1 with a 21-digit destination_addr (at most 20).
    codec_status st = decode(
        from_hex("00000038 00000021 00000000 0000000b 00 00 00 00 01 01 01 01 "
                 "313233343536373839303132333435363738393031 00 00 00 00 00 00 00 00 00 00 00"),
        p);
    CHECK(st.command_status == command_status::esme_rinvdstadr);
    CHECK(st.field == "destination_addr");
    CHECK(st.value_size == 21);
    CHECK(st.limit == 20);
    // dl_name of 21 characters (at most 20).
    st = decode(from_hex("00000036 00000021 00000000 0000000b 00 00 00 00 01 02 "
                         "313233343536373839303132333435363738393031 00 00 00 00 00 00 00 00 00 "
                         "00 00"),
                p);
    CHECK(st.command_status == command_status::esme_rinvdlname);
    CHECK(st.field == "dl_name");
    // number_of_dests 0.
    st = decode(from_hex("0000001f 00000021 00000000 0000000b 00 00 00 00 00 00 00 00 00 00 00 00 "
                         "00 00 00"),
                p);
    CHECK(st.command_status == command_status::esme_rinvnumdests);
    CHECK(st.field == "number_of_dests");
    // unsuccess_sme cut inside error_status_code.
    st = decode(from_hex("00000019 80000021 00000000 0000000b 00 01 01 01 3100 000000"), p);
    CHECK(st.command_status == command_status::esme_rinvcmdlen);
    CHECK(st.field == "error_status_code");
  }

  SECTION("a nested field's limit is enforced when encoding, and nothing is written") {
    std::string out = "keep";
    submit_multi m;
    CHECK(encode(m, 1, out).command_status == command_status::esme_rinvnumdests);
    m.dest_addresses.push_back({dest_address::sme_address, 1, 1, "123456789012345678901", {}});
    codec_status st = encode(m, 1, out);
    CHECK(st.command_status == command_status::esme_rinvdstadr);
    CHECK(st.field == "destination_addr");
    m.dest_addresses[0] = {3, 0, 0, {}, {}};
    st = encode(m, 1, out);
    CHECK(st.command_status == command_status::esme_rinvdestflag);
    CHECK(st.field == "dest_flag");
    submit_multi_resp r;
    r.unsuccess_smes.push_back({1, 1, "123456789012345678901", command_status::esme_rinvdstadr});
    CHECK(encode(r, 1, out).command_status == command_status::esme_rinvdstadr);
    CHECK(out == "keep");
  }
}

TEST_CASE("one list gives every PDU its type, its variant alternative and make_body()") {
  std::size_t rows = 0;
#define SMSDRV_TEST_ROW_(name, value, layout, response)                             \
  {                                                                                 \
    ++rows;                                                                         \
    STATIC_REQUIRE(name::id == command_id::name);                                   \
    STATIC_REQUIRE(std::is_base_of_v<layout, name>);                                \
    pdu_body body = enquire_link{};                                                 \
    REQUIRE(make_body(std::uint32_t{value}, body));                                 \
    CHECK(std::holds_alternative<name>(body));                                      \
    /* Every PDU type has an encoder (submit_multi's defaults break its limits). */ \
    std::string bytes;                                                              \
    static_cast<void>(encode(name{}, 1, bytes));                                    \
  }
  SMSDRV_SMPP_COMMAND_MAP(SMSDRV_TEST_ROW_)
#undef SMSDRV_TEST_ROW_
  CHECK(rows == std::variant_size_v<pdu_body>);
  pdu_body body = enquire_link{};
  CHECK_FALSE(make_body(0x00000010u, body));
  CHECK(std::holds_alternative<enquire_link>(body));
  CHECK(std::holds_alternative<generic_nack>(pdu_body{}));
}
