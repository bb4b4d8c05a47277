// The settings page's bodies (console/settings_json.hpp): what GET shows (never a secret), what a
// POST asks for as .cfg changes, and which field a loader's message names.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <string>

#include "console/settings_json.hpp"
#include "host/cfg_file.hpp"

using namespace smsdrv;
using console::field_messages;
using host::cfg_change;

namespace {

constexpr const char* help_text = R"([channel-sample]
# TCP port of the SMSC (1-65535)
x-smpp-port = 2775

# password of the bind [secret]
# password =

# the gateway (smpp, http)
x-gateway-type = smpp

# an extra parameter <name>=<value> in the order of N (1-99, shared with x-http-password-param-<N>)
# x-http-param-1 = user=me

# an extra parameter like x-http-param-<N> whose value is a password [secret]
# x-http-password-param-1 = password=secret
)";

constexpr const char* section_text = R"([channel-a]
x-smpp-port = 2776
password = pw-SECRET-1
x-http-param-1 = user=acme
x-http-password-param-2 = pin=pin-SECRET-2
x-private-key = key-SECRET-3
x-http-url = https://u:pw-SECRET-4@gw.example/send?token=tok-SECRET-5
driver = smsmms
)";

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

struct fixture {
  host::cfg_file cfg = host::parse_cfg(section_text, "dms.cfg");
  std::vector<host::option_help> help = host::read_option_help(help_text);
  const host::cfg_section& section = *cfg.find("channel-a");

  console::settings_changes read(const std::string& body) const {
    return console::read_settings_changes(body, section, help);
  }
};

bool same(const std::vector<cfg_change>& a, const std::vector<cfg_change>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].key != b[i].key || a[i].value != b[i].value) return false;
  return true;
}

}  // namespace

TEST_CASE("settings json: options with their help and values, secrets only as set", "[console]") {
  const fixture f;
  console::settings_page page;
  page.channel = "channel-a";
  page.driver = "smsmms";
  page.file = "dms.cfg";
  page.other_channels = {"channel-b"};
  page.section = &f.section;
  page.help = f.help;
  const std::string body = console::settings_json(page);
  CHECK(body.find("SECRET") == std::string::npos);
  const auto d = parse(body);
  REQUIRE(d["options"].Size() == 3);
  const auto& port = d["options"][0];
  CHECK(std::string(port["name"].GetString()) == "x-smpp-port");
  CHECK(std::string(port["kind"].GetString()) == "integer");
  CHECK(port["min"].GetInt() == 1);
  CHECK(port["max"].GetInt() == 65535);
  CHECK(std::string(port["default"].GetString()) == "2775");
  CHECK(std::string(port["value"].GetString()) == "2776");
  const auto& password = d["options"][1];
  CHECK(password["secret"].GetBool());
  CHECK(password["set"].GetBool());
  CHECK_FALSE(password.HasMember("value"));
  CHECK(d["options"][2]["choices"].Size() == 2);
  REQUIRE(d["extra"].Size() == 2);
  CHECK(std::string(d["extra"][0]["param"].GetString()) == "user");
  CHECK(std::string(d["extra"][0]["value"].GetString()) == "acme");
  CHECK(std::string(d["extra"][1]["param"].GetString()) == "pin");
  CHECK_FALSE(d["extra"][1].HasMember("value"));
  // Options the help does not describe: shown, unless the name reads like a secret.
  REQUIRE(d["others"].Size() == 3);
  CHECK(std::string(d["others"][0]["name"].GetString()) == "x-private-key");
  CHECK_FALSE(d["others"][0].HasMember("value"));
  // A URL's password and query value (an access token) are masked.
  CHECK(std::string(d["others"][1]["masked"].GetString()) ==
        "https://u:********@gw.example/send?token=********");
  CHECK_FALSE(d["others"][1].HasMember("value"));
  CHECK(std::string(d["others"][2]["value"].GetString()) == "smsmms");
  CHECK(std::string(d["channels"][0].GetString()) == "channel-b");
}

TEST_CASE("settings json: changes, empty passwords unchanged, extra parameters renumbered",
          "[console]") {
  const fixture f;
  auto c =
      f.read(R"({"changes": {"x-smpp-port": "2777", "password": "", "x-gateway-type": null}})");
  CHECK(c.error.empty());
  CHECK(c.fields.empty());
  CHECK(same(c.changes, {{"x-smpp-port", "2777"}, {"x-gateway-type", std::nullopt}}));

  c = f.read(R"({"changes": {"password": "new-pw"}})");
  CHECK(same(c.changes, {{"password", "new-pw"}}));
  // A masked URL left empty stays; a new one is taken.
  c = f.read(R"({"changes": {"x-http-url": ""}})");
  CHECK(c.changes.empty());
  c = f.read(R"({"changes": {"x-http-url": "https://gw.example/send"}})");
  CHECK(same(c.changes, {{"x-http-url", "https://gw.example/send"}}));

  // The kept password parameter moves to place 1 with its value; the old lines go.
  c = f.read(R"({"extra": [
      {"param": "pin", "value": "", "secret": true, "keep": "x-http-password-param-2"},
      {"param": "user", "value": "acme", "secret": false},
      {"param": "token", "value": "t0k", "secret": true}]})");
  CHECK(c.fields.empty());
  CHECK(same(c.changes, {{"x-http-password-param-1", "pin=pin-SECRET-2"},
                         {"x-http-param-2", "user=acme"},
                         {"x-http-password-param-3", "token=t0k"},
                         {"x-http-param-1", std::nullopt},
                         {"x-http-password-param-2", std::nullopt}}));
  // No extra parameters at all: every line of both families goes.
  c = f.read(R"({"extra": []})");
  CHECK(same(c.changes,
             {{"x-http-param-1", std::nullopt}, {"x-http-password-param-2", std::nullopt}}));
}

TEST_CASE("settings json: what the page got wrong is named at its field; bad bodies refused",
          "[console]") {
  const fixture f;
  auto c = f.read(R"({"changes": {"x-smpp-prot": "1"}, "extra": [
      {"param": "", "value": "x", "secret": false},
      {"param": "pin", "value": "", "secret": true, "keep": "x-http-param-1"}]})");
  REQUIRE(c.fields.size() == 3);
  CHECK(c.fields[0].first == "x-smpp-prot");
  CHECK(c.fields[0].second.starts_with("[channel-a] x-smpp-prot: not an option of this driver"));
  CHECK(c.fields[1].first == "x-http-param-1");
  CHECK(c.fields[2].first == "x-http-password-param-2");
  CHECK(c.fields[2].second ==
        "[channel-a] x-http-password-param-2: a new password parameter "
        "needs its value");
  // A line break would start a line of its own in the file: refused, at its field.
  c = f.read(R"({"changes": {"x-smpp-port": "1\n[channel-evil]"}, "extra": [
      {"param": "user", "value": "a\r\nb", "secret": false}]})");
  REQUIRE(c.fields.size() == 2);
  CHECK(c.fields[0].second ==
        "[channel-a] x-smpp-port: a value in a .cfg file cannot hold a line break or NUL");
  CHECK(c.fields[1].first == "x-http-param-1");
  for (const char* body : {"", "[]", R"({"changes": []})", R"({"changes": {"x-smpp-port": 1}})",
                           R"({"extra": {}})", R"({"extra": [{"param": "a"}]})"})
    CHECK_FALSE(f.read(body).error.empty());
}

TEST_CASE("settings json: the options a loader's messages name", "[console]") {
  const std::string error =
      "dms.cfg:3: driver smsmms refused [channel-a]: dms.cfg:7: [channel-a] x-smpp-port = "
      "'70000': must be from 1 to 65535\n"
      "dms.cfg:9: [channel-a] password = ********: at most 8 characters\n"
      "dms.cfg:7: [channel-a] x-smpp-port: second message\n"
      "[channel-b] x-smpp-port: another channel's";
  const field_messages fields = console::fields_at_fault(error, "channel-a");
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].first == "x-smpp-port");
  CHECK(fields[0].second ==
        "[channel-a] x-smpp-port = '70000': must be from 1 to 65535\n[channel-a] x-smpp-port: "
        "second message");
  CHECK(fields[1].first == "password");
  const auto d = parse(console::settings_error_json("refused", fields));
  CHECK(std::string(d["fields"]["password"].GetString()) ==
        "[channel-a] password = ********: at most 8 characters");
}
