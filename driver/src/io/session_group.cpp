#include "io/session_group.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

#include "io/channel_runner.hpp"
#include "io/redis_parts_store.hpp"
#include "io/shared_limiter.hpp"
#include "io/shared_window.hpp"
#include "smsdrv/status.hpp"

namespace smsdrv::io {
namespace {

using steady = std::chrono::steady_clock;

std::string_view find_attr(const channel::attributes& attrs, std::string_view key) {
  for (const auto& [k, v] : attrs)
    if (k == key) return v;
  return {};
}

void set_attr(channel::attributes& attrs, std::string_view key, std::string value) {
  for (auto& [k, v] : attrs)
    if (k == key) {
      v = std::move(value);
      return;
    }
  attrs.emplace_back(std::string(key), std::move(value));
}

// The channel's own rate and, before each write, a token of the SMSC account's rate from the
// shared limiter. The channel's limit is asked first: a token of the account's, once leased, is
// never thrown away for the channel's own limit. With an account-wide window, a free slot of it
// is asked before both: a refusal there takes no token.
class shared_submit_gate final : public channel::submit_gate {
 public:
  shared_submit_gate(const channel::channel_config& c, shared_rate_limiter& limiter,
                     shared_window* window)
      : local_(channel::channel_rate_limit(c)), limiter_(limiter), window_(window) {}

  bool try_take(time_point now) override {
    window_refused_ = window_ != nullptr && !window_->try_take(now);
    if (window_refused_) return false;
    if (!local_.try_take(now)) return false;
    refused_ = !limiter_.try_take(now);
    return !refused_;
  }
  time_point next_available(time_point now) const override {
    // A slot of the window: an answer here or a grant from Redis wakes the sessions.
    if (window_refused_) return time_point::max();
    const time_point local = local_.next_available(now);
    if (!refused_) return local;
    // Shared: the lease's arrival wakes the sessions (on_ready). Fallback: the local share's
    // next token.
    const auto share = limiter_.next_local_token(now);
    return share ? std::max(local, *share) : time_point::max();
  }
  void not_waiting() override { local_.not_waiting(); }
  // A grant came, or the limiter fell back: try again.
  void ready() {
    refused_ = false;
    window_refused_ = false;
  }
  bool window_waiting() const noexcept { return window_refused_; }

 private:
  flow::rate_limit local_;
  shared_rate_limiter& limiter_;
  shared_window* window_;
  bool refused_ = false;
  bool window_refused_ = false;
};

}  // namespace

void session_group::session_sink::push(void*, std::vector<channel::channel_event>& events) {
  group_.annotate(index_, events);
  group_.events_.push(group_.sink_key_, events);
  group_.post_rebalance();
  // An answer, a timeout or a lost link may have freed a slot of the account's window: the
  // slots this host holds and no longer needs go back, and sessions waiting for one try again.
  if (group_.account_window_) group_.post_window_release();
}

void session_group::session_sink::reclaim(std::vector<channel::attributes>& out,
                                          std::size_t limit) {
  group_.events_.reclaim(out, limit);
}

session_group::session_group(boost::asio::io_context& io, channel::channel_config config,
                             std::shared_ptr<const tls_client> tls, log_sink& log,
                             event_sink& events, void* sink_key)
    : io_(io),
      log_(log),
      events_(events),
      sink_key_(sink_key),
      name_(config.name),
      window_(std::max<std::uint32_t>(config.window, 1)),
      metrics_(config.metrics),
      shared_(config, make_gate(config)) {
  shared_.remote = make_remote_parts(config);
  const std::uint32_t n = std::max<std::uint32_t>(config.sessions, 1);
  for (std::uint32_t i = 0; i < n; ++i) {
    sinks_.push_back(std::make_unique<session_sink>(*this, i));
    channel::channel_config c = config;
    c.session_index = i;
    // Each session its own jitter, so that binds refused together do not retry together.
    c.seed = config.seed != 0 ? config.seed + i : 0;
    if (c.seed == 0 && i > 0) c.seed = std::hash<std::string>{}(config.name) + i;
    runners_.push_back(std::make_unique<channel_runner>(io, std::move(c), tls, log, *sinks_[i],
                                                        nullptr, &shared_));
  }
  touched_.resize(n);
}

session_group::~session_group() = default;

std::unique_ptr<channel::submit_gate> session_group::make_gate(
    const channel::channel_config& config) {
  if (!config.shared_limits) return nullptr;
  const channel::account_limits& a = *config.shared_limits;
  shared_limits_config lc;
  lc.redis.host = a.redis_host;
  lc.redis.port = a.redis_port;
  lc.redis.db = a.redis_db;
  lc.redis.password = a.redis_password;
  lc.account = a.account;
  lc.lease = a.lease;
  const redis_endpoint endpoint = lc.redis;
  limiter_ = std::make_unique<shared_rate_limiter>(
      io_, std::move(lc),
      [this](flow::lease_mode mode, const std::string& reason) {
        mode_changed(mode == flow::lease_mode::fallback, reason);
      },
      [this] {
        static_cast<shared_submit_gate*>(gate_)->ready();
        wake();
      });
  if (a.window.window > 0) {
    shared_window_config wc;
    wc.redis = endpoint;
    wc.account = a.account;
    wc.host_id = shared_window_host_id(config.name);
    wc.window = a.window;
    account_window_ = std::make_unique<shared_window>(
        io_, std::move(wc),
        [this] {
          std::size_t n = 0;
          for (const auto& r : runners_)
            n += r->core().outstanding();
          return static_cast<std::uint32_t>(n);
        },
        [this](flow::window_mode mode, const std::string& reason) {
          window_mode_changed(mode == flow::window_mode::fallback, reason);
        },
        [this] {
          static_cast<shared_submit_gate*>(gate_)->ready();
          wake();
        });
    if (log_.enabled(log_level::info))
      log_.write(log_level::info, name_,
                 fmt::format("the SMSC account's window is shared through Redis (key {}, {} "
                             "submissions outstanding over every host)",
                             account_window_->key(), a.window.window));
  }
  auto gate = std::make_unique<shared_submit_gate>(config, *limiter_, account_window_.get());
  gate_ = gate.get();
  if (log_.enabled(log_level::info))
    log_.write(log_level::info, name_,
               fmt::format("the SMSC account's rate is shared through Redis at {}:{} (key {}, "
                           "{}/s over every host, leases of {})",
                           a.redis_host, a.redis_port, limiter_->key(), a.lease.account_rate,
                           a.lease.lease_size));
  return gate;
}

std::unique_ptr<channel::remote_parts> session_group::make_remote_parts(
    const channel::channel_config& config) {
  if (!config.shared_limits || !config.shared_limits->reassembly) return nullptr;
  const channel::account_limits& a = *config.shared_limits;
  redis_parts_settings s;
  s.redis.host = a.redis_host;
  s.redis.port = a.redis_port;
  s.redis.db = a.redis_db;
  s.redis.password = a.redis_password;
  s.account = a.account;
  // A message is held open for the reassembly timeout from its first part (each host keeps
  // that deadline for the parts it stored); the host that completed it has as long to decide
  // before another may complete it again; the key outlives both.
  const auto timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.reassembly.timeout);
  s.hold = std::max<std::chrono::milliseconds>(timeout, std::chrono::seconds(1));
  s.done_ttl = s.hold;
  s.open_ttl = 2 * s.hold + std::chrono::seconds(60);
  return std::make_unique<redis_parts_store>(
      io_, std::move(s),
      [this] {
        // What the store's answer produced: the acknowledgements and events to write.
        for (auto& r : runners_)
          r->drive();
      },
      [this](bool unreachable, const std::string& reason) {
        reassembly_mode_changed(unreachable, reason);
      });
}

// One line in the log (WARN on a fallback) and one CHANNEL_STATE event (status OK: the channel
// still carries) for a switch of a shared store; `reason` goes in the event when not empty.
void session_group::report_shared_mode(bool fallback, std::string text, std::string_view state,
                                       const std::string& reason) {
  const log_level level = fallback ? log_level::warn : log_level::info;
  if (log_.enabled(level)) log_.write(level, name_, text);
  std::vector<channel::channel_event> events(1);
  channel::channel_event& e = events.front();
  e.type = SMSDRV_EVENT_CHANNEL_STATE;
  e.status = SMSDRV_OK;
  e.text = std::move(text);
  e.attrs.emplace_back(channel::attr::state, std::string(state));
  if (!reason.empty()) e.attrs.emplace_back(channel::attr::reason, reason);
  push(events);
}

void session_group::reassembly_mode_changed(bool unreachable, const std::string& reason) {
  std::string text =
      unreachable
          ? fmt::format(
                "the parts of long inbound messages cannot be kept in Redis ({}); they "
                "are joined on this host until Redis answers again (a message whose "
                "parts reach other hosts meanwhile is delivered partial at its deadline)",
                reason)
          : std::string(
                "the parts of long inbound messages are kept in Redis again: joined over every "
                "host of the account");
  report_shared_mode(unreachable, std::move(text),
                     unreachable ? "shared-reassembly-fallback" : "shared-reassembly",
                     unreachable ? reason : std::string());
}

void session_group::post_window_release() {
  if (std::exchange(window_release_posted_, true)) return;
  boost::asio::post(io_, [this] {
    window_release_posted_ = false;
    account_window_->released(steady::now());
    auto* gate = static_cast<shared_submit_gate*>(gate_);
    if (gate->window_waiting()) {
      gate->ready();
      wake();
    }
  });
}

void session_group::window_mode_changed(bool fallback, const std::string& reason) {
  const auto& w = runners_.front()->core().config().shared_limits->window;
  std::string text =
      fallback
          ? fmt::format(
                "the account's shared window is unreachable ({}); at most {} submissions "
                "outstanding on this host (x-shared-limits-local-share {} % of {}) until "
                "Redis answers again",
                reason,
                std::max<std::uint32_t>(static_cast<std::uint32_t>(std::uint64_t{w.window} *
                                                                   w.local_share_percent / 100),
                                        1),
                w.local_share_percent, w.window)
          : fmt::format(
                "the account's shared window is back ({}): {} submissions "
                "outstanding over every host",
                reason, w.window);
  report_shared_mode(fallback, std::move(text),
                     fallback ? "shared-window-fallback" : "shared-window", reason);
}

void session_group::mode_changed(bool fallback, const std::string& reason) {
  metrics_->shared_limit_mode(fallback);
  const auto* a = &*runners_.front()->core().config().shared_limits;
  const std::uint32_t share = static_cast<std::uint32_t>(std::uint64_t{a->lease.account_rate} *
                                                         a->lease.local_share_percent / 100);
  std::string text =
      fallback ? fmt::format(
                     "the account's shared rate limit is unreachable ({}); sending at the "
                     "local share of {}/s (x-shared-limits-local-share {} % of {}/s) "
                     "until Redis answers again",
                     reason, std::max<std::uint32_t>(share, 1), a->lease.local_share_percent,
                     a->lease.account_rate)
               : fmt::format("the account's shared rate limit is back ({}): {}/s over every host",
                             reason, a->lease.account_rate);
  report_shared_mode(fallback, std::move(text), fallback ? "shared-limit-fallback" : "shared-limit",
                     reason);
  // A fallback lets the local share send now.
  static_cast<shared_submit_gate*>(gate_)->ready();
  wake();
}

void session_group::start() {
  for (auto& r : runners_)
    r->start();
}

void session_group::submit(channel::prepared_request& request) {
  bool post = false;
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_.push_back(std::move(request));
    post = !std::exchange(drain_posted_, true);
  }
  if (post)
    boost::asio::post(io_, [this] {
      drain_inbox();
      rebalance();
    });
}

void session_group::drain_inbox() {
  {
    std::lock_guard lock(inbox_mutex_);
    taken_.swap(inbox_);
    drain_posted_ = false;
  }
  for (channel::prepared_request& r : taken_)
    queue_.push_back(std::move(r));
  taken_.clear();
}

void session_group::ack(std::uint64_t ack_id, std::int32_t disposition) {
  const std::uint64_t index = ack_id >> channel::session_ack_shift;
  // An id of no session of ours matches nothing: the first session says so in its log.
  runners_[index < runners_.size() ? index : 0]->ack(ack_id, disposition);
}

void session_group::take_unsent(std::size_t limit,
                                std::function<void(std::vector<channel::unsent_request>&)> done) {
  boost::asio::post(io_, [this, limit, done = std::move(done)] {
    drain_inbox();
    std::vector<channel::unsent_request> taken;
    for (auto& r : runners_)
      if (taken.size() < limit) r->core().take_unsent(limit - taken.size(), taken);
    for (auto it = queue_.begin(); it != queue_.end() && taken.size() < limit && !shutting_down_;) {
      if (it->kept.empty()) {
        ++it;
        continue;
      }
      taken.push_back({it->request_id, it->accepted, std::move(it->kept)});
      it = queue_.erase(it);
    }
    done(taken);
    for (auto& r : runners_)
      r->drive();
    rebalance();
  });
}

std::size_t session_group::bound_sessions() const noexcept {
  return static_cast<std::size_t>(std::count_if(runners_.begin(), runners_.end(),
                                                [](const auto& r) { return r->core().bound(); }));
}

void session_group::annotate(std::size_t index, std::vector<channel::channel_event>& events) const {
  if (runners_.size() < 2) return;
  const std::size_t bound = bound_sessions();
  const std::size_t n = runners_.size();
  for (channel::channel_event& e : events) {
    if (e.type != SMSDRV_EVENT_CHANNEL_STATE) continue;
    const std::string state(find_attr(e.attrs, channel::attr::state));
    if (find_attr(e.attrs, channel::attr::error_name) == "ESME_RBINDFAIL")
      e.text += fmt::format(
          " (the account may allow fewer binds than x-smpp-sessions = {}; this session tries "
          "again after its back-off)",
          n);
    // One bind lost or refused while others carry: the channel is not down.
    if (bound > 0 && state != "bound" && e.status != SMSDRV_OK) {
      set_attr(e.attrs, channel::attr::state, "session-" + state);
      e.status = SMSDRV_OK;
    }
    e.text = fmt::format("session {} of {}: {}; {} of {} bound", index + 1, n, e.text, bound, n);
    e.attrs.emplace_back(channel::attr::session, std::to_string(index + 1));
    e.attrs.emplace_back(channel::attr::sessions, std::to_string(n));
    e.attrs.emplace_back(channel::attr::sessions_bound, std::to_string(bound));
  }
}

void session_group::push(std::vector<channel::channel_event>& events) {
  if (!events.empty()) events_.push(sink_key_, events);
}

void session_group::post_rebalance() {
  if (std::exchange(rebalance_posted_, true)) return;
  boost::asio::post(io_, [this] {
    rebalance_posted_ = false;
    rebalance();
  });
}

void session_group::rebalance() {
  if (shutting_down_) {
    // Accepted after the shutdown began: the first session's core answers them
    // SMSDRV_E_SHUT_DOWN, as a channel of one bind does.
    if (queue_.empty()) return;
    const auto now = steady::now();
    while (!queue_.empty()) {
      runners_.front()->core().enqueue(std::move(queue_.front()), now);
      queue_.pop_front();
    }
    runners_.front()->drive();
    return;
  }
  const auto now = steady::now();
  std::fill(touched_.begin(), touched_.end(), false);
  const bool any_bound = bound_sessions() > 0;
  if (any_bound) {
    // Requests never written that wait in sessions still down go to the bound ones, ahead of
    // the channel's queue (they are older).
    for (auto& r : runners_)
      if (!r->core().bound() && r->core().open_requests() > 0) r->core().take_queued(moved_);
    for (auto it = moved_.rbegin(); it != moved_.rend(); ++it)
      queue_.push_front(std::move(*it));
    moved_.clear();
  }
  if (any_bound) move_lost_submissions(now);
  while (!queue_.empty()) {
    std::size_t pick = runners_.size();
    std::size_t least = 0;
    for (std::size_t i = 0; i < runners_.size(); ++i) {
      channel::channel_core& core = runners_[i]->core();
      if (core.finished() || (any_bound && !core.bound())) continue;
      const std::size_t open = core.open_requests();
      if (any_bound && open >= window_) continue;
      if (pick == runners_.size() || open < least) {
        pick = i;
        least = open;
      }
    }
    if (pick == runners_.size()) break;  // every bound session's window is full
    runners_[pick]->core().enqueue(std::move(queue_.front()), now);
    queue_.pop_front();
    touched_[pick] = true;
  }
  for (std::size_t i = 0; i < runners_.size(); ++i)
    if (touched_[i]) runners_[i]->drive();
}

// x-smpp-in-flight-on-disconnect = resubmit: what a session that is down wrote and lost with its
// link, waiting to be written again, goes to the bound sessions (fewest open requests first)
// rather than waiting for that session's reconnect; the window of each is its core's (the parts
// wait there to be written again, ahead of its queue).
void session_group::move_lost_submissions(std::chrono::steady_clock::time_point now) {
  for (std::size_t from = 0; from < runners_.size(); ++from) {
    channel::channel_core& core = runners_[from]->core();
    if (core.bound() || core.finished() || core.open_requests() == 0) continue;
    core.take_resends(lost_);
    if (lost_.empty()) continue;
    const std::size_t count = lost_.size();
    for (auto& w : lost_) {
      std::size_t pick = runners_.size();
      for (std::size_t i = 0; i < runners_.size(); ++i) {
        channel::channel_core& c = runners_[i]->core();
        if (!c.bound() || c.finished()) continue;
        if (pick == runners_.size() || c.open_requests() < runners_[pick]->core().open_requests())
          pick = i;
      }
      if (pick == runners_.size()) pick = from;  // none bound after all: it stays
      one_.push_back(std::move(w));
      runners_[pick]->core().adopt_resends(one_, now);
      touched_[pick] = true;
    }
    lost_.clear();
    log_.write(log_level::info, name_,
               fmt::format("session {} of {}: {} submission(s) lost with its link go out again on "
                           "the sessions still bound (x-smpp-in-flight-on-disconnect = resubmit)",
                           from + 1, runners_.size(), count));
  }
}

void session_group::wake() {
  for (auto& r : runners_)
    r->wake();
}

bool session_group::finished() const noexcept {
  return std::all_of(runners_.begin(), runners_.end(), [](const auto& r) { return r->finished(); });
}

void session_group::begin_shutdown(std::chrono::steady_clock::time_point deadline,
                                   std::function<void()> on_finished) {
  drain_inbox();
  shutting_down_ = true;
  on_finished_ = std::move(on_finished);
  // What waits in the channel's queue was never sent: the first session's shutdown fails it as
  // such (SMSDRV_E_SHUT_DOWN), with its own queue.
  runners_.front()->core().put_back(queue_);
  running_ = runners_.size();
  for (auto& r : runners_)
    r->begin_shutdown(deadline, [this] {
      if (--running_ == 0 && on_finished_) std::exchange(on_finished_, nullptr)();
    });
}

void session_group::force_close(std::string_view reason) {
  for (auto& r : runners_)
    r->force_close(reason);
}

}  // namespace smsdrv::io
