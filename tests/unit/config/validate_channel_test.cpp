#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/option_table.hpp"
#include "config/validate.hpp"
#include "section_builder.hpp"

using namespace smsdrv::config;
using namespace std::chrono_literals;
using smsdrv::config::test::channel;
using smsdrv::config::test::section_builder;

namespace {

channel_settings settings_of(section_builder s) {
  auto r = validate_channel_section(s.view());
  CAPTURE(r.errors);
  REQUIRE(r.ok());
  REQUIRE(r.settings.has_value());
  return *r.settings;
}

std::vector<std::string> errors_of(section_builder s) {
  auto r = validate_channel_section(s.view());
  CHECK_FALSE(r.settings.has_value());
  return r.errors;
}

using list = std::vector<std::string>;

}  // namespace

TEST_CASE("a section with only the required options gets every default") {
  channel_settings c = settings_of(channel({}));
  CHECK(c.channel == "channel-sms1");
  CHECK(c.smpp_host == "smsc.example.com");
  CHECK(c.smpp_system_id == "esme1");
  CHECK(c.inbound_route.empty());
  CHECK(c.session_by_address.empty());
  CHECK(c.default_reply_address.empty());
  CHECK(c.password.empty());
  CHECK(c.reconnection_timeout == 180s);
  CHECK(c.smpp_port == 2775);
  CHECK(c.smpp_bind_mode == bind_mode::transceiver);
  CHECK(c.smpp_src_addr_ton == 0);
  CHECK(c.smpp_dest_addr_npi == 0);
  CHECK(c.smpp_service_type.empty());
  CHECK(c.smpp_outbound_enc_default == text_encoding::smscdefault);
  CHECK(c.smpp_inbound_enc_default == text_encoding::smscdefault);
  CHECK(c.smpp_ucs2_enc_schema == ucs2_schema::utf16be);
  CHECK(c.smpp_national_language == national_language::none);
  CHECK(c.smpp_long_message_method == long_message_method::udh8);
  CHECK_FALSE(c.smpp_use_msg_payload);
  CHECK(c.smpp_sar_max_segments == 255);
  CHECK_FALSE(c.smpp_sar_prompt_responses);
  CHECK(c.smpp_submit_window_size == 10);
  CHECK(c.smpp_submit_max_rate == 10);
  CHECK(c.smpp_response_max_waiting_time == 30000ms);
  CHECK(c.smpp_enquire_link_timeout == 30s);
  CHECK(c.smpp_comms_timeout == 10s);
  CHECK(c.smpp_receive_timeout == 90s);
  CHECK(c.smpp_queue_size == 10000);
  CHECK(c.smpp_validity_period.empty());
  CHECK_FALSE(c.smpp_delivery_report);
  CHECK(c.smpp_extraopt.empty());
  CHECK(c.smpp_delivery_extraopt.empty());
  CHECK(c.smpp_empty_message == " ");
  CHECK(c.smpp_reassembly_timeout == 300s);
  CHECK(c.smpp_reassembly_deliver_partial);
  CHECK(c.smpp_reassembly_max_bytes == 16u << 20);
  CHECK(c.smpp_reassembly_max_messages == 10000);
  CHECK_FALSE(c.smpp_flash);
  CHECK_FALSE(c.smpp_overwrite);
  CHECK(c.smpp_failover_port == 0);
  CHECK(c.smpp_failover_host.empty());
  CHECK(c.smpp_failover_system_id.empty());
  CHECK(c.smpp_failover_password.empty());
  CHECK(c.smpp_failover_probe_interval == 30s);
  CHECK(c.smpp_error_policy ==
        "ESME_RTHROTTLED: pause 10ms-30s retry 12, ESME_RMSGQFUL: pause 10s-120s retry 5, "
        "ESME_RSYSERR: retry 3 after 1s");
  CHECK(c.smpp_in_flight_on_disconnect == in_flight_action::fail);
  CHECK(c.smpp_tls_mode == tls_mode::none);
  CHECK(c.smpp_tls_version == tls_version::tls1_2);
  CHECK_FALSE(c.debug_mode);
  CHECK(c.jsms_config_file.empty());
}

TEST_CASE("given values arrive typed") {
  channel_settings c = settings_of(channel({
      {"inbound-route", "101:sms_endpoint, 101:chat_endpoint"},
      {"session-by-address", "^49"},
      {"session-by-text", "(?:chat|agent)"},
      {"driver", "smsmms"},
      {"driver-classname", "com.example.SmsDriver"},
      {"default-reply-address", "16502222222"},
      {"password", "secret"},
      {"reconnection-timeout", "60"},
      {"x-smpp-port", "2776"},
      {"x-smpp-system-type", "VMA"},
      {"x-smpp-address-range", "^1650"},
      {"x-smpp-bind-mode", "transmitter"},
      {"x-smpp-src-addr-ton", "Alphanumeric"},
      {"x-smpp-src-addr-npi", "0"},
      {"x-smpp-dest-addr-ton", "1"},
      {"x-smpp-dest-addr-npi", "ISDN"},
      {"x-smpp-service-type", "Cellular Messaging"},
      {"x-smpp-outbound-enc-default", "ucs2"},
      {"x-smpp-inbound-enc-default", "latin1"},
      {"x-smpp-sar-max-segments", "8"},
      {"x-smpp-submit-window-size", "50"},
      {"x-smpp-submit-max-rate", "250000"},
      {"x-smpp-response-max-waiting-time", "5000"},
      {"x-smpp-enquire-link-timeout", "15"},
      {"x-smpp-comms-timeout", "3"},
      {"x-smpp-receive-timeout", "45"},
      {"x-smpp-queue-size", "500"},
      {"x-smpp-validity-period", "000001000000000R"},
      {"x-smpp-delivery-report", "yes"},
      {"x-smpp-extraopt", "{ tlvItems: [ {tag:4401, typ:octets, val:2a03} ] }"},
      {"x-smpp-delivery-extraopt", "tlvItems: [ {tag:4405} ]"},
      {"x-smpp-empty-message", ""},
      {"x-smpp-ucs2-enc-schema", "UCS-2"},
      {"x-smpp-national-language", "Turkish"},
      {"x-smpp-long-message-method", "udh16"},
      {"x-smpp-use-msg-payload", "yes"},
      {"x-smpp-sar-prompt-responses", "on"},
      {"x-smpp-reassembly-timeout", "30"},
      {"x-smpp-reassembly-deliver-partial", "false"},
      {"x-smpp-reassembly-max-bytes", "65536"},
      {"x-smpp-reassembly-max-messages", "7"},
      {"x-smpp-flash", "true"},
      {"x-smpp-overwrite", "1"},
  }));
  CHECK(c.inbound_route ==
        std::vector<endpoint_ref>{{101, "sms_endpoint"}, {101, "chat_endpoint"}});
  CHECK(c.session_by_address == "^49");
  CHECK(c.session_by_text == "(?:chat|agent)");
  CHECK(c.driver == "smsmms");
  CHECK(c.default_reply_address == "16502222222");
  CHECK(c.password == "secret");
  CHECK(c.reconnection_timeout == 60s);
  CHECK(c.smpp_port == 2776);
  CHECK(c.smpp_system_type == "VMA");
  CHECK(c.smpp_address_range == "^1650");
  CHECK(c.smpp_bind_mode == bind_mode::transmitter);
  CHECK(c.smpp_src_addr_ton == 5);
  CHECK(c.smpp_src_addr_npi == 0);
  CHECK(c.smpp_dest_addr_ton == 1);
  CHECK(c.smpp_dest_addr_npi == 1);
  CHECK(c.smpp_service_type == "CMT");
  CHECK(c.smpp_outbound_enc_default == text_encoding::ucs2);
  CHECK(c.smpp_inbound_enc_default == text_encoding::latin1);
  CHECK(c.smpp_sar_max_segments == 8);
  CHECK(c.smpp_submit_window_size == 50);
  CHECK(c.smpp_submit_max_rate == 250000);
  CHECK(c.smpp_response_max_waiting_time == 5s);
  CHECK(c.smpp_enquire_link_timeout == 15s);
  CHECK(c.smpp_comms_timeout == 3s);
  CHECK(c.smpp_receive_timeout == 45s);
  CHECK(c.smpp_queue_size == 500);
  CHECK(c.smpp_validity_period == "000001000000000R");
  CHECK(c.smpp_delivery_report);
  CHECK(c.smpp_extraopt == std::vector<smsdrv::smpp::tlv_item>{{4401, "\x2a\x03"}});
  CHECK(c.smpp_delivery_extraopt == std::vector<smsdrv::smpp::tlv_item>{{4405, ""}});
  CHECK(c.smpp_empty_message.empty());
  CHECK(c.smpp_ucs2_enc_schema == ucs2_schema::ucs2);
  CHECK(c.smpp_national_language == national_language::turkish);
  CHECK(c.smpp_long_message_method == long_message_method::udh16);
  CHECK(c.smpp_use_msg_payload);
  CHECK(c.smpp_sar_prompt_responses);
  CHECK(c.smpp_reassembly_timeout == 30s);
  CHECK_FALSE(c.smpp_reassembly_deliver_partial);
  CHECK(c.smpp_reassembly_max_bytes == 65536);
  CHECK(c.smpp_reassembly_max_messages == 7);
  CHECK(c.smpp_flash);
  CHECK(c.smpp_overwrite);
}

TEST_CASE("problems name source, line, section, option, value and rule") {
  section_builder s("channel-sms1",
                    {{"x-smpp-host", "smsc"}, {"x-smpp-system-id", "esme1"}, {"x-smpp-port", "0"}},
                    "cfg/demo.cfg", 12);
  CHECK(errors_of(s) ==
        list{"cfg/demo.cfg:14: [channel-sms1] x-smpp-port = '0': must be a whole number from 1 "
             "to 65535"});

  section_builder no_source("channel-sms1", {{"x-smpp-port", "0"}});
  no_source.add("x-smpp-host", "smsc").add("x-smpp-system-id", "esme1");
  CHECK(errors_of(no_source) ==
        list{"[channel-sms1] x-smpp-port = '0': must be a whole number from 1 to 65535"});

  section_builder lines_only(
      "channel-sms1", {{"x-smpp-port", "0"}, {"x-smpp-host", "h"}, {"x-smpp-system-id", "e"}}, "",
      3);
  CHECK(errors_of(lines_only) ==
        list{"line 3: [channel-sms1] x-smpp-port = '0': must be a whole number from 1 to 65535"});
}

TEST_CASE("every problem of a section is reported at once, in order") {
  section_builder s("channel-sms1",
                    {{"x-smpp-port", "http"},
                     {"x-smpp-bind-mode", "both"},
                     {"x-smpp-system-id", "a-very-long-system-id"},
                     {"x-smpp-delivery-report", "maybe"},
                     {"x-smpp-extraopt", "{ tlvItems: [ {tag:4401, typ:short, val:70000} ] }"},
                     {"x-smpp-validity-period", "991332000000000+"}},
                    "sms.cfg", 2);
  CHECK(errors_of(s) ==
        list{
            "sms.cfg:2: [channel-sms1] x-smpp-port = 'http': must be a whole number from 1 to "
            "65535",
            "sms.cfg:3: [channel-sms1] x-smpp-bind-mode = 'both': must be one of t, r, tr (also "
            "transmitter, receiver, transceiver)",
            "sms.cfg:4: [channel-sms1] x-smpp-system-id = 'a-very-long-system-id': must be at "
            "most 15 characters (has 21)",
            "sms.cfg:5: [channel-sms1] x-smpp-delivery-report = 'maybe': must be true or false "
            "(also yes/no, on/off, 1/0)",
            "sms.cfg:6: [channel-sms1] x-smpp-extraopt = '{ tlvItems: [ {tag:4401, typ:short, "
            "val:70000} ] }': is not a valid TLV spec: column 41: value 70000 does not fit typ "
            "short (0..65535)",
            "sms.cfg:7: [channel-sms1] x-smpp-validity-period = '991332000000000+': is not a "
            "valid SMPP time (YYMMDDhhmmsstnnp or YYMMDDhhmmss000R): column 3: month 13 is not "
            "01-12",
            "sms.cfg: [channel-sms1] x-smpp-host: required option is missing",
        });
}

TEST_CASE("required options must be given and not empty") {
  CHECK(errors_of(section_builder("channel-a", {})) ==
        list{"[channel-a] x-smpp-host: required option is missing",
             "[channel-a] x-smpp-system-id: required option is missing"});
  CHECK(errors_of(section_builder("channel-a", {{"x-smpp-host", ""}, {"x-smpp-system-id", "e"}})) ==
        list{"[channel-a] x-smpp-host = '': is required"});
}

TEST_CASE("options without a default are not set when empty") {
  channel_settings c = settings_of(channel({{"password", ""},
                                            {"x-smpp-extraopt", ""},
                                            {"inbound-route", ""},
                                            {"x-smpp-tls-certificate-password", ""},
                                            {"x-jsms-config-file", ""}}));
  CHECK(c.password.empty());
  CHECK(c.smpp_extraopt.empty());
  CHECK(c.inbound_route.empty());
}

TEST_CASE("unknown options are warnings naming the option, with a suggestion when close") {
  section_builder s("channel-sms1",
                    {{"x-smpp-hots", "smsc"},
                     {"X-SMPP-PORT", "2775"},
                     {"pasword", "hunter2"},
                     {"colour", "blue"},
                     {"logging-filter-active", "true"}},
                    "sms.cfg", 20);
  s.add("x-smpp-host", "smsc").add("x-smpp-system-id", "esme1");
  auto r = validate_channel_section(s.view());
  CHECK(r.ok());
  CHECK(r.settings.has_value());
  CHECK(r.warnings ==
        list{"sms.cfg:20: [channel-sms1] x-smpp-hots: unknown option, ignored (did you mean "
             "'x-smpp-host'?)",
             "sms.cfg:21: [channel-sms1] X-SMPP-PORT: unknown option, ignored (did you mean "
             "'x-smpp-port'?)",
             "sms.cfg:22: [channel-sms1] pasword: unknown option, ignored (did you mean "
             "'password'?)",
             "sms.cfg:23: [channel-sms1] colour: unknown option, ignored",
             "sms.cfg:24: [channel-sms1] logging-filter-active: unknown option in this section, "
             "ignored (it belongs in [settings])"});
}

TEST_CASE("an option given twice is an error naming both lines") {
  section_builder s("channel-sms1",
                    {{"x-smpp-port", "2775"},
                     {"x-smpp-host", "smsc"},
                     {"x-smpp-system-id", "esme1"},
                     {"x-smpp-port", "2776"}},
                    "sms.cfg", 10);
  CHECK(errors_of(s) == list{"sms.cfg:13: [channel-sms1] x-smpp-port = '2776': given twice "
                             "(lines 10 and 13); keep one"});
  auto no_lines = channel({{"x-smpp-port", "1"}});
  no_lines.add("x-smpp-port", "1");
  CHECK(errors_of(no_lines) == list{"[channel-sms1] x-smpp-port = '1': given twice; keep one"});
}

TEST_CASE("secret values never appear in a message") {
  const std::string secret = "s3cr3tpw!";
  section_builder s("channel-sms1",
                    {{"password", secret},
                     {"password", secret},
                     {"x-smpp-tls-certificate-file-password", secret},
                     {"x-smpp-tls-certificate-password", secret},
                     {"passwort", secret}},
                    "sms.cfg", 1);
  auto r = validate_channel_section(s.view());
  CHECK(r.errors ==
        list{"sms.cfg:1: [channel-sms1] password = '********': must be at most 8 characters",
             "sms.cfg:2: [channel-sms1] password = '********': given twice (lines 1 and 2); keep "
             "one",
             "sms.cfg: [channel-sms1] x-smpp-host: required option is missing",
             "sms.cfg: [channel-sms1] x-smpp-system-id: required option is missing"});
  for (const auto& m : r.errors)
    CHECK(m.find(secret) == std::string::npos);
  for (const auto& m : r.warnings)
    CHECK(m.find(secret) == std::string::npos);
  CHECK(r.warnings.size() == 3);  // passwort; the TLS passwords without x-smpp-tls-mode

  const section_view view = s.view();
  CHECK(channel_option_problem(view, "x-smpp-tls-certificate-password", "wrong password") ==
        "sms.cfg:4: [channel-sms1] x-smpp-tls-certificate-password = '********': wrong password");

  auto bad_ascii = channel({{"password", "pässwd"}});
  CHECK(errors_of(bad_ascii) ==
        list{"[channel-sms1] password = '********': must be printable ASCII"});
}

TEST_CASE("options of later versions are accepted silently at their default only") {
  auto r = validate_channel_section(channel({{"x-smpp-tls-mode", "none"},
                                             {"x-smpp-tls-version", "tlsv1.2"},
                                             {"x-smpp-tls-path-to-certificate", ""},
                                             {"x-smpp-outbound-enc-default", "smcdefaut"}})
                                        .view());
  CHECK(r.ok());
  CHECK(r.warnings.empty());

  CHECK(errors_of(channel({{"x-jsms-config-file", "mms.cfg"},
                           {"x-smpp-outbound-enc-default", "latin1"},
                           {"x-smpp-outbound-enc-default", "ascii"}})) ==
        list{
            "[channel-sms1] x-smpp-outbound-enc-default = 'ascii': given twice; keep one",
        });
  // The MMS settings file is a path here; the driver reads it when it configures the channel.
  CHECK(settings_of(channel({{"x-jsms-config-file", "mms.cfg"}})).jsms_config_file == "mms.cfg");
  // A bad value is reported by its rule first.
  CHECK(errors_of(channel({{"x-smpp-tls-mode", "double"}})) ==
        list{"[channel-sms1] x-smpp-tls-mode = 'double': must be one of none, single, mutual"});
}

TEST_CASE("TLS options: values, mutual needs a file, TLS options without a mode are pointed out") {
  channel_settings c = settings_of(channel({{"x-smpp-tls-mode", "mutual"},
                                            {"x-smpp-tls-version", "TLSv1.3"},
                                            {"x-smpp-tls-path-to-certificate", "/etc/esme.p12"},
                                            {"x-smpp-tls-certificate-file-password", "f"},
                                            {"x-smpp-tls-certificate-password", "k"},
                                            {"x-smpp-tls-host-name", "smsc.example.net"},
                                            {"x-smpp-tls-verification", "insecure-no-host-name"}}));
  CHECK(c.smpp_tls_mode == tls_mode::mutual);
  CHECK(c.smpp_tls_version == tls_version::tls1_3);
  CHECK(c.smpp_tls_path_to_certificate == "/etc/esme.p12");
  CHECK(c.smpp_tls_certificate_file_password == "f");
  CHECK(c.smpp_tls_certificate_password == "k");
  CHECK(c.smpp_tls_host_name == "smsc.example.net");
  CHECK(c.smpp_tls_verification == tls_verification::insecure_no_host_name);
  CHECK(settings_of(channel({})).smpp_tls_verification == tls_verification::full);

  // Below TLS 1.2 only by a value that says insecure.
  CHECK(settings_of(channel({{"x-smpp-tls-version", "TLSv1.1-insecure"}})).smpp_tls_version ==
        tls_version::tls1_1_insecure);
  CHECK(settings_of(channel({{"x-smpp-tls-version", "tlsv1-insecure"}})).smpp_tls_version ==
        tls_version::tls1_0_insecure);
  const list refused = errors_of(channel({{"x-smpp-tls-version", "TLSv1.1"}}));
  REQUIRE(refused.size() == 1);
  CHECK(
      refused[0].starts_with("[channel-sms1] x-smpp-tls-version = 'TLSv1.1': must be one of "
                             "TLSv1.2, TLSv1.3, TLSv1.1-insecure, TLSv1.0-insecure"));
  CHECK(errors_of(channel({{"x-smpp-tls-verification", "none"}})).size() == 1);
  CHECK(errors_of(channel({{"x-smpp-tls-host-name", "smsc:3550"}})).size() == 1);

  section_builder mutual("channel-sms1", {{"x-smpp-tls-mode", "mutual"}}, "sms.cfg", 7);
  mutual.add("x-smpp-host", "h").add("x-smpp-system-id", "e");
  CHECK(errors_of(mutual) ==
        list{"sms.cfg:7: [channel-sms1] x-smpp-tls-mode = 'mutual': needs "
             "x-smpp-tls-path-to-certificate: a PKCS#12 file with our private key and "
             "certificate"});

  // Single mode without a file uses the system trust store: nothing to say.
  auto single = validate_channel_section(channel({{"x-smpp-tls-mode", "single"}}).view());
  CHECK(single.ok());
  CHECK(single.warnings.empty());

  section_builder forgotten("channel-sms1",
                            {{"x-smpp-tls-path-to-certificate", "/etc/smsc.p12"},
                             {"x-smpp-tls-verification", "insecure-none"},
                             {"x-smpp-tls-version", "TLSv1.2"}},
                            "sms.cfg", 3);
  forgotten.add("x-smpp-host", "h").add("x-smpp-system-id", "e");
  auto r = validate_channel_section(forgotten.view());
  CHECK(r.ok());
  CHECK(r.warnings ==
        list{"sms.cfg:3: [channel-sms1] x-smpp-tls-path-to-certificate: ignored: x-smpp-tls-mode "
             "is none, so the link is plain TCP (set it to single or mutual for TLS)",
             "sms.cfg:4: [channel-sms1] x-smpp-tls-verification: ignored: x-smpp-tls-mode is "
             "none, so the link is plain TCP (set it to single or mutual for TLS)"});
}

TEST_CASE("a problem found after validation is reported in the same format") {
  section_builder s("channel-sms1",
                    {{"x-smpp-tls-path-to-certificate", "/etc/esme.p12"},
                     {"x-smpp-tls-certificate-file-password", "hunter2"}},
                    "sms.cfg", 5);
  const section_view v = s.view();
  CHECK(channel_option_problem(v, "x-smpp-tls-path-to-certificate", "cannot read the file") ==
        "sms.cfg:5: [channel-sms1] x-smpp-tls-path-to-certificate = '/etc/esme.p12': cannot read "
        "the file");
  CHECK(channel_option_problem(v, "x-smpp-tls-certificate-file-password", "wrong password") ==
        "sms.cfg:6: [channel-sms1] x-smpp-tls-certificate-file-password = '********': wrong "
        "password");
  CHECK(channel_option_problem(v, "x-smpp-tls-certificate-password", "wrong password") ==
        "sms.cfg: [channel-sms1] x-smpp-tls-certificate-password: wrong password");
}

TEST_CASE("the receive timeout must exceed the enquire_link interval") {
  section_builder s("channel-sms1",
                    {{"x-smpp-host", "h"},
                     {"x-smpp-system-id", "e"},
                     {"x-smpp-enquire-link-timeout", "60"},
                     {"x-smpp-receive-timeout", "60"}},
                    "sms.cfg", 1);
  CHECK(errors_of(s) ==
        list{"sms.cfg:4: [channel-sms1] x-smpp-receive-timeout = '60': must be longer than "
             "x-smpp-enquire-link-timeout (60 seconds), or an idle link is dropped before an "
             "enquire_link can keep it alive"});
  CHECK(errors_of(channel({{"x-smpp-enquire-link-timeout", "120"}})) ==
        list{"[channel-sms1] x-smpp-receive-timeout = '90': must be longer than "
             "x-smpp-enquire-link-timeout (120 seconds), or an idle link is dropped before an "
             "enquire_link can keep it alive"});
  CHECK(errors_of(channel({{"x-smpp-receive-timeout", "10"}, {"x-smpp-port", "0"}})) ==
        list{"[channel-sms1] x-smpp-port = '0': must be a whole number from 1 to 65535",
             "[channel-sms1] x-smpp-receive-timeout = '10': must be longer than "
             "x-smpp-enquire-link-timeout (30 seconds), or an idle link is dropped before an "
             "enquire_link can keep it alive"});
  CHECK(errors_of(
            channel({{"x-smpp-receive-timeout", "10"}, {"x-smpp-enquire-link-timeout", "0"}})) ==
        list{"[channel-sms1] x-smpp-enquire-link-timeout = '0': must be a whole number of "
             "seconds from 1 to 3600"});
  CHECK(settings_of(
            channel({{"x-smpp-enquire-link-timeout", "120"}, {"x-smpp-receive-timeout", "121"}}))
            .smpp_receive_timeout == 121s);
}

TEST_CASE("values are shown printable and shortened in messages") {
  auto errors =
      errors_of(channel({{"x-smpp-system-type", std::string("a\nb") + std::string(80, 'c')}}));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "[channel-sms1] x-smpp-system-type = 'a\\x0ab" + std::string(61, 'c') +
                         "...': must be printable ASCII ('\\x0a' at character 2 is not)");
}

TEST_CASE("only channel sections and consistent arrays are validated") {
  CHECK(errors_of(section_builder("settings", {})) ==
        list{"[settings] (section): not a channel section (expected [channel-<name>])"});
  CHECK(errors_of(section_builder("channel-", {})) ==
        list{"[channel-] (section): not a channel section (expected [channel-<name>])"});
  section_builder s = channel({});
  s.lines = {1};
  CHECK(errors_of(s) == list{"[channel-sms1] (section): internal error: 2 keys, 2 values and 1 "
                             "line numbers given"});
  CHECK(classify_section("channel-x") == section_kind::channel);
  CHECK(classify_section("log-filter") == section_kind::log_filter);
  CHECK(classify_section("log-filter-data") == section_kind::log_filter_data);
  CHECK(classify_section("settings") == section_kind::settings);
  CHECK(classify_section("Channel-x") == section_kind::other);
}

TEST_CASE("failover, error policy and in-flight options (docs/reliability.md)") {
  channel_settings c = settings_of(channel({{"x-smpp-failover-host", "smsc2.example.com"},
                                            {"x-smpp-failover-port", "2776"},
                                            {"x-smpp-failover-system-id", "esme1-b"},
                                            {"x-smpp-failover-password", "pw2"},
                                            {"x-smpp-failover-probe-interval", "5"},
                                            {"x-smpp-error-policy", "ESME_RTHROTTLED: retry 2"},
                                            {"x-smpp-in-flight-on-disconnect", "Resubmit"}}));
  CHECK(c.smpp_failover_host == "smsc2.example.com");
  CHECK(c.smpp_failover_port == 2776);
  CHECK(c.smpp_failover_system_id == "esme1-b");
  CHECK(c.smpp_failover_password == "pw2");
  CHECK(c.smpp_failover_probe_interval == 5s);
  CHECK(c.smpp_error_policy == "ESME_RTHROTTLED: retry 2");
  CHECK(c.smpp_in_flight_on_disconnect == in_flight_action::resubmit);
  // The same host on another port is another SMSC.
  CHECK(settings_of(channel({{"x-smpp-failover-host", "SMSC.example.com"},
                             {"x-smpp-failover-port", "2776"}}))
            .smpp_failover_port == 2776);

  CHECK(errors_of(channel({{"x-smpp-error-policy", "ESME_RTHROTTLED pause 1s"},
                           {"x-smpp-in-flight-on-disconnect", "retry"}})) ==
        list{"[channel-sms1] x-smpp-error-policy = 'ESME_RTHROTTLED pause 1s': is not a valid "
             "error policy: column 17: expected ':' after ESME_RTHROTTLED",
             "[channel-sms1] x-smpp-in-flight-on-disconnect = 'retry': must be one of fail, "
             "resubmit"});
  CHECK(errors_of(channel({{"x-smpp-failover-port", "2776"},
                           {"x-smpp-failover-password", "secret"},
                           {"x-smpp-failover-probe-interval", "60"}})) ==
        list{"[channel-sms1] x-smpp-failover-port: has no effect without x-smpp-failover-host; "
             "set x-smpp-failover-host or remove this option",
             "[channel-sms1] x-smpp-failover-password: has no effect without "
             "x-smpp-failover-host; set x-smpp-failover-host or remove this option",
             "[channel-sms1] x-smpp-failover-probe-interval: has no effect without "
             "x-smpp-failover-host; set x-smpp-failover-host or remove this option"});
  // Empty values, and the probe interval at its default (as the shipped file has it), are fine.
  CHECK(settings_of(channel({{"x-smpp-failover-probe-interval", "30"}}))
            .smpp_failover_probe_interval == 30s);
  CHECK(settings_of(channel({{"x-smpp-failover-host", ""}, {"x-smpp-failover-port", ""}}))
            .smpp_failover_host.empty());
  CHECK(errors_of(channel({{"x-smpp-failover-host", "smsc.example.com"}})) ==
        list{"[channel-sms1] x-smpp-failover-host = 'smsc.example.com': names the primary SMSC "
             "(smsc.example.com:2775, x-smpp-host and x-smpp-port); the failover SMSC must be "
             "another host or port"});
  CHECK(errors_of(channel({{"x-smpp-failover-host", "smsc.example.com"},
                           {"x-smpp-port", "2776"},
                           {"x-smpp-failover-port", "2776"}})) ==
        list{"[channel-sms1] x-smpp-failover-host = 'smsc.example.com': names the primary SMSC "
             "(smsc.example.com:2776, x-smpp-host and x-smpp-port); the failover SMSC must be "
             "another host or port"});
  CHECK(errors_of(
            channel({{"x-smpp-failover-host", "h"}, {"x-smpp-failover-password", "123456789"}})) ==
        list{"[channel-sms1] x-smpp-failover-password = '********': must be at most 8 characters"});
}

TEST_CASE("file paths, section and option names are printed whole, however long") {
  const std::string source =
      "/srv/dms/media-channel-drivers/channel-smsmms/Configuration/a-very-long-folder-name/"
      "SmsMmsDriver.cfg";
  const std::string name = "channel-" + std::string(80, 'n');
  const std::string option = "x-smpp-" + std::string(70, 'o');
  const std::string path = "/etc/smsmms/" + std::string(100, 'p') + ".p12";
  section_builder s(name,
                    {{"x-smpp-host", "smsc.example.com"},
                     {"x-smpp-system-id", "esme1"},
                     {"x-smpp-port", "0"},
                     {option, "1"},
                     {"x-smpp-tls-path-to-certificate", path}},
                    source, 4);
  auto r = validate_channel_section(s.view());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].starts_with(source + ":6: [" + name + "] x-smpp-port = '0': "));
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[0].starts_with(source + ":7: [" + name + "] " + option + ": unknown option"));
  CHECK(r.warnings[1].starts_with(source + ":8: [" + name + "] x-smpp-tls-path-to-certificate:"));
  CHECK(channel_option_problem(s.view(), "x-smpp-tls-path-to-certificate", "cannot be read") ==
        source + ":8: [" + name + "] x-smpp-tls-path-to-certificate = '" + path +
            "': cannot be read");
}
