#include "config/option_value.hpp"

#include <catch2/catch.hpp>

#include "config/option_table.hpp"

using namespace smsdrv::config;

namespace {

const option_def& channel_option(std::string_view name) {
  const option_def* def = find_option(channel_options(), name);
  REQUIRE(def != nullptr);
  return *def;
}

typed_value accepted(std::string_view option, std::string_view raw) {
  value_check c = check_value(channel_option(option), raw);
  CAPTURE(option, raw, c.problem);
  REQUIRE(c.problem.empty());
  return c.value;
}

std::string refused(std::string_view option, std::string_view raw) {
  value_check c = check_value(channel_option(option), raw);
  CAPTURE(option, raw);
  REQUIRE_FALSE(c.problem.empty());
  return c.problem;
}

}  // namespace

TEST_CASE("integers are whole decimal numbers within the option's range") {
  CHECK(accepted("x-smpp-port", "2775") == typed_value(std::int64_t{2775}));
  CHECK(accepted("x-smpp-port", " 1 ") == typed_value(std::int64_t{1}));
  CHECK(accepted("x-smpp-port", "+65535") == typed_value(std::int64_t{65535}));
  for (std::string_view bad :
       {"0", "65536", "-1", "", "12a", "0x10", "1.5", "1e3", "++1", "99999999999999999999"})
    CHECK(refused("x-smpp-port", bad) == "must be a whole number from 1 to 65535");
  CHECK(refused("reconnection-timeout", "9") ==
        "must be a whole number of seconds from 10 to 3600");
  CHECK(refused("x-smpp-response-max-waiting-time", "999") ==
        "must be a whole number of milliseconds from 1000 to 180000");
  CHECK(accepted("x-smpp-submit-max-rate", "1000000") == typed_value(std::int64_t{1000000}));
  CHECK(refused("x-smpp-submit-max-rate", "1000001") ==
        "must be a whole number of messages per second from 1 to 1000000");
  CHECK(refused("x-smpp-sar-max-segments", "1") == "must be a whole number from 2 to 255");
}

TEST_CASE("booleans accept true/false, yes/no, on/off and 1/0 in any case") {
  for (std::string_view yes : {"true", "TRUE", "yes", "Yes", "on", "1", " true "})
    CHECK(accepted("x-smpp-delivery-report", yes) == typed_value(true));
  for (std::string_view no : {"false", "False", "no", "OFF", "0"})
    CHECK(accepted("x-smpp-delivery-report", no) == typed_value(false));
  for (std::string_view bad : {"", "2", "yep", "t", "enabled"})
    CHECK(refused("x-smpp-delivery-report", bad) ==
          "must be true or false (also yes/no, on/off, 1/0)");
}

TEST_CASE("enumerations accept names and aliases ignoring case, blanks, '-' and '_'") {
  auto mode = [](std::string_view raw) {
    return static_cast<bind_mode>(std::get<std::int64_t>(accepted("x-smpp-bind-mode", raw)));
  };
  CHECK(mode("t") == bind_mode::transmitter);
  CHECK(mode("receiver") == bind_mode::receiver);
  CHECK(mode("TR") == bind_mode::transceiver);
  CHECK(mode("Transceiver") == bind_mode::transceiver);
  CHECK(refused("x-smpp-bind-mode", "x") ==
        "must be one of t, r, tr (also transmitter, receiver, transceiver)");
  CHECK(refused("x-smpp-bind-mode", "tranceiver") ==
        "must be one of t, r, tr (also transmitter, receiver, transceiver); did you mean "
        "'transceiver'?");

  auto encoding = [](std::string_view raw) {
    return static_cast<text_encoding>(
        std::get<std::int64_t>(accepted("x-smpp-outbound-enc-default", raw)));
  };
  CHECK(encoding("smscdefault") == text_encoding::smscdefault);
  CHECK(encoding("smcdefaut") == text_encoding::smscdefault);  // another gateway's spelling
  CHECK(encoding("asci") == text_encoding::ascii);             // another gateway's spelling
  CHECK(encoding("UTF-16BE") == text_encoding::utf16be);
  CHECK(encoding("ucs2") == text_encoding::ucs2);
  CHECK(static_cast<ucs2_schema>(std::get<std::int64_t>(
            accepted("x-smpp-ucs2-enc-schema", "utf16be"))) == ucs2_schema::utf16be);
  CHECK(static_cast<ucs2_schema>(std::get<std::int64_t>(
            accepted("x-smpp-ucs2-enc-schema", "ucs-2"))) == ucs2_schema::ucs2);
  CHECK(static_cast<tls_version>(std::get<std::int64_t>(
            accepted("x-smpp-tls-version", "TLSv1.3"))) == tls_version::tls1_3);
  CHECK(refused("x-smpp-inbound-enc-default", "ucs2") ==
        "must be one of smscdefault, ascii, latin1 (also smcdefaut, asci)");
}

TEST_CASE("an enumeration reports the choice it matched, supported or not") {
  value_check c = check_value(channel_option("x-smpp-outbound-enc-default"), "latin1");
  REQUIRE(c.choice != nullptr);
  CHECK(c.choice->name == "latin1");
  CHECK(c.choice->supported);
  static constexpr enum_choice choices[] = {{"now", 0, ""}, {"later", 1, "", false}};
  option_def def{.name = "x-test", .type = option_type::enumeration, .choices = choices};
  const value_check later = check_value(def, "LATER");
  REQUIRE(later.choice != nullptr);
  CHECK(later.choice->name == "later");
  CHECK_FALSE(later.choice->supported);
  CHECK(check_value(def, "now").choice->supported);
}

TEST_CASE("TON and NPI take a number 0-255 or a name of spec §2") {
  auto ton = [](std::string_view raw) {
    return std::get<std::int64_t>(accepted("x-smpp-src-addr-ton", raw));
  };
  auto npi = [](std::string_view raw) {
    return std::get<std::int64_t>(accepted("x-smpp-dest-addr-npi", raw));
  };
  CHECK(ton("0") == 0);
  CHECK(ton("255") == 255);
  CHECK(ton("International") == 1);
  CHECK(ton("alphanumeric") == 5);
  CHECK(ton("Network Specific") == 3);
  CHECK(ton("SUBSCRIBERNUMBER") == 4);
  CHECK(ton("abbreviated") == 6);
  CHECK(npi("ISDN") == 1);
  CHECK(npi("data") == 3);
  CHECK(npi("Telex") == 4);
  CHECK(npi("LandMobile") == 6);
  CHECK(npi("national") == 8);
  CHECK(npi("Private") == 9);
  CHECK(npi("ermes") == 10);
  CHECK(npi("Internet") == 14);
  CHECK(npi("WapClient") == 18);
  CHECK(refused("x-smpp-src-addr-ton", "256") ==
        "must be a number from 0 to 255 or one of Unknown, International, National, "
        "NetworkSpecific, SubscriberNumber, Alphanumeric, Abbreviated");
  CHECK(refused("x-smpp-src-addr-ton", "Internatinal") ==
        "must be a number from 0 to 255 or one of Unknown, International, National, "
        "NetworkSpecific, SubscriberNumber, Alphanumeric, Abbreviated; did you mean "
        "'International'?");
  CHECK(refused("x-smpp-src-addr-npi", "-1") ==
        "must be a number from 0 to 255 or one of Unknown, ISDN, Data, Telex, LandMobile, "
        "National, Private, ERMES, Internet, WapClient");
}

TEST_CASE(
    "service types accept the wire names, the names other gateways show and any short ASCII") {
  auto st = [](std::string_view raw) {
    return std::get<std::string>(accepted("x-smpp-service-type", raw));
  };
  CHECK(st("") == "");
  CHECK(st("Default") == "");
  CHECK(st("CMT") == "CMT");
  CHECK(st("Cellular Messaging") == "CMT");
  CHECK(st("cellular paging") == "CPT");
  CHECK(st("Voice Mail Notification") == "VMN");
  CHECK(st("Voice Mail Alerting") == "VMA");
  CHECK(st("Wireless Application Protocol") == "WAP");
  CHECK(st("Unstructured Supplementary Services Data") == "USSD");
  CHECK(st("ussd") == "USSD");
  CHECK(st("X1-9") == "X1-9");
  CHECK(refused("x-smpp-service-type", "Paging") ==
        "must be one of \"\", CMT, CPT, VMN, VMA, WAP, USSD (also Default, Cellular Messaging, "
        "Cellular Paging, Voice Mail Notification, Voice Mail Alerting, Wireless Application "
        "Protocol, Unstructured Supplementary Services Data) or another service_type of at most "
        "5 printable ASCII characters");
}

TEST_CASE(
    "service type 'Other' (other gateways' 'a value of my own') is refused with what to give") {
  const std::string why =
      "'Other' is the choice other gateways offer for a service_type of your own: give that value "
      "itself (at most 5 printable ASCII characters, as the SMSC defines it), or one of \"\", CMT, "
      "CPT, VMN, VMA, WAP, USSD";
  CHECK(refused("x-smpp-service-type", "Other") == why);
  CHECK(refused("x-smpp-service-type", " other ") == why);
  CHECK(std::get<std::string>(accepted("x-smpp-service-type", "Oth")) == "Oth");
}

TEST_CASE("system type and address range: NULL means not set, as other gateways write it") {
  CHECK(accepted("x-smpp-system-type", "NULL") == typed_value(std::string()));
  CHECK(accepted("x-smpp-system-type", "null") == typed_value(std::string()));
  CHECK(accepted("x-smpp-system-type", " Null ") == typed_value(std::string()));
  CHECK(accepted("x-smpp-address-range", "NULL") == typed_value(std::string()));
  CHECK(accepted("x-smpp-system-type", "VMA") == typed_value(std::string("VMA")));
  CHECK(accepted("x-smpp-system-type", "NULLS") == typed_value(std::string("NULLS")));
  // Only where the option says so: a system_id is never "not set".
  CHECK(accepted("x-smpp-system-id", "NULL") == typed_value(std::string("NULL")));
}

TEST_CASE("SMPP string fields are printable ASCII with the spec's length limit") {
  CHECK(accepted("x-smpp-system-id", "abcdefghijklmno") ==
        typed_value(std::string("abcdefghijklmno")));
  CHECK(refused("x-smpp-system-id", "abcdefghijklmnop") ==
        "must be at most 15 characters (has 16)");
  CHECK(refused("password", "123456789") == "must be at most 8 characters");  // a secret
  CHECK(refused("x-smpp-system-type", "abcdefghijklm") == "must be at most 12 characters (has 13)");
  CHECK(refused("x-smpp-address-range", std::string(41, '1')) ==
        "must be at most 40 characters (has 41)");
  CHECK(refused("default-reply-address", std::string(21, '1')) ==
        "must be at most 20 characters (has 21)");
  CHECK(refused("x-smpp-system-id", "esmé") ==
        "must be printable ASCII ('é' at character 4 is not)");
  CHECK(refused("x-smpp-system-id", "a\tb") ==
        "must be printable ASCII ('\\x09' at character 2 is not)");
}

TEST_CASE("host names are letters, digits, dots, dashes and colons") {
  CHECK(accepted("x-smpp-host", "smsc-1.example.com") ==
        typed_value(std::string("smsc-1.example.com")));
  CHECK(accepted("x-smpp-host", "::1") == typed_value(std::string("::1")));
  CHECK(accepted("x-smpp-host", "127.0.0.1") == typed_value(std::string("127.0.0.1")));
  for (std::string_view bad : {"smsc example", "smsc/1", "", "http://smsc"})
    CHECK(refused("x-smpp-host", bad) ==
          "must be a host name or IP address (letters, digits, '.', '-' and ':')");
  CHECK(refused("x-smpp-host", "smsc.example.com:2775") ==
        "must be a host name or IP address without a port (the port is its own option)");
  CHECK(refused("x-smpp-host", std::string(254, 'a')) ==
        "must be at most 253 characters (has 254)");
}

TEST_CASE("text is UTF-8 without control characters") {
  CHECK(accepted("x-smpp-empty-message", "") == typed_value(std::string()));
  CHECK(accepted("x-smpp-empty-message", " ") == typed_value(std::string(" ")));
  CHECK(accepted("x-smpp-empty-message", "(leere Nachricht) \xe2\x9c\x89") ==
        typed_value(std::string("(leere Nachricht) \xe2\x9c\x89")));
  CHECK(refused("x-smpp-empty-message", "a\xff") == "must be valid UTF-8");
  CHECK(refused("x-smpp-empty-message", "\xed\xa0\x80") == "must be valid UTF-8");  // surrogate
  CHECK(refused("x-smpp-empty-message", "\xc0\xaf") == "must be valid UTF-8");      // overlong
  CHECK(refused("x-smpp-empty-message", "a\nb") ==
        "must not contain control characters (\\x0a found)");
  CHECK(refused("x-smpp-empty-message", std::string(1001, 'x')) ==
        "must be at most 1000 characters (has 1001)");
}

TEST_CASE("regular expressions must compile as ECMAScript") {
  CHECK(accepted("session-by-address", "^\\+?4[0-9]+$") ==
        typed_value(std::string("^\\+?4[0-9]+$")));
  CHECK(accepted("session-by-text", "") == typed_value(std::string()));
  CHECK_THAT(refused("session-by-text", "(chat"),
             Catch::StartsWith("is not a valid regular expression (ECMAScript): "));
  CHECK_THAT(refused("session-by-text", "a("),
             Catch::StartsWith("is not a valid regular expression (ECMAScript): "));
  CHECK(refused("session-by-text", std::string(513, 'a')) ==
        "must be at most 512 characters (has 513)");
}

TEST_CASE("TLV specs and SMPP times are checked by their parsers") {
  auto items = std::get<std::vector<smsdrv::smpp::tlv_item>>(
      accepted("x-smpp-extraopt", "{tlvItems:[{tag:5120, typ:byte, val:1}]}"));
  REQUIRE(items.size() == 1);
  CHECK(items[0].tag == 5120);
  CHECK(refused("x-smpp-extraopt", "{ tlvItems: [ {tag 4401} ] }") ==
        "is not a valid TLV spec: column 20: expected ':' after 'tag'");
  CHECK(accepted("x-smpp-validity-period", "000001000000000R") ==
        typed_value(std::string("000001000000000R")));
  CHECK(accepted("x-smpp-validity-period", "") == typed_value(std::string()));
  CHECK(refused("x-smpp-validity-period", "1 day") ==
        "is not a valid SMPP time (YYMMDDhhmmsstnnp or YYMMDDhhmmss000R): column 2: expected a "
        "digit, found ' '");
}

TEST_CASE("paths are non-empty UTF-8 without control characters") {
  CHECK(accepted("x-jsms-config-file", "./mms/mm7.cfg") ==
        typed_value(std::string("./mms/mm7.cfg")));
  CHECK(refused("x-jsms-config-file", "a\rb") ==
        "must not contain control characters (\\x0d found)");
}

TEST_CASE("inbound-route is one or two <tenant>:<endpoint> entries") {
  auto route = [](std::string_view raw) {
    return std::get<std::vector<endpoint_ref>>(accepted("inbound-route", raw));
  };
  CHECK(route("101:sms_endpoint") == std::vector<endpoint_ref>{{101, "sms_endpoint"}});
  CHECK(route(" 101:sms_endpoint ,1:chat_endpoint ") ==
        std::vector<endpoint_ref>{{101, "sms_endpoint"}, {1, "chat_endpoint"}});
  CHECK(to_string(route("101:sms_endpoint")[0]) == "101:sms_endpoint");
  std::string shape =
      "must be <tenant>:<endpoint> (paging), optionally followed by ', <tenant>:<endpoint>' "
      "(chat session)";
  CHECK(refused("inbound-route", "sms_endpoint") ==
        shape + "; 'sms_endpoint' is not <tenant>:<endpoint>");
  CHECK(refused("inbound-route", "101:") == shape + "; '101:' is not <tenant>:<endpoint>");
  CHECK(refused("inbound-route", "x:ep") == shape + "; 'x:ep' is not <tenant>:<endpoint>");
  CHECK(refused("inbound-route", "99999999999:ep") ==
        shape + "; '99999999999:ep' is not <tenant>:<endpoint>");
  CHECK(refused("inbound-route", "1:a b") == shape + "; '1:a b' is not <tenant>:<endpoint>");
  CHECK(refused("inbound-route", "1:a,") == shape + "; '' is not <tenant>:<endpoint>");
  CHECK(refused("inbound-route", "1:a, 1:b, 1:c") == shape + "; 3 endpoints given");
}

TEST_CASE("log filter rules take a count where they need one") {
  const option_def& row = log_filter_data_option();
  auto rule = [&](std::string_view raw) {
    value_check c = check_value(row, raw);
    CAPTURE(raw, c.problem);
    REQUIRE(c.problem.empty());
    return std::get<filter_rule>(c.value);
  };
  CHECK(rule("copy") == filter_rule{filter_kind::copy, 0});
  CHECK(rule("HIDE") == filter_rule{filter_kind::hide, 0});
  CHECK(rule("skip") == filter_rule{filter_kind::skip, 0});
  CHECK(rule("hide-first,4") == filter_rule{filter_kind::hide_first, 4});
  CHECK(rule("hide-last , 2") == filter_rule{filter_kind::hide_last, 2});
  CHECK(rule("unhide-first,1") == filter_rule{filter_kind::unhide_first, 1});
  CHECK(rule("unhide-last,65535") == filter_rule{filter_kind::unhide_last, 65535});
  CHECK(to_string(rule("unhide-last,3")) == "unhide-last,3");
  for (std::string_view bad : {"", "hide-first", "hide-first,0", "hide-first,65536", "copy,1",
                               "hide,", "mask", "hide-first,x"}) {
    CAPTURE(bad);
    CHECK(check_value(row, bad).problem ==
          "must be copy, hide, skip, hide-first,N, hide-last,N, unhide-first,N or unhide-last,N "
          "(N from 1 to 65535)");
  }
}

TEST_CASE("describe_values words each type for the reference") {
  CHECK(describe_values(channel_option("reconnection-timeout")) == "10-3600 seconds");
  CHECK(describe_values(channel_option("x-smpp-port")) == "1-65535");
  CHECK(describe_values(channel_option("x-smpp-bind-mode")) ==
        "t, r, tr (also transmitter, receiver, transceiver)");
  CHECK(describe_values(channel_option("password")) == "ASCII, at most 8 characters");
  CHECK(describe_values(channel_option("x-smpp-dest-addr-ton")) ==
        "0-255 or Unknown, International, National, NetworkSpecific, SubscriberNumber, "
        "Alphanumeric, Abbreviated");
}
