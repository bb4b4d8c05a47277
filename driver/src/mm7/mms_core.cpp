#include "mm7/mms_core.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/text_util.hpp"
#include "mm7/status.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::mm7 {

mms_core::mms_core(core_settings settings, mms_settings mms, time_point)
    : settings_(std::move(settings)),
      mms_(std::move(mms)),
      backoff_(std::chrono::milliseconds(500), settings_.retry_cap, settings_.seed) {
  if (settings_.max_rate > 0)
    rate_.emplace(settings_.max_rate,
                  static_cast<std::uint32_t>(std::max<std::size_t>(settings_.max_in_flight, 1)));
}

void mms_core::submit(prepared_mms&& prepared, time_point now) {
  request r;
  r.body = std::make_shared<const std::string>(std::move(prepared.post.body));
  prepared.post.body.clear();
  r.prepared = std::move(prepared);
  r.not_before = now;
  if (shutting_down_) {
    respond(r, SMSDRV_E_SHUT_DOWN, "the driver is shutting down; the message was not sent");
    return;
  }
  queue_.push_back(std::move(r));
}

std::vector<post_start> mms_core::take_posts(time_point now) {
  std::vector<post_start> out;
  while (!shutting_down_ && !queue_.empty() && in_flight_.size() < settings_.max_in_flight) {
    request& front = queue_.front();
    if (front.not_before > now) break;
    if (rate_ && !rate_->try_take(now)) break;
    if (!front.first_attempt) front.first_attempt = now;
    std::uint64_t tag = next_tag_++;
    auto [it, inserted] = in_flight_.emplace(tag, std::move(front));
    queue_.pop_front();
    out.push_back({tag, it->second.url, it->second.body, &it->second.prepared.post.headers});
  }
  return out;
}

void mms_core::respond(const request& r, std::int32_t status, std::string text,
                       channel::attributes attrs) {
  channel::channel_event e;
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = r.prepared.request_id;
  e.status = status;
  e.text = std::move(text);
  e.attrs = std::move(attrs);
  e.attrs.emplace_back("_mmsTransactionId", r.prepared.transaction_id);
  events_.push_back(std::move(e));
}

void mms_core::remember(const std::string& message_id, std::uint64_t request_id) {
  if (message_id.empty()) return;
  if (message_ids_.emplace(message_id, request_id).second) message_id_order_.push_back(message_id);
  while (message_id_order_.size() > settings_.remembered_message_ids) {
    message_ids_.erase(message_id_order_.front());
    message_id_order_.pop_front();
  }
}

std::uint64_t mms_core::request_of(const std::string& message_id) const {
  auto it = message_ids_.find(message_id);
  return it == message_ids_.end() ? 0 : it->second;
}

void mms_core::on_post_result(std::uint64_t tag, post_result&& result, time_point now) {
  auto it = in_flight_.find(tag);
  if (it == in_flight_.end()) return;
  request r = std::move(it->second);
  in_flight_.erase(it);

  if (result.answered) {
    backoff_.reset();
    submit_outcome o = read_submit_answer(result.http_status, result.content_type, result.body,
                                          r.prepared.transaction_id);
    channel::attributes attrs;
    if (o.status != 0) {
      attrs.emplace_back("_mmsStatusCode", std::to_string(o.status));
      attrs.emplace_back("_mmsStatusText", std::string(status_text(o.status)));
    }
    if (!o.message_id.empty()) attrs.emplace_back(channel::attr::message_id, o.message_id);
    switch (o.verdict) {
      case submit_verdict::accepted:
        if (r.prepared.delivery_report || r.prepared.read_reply)
          remember(o.message_id, r.prepared.request_id);
        respond(r, SMSDRV_OK, o.text, std::move(attrs));
        return;
      case submit_verdict::refused:
        if (o.status != 0) {
          attrs.emplace_back(channel::attr::error_code, std::to_string(o.status));
          attrs.emplace_back(channel::attr::error_name, std::string(status_text(o.status)));
        } else {
          attrs.emplace_back(channel::attr::error_code, fmt::format("HTTP {}", o.http_status));
        }
        // A cause on the MMSC's side or a temporary one (3xxx, 4006, HTTP 408, 429, 5xx): the
        // host may send the message again later.
        if (o.retryable) attrs.emplace_back("_mmsRetryable", "true");
        respond(r, SMSDRV_E_SMSC_REJECTED, fmt::format("the MMSC refused the message: {}", o.text),
                std::move(attrs));
        return;
      case submit_verdict::unknown:
        respond(r, SMSDRV_E_OUTCOME_UNKNOWN, o.text, std::move(attrs));
        return;
    }
  }
  if (result.written) {
    respond(r, SMSDRV_E_OUTCOME_UNKNOWN,
            fmt::format("the exchange with the MMSC broke after the SubmitReq was sent ({}); the "
                        "MMSC may have taken the message, it is not sent again",
                        config::printable(result.failure, 200)));
    return;
  }
  // Never reached the MMSC: the failover URL, then a back-off, within response_timeout.
  if (shutting_down_) {
    respond(r, SMSDRV_E_SHUT_DOWN,
            fmt::format("the driver shut down before the message was sent ({})",
                        config::printable(result.failure, 200)));
    return;
  }
  if (r.first_attempt && now - *r.first_attempt >= settings_.response_timeout) {
    respond(r, SMSDRV_E_CHANNEL_DOWN,
            fmt::format(
                "the MMSC could not be reached for {} s ({}); the message was not sent",
                std::chrono::duration_cast<std::chrono::seconds>(now - *r.first_attempt).count(),
                config::printable(result.failure, 200)));
    return;
  }
  ++r.tried_round;
  r.url = (r.url + 1) % settings_.urls;
  if (r.tried_round >= settings_.urls) {
    r.tried_round = 0;
    r.not_before = now + backoff_.next();
  } else {
    r.not_before = now;
  }
  queue_.push_front(std::move(r));
}

void mms_core::on_mmsc_request(std::uint64_t reply_tag, mmsc_request&& taken, time_point now,
                               std::chrono::system_clock::time_point wall) {
  waiting w;
  w.reply_tag = reply_tag;
  w.request = std::move(taken);
  w.deadline = now + settings_.ack_timeout;
  if (shutting_down_ || waiting_.size() >= settings_.max_unacked) {
    answer(w, false,
           shutting_down_ ? "the driver is shutting down"
                          : "too many messages are waiting for the host; send it again later");
    return;
  }
  inbound_context ctx{settings_.channel, settings_.application_name, 60, wall};
  channel::channel_event e;
  if (auto* d = std::get_if<deliver_req>(&w.request)) {
    deliver_req copy = std::move(*d);
    // The request is kept (its TransactionID answers the MMSC); its parts go to the host.
    d->transaction_id = copy.transaction_id;
    e = deliver_event(std::move(copy), ctx);
  } else if (auto* r = std::get_if<delivery_report_req>(&w.request)) {
    e = delivery_report_event(*r, ctx);
    e.request_id = request_of(r->message_id);
  } else {
    auto& rr = std::get<read_reply_req>(w.request);
    e = read_reply_event(rr, ctx);
    e.request_id = request_of(rr.message_id);
  }
  std::uint64_t ack = next_ack_++;
  e.ack_id = ack;
  events_.push_back(std::move(e));
  ack_of_reply_[reply_tag] = ack;
  waiting_.emplace(ack, std::move(w));
}

void mms_core::answer(waiting& w, bool taken, std::string_view why) {
  if (w.reply_gone) return;
  replies_.push_back({w.reply_tag, taken ? answer_taken(w.request, mms_)
                                         : answer_not_taken(w.request, mms_, why)});
}

void mms_core::on_ack(std::uint64_t ack_id, std::int32_t disposition) {
  auto it = waiting_.find(ack_id);
  if (it == waiting_.end()) return;  // answered already (ack-timeout, shutdown)
  answer(it->second, disposition == SMSDRV_OK,
         fmt::format("the host did not take it ({})", disposition));
  ack_of_reply_.erase(it->second.reply_tag);
  waiting_.erase(it);
}

void mms_core::on_reply_gone(std::uint64_t reply_tag) {
  auto it = ack_of_reply_.find(reply_tag);
  if (it == ack_of_reply_.end()) return;
  if (auto w = waiting_.find(it->second); w != waiting_.end()) w->second.reply_gone = true;
}

void mms_core::on_tick(time_point now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second.deadline <= now) {
      answer(
          it->second, false,
          shutting_down_
              ? std::string("the host did not take it before the channel's drain time ran out")
              : fmt::format("the host did not take it within {} s (ack-timeout)",
                            std::chrono::duration_cast<std::chrono::seconds>(settings_.ack_timeout)
                                .count()));
      ack_of_reply_.erase(it->second.reply_tag);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<mms_core::time_point> mms_core::next_deadline() const {
  std::optional<time_point> next;
  auto consider = [&](time_point t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [id, w] : waiting_)
    consider(w.deadline);
  if (!shutting_down_ && !queue_.empty() && in_flight_.size() < settings_.max_in_flight) {
    time_point t = queue_.front().not_before;
    if (rate_) t = std::max(t, rate_->next_available(t));
    consider(t);
  }
  return next;
}

void mms_core::begin_shutdown(time_point, std::optional<time_point> acks_until) {
  if (!shutting_down_) {
    shutting_down_ = true;
    for (const request& r : queue_)
      respond(r, SMSDRV_E_SHUT_DOWN,
              r.first_attempt ? "the driver shut down before the MMSC could be reached; the "
                                "message was not sent"
                              : "the driver shut down before the message was sent");
    queue_.clear();
  }
  if (acks_until) {
    for (auto& [id, w] : waiting_)
      w.deadline = std::min(w.deadline, *acks_until);
    return;
  }
  for (auto& [id, w] : waiting_)
    answer(w, false, "the driver is shutting down");
  waiting_.clear();
  ack_of_reply_.clear();
}

bool mms_core::idle() const noexcept {
  return queue_.empty() && in_flight_.empty() && waiting_.empty();
}

}  // namespace smsdrv::mm7
