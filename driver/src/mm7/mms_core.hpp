// The MMS side of a channel as a state machine (house style §2): SendMMS requests, the outcomes
// of their HTTP exchanges, the MMSC's requests taken by the listener, the host's acks and time
// go in; HTTP exchanges to start, answers for the listener, events and the next deadline come out.
// No sockets, no clocks: io/mm7_runner drives it, the tests drive it with fake time.
//
// Requests (3GPP TS 23.140 §8.7.1): queued in order; at most max_in_flight exchanges, max_rate
// per second. Each gets exactly one RESPONSE:
//   accepted (SubmitRsp 1000)            SMSDRV_OK, _smsMessageId = the MMSC's MessageID;
//   refused (any other status, a Fault,  SMSDRV_E_SMSC_REJECTED with the status and text,
//     an HTTP error)                      _mmsRetryable = true when the cause is temporary;
//   unknown (the answer cannot be read,  SMSDRV_E_OUTCOME_UNKNOWN: the MMSC may have it, it is
//     or the exchange broke after the     not sent again;
//     request was written)
//   not written (connect failed, ...)    sent again: on the failover URL first, then after a
//                                        back-off, for up to response_timeout since the first
//                                        attempt, then SMSDRV_E_CHANNEL_DOWN;
//   shutdown, or the channel replaced    queued: SMSDRV_E_SHUT_DOWN (never sent); in flight:
//     or removed                         what its exchange gives (the runner aborts it at the
//                                        end of the drain: unknown when written).
// MessageIDs of accepted requests that asked for reports are remembered (a bounded number),
// so that DeliveryReportReq and ReadReplyReq are correlated to their request.
//
// The MMSC's requests (§8.7.6, §8.7.9, §8.7.10): each becomes an event flagged NEEDS_ACK; its
// answer is held until the host's ack: 1000 when taken, else a Fault with 4006 (the MMSC sends it
// again). No ack within ack_timeout counts as not taken; so do max_unacked requests waiting at
// once (the next is answered 4006 at once) and shutdown (a channel replaced or removed gives the
// ones waiting until the end of its drain).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "channel/channel_event.hpp"
#include "flow/backoff.hpp"
#include "flow/token_bucket.hpp"
#include "mm7/inbound_events.hpp"
#include "mm7/listener_exchange.hpp"
#include "mm7/mms_composer.hpp"

namespace smsdrv::mm7 {

struct core_settings {
  std::string channel;
  std::string application_name;
  std::size_t urls = 1;  // the MMSC's MM7 URL, and its failover URL when 2
  std::size_t max_in_flight = 10;
  std::uint32_t max_rate = 0;  // SubmitReq per second; 0: no limit
  std::chrono::milliseconds response_timeout{60'000};
  std::chrono::milliseconds retry_cap{30'000};
  std::chrono::milliseconds ack_timeout{30'000};
  std::size_t max_unacked = 1000;
  std::size_t remembered_message_ids = 65'536;
  std::uint64_t seed = 1;
};

// What the HTTP client saw of one exchange.
struct post_result {
  bool answered = false;  // a complete HTTP response arrived
  bool written = false;   // every octet of the request was handed to the connection
  int http_status = 0;
  std::string content_type;
  std::string body;
  std::string failure;  // the transport's words when not answered
};

// An exchange to start: POST body (shared, so a retry needs no copy) to url (0: the MMSC's URL,
// 1: the failover URL) with headers.
struct post_start {
  std::uint64_t tag = 0;
  std::size_t url = 0;
  std::shared_ptr<const std::string> body;
  const std::vector<http_header>* headers = nullptr;  // valid until on_post_result(tag)
};

struct listener_reply {
  std::uint64_t reply_tag = 0;
  http_answer answer;
};

class mms_core {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  mms_core(core_settings settings, mms_settings mms, time_point now);

  void submit(prepared_mms&& prepared, time_point now);
  std::vector<post_start> take_posts(time_point now);
  void on_post_result(std::uint64_t tag, post_result&& result, time_point now);

  void on_mmsc_request(std::uint64_t reply_tag, mmsc_request&& taken, time_point now,
                       std::chrono::system_clock::time_point wall);
  void on_ack(std::uint64_t ack_id, std::int32_t disposition);
  void on_reply_gone(std::uint64_t reply_tag);

  void on_tick(time_point now);
  std::optional<time_point> next_deadline() const;

  // Stops taking work: queued requests end SMSDRV_E_SHUT_DOWN (never sent), requests in flight
  // keep their exchange, new MMSC requests are answered not taken (4006). The MMSC's requests
  // waiting for the host's ack are answered not taken now, or, given `acks_until` (a channel
  // retired while the host keeps running), keep waiting until then at the latest. Called again
  // without `acks_until` (the driver shuts down), it answers those still waiting now.
  void begin_shutdown(time_point now, std::optional<time_point> acks_until = std::nullopt);
  // Nothing queued, in flight or waiting for an ack.
  bool idle() const noexcept;
  std::size_t in_flight() const noexcept { return in_flight_.size(); }
  std::size_t queued() const noexcept { return queue_.size(); }
  std::size_t awaiting_ack() const noexcept { return waiting_.size(); }

  // Output since the last take (moved out).
  std::vector<channel::channel_event>& events() { return events_; }
  std::vector<listener_reply>& replies() { return replies_; }

 private:
  struct request {
    prepared_mms prepared;
    std::shared_ptr<const std::string> body;
    std::size_t url = 0;          // the URL of the next attempt
    std::size_t tried_round = 0;  // URLs tried since the last back-off
    std::optional<time_point> first_attempt;
    time_point not_before{};
  };
  struct waiting {
    std::uint64_t reply_tag = 0;
    mmsc_request request;
    time_point deadline{};
    bool reply_gone = false;
  };

  void respond(const request& r, std::int32_t status, std::string text,
               channel::attributes attrs = {});
  void answer(waiting& w, bool taken, std::string_view why);
  void remember(const std::string& message_id, std::uint64_t request_id);
  std::uint64_t request_of(const std::string& message_id) const;

  core_settings settings_;
  mms_settings mms_;
  flow::backoff backoff_;
  std::optional<flow::token_bucket> rate_;
  std::deque<request> queue_;
  std::unordered_map<std::uint64_t, request> in_flight_;
  std::uint64_t next_tag_ = 1;
  std::map<std::uint64_t, waiting> waiting_;  // by ack id
  std::unordered_map<std::uint64_t, std::uint64_t> ack_of_reply_;
  std::uint64_t next_ack_ = 1;
  std::unordered_map<std::string, std::uint64_t> message_ids_;
  std::deque<std::string> message_id_order_;
  bool shutting_down_ = false;
  std::vector<channel::channel_event> events_;
  std::vector<listener_reply> replies_;
};

}  // namespace smsdrv::mm7
