// What one channel's core needs to run, derived from its validated [channel-<name>] section
// (config/channel_settings.hpp) by the driver. Plain data, no validation here.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "channel/channel_metrics.hpp"
#include "flow/error_policy.hpp"
#include "flow/lease_manager.hpp"
#include "flow/window_slots.hpp"
#include "smpp/session.hpp"
#include "text/reassembler.hpp"

namespace smsdrv::channel {

using std::chrono::milliseconds;

struct smsc_endpoint {
  std::string host;
  std::uint16_t port = 2775;
  // The account at this SMSC; empty: session.system_id / session.password.
  std::string system_id{};
  std::string password{};
};

// x-smpp-in-flight-on-disconnect: submissions written but unanswered when the link is lost.
enum class in_flight_policy : std::uint8_t {
  fail,      // SMSDRV_E_OUTCOME_UNKNOWN: the SMSC may or may not have taken them
  resubmit,  // sent again after the reconnect (a segment at most 3 times)
};

// The ack id of an inbound event carries the index of the session (bind) it came in on from this
// bit up, so that the channel answers it on that session (x-smpp-sessions).
inline constexpr unsigned session_ack_shift = 48;

// x-shared-limits-*: the SMSC account's rate shared by every host through Redis
// (docs/scaling.md).
struct account_limits {
  std::string redis_host;
  std::uint16_t redis_port = 6379;
  std::uint32_t redis_db = 0;
  std::string redis_password;  // a secret
  std::string account;
  flow::lease_settings lease;
  // x-shared-limits-reassembly: the parts of long inbound messages in the same Redis.
  bool reassembly = true;
  // x-shared-limits-window: submissions outstanding over every host (window 0: none).
  flow::window_settings window{.window = 0};
};

struct channel_config {
  std::string name;                      // "channel-sms1"
  std::string application_name;          // _umsInboundIxnSubmittedBy
  std::vector<smsc_endpoint> endpoints;  // [0]: the SMSC; [1]: the failover SMSC, if any
  smpp::session_config session;
  std::uint32_t window = 10;       // x-smpp-submit-window-size
  std::uint32_t max_rate = 10;     // x-smpp-submit-max-rate, segments per second
  std::size_t queue_size = 10000;  // requests accepted but not yet fully sent
  milliseconds connect_timeout{std::chrono::seconds(10)};
  milliseconds reconnect_initial{std::chrono::seconds(1)};
  milliseconds reconnect_cap{std::chrono::seconds(180)};  // reconnection-timeout
  // x-smpp-failover-probe-interval: while on the failover SMSC, how often the primary is tried.
  milliseconds failover_probe_interval{std::chrono::seconds(30)};
  flow::error_policy error_policy;  // x-smpp-error-policy
  in_flight_policy in_flight_on_disconnect = in_flight_policy::fail;
  std::string empty_message = " ";      // x-smpp-empty-message
  std::size_t subject_characters = 60;  // Subject = the start of the text
  std::size_t receipt_entries = 1'000'000;
  std::chrono::seconds receipt_max_age{std::chrono::hours(72)};
  text::reassembly_options reassembly;  // long inbound messages; decoding of every message
  // Inbound messages and delivery reports held until the host acknowledges them
  // (x-smpp-inbound-max-unacked, x-smpp-inbound-max-unacked-bytes): at either limit the
  // channel stops reading from the SMSC (TCP back-pressure) except for responses it awaits.
  std::size_t inbound_max_unacked = 5000;
  std::size_t inbound_max_unacked_bytes = 16 * 1024 * 1024;
  // x-smpp-sessions: binds the channel opens to its SMSC; session_index: which one this core
  // runs (from 0).
  std::uint32_t sessions = 1;
  std::uint32_t session_index = 0;
  // Set: every submission also needs a token of the account's shared rate.
  std::optional<account_limits> shared_limits = std::nullopt;
  bool trace_pdus = false;  // x-debug-mode
  std::uint64_t seed = 0;   // jitter; 0 picks one from the channel name
  // Counters and gauges the channel updates; shared with the driver, which reports them.
  std::shared_ptr<channel_metrics> metrics = std::make_shared<channel_metrics>();
};

}  // namespace smsdrv::channel
