// The typed configuration of one channel ([channel-<name>] section), produced by
// validate_channel_section() from the option table (option_table.cpp, docs/options.md). Every
// member holds the given value or the table's default; options without a default that were not
// given are empty.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "smpp/tlv_spec.hpp"

namespace smsdrv::config {

// x-smpp-bind-mode: which bind operation opens the session (SMPP v3.4 §4.1).
enum class bind_mode : std::uint8_t { transmitter, receiver, transceiver };

// x-smpp-outbound-enc-default / x-smpp-inbound-enc-default.
enum class text_encoding : std::uint8_t {
  smscdefault,  // GSM 03.38 default alphabet, data_coding 0
  ascii,        // IA5, data_coding 1
  latin1,       // ISO-8859-1, data_coding 3
  ucs2,         // data_coding 8
  utf16be,      // data_coding 8, surrogate pairs allowed
};

// x-smpp-ucs2-enc-schema: how data_coding 8 text is written and read.
enum class ucs2_schema : std::uint8_t { utf16be, ucs2 };

// x-smpp-long-message-method: how the parts of a long message are tied together (the fourth
// way, one PDU with message_payload, is x-smpp-use-msg-payload).
enum class long_message_method : std::uint8_t {
  udh8,   // UDH IE 0x00, 8-bit reference (3GPP TS 23.040 §9.2.3.24.1)
  udh16,  // UDH IE 0x08, 16-bit reference (§9.2.3.24.8)
  sar,    // TLVs sar_msg_ref_num, sar_total_segments, sar_segment_seqnum (SMPP v3.4 §5.3.2.22-24)
};

// x-smpp-national-language: the GSM national language shift tables tried before UCS-2
// (3GPP TS 23.038 §6.2.1.2.4 identifiers).
enum class national_language : std::uint8_t { none = 0, turkish = 1, spanish = 2, portuguese = 3 };

// x-smpp-in-flight-on-disconnect: submissions unanswered when the link is lost.
enum class in_flight_action : std::uint8_t { fail, resubmit };

// x-smpp-tls-mode.
enum class tls_mode : std::uint8_t { none, single, mutual };

// x-smpp-tls-version: the lowest protocol version offered. Below TLS 1.2 only when asked for by
// a value that says "insecure" (docs/tls.md).
enum class tls_version : std::uint8_t { tls1_2, tls1_3, tls1_0_insecure, tls1_1_insecure };

// x-smpp-tls-verification: how the SMSC's certificate is checked. Anything but full is insecure
// and logged as such at every connection.
enum class tls_verification : std::uint8_t {
  full,                   // chain to a trusted certificate, and the host name
  insecure_no_host_name,  // chain only: any certificate of a trusted CA is accepted
  insecure_none,          // nothing: anyone in the path can read and change the traffic
};

// x-gateway-type: the kind of gateway the channel talks to.
enum class gateway_type : std::uint8_t { smpp, http };

// x-http-method (spec §2, generic HTTP(S) gateway: "Method Name").
enum class http_method : std::uint8_t { get, post };

// x-http-space-encoding (spec §2, generic HTTP(S) gateway, "Add parameters to URL": true = '+',
// false = "%20").
enum class http_space_encoding : std::uint8_t { plus, percent20 };

// One x-http-param-<N> / x-http-password-param-<N>: "<name>=<value>", sent after the predefined
// parameters in the order of N.
struct http_param {
  std::uint32_t index = 0;  // N
  std::string name;
  std::string value;
  bool secret = false;  // x-http-password-param-<N> (spec §2: "Is Password")

  friend bool operator==(const http_param&, const http_param&) = default;
};

// One entry of inbound-route: "<tenant>:<endpoint>", e.g. "101:sms_endpoint".
struct endpoint_ref {
  std::uint32_t tenant = 0;
  std::string endpoint;

  friend bool operator==(const endpoint_ref&, const endpoint_ref&) = default;
};

// "101:sms_endpoint"
std::string to_string(const endpoint_ref& e);

struct channel_settings {
  std::string channel;  // the section name, e.g. "channel-sms1" (_umsChannel)

  // Host options: read by the host for routing, validated here so every error looks the same.
  std::vector<endpoint_ref> inbound_route;  // [0] paging endpoint, [1] chat-session endpoint
  std::string session_by_address;           // ECMAScript regex, "" = none
  std::string session_by_text;              // ECMAScript regex, "" = none
  std::string driver;                       // module that handles the section

  std::string default_reply_address;
  std::string password;
  std::chrono::seconds reconnection_timeout{};
  std::string smpp_host;
  std::uint16_t smpp_port = 0;
  std::string smpp_system_id;
  std::string smpp_system_type;
  std::string smpp_address_range;
  bind_mode smpp_bind_mode = bind_mode::transceiver;
  std::uint8_t smpp_src_addr_ton = 0;
  std::uint8_t smpp_src_addr_npi = 0;
  std::uint8_t smpp_dest_addr_ton = 0;
  std::uint8_t smpp_dest_addr_npi = 0;
  std::string smpp_service_type;  // the wire value: "", "CMT", ...
  text_encoding smpp_outbound_enc_default = text_encoding::smscdefault;
  text_encoding smpp_inbound_enc_default = text_encoding::smscdefault;
  ucs2_schema smpp_ucs2_enc_schema = ucs2_schema::utf16be;
  national_language smpp_national_language = national_language::none;
  long_message_method smpp_long_message_method = long_message_method::udh8;
  bool smpp_use_msg_payload = false;
  std::uint32_t smpp_sar_max_segments = 0;
  bool smpp_sar_prompt_responses = false;
  std::uint32_t smpp_submit_window_size = 0;
  std::uint32_t smpp_submit_max_rate = 0;  // submit_sm per second
  std::chrono::milliseconds smpp_response_max_waiting_time{};
  std::chrono::seconds smpp_enquire_link_timeout{};
  std::chrono::seconds smpp_comms_timeout{};
  std::chrono::seconds smpp_receive_timeout{};
  std::uint32_t smpp_queue_size = 0;
  std::uint32_t smpp_sessions = 0;   // binds to the SMSC
  std::string smpp_validity_period;  // SMPP v3.4 §7.1.1 time string, "" = not set
  bool smpp_delivery_report = false;
  std::vector<smpp::tlv_item> smpp_extraopt;
  std::vector<smpp::tlv_item> smpp_delivery_extraopt;
  std::string smpp_empty_message;
  std::chrono::seconds smpp_reassembly_timeout{};
  bool smpp_reassembly_deliver_partial = true;
  std::uint32_t smpp_reassembly_max_bytes = 0;
  std::uint32_t smpp_reassembly_max_messages = 0;
  std::uint32_t smpp_inbound_max_unacked = 0;
  std::uint32_t smpp_inbound_max_unacked_bytes = 0;
  bool smpp_flash = false;
  bool smpp_overwrite = false;
  std::string smpp_failover_host;
  std::uint16_t smpp_failover_port = 0;  // 0: same as smpp_port
  std::string smpp_failover_system_id;   // "": same as smpp_system_id
  std::string smpp_failover_password;    // "": same as password
  std::chrono::seconds smpp_failover_probe_interval{};
  std::string smpp_error_policy;  // valid text of flow::error_policy::parse()
  in_flight_action smpp_in_flight_on_disconnect = in_flight_action::fail;
  tls_mode smpp_tls_mode = tls_mode::none;
  tls_version smpp_tls_version = tls_version::tls1_2;
  std::string smpp_tls_path_to_certificate;
  std::string smpp_tls_certificate_file_password;
  std::string smpp_tls_certificate_password;
  std::string smpp_tls_host_name;  // "" = x-smpp-host
  tls_verification smpp_tls_verification = tls_verification::full;
  bool debug_mode = false;
  std::string jsms_config_file;

  gateway_type gateway = gateway_type::smpp;
  std::string failover_channel;  // x-failover-channel: "channel-<name>", "" = none

  // x-gateway-type = http: a generic HTTP(S) SMS gateway (spec §2, docs/http.md).
  http_method http_method_used = http_method::post;
  std::string http_url;
  std::string http_destination_param;
  std::string http_message_param;
  std::string http_sender_param;  // "" = no sender parameter
  http_space_encoding http_space_encoding_used = http_space_encoding::plus;
  std::vector<http_param> http_params;  // by index
  std::string http_success_contains;    // "" = any 2xx
  std::string http_message_id_regex;    // "" = none
  bool http_flash = false;
  bool http_overwrite = false;
  std::string http_flash_param;       // "<name>=<value>", "" = flash refused
  std::string http_overwrite_param;   // "<name>=<value>", "" = overwrite refused
  std::string http_proxy_url;         // "" = no proxy
  std::uint16_t http_proxy_port = 0;  // 0: the port in http_proxy_url
  std::string http_proxy_user;
  std::string http_proxy_password;
  tls_version http_tls_version = tls_version::tls1_2;
  std::string http_tls_path_to_certificate;  // "" = the system trust store
  std::string http_tls_certificate_file_password;
  tls_verification http_tls_verification = tls_verification::full;
  std::chrono::seconds http_connect_timeout{};
  std::chrono::seconds http_request_timeout{};
  std::uint32_t http_max_concurrent_requests = 0;
  std::uint32_t http_io_threads = 0;  // 0 = the driver's I/O thread
  std::uint32_t http_max_rate = 0;    // requests per second
  std::uint32_t http_queue_size = 0;
  bool http_keep_alive = true;
  std::chrono::seconds http_keep_alive_idle{};
  in_flight_action http_on_outcome_unknown = in_flight_action::fail;

  // The SMSC account's rate shared by every host through Redis (docs/scaling.md).
  std::string shared_limits_redis_url;       // "" = this channel limits itself
  std::string shared_limits_redis_password;  // secret
  std::string shared_limits_account;
  std::uint32_t shared_limits_rate = 0;         // messages per second, all hosts
  std::uint32_t shared_limits_local_share = 0;  // per cent of the rate while Redis is away
  std::uint32_t shared_limits_lease_size = 0;
  std::uint32_t shared_limits_window = 0;  // submissions outstanding over every host; 0: none
  bool shared_limits_reassembly = true;
};

}  // namespace smsdrv::config
