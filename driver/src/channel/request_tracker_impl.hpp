// The request tracker's member definitions (request_tracker.hpp). Included only where the
// tracker is instantiated: by each transport's .cpp, which ends with
// `template class request_tracker<R, T>;` so that the compiler sees the transport's calls and the
// tracker's together and may inline them, and by request_tracker_test with its fake transport.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "channel/request_tracker.hpp"
#include "smsdrv/status.hpp"

namespace smsdrv::channel {
namespace tracker_detail {

inline std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out.push_back(',');
    out += id;
  }
  return out;
}

// "segment 2" or "segments 2 to 3" (numbered from 1; first <= last).
inline std::string segments_text(std::size_t first, std::size_t last) {
  return first == last ? fmt::format("segment {}", first)
                       : fmt::format("segments {} to {}", first, last);
}

}  // namespace tracker_detail

template <class Request, class Transport>
void request_tracker<Request, Transport>::in_flight::reset() {
  request = Request{};
  parts = sent = outcomes = waiting = 0;
  resubmitted = 0;
  message_ids.clear();
  part.clear();
  answered = abandoned = in_use = drained = false;
}

template <class Request, class Transport>
request_tracker<Request, Transport>::request_tracker(settings s, Transport& t, submit_gate& rate,
                                                     channel_metrics& metrics,
                                                     std::vector<channel_event>& events)
    : settings_(s), transport_(t), rate_(rate), metrics_(metrics), events_(events) {}

// ---- requests ------------------------------------------------------------------------------

template <class Request, class Transport>
void request_tracker<Request, Transport>::enqueue(Request&& r, time_point now) {
  if (shutting_down_) {
    respond_failure(r.request_id, SMSDRV_E_SHUT_DOWN,
                    transport_.unsent_text(unsent_reason::enqueued_after_shutdown, r, nullptr, 0));
    return;
  }
  if (open_requests() >= settings_.queue_limit) {
    respond_failure(r.request_id, SMSDRV_E_QUEUE_FULL,
                    fmt::format("not sent: {} requests are waiting already (the queue's bound)",
                                open_requests()));
    return;
  }
  queue_.push_back(std::move(r));
  pump(now);
}

template <class Request, class Transport>
std::size_t request_tracker<Request, Transport>::allocate_slot() {
  if (free_slots_.empty()) {
    slots_.push_back(std::make_unique<in_flight>());
    free_slots_.push_back(slots_.size() - 1);
  }
  const std::size_t slot = free_slots_.back();
  free_slots_.pop_back();
  at(slot).in_use = true;
  ++in_flight_requests_;
  return slot;
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::pump(time_point now) {
  // Only a stop at the rate limit makes the pump wait for it: stopped by anything else (a
  // pause, the window, the link, nothing to send), what it writes next is not late, and the
  // rate limit does not make it up (flow/rate_limit.hpp).
  while (transport_.can_write(now)) {
    if (now < paused_until_) return rate_.not_waiting();
    // Parts to write again come first: they are older than anything queued.
    if (!resend_.empty() && resend_.front().due <= now) {
      if (!rate_.try_take(now)) return;
      const auto next = pick_resend(now);
      const resend_entry r = *next;
      resend_.erase(next);
      --at(r.slot).waiting;
      ++resubmissions_;
      write(r.slot, r.part, /*retried=*/true, now);
      continue;
    }
    if (!sending_slot_) {
      if (queue_.empty() || shutting_down_) return rate_.not_waiting();
      // A request stays queued (take_unsent, take_queued) until its first part may go.
      if (!rate_.try_take(now)) return;
      const std::size_t slot = allocate_slot();
      in_flight& f = at(slot);
      f.request = std::move(queue_.front());
      queue_.pop_front();
      f.parts = static_cast<std::uint16_t>(part_count(f.request));
      f.message_ids.assign(f.parts, std::string());
      f.part.assign(f.parts, part_state{});
      sending_slot_ = slot;
    } else if (!rate_.try_take(now)) {
      return;
    }
    const std::size_t slot = *sending_slot_;
    in_flight& f = at(slot);
    const std::uint16_t part = f.sent++;
    if (f.sent == f.parts) sending_slot_.reset();
    write(slot, part, /*retried=*/false, now);
  }
  rate_.not_waiting();
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::write(std::size_t slot, std::uint16_t part, bool retried,
                                                time_point now) {
  part_state& p = at(slot).part[part];
  p.written_as = ++writes_;
  p.awaiting = true;
  transport_.write_part(slot, part, retried, now);
}

// Of the parts due, the one refused least often, then the oldest. A gateway that refuses by
// count (every Nth submission) refuses the first submission after each pause again and again
// once its count lines up with the window: the refusals then move from part to part instead of
// using up one request's retries.
template <class Request, class Transport>
auto request_tracker<Request, Transport>::pick_resend(time_point now) ->
    typename std::deque<resend_entry>::iterator {
  auto best = resend_.begin();
  auto refusals = [&](const resend_entry& r) { return at(r.slot).part[r.part].refusals; };
  for (auto it = std::next(best); it != resend_.end() && it->due <= now; ++it)
    if (refusals(*it) < refusals(*best)) best = it;
  return best;
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::take_unsent(std::size_t limit,
                                                      std::vector<unsent_request>& out) {
  if (shutting_down_) return;
  // queue_ holds only requests of which nothing was written (a started one has a slot).
  for (auto it = queue_.begin(); it != queue_.end() && limit > 0;) {
    if (it->kept.empty()) {
      ++it;
      continue;
    }
    out.push_back({it->request_id, it->accepted, std::move(it->kept)});
    transport_.recycle(*it);
    it = queue_.erase(it);
    --limit;
  }
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::take_queued(std::deque<Request>& out) {
  for (Request& r : queue_)
    out.push_back(std::move(r));
  queue_.clear();
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::put_back(std::deque<Request>& requests) {
  for (auto it = requests.rbegin(); it != requests.rend(); ++it)
    queue_.push_front(std::move(*it));
  requests.clear();
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::take_resends(std::vector<written_request<Request>>& out) {
  if (shutting_down_) return;
  // resend_ is in due order: the first entry of a slot decides its place.
  std::vector<std::size_t> movable;
  for (const resend_entry& r : resend_) {
    const in_flight& f = at(r.slot);
    if (f.answered || f.abandoned || f.outcomes != 0 || f.sent != f.parts || f.waiting != f.parts ||
        sending_slot_ == r.slot)
      continue;
    if (std::find(movable.begin(), movable.end(), r.slot) == movable.end())
      movable.push_back(r.slot);
  }
  for (const std::size_t slot : movable) {
    in_flight& f = at(slot);
    std::erase_if(resend_, [&](const resend_entry& r) { return r.slot == slot; });
    written_request<Request>& w = out.emplace_back();
    w.request = std::move(f.request);
    w.part = std::move(f.part);
    w.resubmitted = f.resubmitted;
    f.reset();
    free_slots_.push_back(slot);
    --in_flight_requests_;
  }
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::adopt_resends(std::vector<written_request<Request>>& in,
                                                        time_point now) {
  for (written_request<Request>& w : in) {
    const std::size_t slot = allocate_slot();
    in_flight& f = at(slot);
    f.request = std::move(w.request);
    f.parts = static_cast<std::uint16_t>(w.part.size());
    f.sent = f.parts;
    f.part = std::move(w.part);
    f.message_ids.assign(f.parts, std::string());
    f.resubmitted = w.resubmitted;
    for (std::uint16_t p = 0; p < f.parts; ++p) {
      // Write numbers are this tracker's own (pause_answered, latest_accepted): the other's
      // mean nothing here. The counts (refusals, losses) go on.
      f.part[p].written_as = f.part[p].refused_as = 0;
      resend(slot, p, now, /*counted=*/false);
    }
  }
  in.clear();
  pump(now);
}

// ---- outcomes ------------------------------------------------------------------------------

template <class Request, class Transport>
bool request_tracker<Request, Transport>::awaiting(std::uint64_t tag) const noexcept {
  const std::size_t s = slot_of(tag);
  const std::uint16_t p = part_of(tag);
  return s < slots_.size() && at(s).in_use && p < at(s).part.size() && at(s).part[p].awaiting;
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::accepted(std::size_t slot, std::uint16_t part,
                                                   std::string_view message_id) {
  in_flight& f = at(slot);
  ++f.outcomes;
  part_state& p = f.part[part];
  p.awaiting = false;
  p.accepted = true;
  latest_accepted_ = std::max(latest_accepted_, p.written_as);
  f.message_ids[part].assign(message_id);
  if (!f.answered && !f.abandoned &&
      ((answers_at_first_part(f.request) && part == 0) || f.outcomes == f.parts))
    respond_ok(f);
  release_if_done(slot);
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::failed(std::size_t slot, std::uint16_t part,
                                                 std::int32_t status, std::string text,
                                                 attributes extra) {
  in_flight& f = at(slot);
  ++f.outcomes;
  f.part[part].awaiting = false;
  const std::size_t total = f.parts;
  if (sending_slot_ == slot) sending_slot_.reset();  // the rest of the request is not sent
  f.abandoned = true;
  drop_resends(slot);
  if (total > 1) text = fmt::format("segment {} of {}: {}", part + 1, total, text);
  if (f.drained) {
    // Answered as outcome unknown at the drain deadline; what comes now changes nothing.
    if (transport_.logging(log_level::debug))
      transport_.log(log_level::debug,
                     fmt::format("request {} (answered at the drain deadline): {}",
                                 f.request.request_id, text),
                     0);
  } else if (f.answered) {
    transport_.log(
        log_level::warn,
        fmt::format("request {} was already answered (x-smpp-sar-prompt-responses) when {}",
                    f.request.request_id, text),
        f.request.request_id);
  } else {
    attributes a = std::move(extra);
    if (total > 1) a.emplace_back(attr::failed_segment, fmt::format("{}/{}", part + 1, total));
    if (f.resubmitted > 0) a.emplace_back(attr::retries, std::to_string(f.resubmitted));
    respond_failure(f.request.request_id, status, std::move(text), std::move(a));
    f.answered = true;
  }
  release_if_done(slot);
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::resend(std::size_t slot, std::uint16_t part,
                                                 time_point due, bool counted) {
  auto pos = std::upper_bound(resend_.begin(), resend_.end(), due,
                              [](time_point d, const resend_entry& r) { return d < r.due; });
  resend_.insert(pos, resend_entry{slot, part, due});
  in_flight& f = at(slot);
  f.part[part].awaiting = false;
  ++f.waiting;
  if (counted) ++f.resubmitted;
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::unwrite(std::size_t slot, std::uint16_t part,
                                                  time_point now) {
  in_flight& f = at(slot);
  if (f.parts != 1 || f.resubmitted != 0 || f.answered || f.outcomes != 0) {
    resend(slot, part, now, /*counted=*/false);
    return;
  }
  if (sending_slot_ == slot) sending_slot_.reset();
  queue_.push_front(std::move(f.request));
  f.reset();
  free_slots_.push_back(slot);
  --in_flight_requests_;
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::drop_resends(std::size_t slot) {
  in_flight& f = at(slot);
  if (f.waiting == 0) return;
  std::erase_if(resend_, [&](const resend_entry& r) { return r.slot == slot; });
  f.outcomes = static_cast<std::uint16_t>(f.outcomes + f.waiting);
  f.waiting = 0;
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::fail_unsent(std::size_t slot, std::int32_t status,
                                                      std::string why) {
  in_flight& f = at(slot);
  if (sending_slot_ == slot) sending_slot_.reset();
  f.abandoned = true;
  drop_resends(slot);
  if (!f.answered) {
    attributes a;
    if (f.resubmitted > 0) a.emplace_back(attr::retries, std::to_string(f.resubmitted));
    respond_failure(f.request.request_id, status, std::move(why), std::move(a));
    f.answered = true;
  }
  release_if_done(slot);
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::release_if_done(std::size_t slot) {
  in_flight& f = at(slot);
  if (!f.in_use || f.outcomes != f.sent) return;
  const bool all_sent = f.sent == f.parts;
  const bool stopped = f.abandoned && sending_slot_ != slot;
  if (!all_sent && !stopped) return;
  // Every part written has its outcome and none failed (a failure answers at once), yet the
  // request is unanswered: the shutdown stopped it before its last parts were written.
  if (!f.answered) respond_stopped(f);
  transport_.recycle(f.request);
  f.reset();
  free_slots_.push_back(slot);
  --in_flight_requests_;
}

// ---- responses -----------------------------------------------------------------------------

template <class Request, class Transport>
void request_tracker<Request, Transport>::respond_ok(in_flight& f) {
  channel_event& e = events_.emplace_back();
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = f.request.request_id;
  e.status = SMSDRV_OK;
  if (!spare_attrs_.empty()) {
    e.attrs = std::move(spare_attrs_.back());
    spare_attrs_.pop_back();
  }
  e.attrs.reserve(f.resubmitted > 0 ? 4 : 3);
  const std::string_view first_id =
      f.message_ids.empty() ? std::string_view() : std::string_view(f.message_ids[0]);
  e.attrs.emplace_back(attr::message_id, first_id);
  // Answered at the first part (x-smpp-sar-prompt-responses): the others' ids are not known
  // yet; their delivery reports carry them.
  const bool complete = f.outcomes == f.parts;
  if (complete && f.message_ids.size() > 1)
    e.attrs.emplace_back(attr::message_ids, tracker_detail::join_ids(f.message_ids));
  else
    e.attrs.emplace_back(attr::message_ids, first_id);
  e.attrs.emplace_back(attr::segments, std::to_string(f.parts));
  if (f.resubmitted > 0) e.attrs.emplace_back(attr::retries, std::to_string(f.resubmitted));
  // Accepted parts without a message id: no delivery report can be matched to them.
  if (settings_.message_ids_expected) {
    std::string missing;
    const std::size_t known =
        complete ? f.message_ids.size() : std::min<std::size_t>(1, f.message_ids.size());
    for (std::size_t i = 0; i < known; ++i)
      if (f.message_ids[i].empty())
        missing += fmt::format("{}{}", missing.empty() ? "" : ",", i + 1);
    if (!missing.empty()) e.attrs.emplace_back(attr::message_id_missing, std::move(missing));
  }
  f.answered = true;
  metrics_.request_answered(SMSDRV_OK, {});
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::respond_failure(std::uint64_t request_id,
                                                          std::int32_t status, std::string text,
                                                          attributes attrs) {
  if (batching_) {
    auto b = std::find_if(batches_.begin(), batches_.end(),
                          [&](const failure_batch& x) { return x.status == status; });
    if (b == batches_.end())
      b = batches_.insert(batches_.end(), failure_batch{status, text, id_ranges(16)});
    b->ids.add(request_id);
    if (transport_.logging(log_level::debug))
      transport_.log(log_level::debug, fmt::format("request {} failed: {}", request_id, text), 0);
  } else {
    transport_.log(log_level::warn, fmt::format("request {} failed: {}", request_id, text),
                   request_id);
  }
  std::string_view error_name;
  for (const auto& [key, value] : attrs)
    if (key == attr::error_name) error_name = value;
  metrics_.request_answered(status, error_name);
  channel_event e;
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = request_id;
  e.status = status;
  e.text = std::move(text);
  e.attrs = std::move(attrs);
  events_.push_back(std::move(e));
}

template <class Request, class Transport>
std::string request_tracker<Request, Transport>::parts_sent_text(const in_flight& f) const {
  const std::size_t total = f.parts;
  std::size_t accepted = 0;
  std::string ids;
  for (std::size_t i = 0; i < f.part.size(); ++i) {
    if (!f.part[i].accepted) continue;
    ++accepted;
    if (!ids.empty()) ids += ',';
    ids += f.message_ids[i];
  }
  std::string out = fmt::format("{} of {} {} sent", tracker_detail::segments_text(1, f.sent), total,
                                f.sent == 1 ? "was" : "were");
  if (accepted == f.sent && accepted > 0)
    out += fmt::format(" and accepted (message id{} {})", accepted == 1 ? "" : "s", ids);
  else if (accepted > 0)
    out += fmt::format(" ({} accepted: message id{} {})", accepted, accepted == 1 ? "" : "s", ids);
  if (f.sent < total)
    out += fmt::format("; {} {} never sent", tracker_detail::segments_text(f.sent + 1, total),
                       total - f.sent == 1 ? "was" : "were");
  return out;
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::respond_stopped(in_flight& f) {
  const std::size_t total = f.parts;
  attributes a;
  a.emplace_back(attr::message_ids, tracker_detail::join_ids(f.message_ids));
  a.emplace_back(attr::segments, std::to_string(total));
  if (f.sent < total) a.emplace_back(attr::failed_segment, fmt::format("{}/{}", f.sent + 1, total));
  if (f.resubmitted > 0) a.emplace_back(attr::retries, std::to_string(f.resubmitted));
  respond_failure(f.request.request_id, SMSDRV_E_SHUT_DOWN,
                  fmt::format("the driver shut down after {}", parts_sent_text(f)), std::move(a));
  f.answered = true;
}

// ---- pauses --------------------------------------------------------------------------------

template <class Request, class Transport>
void request_tracker<Request, Transport>::pause_until(time_point until,
                                                      std::uint64_t refused_write) {
  pause_began_after_ = writes_;
  pause_cause_ = refused_write;
  paused_until_ = std::max(paused_until_, until);
}

// ---- the link down -------------------------------------------------------------------------

template <class Request, class Transport>
void request_tracker<Request, Transport>::expire(time_point now, time_point since,
                                                 std::chrono::nanoseconds wait) {
  if (sending_slot_) {
    const std::size_t slot = *sending_slot_;
    in_flight& f = at(slot);
    if (expiry_of(f.request.accepted, since, wait) <= now)
      fail_unsent(slot, SMSDRV_E_CHANNEL_DOWN,
                  transport_.unsent_text(unsent_reason::expired_part_way, f.request, &f, 0));
  }
  for (;;) {
    auto it = std::find_if(resend_.begin(), resend_.end(), [&](const resend_entry& r) {
      return expiry_of(at(r.slot).request.accepted, since, wait) <= now;
    });
    if (it == resend_.end()) break;
    const std::size_t slot = it->slot;
    const in_flight& f = at(slot);
    fail_unsent(slot, SMSDRV_E_CHANNEL_DOWN,
                transport_.unsent_text(unsent_reason::expired_resend, f.request, &f, it->part));
  }
  while (!queue_.empty() && expiry_of(queue_.front().accepted, since, wait) <= now) {
    respond_failure(
        queue_.front().request_id, SMSDRV_E_CHANNEL_DOWN,
        transport_.unsent_text(unsent_reason::expired_queued, queue_.front(), nullptr, 0));
    queue_.pop_front();
  }
}

template <class Request, class Transport>
auto request_tracker<Request, Transport>::next_expiry(time_point since,
                                                      std::chrono::nanoseconds wait) const noexcept
    -> time_point {
  time_point t = time_point::max();
  if (sending_slot_) t = std::min(t, expiry_of(at(*sending_slot_).request.accepted, since, wait));
  if (!queue_.empty()) t = std::min(t, expiry_of(queue_.front().accepted, since, wait));
  for (const resend_entry& r : resend_)
    t = std::min(t, expiry_of(at(r.slot).request.accepted, since, wait));
  return t;
}

template <class Request, class Transport>
auto request_tracker<Request, Transport>::work_at() const noexcept -> time_point {
  if (sending_slot_ || (!queue_.empty() && !shutting_down_)) return time_point{};
  return next_resend();
}

// ---- shutdown ------------------------------------------------------------------------------

template <class Request, class Transport>
void request_tracker<Request, Transport>::shutdown(time_point now, time_point deadline) {
  static_cast<void>(now);
  if (shutting_down_) return;
  shutting_down_ = true;
  drain_deadline_ = deadline;
  begin_batch();
  for (const Request& r : queue_)
    respond_failure(r.request_id, SMSDRV_E_SHUT_DOWN,
                    transport_.unsent_text(unsent_reason::shutdown_queued, r, nullptr, 0));
  queue_.clear();
  if (sending_slot_) {
    // A long message part-way out: the rest is not sent. Answered once its written parts are
    // (release_if_done), or at the drain deadline.
    const std::size_t slot = *sending_slot_;
    sending_slot_.reset();
    at(slot).abandoned = true;
    release_if_done(slot);
  }
  while (!resend_.empty()) {
    const std::size_t slot = resend_.front().slot;
    const in_flight& f = at(slot);
    fail_unsent(slot, SMSDRV_E_SHUT_DOWN,
                transport_.unsent_text(unsent_reason::shutdown_resend, f.request, &f,
                                       resend_.front().part));
  }
  end_batch("shutdown");
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::end_drain() {
  drain_ended_ = true;
  if (in_flight_requests_ == 0) return;
  begin_batch();
  for (const std::unique_ptr<in_flight>& p : slots_) {
    in_flight& f = *p;
    if (!f.in_use || f.answered) continue;
    // Written and not (fully) answered: the gateway may have taken it. Parts waiting to be
    // written again were failed when the shutdown began.
    const std::size_t total = f.parts;
    std::string text = transport_.unsent_text(unsent_reason::drain_deadline, f.request, &f, 0);
    if (total > 1) text += "; " + parts_sent_text(f);
    attributes a;
    if (total > 1) a.emplace_back(attr::message_ids, tracker_detail::join_ids(f.message_ids));
    if (f.resubmitted > 0) a.emplace_back(attr::retries, std::to_string(f.resubmitted));
    respond_failure(f.request.request_id, SMSDRV_E_OUTCOME_UNKNOWN, std::move(text), std::move(a));
    f.answered = true;
    f.drained = true;
    f.abandoned = true;
  }
  end_batch("shutdown: the drain deadline passed");
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::begin_batch() {
  batching_ = true;
  batches_.clear();
}

template <class Request, class Transport>
void request_tracker<Request, Transport>::end_batch(std::string_view what) {
  batching_ = false;
  for (const failure_batch& b : batches_) {
    // Shutting down is asked for: its SMSDRV_E_SHUT_DOWN answers are no problem.
    const log_level level = b.status == SMSDRV_E_SHUT_DOWN ? log_level::info : log_level::warn;
    if (!transport_.logging(level)) continue;
    const std::size_t n = b.ids.count();
    transport_.log_summary(
        level, fmt::format("{}: {} request{} failed with {} (request{} {}){}{}", what, n,
                           n == 1 ? "" : "s", ::smsdrv::status_name(b.status), n == 1 ? "" : "s",
                           b.ids.text(), n == 1 ? ": " : "; the first: ", b.first_text));
  }
  batches_.clear();
}

}  // namespace smsdrv::channel
