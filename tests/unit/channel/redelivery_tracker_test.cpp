#include "channel/redelivery_tracker.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace std::chrono_literals;

namespace {

using tp = redelivery_tracker::time_point;
const tp t0{std::chrono::hours(500)};
const redelivery_tracker::wall_time wall{std::chrono::seconds(1548643196)};

smpp::deliver_sm message(std::string_view text) {
  smpp::deliver_sm d;
  d.source_addr = "4915550002";
  d.destination_addr = "12345";
  d.short_message = text;
  return d;
}

}  // namespace

TEST_CASE("fingerprints: what the SMSC resends unchanged, nothing else") {
  const auto a = message("hi");
  const auto fp = redelivery_tracker::of(a, a.short_message);
  // Stable across processes and versions (a host may compare them): FNV-1a of the fields.
  CHECK(fp == redelivery_tracker::of(message("hi"), "hi"));
  auto other_text = message("hi!");
  CHECK(redelivery_tracker::of(other_text, other_text.short_message) != fp);
  auto other_source = message("hi");
  other_source.source_addr = "4915550003";
  CHECK(redelivery_tracker::of(other_source, "hi") != fp);
  auto other_coding = message("hi");
  other_coding.data_coding = 8;
  CHECK(redelivery_tracker::of(other_coding, "hi") != fp);
  // The handset's own reference, when the SMSC passes it, tells two equal texts apart.
  auto with_ref = message("hi");
  with_ref.tlvs.push_back({smpp::tlv_tag::user_message_reference, std::string_view("\x00\x07", 2)});
  auto with_other_ref = message("hi");
  with_other_ref.tlvs.push_back(
      {smpp::tlv_tag::user_message_reference, std::string_view("\x00\x08", 2)});
  CHECK(redelivery_tracker::of(with_ref, "hi") != redelivery_tracker::of(with_other_ref, "hi"));
  // Other TLVs (e.g. a vendor's delivery counter) do not count.
  auto with_vendor = message("hi");
  with_vendor.tlvs.push_back({0x1401, std::string_view("\x01", 1)});
  CHECK(redelivery_tracker::of(with_vendor, "hi") == fp);
  // Field boundaries count: ("ab", "c") is not ("a", "bc").
  auto ab = message("c");
  ab.source_addr = "ab";
  auto a_bc = message("bc");
  a_bc.source_addr = "a";
  CHECK(redelivery_tracker::of(ab, "c") != redelivery_tracker::of(a_bc, "bc"));
  CHECK(redelivery_tracker::of_reassembled("a", "b", 42, 3, "text") !=
        redelivery_tracker::of_reassembled("a", "b", 43, 3, "text"));
}

TEST_CASE("the tracker forgets after its horizon and beyond its capacity") {
  redelivery_tracker::options o;
  o.capacity = 2;
  o.horizon = 60s;
  redelivery_tracker t(o);
  std::uint64_t id1 = 0, id2 = 0, id3 = 0, id = 0;
  CHECK(t.delivered(1, 7, t0, wall, id1).empty());
  CHECK_FALSE(t.delivered(1, 7, t0 + 60s, wall, id).empty());  // still with the host
  CHECK(t.delivered(1, 7, t0 + 121s, wall, id2).empty());      // the previous copy: 61 s old
  CHECK(t.delivered(2, 7, t0 + 121s, wall, id3).empty());
  CHECK(t.delivered(3, 7, t0 + 121s, wall, id).empty());  // pushes fingerprint 1 out
  CHECK(t.size() == 2);
  CHECK(t.delivered(1, 7, t0 + 122s, wall, id).empty());
  // Acknowledging a forgotten message is harmless.
  t.acknowledged(id1, true, true, t0 + 122s);
  t.connection_closed(7, false, t0 + 123s);
}

TEST_CASE("an acknowledgement long before the link broke is trusted") {
  redelivery_tracker::options o;
  o.doubt = 90s;
  redelivery_tracker t(o);
  std::uint64_t id = 0;
  t.delivered(5, 1, t0, wall, id);
  t.acknowledged(id, true, true, t0);
  t.connection_closed(1, false, t0 + 91s);
  CHECK(t.delivered(5, 2, t0 + 92s, wall, id).empty());
  t.acknowledged(id, true, true, t0 + 92s);
  t.connection_closed(2, false, t0 + 100s);
  CHECK(t.delivered(5, 3, t0 + 101s, wall, id).find("possible duplicate") == 0);
}
