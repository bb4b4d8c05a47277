// A channel with MMS settings replaced (configure() again) and removed (remove_channel()) while
// the driver runs, through the C ABI over loopback sockets (smsdrv.h, ABI 1.2; docs/mms.md):
// every SendMMS keeps its one RESPONSE, an MMSC request waiting for the host's ack is answered
// by the instance that took it, the listener passes to the new instance (same port) or closes
// (removed), and a removed channel leaves no descriptor behind.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mms_test_peers.hpp"
#include "scratch_dir.hpp"
#include "smsdrv/smsdrv.hpp"

using namespace std::chrono_literals;
using smsdrv::test::accepts_connections;
using smsdrv::test::post_golden;

namespace {

// Every event the driver produced, kept: RESPONSE events counted per request.
struct recorder {
  struct seen {
    smsdrv_event_type type;
    std::uint64_t event_id = 0, request_id = 0;
    std::int32_t status = 0;
    std::string channel, text, subject, state;
  };
  std::mutex mutex;
  std::condition_variable cv;
  int notifications = 0;
  std::vector<seen> events;

  smsdrv_host make() {
    smsdrv_host h{};
    h.struct_size = sizeof h;
    h.context = this;
    h.notify = [](void* ctx) {
      auto* self = static_cast<recorder*>(ctx);
      std::lock_guard lock(self->mutex);
      ++self->notifications;
      self->cv.notify_all();
    };
    h.log = [](void*, std::int32_t, const char*, const char*) {};
    h.application_name = "abi_mms_replace_test";
    h.log_level = SMSDRV_LOG_ERROR;
    return h;
  }

  // Polls until some event recorded so far satisfies pred (returned), or 10 s pass.
  template <class Pred>
  std::optional<seen> wait(smsdrv::driver& d, Pred pred, std::chrono::seconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      smsdrv::event ev;
      while (d.poll(ev)) {
        seen s{ev.type(),
               ev.raw.event_id,
               ev.raw.request_id,
               ev.raw.status,
               std::string(ev.channel()),
               std::string(ev.text()),
               std::string(ev.attribute("Subject").value_or("")),
               std::string(ev.attribute("state").value_or(""))};
        events.push_back(s);
      }
      for (const seen& s : events)
        if (pred(s)) return s;
      std::unique_lock lock(mutex);
      const int before = notifications;
      if (!cv.wait_until(lock, deadline, [&] { return notifications != before; }))
        return std::nullopt;
    }
  }

  std::size_t responses_to(std::uint64_t request_id) const {
    std::size_t n = 0;
    for (const seen& s : events)
      n += s.type == SMSDRV_EVENT_RESPONSE && s.request_id == request_id;
    return n;
  }
};

// The settings: the MMSC at mmsc_port, the listener at listen_port; short timeouts, so that the
// previous instance's drain (connect + response timeout, or ack-timeout: 2 s) stays short.
std::string write_settings(const smsdrv::test::scratch_dir& dir, std::uint16_t mmsc_port,
                           std::uint16_t listen_port, const char* listen_address = "127.0.0.1") {
  const std::string path = dir / "mms.cfg";
  std::FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fprintf(f,
               "[mmsc]\nurl = http://127.0.0.1:%u/mm7\nconnect-timeout = 1\nresponse-timeout = 1\n"
               "max-in-flight = 1\n[listener]\naddress = %s\nport = %u\nack-timeout = 2\n",
               static_cast<unsigned>(mmsc_port), listen_address,
               static_cast<unsigned>(listen_port));
  std::fclose(f);
  return path;
}

smsdrv::key_values mms_channel(const std::string& settings) {
  return {{"x-smpp-host", "127.0.0.1"},
          {"x-smpp-port", "1"},
          {"x-smpp-system-id", "none"},
          {"inbound-route", "101:mms_endpoint"},
          {"x-jsms-config-file", settings}};
}

smsdrv::send_result send_mms(smsdrv::driver& drv, const char* text) {
  return drv.send("channel-mms", "SendMMS",
                  {{"_smsDestNumber", "+4915112345678"}, {"_smsText", text}},
                  {{"image/gif", "a.gif", "GIF89a"}});
}

bool inbound(const recorder::seen& s) {
  return s.type == SMSDRV_EVENT_INBOUND && s.subject == "Holiday & more";
}

const std::string& golden_deliver() {
  static const std::string text =
      smsdrv::test::read_whole_file(SMSDRV_MM7_GOLDEN_DIR "/deliver_rel6_prefixed.http");
  return text;
}

}  // namespace

TEST_CASE("an MMS channel replaced while it runs: one outcome each, the listener passes over") {
  REQUIRE(!golden_deliver().empty());
  const smsdrv::test::scratch_dir dir("abi_mms_replace");
  smsdrv::test::silent_mmsc mmsc;
  const std::uint16_t port = smsdrv::test::free_port();
  const std::string settings = write_settings(dir, mmsc.port(), port);
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  recorder rec;
  smsdrv::driver drv(mod, rec.make());
  drv.configure("channel-mms", mms_channel(settings));

  // A: in flight at an MMSC that never answers; B: queued behind it (max-in-flight = 1).
  const auto a = send_mms(drv, "a");
  const auto b = send_mms(drv, "b");
  REQUIRE(a.status == SMSDRV_OK);
  REQUIRE(b.status == SMSDRV_OK);
  for (int i = 0; i < 500 && mmsc.posts() < 1; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(mmsc.posts() == 1);

  // A DeliverReq the old instance holds until the host's ack.
  auto first = post_golden(port, golden_deliver());
  const auto e1 = rec.wait(drv, inbound);
  REQUIRE(e1);

  drv.configure("channel-mms", mms_channel(settings));

  // B was never sent: SMSDRV_E_SHUT_DOWN, at once.
  const auto rb = rec.wait(drv, [&](const auto& s) {
    return s.type == SMSDRV_EVENT_RESPONSE && s.request_id == b.request_id;
  });
  REQUIRE(rb);
  CHECK(rb->status == SMSDRV_E_SHUT_DOWN);

  // The same port now reaches the new instance.
  auto second = post_golden(port, golden_deliver());
  const auto e2 =
      rec.wait(drv, [&](const auto& s) { return inbound(s) && s.event_id != e1->event_id; });
  REQUIRE(e2);
  CHECK(drv.ack(e2->event_id) == SMSDRV_OK);
  const auto answer2 = second.get();
  CHECK(answer2.status == 200);
  CHECK(answer2.body.find(">1000<") != std::string::npos);

  // The old instance's held request is answered when the host takes it, within the drain.
  CHECK(drv.ack(e1->event_id) == SMSDRV_OK);
  const auto answer1 = first.get();
  CHECK(answer1.status == 200);
  CHECK(answer1.body.find(">1000<") != std::string::npos);

  // A was written and never answered: its outcome is unknown (never "sent", never twice).
  const auto ra = rec.wait(drv, [&](const auto& s) {
    return s.type == SMSDRV_EVENT_RESPONSE && s.request_id == a.request_id;
  });
  REQUIRE(ra);
  CHECK(ra->status == SMSDRV_E_OUTCOME_UNKNOWN);

  // The new instance sends.
  const auto c = send_mms(drv, "c");
  REQUIRE(c.status == SMSDRV_OK);
  for (int i = 0; i < 500 && mmsc.posts() < 2; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(mmsc.posts() == 2);

  CHECK(drv.shutdown(0) == SMSDRV_OK);
  rec.wait(
      drv, [](const auto&) { return false; }, 1s);
  CHECK(rec.responses_to(a.request_id) == 1);
  CHECK(rec.responses_to(b.request_id) == 1);
  CHECK(rec.responses_to(c.request_id) == 1);
}

TEST_CASE("an MMS channel removed while it runs: the listener closes, nothing is left behind") {
  REQUIRE(!golden_deliver().empty());
  const smsdrv::test::scratch_dir dir("abi_mms_remove");
  smsdrv::test::silent_mmsc mmsc;
  const std::uint16_t port = smsdrv::test::free_port();
  const std::string settings = write_settings(dir, mmsc.port(), port);
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  recorder rec;
  smsdrv::driver drv(mod, rec.make());
  // The driver's I/O thread runs, no channel is left: what the process has open then. (A
  // channel that never bound reports no state, so the time its refused connects take.)
  drv.configure("channel-plain",
                {{"x-smpp-host", "127.0.0.1"}, {"x-smpp-port", "1"}, {"x-smpp-system-id", "none"}});
  drv.remove_channel("channel-plain", 0);
  std::this_thread::sleep_for(300ms);
  CHECK_THROWS(drv.remove_channel("channel-none", 0));  // frees what has finished
  const std::size_t baseline = smsdrv::test::open_descriptors();
  const std::string baseline_fds = smsdrv::test::describe_descriptors();

  drv.configure("channel-mms", mms_channel(settings));
  const auto queued = send_mms(drv, "in flight");
  REQUIRE(queued.status == SMSDRV_OK);
  auto held = post_golden(port, golden_deliver());
  const auto e = rec.wait(drv, inbound);
  REQUIRE(e);

  drv.remove_channel("channel-mms", 300);
  CHECK_FALSE(accepts_connections(port));  // closed when remove_channel() returns
  CHECK(send_mms(drv, "too late").status == SMSDRV_E_UNKNOWN_CHANNEL);
  // Not taken within the drain: the MMSC is told to send it again (4006), never success.
  const auto answer = held.get();
  CHECK(answer.status == 500);
  CHECK(answer.body.find("4006") != std::string::npos);
  const auto r = rec.wait(drv, [&](const auto& s) {
    return s.type == SMSDRV_EVENT_RESPONSE && s.request_id == queued.request_id;
  });
  REQUIRE(r);
  CHECK((r->status == SMSDRV_E_OUTCOME_UNKNOWN || r->status == SMSDRV_E_SHUT_DOWN));
  CHECK(drv.ack(e->event_id) == SMSDRV_OK);  // late: changes nothing

  // Configured again at once: the same port is free and serves.
  drv.configure("channel-mms", mms_channel(settings));
  auto again = post_golden(port, golden_deliver());
  const auto e2 =
      rec.wait(drv, [&](const auto& s) { return inbound(s) && s.event_id != e->event_id; });
  REQUIRE(e2);
  CHECK(drv.ack(e2->event_id) == SMSDRV_OK);
  CHECK(again.get().status == 200);
  drv.remove_channel("channel-mms", 0);
  CHECK_FALSE(accepts_connections(port));

  // Both instances freed: their sockets, timers and HTTP client closed.
  std::size_t now = 0;
  for (int i = 0; i < 100; ++i) {
    rec.wait(
        drv, [](const auto&) { return false; }, 0s);  // the last event handed out goes
    CHECK_THROWS(drv.remove_channel("channel-none", 0));
    now = smsdrv::test::open_descriptors();
    if (now == baseline) break;
    std::this_thread::sleep_for(50ms);
  }
  INFO("before: " << baseline_fds);
  INFO("after: " << smsdrv::test::describe_descriptors());
  CHECK(now == baseline);
  CHECK(rec.responses_to(queued.request_id) == 1);
}

TEST_CASE("the listener moves to another address on its port; a move that fails changes nothing") {
  REQUIRE(!golden_deliver().empty());
  const smsdrv::test::scratch_dir dir("abi_mms_move");
  smsdrv::test::silent_mmsc mmsc;
  const std::uint16_t port = smsdrv::test::free_port();
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  recorder rec;
  smsdrv::driver drv(mod, rec.make());
  drv.configure("channel-mms", mms_channel(write_settings(dir, mmsc.port(), port)));
  std::uint64_t last_event = 0;
  auto delivered = [&] {
    auto answer = post_golden(port, golden_deliver());
    const auto e =
        rec.wait(drv, [&](const auto& s) { return inbound(s) && s.event_id > last_event; });
    REQUIRE(e);
    last_event = e->event_id;
    CHECK(drv.ack(e->event_id) == SMSDRV_OK);
    return answer.get().status;
  };
  CHECK(delivered() == 200);

  // 127.0.0.1 to every address on the same port: the two overlap, the new instance takes it.
  drv.configure("channel-mms", mms_channel(write_settings(dir, mmsc.port(), port, "0.0.0.0")));
  CHECK(delivered() == 200);
  // And back.
  drv.configure("channel-mms", mms_channel(write_settings(dir, mmsc.port(), port, "127.0.0.1")));
  CHECK(delivered() == 200);

  // Another socket holds the port on 127.0.0.2: every address cannot be had. The configuration
  // is refused naming the listener, and the running instance still listens on 127.0.0.1.
  const int other = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(other >= 0);
  const int yes = 1;
  ::setsockopt(other, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.2", &at.sin_addr);
  REQUIRE(::bind(other, reinterpret_cast<const sockaddr*>(&at), sizeof at) == 0);
  REQUIRE(::listen(other, 1) == 0);
  try {
    drv.configure("channel-mms", mms_channel(write_settings(dir, mmsc.port(), port, "0.0.0.0")));
    FAIL("the configuration was taken");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("[listener] cannot listen on 0.0.0.0:") != std::string::npos);
  }
  ::close(other);
  CHECK(delivered() == 200);

  CHECK(drv.shutdown(0) == SMSDRV_OK);
}
