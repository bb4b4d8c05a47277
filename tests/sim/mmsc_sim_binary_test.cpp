// The real mmsc-sim over loopback: SubmitReq in, with Basic authentication, faults changed on
// stdin, and its requests to a VASP (here a small server answering with the driver's listener
// code) sent again until the VASP answers 1000.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "mini_http.hpp"
#include "mm7/basic_auth.hpp"
#include "mm7/listener_exchange.hpp"
#include "mm7/submit_exchange.hpp"
#include "subprocess.hpp"

using namespace std::chrono_literals;
namespace mm7 = smsdrv::mm7;
using smsdrv::test::mini_post;
using smsdrv::test::mini_request;
using smsdrv::test::mini_response;
using smsdrv::test::mini_server;
using smsdrv::test::subprocess;

namespace {

rapidjson::Document parse(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

// The next event named name (other events are skipped).
rapidjson::Document next_event(subprocess& sim, std::string_view name) {
  for (;;) {
    auto line = sim.read_line(10s);
    if (!line) FAIL("no '" << name << "' event; stderr: " << sim.stderr_text());
    auto d = parse(*line);
    if (d["event"].GetString() == name) return d;
  }
}

struct post {
  std::vector<std::string> headers;
  std::string body;
};

post submit_post(const std::string& tid, bool dlr) {
  mm7::mms_settings s;
  s.user = "vasp";
  s.password = "pw";
  mm7::submit_req r;
  r.transaction_id = tid;
  r.to = {mm7::address_of("4917612345678")};
  if (dlr) r.delivery_report = true;
  mm7::part_view parts[] = {{"text/plain; charset=utf-8", "t", "t.txt", "hello"}};
  auto p = mm7::build_submit_post(s, r, parts, tid);
  post out;
  for (const auto& h : p.headers)
    out.headers.push_back(h.name + ": " + h.value);
  out.body = std::move(p.body);
  return out;
}

}  // namespace

TEST_CASE("mmsc-sim takes SubmitReq, reports back to the VASP and redelivers until 1000") {
  mm7::mms_settings vasp;
  vasp.listen_user = "mmsc";
  vasp.listen_password = "secret";
  vasp.max_message_size = 1 << 20;
  std::atomic<int> refuse_next{0};
  mini_server server([&](const mini_request& r) {
    mini_response out;
    auto head = mm7::check_request_head(
        vasp,
        {r.method, r.target, r.headers.count("authorization") ? r.headers.at("authorization") : "",
         r.body.size()});
    mm7::http_answer a;
    if (head) {
      a = *head;
    } else {
      auto taken = mm7::take_request(vasp, r.headers.at("content-type"), r.body);
      if (auto* answer = std::get_if<mm7::http_answer>(&taken))
        a = *answer;
      else if (refuse_next > 0 && refuse_next-- > 0)
        a = mm7::answer_not_taken(std::get<mm7::mmsc_request>(taken), vasp, "not yet");
      else
        a = mm7::answer_taken(std::get<mm7::mmsc_request>(taken), vasp);
    }
    out.status = a.status;
    out.headers["Content-Type"] = a.content_type;
    out.body = a.body;
    return out;
  });

  auto dir =
      std::filesystem::temp_directory_path() / ("mmsc-sim-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string port_file = (dir / "port").string();
  subprocess sim({MMSC_SIM_PATH, "--port-file", port_file, "--account", "vasp:pw", "--vasp-url",
                  "http://127.0.0.1:" + std::to_string(server.port()) + "/mm7", "--vasp-user",
                  "mmsc:secret", "--redeliver-ms", "200", "--dlr-delay-ms", "20", "--max-body",
                  "100000"});
  auto listening = next_event(sim, "listening");
  auto port = static_cast<std::uint16_t>(listening["port"].GetInt());

  // A SubmitReq asking for a delivery report.
  auto p = submit_post("t1", true);
  mini_response rsp = mini_post(port, "/mm7", p.headers, p.body);
  REQUIRE(rsp.status == 200);
  auto outcome = mm7::read_submit_answer(rsp.status, rsp.headers["content-type"], rsp.body, "t1");
  CHECK(outcome.verdict == mm7::submit_verdict::accepted);
  auto submit = next_event(sim, "submit");
  CHECK(std::string(submit["authorization"].GetString()) == "basic");
  CHECK(std::string(submit["parts"][0]["base64"].GetString()) == "aGVsbG8=");
  // ... and the report reaches the VASP, with the VASP's credentials, and is acknowledged.
  auto result = next_event(sim, "post-result");
  CHECK(std::string(result["kind"].GetString()) == "delivery-report");
  CHECK(std::string(result["outcome"].GetString()) == "acknowledged");
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].headers.at("authorization") ==
        mm7::basic_authorization("mmsc", "secret"));

  // Without credentials: 401 and a challenge.
  auto none = mini_post(port, "/mm7", {p.headers[0]}, p.body);
  CHECK(none.status == 401);
  CHECK(none.headers["www-authenticate"] == "Basic realm=\"MM7\"");
  // Over --max-body: 413.
  CHECK(mini_post(port, "/mm7", p.headers, std::string(100001, 'x')).status == 413);

  // A fault set on stdin: the connection closes after the request, no answer.
  p = submit_post("t2", false);
  sim.write_line(R"({"cmd":"fault","drop":true})");
  next_event(sim, "fault-set");
  CHECK(mini_post(port, "/mm7", p.headers, p.body).status == 0);
  sim.write_line(R"({"cmd":"fault","clear":true,"http-500":true})");
  next_event(sim, "fault-set");
  CHECK(mini_post(port, "/mm7", p.headers, p.body).status == 500);

  // A DeliverReq the VASP does not take twice is sent a third time, then acknowledged.
  refuse_next = 2;
  sim.write_line(R"({"cmd":"deliver","from":"+491700","to":"12345","text":"hi"})");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto r = next_event(sim, "post-result");
    REQUIRE(std::string(r["kind"].GetString()) == "deliver");
    CHECK(r["attempt"].GetInt() == attempt);
    CHECK(std::string(r["outcome"].GetString()) == (attempt < 3 ? "retry" : "acknowledged"));
    if (attempt < 3) CHECK(r["status"].GetInt() == 4006);
  }
  sim.write_line(R"({"cmd":"exit"})");
  next_event(sim, "exit");
  CHECK(sim.wait(10s) == 0);
  std::filesystem::remove_all(dir);
}
