// The MMS settings file named by a channel's x-jsms-config-file (docs/mms.md): where the MMSC's
// MM7 interface is and how to speak to it, where the driver listens for the MMSC's requests, and
// the limits. The format is the .cfg format (sections, "key = value", whole-line comments);
// mms_settings_table() lists every key with its type, default and meaning, and the shipped
// commented example cfg/mms.cfg is generated from it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/option_def.hpp"
#include "mm7/url.hpp"

namespace smsdrv::mm7 {

// How binary parts (anything but text/* and the SMIL) travel in a SubmitReq.
enum class transfer_encoding : std::uint8_t { base64, binary };

// Well-known MM7 versions and the schema namespace each goes with (3GPP TS 23.140 Annex L).
inline constexpr std::string_view rel5_version = "5.3.0";
inline constexpr std::string_view rel5_namespace =
    "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-0";
inline constexpr std::string_view rel6_version = "6.8.0";
inline constexpr std::string_view rel6_namespace =
    "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4";

struct mms_settings {
  std::string source;  // the file as named in x-jsms-config-file

  // [mmsc]: the MMSC's MM7 interface, where SubmitReq goes.
  http_url url;
  std::optional<http_url> failover_url;
  std::string user;
  std::string password;  // secret
  std::string mm7_version{rel6_version};
  std::string xml_namespace{rel6_namespace};  // from mm7-version unless given
  std::string vasp_id;
  std::string vas_id;
  std::string service_code;
  std::string sender;  // SenderAddress when a SendMMS gives none
  transfer_encoding encoding = transfer_encoding::base64;
  bool delivery_report = false;
  bool read_reply = false;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds response_timeout{60};
  std::uint32_t max_in_flight = 10;
  std::uint32_t max_rate = 0;  // SubmitReq per second; 0: no limit

  // [listener]: where the MMSC's DeliverReq, DeliveryReportReq and ReadReplyReq arrive.
  bool listener_enabled = false;  // listen-port given
  std::string listen_address{"0.0.0.0"};
  std::uint16_t listen_port = 0;
  std::string listen_path{"/mm7"};
  std::string listen_user;
  std::string listen_password;   // secret
  std::string tls_certificate;   // PEM chain; TLS on the listener when given
  std::string tls_key;           // PEM private key
  std::string tls_key_password;  // secret
  std::chrono::seconds ack_timeout{30};
  std::chrono::seconds request_timeout{30};
  std::uint32_t max_connections = 64;

  // [limits]
  std::uint32_t max_message_size = 1048576;  // bytes of an HTTP body, either way
  std::uint32_t max_parts = 100;
};

// Where a checked value goes.
using mms_field =
    std::variant<std::monostate, std::string mms_settings::*, bool mms_settings::*,
                 std::uint16_t mms_settings::*, std::uint32_t mms_settings::*,
                 std::chrono::seconds mms_settings::*, transfer_encoding mms_settings::*,
                 http_url mms_settings::*, std::optional<http_url> mms_settings::*>;

// One key of the file. def carries name, type, default, range, secret, required and meaning
// (its field is unused); rule, when set, checks what the type cannot (a URL, a version).
struct mms_option {
  std::string_view section;
  config::option_def def;
  mms_field field;
  std::string (*rule)(std::string_view value) = nullptr;
  std::string_view values{};  // the accepted values in a few words, when rule decides them
};

// Every key, in documentation order, sections [mmsc], [listener], [limits].
std::span<const mms_option> mms_settings_table();

struct mms_settings_result {
  std::optional<mms_settings> settings;  // set exactly when errors is empty
  // "<source>:<line>: [<section>] <key> = '<value>': <rule>" (secrets as ********), the file's
  // structural problems, missing keys and the rules between keys.
  std::vector<std::string> errors;
  std::vector<std::string> warnings;  // unknown keys and sections, with "did you mean"
};

// Checks the text of a settings file; source names it in messages.
mms_settings_result parse_mms_settings(std::string_view text, std::string source);

// Reads the file at path (relative to the working directory) and checks it. A file that cannot
// be read is one error naming the path and the reason.
mms_settings_result read_mms_settings(const std::string& path);

}  // namespace smsdrv::mm7
