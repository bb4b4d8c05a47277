// The simulated MMSC as a state machine (house style §2): HTTP requests, stdin commands, the
// outcomes of its own requests and time go in; answers, requests to send, JSON events and the
// next deadline come out. No sockets, no clocks: server.cpp (Boost.Beast) and the tests drive it.
//
// Contracts:
//  - Every call takes `now`; nothing happens between calls. The owner calls due_posts(now) at (or
//    after) next_deadline() and whenever on_request() or command() returned.
//  - on_request() decides the answer to one request from the VASP (a SubmitReq). The answer
//    may be delayed (answer_at), withheld forever (hold) or replaced by closing the
//    connection (drop).
//  - Requests to the VASP (deliveries: DeliverReq, DeliveryReportReq, ReadReplyReq) leave
//    through due_posts(), at most vasp_connections at a time; each gets exactly one
//    on_post_result(). One counts as delivered only when answered HTTP 200 with status 1000.
//    A 2xxx status (the VASP found it malformed) drops it; anything else (another status, an
//    HTTP error, a connection failure, a timeout) sends it again after redeliver_after: the
//    VASP's no-loss rule is tested against this.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "event.hpp"
#include "requests.hpp"

namespace smsdrv::mmsc_sim {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

struct http_request {
  std::uint64_t conn = 0;
  std::string method;
  std::string target;
  std::string content_type;
  std::string authorization;
  std::string body;
};

struct http_reply {
  enum class kind : std::uint8_t { answer, drop, hold };
  kind what = kind::answer;
  int status = 200;
  std::string content_type;
  std::string body;
  time_point answer_at{};  // not before
  bool challenge = false;  // WWW-Authenticate: Basic
};

struct outgoing_post {
  std::uint64_t delivery = 0;
  std::string content_type;
  std::string body;
};

struct counters {
  std::uint64_t requests = 0;
  std::uint64_t submissions = 0;
  std::uint64_t submissions_ok = 0;
  std::uint64_t submissions_failed = 0;
  std::uint64_t unauthorized = 0;
  std::uint64_t malformed = 0;
  std::uint64_t deliveries_queued = 0;
  std::uint64_t posts = 0;
  std::uint64_t deliveries_acknowledged = 0;
  std::uint64_t deliveries_rejected = 0;
  std::uint64_t redeliveries = 0;
  std::uint64_t bytes_in = 0;
};

class mmsc {
 public:
  mmsc(sim_config config, event_sink& events, time_point now);

  const sim_config& config() const noexcept { return config_; }
  const counters& stats() const noexcept { return counters_; }

  http_reply on_request(const http_request& request, time_point now);

  // One stdin line. Returns false for `exit`.
  bool command(std::string_view line, time_point now);

  std::vector<outgoing_post> due_posts(time_point now);
  // http_status 0: no answer (error says why: connection refused, timeout, closed).
  void on_post_result(std::uint64_t delivery, int http_status, std::string_view content_type,
                      std::string_view body, std::string_view error, time_point now);
  std::optional<time_point> next_deadline() const;

  // A stats event now (also every stats_interval from on_tick()).
  void emit_stats(time_point now);
  void on_tick(time_point now);

  // Queues a delivery (used by commands and by the automatic reports).
  std::uint64_t queue(std::string kind, outgoing_body body, std::string transaction_id,
                      time_point at);

 private:
  struct delivery {
    std::string kind;  // deliver, delivery-report, read-reply, raw
    std::string transaction_id;
    outgoing_body body;
    time_point due{};
    std::uint32_t attempt = 0;
    bool in_flight = false;
  };

  http_reply answer_submit(const http_request& request, time_point now);
  std::string next_message_id();
  std::string next_transaction_id();
  time_point answer_time(time_point now);
  void emit(event& e);
  void schedule_reports(const std::string& message_id, const std::string& recipient,
                        const std::string& sender, bool delivery_report, bool read_reply,
                        time_point now);

  sim_config config_;
  event_sink& events_;
  mm7_context ctx_;
  counters counters_;
  std::uint64_t next_id_;
  std::uint64_t next_transaction_ = 1;
  std::uint64_t next_delivery_ = 1;
  std::map<std::uint64_t, delivery> deliveries_;
  std::uint32_t in_flight_ = 0;
  std::mt19937_64 random_;
  time_point started_;
  time_point next_stats_{};
  time_point last_stats_{};
  std::uint64_t last_submissions_ = 0;
  double last_cpu_s_ = 0;
};

}  // namespace smsdrv::mmsc_sim
