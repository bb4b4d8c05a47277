// Failover: is the primary SMSC back? A probe answers on a connection of its own, without
// disturbing the channel's link to the secondary: it binds as a transmitter with the primary's
// account (a transmitter is never sent deliver_sm, so no inbound message can land on it),
// unbinds at once (SMPP v3.4 §4.2) and reports whether the bind was accepted.
//
// Sans I/O like channel_core. The shell (io/probe_link) connects to the endpoint
// channel_core::probe_due() returned, then calls on_connected / on_connect_failed, on_bytes,
// on_tick at next_deadline(), writes output(), closes the transport when close_requested() and
// calls on_closed(); finished() is true from then on.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smpp/session.hpp"

namespace smsdrv::channel {

class smsc_probe final : private smpp::session_handler {
 public:
  using time_point = smpp::time_point;

  enum class outcome : std::uint8_t { pending, bound, refused, failed };

  smsc_probe() = default;
  smsc_probe(const smsc_probe&) = delete;
  smsc_probe& operator=(const smsc_probe&) = delete;
  ~smsc_probe() override = default;

  // A new probe with this account and bind_resp timeout (config.response_timeout); the bind
  // mode, enquire_link and dead-peer settings are the probe's own.
  void start(const smpp::session_config& config);

  void on_connected(time_point now);
  void on_connect_failed(std::string_view reason);
  void on_bytes(std::string_view data, time_point now);
  void on_tick(time_point now);
  void on_closed(std::string_view reason);
  time_point next_deadline() const noexcept;
  std::string& output() noexcept;
  bool close_requested() const noexcept { return close_requested_; }

  bool finished() const noexcept { return finished_; }
  outcome result() const noexcept { return outcome_; }
  // Why the probe failed or was refused ("ESME_RBINDFAIL (...)", "Connection refused").
  const std::string& detail() const noexcept { return detail_; }

 private:
  void on_bound(std::string_view smsc_system_id) override;
  void on_bind_failed(std::uint32_t command_status) override;
  void on_response(std::uint64_t, const smpp::pdu&) override {}
  void on_response_timeout(std::uint64_t) override {}
  void on_request_lost(std::uint64_t) override {}
  void on_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm&) override;
  void on_data_sm(std::uint32_t sequence_number, const smpp::data_sm&) override;
  void on_alert_notification(const smpp::alert_notification&) override {}
  void on_unbound(bool by_peer) override;
  void on_link_failed(std::string_view reason) override;
  void on_log(log_level, std::string_view) override {}
  void on_trace(bool, const smpp::pdu&) override {}

  void settle(outcome o, std::string detail);

  std::optional<smpp::session> session_;
  std::string no_output_;
  time_point now_{};
  outcome outcome_ = outcome::pending;
  std::string detail_;
  bool close_requested_ = false;
  bool finished_ = true;
};

}  // namespace smsdrv::channel
