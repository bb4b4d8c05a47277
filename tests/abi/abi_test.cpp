// The real module, dlopen()ed and driven only through the C ABI (via the SDK's C++ wrapper),
// against a loopback SMSC.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "mini_smsc.hpp"
#include "scratch_dir.hpp"
#include "smsdrv/smsdrv.hpp"

using namespace std::chrono_literals;

namespace {

// A host: counts notify() calls, collects log lines, turns polled events into owned copies.
struct host {
  std::mutex mutex;
  std::condition_variable cv;
  int notifications = 0;
  std::vector<std::string> logs;

  struct owned_event {
    smsdrv_event_type type;
    std::uint64_t event_id, request_id;
    std::string channel, text;
    std::int32_t status;
    bool needs_ack;
    std::map<std::string, std::string> attrs;
  };

  smsdrv_host make() {
    smsdrv_host h{};
    h.struct_size = sizeof h;
    h.context = this;
    h.notify = [](void* ctx) {
      auto* self = static_cast<host*>(ctx);
      std::lock_guard lock(self->mutex);
      ++self->notifications;
      self->cv.notify_all();
    };
    h.log = [](void* ctx, std::int32_t, const char* channel, const char* message) {
      auto* self = static_cast<host*>(ctx);
      std::lock_guard lock(self->mutex);
      self->logs.push_back(std::string(channel) + ": " + message);
    };
    h.application_name = "abi_test";
    h.log_level = SMSDRV_LOG_DEBUG;
    return h;
  }

  // Polls until an event matching pred arrives (waiting on notify), or 10 s pass.
  template <class Pred>
  std::optional<owned_event> next(smsdrv::driver& d, Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      smsdrv::event ev;
      while (d.poll(ev)) {
        owned_event o{ev.type(),
                      ev.raw.event_id,
                      ev.raw.request_id,
                      std::string(ev.channel()),
                      std::string(ev.text()),
                      ev.raw.status,
                      ev.needs_ack(),
                      {}};
        for (std::uint32_t i = 0; i < ev.size(); ++i)
          o.attrs[std::string(ev.key(i))] = std::string(ev.value(i));
        if (pred(o)) return o;
      }
      std::unique_lock lock(mutex);
      const int seen = notifications;
      if (!cv.wait_until(lock, deadline, [&] { return notifications != seen; }))
        return std::nullopt;
    }
  }
};

smsdrv::key_values channel_options(std::uint16_t port) {
  return {{"x-smpp-host", "127.0.0.1"},        {"x-smpp-port", std::to_string(port)},
          {"x-smpp-system-id", "abi"},         {"password", "secret"},
          {"x-smpp-submit-max-rate", "10000"}, {"inbound-route", "101:sms_endpoint"}};
}

bool is_state(const host::owned_event& e, std::string_view state) {
  return e.type == SMSDRV_EVENT_CHANNEL_STATE && e.attrs.count("state") &&
         e.attrs.at("state") == state;
}

}  // namespace

TEST_CASE("the module's table") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  CHECK(mod.name() == "smsmms");
  CHECK(mod.api().struct_size == sizeof(smsdrv_driver_api));
  CHECK(std::string(mod.api().status_message(SMSDRV_E_QUEUE_FULL)).find("try again") !=
        std::string::npos);
  CHECK(std::string(mod.api().status_name(-999)) == "SMSDRV_E_UNKNOWN");
}

TEST_CASE("configure refuses bad sections naming source, line, option, value and rule") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  try {
    drv.configure(
        "channel-bad",
        {{"x-smpp-host", "127.0.0.1"}, {"x-smpp-port", "99999"}, {"x-smpp-system-id", "x"}},
        "cfg/test.cfg", {3, 4, 5});
    FAIL("configure accepted a bad port");
  } catch (const smsdrv::error& e) {
    CHECK(e.status() == SMSDRV_E_BAD_CONFIG);
    const std::string what = e.what();
    CHECK(what.find("cfg/test.cfg:4: [channel-bad] x-smpp-port = '99999'") != std::string::npos);
  }
  // An option that needs Redis, without Redis: refused rather than ignored.
  try {
    drv.configure(
        "channel-bad",
        {{"x-smpp-host", "127.0.0.1"}, {"x-smpp-system-id", "x"}, {"x-shared-limits-window", "8"}},
        "cfg/test.cfg", {3, 4, 5});
    FAIL("configure accepted x-shared-limits-window without x-shared-limits-redis-url");
  } catch (const smsdrv::error& e) {
    CHECK(e.status() == SMSDRV_E_BAD_CONFIG);
    CHECK(std::string(e.what()).find("cfg/test.cfg:5: [channel-bad] x-shared-limits-window = "
                                     "'8': needs x-shared-limits-redis-url") != std::string::npos);
  }
  try {
    drv.configure("dms-server", {{"port", "1"}});
    FAIL("configure accepted a foreign section");
  } catch (const smsdrv::error& e) {
    CHECK(e.status() == SMSDRV_E_INVALID_ARGUMENT);
  }
}

TEST_CASE("x-jsms-config-file: the MMS settings file is read when the channel is configured") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  const smsdrv::test::scratch_dir scratch("abi_test_mms");
  const std::string dir = scratch.path().string();
  {
    std::FILE* f = std::fopen((dir + "/bad.cfg").c_str(), "w");
    std::fputs(
        "[mmsc]\nurl = http://127.0.0.1:1/mm7\nuser = vasp\npassword = Sup3rS3cret\n"
        "mm7-version = 9\n",
        f);
    std::fclose(f);
    f = std::fopen((dir + "/good.cfg").c_str(), "w");
    std::fputs("[mmsc]\nurl = http://127.0.0.1:1/mm7\nuser = vasp\npassword = Sup3rS3cret\n", f);
    std::fclose(f);
  }
  auto options = [&](const std::string& file) {
    return std::vector<std::pair<std::string, std::string>>{{"x-smpp-host", "127.0.0.1"},
                                                            {"x-smpp-port", "1"},
                                                            {"x-smpp-system-id", "x"},
                                                            {"x-jsms-config-file", file}};
  };
  try {
    drv.configure("channel-mms", options(dir + "/bad.cfg"), "cfg/test.cfg", {1, 2, 3, 4});
    FAIL("configure accepted a bad MMS settings file");
  } catch (const smsdrv::error& e) {
    CHECK(e.status() == SMSDRV_E_BAD_CONFIG);
    const std::string what = e.what();
    CHECK(what.find("cfg/test.cfg:4: [channel-mms] x-jsms-config-file = '" + dir +
                    "/bad.cfg': the MMS settings file is refused:") != std::string::npos);
    CHECK(what.find(dir + "/bad.cfg:5: [mmsc] mm7-version = '9': must be an MM7 version") !=
          std::string::npos);
  }
  try {
    drv.configure("channel-mms", options(dir + "/missing.cfg"));
    FAIL("configure accepted a missing MMS settings file");
  } catch (const smsdrv::error& e) {
    CHECK(std::string(e.what()).find("/missing.cfg: cannot be read: No such file or directory") !=
          std::string::npos);
  }
  drv.configure("channel-mms", options(dir + "/good.cfg"));
  auto mms = drv.send("channel-mms", "SendMMS", {{"_smsDestNumber", "1"}},
                      {{"image/gif", "a.gif", "GIF89a"}});
  CHECK(mms.status == SMSDRV_OK);  // taken: the MMSC (nothing at port 1) answers it later
  auto no_recipient = drv.send("channel-mms", "SendMMS", {{"_smsText", "hi"}});
  CHECK(no_recipient.status == SMSDRV_E_BAD_REQUEST);
  CHECK(no_recipient.error.find("_smsDestNumber") != std::string::npos);
  // Replaced by a bad section: refused whole, the running instance keeps serving.
  try {
    drv.configure("channel-mms", options(dir + "/bad.cfg"));
    FAIL("configure accepted a bad MMS settings file for a running channel");
  } catch (const smsdrv::error& e) {
    CHECK(e.status() == SMSDRV_E_BAD_CONFIG);
  }
  CHECK(drv.send("channel-mms", "SendMMS", {{"_smsDestNumber", "1"}, {"_smsText", "x"}}).status ==
        SMSDRV_OK);
  std::lock_guard lock(h.mutex);
  bool logged = false;
  for (const auto& line : h.logs) {
    CHECK(line.find("Sup3rS3cret") == std::string::npos);
    logged = logged || line.find("MMS: MM7 6.8.0 to http://127.0.0.1:1/mm7, no listener") !=
                           std::string::npos;
  }
  CHECK(logged);
}

TEST_CASE("send refuses what it cannot take, synchronously, with an explanation") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  drv.configure("channel-a", channel_options(1));  // nothing listens on port 1
  auto r = drv.send("channel-zz", "SendSMS", {{"_smsDestNumber", "1"}});
  CHECK(r.status == SMSDRV_E_UNKNOWN_CHANNEL);
  CHECK(r.error.find("channel-zz") != std::string::npos);
  r = drv.send("channel-a", "SendMMS", {{"_smsDestNumber", "1"}});
  CHECK(r.status == SMSDRV_E_UNSUPPORTED_REQUEST);
  r = drv.send("channel-a", "SendSMS", {{"_smsText", "no destination"}});
  CHECK(r.status == SMSDRV_E_BAD_REQUEST);
  CHECK(r.error.find("_smsDestNumber is required") != std::string::npos);
  r = drv.send("channel-a", "SendSMS",
               {{"_smsDestNumber", "1"}, {"extraopt", "{ tlvItems: [ {tag:"}});
  CHECK(r.status == SMSDRV_E_BAD_REQUEST);
  CHECK(r.error.find("extraopt: column") != std::string::npos);
  CHECK(drv.ack(12345) == SMSDRV_E_UNKNOWN_EVENT);

  // ABI 1.2 parts: only SendMMS takes them, and each is checked.
  r = drv.send("channel-a", "SendSMS", {{"_smsDestNumber", "1"}}, {{"text/plain", "a.txt", "x"}});
  CHECK(r.status == SMSDRV_E_BAD_REQUEST);
  CHECK(r.error.find("SendSMS carries text only (1 parts given)") != std::string::npos);
  CHECK(r.error.find("parts go with SendMMS") != std::string::npos);
  const char* keys[] = {"_smsDestNumber"};
  const char* values[] = {"1"};
  smsdrv_part small{};
  small.struct_size = SMSDRV_PART_SIZE_1_2 - 1;
  small.content_type = "text/plain";
  const smsdrv_part* parts[] = {&small};
  smsdrv_request raw{};
  raw.struct_size = sizeof raw;
  raw.channel = "channel-a";
  raw.request = "SendSMS";
  raw.count = 1;
  raw.keys = keys;
  raw.values = values;
  raw.part_count = 1;
  raw.parts = parts;
  CHECK(mod.api().send(drv.handle(), &raw, nullptr) == SMSDRV_E_ABI_MISMATCH);
  CHECK(drv.last_error().find("parts[0].struct_size is") != std::string::npos);
  parts[0] = nullptr;
  CHECK(mod.api().send(drv.handle(), &raw, nullptr) == SMSDRV_E_INVALID_ARGUMENT);
  CHECK(drv.last_error() == "send: parts[0] is NULL");
  raw.parts = nullptr;
  CHECK(mod.api().send(drv.handle(), &raw, nullptr) == SMSDRV_E_INVALID_ARGUMENT);
  smsdrv_part no_type{};
  no_type.struct_size = sizeof no_type;
  no_type.size = 3;
  parts[0] = &no_type;
  raw.parts = parts;
  CHECK(mod.api().send(drv.handle(), &raw, nullptr) == SMSDRV_E_INVALID_ARGUMENT);
  CHECK(drv.last_error() == "send: parts[0].content_type is missing");
  no_type.content_type = "image/jpeg";
  CHECK(mod.api().send(drv.handle(), &raw, nullptr) == SMSDRV_E_INVALID_ARGUMENT);
  CHECK(drv.last_error() == "send: parts[0].data is NULL with a size of 3");
}

TEST_CASE("a receiver-only channel refuses SendSMS at once, naming the bind mode") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  auto opts = channel_options(1);
  opts.emplace_back("x-smpp-bind-mode", "r");
  drv.configure("channel-rx", opts);
  const auto r = drv.send("channel-rx", "SendSMS", {{"_smsDestNumber", "4915550001"}});
  CHECK(r.status == SMSDRV_E_UNSUPPORTED_REQUEST);
  CHECK(r.error ==
        "SMSDRV_E_UNSUPPORTED_REQUEST: channel-rx binds as a receiver (x-smpp-bind-mode = r) and "
        "cannot send; SendSMS needs "
        "x-smpp-bind-mode t or tr");
  // A transmitter takes it.
  auto tx = channel_options(1);
  tx.emplace_back("x-smpp-bind-mode", "t");
  drv.configure("channel-tx", tx);
  CHECK(drv.send("channel-tx", "SendSMS", {{"_smsDestNumber", "4915550001"}}).status == SMSDRV_OK);
}

TEST_CASE("struct_size is checked and last_error is per thread") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  smsdrv_event small{};
  small.struct_size = 8;
  CHECK(mod.api().poll(drv.handle(), &small) == SMSDRV_E_ABI_MISMATCH);
  CHECK(std::string(mod.api().last_error(drv.handle())).find("struct_size") != std::string::npos);
  std::string other_thread_error = "unset";
  std::thread([&] { other_thread_error = mod.api().last_error(drv.handle()); }).join();
  CHECK(other_thread_error.empty());
}

TEST_CASE(
    "struct_size: ABI 1.0's structs are the least accepted, a newer host's are read by prefix") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  const smsdrv_driver_api& api = mod.api();
  host h;

  // Too small: refused, naming the struct and both sizes.
  smsdrv_host small_host = h.make();
  small_host.struct_size = SMSDRV_HOST_SIZE_1_0 - 1;
  smsdrv_driver* none = nullptr;
  CHECK(api.init(&small_host, &none) == SMSDRV_E_ABI_MISMATCH);
  CHECK(none == nullptr);
  CHECK(std::string(api.last_error(nullptr))
            .find("smsdrv_host.struct_size is " + std::to_string(SMSDRV_HOST_SIZE_1_0 - 1)) !=
        std::string::npos);

  // A host of a later minor version: every struct has a field appended that this driver does
  // not know. The driver reads the prefix it knows and ignores the rest.
  struct newer_host {
    smsdrv_host known;
    const char* appended;
  } nh{h.make(), "ignored"};
  nh.known.struct_size = sizeof nh;
  smsdrv_driver* drv = nullptr;
  REQUIRE(api.init(&nh.known, &drv) == SMSDRV_OK);
  REQUIRE(drv != nullptr);

  std::vector<const char*> keys{"x-smpp-host", "x-smpp-port", "x-smpp-system-id"};
  std::vector<const char*> values{"127.0.0.1", "1", "abi"};
  struct newer_section {
    smsdrv_section known;
    const char* appended;
  } ns{};
  ns.known = {sizeof ns, "channel-newer", 3, keys.data(), values.data(), nullptr, nullptr};
  ns.appended = "ignored";
  ns.known.struct_size = SMSDRV_SECTION_SIZE_1_0 - 1;
  CHECK(api.configure(drv, &ns.known) == SMSDRV_E_ABI_MISMATCH);
  CHECK(std::string(api.last_error(drv)).find("smsdrv_section.struct_size") != std::string::npos);
  ns.known.struct_size = sizeof ns;
  REQUIRE(api.configure(drv, &ns.known) == SMSDRV_OK);

  std::vector<const char*> rkeys{"_smsDestNumber", "_smsText"};
  std::vector<const char*> rvalues{"4915550001", "hello"};
  struct newer_request {
    smsdrv_request known;
    std::uint64_t appended;
  } nr{};
  nr.known = {sizeof nr, "channel-newer", "SendSMS", 2, rkeys.data(), rvalues.data(), 0, nullptr};
  nr.appended = 0xFFFFFFFFFFFFFFFFu;
  std::uint64_t id = 0;
  REQUIRE(api.send(drv, &nr.known, &id) == SMSDRV_OK);
  nr.known.struct_size = SMSDRV_REQUEST_SIZE_1_0 - 1;
  CHECK(api.send(drv, &nr.known, nullptr) == SMSDRV_E_ABI_MISMATCH);
  CHECK(std::string(api.last_error(drv)).find("smsdrv_request.struct_size") != std::string::npos);

  // The request's one RESPONSE, polled into a newer event: the fields the driver does not know
  // come back zero, the struct_size stays the host's.
  REQUIRE(api.shutdown(drv, 0) == SMSDRV_OK);
  struct newer_event {
    smsdrv_event known;
    std::uint64_t appended;
  } ne{};
  int responses = 0;
  for (;;) {
    ne.known.struct_size = sizeof ne;
    ne.appended = 42;
    const std::int32_t got = api.poll(drv, &ne.known);
    REQUIRE(got >= 0);
    if (got == 0) break;
    CHECK(ne.known.struct_size == sizeof ne);
    CHECK(ne.appended == 0);
    if (ne.known.type == SMSDRV_EVENT_RESPONSE && ne.known.request_id == id) ++responses;
  }
  CHECK(responses == 1);
  ne.known.struct_size = SMSDRV_EVENT_SIZE_1_0 - 1;
  CHECK(api.poll(drv, &ne.known) == SMSDRV_E_ABI_MISMATCH);
  CHECK(std::string(api.last_error(drv)).find("smsdrv_event.struct_size") != std::string::npos);
  api.destroy(drv);
}

TEST_CASE("a channel whose SMSC is down reports it, and requests fail as channel down") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  auto opts = channel_options(1);
  opts.emplace_back("x-smpp-response-max-waiting-time", "1000");
  drv.configure("channel-down", opts);
  auto down = h.next(drv, [](const auto& e) { return is_state(e, "down"); });
  REQUIRE(down);
  CHECK(down->status == SMSDRV_E_CHANNEL_DOWN);
  CHECK(down->text.find("127.0.0.1:1") != std::string::npos);
  auto sent = drv.send("channel-down", "SendSMS", {{"_smsDestNumber", "4915550001"}});
  REQUIRE(sent);
  auto resp = h.next(drv, [&](const auto& e) {
    return e.type == SMSDRV_EVENT_RESPONSE && e.request_id == sent.request_id;
  });
  REQUIRE(resp);
  CHECK(resp->status == SMSDRV_E_CHANNEL_DOWN);
}

TEST_CASE("end to end over loopback: bind, SendSMS, inbound with ack, shutdown") {
  smsdrv::test::mini_smsc smsc;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  drv.configure("channel-sms1", channel_options(smsc.port()));
  REQUIRE(h.next(drv, [](const auto& e) { return is_state(e, "bound"); }));

  auto sent = drv.send("channel-sms1", "SendSMS",
                       {{"_smsDestNumber", "4915550001"}, {"_smsText", "Hello from the ABI"}});
  REQUIRE(sent);
  auto resp = h.next(drv, [&](const auto& e) {
    return e.type == SMSDRV_EVENT_RESPONSE && e.request_id == sent.request_id;
  });
  REQUIRE(resp);
  CHECK(resp->status == SMSDRV_OK);
  CHECK(resp->attrs.at("_smsMessageId").rfind("id-", 0) == 0);
  CHECK(smsc.wait([](auto& s) { return s.submitted_texts.size() == 1; }));
  CHECK(smsc.submitted_texts.at(0) == "Hello from the ABI");  // GSM 03.38, unpacked

  smsdrv::smpp::deliver_sm d;
  d.source_addr = "4915550002";
  d.destination_addr = "12345";
  d.short_message = "Inbound hello";
  smsc.send_deliver_sm(d, 77);
  auto in = h.next(drv, [](const auto& e) { return e.type == SMSDRV_EVENT_INBOUND; });
  REQUIRE(in);
  CHECK(in->needs_ack);
  CHECK(in->attrs.at("_smsText") == "Inbound hello");
  CHECK(in->attrs.at("_umsInboundIxnSubmittedBy") == "abi_test");
  CHECK(in->attrs.size() == 17);
  std::this_thread::sleep_for(100ms);
  {
    std::lock_guard lock(h.mutex);  // nothing acknowledged before the host acks
  }
  CHECK(smsc.wait([](auto& s) { return s.deliver_sm_resps.empty(); }));
  CHECK(drv.ack(in->event_id) == SMSDRV_OK);
  CHECK(smsc.wait([](auto& s) { return s.deliver_sm_resps.size() == 1; }));
  CHECK(smsc.deliver_sm_resps.at(0) == std::pair<std::uint32_t, std::uint32_t>{77, 0});
  CHECK(drv.ack(in->event_id) == SMSDRV_E_UNKNOWN_EVENT);

  CHECK(drv.shutdown(2000) == SMSDRV_OK);
  CHECK(drv.shutdown(2000) == SMSDRV_OK);  // idempotent
  CHECK(drv.send("channel-sms1", "SendSMS", {{"_smsDestNumber", "1"}}).status ==
        SMSDRV_E_SHUT_DOWN);
  CHECK(smsc.wait([](auto& s) { return !s.bound; }));  // unbound and closed
}

TEST_CASE("a full queue answers SMSDRV_E_QUEUE_FULL at once, and every accepted request ends") {
  smsdrv::test::mini_smsc smsc(/*answer_submits=*/false);
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  auto opts = channel_options(smsc.port());
  opts.emplace_back("x-smpp-queue-size", "3");
  opts.emplace_back("x-smpp-response-max-waiting-time", "1000");
  drv.configure("channel-q", opts);
  REQUIRE(h.next(drv, [](const auto& e) { return is_state(e, "bound"); }));
  std::vector<std::uint64_t> accepted;
  int refused = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = drv.send("channel-q", "SendSMS", {{"_smsDestNumber", "4915550001"}});
    if (r)
      accepted.push_back(r.request_id);
    else if (r.status == SMSDRV_E_QUEUE_FULL)
      ++refused;
  }
  CHECK(accepted.size() == 3);
  CHECK(refused == 2);
  std::map<std::uint64_t, int> outcomes;
  while (outcomes.size() < accepted.size()) {
    auto e = h.next(drv, [](const auto& ev) { return ev.type == SMSDRV_EVENT_RESPONSE; });
    REQUIRE(e);
    CHECK(e->status == SMSDRV_E_TIMEOUT);
    ++outcomes[e->request_id];
  }
  for (auto id : accepted)
    CHECK(outcomes[id] == 1);
  // The queue has room again.
  CHECK(drv.send("channel-q", "SendSMS", {{"_smsDestNumber", "4915550001"}}));
}

TEST_CASE("two instances in one process share nothing") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h1, h2;
  smsdrv::driver a(mod, h1.make());
  smsdrv::driver b(mod, h2.make());
  a.configure("channel-x", channel_options(1));
  CHECK(b.send("channel-x", "SendSMS", {{"_smsDestNumber", "1"}}).status ==
        SMSDRV_E_UNKNOWN_CHANNEL);
  b.configure("channel-x", channel_options(1));  // same name, other instance: fine
}

TEST_CASE("configure() again replaces a channel: queued requests never sent, one response each") {
  smsdrv::test::mini_smsc old_smsc(/*answer_submits=*/false);
  smsdrv::test::mini_smsc new_smsc;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  CHECK(SMSDRV_ABI_VERSION_MINOR_OF(mod.api().abi_version) == 2);
  REQUIRE(SMSDRV_API_HAS(&mod.api(), remove_channel));
  host h;
  smsdrv::driver drv(mod, h.make());
  auto opts = channel_options(old_smsc.port());
  opts.emplace_back("x-smpp-submit-window-size", "1");
  opts.emplace_back("x-smpp-response-max-waiting-time", "1000");
  drv.configure("channel-r", opts);
  REQUIRE(h.next(drv, [](const auto& e) { return is_state(e, "bound"); }));
  // Window 1 and an SMSC that does not answer: one request in flight, two queued.
  std::vector<std::uint64_t> before;
  for (int i = 0; i < 3; ++i) {
    auto r = drv.send("channel-r", "SendSMS",
                      {{"_smsDestNumber", "4915550001"}, {"_smsText", "old " + std::to_string(i)}});
    REQUIRE(r);
    before.push_back(r.request_id);
  }
  REQUIRE(old_smsc.wait([](auto& s) { return s.submitted_texts.size() == 1; }));

  // A bad section changes nothing.
  auto bad = channel_options(new_smsc.port());
  bad.emplace_back("x-smpp-submit-window-size", "0");
  CHECK_THROWS_WITH(drv.configure("channel-r", bad), Catch::Contains("x-smpp-submit-window-size"));

  drv.configure("channel-r", channel_options(new_smsc.port()));
  // The new instance takes requests at once.
  auto after =
      drv.send("channel-r", "SendSMS", {{"_smsDestNumber", "4915550001"}, {"_smsText", "new"}});
  REQUIRE(after);
  std::map<std::uint64_t, host::owned_event> responses;
  bool new_bound = false;
  while (responses.size() < 4) {
    auto e = h.next(drv, [](const auto& ev) {
      return ev.type == SMSDRV_EVENT_RESPONSE || ev.type == SMSDRV_EVENT_CHANNEL_STATE;
    });
    REQUIRE(e);
    if (e->type == SMSDRV_EVENT_CHANNEL_STATE) {
      // Only the new instance's states: the old link going away is not the channel's state.
      CAPTURE(e->text);
      CHECK(is_state(*e, "bound"));
      new_bound = true;
      continue;
    }
    CHECK(responses.emplace(e->request_id, *e).second);  // one response per request
  }
  CHECK(new_bound);
  CHECK(responses.at(after.request_id).status == SMSDRV_OK);
  // Queued on the old instance: never sent, safe to send again.
  CHECK(responses.at(before[1]).status == SMSDRV_E_SHUT_DOWN);
  CHECK(responses.at(before[2]).status == SMSDRV_E_SHUT_DOWN);
  // In flight on the old instance: given its response time, then not known.
  CHECK(responses.at(before[0]).status != SMSDRV_OK);
  CHECK(responses.at(before[0]).status != SMSDRV_E_SHUT_DOWN);
  CHECK(old_smsc.wait([](auto& s) { return !s.bound; }));  // the old link unbound and closed
  CHECK(old_smsc.submitted_texts.size() == 1);
  CHECK(new_smsc.wait([](auto& s) { return s.submitted_texts.size() == 1; }));
  CHECK(new_smsc.submitted_texts.at(0) == "new");
  CHECK(drv.shutdown(2000) == SMSDRV_OK);
}

TEST_CASE("remove_channel() stops a channel: queued requests never sent, then it is gone") {
  smsdrv::test::mini_smsc smsc(/*answer_submits=*/false);
  smsdrv::test::mini_smsc other;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  auto opts = channel_options(smsc.port());
  opts.emplace_back("x-smpp-submit-window-size", "1");
  drv.configure("channel-gone", opts);
  drv.configure("channel-stays", channel_options(other.port()));
  int bound = 0;
  while (bound < 2)
    REQUIRE(h.next(drv, [&](const auto& e) { return is_state(e, "bound") && ++bound; }));
  auto in_flight = drv.send("channel-gone", "SendSMS", {{"_smsDestNumber", "4915550001"}});
  auto queued = drv.send("channel-gone", "SendSMS", {{"_smsDestNumber", "4915550001"}});
  REQUIRE(in_flight);
  REQUIRE(queued);
  REQUIRE(smsc.wait([](auto& s) { return s.submitted_texts.size() == 1; }));

  CHECK_THROWS_WITH(drv.remove_channel("channel-nope", 500),
                    Catch::Contains("SMSDRV_E_UNKNOWN_CHANNEL"));
  drv.remove_channel("channel-gone", 300);
  CHECK(drv.send("channel-gone", "SendSMS", {{"_smsDestNumber", "4915550001"}}).status ==
        SMSDRV_E_UNKNOWN_CHANNEL);
  std::map<std::uint64_t, std::int32_t> status;
  bool shut_down = false;
  while (status.size() < 2 || !shut_down) {
    auto e = h.next(drv, [](const auto& ev) {
      return ev.type == SMSDRV_EVENT_RESPONSE || ev.type == SMSDRV_EVENT_CHANNEL_STATE;
    });
    REQUIRE(e);
    if (e->type == SMSDRV_EVENT_RESPONSE)
      CHECK(status.emplace(e->request_id, e->status).second);
    else if (e->channel == "channel-gone" && is_state(*e, "shut-down"))
      shut_down = true;
  }
  CHECK(status.at(queued.request_id) == SMSDRV_E_SHUT_DOWN);
  CHECK(status.at(in_flight.request_id) != SMSDRV_OK);
  CHECK(smsc.wait([](auto& s) { return !s.bound; }));
  // The other channel is untouched, and the name can be configured again.
  CHECK(drv.send("channel-stays", "SendSMS", {{"_smsDestNumber", "4915550001"}}));
  drv.configure("channel-gone", channel_options(other.port()));
  CHECK(drv.shutdown(2000) == SMSDRV_OK);
}

TEST_CASE("x-failover-channel naming no configured channel: a warning, and the requests stay") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  auto opts = channel_options(1);
  opts.emplace_back("x-smpp-response-max-waiting-time", "1000");
  opts.emplace_back("x-failover-channel", "channel-nowhere");
  drv.configure("channel-alone", opts);
  const auto logged = [&](std::string_view a, std::string_view b) {
    std::lock_guard lock(h.mutex);
    for (const auto& line : h.logs)
      if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
    return false;
  };
  // Said at configure: the option, its value, and that no such section is configured (yet).
  CHECK(logged("channel-alone: x-failover-channel = channel-nowhere",
               "no [channel-nowhere] section is configured"));

  // Its SMSC is down: no switch to a channel that does not exist, a warning naming it instead.
  auto down = h.next(drv, [](const auto& e) { return is_state(e, "down"); });
  REQUIRE(down);
  CHECK(down->attrs["gatewayInUse"] == "channel-alone");
  auto sent = drv.send("channel-alone", "SendSMS", {{"_smsDestNumber", "4915550001"}});
  REQUIRE(sent);
  bool switched = false;
  auto resp = h.next(drv, [&](const auto& e) {
    switched = switched || is_state(e, "failover-channel");
    return e.type == SMSDRV_EVENT_RESPONSE && e.request_id == sent.request_id;
  });
  REQUIRE(resp);
  CHECK_FALSE(switched);
  CHECK(resp->status == SMSDRV_E_CHANNEL_DOWN);  // waited in its own queue, never sent
  CHECK(resp->attrs.count("_smsCarriedBy") == 0);
  CHECK(logged("channel-alone: ",
               "x-failover-channel = channel-nowhere names no configured channel"));
}
