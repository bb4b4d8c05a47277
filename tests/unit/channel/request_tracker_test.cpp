// request_tracker alone, with fake time and a fake transport that records every write and
// reports outcomes when the test says so: the queue, the window, the rate, pauses, resends,
// shutdown and drain, and exactly one RESPONSE per request on every path.
#include "channel/request_tracker.hpp"
#include "channel/request_tracker_impl.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <map>

#include "channel/prepared_request.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace std::chrono_literals;

namespace {

struct fake_transport;
using tracker_t = request_tracker<prepared_request, fake_transport>;
using time_point = tracker_t::time_point;

struct write_record {
  std::size_t slot;
  std::uint16_t part;
  bool retried;
  time_point at;
};

struct fake_transport {
  std::size_t window = 4;
  bool link_up = true;
  std::size_t outstanding = 0;  // parts written, outcome not reported by the test yet
  std::vector<write_record> writes;
  std::vector<std::string> lines;
  std::size_t recycled = 0;

  bool can_write(time_point) { return link_up && outstanding < window; }
  void write_part(std::size_t slot, std::uint16_t part, bool retried, time_point now) {
    ++outstanding;
    writes.push_back({slot, part, retried, now});
  }
  std::string unsent_text(unsent_reason why, const prepared_request& r, const tracker_t::in_flight*,
                          std::uint16_t part) {
    return fmt::format("unsent {} request {} part {}", static_cast<int>(why), r.request_id, part);
  }
  void log(log_level, std::string line, std::uint64_t) { lines.push_back(line); }
  void log_summary(log_level, std::string line) { lines.push_back(line); }
  bool logging(log_level) const { return true; }
  void recycle(prepared_request&) { ++recycled; }
};

struct fixture {
  time_point now{std::chrono::hours(100)};
  fake_transport transport;
  channel_metrics metrics;
  std::vector<channel_event> events;
  rate_gate rate;
  tracker_t tracker;

  explicit fixture(tracker_t::settings s = {}, std::uint32_t max_rate = 1000,
                   std::uint32_t burst = 100)
      : rate(flow::rate_limit(max_rate, burst)), tracker(s, transport, rate, metrics, events) {}

  prepared_request make(std::uint64_t id, std::size_t parts = 1, bool keep = false) {
    prepared_request r;
    r.request_id = id;
    for (std::size_t i = 0; i < parts; ++i)
      r.frames.push_back(fmt::format("frame {} of {}", i + 1, id));
    r.accepted = now;
    if (keep) r.kept = {{"Text", fmt::format("message {}", id)}};
    return r;
  }
  void send(std::uint64_t id, std::size_t parts = 1, bool keep = false) {
    tracker.enqueue(make(id, parts, keep), now);
  }
  // The transport reports an outcome of a written part: it leaves the window.
  write_record take_write(std::size_t i) {
    --transport.outstanding;
    return transport.writes.at(i);
  }
  std::uint64_t id_of(const write_record& w) const {
    return tracker.slot(w.slot).request.request_id;
  }

  std::vector<const channel_event*> responses(std::uint64_t id) const {
    std::vector<const channel_event*> out;
    for (const channel_event& e : events)
      if (e.type == SMSDRV_EVENT_RESPONSE && e.request_id == id) out.push_back(&e);
    return out;
  }
  const channel_event& response(std::uint64_t id) const {
    const auto r = responses(id);
    REQUIRE(r.size() == 1);
    return *r.front();
  }
  // Every id in [1, n] has exactly one RESPONSE; nothing else has one.
  void each_answered_once(std::uint64_t n) const {
    std::map<std::uint64_t, int> count;
    for (const channel_event& e : events)
      if (e.type == SMSDRV_EVENT_RESPONSE) ++count[e.request_id];
    CHECK(count.size() == n);
    for (std::uint64_t id = 1; id <= n; ++id)
      CHECK(count[id] == 1);
    CHECK(tracker.open_requests() == 0);
  }
};

std::string attr_of(const channel_event& e, std::string_view key) {
  for (const auto& [k, v] : e.attrs)
    if (k == key) return v;
  return "<absent>";
}

}  // namespace

// Every member, compiled against the fake (the tests below call most of them).
template class smsdrv::channel::request_tracker<prepared_request, fake_transport>;

TEST_CASE("requests go out in order, within the transport's window") {
  fixture f;
  f.transport.window = 2;
  for (std::uint64_t id = 1; id <= 4; ++id)
    f.send(id);
  REQUIRE(f.transport.writes.size() == 2);
  CHECK(f.id_of(f.transport.writes[0]) == 1);
  CHECK(f.id_of(f.transport.writes[1]) == 2);
  CHECK(f.tracker.queued() == 2);
  CHECK(f.tracker.open_requests() == 4);
  const auto w = f.take_write(0);
  f.tracker.accepted(w.slot, w.part, "m1");
  f.tracker.pump(f.now);
  REQUIRE(f.transport.writes.size() == 3);
  CHECK(f.id_of(f.transport.writes[2]) == 3);
  CHECK(f.response(1).status == SMSDRV_OK);
  CHECK(attr_of(f.response(1), attr::message_id) == "m1");
  CHECK(f.responses(2).empty());
}

TEST_CASE("the queue's bound refuses at once, and only beyond it") {
  tracker_t::settings s;
  s.queue_limit = 2;
  fixture f(s);
  f.transport.link_up = false;
  f.send(1);
  f.send(2);
  CHECK(f.events.empty());
  f.send(3);
  CHECK(f.response(3).status == SMSDRV_E_QUEUE_FULL);
  CHECK(f.tracker.open_requests() == 2);
  f.transport.link_up = true;
  f.tracker.pump(f.now);
  CHECK(f.transport.writes.size() == 2);
}

TEST_CASE("the rate spaces the writes; work_at tells when work waits") {
  fixture f({}, /*max_rate=*/10, /*burst=*/1);
  f.transport.window = 100;
  for (std::uint64_t id = 1; id <= 3; ++id)
    f.send(id);
  CHECK(f.transport.writes.size() == 1);
  CHECK(f.tracker.work_at() == time_point{});
  CHECK(f.rate.next_available(f.now) > f.now);
  f.now = f.rate.next_available(f.now);
  f.tracker.pump(f.now);
  CHECK(f.transport.writes.size() == 2);
  CHECK(f.transport.writes[1].at - f.transport.writes[0].at >= 99ms);
  // Still queued while the rate holds it: take_unsent may take it.
  CHECK(f.tracker.queued() == 1);
}

TEST_CASE("a pause holds every write until it ends; an old refusal was answered by it") {
  fixture f;
  f.send(1);
  f.send(2);
  REQUIRE(f.transport.writes.size() == 2);
  const auto w1 = f.take_write(0);
  const std::uint64_t refused = f.tracker.slot(w1.slot).part[0].written_as;
  f.tracker.pause_until(f.now + 1s, refused);
  f.tracker.resend(w1.slot, w1.part, f.now);
  f.send(3);
  CHECK(f.transport.writes.size() == 2);
  CHECK(f.tracker.paused(f.now));
  // Request 2 was written before the pause began: its refusal does not begin another.
  CHECK(f.tracker.pause_answered(f.tracker.slot(f.transport.writes[1].slot).part[0].written_as));
  f.now += 999ms;
  f.tracker.pump(f.now);
  CHECK(f.transport.writes.size() == 2);
  f.now += 1ms;
  f.tracker.pump(f.now);
  REQUIRE(f.transport.writes.size() == 4);
  // The part to write again goes first: it is older than the queue.
  CHECK(f.id_of(f.transport.writes[2]) == 1);
  CHECK(f.transport.writes[2].retried);
  CHECK(f.id_of(f.transport.writes[3]) == 3);
  CHECK_FALSE(
      f.tracker.pause_answered(f.tracker.slot(f.transport.writes[2].slot).part[0].written_as));
}

TEST_CASE("a resend waits for its due time, and counts in the response") {
  fixture f;
  f.send(1);
  const auto w = f.take_write(0);
  f.tracker.resend(w.slot, w.part, f.now + 500ms);
  CHECK(f.tracker.next_resend() == f.now + 500ms);
  CHECK(f.tracker.work_at() == f.now + 500ms);
  f.now += 499ms;
  f.tracker.pump(f.now);
  CHECK(f.transport.writes.size() == 1);
  f.now += 1ms;
  f.tracker.pump(f.now);
  REQUIRE(f.transport.writes.size() == 2);
  CHECK(f.transport.writes[1].retried);
  CHECK(f.transport.writes[1].slot == w.slot);
  const auto again = f.take_write(1);
  f.tracker.accepted(again.slot, again.part, "m1");
  CHECK(attr_of(f.response(1), attr::retries) == "1");
  CHECK(f.tracker.resubmissions() == 1);
  f.each_answered_once(1);
}

TEST_CASE("a part written again is no longer waiting: the request stays until its outcome") {
  fixture f;
  f.send(1, 2);
  REQUIRE(f.transport.writes.size() == 2);
  const auto first = f.take_write(0);
  f.tracker.resend(first.slot, first.part, f.now);
  f.tracker.pump(f.now);
  REQUIRE(f.transport.writes.size() == 3);
  CHECK(f.tracker.resends_waiting() == 0);
  // The second part fails: the first, written again, is still out and keeps the slot.
  const auto second = f.take_write(1);
  f.tracker.failed(second.slot, second.part, SMSDRV_E_SMSC_REJECTED, "refused");
  CHECK(f.response(1).status == SMSDRV_E_SMSC_REJECTED);
  CHECK(f.tracker.in_flight_requests() == 1);
  CHECK(f.tracker.awaiting(tracker_t::tag_of(first.slot, first.part)));
  CHECK(f.transport.recycled == 0);
  const auto again = f.take_write(2);
  f.tracker.accepted(again.slot, again.part, "m1");
  CHECK(f.transport.recycled == 1);
  f.each_answered_once(1);
}

TEST_CASE("of the resends due, the one refused least often goes first") {
  fixture f;
  f.send(1);
  f.send(2);
  const auto a = f.take_write(0);
  const auto b = f.take_write(1);
  f.tracker.slot(a.slot).part[0].refusals = 3;
  f.tracker.slot(b.slot).part[0].refusals = 1;
  f.transport.window = 1;
  f.tracker.resend(a.slot, a.part, f.now);
  f.tracker.resend(b.slot, b.part, f.now);
  f.tracker.pump(f.now);
  REQUIRE(f.transport.writes.size() == 3);
  CHECK(f.id_of(f.transport.writes[2]) == 2);
}

TEST_CASE("a request of several parts: success once every part is accepted") {
  fixture f;
  f.send(1, 3);
  REQUIRE(f.transport.writes.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto w = f.take_write(i);
    CHECK(f.events.empty());
    f.tracker.accepted(w.slot, w.part, i == 1 ? "" : fmt::format("m{}", i + 1));
  }
  const channel_event& e = f.response(1);
  CHECK(e.status == SMSDRV_OK);
  CHECK(attr_of(e, attr::message_ids) == "m1,,m3");
  CHECK(attr_of(e, attr::segments) == "3");
  CHECK(attr_of(e, attr::message_id_missing) == "2");
  CHECK(f.transport.recycled == 1);
  f.each_answered_once(1);
}

TEST_CASE(
    "a failed part fails the request once; the rest is not sent; later outcomes change "
    "nothing") {
  fixture f;
  f.transport.window = 2;
  f.send(1, 4);
  REQUIRE(f.transport.writes.size() == 2);
  const auto w1 = f.take_write(0);
  const auto w2 = f.take_write(1);
  f.tracker.failed(w2.slot, w2.part, SMSDRV_E_SMSC_REJECTED, "refused");
  const channel_event& e = f.response(1);
  CHECK(e.status == SMSDRV_E_SMSC_REJECTED);
  CHECK(e.text == "segment 2 of 4: refused");
  CHECK(attr_of(e, attr::failed_segment) == "2/4");
  f.tracker.pump(f.now);
  CHECK(f.transport.writes.size() == 2);  // segments 3 and 4 never go out
  f.tracker.accepted(w1.slot, w1.part, "m1");
  f.each_answered_once(1);
}

TEST_CASE(
    "a timeout and a lost link fail the request; a resubmission after the loss can "
    "succeed") {
  fixture f;
  f.send(1);
  f.send(2);
  f.send(3);
  const auto w1 = f.take_write(0);
  const auto w2 = f.take_write(1);
  const auto w3 = f.take_write(2);
  f.tracker.failed(w1.slot, w1.part, SMSDRV_E_TIMEOUT, "no answer");
  f.tracker.begin_batch();
  f.tracker.failed(w2.slot, w2.part, SMSDRV_E_OUTCOME_UNKNOWN, "lost");
  f.tracker.slot(w3.slot).part[0].lost = 1;
  f.tracker.resend(w3.slot, w3.part, f.now);
  f.tracker.end_batch("link closed");
  CHECK(f.response(1).status == SMSDRV_E_TIMEOUT);
  CHECK(f.response(2).status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(f.responses(3).empty());
  CHECK(std::count_if(f.transport.lines.begin(), f.transport.lines.end(), [](const auto& l) {
          return l.starts_with("link closed: 1 request failed with SMSDRV_E_OUTCOME_UNKNOWN");
        }) == 1);
  f.tracker.pump(f.now);
  REQUIRE(f.transport.writes.size() == 4);
  const auto again = f.take_write(3);
  f.tracker.accepted(again.slot, again.part, "m3");
  CHECK(f.response(3).status == SMSDRV_OK);
  f.each_answered_once(3);
}

TEST_CASE(
    "shutdown: queued and waiting-to-resend fail as never sent; written ones are waited "
    "for") {
  fixture f;
  f.transport.window = 2;
  for (std::uint64_t id = 1; id <= 4; ++id)
    f.send(id);
  const auto w1 = f.take_write(0);
  const auto w2 = f.take_write(1);
  f.tracker.resend(w2.slot, w2.part, f.now + 1s);
  f.tracker.shutdown(f.now, f.now + 5s);
  CHECK(f.response(3).status == SMSDRV_E_SHUT_DOWN);
  CHECK(f.response(4).status == SMSDRV_E_SHUT_DOWN);
  CHECK(f.response(2).status == SMSDRV_E_SHUT_DOWN);
  CHECK(f.response(2).text == "unsent 2 request 2 part 0");
  CHECK(f.responses(1).empty());
  CHECK(f.tracker.in_flight_requests() == 1);
  // One line for the batch, not one per request.
  CHECK(std::count_if(f.transport.lines.begin(), f.transport.lines.end(), [](const auto& l) {
          return l.starts_with("shutdown: 3 requests failed with SMSDRV_E_SHUT_DOWN");
        }) == 1);
  f.tracker.accepted(w1.slot, w1.part, "m1");
  CHECK(f.response(1).status == SMSDRV_OK);
  // After the shutdown a request is refused at once.
  f.send(5);
  CHECK(f.response(5).status == SMSDRV_E_SHUT_DOWN);
  CHECK(f.transport.writes.size() == 2);
  f.each_answered_once(5);
}

TEST_CASE("shutdown part-way through a long message: answered when its written parts are") {
  fixture f;
  f.transport.window = 1;
  f.send(1, 3);
  REQUIRE(f.transport.writes.size() == 1);
  f.tracker.shutdown(f.now, f.now + 5s);
  CHECK(f.responses(1).empty());
  const auto w = f.take_write(0);
  f.tracker.accepted(w.slot, w.part, "m1");
  const channel_event& e = f.response(1);
  CHECK(e.status == SMSDRV_E_SHUT_DOWN);
  CHECK(e.text ==
        "the driver shut down after segment 1 of 3 was sent and accepted (message id m1); "
        "segments 2 to 3 were never sent");
  f.each_answered_once(1);
}

TEST_CASE("the drain deadline: written and unanswered ends as outcome unknown, once") {
  fixture f;
  f.send(1);
  f.send(2, 2);
  REQUIRE(f.transport.writes.size() == 3);
  const auto w1 = f.take_write(0);
  const auto w2a = f.take_write(1);
  f.tracker.accepted(w2a.slot, w2a.part, "a");
  f.tracker.shutdown(f.now, f.now + 1s);
  CHECK(f.events.empty());
  f.tracker.end_drain();
  CHECK(f.tracker.drain_ended());
  CHECK(f.response(1).status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(f.response(2).status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(f.response(2).text ==
        "unsent 6 request 2 part 0; segments 1 to 2 of 2 were sent (1 accepted: message id a)");
  // What comes after the deadline changes nothing.
  f.tracker.accepted(w1.slot, w1.part, "m1");
  const auto w2b = f.take_write(2);
  f.tracker.failed(w2b.slot, w2b.part, SMSDRV_E_SMSC_REJECTED, "late");
  CHECK(f.tracker.open_requests() == 0);
  // Said as what it is: an outcome after the drain, not a second answer.
  CHECK(std::count(f.transport.lines.begin(), f.transport.lines.end(),
                   "request 2 (answered at the drain deadline): segment 2 of 2: late") == 1);
  f.each_answered_once(2);
}

TEST_CASE("link down: what waited unsent longer than the waiting time fails as channel down") {
  fixture f;
  f.transport.window = 1;
  f.send(1, 2);
  f.send(2);
  const auto w = f.take_write(0);
  f.tracker.accepted(w.slot, w.part, "m1");  // segment 2 not written yet
  f.transport.link_up = false;
  const time_point down = f.now + 2s;
  f.now += 3s;
  f.send(3);
  CHECK(f.tracker.next_expiry(down, 10s) == down + 10s);
  f.tracker.expire(f.now, down, 10s);
  CHECK(f.events.empty());
  f.now = down + 10s;
  f.tracker.expire(f.now, down, 10s);
  CHECK(f.response(1).status == SMSDRV_E_CHANNEL_DOWN);
  CHECK(f.response(1).text == "unsent 4 request 1 part 0");
  CHECK(f.response(2).status == SMSDRV_E_CHANNEL_DOWN);
  CHECK(f.responses(3).empty());  // accepted after the link went down: its own wait
  CHECK(f.tracker.next_expiry(down, 10s) == down + 11s);
  f.now += 3s;
  f.tracker.expire(f.now, down, 10s);
  f.each_answered_once(3);
}

TEST_CASE("take_unsent: kept requests never written leave without a response") {
  fixture f;
  f.transport.window = 1;
  f.send(1, 1, true);
  f.send(2, 1, true);
  f.send(3, 1, false);
  f.send(4, 1, true);
  std::vector<unsent_request> out;
  f.tracker.take_unsent(1, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].request_id == 2);  // 1 is written already
  CHECK(out[0].data.at(0).second == "message 2");
  f.tracker.take_unsent(10, out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].request_id == 4);  // 3 kept no user data
  CHECK(f.events.empty());
  CHECK(f.tracker.open_requests() == 2);
  f.send(5, 1, true);
  f.tracker.shutdown(f.now, f.now + 1s);
  out.clear();
  f.tracker.take_unsent(10, out);
  CHECK(out.empty());
}

TEST_CASE("unwrite: a request that never left goes back to the queue's head") {
  fixture f;
  f.transport.window = 1;
  f.send(1, 1, true);
  f.send(2, 1, true);
  const auto w = f.take_write(0);
  f.transport.link_up = false;
  f.tracker.unwrite(w.slot, w.part, f.now);
  CHECK(f.tracker.queued() == 2);
  CHECK(f.tracker.in_flight_requests() == 0);
  std::vector<unsent_request> out;
  f.tracker.take_unsent(1, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].request_id == 1);
  // One resubmitted before waits in its slot instead (it reached the gateway once).
  f.transport.link_up = true;
  f.tracker.pump(f.now);
  const auto w2 = f.take_write(1);
  f.tracker.resend(w2.slot, w2.part, f.now);
  f.tracker.pump(f.now);
  const auto w3 = f.take_write(2);
  f.tracker.unwrite(w3.slot, w3.part, f.now);
  CHECK(f.tracker.queued() == 0);
  CHECK(f.tracker.next_resend() == f.now);
}

TEST_CASE("several binds: take_queued and put_back keep the order") {
  fixture f;
  f.transport.link_up = false;
  f.send(1);
  f.send(2);
  std::deque<prepared_request> moved;
  f.tracker.take_queued(moved);
  CHECK(f.tracker.queued() == 0);
  REQUIRE(moved.size() == 2);
  f.send(3);
  f.tracker.put_back(moved);
  CHECK(moved.empty());
  f.transport.link_up = true;
  f.tracker.pump(f.now);
  REQUIRE(f.transport.writes.size() == 3);
  CHECK(f.id_of(f.transport.writes[0]) == 1);
  CHECK(f.id_of(f.transport.writes[1]) == 2);
  CHECK(f.id_of(f.transport.writes[2]) == 3);
}

TEST_CASE("several binds: what was lost with one link moves to another, its counts with it") {
  fixture a, b;
  a.transport.window = 6;
  a.send(1, 2);  // both parts written and lost: moves
  a.send(2);     // accepted before the link broke
  a.send(3);     // written and lost: moves
  a.send(4, 2);  // its first part accepted, the second lost: stays (the first's id is here)
  a.send(5);     // never written: queued (take_queued's, not take_resends')
  REQUIRE(a.transport.writes.size() == 6);
  const auto w0 = a.take_write(0), w1 = a.take_write(1), w2 = a.take_write(2), w3 = a.take_write(3),
             w4 = a.take_write(4), w5 = a.take_write(5);
  a.tracker.resend(w0.slot, w0.part, a.now);
  a.tracker.slot(w0.slot).part[w0.part].lost = 1;
  a.tracker.resend(w1.slot, w1.part, a.now);
  a.tracker.accepted(w2.slot, w2.part, "m2");
  a.tracker.resend(w3.slot, w3.part, a.now);
  a.tracker.accepted(w4.slot, w4.part, "m4");
  a.tracker.resend(w5.slot, w5.part, a.now);
  a.transport.link_up = false;
  a.tracker.pump(a.now);
  CHECK(a.tracker.queued() == 1);

  std::vector<written_request<prepared_request>> lost;
  a.tracker.take_resends(lost);
  REQUIRE(lost.size() == 2);
  CHECK(lost[0].request.request_id == 1);
  CHECK(lost[0].part.size() == 2);
  CHECK(lost[0].part[0].lost == 1);
  CHECK(lost[0].resubmitted == 2);
  CHECK(lost[1].request.request_id == 3);
  CHECK(a.tracker.open_requests() == 2);  // 4 (its second part waits here) and 5 (queued)
  CHECK(a.tracker.resends_waiting() == 1);
  a.tracker.take_resends(lost);  // nothing more to take
  CHECK(lost.size() == 2);

  b.send(9);  // b's own, queued behind the window of 4 after what it adopts
  b.take_write(0);
  b.tracker.accepted(b.transport.writes[0].slot, b.transport.writes[0].part, "m9");
  b.tracker.adopt_resends(lost, b.now);
  CHECK(lost.empty());
  REQUIRE(b.transport.writes.size() == 4);  // 9, then 1a, 1b, 3: each written again
  CHECK(b.transport.writes[1].retried);
  CHECK(b.transport.writes[3].retried);
  CHECK(b.id_of(b.transport.writes[1]) == 1);
  CHECK(b.id_of(b.transport.writes[3]) == 3);
  for (std::size_t i = 1; i < 4; ++i) {
    const auto w = b.take_write(i);
    b.tracker.accepted(w.slot, w.part, fmt::format("b{}", i));
  }
  CHECK(b.responses(1).size() == 1);
  CHECK(attr_of(b.response(1), attr::retries) == "2");
  CHECK(attr_of(b.response(3), attr::retries) == "1");
  CHECK(a.responses(1).empty());
  CHECK(a.responses(3).empty());
  CHECK(b.tracker.open_requests() == 0);
  // Shutting down, nothing is taken: what waits is answered where it is.
  fixture c;
  c.send(5);
  const auto wc = c.take_write(0);
  c.tracker.resend(wc.slot, wc.part, c.now);
  c.transport.link_up = false;
  c.tracker.shutdown(c.now, c.now + 1s);
  c.tracker.take_resends(lost);
  CHECK(lost.empty());
  CHECK(c.responses(5).size() == 1);
}

TEST_CASE("awaiting tells a written part from a stale or unknown tag") {
  fixture f;
  f.send(1);
  const auto w = f.transport.writes[0];
  CHECK(f.tracker.awaiting(tracker_t::tag_of(w.slot, w.part)));
  CHECK_FALSE(f.tracker.awaiting(tracker_t::tag_of(w.slot, 1)));
  CHECK_FALSE(f.tracker.awaiting(999));
  f.tracker.accepted(w.slot, w.part, "m");
  CHECK_FALSE(f.tracker.awaiting(tracker_t::tag_of(w.slot, w.part)));
}
