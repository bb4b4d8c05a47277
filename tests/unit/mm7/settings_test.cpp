#include <catch2/catch.hpp>

#include <string>

#include "mm7/settings.hpp"

using namespace smsdrv::mm7;
using namespace std::chrono_literals;

namespace {

mms_settings settings_of(const std::string& text) {
  auto r = parse_mms_settings(text, "mms.cfg");
  CAPTURE(r.errors);
  REQUIRE(r.errors.empty());
  REQUIRE(r.settings.has_value());
  return *r.settings;
}

std::vector<std::string> errors_of(const std::string& text) {
  auto r = parse_mms_settings(text, "mms.cfg");
  CHECK_FALSE(r.settings.has_value());
  return r.errors;
}

using list = std::vector<std::string>;

}  // namespace

TEST_CASE("a file with only the MMSC's URL gets every default") {
  mms_settings s = settings_of("[mmsc]\nurl = http://mmsc.example.net:8080/mm7?x=1\n");
  CHECK(s.source == "mms.cfg");
  CHECK(s.url.host == "mmsc.example.net");
  CHECK(s.url.port == 8080);
  CHECK(s.url.target == "/mm7?x=1");
  CHECK_FALSE(s.url.tls);
  CHECK_FALSE(s.failover_url);
  CHECK(s.mm7_version == "6.8.0");
  CHECK(s.xml_namespace == rel6_namespace);
  CHECK(s.user.empty());
  CHECK(s.encoding == transfer_encoding::base64);
  CHECK_FALSE(s.delivery_report);
  CHECK(s.connect_timeout == 10s);
  CHECK(s.response_timeout == 60s);
  CHECK(s.max_in_flight == 10);
  CHECK_FALSE(s.listener_enabled);
  CHECK(s.listen_address == "0.0.0.0");
  CHECK(s.listen_path == "/mm7");
  CHECK(s.ack_timeout == 30s);
  CHECK(s.request_timeout == 30s);
  CHECK(s.max_connections == 64);
  CHECK(s.max_message_size == 1048576);
  CHECK(s.max_parts == 100);
}

TEST_CASE("every key of a full file lands in its member") {
  mms_settings s = settings_of(R"(# MMS settings
[mmsc]
url = https://mmsc.example.net/mm7
failover-url = https://[2001:db8::1]:8443/mm7
user = vasp1
password = "s3cr3t pass"
mm7-version = 5.3.0
vasp-id = vasp1
vas-id = svc
service-code = gold
sender = 12345
transfer-encoding = binary
delivery-report = yes
read-reply = on
connect-timeout = 5
response-timeout = 20
max-in-flight = 4

[listener]
port = 8099
address = 127.0.0.1
path = /mm7/in
user = mmsc
password = pw
tls-certificate = /etc/cert.pem
tls-key = /etc/key.pem
tls-key-password = kp
ack-timeout = 7
request-timeout = 9
max-connections = 3

[limits]
max-message-size = 2048
max-parts = 5
)");
  CHECK(s.url.tls);
  CHECK(s.url.port == 443);
  CHECK(s.url.target == "/mm7");
  REQUIRE(s.failover_url);
  CHECK(s.failover_url->host == "2001:db8::1");
  CHECK(s.failover_url->port == 8443);
  CHECK(s.user == "vasp1");
  CHECK(s.password == "s3cr3t pass");
  CHECK(s.mm7_version == "5.3.0");
  CHECK(s.xml_namespace == rel5_namespace);
  CHECK(s.vasp_id == "vasp1");
  CHECK(s.vas_id == "svc");
  CHECK(s.service_code == "gold");
  CHECK(s.sender == "12345");
  CHECK(s.encoding == transfer_encoding::binary);
  CHECK(s.delivery_report);
  CHECK(s.read_reply);
  CHECK(s.connect_timeout == 5s);
  CHECK(s.response_timeout == 20s);
  CHECK(s.max_in_flight == 4);
  CHECK(s.listener_enabled);
  CHECK(s.listen_port == 8099);
  CHECK(s.listen_address == "127.0.0.1");
  CHECK(s.listen_path == "/mm7/in");
  CHECK(s.listen_user == "mmsc");
  CHECK(s.listen_password == "pw");
  CHECK(s.tls_certificate == "/etc/cert.pem");
  CHECK(s.tls_key == "/etc/key.pem");
  CHECK(s.tls_key_password == "kp");
  CHECK(s.ack_timeout == 7s);
  CHECK(s.request_timeout == 9s);
  CHECK(s.max_connections == 3);
  CHECK(s.max_message_size == 2048);
  CHECK(s.max_parts == 5);
}

TEST_CASE("another MM7 version needs its namespace; a given namespace wins") {
  CHECK(errors_of("[mmsc]\nurl = http://h/\nmm7-version = 6.5.0\n") ==
        list{"mms.cfg:3: [mmsc] namespace: required with mm7-version 6.5.0 (only 5.3.0 and 6.8.0 "
             "imply theirs)"});
  mms_settings s = settings_of(
      "[mmsc]\nurl = http://h/\nmm7-version = 6.5.0\nnamespace = "
      "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-2\n");
  CHECK(s.mm7_version == "6.5.0");
  CHECK(s.xml_namespace ==
        "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-2");
  s = settings_of("[mmsc]\nurl = http://h/\nmm7-version = 6.8.0\nnamespace = urn:mmsc:custom\n");
  CHECK(s.xml_namespace == "urn:mmsc:custom");
}

TEST_CASE("bad values name file, line, section, key, value and rule; secrets are masked") {
  CHECK(errors_of(R"([mmsc]
url = ftp://mmsc.example.net/
password = hunter2
mm7-version = 6.8
connect-timeout = 0
transfer-encoding = uuencode

[listener]
port = 70000
path = mm7
password = topsecret
)") == list{
           "mms.cfg:2: [mmsc] url = 'ftp://mmsc.example.net/': must be an http:// or "
           "https:// URL",
           "mms.cfg:4: [mmsc] mm7-version = '6.8': must be an MM7 version: three numbers "
           "separated by dots, e.g. 5.3.0 or 6.8.0",
           "mms.cfg:5: [mmsc] connect-timeout = '0': must be a whole number of seconds from "
           "1 to 300",
           "mms.cfg:6: [mmsc] transfer-encoding = 'uuencode': must be one of base64, binary "
           "(also 8bit)",
           "mms.cfg:9: [listener] port = '70000': must be a whole number from 1 to 65535",
           "mms.cfg:10: [listener] path = 'mm7': must be an absolute path starting with '/'",
       });
  auto errors = errors_of(
      "[mmsc]\nurl = http://h/\npassword = hunter2\n[listener]\nport = 1\n"
      "password = topsecret\ntls-key-password = kp\n");
  CHECK(errors == list{"mms.cfg:3: [mmsc] password: given without user: HTTP Basic needs both",
                       "mms.cfg:6: [listener] password: given without user: HTTP Basic needs both",
                       "mms.cfg:7: [listener] tls-key-password: given without tls-key"});
  std::string all;
  for (const auto& e : errors_of("[mmsc]\nurl = http://h/\nuser = u\npassword = \"\x01hunter2\"\n"))
    all += e;
  CHECK(all.find("hunter2") == std::string::npos);
  CHECK(all.find("********") != std::string::npos);
}

TEST_CASE("URLs: credentials, fragments, hosts and ports are checked") {
  auto rule = [](const std::string& url) {
    auto e = errors_of("[mmsc]\nurl = " + url + "\n");
    REQUIRE(e.size() == 1);
    return e[0].substr(e[0].find("': ") + 3);
  };
  CHECK(rule("http://user:pw@h/") ==
        "must not carry a user name or password: use the user and password keys");
  CHECK(rule("http://h/#frag") == "must not have a fragment (#...)");
  CHECK(rule("http:///path") == "must name a host (http://host[:port]/path)");
  CHECK(rule("http://h:0/") == "must have a port from 1 to 65535");
  CHECK(rule("not a url") == "must be an absolute http:// or https:// URL");
  auto e = errors_of("[mmsc]\nurl = http://h/\nfailover-url = http://h/\n");
  CHECK(e == list{"mms.cfg:3: [mmsc] failover-url: is the same as url"});
}

TEST_CASE("required keys, listener keys and TLS keys go together") {
  CHECK(errors_of("") == list{"mms.cfg: [mmsc] url: required, not given"});
  CHECK(errors_of("[mmsc]\nurl =\n") == list{"mms.cfg:2: [mmsc] url: required, must not be empty"});
  CHECK(errors_of("[mmsc]\nurl = http://h/\n[listener]\npath = /x\n") ==
        list{"mms.cfg:3: [listener] port: required when [listener] has keys (without it the "
             "driver does not listen)"});
  CHECK(errors_of("[mmsc]\nurl = http://h/\n[listener]\nport = 80\ntls-certificate = c.pem\n") ==
        list{"mms.cfg:5: [listener] tls-key: tls-certificate and tls-key go together"});
}

TEST_CASE("unknown keys and sections are warnings with a suggestion") {
  auto r = parse_mms_settings(
      "[mmsc]\nurl = http://h/\nvaspid = x\nport = 1\n[mmcs]\nurl = y\n[listener]\nport = 9\n",
      "mms.cfg");
  REQUIRE(r.settings);
  CHECK(r.warnings ==
        list{"mms.cfg:3: [mmsc] vaspid: unknown key, ignored (did you mean 'vasp-id'?)",
             "mms.cfg:4: [mmsc] port: unknown key in this section, ignored (it belongs in "
             "[listener])",
             "mms.cfg:5: [mmcs]: unknown section, ignored (the sections are [mmsc], [listener] "
             "and [limits])",
             "mms.cfg:8: [listener] user: not set, so the listener accepts requests from anyone "
             "who can reach it"});
}

TEST_CASE("structural problems of the file are reported like .cfg problems") {
  CHECK(errors_of("url = http://h/\n") ==
        list{"mms.cfg:1: option url appears before any [section]"});
  auto r = read_mms_settings("/nonexistent/mms.cfg");
  CHECK(r.errors == list{"/nonexistent/mms.cfg: cannot be read: No such file or directory"});
  // Paths are printed whole, however long.
  const std::string long_path = "/nonexistent/" + std::string(300, 'd') + "/mms.cfg";
  CHECK(read_mms_settings(long_path).errors ==
        list{long_path + ": cannot be read: No such file or directory"});
  CHECK(parse_mms_settings("url = http://h/\n", long_path).errors ==
        list{long_path + ":1: option url appears before any [section]"});
}

TEST_CASE("every default of the table is accepted by its own row") {
  for (const auto& row : mms_settings_table()) {
    CAPTURE(row.section, row.def.name);
    CHECK(!row.def.meaning.empty());
    CHECK((row.def.has_default || !row.def.example.empty() || row.def.secret));
  }
}

TEST_CASE("the shipped commented example is a valid settings file") {
  auto r = read_mms_settings(SMSDRV_SHIPPED_MMS_CFG);
  CAPTURE(r.errors, r.warnings);
  REQUIRE(r.settings);
  CHECK(r.warnings.empty());
  CHECK(r.settings->url.text == "https://mmsc.example.net/mm7");
  CHECK_FALSE(r.settings->listener_enabled);
}
