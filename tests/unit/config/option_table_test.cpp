#include "config/option_table.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "config/option_value.hpp"
#include "config/text_util.hpp"

using namespace smsdrv::config;

namespace {

std::set<std::string> names_where(bool (*pred)(const option_def&)) {
  std::set<std::string> out;
  for (const auto& def : channel_options())
    if (pred(def)) out.emplace(def.name);
  return out;
}

}  // namespace

TEST_CASE("the channel table has every option of spec §2, each once") {
  const std::set<std::string> spec_options = {
      "inbound-route", "session-by-address", "session-by-text", "default-reply-address", "password",
      "reconnection-timeout", "x-smpp-host", "x-smpp-port", "x-smpp-system-id",
      "x-smpp-system-type", "x-smpp-address-range", "x-smpp-bind-mode", "x-smpp-src-addr-ton",
      "x-smpp-src-addr-npi", "x-smpp-dest-addr-ton", "x-smpp-dest-addr-npi", "x-smpp-service-type",
      "x-smpp-outbound-enc-default", "x-smpp-inbound-enc-default", "x-smpp-ucs2-enc-schema",
      "x-smpp-use-msg-payload", "x-smpp-sar-max-segments", "x-smpp-sar-prompt-responses",
      "x-smpp-submit-window-size", "x-smpp-submit-max-rate", "x-smpp-response-max-waiting-time",
      "x-smpp-enquire-link-timeout", "x-smpp-comms-timeout", "x-smpp-receive-timeout",
      "x-smpp-validity-period", "x-smpp-delivery-report", "x-smpp-extraopt",
      "x-smpp-delivery-extraopt", "x-smpp-empty-message", "x-smpp-tls-mode", "x-smpp-tls-version",
      "x-smpp-tls-path-to-certificate", "x-smpp-tls-certificate-file-password",
      "x-smpp-tls-certificate-password", "x-debug-mode", "x-jsms-config-file",
      // host options, and ours: queue, flash, overwrite, a failover SMSC, TLS (docs/options.md)
      "driver", "driver-classname", "x-smpp-queue-size", "x-smpp-flash", "x-smpp-overwrite",
      "x-smpp-failover-host", "x-smpp-failover-port", "x-smpp-tls-host-name",
      "x-smpp-tls-verification",
      // text and long messages (docs/text.md)
      "x-smpp-national-language", "x-smpp-long-message-method", "x-smpp-reassembly-timeout",
      "x-smpp-reassembly-deliver-partial", "x-smpp-reassembly-max-bytes",
      "x-smpp-reassembly-max-messages",
      // failover account and probing, error policy, in-flight submissions at a loss
      // (docs/reliability.md)
      "x-smpp-failover-system-id", "x-smpp-failover-password", "x-smpp-failover-probe-interval",
      "x-smpp-error-policy", "x-smpp-in-flight-on-disconnect",
      // inbound back-pressure
      "x-smpp-inbound-max-unacked", "x-smpp-inbound-max-unacked-bytes",
      // HTTP(S) gateways (docs/http.md), failover to another channel
      "x-gateway-type", "x-failover-channel", "x-http-method", "x-http-url",
      "x-http-destination-param", "x-http-message-param", "x-http-sender-param",
      "x-http-space-encoding", "x-http-param-<N>", "x-http-password-param-<N>",
      "x-http-success-contains", "x-http-message-id-regex", "x-http-flash", "x-http-flash-param",
      "x-http-overwrite", "x-http-overwrite-param", "x-http-proxy-url", "x-http-proxy-port",
      "x-http-proxy-user", "x-http-proxy-password", "x-http-tls-version",
      "x-http-tls-path-to-certificate", "x-http-tls-certificate-file-password",
      "x-http-tls-verification", "x-http-connect-timeout", "x-http-request-timeout",
      "x-http-max-concurrent-requests", "x-http-io-threads", "x-http-max-rate", "x-http-queue-size",
      "x-http-keep-alive", "x-http-keep-alive-idle", "x-http-on-outcome-unknown",
      // several binds per channel, the SMSC account's rate shared by every host through Redis
      // (docs/scaling.md)
      "x-smpp-sessions", "x-shared-limits-redis-url", "x-shared-limits-redis-password",
      "x-shared-limits-account", "x-shared-limits-rate", "x-shared-limits-local-share",
      "x-shared-limits-lease-size", "x-shared-limits-reassembly", "x-shared-limits-window"};
  std::set<std::string> names;
  for (const auto& def : channel_options()) {
    CAPTURE(def.name);
    CHECK(names.emplace(def.name).second);
  }
  CHECK(names == spec_options);
}

TEST_CASE("every row is complete and its default passes its own rule") {
  auto check_rows = [](std::span<const option_def> table) {
    for (const auto& def : table) {
      CAPTURE(def.name);
      CHECK_FALSE(def.meaning.empty());
      CHECK(def.meaning.find('\n') == std::string_view::npos);
      // An indexed family ends in <N> and has a largest N; other names are plain.
      std::string_view name = def.name;
      if (def.max_index > 0) {
        CHECK(name.ends_with("-<N>"));
        name.remove_suffix(3);
      }
      if (&def != &log_filter_data_option())
        CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") ==
              std::string_view::npos);
      if (!def.supported) CHECK_FALSE(def.feature.empty());
      if (def.required) CHECK_FALSE(def.has_default);
      if (def.has_default) CHECK(check_value(def, def.default_value).problem == "");
      if (!def.has_default) CHECK(def.default_value.empty());
      if (def.type == option_type::integer) CHECK(def.min <= def.max);
      if (!def.has_default && !def.example.empty())
        CHECK(check_value(def, def.example).problem == "");
      std::set<std::string> spellings;
      for (const auto& c : def.choices) {
        CHECK(spellings.insert(normalized_name(c.name)).second);
        if (!c.supported) CHECK_FALSE(def.feature.empty());
      }
    }
  };
  check_rows(channel_options());
  check_rows(settings_options());
  check_rows(log_filter_options());
  check_rows(std::span(&log_filter_data_option(), 1));
}

TEST_CASE("secrets, required options, host options and not-yet-supported ones are as decided") {
  CHECK(names_where([](const option_def& d) { return d.secret; }) ==
        std::set<std::string>{
            "password", "x-smpp-failover-password", "x-smpp-tls-certificate-file-password",
            "x-smpp-tls-certificate-password", "x-http-password-param-<N>", "x-http-proxy-password",
            "x-http-tls-certificate-file-password", "x-shared-limits-redis-password"});
  CHECK(names_where([](const option_def& d) { return d.required; }) ==
        std::set<std::string>{"x-smpp-host", "x-smpp-system-id", "x-http-url",
                              "x-http-destination-param", "x-http-message-param"});
  // Required options are required for their gateway kind only.
  for (const auto& def : channel_options())
    if (def.required) CHECK(gateway_of(def) != option_gateway::any);
  CHECK(gateway_of(*find_option(channel_options(), "password")) == option_gateway::smpp);
  CHECK(gateway_of(*find_option(channel_options(), "x-smpp-port")) == option_gateway::smpp);
  CHECK(gateway_of(*find_option(channel_options(), "x-http-url")) == option_gateway::http);
  CHECK(gateway_of(*find_option(channel_options(), "default-reply-address")) ==
        option_gateway::any);
  CHECK(names_where([](const option_def& d) { return d.scope == option_scope::host; }) ==
        std::set<std::string>{"inbound-route", "session-by-address", "session-by-text", "driver",
                              "driver-classname"});
  CHECK(names_where([](const option_def& d) { return !d.supported; }).empty());
  const option_def* enc = find_option(channel_options(), "x-smpp-outbound-enc-default");
  REQUIRE(enc);
  std::set<std::string> supported;
  for (const auto& c : enc->choices)
    if (c.supported) supported.emplace(c.name);
  CHECK(supported == std::set<std::string>{"smscdefault", "ascii", "latin1", "ucs2", "utf16be"});
  for (const auto& def : settings_options())
    CHECK(def.supported);
  for (const auto& def : log_filter_options())
    CHECK(def.supported);
  CHECK(log_filter_data_option().supported);
}

TEST_CASE("published defaults are fixed") {
  auto default_of = [](std::string_view name) {
    const option_def* def = find_option(channel_options(), name);
    REQUIRE(def);
    return std::string(def->default_value);
  };
  CHECK(default_of("reconnection-timeout") == "180");
  CHECK(default_of("x-smpp-sar-max-segments") == "255");
  CHECK(default_of("x-smpp-submit-window-size") == "10");
  CHECK(default_of("x-smpp-submit-max-rate") == "10");
  CHECK(default_of("x-smpp-response-max-waiting-time") == "30000");
  CHECK(default_of("x-smpp-empty-message") == " ");
  CHECK(find_option(channel_options(), "nonexistent") == nullptr);
  // Indexed families match by their prefix and a number.
  const option_def* param = find_option(channel_options(), "x-http-param-12");
  REQUIRE(param);
  CHECK(param->name == "x-http-param-<N>");
  CHECK(option_index(*param, "x-http-param-12") == 12u);
  CHECK(option_index(*param, "x-http-param-012") == 12u);  // refused by the validator
  CHECK(find_option(channel_options(), "x-http-param-") == nullptr);
  CHECK(find_option(channel_options(), "x-http-param-1a") == nullptr);
  CHECK(find_option(channel_options(), "x-http-password-param-3")->secret);
  CHECK(find_option(channel_options(), "X-SMPP-HOST") == nullptr);  // names are case-sensitive
}
