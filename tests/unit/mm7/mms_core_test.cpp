// The MMS side of a channel (mm7/mms_core.hpp) as narratives with fake time.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "mm7/mms_core.hpp"
#include "mm7/soap_reader.hpp"
#include "mm7/soap_writer.hpp"
#include "smsdrv/smsdrv.h"

using namespace smsdrv::mm7;
using namespace std::chrono_literals;
using time_point = mms_core::time_point;

namespace {

const time_point t0{std::chrono::seconds(1000)};
const auto wall = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

core_settings core_config(std::size_t window = 10, std::uint32_t rate = 0) {
  core_settings c;
  c.channel = "channel-mms";
  c.application_name = "dms";
  c.urls = 2;
  c.max_in_flight = window;
  c.max_rate = rate;
  c.response_timeout = 10s;
  c.retry_cap = 4s;
  c.ack_timeout = 5s;
  c.max_unacked = 2;
  return c;
}

struct harness {
  mms_settings settings;
  mms_composer composer{settings, "channel-mms", ""};
  mms_core core;
  std::uint64_t next_request = 1;

  explicit harness(core_settings c) : core(std::move(c), settings, t0) {}

  std::uint64_t submit(time_point now, bool dlr = false) {
    prepared_mms p;
    std::vector<std::pair<std::string_view, std::string_view>> data{
        {"_smsDestNumber", "4917600000001"},
        {"_smsText", "hi"},
        {"_mmsDeliveryReport", dlr ? "true" : "false"}};
    REQUIRE(composer.compose(data, {}, p).ok());
    p.request_id = next_request++;
    core.submit(std::move(p), now);
    return p.request_id;
  }

  std::vector<smsdrv::channel::channel_event> events() {
    auto out = std::move(core.events());
    core.events().clear();
    return out;
  }
  std::vector<listener_reply> replies() {
    auto out = std::move(core.replies());
    core.replies().clear();
    return out;
  }
};

// The TransactionID in a posted body, to answer it.
std::string transaction_of(const post_start& p) {
  auto start = p.body->find("<TransactionID");
  start = p.body->find('>', start) + 1;
  return p.body->substr(start, p.body->find('<', start) - start);
}

post_result submit_rsp(const post_start& p, int status, std::string message_id) {
  soap_context ctx{rel6_namespace, rel6_version, "", ""};
  post_result r;
  r.answered = true;
  r.written = true;
  r.http_status = 200;
  r.content_type = "text/xml";
  r.body = write_submit_rsp(transaction_of(p), ctx, {status, "", ""}, message_id);
  return r;
}

std::map<std::string, std::string> attrs_of(const smsdrv::channel::channel_event& e) {
  return {e.attrs.begin(), e.attrs.end()};
}

mmsc_request deliver(std::string tid) {
  deliver_req d;
  d.transaction_id = std::move(tid);
  d.sender = address_of("4917600000009");
  d.to = {address_of("12345")};
  d.text = "hello";
  d.parts = {{"text/plain", "text.txt", "", "", "hello"}};
  return d;
}

response answer_of(const listener_reply& r) {
  return std::get<response>(std::get<soap_document>(read_soap(r.answer.body)).message);
}

}  // namespace

TEST_CASE("SubmitReq accepted: one RESPONSE with the MessageID; its report is correlated") {
  harness h(core_config());
  auto id = h.submit(t0, true);
  auto posts = h.core.take_posts(t0);
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].url == 0);
  CHECK(posts[0].body->find("<SubmitReq") != std::string::npos);
  REQUIRE(posts[0].headers != nullptr);
  CHECK(posts[0].headers->at(1).name == "SOAPAction");
  h.core.on_post_result(posts[0].tag, submit_rsp(posts[0], 1000, "mmsc-42"), t0 + 10ms);
  auto e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].type == SMSDRV_EVENT_RESPONSE);
  CHECK(e[0].request_id == id);
  CHECK(e[0].status == SMSDRV_OK);
  CHECK(attrs_of(e[0]).at("_smsMessageId") == "mmsc-42");
  CHECK(attrs_of(e[0]).at("_mmsStatusCode") == "1000");
  CHECK(h.core.idle());

  delivery_report_req r;
  r.transaction_id = "dr1";
  r.message_id = "mmsc-42";
  r.mm_status = "Retrieved";
  h.core.on_mmsc_request(7, r, t0 + 1s, wall);
  e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].type == SMSDRV_EVENT_DELIVERY_REPORT);
  CHECK(e[0].request_id == id);
  CHECK(e[0].ack_id != 0);
  CHECK(h.replies().empty());  // nothing answered before the host takes it
  h.core.on_ack(e[0].ack_id, SMSDRV_OK);
  auto replies = h.replies();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].reply_tag == 7);
  CHECK(answer_of(replies[0]).operation == "DeliveryReportRsp");
  CHECK(answer_of(replies[0]).status.code == 1000);
}

TEST_CASE("refused, unknown, and lost after the write: one RESPONSE each, never sent again") {
  harness h(core_config());
  h.submit(t0);
  h.submit(t0);
  h.submit(t0);
  h.submit(t0);
  auto posts = h.core.take_posts(t0);
  REQUIRE(posts.size() == 4);
  h.core.on_post_result(posts[0].tag, submit_rsp(posts[0], 2002, ""), t0);
  post_result garbage;
  garbage.answered = true;
  garbage.written = true;
  garbage.http_status = 200;
  garbage.content_type = "text/xml";
  garbage.body = "<<<";
  h.core.on_post_result(posts[1].tag, std::move(garbage), t0);
  post_result lost;
  lost.written = true;
  lost.failure = "Connection reset by peer";
  h.core.on_post_result(posts[2].tag, std::move(lost), t0);
  h.core.on_post_result(posts[3].tag, submit_rsp(posts[3], 4006, ""), t0);
  auto e = h.events();
  REQUIRE(e.size() == 4);
  CHECK(e[0].status == SMSDRV_E_SMSC_REJECTED);
  CHECK(e[0].text == "the MMSC refused the message: 2002 Address Error");
  CHECK(attrs_of(e[0]).at("_smsErrorCode") == "2002");
  CHECK(attrs_of(e[0]).at("_smsErrorName") == "Address Error");
  CHECK_FALSE(attrs_of(e[0]).contains("_mmsRetryable"));  // a client error: sending again fails
  CHECK(e[1].status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(e[2].status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(e[2].text.find("Connection reset by peer") != std::string::npos);
  CHECK(e[3].status == SMSDRV_E_SMSC_REJECTED);
  CHECK(attrs_of(e[3]).at("_smsErrorCode") == "4006");
  CHECK(attrs_of(e[3]).at("_mmsRetryable") == "true");  // Service unavailable: temporary
  CHECK(h.core.take_posts(t0 + 1h).empty());
  CHECK(h.core.idle());
}

TEST_CASE("not written: the failover URL at once, then back-off, then channel down") {
  harness h(core_config());
  auto id = h.submit(t0);
  post_result refused;
  refused.failure = "Connection refused";
  auto p = h.core.take_posts(t0);
  REQUIRE(p.size() == 1);
  CHECK(p[0].url == 0);
  h.core.on_post_result(p[0].tag, post_result(refused), t0);
  p = h.core.take_posts(t0);
  REQUIRE(p.size() == 1);
  CHECK(p[0].url == 1);  // the failover URL, at once
  h.core.on_post_result(p[0].tag, post_result(refused), t0);
  CHECK(h.core.take_posts(t0).empty());  // both tried: back-off
  auto next = h.core.next_deadline();
  REQUIRE(next);
  CHECK(*next > t0);
  CHECK(*next <= t0 + 500ms);
  p = h.core.take_posts(*next);
  REQUIRE(p.size() == 1);
  CHECK(p[0].url == 0);
  CHECK(h.events().empty());
  // Still unreachable when response_timeout has passed: channel down, not sent.
  h.core.on_post_result(p[0].tag, post_result(refused), t0 + 10s);
  auto e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].request_id == id);
  CHECK(e[0].status == SMSDRV_E_CHANNEL_DOWN);
  CHECK(e[0].text ==
        "the MMSC could not be reached for 10 s (Connection refused); the message was not sent");
}

TEST_CASE("the window and the rate bound what is in flight") {
  harness h(core_config(2, 2));
  for (int i = 0; i < 5; ++i)
    h.submit(t0);
  auto p = h.core.take_posts(t0);
  CHECK(p.size() == 2);  // window 2
  h.core.on_post_result(p[0].tag, submit_rsp(p[0], 1000, "a"), t0);
  h.core.on_post_result(p[1].tag, submit_rsp(p[1], 1000, "b"), t0);
  CHECK(h.core.take_posts(t0).empty());  // rate 2/s: the burst is spent
  auto next = h.core.next_deadline();
  REQUIRE(next);
  CHECK(*next == t0 + 500ms);
  CHECK(h.core.take_posts(t0 + 500ms).size() == 1);
  CHECK(h.core.queued() == 2);
}

TEST_CASE("a DeliverReq: answered 1000 only when taken; refused and late ones get 4006") {
  harness h(core_config());
  h.core.on_mmsc_request(1, deliver("d1"), t0, wall);
  h.core.on_mmsc_request(2, deliver("d2"), t0, wall);
  h.core.on_mmsc_request(3, deliver("d3"), t0, wall);  // max_unacked is 2
  auto e = h.events();
  REQUIRE(e.size() == 2);
  CHECK(e[0].type == SMSDRV_EVENT_INBOUND);
  REQUIRE(e[0].parts.size() == 1);
  CHECK(e[0].parts[0].bytes == "hello");
  CHECK(attrs_of(e[0]).at("MediaType") == "mmssession");
  auto r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].reply_tag == 3);
  CHECK(answer_of(r[0]).status.code == 4006);
  CHECK(answer_of(r[0]).transaction_id == "d3");

  h.core.on_ack(e[1].ack_id, SMSDRV_E_INTERNAL);  // the host refused d2
  r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].reply_tag == 2);
  CHECK(r[0].answer.status == 500);
  CHECK(answer_of(r[0]).status.code == 4006);

  // d1 is never acked: at its deadline the MMSC is told to retry, never success.
  REQUIRE(h.core.next_deadline() == t0 + 5s);
  h.core.on_tick(t0 + 5s - 1ms);
  CHECK(h.replies().empty());
  h.core.on_tick(t0 + 5s);
  r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].reply_tag == 1);
  CHECK(answer_of(r[0]).status.code == 4006);
  CHECK(answer_of(r[0]).status.details == "the host did not take it within 5 s (ack-timeout)");
  h.core.on_ack(e[0].ack_id, SMSDRV_OK);  // too late: nothing more is written
  CHECK(h.replies().empty());
  CHECK(h.core.idle());

  // The MMSC hung up before the ack: the ack writes nothing.
  h.core.on_mmsc_request(9, deliver("d9"), t0, wall);
  e = h.events();
  h.core.on_reply_gone(9);
  h.core.on_ack(e[0].ack_id, SMSDRV_OK);
  CHECK(h.replies().empty());
}

TEST_CASE("shutdown: queued never sent, waiting ones told to retry, in flight by its result") {
  harness h(core_config(1));
  auto first = h.submit(t0);
  auto second = h.submit(t0);
  auto p = h.core.take_posts(t0);
  REQUIRE(p.size() == 1);
  h.core.on_mmsc_request(5, deliver("d5"), t0, wall);
  h.events();
  h.core.begin_shutdown(t0 + 1s);
  auto e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].request_id == second);
  CHECK(e[0].status == SMSDRV_E_SHUT_DOWN);
  CHECK(e[0].text == "the driver shut down before the message was sent");
  auto r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(answer_of(r[0]).status.code == 4006);
  CHECK_FALSE(h.core.idle());
  post_result aborted;
  aborted.written = true;
  aborted.failure = "aborted: the driver is shutting down";
  h.core.on_post_result(p[0].tag, std::move(aborted), t0 + 2s);
  e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].request_id == first);
  CHECK(e[0].status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(h.core.idle());
  h.submit(t0 + 3s);
  e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].status == SMSDRV_E_SHUT_DOWN);
}

TEST_CASE("retired (channel replaced or removed): acks still answer until the drain ends") {
  harness h(core_config(1));
  const auto in_flight = h.submit(t0);
  const auto queued = h.submit(t0);
  auto p = h.core.take_posts(t0);
  REQUIRE(p.size() == 1);
  h.core.on_mmsc_request(5, deliver("d5"), t0, wall);
  h.core.on_mmsc_request(6, deliver("d6"), t0, wall);
  auto in = h.events();
  REQUIRE(in.size() == 2);
  // Retired at t0 + 1 s with a drain to t0 + 3 s (before the 5 s ack-timeout).
  h.core.begin_shutdown(t0 + 1s, t0 + 3s);
  auto e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].request_id == queued);
  CHECK(e[0].status == SMSDRV_E_SHUT_DOWN);
  CHECK(h.replies().empty());  // d5 and d6 keep waiting for the host
  CHECK(h.core.next_deadline() == t0 + 3s);
  // A new MMSC request is not taken any more.
  h.core.on_mmsc_request(7, deliver("d7"), t0 + 1s, wall);
  CHECK(h.events().empty());
  auto r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].reply_tag == 7);
  CHECK(answer_of(r[0]).status.code == 4006);
  // The host takes d5 within the drain: 1000, as always.
  h.core.on_ack(in[0].ack_id, SMSDRV_OK);
  r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].reply_tag == 5);
  CHECK(r[0].answer.status == 200);
  // d6 is not taken by the end of the drain: told to retry, never success.
  h.core.on_tick(t0 + 3s);
  r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].reply_tag == 6);
  CHECK(answer_of(r[0]).status.code == 4006);
  CHECK(answer_of(r[0]).status.details ==
        "the host did not take it before the channel's drain time ran out");
  CHECK_FALSE(h.core.idle());  // the SubmitReq in flight
  h.core.on_post_result(p[0].tag, submit_rsp(p[0], 1000, "m-1"), t0 + 3s);
  e = h.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].request_id == in_flight);
  CHECK(e[0].status == SMSDRV_OK);
  CHECK(h.core.idle());
}

TEST_CASE("retired, then the driver shuts down: the requests still waiting are answered at once") {
  harness h(core_config());
  h.core.on_mmsc_request(1, deliver("d1"), t0, wall);
  REQUIRE(h.events().size() == 1);
  h.core.begin_shutdown(t0, t0 + 60s);
  CHECK(h.replies().empty());
  h.core.begin_shutdown(t0 + 1s);
  auto r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(answer_of(r[0]).status.code == 4006);
  CHECK(h.core.idle());
}
