// The real module loaded, used for MMS, unloaded and loaded again in one process: GMime (which
// reads the MIME of inbound MM7 requests) registers GObject types that cannot be unregistered,
// so libgmime must outlive the module; its tables are freed with the last MMS side
// (g_mime_shutdown) and set up again for the next one. Each round posts a
// DeliverReq with a PNG to the channel's listener and checks the INBOUND event and its parts.
#include <dlfcn.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "mms_test_peers.hpp"
#include "scratch_dir.hpp"
#include "smsdrv/smsdrv.hpp"

using namespace std::chrono_literals;

namespace {

// One round: load the module, configure a channel with an MMS listener, post the golden
// DeliverReq (a header line, a blank line, the multipart body), take its event, ack, unload.
void deliver_once(const std::string& settings, std::uint16_t port, const std::string& request) {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  smsdrv_host h{};
  h.struct_size = sizeof h;
  h.notify = [](void*) {};
  h.log = [](void*, std::int32_t, const char*, const char*) {};
  h.application_name = "abi_mms_reload_test";
  h.log_level = SMSDRV_LOG_ERROR;
  smsdrv::driver drv(mod, h);
  drv.configure("channel-mms", {{"x-smpp-host", "127.0.0.1"},
                                {"x-smpp-port", "1"},
                                {"x-smpp-system-id", "none"},
                                {"inbound-route", "101:mms_endpoint"},
                                {"x-jsms-config-file", settings}});
  REQUIRE(request.find("\n\n") != std::string::npos);
  auto answer = smsdrv::test::post_golden(port, request);
  bool taken = false;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!taken && std::chrono::steady_clock::now() < deadline) {
    smsdrv::event ev;
    while (!taken && drv.poll(ev)) {
      if (ev.type() != SMSDRV_EVENT_INBOUND) continue;
      CHECK(ev.attribute("Subject") == "Holiday & more");
      const auto parts = ev.parts();
      bool png = false;
      for (const auto& p : parts)
        png = png || p.content_type == "image/png";
      CHECK(png);
      CHECK(drv.ack(ev.raw.event_id) == SMSDRV_OK);
      taken = true;
    }
    if (!taken) std::this_thread::sleep_for(10ms);
  }
  CHECK(taken);
  const auto http = answer.get();
  CHECK(http.status == 200);
  CHECK(http.body.find(">1000<") != std::string::npos);
}

}  // namespace

TEST_CASE("MMS: the module unloaded and loaded again reads inbound MIME; GMime stays resident") {
  const smsdrv::test::scratch_dir dir("abi_mms_reload");
  const std::uint16_t port = smsdrv::test::free_port();
  const std::string settings = dir / "mms.cfg";
  {
    std::FILE* f = std::fopen(settings.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fprintf(f,
                 "[mmsc]\nurl = http://127.0.0.1:1/mm7\n[listener]\naddress = 127.0.0.1\n"
                 "port = %u\n",
                 static_cast<unsigned>(port));
    std::fclose(f);
  }
  const std::string request =
      smsdrv::test::read_whole_file(SMSDRV_MM7_GOLDEN_DIR "/deliver_rel6_prefixed.http");
  REQUIRE(!request.empty());
  // This test program does not link GMime: before the module is loaded, it is not in the process.
  CHECK(::dlopen("libgmime-3.0.so.0", RTLD_NOW | RTLD_NOLOAD) == nullptr);
  deliver_once(settings, port, request);
  // The module is gone; GMime stayed (RTLD_NODELETE), with its types and tables.
  void* gmime = ::dlopen("libgmime-3.0.so.0", RTLD_NOW | RTLD_NOLOAD);
  CHECK(gmime != nullptr);
  if (gmime != nullptr) ::dlclose(gmime);
  deliver_once(settings, port, request);
  deliver_once(settings, port, request);
}
