// One HTTP(S) SMS gateway channel's logic, sans I/O (docs/http.md): requests queue in order,
// bounded; they go out within x-http-max-concurrent-requests and x-http-max-rate; each gets
// exactly one RESPONSE event.
//
//  - Every exchange is classified (http/response_classifier.hpp). Accepted: success with the
//    gateway's message id. Refused: a failure naming the HTTP status and the start of the body;
//    408 retries the request, 429 and 503 pause the channel (Retry-After, else a doubling pause)
//    and send it again, a few times at most.
//  - Never reached the gateway (connect refused, DNS, proxy, TLS): the gateway is down. The
//    request goes back to the head of the queue; one request probes the gateway after the
//    reconnect back-off (reconnection-timeout caps it), the others wait, and a request that
//    waited x-http-request-timeout without the gateway fails (SMSDRV_E_CHANNEL_DOWN). The
//    back-off is link_supervisor's (one gateway): its "connect" is the probe's turn.
//  - Sent and no usable answer (timeout, connection lost after the request was written, 502/504):
//    SMSDRV_E_OUTCOME_UNKNOWN, never sent again, unless x-http-on-outcome-unknown = resubmit.
//  - Shutdown: queued requests fail at once as never sent (SMSDRV_E_SHUT_DOWN); requests in
//    flight get until the drain deadline, then the shell aborts them: not written means never
//    sent (SMSDRV_E_SHUT_DOWN), written means outcome unknown.
//
// The queue, the window, the rate, pauses, resends, the shutdown and the one RESPONSE per
// request are the request tracker's (request_tracker.hpp); this class adds what is HTTP's: one
// exchange per request, the classification of its result, the gateway's state.
//
// The I/O shell (io/http_channel_runner) starts what outgoing() lists, feeds each result to
// on_result(), calls on_tick() at next_deadline(), aborts every exchange when abort_due(), and
// moves events() to the host. One thread; nothing here blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "channel/channel_event.hpp"
#include "channel/channel_metrics.hpp"
#include "channel/http_request.hpp"
#include "channel/link_supervisor.hpp"
#include "channel/request_tracker.hpp"
#include "channel/submit_gate.hpp"
#include "flow/rate_limit.hpp"
#include "http/response_classifier.hpp"
#include "util/log_sink.hpp"

namespace smsdrv::channel {

struct http_channel_config {
  std::string name;         // "channel-gw"
  std::string gateway;      // for events and logs, secrets masked: "https://api.example.com:443"
  std::size_t window = 10;  // x-http-max-concurrent-requests
  std::uint32_t max_rate = 10;  // x-http-max-rate
  std::size_t queue_size = 10000;
  // x-http-request-timeout: also how long a request waits for a gateway that cannot be reached.
  std::chrono::milliseconds max_waiting{std::chrono::seconds(30)};
  std::chrono::milliseconds reconnect_initial{std::chrono::seconds(1)};
  std::chrono::milliseconds reconnect_cap{std::chrono::seconds(180)};  // reconnection-timeout
  bool resubmit_unknown = false;   // x-http-on-outcome-unknown = resubmit
  std::uint32_t max_retries = 10;  // 408, 429, 503 and resubmissions of one request
  std::chrono::milliseconds max_pause{std::chrono::minutes(1)};  // of a doubling pause
  http::response_rules rules;
  http::secret_masker secrets;
  std::uint64_t seed = 0;  // jitter; 0 picks one from the name
  bool trace = false;      // x-debug-mode: every response at level debug, secrets masked
  std::shared_ptr<channel_metrics> metrics = std::make_shared<channel_metrics>();
};

class http_channel_core final {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  http_channel_core(http_channel_config config, log_sink& log, time_point now);

  const http_channel_config& config() const noexcept { return config_; }
  const std::string& name() const noexcept { return config_.name; }

  // Takes a request accepted by send(). Never fails: problems become its RESPONSE event.
  void enqueue(http_prepared_request&& request, time_point now);

  // x-failover-channel: takes out of the queue, oldest first, at most `limit` requests accepted
  // with their user data kept (http_prepared_request::kept) that never reached the gateway: not
  // in flight, never answered by it (no refusal, no unknown outcome). They get no RESPONSE
  // here: the caller hands each to the other channel. Nothing while shutting down.
  void take_unsent(std::size_t limit, std::vector<unsent_request>& out);

  // Exchanges to start now, each with the tag its result must carry; the caller empties it.
  struct outgoing_request {
    std::uint64_t tag = 0;
    const http::built_request* request = nullptr;  // valid until on_result() for the tag
  };
  std::vector<outgoing_request>& outgoing() noexcept { return outgoing_; }

  // The result of the exchange started with `tag`.
  void on_result(std::uint64_t tag, const http::exchange& result, time_point now);
  void on_tick(time_point now);
  time_point next_deadline() const noexcept;

  // Stop: see above. finished() turns true when every request has its response.
  void shutdown(time_point now, time_point deadline);
  // The drain time is over: the shell aborts every exchange (each result still comes back).
  bool abort_due(time_point now) const noexcept {
    return tracker_.shutting_down() && now >= tracker_.drain_deadline() && exchanges_ != 0;
  }
  bool finished() const noexcept { return tracker_.shutting_down() && exchanges_ == 0; }

  std::vector<channel_event>& events() noexcept { return events_; }
  std::size_t open_requests() const noexcept { return tracker_.open_requests(); }
  std::size_t in_flight() const noexcept { return exchanges_; }
  bool gateway_down() const noexcept { return down_; }
  std::uint64_t resubmissions() const noexcept { return resubmissions_; }

 private:
  // The tracker calls the transport's members below (request_tracker.hpp).
  using tracker = request_tracker<http_prepared_request, http_channel_core>;
  friend tracker;

  // The tracker's transport: a part is the whole request, one exchange.
  bool can_write(time_point now);
  void write_part(std::size_t slot, std::uint16_t part, bool retried, time_point now);
  std::string unsent_text(unsent_reason why, const http_prepared_request& r,
                          const tracker::in_flight* f, std::uint16_t part);
  void log(log_level level, std::string line, std::uint64_t request_id);
  void log_summary(log_level level, std::string line);
  bool logging(log_level level) const { return log_.enabled(level); }
  void recycle(http_prepared_request&) {}

  // Before the tracker pumps: link_'s back-off may be over (a probe's turn).
  void pump(time_point now);
  void tick_link(time_point now);
  // Carries out link_'s actions: a connect while down lets one request probe the gateway.
  void follow_link();
  void on_refused(std::size_t slot, const http::refused& r, const http::exchange& result,
                  time_point now);
  void on_lost(std::size_t slot, const http::lost& l, time_point now);
  // The request in `slot` fails now: `text`, and the HTTP status when there was one.
  void fail(std::size_t slot, std::int32_t status, std::string text, int http_status);
  void gateway_reached(time_point now);
  void gateway_unreachable(std::string_view reason, time_point now);
  void begin_pause(std::chrono::milliseconds pause, std::uint64_t refused_write, time_point now,
                   std::string_view why);
  time_point waited_long_enough(const http_prepared_request& r) const noexcept;
  void emit_state(std::string_view state, std::int32_t status, std::string text,
                  std::string reason = {}, std::chrono::milliseconds retry_in = {});
  void log(log_level level, std::string message) { log(level, std::move(message), 0); }

  http_channel_config config_;
  log_sink& log_;
  rate_gate rate_;
  link_supervisor link_;  // the gateway's state and back-off
  time_point now_;        // of the last call: next_deadline() tells times relative to it
  std::vector<channel_event> events_;
  tracker tracker_;

  std::size_t exchanges_ = 0;  // started, result not in yet
  std::vector<outgoing_request> outgoing_;

  bool down_ = false;        // the gateway could not be reached; requests wait
  bool probe_open_ = false;  // while down: the back-off is over, one request may try it
  time_point down_since_{};
  std::string down_reason_;

  std::uint32_t pauses_in_a_row_ = 0;
  std::uint64_t resubmissions_ = 0;
};

}  // namespace smsdrv::channel
