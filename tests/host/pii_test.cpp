#include "host/pii.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using namespace smsdrv::host;

namespace {

using kv = std::vector<std::pair<std::string, std::string>>;

pii_answer ask(const pii_rules& rules, const std::string& request, const kv& user_data) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : user_data) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  return rules.answer(request, static_cast<uint32_t>(keys.size()), keys.data(), values.data());
}

const char* const config = R"([pii-rules]
card-number = \b(?:\d{4}[ -]?){3}\d{4}\b
email = [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}
phone = \+?\b\d{11,15}\b

[pii-masks]
card-number = unhide-last,4
email = hide

[pii-groups]
payment = card-number
contact = email, phone
)";

std::string config_error(const std::string& text) {
  try {
    pii_rules r(parse_cfg(text, "dms.cfg"));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("pii: the three requests", "[pii]") {
  const pii_rules rules(parse_cfg(config, "dms.cfg"));
  CHECK(rules.rule_names() == std::vector<std::string>{"card-number", "email", "phone"});
  const std::string text = "Card 4111 1111 1111 1111, mail jane@example.com, call +4917612345678";

  auto a = ask(rules, "DataByRegEx", {{"Text", text}, {"RegEx", "[0-9]{4}"}});
  REQUIRE(a.ok);
  CHECK(a.text == "Card **** **** **** ****, mail jane@example.com, call +************8");
  CHECK(a.matches == 7);

  a = ask(rules, "DataByRule", {{"Text", text}, {"Rule", "card-number"}});
  REQUIRE(a.ok);
  CHECK(a.text == "Card ***************1111, mail jane@example.com, call +4917612345678");
  CHECK(a.matches == 1);

  a = ask(rules, "DataByGroup", {{"Text", text}, {"Group", "contact"}});
  REQUIRE(a.ok);
  CHECK(a.text == "Card 4111 1111 1111 1111, mail ****, call **************");
  CHECK(a.matches == 2);

  // Mask overrides the rule's mask; a text without a match comes back unchanged.
  a = ask(rules, "DataByRule", {{"Text", text}, {"Rule", "phone"}, {"Mask", "unhide-first,3"}});
  REQUIRE(a.ok);
  CHECK(a.text == "Card 4111 1111 1111 1111, mail jane@example.com, call +49***********");
  a = ask(rules, "DataByGroup", {{"Text", "nothing here"}, {"Group", "payment"}});
  REQUIRE(a.ok);
  CHECK(a.text == "nothing here");
  CHECK(a.matches == 0);
  // Characters, not octets: a match of UTF-8 text gets one * per character.
  a = ask(rules, "DataByRegEx", {{"Text", "Grüße"}, {"RegEx", "Gr.+e"}});
  REQUIRE(a.ok);
  CHECK(a.text == "*****");
}

TEST_CASE("pii: what is wrong with a request is said", "[pii]") {
  const pii_rules rules(parse_cfg(config, "dms.cfg"));
  auto refused = [&](const std::string& request, const kv& user_data) {
    const auto a = ask(rules, request, user_data);
    CHECK_FALSE(a.ok);
    return a.text;
  };
  CHECK(refused("DataByRule", {{"Rule", "email"}}) ==
        "DataByRule: userData.Text (the text to mask) is required");
  CHECK(refused("DataByRegEx", {{"Text", "x"}}) ==
        "DataByRegEx: userData.RegEx (the regular expression to mask) is required");
  CHECK(refused("DataByRegEx", {{"Text", "x"}, {"RegEx", "("}})
            .rfind("DataByRegEx: RegEx is not a valid regular expression: ", 0) == 0);
  CHECK(refused("DataByRule", {{"Text", "x"}, {"Rule", "iban"}}) ==
        "DataByRule: no rule 'iban' in [pii-rules] (rules: card-number, email, phone)");
  CHECK(refused("DataByGroup", {{"Text", "x"}, {"Group", "all"}}) ==
        "DataByGroup: no group 'all' in [pii-groups] (groups: payment, contact)");
  CHECK(refused("DataByGroup", {{"Text", "x"}}) ==
        "DataByGroup: userData.Group (a group of [pii-groups]) is required");
  CHECK(refused("DataByRule", {{"Text", "x"}, {"Rule", "email"}, {"Mask", "blur"}}) ==
        "DataByRule: Mask 'blur' is not copy, hide, skip, hide-first,N, hide-last,N, "
        "unhide-first,N or unhide-last,N");
  CHECK(refused("DataByRegEx", {{"Text", std::string(100, 'a')}, {"RegEx", "(a+)+b"}}) ==
        "DataByRegEx: the regular expression of RegEx is too complex for this text");
  // Without any configuration only DataByRegEx can succeed.
  const pii_rules none;
  CHECK(ask(none, "DataByRegEx", {{"Text", "a1"}, {"RegEx", "[0-9]"}}).text == "a*");
  CHECK(ask(none, "DataByRule", {{"Text", "a1"}, {"Rule", "x"}}).text ==
        "DataByRule: no rule 'x' in [pii-rules] (rules: none)");
}

TEST_CASE("pii: a bad configuration names file, line, section, option and rule", "[pii]") {
  CHECK(config_error("[pii-rules]\nbad = (\n")
            .rfind("dms.cfg:2: [pii-rules] bad = \"(\": not a valid regular expression: ", 0) == 0);
  CHECK(config_error("[pii-rules]\nempty =\n") ==
        "dms.cfg:2: [pii-rules] empty = \"\": a rule needs a regular expression");
  CHECK(config_error("[pii-rules]\na = x\n[pii-masks]\nb = hide\n") ==
        "dms.cfg:4: [pii-masks] b = \"hide\": no rule b in [pii-rules] (rules: a)");
  CHECK(config_error("[pii-rules]\na = x\n[pii-masks]\na = blur\n") ==
        "dms.cfg:4: [pii-masks] a = \"blur\": must be copy, hide, skip, hide-first,N, "
        "hide-last,N, unhide-first,N or unhide-last,N");
  CHECK(config_error("[pii-rules]\na = x\n[pii-groups]\ng = a, b\n") ==
        "dms.cfg:4: [pii-groups] g = \"a, b\": 'b' is not a rule of [pii-rules] (rules: a)");
  CHECK(is_pii_request("DataByGroup"));
  CHECK_FALSE(is_pii_request("SendSMS"));
}
