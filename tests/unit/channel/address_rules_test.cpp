// Numbers typed by their form and checked by their TON (address_rules.hpp), one row per rule.
#include "channel/address_rules.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::channel;

namespace {

address_input dest(std::string_view value) {
  return {"_smsDestNumber", value, address_role::destination, std::nullopt, std::nullopt, 0, 0};
}
address_input source(std::string_view value) {
  return {"_smsSrcNumber", value, address_role::source, std::nullopt, std::nullopt, 0, 0};
}

typed_address accepted(const address_input& in) {
  auto r = type_address(in);
  if (const auto* e = std::get_if<std::string>(&r)) FAIL("refused: " << *e);
  return std::get<typed_address>(r);
}

std::string refused(const address_input& in) {
  auto r = type_address(in);
  if (std::holds_alternative<typed_address>(r)) FAIL("accepted: " << std::string(in.value));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("a leading '+' is international: stripped, TON 1, NPI 1") {
  const typed_address a = accepted(dest("+4917612345678"));
  CHECK(a.address == "4917612345678");
  CHECK(a.ton == 1);
  CHECK(a.npi == 1);
  auto with_npi = dest("+4917612345678");
  with_npi.request_npi = 9;
  CHECK(accepted(with_npi).npi == 9);
  auto with_ton = dest("+4917612345678");
  with_ton.request_ton = 1;
  CHECK(accepted(with_ton).ton == 1);
  auto national = dest("+4917612345678");
  national.request_ton = 2;
  CHECK(refused(national) ==
        "_smsDestNumber: a leading '+' means an international number, but the request gives TON 2 "
        "(National); leave the '+' out, or the TON");
  CHECK(refused(dest("+")) == "_smsDestNumber: '+' and no digits after it");
  CHECK(refused(dest("+49 176")) ==
        "_smsDestNumber: ' ' at character 4 is not a digit; an international number is '+' and "
        "digits");
  CHECK(accepted(dest("+" + std::string(20, '1'))).address.size() == 20);
  CHECK(refused(dest("+" + std::string(21, '1'))) ==
        "_smsDestNumber has 22 characters (21 digits after the '+'); SMPP destination_addr holds "
        "at most 20");
}

TEST_CASE("numeric TONs take digits only; the channel's TON and NPI apply") {
  auto d = dest("4917612345678");
  d.channel_ton = 2;
  d.channel_npi = 8;
  const typed_address a = accepted(d);
  CHECK(a.address == "4917612345678");
  CHECK(a.ton == 2);
  CHECK(a.npi == 8);
  CHECK(refused(dest("49176ABCDEF")) ==
        "_smsDestNumber: 'A' at character 6 is not a digit; a number of TON 0 (Unknown) has digits "
        "only; a leading '+' means international");
  CHECK(refused(dest("49-176")).starts_with("_smsDestNumber: '-' at character 3 is not a digit"));
  CHECK(refused(dest("49é1")).starts_with("_smsDestNumber: 'é' at character 3 is not a digit"));
  CHECK(refused(dest("4ü9é1")).starts_with("_smsDestNumber: 'ü' at character 2"));
  CHECK(refused(dest(std::string(21, '1'))) ==
        "_smsDestNumber has 21 characters; SMPP destination_addr holds at most 20");
  auto abbreviated = dest("1*2");
  abbreviated.request_ton = 6;
  CHECK(refused(abbreviated).find("TON 6 (Abbreviated) has digits only") != std::string::npos);
  auto reserved = dest("12a");
  reserved.channel_ton = 9;
  CHECK(refused(reserved).find("TON 9 (reserved) has digits only") != std::string::npos);
}

TEST_CASE("a sender with letters is alphanumeric: TON 5, NPI 0, at most 11 characters") {
  auto brand = source("MyBrand");
  brand.channel_ton = 1;  // the channel's default is for numbers
  brand.channel_npi = 1;
  const typed_address a = accepted(brand);
  CHECK(a.address == "MyBrand");
  CHECK(a.ton == 5);
  CHECK(a.npi == 0);
  auto npi = source("MyBrand");
  npi.request_npi = 9;
  CHECK(accepted(npi).npi == 9);
  CHECK(accepted(source("Shop 24 ok!")).ton == 5);
  CHECK(refused(source("TwelveLetter")) ==
        "_smsSrcNumber has 12 characters; an alphanumeric address (TON 5 (Alphanumeric)) has at "
        "most 11 (3GPP TS 23.040 §9.1.2.5)");
  CHECK(refused(source("Café")) ==
        "_smsSrcNumber: 'é' at character 4 is not printable ASCII, which an alphanumeric address "
        "(TON 5 (Alphanumeric)) is made of");
  // The request's TON wins: a numeric TON with letters is refused, TON 5 with digits is fine.
  auto numeric = source("MyBrand");
  numeric.request_ton = 1;
  CHECK(refused(numeric).starts_with("_smsSrcNumber: 'M' at character 1 is not a digit"));
  auto alpha_digits = source("12345");
  alpha_digits.request_ton = 5;
  CHECK(accepted(alpha_digits).ton == 5);
  // A destination is never made alphanumeric by its form.
  CHECK(refused(dest("MyBrand")).starts_with("_smsDestNumber: 'M' at character 1"));
}

TEST_CASE("an empty source stays empty with the channel's TON and NPI") {
  auto s = source("");
  s.channel_ton = 1;
  s.channel_npi = 1;
  const typed_address a = accepted(s);
  CHECK(a.address.empty());
  CHECK(a.ton == 1);
}

TEST_CASE("TON names follow SMPP v3.4 §5.2.5") {
  CHECK(ton_name(0) == "Unknown");
  CHECK(ton_name(5) == "Alphanumeric");
  CHECK(ton_name(6) == "Abbreviated");
  CHECK(ton_name(7) == "reserved");
}
