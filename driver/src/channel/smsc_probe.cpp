#include "channel/smsc_probe.hpp"

#include <utility>

#include "smpp/command_status.hpp"

namespace smsdrv::channel {

void smsc_probe::start(const smpp::session_config& config) {
  smpp::session_config c = config;
  c.mode = smpp::bind_mode::transmitter;
  c.enquire_link_interval = std::chrono::milliseconds(0);
  c.dead_peer_timeout = std::chrono::milliseconds(0);
  session_.reset();
  session_.emplace(std::move(c));
  outcome_ = outcome::pending;
  detail_.clear();
  close_requested_ = false;
  finished_ = false;
}

void smsc_probe::settle(outcome o, std::string detail) {
  if (outcome_ != outcome::pending) return;
  outcome_ = o;
  detail_ = std::move(detail);
}

void smsc_probe::on_connected(time_point now) {
  now_ = now;
  if (!session_) return;
  session_->on_connected(now);
  session_->drain(*this);
}

void smsc_probe::on_connect_failed(std::string_view reason) {
  settle(outcome::failed, std::string(reason));
  finished_ = true;
}

void smsc_probe::on_bytes(std::string_view data, time_point now) {
  now_ = now;
  if (!session_) return;
  session_->on_bytes(data, now);
  session_->drain(*this);
}

void smsc_probe::on_tick(time_point now) {
  now_ = now;
  if (!session_) return;
  session_->on_tick(now);
  session_->drain(*this);
}

void smsc_probe::on_closed(std::string_view reason) {
  settle(outcome::failed, std::string(reason));
  if (session_) {
    session_->on_closed(now_);
    session_->drain(*this);
  }
  finished_ = true;
}

smsc_probe::time_point smsc_probe::next_deadline() const noexcept {
  return session_ && !finished_ ? session_->next_deadline() : time_point::max();
}

std::string& smsc_probe::output() noexcept {
  return session_ ? session_->output() : no_output_;
}

void smsc_probe::on_bound(std::string_view) {
  settle(outcome::bound, {});
  session_->unbind(now_);
}

void smsc_probe::on_bind_failed(std::uint32_t command_status) {
  settle(outcome::refused, command_status == smpp::command_status::esme_rok
                               ? std::string("no bind_resp in time")
                               : smpp::status_display(command_status));
}

// A transmitter is not sent messages; should an SMSC do it anyway, the message is left for the
// channel's own link (a temporary error makes the SMSC deliver it again).
void smsc_probe::on_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm&) {
  session_->respond_deliver_sm(session_->connection_id(), sequence_number,
                               smpp::command_status::esme_rx_t_appn);
}

void smsc_probe::on_data_sm(std::uint32_t sequence_number, const smpp::data_sm&) {
  session_->respond_data_sm(session_->connection_id(), sequence_number,
                            smpp::command_status::esme_rx_t_appn);
}

void smsc_probe::on_unbound(bool) {
  close_requested_ = true;
}

void smsc_probe::on_link_failed(std::string_view reason) {
  settle(outcome::failed, std::string(reason));
  close_requested_ = true;
}

}  // namespace smsdrv::channel
