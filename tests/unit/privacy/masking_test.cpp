// The masking rules as the driver and dms-stub build them: precedence of the sections and the
// spec file, passwords, PDU fields carrying user data, patterns over whole lines.
#include "privacy/masking.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

using namespace smsdrv::privacy;

namespace {

filter_rule rule(std::string_view text) {
  const auto r = parse_filter_rule(text);
  REQUIRE(r);
  return *r;
}

filter_spec spec_with(std::vector<std::pair<std::string, filter_rule>> keys,
                      std::vector<pattern_rule> patterns = {},
                      std::vector<std::pair<std::string, std::vector<std::string>>> fields = {}) {
  filter_spec s;
  s.keys = std::move(keys);
  s.patterns = std::move(patterns);
  s.fields = std::move(fields);
  return s;
}

}  // namespace

TEST_CASE("masking: without rules every value is shown, but passwords never are") {
  const masking m(masking_settings{}, nullptr);
  CHECK(m.value("_smsText", "Hello") == "Hello");
  CHECK(m.value("x-http-password", "s3cret") == "****");
  CHECK(m.value("Password", "s3cret") == "****");
  CHECK(m.value("proxyPwd", "s3cret") == "****");
  CHECK(m.value("api-secret", "s3cret") == "****");
  CHECK(m.field("destination_addr", "4917612345678", false) == "4917612345678");
  CHECK(m.line("to 4917612345678") == "to 4917612345678");
  CHECK_FALSE(m.has_patterns());
}

TEST_CASE("masking: [log-filter-data] wins over the spec's keys, which win over the default") {
  masking_settings s;
  s.filter_active = true;
  s.default_rule = rule("hide");
  s.key_rules = {{"_smsText", rule("unhide-first,2")}, {"x-ref", rule("skip")}};
  const filter_spec spec =
      spec_with({{"_smsText", rule("hide")}, {"FromAddr", rule("unhide-last,4")}});
  const masking m(s, &spec);
  CHECK(m.value("_smsText", "Hello") == "He***");            // [log-filter-data]
  CHECK(m.value("FromAddr", "4915550002") == "******0002");  // the spec
  CHECK(m.value("_smsMessageId", "0000002a") == "****");     // default-filter-type
  CHECK(m.value("x-ref", "C-991") == std::nullopt);          // left out of key=value lists
  CHECK(m.inline_value("x-ref", "C-991") == "****");         // but hidden inside a sentence
  // A rule cannot let a password through.
  masking_settings lax;
  lax.key_rules = {{"password", rule("copy")}, {"pwd", rule("skip")}};
  const masking l(lax, nullptr);
  CHECK(l.value("password", "pw") == "****");
  CHECK(l.value("pwd", "pw") == std::nullopt);
}

TEST_CASE("masking: the spec counts only when logging-filter-active is true") {
  masking_settings s;
  const pattern_rule digits{"digits", "[0-9]{5,}", rule("hide")};
  const filter_spec spec = spec_with({{"_smsText", rule("hide")}}, {digits});
  const masking off(s, &spec);
  CHECK(off.value("_smsText", "Hello") == "Hello");
  CHECK(off.line("call 123456") == "call 123456");
  s.filter_active = true;
  const masking on(s, &spec);
  CHECK(on.value("_smsText", "Hello") == "****");
  CHECK(on.line("call 123456") == "call ****");
}

TEST_CASE("masking: a PDU field is masked as every key it carries") {
  masking_settings s;
  s.key_rules = {{"_smsDestNumber", rule("unhide-last,4")},
                 {"ToAddr", rule("hide-first,2")},
                 {"_smsText", rule("unhide-first,3")}};
  const masking m(s, nullptr);
  // destination_addr carries _smsDestNumber and ToAddr: both rules apply.
  CHECK(m.field("destination_addr", "4917612345678", false) == "*********5678");
  // source_addr carries _smsSrcNumber, FromAddr, PhoneNumber: all copy here.
  CHECK(m.field("source_addr", "12345", false) == "12345");
  // Octets are encoded text: a partial rule hides all of them.
  CHECK(m.field("short_message", "Hello", true) == "****");
  CHECK(m.field("message_payload", "Hello", true) == "****");
  // Fields without user data are shown as they are.
  CHECK(m.field("system_id", "esme", false) == "esme");
  CHECK(m.field("receipted_message_id", "0000002a", false) == "0000002a");
  CHECK(m.keys_of_field("source_addr") ==
        std::vector<std::string>{"_smsSrcNumber", "FromAddr", "PhoneNumber"});

  masking_settings skip;
  skip.key_rules = {{"FromAddr", rule("skip")}};
  const masking k(skip, nullptr);
  CHECK(k.field("source_addr", "4915550002", false) == std::nullopt);
}

TEST_CASE("masking: the spec adds fields to the map") {
  masking_settings s;
  s.filter_active = true;
  s.key_rules = {{"_smsSrcNumber", rule("hide")}};
  const filter_spec spec = spec_with({}, {}, {{"callback_num", {"_smsSrcNumber"}}});
  const masking m(s, &spec);
  CHECK(m.field("callback_num", "12345", false) == "****");
}

TEST_CASE("masking: patterns mask every match of a line with their rule") {
  masking_settings s;
  s.filter_active = true;
  const filter_spec spec =
      spec_with({}, {{"phone", "(?<![0-9])\\+?[0-9]{11,15}(?![0-9])", rule("unhide-last,4")},
                     {"mail", "[a-z.]+@[a-z.]+\\.[a-z]{2,}", rule("skip")}});
  const masking m(s, &spec);
  CHECK(m.has_patterns());
  CHECK(m.line("from +4917612345678 and 4915550002000, seq 12345") ==
        "from **********5678 and *********2000, seq 12345");
  CHECK(m.line("write to a.b@example.com now") == "write to  now");
  CHECK(m.line("") == "");
}

TEST_CASE("masking: a line a pattern cannot finish is withheld, not shown") {
  masking_settings s;
  s.filter_active = true;
  // Catastrophic backtracking: Boost.Regex gives up instead of hanging.
  const filter_spec spec = spec_with({}, {{"evil", "(a+)+b", rule("hide")}});
  const masking m(s, &spec);
  const std::string line(100, 'a');
  const std::string shown = m.line(line);
  CHECK(shown.find("aaaa") == std::string::npos);
  CHECK(shown.find("withheld") != std::string::npos);
}
