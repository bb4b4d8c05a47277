#include "flow/lease_manager.hpp"

#include <algorithm>

namespace smsdrv::flow {
namespace {

std::uint32_t local_rate_of(const lease_settings& s) {
  const std::uint64_t r = static_cast<std::uint64_t>(s.account_rate) *
                          std::min<std::uint32_t>(s.local_share_percent, 100) / 100;
  return static_cast<std::uint32_t>(std::max<std::uint64_t>(r, 1));
}

rate_limit make_local(const lease_settings& s) {
  const std::uint32_t rate = local_rate_of(s);
  return rate_limit(rate, std::clamp<std::uint32_t>(s.lease_size, 1, rate));
}

}  // namespace

lease_manager::lease_manager(const lease_settings& settings, time_point now)
    : settings_(settings), local_(make_local(settings)), last_demand_(now), not_before_(now) {
  settings_.lease_size = std::max<std::uint32_t>(settings_.lease_size, 1);
  settings_.account_rate = std::max<std::uint32_t>(settings_.account_rate, 1);
}

std::uint32_t lease_manager::low_water() const noexcept {
  return std::max<std::uint32_t>(1, (settings_.lease_size + 1) / 2);
}

void lease_manager::expire(time_point now) {
  while (!leases_.empty() && leases_.front().expires <= now) {
    lease& front = leases_.front();
    std::uint32_t gone = front.left;
    if (front.spacing.count() > 0)
      gone = static_cast<std::uint32_t>(
          std::min<std::int64_t>(front.left, (now - front.expires) / front.spacing + 1));
    held_ -= gone;
    stats_.tokens_expired += gone;
    front.left -= gone;
    front.expires += front.spacing * gone;
    if (front.left == 0) leases_.pop_front();
  }
}

void lease_manager::drop_leases() {
  stats_.tokens_expired += held_;
  held_ = 0;
  leases_.clear();
}

std::uint32_t lease_manager::held(time_point now) {
  expire(now);
  return held_;
}

bool lease_manager::try_take(time_point now) {
  had_demand_ = true;
  last_demand_ = now;
  if (mode_ == lease_mode::fallback) {
    if (!local_.try_take(now)) return false;
    local_spent_.take(now);
    ++stats_.local_taken;
    return true;
  }
  expire(now);
  if (held_ == 0) return false;
  lease& front = leases_.front();
  --held_;
  front.expires += front.spacing;
  if (--front.left == 0) leases_.pop_front();
  ++stats_.tokens_taken;
  return true;
}

bool lease_manager::recent_demand(time_point now) const noexcept {
  return had_demand_ && now - last_demand_ < settings_.lease_ttl;
}

bool lease_manager::wants_request(time_point now) const noexcept {
  if (in_flight_ || now < not_before_) return false;
  if (mode_ == lease_mode::fallback) return true;  // the probe that brings the share back
  return recent_demand(now) && held_ < low_water();
}

std::optional<std::uint32_t> lease_manager::request_due(time_point now) {
  expire(now);
  if (!wants_request(now)) return std::nullopt;
  in_flight_ = true;
  asked_ = recent_demand(now) ? settings_.lease_size - std::min(held_, settings_.lease_size) : 0;
  debit_ =
      mode_ == lease_mode::fallback
          ? static_cast<std::uint32_t>(std::min<std::uint64_t>(local_spent_.count(now), UINT32_MAX))
          : 0;
  ++stats_.requests;
  return asked_;
}

void lease_manager::on_granted(std::uint32_t granted, std::chrono::microseconds retry_after,
                               time_point now, std::optional<std::chrono::microseconds> ahead) {
  if (!in_flight_) return;
  in_flight_ = false;
  if (mode_ == lease_mode::fallback) {
    mode_ = lease_mode::shared;
    mode_changed_ = true;
    stats_.tokens_debited += std::exchange(debit_, 0);
    local_spent_ = sliding_second(1);
  }
  granted = std::min(granted, asked_);
  if (granted > 0 && ahead) {
    // Token j of g has its place at now + ahead - (g - j) / rate.
    const std::chrono::nanoseconds spacing(1'000'000'000 / settings_.account_rate);
    const time_point first = now + *ahead - spacing * granted;
    leases_.push_back({granted, std::max(first, now) + settings_.late_grace, spacing});
  } else if (granted > 0) {
    leases_.push_back({granted, now + settings_.lease_ttl});
  }
  if (granted > 0) {
    held_ += granted;
    stats_.tokens_granted += granted;
  }
  if (granted == 0 && asked_ > 0) {
    // Others took what had accrued: ask again when the next token is due.
    not_before_ = now + retry_after;
  } else if (granted < asked_) {
    // The account is at its rate: ask again once half a lease has accrued at that rate (or
    // when the store says the next token is due, if later), not for every token.
    const auto accrue = std::chrono::microseconds(static_cast<std::int64_t>(low_water()) *
                                                  1'000'000 / settings_.account_rate);
    not_before_ = now + std::max(retry_after, accrue);
  } else {
    not_before_ = now;
  }
}

void lease_manager::on_failed(time_point now) {
  if (!in_flight_) return;
  in_flight_ = false;
  debit_ = 0;
  ++stats_.requests_failed;
  if (mode_ == lease_mode::shared) {
    mode_ = lease_mode::fallback;
    mode_changed_ = true;
    ++stats_.fallbacks;
    drop_leases();
    local_ = make_local(settings_);
    // The shared tokens spent in the last second already count: no burst on top of them.
    local_.drain(now);
  }
  not_before_ = now + settings_.retry_after_failure;
}

lease_manager::time_point lease_manager::next_deadline(time_point now) const {
  time_point t = time_point::max();
  if (!leases_.empty()) t = leases_.front().expires;
  if (!in_flight_ && (mode_ == lease_mode::fallback || (recent_demand(now) && held_ < low_water())))
    t = std::min(t, std::max(now, not_before_));
  return t;
}

std::optional<lease_manager::time_point> lease_manager::next_local_token(time_point now) const {
  if (mode_ == lease_mode::fallback) return local_.next_available(now);
  if (held_ > 0) return now;
  return std::nullopt;
}

}  // namespace smsdrv::flow
