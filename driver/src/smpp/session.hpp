// The SMPP v3.4 session as a state machine (house style §2): bytes and time go in, bytes to
// write, queued events and the next deadline come out. No sockets, clocks or threads.
//
//   closed --on_connected--> binding --bind_resp OK--> bound --unbind()--> unbinding --> closed
//                               |  |                      |
//                               |  +--unbind()--> unbinding (the unbind follows the bind_resp)
//                               +--bind_resp error--------+--peer unbind / link failure--> closed
//
// Contracts:
//  - Every call takes `now`; nothing happens between calls. The owner calls on_tick(now) at (or
//    after) next_deadline().
//  - The session never calls its owner. Every call only changes the state, appends bytes to
//    output() and queues events; the owner takes them with next_event() after the call returns
//    (or has drain() hand them to a session_handler). An owner that reacts to an event by
//    calling the session again (respond, send_request) finds that call's events behind the
//    ones it is draining.
//  - Bytes to send accumulate in output(); the owner writes them and clears what it wrote
//    (swapping the string keeps both capacities).
//  - An event owns what it carries: its PDU views the event's own copy of the frame, valid while
//    the event is.
//  - Every request sent with send_request() ends with exactly one event response,
//    response_timeout or request_lost carrying its tag.
//  - A response settles a request only when it carries the request's sequence number and is
//    the request's own *_resp or a generic_nack (SMPP v3.4 §3.2, §5.1.2.1, §4.3); any other is
//    a protocol error of the peer, logged and ignored (a response is never answered), and the
//    request keeps waiting. The same holds for the bind, the unbind and enquire_link.
//  - What a request from the SMSC gets is the row of request_rules (session_rules.hpp) for its
//    command_id, in the session's state.
//  - Liveness is a complete PDU: the enquire_link interval and the dead-peer timeout count from
//    the last whole PDU received, not from the last octet.
//  - An unbind from the SMSC (SMPP v3.4 §4.2) is answered at once; the PDUs read with it are
//    still processed (responses settle their requests; requests are refused ESME_RINVBNDSTS),
//    then the session ends: unanswered requests are lost, `unbound` (by peer) and the owner
//    closes the transport after writing output() (the unbind_resp).
//  - After link_failed output() is empty: nothing more is written on a failed link.
//  - link_failed means the transport must be closed by the owner, who then calls on_closed().
//    After on_closed() (or link_failed) the session is `closed` and can be reused for the next
//    connection with on_connected().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smpp/codec.hpp"
#include "smpp/pdu.hpp"
#include "smpp/session_rules.hpp"
#include "util/log_level.hpp"

namespace smsdrv::smpp {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using std::chrono::milliseconds;

enum class bind_mode : std::uint8_t { transmitter, receiver, transceiver };

std::string_view bind_mode_name(bind_mode mode) noexcept;  // "transmitter", ...

struct session_config {
  bind_mode mode = bind_mode::transceiver;
  std::string system_id;
  std::string password;
  std::string system_type;
  std::uint8_t addr_ton = 0;
  std::uint8_t addr_npi = 0;
  std::string address_range;
  // How long to wait for bind_resp / unbind_resp / enquire_link_resp.
  milliseconds response_timeout{std::chrono::seconds(30)};
  // How long a request sent with send_request() (submit_sm ...) may wait for its response.
  milliseconds request_timeout{std::chrono::seconds(30)};
  // Idle time (no complete PDU received) after which an enquire_link is sent; 0 disables.
  milliseconds enquire_link_interval{std::chrono::seconds(30)};
  // No complete PDU received for this long drops the link (any inbound PDU counts as life, a
  // PDU still arriving does not); 0 disables.
  milliseconds dead_peer_timeout{std::chrono::seconds(90)};
  std::uint32_t max_command_length = default_max_command_length;
  // The sequence number issued before the first one of this session (tests start near the
  // wrap at 0x7FFFFFFF with it).
  std::uint32_t initial_sequence_number = 0;
};

// What the session reports, in the order it happened.
enum class session_event_kind : std::uint8_t {
  bound,               // text: the SMSC's bind_resp system_id
  bind_failed,         // command_status: the bind_resp status, 0 when none came in time
  response,            // tag, message: the request's own *_resp or a generic_nack
  response_timeout,    // tag
  request_lost,        // tag: the link closed while the request was unanswered
  inbound_deliver_sm,  // sequence_number, message: answer with respond_deliver_sm()
  inbound_data_sm,     // sequence_number, message: answer with respond_data_sm()
  inbound_alert,       // message: an alert_notification (§4.12); no response is due
  unbound,             // by_peer: the SMSC unbound (true) or answered our unbind (false)
  link_failed,         // text: why; the owner closes the transport and calls on_closed()
  log,                 // level, text
  trace,               // outgoing, message: every PDU sent or received, when tracing is on
};

struct session_event {
  session_event_kind kind = session_event_kind::log;
  std::uint64_t tag = 0;
  std::uint32_t sequence_number = 0;
  std::uint32_t command_status = 0;
  bool by_peer = false;   // unbound
  bool outgoing = false;  // trace
  log_level level = log_level::info;
  std::string text;
  std::vector<char> frame;  // the PDU's bytes, owned: `message` views them
  pdu message;
};

// An owner's reactions, one per kind of event; session::drain() calls them. The views passed
// (PDU fields, texts) are valid during the call.
class session_handler {
 public:
  virtual ~session_handler() = default;

  // The bind succeeded; smsc_system_id is the SMSC's bind_resp system_id.
  virtual void on_bound(std::string_view smsc_system_id) = 0;
  // The SMSC refused the bind (command_status is the bind_resp status, e.g. ESME_RINVPASWD) or
  // did not answer in time (command_status 0). The link should be closed: on_link_failed follows.
  virtual void on_bind_failed(std::uint32_t command_status) = 0;
  // The response to a request sent with send_request(): its own *_resp, or a generic_nack.
  virtual void on_response(std::uint64_t tag, const pdu& response) = 0;
  virtual void on_response_timeout(std::uint64_t tag) = 0;
  // The link closed while the request was unanswered: the SMSC may or may not have taken it.
  virtual void on_request_lost(std::uint64_t tag) = 0;
  // A message from the SMSC. The owner answers later with respond_deliver_sm() /
  // respond_data_sm() using this sequence number and the current connection_id().
  virtual void on_deliver_sm(std::uint32_t sequence_number, const deliver_sm& message) = 0;
  virtual void on_data_sm(std::uint32_t sequence_number, const data_sm& message) = 0;
  // alert_notification (§4.12): no response is due.
  virtual void on_alert_notification(const alert_notification& alert) = 0;
  // The session ended in order: our unbind was answered (by_peer false) or the SMSC unbound.
  virtual void on_unbound(bool by_peer) = 0;
  // The link is unusable (framing lost, dead peer, enquire_link unanswered, bind refused or
  // unanswered, unbind done). The owner closes the transport and calls on_closed().
  virtual void on_link_failed(std::string_view reason) = 0;
  virtual void on_log(log_level level, std::string_view message) = 0;
  // Every PDU sent (outgoing true) or received, when tracing is enabled.
  virtual void on_trace(bool outgoing, const pdu& p) = 0;
};

// Calls the handler's reaction to one event.
void dispatch(const session_event& event, session_handler& handler);

class session {
 public:
  explicit session(session_config config);

  const session_config& config() const noexcept { return config_; }
  session_state state() const noexcept { return state_; }
  bool bound() const noexcept { return state_ == session_state::bound; }
  // True when the bind mode lets us submit (transmitter or transceiver) and we are bound.
  bool can_submit() const noexcept;
  // Increases at every on_connected(); identifies the connection a deliver_sm arrived on.
  std::uint64_t connection_id() const noexcept { return connection_id_; }
  // Requests sent and not yet answered.
  std::size_t outstanding() const noexcept { return outstanding_; }
  // A response is due from the peer: to a request, the bind or unbind, or an enquire_link.
  // (The owner keeps reading the transport while one is, whatever else holds it back.)
  bool awaiting_response() const noexcept {
    return outstanding_ > 0 || control_sequence_ != 0 || enquire_link_sequence_ != 0;
  }
  void set_tracing(bool on) noexcept { tracing_ = on; }
  // The account of the next bind (failover: the secondary SMSC may have its own).
  void set_bind_credentials(std::string system_id, std::string password) {
    config_.system_id = std::move(system_id);
    config_.password = std::move(password);
  }

  // The transport is up: sends the bind.
  void on_connected(time_point now);
  // Bytes read from the transport, in order.
  void on_bytes(std::string_view data, time_point now);
  // Deadlines: enquire_link, timeouts, dead peer.
  void on_tick(time_point now);
  // The transport closed (by either side). Unanswered requests are reported lost.
  void on_closed(time_point now);
  // The earliest time on_tick() has work to do; time_point::max() when none.
  time_point next_deadline() const noexcept;

  // Sends a request PDU (submit_sm, data_sm, query_sm, cancel_sm, replace_sm, submit_multi) and
  // returns its sequence number; its outcome is reported with `tag`. Fails (nothing sent) with
  // ESME_RINVBNDSTS when not bound for it, or with the codec's status when the PDU breaks a
  // field limit.
  template <class Body>
  codec_status send_request(const Body& body, std::uint64_t tag, time_point now,
                            std::uint32_t* sequence_number = nullptr);

  // Sends a request already encoded by encode() (any sequence number): the frame is copied and
  // its sequence_number patched. Lets callers encode off the I/O thread. Fails like
  // send_request(); ESME_RINVCMDID when the frame is not a request the session may send.
  codec_status send_encoded_request(std::string_view frame, std::uint64_t tag, time_point now,
                                    std::uint32_t* sequence_number = nullptr);

  // Answers a deliver_sm / data_sm received on connection `connection`. Ignored (returns false)
  // when that connection is gone: the SMSC will deliver the message again.
  bool respond_deliver_sm(std::uint64_t connection, std::uint32_t sequence_number,
                          std::uint32_t command_status);
  bool respond_data_sm(std::uint64_t connection, std::uint32_t sequence_number,
                       std::uint32_t command_status, std::string_view message_id = {});

  // Starts an orderly unbind; on_unbound follows (at the latest at the response timeout). While
  // the bind is unanswered the unbind waits for the bind_resp (SMPP v3.4 §4.2: unbind ends a
  // bound session): then the unbind goes out, or the bind fails as any bind; on_bound is not
  // reported.
  void unbind(time_point now);

  // Bytes waiting to be written. The owner removes what it wrote.
  std::string& output() noexcept { return out_; }

  // The oldest event not yet taken, or nullptr when there is none. It stays valid, and in place,
  // until the next call of next_event(); events queued meanwhile go behind it.
  const session_event* next_event();
  bool has_events() const noexcept { return event_head_ != event_tail_; }
  // Hands every queued event to `handler`, oldest first, including those its reactions queue.
  // A drain() called from inside a reaction returns at once: the outer one goes on.
  void drain(session_handler& handler);

 private:
  struct pending_request {
    std::uint32_t sequence_number = 0;  // 0: free slot
    command_id id{};
    std::uint64_t tag = 0;
  };
  struct deadline_entry {
    time_point when;
    std::uint32_t sequence_number;
  };

  void process_frame(std::string_view frame, time_point now);
  void handle(const pdu& p, time_point now);
  void handle_response(const pdu& p, time_point now);
  void ignore_non_answer(const pdu& p, command_id request);
  void end_unbound_by_peer();
  void handle_request(const pdu& p, time_point now);
  void answer_unsupported(const pdu& p);
  void answer_malformed(std::string_view frame, pdu& p, const codec_status& st, time_point now);
  void fail_link(std::string_view reason);
  void send_bind(time_point now);
  void send_enquire_link(time_point now);
  void send_unbind(time_point now);
  std::uint32_t next_sequence() noexcept;
  template <class Body>
  void send_pdu(const Body& body, std::uint32_t sequence, std::uint32_t status = 0);
  session_event& push_event(session_event_kind kind);
  // Queues an event carrying a copy of `frame`, decoded; `fallback` when it does not decode
  // (a response read from its header only).
  session_event& push_pdu_event(session_event_kind kind, std::string_view frame,
                                const pdu& fallback);
  void trace(bool outgoing, std::string_view frame, const pdu& fallback);
  void log(log_level level, std::string_view message);
  void deliver(const pdu& p);
  pending_request* find_pending(std::uint32_t sequence) noexcept;
  void add_pending(std::uint32_t sequence, command_id id, std::uint64_t tag);
  void grow_pending();
  void abandon_pending();

  session_config config_;
  // Events not yet taken: slots [event_head_, event_tail_). A deque, so that queuing never moves
  // the event being handled; its slots (and their buffers) are reused once every event is taken.
  std::deque<session_event> events_;
  std::size_t event_head_ = 0;
  std::size_t event_tail_ = 0;
  bool draining_ = false;
  session_state state_ = session_state::closed;
  bool tracing_ = false;
  std::uint64_t connection_id_ = 0;
  std::uint32_t last_sequence_;

  std::string in_;                  // bytes of an incomplete frame carried between on_bytes calls
  std::string out_;                 // encoded PDUs waiting to be written
  pdu scratch_;                     // decode target, reused
  std::string_view current_frame_;  // the frame being handled, copied into the events it causes

  // Outstanding requests: an open-addressed ring indexed by sequence number (sequence numbers
  // are issued consecutively, so live ones never collide until the ring is too small).
  std::vector<pending_request> pending_;
  std::size_t outstanding_ = 0;
  std::deque<deadline_entry> request_deadlines_;  // FIFO: same timeout for every request

  time_point last_received_{};
  std::size_t connection_bytes_seen_ = 0;            // to recognise a peer that is not SMPP
  bool link_failure_reported_ = false;               // on_link_failed at most once per connection
  time_point control_deadline_ = time_point::max();  // bind_resp / unbind_resp
  std::uint32_t control_sequence_ = 0;               // bind or unbind awaiting response
  command_id control_id_ = command_id::unbind;       // which of them
  bool unbound_by_peer_ = false;  // the SMSC's unbind is answered; ends after the current read
  bool malformed_response_logged_ = false;  // the first on a connection is a warning
  time_point enquire_link_deadline_ = time_point::max();
  std::uint32_t enquire_link_sequence_ = 0;  // 0: none outstanding
};

}  // namespace smsdrv::smpp
