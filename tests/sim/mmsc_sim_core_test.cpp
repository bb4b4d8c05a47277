// The MMSC simulator's core (tools/mmsc-sim/mmsc.hpp) with fake time: answers to SubmitReq and
// every fault, requests to the VASP in every style, read back by the driver's own listener
// code, and the redelivery rule.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "mm7/basic_auth.hpp"
#include "mm7/listener_exchange.hpp"
#include "mm7/submit_exchange.hpp"
#include "mmsc.hpp"

using namespace smsdrv::mmsc_sim;
using namespace std::chrono_literals;
namespace mm7 = smsdrv::mm7;

namespace {

struct recording_sink final : event_sink {
  std::vector<std::string> lines;
  void emit(std::string_view line) override { lines.emplace_back(line); }

  // Events named name, parsed.
  std::vector<rapidjson::Document> named(std::string_view name) const {
    std::vector<rapidjson::Document> out;
    for (const auto& l : lines) {
      rapidjson::Document d;
      d.Parse(l.c_str());
      REQUIRE_FALSE(d.HasParseError());
      if (d["event"].GetString() == name) out.push_back(std::move(d));
    }
    return out;
  }
};

const time_point t0{std::chrono::seconds(1000)};

mm7::submit_req submit(std::string tid, bool dlr = false) {
  mm7::submit_req r;
  r.transaction_id = std::move(tid);
  r.to = {mm7::address_of("4917612345678")};
  r.sender = mm7::address_of("12345");
  r.subject = "hello";
  if (dlr) r.delivery_report = true;
  return r;
}

http_request submit_request(const mm7::submit_req& r, std::string auth = {}) {
  mm7::mms_settings s;
  mm7::part_view parts[] = {{"image/gif", "g", "g.gif", "GIF89a\x01\x02"}};
  auto post = mm7::build_submit_post(s, r, parts, r.transaction_id);
  http_request req;
  req.conn = 1;
  req.method = "POST";
  req.target = "/mm7";
  req.content_type = post.headers[0].value;
  req.authorization = std::move(auth);
  req.body = std::move(post.body);
  return req;
}

mm7::submit_outcome outcome_of(const http_reply& reply, std::string_view tid) {
  return mm7::read_submit_answer(reply.status, reply.content_type, reply.body, tid);
}

sim_config base_config() {
  sim_config c;
  c.xml_namespace = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4";
  c.vasp_url = "http://127.0.0.1:9/mm7";
  return c;
}

// The driver's listener settings, to read what the simulator sends.
mm7::mms_settings vasp_side() {
  mm7::mms_settings s;
  s.max_message_size = 1 << 20;
  return s;
}

}  // namespace

TEST_CASE("a SubmitReq is answered 1000 with a MessageID and recorded with its parts") {
  recording_sink sink;
  mmsc core(base_config(), sink, t0);
  auto r = submit("t1");
  http_reply reply = core.on_request(submit_request(r), t0);
  CHECK(reply.what == http_reply::kind::answer);
  CHECK(reply.answer_at == t0);
  auto o = outcome_of(reply, "t1");
  CHECK(o.verdict == mm7::submit_verdict::accepted);
  CHECK(o.message_id == "mmsc-00000001");
  auto events = sink.named("submit");
  REQUIRE(events.size() == 1);
  const auto& e = events[0];
  CHECK(std::string(e["transaction_id"].GetString()) == "t1");
  CHECK(std::string(e["to"][0].GetString()) == "4917612345678");
  CHECK(std::string(e["sender"].GetString()) == "12345");
  CHECK(std::string(e["subject"].GetString()) == "hello");
  CHECK(e["parts"].Size() == 1);
  CHECK(std::string(e["parts"][0]["content_type"].GetString()) == "image/gif");
  CHECK(std::string(e["parts"][0]["base64"].GetString()) == "R0lGODlhAQI=");
  CHECK(e["status"].GetInt() == 1000);
  CHECK(std::string(e["answer"].GetString()) == "SubmitRsp");
}

TEST_CASE("credentials are checked when accounts are configured") {
  recording_sink sink;
  sim_config c = base_config();
  c.accounts = {{"vasp", "pw"}};
  mmsc core(c, sink, t0);
  auto none = core.on_request(submit_request(submit("a")), t0);
  CHECK(none.status == 401);
  CHECK(none.challenge);
  auto wrong =
      core.on_request(submit_request(submit("a"), mm7::basic_authorization("vasp", "x")), t0);
  CHECK(wrong.status == 401);
  auto ok =
      core.on_request(submit_request(submit("a"), mm7::basic_authorization("vasp", "pw")), t0);
  CHECK(ok.status == 200);
  CHECK(core.stats().unauthorized == 2);
  CHECK(core.stats().submissions == 1);
}

TEST_CASE("faults: status, fail-every, slow, HTTP 500, SOAP Fault, drop, silent, wrong id") {
  recording_sink sink;
  // A fresh simulator with one fault; answers n SubmitReq and returns the last answer.
  auto with_fault = [&](const std::string& fault, int n = 1) {
    mmsc core(base_config(), sink, t0);
    REQUIRE(core.command(R"({"cmd":"fault",)" + fault + "}", t0));
    http_reply reply;
    for (int i = 1; i <= n; ++i)
      reply = core.on_request(submit_request(submit("t" + std::to_string(i))), t0);
    return reply;
  };
  auto o = outcome_of(with_fault(R"("status":2002)"), "t1");
  CHECK(o.verdict == mm7::submit_verdict::refused);
  CHECK(o.status == 2002);
  CHECK(o.message_id.empty());

  CHECK(outcome_of(with_fault(R"("fail-every":"2:4006")", 1), "t1").verdict ==
        mm7::submit_verdict::accepted);
  auto f2 = outcome_of(with_fault(R"("fail-every":"2:4006")", 2), "t2");
  CHECK(f2.status == 4006);
  CHECK(f2.retryable);

  CHECK(with_fault(R"("delay-ms":250)").answer_at == t0 + 250ms);
  auto h = with_fault(R"("http-500":true)");
  CHECK(h.status == 500);
  CHECK(outcome_of(h, "t1").verdict == mm7::submit_verdict::refused);

  auto sf = outcome_of(with_fault(R"("soap-fault":3001)"), "t1");
  CHECK(sf.verdict == mm7::submit_verdict::refused);
  CHECK(sf.status == 3001);
  CHECK(sf.text.find("SOAP Fault") != std::string::npos);

  CHECK(with_fault(R"("drop":true)").what == http_reply::kind::drop);
  CHECK(with_fault(R"("drop-every":2)", 1).what == http_reply::kind::answer);
  CHECK(with_fault(R"("drop-every":2)", 2).what == http_reply::kind::drop);
  CHECK(with_fault(R"("silent":true)").what == http_reply::kind::hold);
  CHECK(outcome_of(with_fault(R"("wrong-transaction":true)"), "t1").verdict ==
        mm7::submit_verdict::unknown);
  CHECK(outcome_of(with_fault(R"("garbage":true)"), "t1").verdict == mm7::submit_verdict::unknown);

  mmsc core(base_config(), sink, t0);
  REQUIRE(core.command(R"({"cmd":"fault","delay-ms":"9-1"})", t0));
  auto errors = sink.named("error");
  REQUIRE(errors.size() == 1);
  CHECK(std::string(errors[0]["error"].GetString()) ==
        "fault delay-ms '9-1': expected D or MIN-MAX milliseconds with MIN <= MAX");
}

TEST_CASE("a delivery report follows an accepted SubmitReq that asked for one") {
  recording_sink sink;
  sim_config c = base_config();
  c.dlr_delay = 100ms;
  mmsc core(c, sink, t0);
  core.on_request(submit_request(submit("t1", true)), t0);
  CHECK(core.due_posts(t0).empty());
  REQUIRE(core.next_deadline() == t0 + 100ms);
  auto posts = core.due_posts(t0 + 100ms);
  REQUIRE(posts.size() == 1);
  auto taken = mm7::take_request(vasp_side(), posts[0].content_type, posts[0].body);
  REQUIRE(std::holds_alternative<mm7::mmsc_request>(taken));
  auto& report = std::get<mm7::delivery_report_req>(std::get<mm7::mmsc_request>(taken));
  CHECK(report.message_id == "mmsc-00000001");
  CHECK(report.mm_status == "Retrieved");
  CHECK(report.recipient == mm7::address_of("4917612345678"));
  auto answer = mm7::answer_taken(std::get<mm7::mmsc_request>(taken), vasp_side());
  core.on_post_result(posts[0].delivery, answer.status, answer.content_type, answer.body, "",
                      t0 + 110ms);
  CHECK(core.stats().deliveries_acknowledged == 1);
  CHECK_FALSE(core.next_deadline());
}

TEST_CASE("the redelivery rule: only 1000 acknowledges, 2xxx drops, the rest is sent again") {
  recording_sink sink;
  sim_config c = base_config();
  c.redeliver_after = 2s;
  mmsc core(c, sink, t0);
  REQUIRE(core.command(R"({"cmd":"deliver","from":"491700","to":"12345","text":"hi"})", t0));
  auto first = core.due_posts(t0);
  REQUIRE(first.size() == 1);
  auto taken = mm7::take_request(vasp_side(), first[0].content_type, first[0].body);
  auto& request = std::get<mm7::mmsc_request>(taken);

  // The VASP's host did not take it: 4006 in a Fault.
  auto not_taken = mm7::answer_not_taken(request, vasp_side(), "no ack");
  core.on_post_result(first[0].delivery, not_taken.status, not_taken.content_type, not_taken.body,
                      "", t0);
  CHECK(core.due_posts(t0 + 1999ms).empty());
  auto second = core.due_posts(t0 + 2s);
  REQUIRE(second.size() == 1);
  CHECK(second[0].body == first[0].body);

  // The connection broke: again.
  core.on_post_result(second[0].delivery, 0, "", "", "read: end of stream", t0 + 2s);
  auto third = core.due_posts(t0 + 4s);
  REQUIRE(third.size() == 1);
  auto ok = mm7::answer_taken(request, vasp_side());
  core.on_post_result(third[0].delivery, ok.status, ok.content_type, ok.body, "", t0 + 4s);
  CHECK(core.stats().deliveries_acknowledged == 1);
  CHECK(core.stats().redeliveries == 2);

  REQUIRE(core.command(R"({"cmd":"raw","content_type":"text/xml","body":"<x/>"})", t0 + 5s));
  auto raw = core.due_posts(t0 + 5s);
  REQUIRE(raw.size() == 1);
  auto corrupt = mm7::take_request(vasp_side(), raw[0].content_type, raw[0].body);
  auto& fault = std::get<mm7::http_answer>(corrupt);
  core.on_post_result(raw[0].delivery, fault.status, fault.content_type, fault.body, "", t0 + 5s);
  CHECK(core.stats().deliveries_rejected == 1);
  CHECK_FALSE(core.next_deadline());
  auto results = sink.named("post-result");
  REQUIRE(results.size() == 4);
  CHECK(std::string(results[0]["outcome"].GetString()) == "retry");
  CHECK(results[0]["status"].GetInt() == 4006);
  CHECK(std::string(results[1]["outcome"].GetString()) == "retry");
  CHECK(std::string(results[1]["reason"].GetString()) == "read: end of stream");
  CHECK(std::string(results[2]["outcome"].GetString()) == "acknowledged");
  CHECK(std::string(results[3]["outcome"].GetString()) == "rejected");
  CHECK(results[3]["status"].GetInt() == 2007);
}

TEST_CASE("DeliverReq in every style reads back with the same parts") {
  const std::vector<std::string> styles = {
      R"({})",
      R"({"xml":"prefixed"})",
      R"({"xml":"none"})",
      R"({"start":false})",
      R"({"angle_ids":false})",
      R"({"cid_href":false})",
      R"({"content_element":false})",
      R"({"siblings":true})",
      R"({"encoding":"quoted-printable"})",
      R"({"encoding":"binary"})",
      R"({"encoding":"8bit"})",
      R"({"crlf":false})",
      R"({"xml":"prefixed","start":false,"angle_ids":false,"cid_href":false,"siblings":true})",
  };
  std::string style = GENERATE_REF(from_range(styles));
  CAPTURE(style);
  recording_sink sink;
  mmsc core(base_config(), sink, t0);
  std::string png("\x89PNG\r\n\x1a\n\x00\x01\xff", 11);
  std::string cmd =
      std::string(R"({"cmd":"deliver","from":"+491700","to":["12345"],"subject":"S",)") +
      R"("text":"Grüße","parts":[{"content_type":"image/png","name":"p.png","base64":"iVBORw0KGgoAAf8="}],"style":)" +
      style + "}";
  REQUIRE(core.command(cmd, t0));
  REQUIRE(sink.named("error").empty());
  auto posts = core.due_posts(t0);
  REQUIRE(posts.size() == 1);
  auto taken = mm7::take_request(vasp_side(), posts[0].content_type, posts[0].body);
  if (auto* a = std::get_if<mm7::http_answer>(&taken)) FAIL(a->body);
  auto& d = std::get<mm7::deliver_req>(std::get<mm7::mmsc_request>(taken));
  CHECK(d.sender == mm7::address_of("+491700"));
  CHECK(d.to == std::vector<mm7::address>{mm7::address_of("12345")});
  CHECK(d.subject == "S");
  REQUIRE(d.parts.size() == 2);
  CHECK(d.parts[0].content_type == "text/plain; charset=utf-8");
  CHECK(d.parts[0].bytes == "Grüße");
  CHECK(d.parts[0].name == "text.txt");
  CHECK(d.parts[1].content_type == "image/png");
  CHECK(d.parts[1].bytes == png);
  CHECK(d.parts[1].name == "p.png");
  CHECK(d.text == "Grüße");
}
