#include "abi/channel_setup.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "channel/text_choices.hpp"
#include "config/redis_url.hpp"
#include "http/gateway_url.hpp"

namespace smsdrv::abi {
namespace {

smpp::bind_mode bind_mode_of(config::bind_mode m) {
  switch (m) {
    case config::bind_mode::transmitter:
      return smpp::bind_mode::transmitter;
    case config::bind_mode::receiver:
      return smpp::bind_mode::receiver;
    case config::bind_mode::transceiver:
      return smpp::bind_mode::transceiver;
  }
  return smpp::bind_mode::transceiver;
}

}  // namespace

channel::channel_config channel_config_of(const config::channel_settings& s,
                                          std::string_view application_name) {
  channel::channel_config c;
  c.name = s.channel;
  c.application_name = std::string(application_name);
  c.endpoints.push_back({s.smpp_host, s.smpp_port});
  if (!s.smpp_failover_host.empty())
    c.endpoints.push_back({s.smpp_failover_host,
                           s.smpp_failover_port != 0 ? s.smpp_failover_port : s.smpp_port,
                           s.smpp_failover_system_id, s.smpp_failover_password});
  c.failover_probe_interval = s.smpp_failover_probe_interval;
  c.session.mode = bind_mode_of(s.smpp_bind_mode);
  c.session.system_id = s.smpp_system_id;
  c.session.password = s.password;
  c.session.system_type = s.smpp_system_type;
  c.session.address_range = s.smpp_address_range;
  c.session.response_timeout = s.smpp_response_max_waiting_time;
  c.session.request_timeout = s.smpp_response_max_waiting_time;
  c.session.enquire_link_interval = s.smpp_enquire_link_timeout;
  c.session.dead_peer_timeout = s.smpp_receive_timeout;
  c.window = s.smpp_submit_window_size;
  c.max_rate = s.smpp_submit_max_rate;
  c.queue_size = s.smpp_queue_size;
  c.sessions = std::max<std::uint32_t>(s.smpp_sessions, 1);
  c.metrics->set_sessions(c.sessions);
  c.connect_timeout = s.smpp_comms_timeout;
  c.reconnect_cap = s.reconnection_timeout;
  // Validated, so it parses (config/option_value.cpp); the defaults otherwise.
  auto policy = flow::error_policy::parse(s.smpp_error_policy);
  if (auto* p = std::get_if<flow::error_policy>(&policy)) c.error_policy = std::move(*p);
  c.in_flight_on_disconnect = s.smpp_in_flight_on_disconnect == config::in_flight_action::resubmit
                                  ? channel::in_flight_policy::resubmit
                                  : channel::in_flight_policy::fail;
  c.empty_message = s.smpp_empty_message;
  c.reassembly.decoding.smsc_default = channel::inbound_default_of(s.smpp_inbound_enc_default);
  c.reassembly.timeout = s.smpp_reassembly_timeout;
  c.reassembly.deliver_partial = s.smpp_reassembly_deliver_partial;
  c.reassembly.max_bytes = s.smpp_reassembly_max_bytes;
  c.reassembly.max_messages = s.smpp_reassembly_max_messages;
  c.inbound_max_unacked = s.smpp_inbound_max_unacked;
  c.inbound_max_unacked_bytes = s.smpp_inbound_max_unacked_bytes;
  c.trace_pdus = s.debug_mode;
  if (!s.shared_limits_redis_url.empty()) {
    // Validated, so it parses (config/option_value.cpp).
    auto url = config::parse_redis_url(s.shared_limits_redis_url);
    if (auto* u = std::get_if<config::redis_url>(&url)) {
      channel::account_limits a;
      a.redis_host = u->host;
      a.redis_port = u->port;
      a.redis_db = u->db;
      a.redis_password = s.shared_limits_redis_password;
      a.account = s.shared_limits_account.empty() ? s.smpp_system_id : s.shared_limits_account;
      a.lease.account_rate = s.shared_limits_rate;
      a.lease.lease_size = s.shared_limits_lease_size;
      a.lease.local_share_percent = s.shared_limits_local_share;
      a.reassembly = s.shared_limits_reassembly;
      a.window.window = s.shared_limits_window;
      a.window.local_share_percent = s.shared_limits_local_share;
      c.shared_limits = std::move(a);
      c.metrics->set_shared_limits();
    }
  }
  return c;
}

channel::composer_settings composer_settings_of(const config::channel_settings& s) {
  channel::composer_settings c;
  c.channel = s.channel;
  c.default_source = s.default_reply_address;
  c.source_addr_ton = s.smpp_src_addr_ton;
  c.source_addr_npi = s.smpp_src_addr_npi;
  c.dest_addr_ton = s.smpp_dest_addr_ton;
  c.dest_addr_npi = s.smpp_dest_addr_npi;
  c.service_type = s.smpp_service_type;
  c.validity_period = s.smpp_validity_period;
  c.delivery_report = s.smpp_delivery_report;
  c.prompt_responses = s.smpp_sar_prompt_responses;
  c.flash = s.smpp_flash;
  c.overwrite = s.smpp_overwrite;
  c.encoding.requested = channel::encoding_of(s.smpp_outbound_enc_default);
  c.encoding.schema = channel::ucs2_schema_of(s.smpp_ucs2_enc_schema);
  c.encoding.language = channel::national_language_of(s.smpp_national_language);
  c.long_messages = channel::concat_method_of(s.smpp_long_message_method);
  c.use_message_payload = s.smpp_use_msg_payload;
  c.max_segments = s.smpp_sar_max_segments;
  c.extraopt = s.smpp_extraopt;
  c.delivery_extraopt = s.smpp_delivery_extraopt;
  return c;
}

namespace {

// "<name>=<value>" of x-http-flash-param / x-http-overwrite-param (validated), or none.
std::optional<http::parameter> parameter_of(const std::string& name_value) {
  const std::size_t eq = name_value.find('=');
  if (name_value.empty() || eq == std::string::npos) return std::nullopt;
  return http::parameter{name_value.substr(0, eq), name_value.substr(eq + 1), false};
}

}  // namespace

channel::http_composer_settings http_composer_settings_of(const config::channel_settings& s) {
  channel::http_composer_settings c;
  c.channel = s.channel;
  c.default_source = s.default_reply_address;
  c.flash = s.http_flash;
  c.overwrite = s.http_overwrite;
  http::request_settings& r = c.request;
  r.verb = s.http_method_used == config::http_method::get ? http::method::get : http::method::post;
  r.url = s.http_url;
  r.destination_param = s.http_destination_param;
  r.message_param = s.http_message_param;
  r.sender_param = s.http_sender_param;
  r.spaces = s.http_space_encoding_used == config::http_space_encoding::percent20
                 ? http::space_encoding::percent20
                 : http::space_encoding::plus;
  for (const config::http_param& p : s.http_params)
    r.extra.push_back({p.name, p.value, p.secret});
  r.flash = parameter_of(s.http_flash_param);
  r.overwrite = parameter_of(s.http_overwrite_param);
  return c;
}

channel::http_channel_config http_channel_config_of(const config::channel_settings& s) {
  channel::http_channel_config c;
  c.name = s.channel;
  // The gateway as events name it: scheme, host and port, nothing that could be secret.
  auto url = http::parse_gateway_url(s.http_url);
  if (const auto* u = std::get_if<http::gateway_url>(&url))
    c.gateway = fmt::format("{}://{}:{}", u->https ? "https" : "http", u->host, u->port);
  c.window = s.http_max_concurrent_requests;
  c.max_rate = s.http_max_rate;
  c.queue_size = s.http_queue_size;
  c.max_waiting = s.http_request_timeout;
  c.reconnect_cap = s.reconnection_timeout;
  c.resubmit_unknown = s.http_on_outcome_unknown == config::in_flight_action::resubmit;
  c.trace = s.debug_mode;
  c.rules.success_contains = s.http_success_contains;
  if (!s.http_message_id_regex.empty()) {
    auto compiled = http::message_id_pattern::compile(s.http_message_id_regex);
    if (auto* p = std::get_if<http::message_id_pattern>(&compiled)) c.rules.message_id = *p;
  }
  // Every secret of the channel, for whatever might quote one.
  c.secrets = channel::http_composer(http_composer_settings_of(s)).builder().secrets();
  c.secrets.add(s.http_proxy_password);
  c.secrets.add(s.http_tls_certificate_file_password);
  return c;
}

io::http_client_settings http_client_settings_of(const config::channel_settings& s,
                                                 std::shared_ptr<const io::tls_client> trust) {
  io::http_client_settings c;
  c.connect_timeout = s.http_connect_timeout;
  c.request_timeout = s.http_request_timeout;
  c.max_connections = s.http_max_concurrent_requests;
  c.io_threads = s.http_io_threads;
  c.keep_alive = s.http_keep_alive;
  c.keep_alive_idle = s.http_keep_alive_idle;
  c.proxy_url = s.http_proxy_url;
  c.proxy_port = s.http_proxy_port;
  c.proxy_user = s.http_proxy_user;
  c.proxy_password = s.http_proxy_password;
  c.tls_version = s.http_tls_version;
  c.tls_verification = s.http_tls_verification;
  c.trust = std::move(trust);
  c.user_agent = "smsmms";
  return c;
}

io::tls_settings http_tls_settings_of(const config::channel_settings& s) {
  io::tls_settings t;
  auto url = http::parse_gateway_url(s.http_url);
  const auto* u = std::get_if<http::gateway_url>(&url);
  if (u == nullptr || !u->https || s.http_tls_path_to_certificate.empty()) return t;
  t.mode = config::tls_mode::single;
  t.version = s.http_tls_version;
  t.verification = s.http_tls_verification;
  t.path = s.http_tls_path_to_certificate;
  t.file_password = s.http_tls_certificate_file_password;
  return t;
}

}  // namespace smsdrv::abi
