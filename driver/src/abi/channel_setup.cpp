#include "abi/channel_setup.hpp"

#include "channel/text_choices.hpp"

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

}  // namespace smsdrv::abi
