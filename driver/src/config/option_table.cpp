#include "config/option_table.hpp"

#include <algorithm>
#include <array>
#include <iterator>

#include "config/option_rows_http.hpp"
#include "config/option_rows_shared_limits.hpp"
#include "flow/error_policy.hpp"

namespace smsdrv::config {
namespace {

using cs = channel_settings;
using ds = driver_settings;

constexpr auto integer = option_type::integer;
constexpr auto boolean = option_type::boolean;
constexpr auto host_scope = option_scope::host;

constexpr enum_choice bind_modes[] = {
    {"t", static_cast<std::int64_t>(bind_mode::transmitter), "transmitter"},
    {"r", static_cast<std::int64_t>(bind_mode::receiver), "receiver"},
    {"tr", static_cast<std::int64_t>(bind_mode::transceiver), "transceiver"},
};

// SMPP v3.4 §5.2.5 addr_ton.
constexpr enum_choice ton_names[] = {
    {"Unknown", 0, ""},         {"International", 1, ""},    {"National", 2, ""},
    {"NetworkSpecific", 3, ""}, {"SubscriberNumber", 4, ""}, {"Alphanumeric", 5, ""},
    {"Abbreviated", 6, ""},
};

// SMPP v3.4 §5.2.6 addr_npi.
constexpr enum_choice npi_names[] = {
    {"Unknown", 0, ""},     {"ISDN", 1, "E164"},
    {"Data", 3, "X121"},    {"Telex", 4, ""},
    {"LandMobile", 6, ""},  {"National", 8, ""},
    {"Private", 9, ""},     {"ERMES", 10, ""},
    {"Internet", 14, "IP"}, {"WapClient", 18, "WapClientId"},
};

// SMPP v3.4 §5.2.11 service_type; the aliases are the names imported settings use (spec §2).
constexpr enum_choice service_types[] = {
    {"", 0, "Default"},
    {"CMT", 0, "Cellular Messaging"},
    {"CPT", 0, "Cellular Paging"},
    {"VMN", 0, "Voice Mail Notification"},
    {"VMA", 0, "Voice Mail Alerting"},
    {"WAP", 0, "Wireless Application Protocol"},
    {"USSD", 0, "Unstructured Supplementary Services Data"},
};

// "smcdefaut" and "asci" are spellings that existing settings files use, accepted so that they
// import unchanged (spec §1).
constexpr enum_choice outbound_encodings[] = {
    {"smscdefault", static_cast<std::int64_t>(text_encoding::smscdefault), "smcdefaut"},
    {"ascii", static_cast<std::int64_t>(text_encoding::ascii), "asci"},
    {"latin1", static_cast<std::int64_t>(text_encoding::latin1), ""},
    {"ucs2", static_cast<std::int64_t>(text_encoding::ucs2), ""},
    {"utf16be", static_cast<std::int64_t>(text_encoding::utf16be), ""},
};

constexpr enum_choice inbound_encodings[] = {
    {"smscdefault", static_cast<std::int64_t>(text_encoding::smscdefault), "smcdefaut"},
    {"ascii", static_cast<std::int64_t>(text_encoding::ascii), "asci"},
    {"latin1", static_cast<std::int64_t>(text_encoding::latin1), ""},
};

constexpr enum_choice ucs2_schemas[] = {
    {"UTF-16BE", static_cast<std::int64_t>(ucs2_schema::utf16be), ""},
    {"UCS-2", static_cast<std::int64_t>(ucs2_schema::ucs2), ""},
};

// 3GPP TS 23.038 Annex A: the languages whose shift tables the driver has.
constexpr enum_choice national_languages[] = {
    {"none", static_cast<std::int64_t>(national_language::none), ""},
    {"turkish", static_cast<std::int64_t>(national_language::turkish), ""},
    {"spanish", static_cast<std::int64_t>(national_language::spanish), ""},
    {"portuguese", static_cast<std::int64_t>(national_language::portuguese), ""},
};

constexpr enum_choice long_message_methods[] = {
    {"udh8", static_cast<std::int64_t>(long_message_method::udh8), ""},
    {"udh16", static_cast<std::int64_t>(long_message_method::udh16), ""},
    {"sar", static_cast<std::int64_t>(long_message_method::sar), ""},
};

constexpr enum_choice in_flight_actions[] = {
    {"fail", static_cast<std::int64_t>(in_flight_action::fail), ""},
    {"resubmit", static_cast<std::int64_t>(in_flight_action::resubmit), ""},
};

constexpr enum_choice tls_modes[] = {
    {"none", static_cast<std::int64_t>(tls_mode::none), ""},
    {"single", static_cast<std::int64_t>(tls_mode::single), ""},
    {"mutual", static_cast<std::int64_t>(tls_mode::mutual), ""},
};

// Below TLS 1.2 only by a value that says so (docs/tls.md): "TLSv1.1" alone is refused.
constexpr enum_choice tls_versions[] = {
    {"TLSv1.2", static_cast<std::int64_t>(tls_version::tls1_2), "TLS1.2|1.2"},
    {"TLSv1.3", static_cast<std::int64_t>(tls_version::tls1_3), "TLS1.3|1.3"},
    {"TLSv1.1-insecure", static_cast<std::int64_t>(tls_version::tls1_1_insecure), ""},
    {"TLSv1.0-insecure", static_cast<std::int64_t>(tls_version::tls1_0_insecure), "TLSv1-insecure"},
};

constexpr enum_choice tls_verifications[] = {
    {"full", static_cast<std::int64_t>(tls_verification::full), ""},
    {"insecure-no-host-name", static_cast<std::int64_t>(tls_verification::insecure_no_host_name),
     ""},
    {"insecure-none", static_cast<std::int64_t>(tls_verification::insecure_none), ""},
};

constexpr option_def common_and_smpp_rows[] = {
    // Host options.
    {.name = "inbound-route",
     .type = option_type::endpoint_list,
     .field = &cs::inbound_route,
     .has_default = false,
     .scope = host_scope,
     .example = "101:sms_endpoint, 101:chat_endpoint",
     .meaning = "<tenant>:<endpoint> for inbound messages (paging mode); a second entry adds "
                "the chat-session endpoint"},
    {.name = "session-by-address",
     .type = option_type::regex,
     .field = &cs::session_by_address,
     .max = 512,
     .scope = host_scope,
     .meaning = "a source address this regex finds goes to the chat-session endpoint (empty: "
                "none)"},
    {.name = "session-by-text",
     .type = option_type::regex,
     .field = &cs::session_by_text,
     .max = 512,
     .scope = host_scope,
     .meaning = "a message text this regex finds goes to the chat-session endpoint (empty: "
                "none)"},
    {.name = "driver",
     .type = option_type::ascii,
     .field = &cs::driver,
     .has_default = false,
     .max = 64,
     .scope = host_scope,
     .example = "smsmms",
     .meaning = "the driver module that handles this section"},
    {.name = "driver-classname",
     .type = option_type::text,
     .has_default = false,
     .scope = host_scope,
     .meaning = "accepted and ignored (import compatibility with the original driver)"},

    // Driver options.
    {.name = "default-reply-address",
     .type = option_type::ascii,
     .field = &cs::default_reply_address,
     .has_default = false,
     .max = 20,
     .example = "16502222222",
     .meaning = "source number when a SendSMS request gives no _smsSrcNumber"},
    {.name = "password",
     .type = option_type::ascii,
     .field = &cs::password,
     .has_default = false,
     .max = 8,
     .secret = true,
     .gateway = option_gateway::smpp,
     .meaning = "password of the bind (SMPP v3.4 §4.1: at most 8 characters)"},
    {.name = "reconnection-timeout",
     .type = integer,
     .field = &cs::reconnection_timeout,
     .default_value = "180",
     .min = 10,
     .max = 3600,
     .unit = "seconds",
     .meaning = "ceiling of the reconnect back-off after the link is lost"},
    {.name = "x-smpp-host",
     .type = option_type::host,
     .field = &cs::smpp_host,
     .has_default = false,
     .max = 253,
     .required = true,
     .example = "smsc.example.com",
     .meaning = "host name or IP address of the SMSC"},
    {.name = "x-smpp-port",
     .type = integer,
     .field = &cs::smpp_port,
     .default_value = "2775",
     .min = 1,
     .max = 65535,
     .meaning = "TCP port of the SMSC"},
    {.name = "x-smpp-system-id",
     .type = option_type::ascii,
     .field = &cs::smpp_system_id,
     .has_default = false,
     .max = 15,
     .required = true,
     .example = "esme1",
     .meaning = "system_id of the bind: the account at the SMSC"},
    {.name = "x-smpp-system-type",
     .type = option_type::ascii,
     .field = &cs::smpp_system_type,
     .has_default = false,
     .max = 12,
     .null_is_unset = true,
     .meaning = "system_type of the bind (empty or NULL: not set)"},
    {.name = "x-smpp-address-range",
     .type = option_type::ascii,
     .field = &cs::smpp_address_range,
     .has_default = false,
     .max = 40,
     .null_is_unset = true,
     .meaning = "address_range of the bind: addresses this ESME serves (empty or NULL: not set)"},
    {.name = "x-smpp-bind-mode",
     .type = option_type::enumeration,
     .field = &cs::smpp_bind_mode,
     .default_value = "tr",
     .choices = bind_modes,
     .meaning = "bind as transmitter (send only), receiver (receive only: SendSMS is refused) or "
                "transceiver"},
    {.name = "x-smpp-src-addr-ton",
     .type = option_type::ton_npi,
     .field = &cs::smpp_src_addr_ton,
     .default_value = "0",
     .choices = ton_names,
     .meaning = "source_addr_ton of numbers written without '+' (see TON and NPI below)"},
    {.name = "x-smpp-src-addr-npi",
     .type = option_type::ton_npi,
     .field = &cs::smpp_src_addr_npi,
     .default_value = "0",
     .choices = npi_names,
     .meaning = "source_addr_npi of numbers written without '+' (see TON and NPI below)"},
    {.name = "x-smpp-dest-addr-ton",
     .type = option_type::ton_npi,
     .field = &cs::smpp_dest_addr_ton,
     .default_value = "0",
     .choices = ton_names,
     .meaning = "dest_addr_ton of numbers written without '+' (see TON and NPI below)"},
    {.name = "x-smpp-dest-addr-npi",
     .type = option_type::ton_npi,
     .field = &cs::smpp_dest_addr_npi,
     .default_value = "0",
     .choices = npi_names,
     .meaning = "dest_addr_npi of numbers written without '+' (see TON and NPI below)"},
    {.name = "x-smpp-service-type",
     .type = option_type::service_type,
     .field = &cs::smpp_service_type,
     .max = 5,
     .choices = service_types,
     .meaning = "service_type of submitted messages"},
    {.name = "x-smpp-outbound-enc-default",
     .type = option_type::enumeration,
     .field = &cs::smpp_outbound_enc_default,
     .default_value = "smscdefault",
     .choices = outbound_encodings,
     .meaning = "alphabet of outbound text; text it cannot carry goes out as UCS-2"},
    {.name = "x-smpp-inbound-enc-default",
     .type = option_type::enumeration,
     .field = &cs::smpp_inbound_enc_default,
     .default_value = "smscdefault",
     .choices = inbound_encodings,
     .meaning = "how to read inbound text with data_coding 0 from this SMSC"},
    {.name = "x-smpp-ucs2-enc-schema",
     .type = option_type::enumeration,
     .field = &cs::smpp_ucs2_enc_schema,
     .default_value = "UTF-16BE",
     .choices = ucs2_schemas,
     .meaning = "data_coding 8 text as UTF-16BE, or UCS-2 (no surrogate pairs)"},
    {.name = "x-smpp-national-language",
     .type = option_type::enumeration,
     .field = &cs::smpp_national_language,
     .default_value = "none",
     .choices = national_languages,
     .meaning = "GSM text this language's shift tables carry goes out as GSM (with their UDH "
                "IEs) instead of UCS-2"},
    {.name = "x-smpp-long-message-method",
     .type = option_type::enumeration,
     .field = &cs::smpp_long_message_method,
     .default_value = "udh8",
     .choices = long_message_methods,
     .meaning = "parts of a long message tied by a UDH with 8-bit or 16-bit reference, or by "
                "SAR TLVs"},
    {.name = "x-smpp-use-msg-payload",
     .type = boolean,
     .field = &cs::smpp_use_msg_payload,
     .default_value = "false",
     .meaning = "send long text in one PDU with message_payload instead of segments"},
    {.name = "x-smpp-sar-max-segments",
     .type = integer,
     .field = &cs::smpp_sar_max_segments,
     .default_value = "255",
     .min = 2,
     .max = 255,
     .meaning = "most segments of one message; longer messages are refused"},
    {.name = "x-smpp-sar-prompt-responses",
     .type = boolean,
     .field = &cs::smpp_sar_prompt_responses,
     .default_value = "false",
     .meaning = "answer a request when its first segment is acknowledged"},
    {.name = "x-smpp-submit-window-size",
     .type = integer,
     .field = &cs::smpp_submit_window_size,
     .default_value = "10",
     .min = 1,
     .max = 1000,
     .meaning = "submit_sm in flight without a response"},
    {.name = "x-smpp-submit-max-rate",
     .type = integer,
     .field = &cs::smpp_submit_max_rate,
     .default_value = "10",
     .min = 1,
     .max = 1000000,
     .unit = "messages per second",
     .meaning =
         "highest rate of submit_sm (segments) to the SMSC: at most this many in any sliding "
         "second; after a late timer (a busy machine) the driver catches up with at most "
         "clamp(rate / 20, 1, window) more; over a minute within 1%"},
    {.name = "x-smpp-response-max-waiting-time",
     .type = integer,
     .field = &cs::smpp_response_max_waiting_time,
     .default_value = "30000",
     .min = 1000,
     .max = 180000,
     .unit = "milliseconds",
     .meaning = "wait for a response this long, then the request has failed"},
    {.name = "x-smpp-enquire-link-timeout",
     .type = integer,
     .field = &cs::smpp_enquire_link_timeout,
     .default_value = "30",
     .min = 1,
     .max = 3600,
     .unit = "seconds",
     .meaning = "idle time before an enquire_link; no answer means the link is dead"},
    {.name = "x-smpp-comms-timeout",
     .type = integer,
     .field = &cs::smpp_comms_timeout,
     .default_value = "10",
     .min = 1,
     .max = 300,
     .unit = "seconds",
     .meaning = "limit for each step of connecting (TCP, then the TLS handshake) and for each "
                "write to the SMSC; beyond it the link fails"},
    {.name = "x-smpp-receive-timeout",
     .type = integer,
     .field = &cs::smpp_receive_timeout,
     .default_value = "90",
     .min = 2,
     .max = 7200,
     .unit = "seconds",
     .meaning = "nothing received for this long drops the link; must exceed "
                "x-smpp-enquire-link-timeout"},
    {.name = "x-smpp-sessions",
     .type = integer,
     .field = &cs::smpp_sessions,
     .default_value = "1",
     .min = 1,
     .max = 64,
     .meaning = "binds (sessions) the channel opens to its SMSC; requests go to the bound one with "
                "the fewest outstanding, the submit window applies per bind, the channel's queue "
                "and x-smpp-submit-max-rate over all of them"},
    {.name = "x-smpp-queue-size",
     .type = integer,
     .field = &cs::smpp_queue_size,
     .default_value = "10000",
     .min = 1,
     .max = 1000000,
     .meaning = "requests waiting to be submitted; beyond it SendSMS is refused as queue full"},
    {.name = "x-smpp-error-policy",
     .type = option_type::error_policy,
     .field = &cs::smpp_error_policy,
     .default_value = flow::default_error_policy,
     .example = "ESME_RTHROTTLED: pause 2s-60s retry 20, 0x00000401: retry 2 after 5s",
     .meaning = "what an SMSC refusal does, by command_status: fail, retry the message, or pause "
                "the channel and resubmit; rules given replace the defaults of their status"},
    {.name = "x-smpp-in-flight-on-disconnect",
     .type = option_type::enumeration,
     .field = &cs::smpp_in_flight_on_disconnect,
     .default_value = "fail",
     .choices = in_flight_actions,
     .meaning = "submissions unanswered when the link is lost: fail them as outcome unknown (no "
                "duplicates) or resubmit them after the reconnect (no unknown outcomes)"},
    {.name = "x-smpp-validity-period",
     .type = option_type::smpp_time,
     .field = &cs::smpp_validity_period,
     .meaning = "validity_period: YYMMDDhhmmsstnnp (absolute) or YYMMDDhhmmss000R (relative); "
                "empty: SMSC default"},
    {.name = "x-smpp-delivery-report",
     .type = boolean,
     .field = &cs::smpp_delivery_report,
     .default_value = "false",
     .meaning = "request delivery receipts (registered_delivery 1)"},
    {.name = "x-smpp-extraopt",
     .type = option_type::tlv_spec,
     .field = &cs::smpp_extraopt,
     .has_default = false,
     .example = "{ tlvItems: [ {tag:5120, typ:byte, val:1} ] }",
     .meaning = "TLVs added to submit_sm when the request has no extraopt"},
    {.name = "x-smpp-delivery-extraopt",
     .type = option_type::tlv_spec,
     .field = &cs::smpp_delivery_extraopt,
     .has_default = false,
     .example = "{ tlvItems: [ {tag:5121, typ:strz, val:dlr} ] }",
     .meaning = "TLVs used instead of x-smpp-extraopt when a delivery report is requested"},
    {.name = "x-smpp-empty-message",
     .type = option_type::text,
     .field = &cs::smpp_empty_message,
     .default_value = " ",
     .max = 1000,
     .meaning = "text given to an agent for an empty inbound message (may be empty)"},
    {.name = "x-smpp-reassembly-timeout",
     .type = integer,
     .field = &cs::smpp_reassembly_timeout,
     .default_value = "300",
     .min = 1,
     .max = 86400,
     .unit = "seconds",
     .meaning = "an inbound long message still incomplete this long after its first part is "
                "delivered partial or dropped"},
    {.name = "x-smpp-reassembly-deliver-partial",
     .type = boolean,
     .field = &cs::smpp_reassembly_deliver_partial,
     .default_value = "true",
     .meaning = "at x-smpp-reassembly-timeout deliver the parts received, flagged partial "
                "(false: drop them, with a log line)"},
    {.name = "x-smpp-reassembly-max-bytes",
     .type = integer,
     .field = &cs::smpp_reassembly_max_bytes,
     .default_value = "16777216",
     .min = 65536,
     .max = 1073741824,
     .unit = "bytes",
     .meaning = "memory for parts of incomplete inbound messages; beyond it a part is "
                "answered ESME_RX_T_APPN (the SMSC retries)"},
    {.name = "x-smpp-reassembly-max-messages",
     .type = integer,
     .field = &cs::smpp_reassembly_max_messages,
     .default_value = "10000",
     .min = 1,
     .max = 1000000,
     .meaning = "incomplete inbound long messages held at once; beyond it a new one's part is "
                "answered ESME_RX_T_APPN"},
    {.name = "x-smpp-inbound-max-unacked",
     .type = integer,
     .field = &cs::smpp_inbound_max_unacked,
     .default_value = "5000",
     .min = 1,
     .max = 1000000,
     .unit = "messages",
     .meaning = "inbound messages and delivery reports waiting for the host's acknowledgement; "
                "at the limit the channel stops reading from the SMSC (TCP back-pressure) but "
                "for the responses it awaits, and answers a deliver_sm it still reads "
                "ESME_RX_T_APPN (the SMSC retries)"},
    {.name = "x-smpp-inbound-max-unacked-bytes",
     .type = integer,
     .field = &cs::smpp_inbound_max_unacked_bytes,
     .default_value = "16777216",
     .min = 65536,
     .max = 1073741824,
     .unit = "bytes",
     .meaning = "the same limit in memory: the texts and attributes of the events waiting for "
                "the host's acknowledgement"},
    {.name = "x-smpp-flash",
     .type = boolean,
     .field = &cs::smpp_flash,
     .default_value = "false",
     .meaning = "send as flash SMS (message class 0: shown at once, not stored)"},
    {.name = "x-smpp-overwrite",
     .type = boolean,
     .field = &cs::smpp_overwrite,
     .default_value = "false",
     .meaning = "the SMSC replaces a message of the same source, destination and service_type "
                "still pending delivery (replace_if_present_flag 1)"},
    {.name = "x-smpp-failover-host",
     .type = option_type::host,
     .field = &cs::smpp_failover_host,
     .has_default = false,
     .max = 253,
     .example = "smsc2.example.com",
     .meaning = "secondary SMSC, used while x-smpp-host cannot be reached or refuses the bind; "
                "the channel moves back when the primary accepts a probe bind"},
    {.name = "x-smpp-failover-port",
     .type = integer,
     .field = &cs::smpp_failover_port,
     .has_default = false,
     .min = 1,
     .max = 65535,
     .example = "2775",
     .meaning = "TCP port of the secondary SMSC; not set: x-smpp-port"},
    {.name = "x-smpp-failover-system-id",
     .type = option_type::ascii,
     .field = &cs::smpp_failover_system_id,
     .has_default = false,
     .max = 15,
     .example = "esme1-backup",
     .meaning = "system_id of the bind at the secondary SMSC; not set: x-smpp-system-id"},
    {.name = "x-smpp-failover-password",
     .type = option_type::ascii,
     .field = &cs::smpp_failover_password,
     .has_default = false,
     .max = 8,
     .secret = true,
     .meaning = "password of the bind at the secondary SMSC; not set: password"},
    {.name = "x-smpp-failover-probe-interval",
     .type = integer,
     .field = &cs::smpp_failover_probe_interval,
     .default_value = "30",
     .min = 1,
     .max = 3600,
     .unit = "seconds",
     .meaning = "while on the secondary SMSC, how often the primary is probed with a bind of its "
                "own"},
    {.name = "x-smpp-tls-mode",
     .type = option_type::enumeration,
     .field = &cs::smpp_tls_mode,
     .default_value = "none",
     .choices = tls_modes,
     .meaning = "TLS to the SMSC (set as the SMSC does): none = plain TCP; single = the SMSC's "
                "certificate is verified; mutual = we also present ours"},
    {.name = "x-smpp-tls-version",
     .type = option_type::enumeration,
     .field = &cs::smpp_tls_version,
     .default_value = "TLSv1.2",
     .choices = tls_versions,
     .meaning = "lowest TLS version offered: TLSv1.2 (1.2 and 1.3) or TLSv1.3; an older one only "
                "with its -insecure value"},
    {.name = "x-smpp-tls-path-to-certificate",
     .type = option_type::path,
     .field = &cs::smpp_tls_path_to_certificate,
     .has_default = false,
     .max = 4096,
     .example = "/etc/smsmms/smsc.p12",
     .meaning = "PKCS#12 file: the certificates trusted for the SMSC and, for mutual, our key and "
                "certificate (empty in single mode: the system trust store)"},
    {.name = "x-smpp-tls-certificate-file-password",
     .type = option_type::text,
     .field = &cs::smpp_tls_certificate_file_password,
     .has_default = false,
     .max = 1024,
     .secret = true,
     .meaning = "password of the PKCS#12 file: its integrity check and its certificates"},
    {.name = "x-smpp-tls-certificate-password",
     .type = option_type::text,
     .field = &cs::smpp_tls_certificate_password,
     .has_default = false,
     .max = 1024,
     .secret = true,
     .meaning = "password of our private key in the PKCS#12 file (empty: the file password)"},
    {.name = "x-smpp-tls-host-name",
     .type = option_type::host,
     .field = &cs::smpp_tls_host_name,
     .has_default = false,
     .max = 253,
     .example = "smsc.example.com",
     .meaning = "name the SMSC's certificate must carry, also sent as SNI (empty: x-smpp-host)"},
    {.name = "x-smpp-tls-verification",
     .type = option_type::enumeration,
     .field = &cs::smpp_tls_verification,
     .default_value = "full",
     .choices = tls_verifications,
     .meaning = "full checks the SMSC's chain and host name; insecure-no-host-name and "
                "insecure-none weaken it (logged at every connection)"},
    {.name = "x-debug-mode",
     .type = boolean,
     .field = &cs::debug_mode,
     .default_value = "false",
     .meaning = "every PDU decoded field by field in the log at level debug, masked like user "
                "data; passwords never shown"},
    {.name = "x-jsms-config-file",
     .type = option_type::path,
     .field = &cs::jsms_config_file,
     .has_default = false,
     .max = 4096,
     .example = "./media-channel-drivers/channel-smsmms/Configuration/mms.cfg",
     .meaning = "MMS settings file (MM7: MMSC URL, credentials, listener; docs/mms.md), read "
                "when the channel is configured; needed for MMS"},
};

template <std::size_t... N>
constexpr auto joined(const option_def (&... parts)[N]) {
  std::array<option_def, (N + ...)> out{};
  std::size_t at = 0;
  ((std::copy(std::begin(parts), std::end(parts), out.begin() + static_cast<std::ptrdiff_t>(at)),
    at += N),
   ...);
  return out;
}

// The gateway kind first, then the options every channel has and the SMPP ones, then HTTP.
constexpr auto channel_table =
    joined(rows::gateway_rows, common_and_smpp_rows, rows::http_rows, rows::shared_limits_rows);

constexpr option_def settings_table[] = {
    {.name = "logging-filter-active",
     .type = boolean,
     .field = &ds::logging_filter_active,
     .default_value = "false",
     .meaning = "also apply the driver's own masking rules of logging-filter-spec (key rules, "
                "PDU fields, patterns over every log line)"},
    {.name = "logging-filter-spec",
     .type = option_type::path,
     .field = &ds::logging_filter_spec,
     .default_value = "./media-channel-drivers/channel-smsmms/logging-filter-smsmms.json",
     .max = 4096,
     .meaning = "JSON file with the driver's masking rules (docs/privacy.md); read when "
                "logging-filter-active is true"},
};

constexpr option_def log_filter_table[] = {
    {.name = "default-filter-type",
     .type = option_type::log_filter,
     .field = &ds::default_filter_type,
     .default_value = "copy",
     .meaning = "how user-data keys without a rule of their own are shown in logs"},
};

constexpr option_def log_filter_data_row = {
    .name = "<key>",
    .type = option_type::log_filter,
    .default_value = "copy",
    .example = "hide",
    .meaning =
        "how the user-data key is shown, e.g. _smsText = hide or PhoneNumber = "
        "hide-last,4"};

}  // namespace

std::span<const option_def> channel_options() {
  return channel_table;
}
std::span<const option_def> settings_options() {
  return settings_table;
}
std::span<const option_def> log_filter_options() {
  return log_filter_table;
}
const option_def& log_filter_data_option() {
  return log_filter_data_row;
}

std::optional<std::uint32_t> option_index(const option_def& def, std::string_view name) {
  constexpr std::string_view marker = "<N>";
  if (def.max_index == 0 || !def.name.ends_with(marker)) return std::nullopt;
  const std::string_view prefix = def.name.substr(0, def.name.size() - marker.size());
  if (!name.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  std::uint32_t n = 0;
  for (char c : digits)
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  return n;
}

const option_def* find_option(std::span<const option_def> table, std::string_view name) {
  for (const auto& row : table)
    if (row.name == name || option_index(row, name)) return &row;
  return nullptr;
}

option_gateway gateway_of(const option_def& def) {
  if (def.gateway != option_gateway::any) return def.gateway;
  if (def.name.starts_with("x-smpp-")) return option_gateway::smpp;
  if (def.name.starts_with("x-http-")) return option_gateway::http;
  return option_gateway::any;
}

}  // namespace smsdrv::config
