#include "smpp/tlv_spec.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace smsdrv::smpp;

namespace {

std::string hex(const std::string& bytes) {
  std::string out;
  for (char c : bytes)
    out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

// Hex with spaces at field boundaries, as the table of docs/options.md ("TLV spec") is written;
// spaces are ignored.
std::string unspaced(std::string s) {
  std::erase(s, ' ');
  return s;
}

std::vector<tlv_item> items_of(std::string_view spec) {
  auto parsed = parse_tlv_spec(spec);
  if (auto* e = std::get_if<tlv_spec_error>(&parsed)) FAIL("refused: " << e->message());
  return std::get<std::vector<tlv_item>>(parsed);
}

std::string wire_of(std::string_view spec) {
  std::string out;
  append_tlvs(out, items_of(spec));
  return hex(out);
}

tlv_spec_error error_of(std::string_view spec) {
  auto parsed = parse_tlv_spec(spec);
  auto* e = std::get_if<tlv_spec_error>(&parsed);
  if (!e) FAIL("accepted: " << std::string(spec));
  return *e;
}

constexpr std::string_view documented_spec =
    "{ tlvItems: [ {tag:4401, typ:octets, val:2a03b44c6d0f}, {tag:4402, typ:int, val:52173}, "
    "{tag:4403, typ:strz, val:abc1234}, {tag:4404,  \ntyp:strnz, val:abc1234}, {tag:4405} ] }";

}  // namespace

TEST_CASE("the documented TLV spec encodes byte for byte as the table of docs/options.md shows") {
  CHECK(wire_of(documented_spec) == unspaced("1131 0006 2a03b44c6d0f"
                                             "1132 0004 0000cbcd"
                                             "1133 0008 6162633132333400"
                                             "1134 0007 61626331323334"
                                             "1135 0000"));
  auto items = items_of(documented_spec);
  REQUIRE(items.size() == 5);
  CHECK(items[0] == tlv_item{4401, std::string("\x2a\x03\xb4\x4c\x6d\x0f", 6)});
  CHECK(items[4] == tlv_item{4405, ""});
}

TEST_CASE("the spec is accepted without outer braces, with any whitespace and key order") {
  std::string expected = wire_of(documented_spec);
  CHECK(wire_of("tlvItems: [ {tag:4401, typ:octets, val:2a03b44c6d0f}, {tag:4402, typ:int, "
                "val:52173}, {tag:4403, typ:strz, val:abc1234}, {tag:4404, typ:strnz, "
                "val:abc1234}, {tag:4405} ]") == expected);
  CHECK(wire_of("{tlvItems:[{tag:4401,typ:octets,val:2a03b44c6d0f},{tag:4402,typ:int,val:52173},"
                "{tag:4403,typ:strz,val:abc1234},{tag:4404,typ:strnz,val:abc1234},{tag:4405}]}") ==
        expected);
  CHECK(wire_of("\t{\r\n tlvItems :\n [\n  { val : 2a03b44c6d0f , typ : octets , tag : 4401 } ,"
                "\n  {typ:int, val:52173, tag:4402}, {val:abc1234, tag:4403, typ:strz},\n"
                "  {typ:strnz, tag:4404, val:abc1234},\n  { tag : 4405 }\n ]\n}\n") == expected);
}

TEST_CASE("tags and numbers may be 0x-hex; keys, types and tlvItems ignore case") {
  CHECK(wire_of("tlvItems:[{tag:0x1131, typ:short, val:0xBEEF}]") == "11310002beef");
  CHECK(wire_of("TLVITEMS:[{TAG:0X0001, Typ:BYTE, VAL:0Xff}]") ==
        "000100"
        "01ff");
  CHECK(wire_of("tlvItems:[{tag:0, typ:byte, val:0}, {tag:65535, typ:int, val:4294967295}]") ==
        unspaced("0000 0001 00  ffff 0004 ffffffff"));
  CHECK(wire_of("tlvItems:[{tag:9, typ:octets, val:0xABcd}]") == "00090002abcd");
}

TEST_CASE("each type encodes its value as SMPP v3.4 expects") {
  CHECK(wire_of("tlvItems:[{tag:1, typ:byte, val:200}]") ==
        "0001000"
        "1c8");
  CHECK(wire_of("tlvItems:[{tag:1, typ:short, val:258}]") == "000100020102");
  CHECK(wire_of("tlvItems:[{tag:1, typ:int, val:16909060}]") == "0001000401020304");
  CHECK(wire_of("tlvItems:[{tag:1, typ:octets, val:\"\"}]") == "00010000");
  CHECK(wire_of("tlvItems:[{tag:1, typ:octets}]") == "00010000");
  CHECK(wire_of("tlvItems:[{tag:1, typ:strnz}]") == "00010000");
  CHECK(wire_of("tlvItems:[{tag:1, typ:strz}]") == "0001000100");
  CHECK(wire_of("tlvItems:[{tag:1, typ:strz, val:\"\"}]") == "0001000100");
}

TEST_CASE("quoted values hold spaces, commas, braces, colons and escapes") {
  auto items = items_of(R"(tlvItems:[{tag:1, typ:strnz, val:"a b, {c} [d]: e"},)"
                        R"( {tag:2, typ:strz, val:"say \"hi\" \\ bye"}, {tag:3, typ:strnz,)"
                        R"( val:a:b}])");
  REQUIRE(items.size() == 3);
  CHECK(items[0].value == "a b, {c} [d]: e");
  CHECK(items[1].value == std::string("say \"hi\" \\ bye\0", 15));
  CHECK(items[2].value == "a:b");
}

TEST_CASE("an empty spec and an empty list mean no TLVs") {
  CHECK(items_of("").empty());
  CHECK(items_of(" \t\r\n").empty());
  CHECK(items_of("tlvItems: []").empty());
  CHECK(items_of("{ tlvItems: [ ] }").empty());
}

TEST_CASE("a malformed spec is refused with the column and a reason") {
  struct refused {
    std::string_view spec;
    std::size_t column;
    std::string_view reason;
  };
  // Columns are 1-based character positions; the comment under each spec marks the column.
  auto c = GENERATE(values<refused>({
      {"{ tlvItems: [ {tag 4401} ] }", 20, "expected ':' after 'tag'"},
      //               ^ 20
      {"tlvItems: [ {tag:4401, typ:short, val:70000} ]", 39,
       "value 70000 does not fit typ short (0..65535)"},
      //                                    ^ 39
      {"tlvItems: [ {tag:4401}, {tag:0x1131} ]", 30, "tag 4401 given twice"},
      {"tlvItems: [ {tag:1, typ:strz, val:\"abcé\"} ]", 39, "typ strz must be ASCII; 'é' is not"},
      {"tlvItems: [ {tag:1, typ:strnz, val:ab\xff} ]", 38,
       "typ strnz must be ASCII; '\\xff' is not"},
      {"tlvItems: [ {tag:1, typ:octets, val:2a0} ]", 37,
       "octets value has an odd number of hex digits (3)"},
      {"tlvItems: [ {tag:1, typ:octets, val:2g} ]", 38, "'g' is not a hex digit"},
      {"tlvItems: [ {tag:1, type:byte} ]", 21, "unknown key 'type' (expected tag, typ or val)"},
      {"tlvItems: [ {tag:1, typ:oc\x01t} ]", 25,
       "unknown typ 'oc\\x01t' (expected byte, short, int, octets, strnz or strz)"},
      {"tlvItems: [ {tag:1, typ:strnz, val:\xe0\x80\x80} ]", 36,
       "typ strnz must be ASCII; '\\xe0' is not"},
      {"tlvItems: [ {tag:1, typ:float, val:1} ]", 25,
       "unknown typ 'float' (expected byte, short, int, octets, strnz or strz)"},
      {"tlvItems: [ {tag:1} ] x", 23, "unexpected text after the end of the spec"},
      {"{ tlvItems: [ {tag:1} ] ", 25, "expected '}' to close the spec, but the spec ends here"},
      {"{ tlvItems: [ {tag:1} ] ] }", 25, "expected '}' to close the spec"},
      {"items: []", 1, "expected 'tlvItems', found 'items'"},
      {"[ {tag:1} ]", 1, "expected '{' or 'tlvItems'"},
      {"{ }", 3, "expected 'tlvItems'"},
      {"tlvItems [ ]", 10, "expected ':' after 'tlvItems'"},
      {"tlvItems: {tag:1}", 11, "expected '[' to start the list of TLV items"},
      {"tlvItems: [ tag:1 ]", 13, "expected '{' to start a TLV item"},
      {"tlvItems: [ {tag:1} {tag:2} ]", 21, "expected ',' or ']' after a TLV item"},
      {"tlvItems: [ {tag:1}, ]", 22, "expected '{' to start a TLV item"},
      {"tlvItems: [ {tag:1 typ:byte} ]", 20, "expected ',' or '}' after the value of 'tag'"},
      {"tlvItems: [ {tag:1,} ]", 20, "expected a key (tag, typ or val)"},
      {"tlvItems: [ {tag:} ]", 18, "expected a value for 'tag'"},
      {"tlvItems: [ {tag:1, tag:2} ]", 21, "'tag' given twice in one TLV item"},
      {"tlvItems: [ {typ:byte, val:1} ]", 13, "TLV item has no tag"},
      {"tlvItems: [ {} ]", 13, "TLV item has no tag"},
      {"tlvItems: [ {tag:x12} ]", 18, "tag 'x12' is not a number (decimal or 0x-hex)"},
      {"tlvItems: [ {tag:65536} ]", 18, "tag 65536 does not fit 16 bits (0..65535)"},
      {"tlvItems: [ {tag:-1} ]", 18, "tag -1 does not fit 16 bits (0..65535)"},
      {"tlvItems: [ {tag:1, val:5} ]", 25,
       "val needs a typ (byte, short, int, octets, strnz or strz)"},
      {"tlvItems: [ {tag:1, typ:int} ]", 13, "typ int needs a val"},
      {"tlvItems: [ {tag:1, typ:byte, val:256} ]", 35, "value 256 does not fit typ byte (0..255)"},
      {"tlvItems: [ {tag:1, typ:byte, val:-1} ]", 35, "value -1 does not fit typ byte (0..255)"},
      {"tlvItems: [ {tag:1, typ:int, val:4294967296} ]", 34,
       "value 4294967296 does not fit typ int (0..4294967295)"},
      {"tlvItems: [ {tag:1, typ:int, val:99999999999999999999999} ]", 34,
       "value 99999999999999999999999 does not fit typ int (0..4294967295)"},
      {"tlvItems: [ {tag:1, typ:short, val:12ab} ]", 36,
       "value '12ab' of typ short is not a number (decimal or 0x-hex)"},
      {"tlvItems: [ {tag:1, typ:strz, val:\"abc} ]", 35,
       "unterminated quoted value (missing closing '\"')"},
      {"tlvItems: [ {tag:1, typ:strz, val:\"a\\nb\"} ]", 37,
       "unknown escape in a quoted value (only \\\" and \\\\ are escapes)"},
      {"tlvItems: [ {tag:1, typ:strz, val:\"a\\", 37,
       "unknown escape in a quoted value (only \\\" and \\\\ are escapes)"},
      {std::string_view("tlvItems: [ {tag:1, typ:strnz, val:\"a\0\"} ]", 43), 38,
       "typ strnz must not contain NUL"},
      {"tlvItems: [ {tag:1, typ:byte, val:1", 36,
       "expected ',' or '}' after the value of 'val', but the spec ends here"},
      {"tlvItems: [ {tag:1, typ:byte, val:1}", 37,
       "expected ',' or ']' after a TLV item, but the spec ends here"},
      {"tlvItems:", 10, "expected '[' to start the list of TLV items, but the spec ends here"},
      {"tlvItems: [ {tag:1, typ:strnz, val:é\"} ]", 37,
       "expected ',' or '}' after the value of 'val'"},
  }));
  CAPTURE(c.spec);
  tlv_spec_error e = error_of(c.spec);
  CHECK(e.reason == c.reason);
  CHECK(e.column == c.column);
  CHECK(e.message() == fmt::format("column {}: {}", c.column, c.reason));
}

TEST_CASE("columns count characters, not bytes") {
  // Each "é" is two bytes but one character: typ is the 36th character, the 39th byte.
  tlv_spec_error e = error_of("tlvItems: [ {tag:1, val:\"ééé\", typ:octetz} ]");
  CHECK(e.column == 36);
  CHECK(e.reason == "unknown typ 'octetz' (expected byte, short, int, octets, strnz or strz)");
}

TEST_CASE("a value must fit the 16-bit length") {
  std::string max_text(65535, 'a');
  CHECK(items_of("tlvItems:[{tag:1, typ:strnz, val:" + max_text + "}]")[0].value.size() == 65535);
  CHECK(error_of("tlvItems:[{tag:1, typ:strz, val:" + max_text + "}]").reason ==
        "value is too long: 65536 octets do not fit the 16-bit length (at most 65535)");
  CHECK(error_of("tlvItems:[{tag:1, typ:strnz, val:" + max_text + "a}]").column == 34);
  CHECK(error_of("tlvItems:[{tag:1, typ:octets, val:" + std::string(131072, '0') + "}]").reason ==
        "value is too long: 65536 octets do not fit the 16-bit length (at most 65535)");
  std::string out;
  std::vector<tlv_item> too_long{{1, std::string(65536, 'x')}};
  CHECK_THROWS_AS(append_tlvs(out, too_long), std::length_error);
}

TEST_CASE("a long value is shortened in the reason") {
  tlv_spec_error e = error_of("tlvItems:[{tag:1, typ:int, val:" + std::string(100, '9') + "}]");
  CHECK(e.reason == "value " + std::string(32, '9') + "... does not fit typ int (0..4294967295)");
}

TEST_CASE("format_tlv_spec gives a spec that parses back to the same items") {
  auto items = items_of(documented_spec);
  std::string formatted = format_tlv_spec(items);
  CHECK(formatted ==
        "{ tlvItems: [ {tag:4401, typ:octets, val:2a03b44c6d0f}, {tag:4402, typ:octets, "
        "val:0000cbcd}, {tag:4403, typ:octets, val:6162633132333400}, {tag:4404, typ:octets, "
        "val:61626331323334}, {tag:4405} ] }");
  CHECK(items_of(formatted) == items);
  CHECK(items_of(format_tlv_spec({})).empty());

  std::vector<tlv_item> odd{{0, std::string("\0\xff\n", 3)}, {65535, std::string(300, '\x7f')}};
  CHECK(items_of(format_tlv_spec(odd)) == odd);
}

TEST_CASE("append_tlvs appends after what the buffer holds") {
  std::string out = "head";
  std::vector<tlv_item> items{{0x0204, "\x01"}, {0x1403, ""}};
  append_tlvs(out, items);
  CHECK(hex(out) == hex("head") + unspaced("0204 0001 01  1403 0000"));
}

TEST_CASE("a tag SMPP v3.4 defines takes the lengths of its row in table 5-6") {
  CHECK(error_of("tlvItems:[{tag:0x020E, typ:short, val:2}]").reason ==
        "tag 526 (sar_total_segments) takes 1 octet (SMPP v3.4 §5.3.2); this value has 2");
  CHECK(error_of("tlvItems:[{tag:0x001E}]").reason ==
        "tag 30 (receipted_message_id) takes 1 to 65 octets (SMPP v3.4 §5.3.2); this value has 0");
  CHECK(error_of("tlvItems:[{tag:0x0423, typ:int, val:1}]").reason ==
        "tag 1059 (network_error_code) takes 3 octets (SMPP v3.4 §5.3.2); this value has 4");
  CHECK(items_of("tlvItems:[{tag:0x020E, typ:byte, val:2}, {tag:0x130C}]").size() == 2);
  // Vendor-specific tags have no limits but the 16-bit length.
  CHECK(items_of("tlvItems:[{tag:0x1401, typ:int, val:2}]").size() == 1);
}
