// The event queue between the I/O thread and poll(): parts of inbound multimedia messages (ABI
// 1.2) handed to the host, and nothing past an older host's struct_size written.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "abi/event_queue.hpp"

using namespace smsdrv;

namespace {

channel::channel_event mms_event() {
  channel::channel_event e;
  e.type = SMSDRV_EVENT_INBOUND;
  e.attrs = {{"MediaType", "mmssession"}};
  e.ack_id = 7;
  e.parts = {{"image/png", "pixel.png", std::string("\x89PNG\r\n\x1a\n\x00\x01", 10)},
             {"text/plain; charset=utf-8", "text.txt", "Hallo"}};
  return e;
}

}  // namespace

TEST_CASE("an event's parts reach the host as smsdrv_part with their bytes") {
  int notified = 0;
  abi::event_queue q([&] { ++notified; });
  const std::string channel = "channel-mms";
  std::vector<channel::channel_event> batch;
  batch.push_back(mms_event());
  channel::channel_event plain;
  plain.type = SMSDRV_EVENT_CHANNEL_STATE;
  batch.push_back(std::move(plain));
  q.push(channel, 1, batch);
  CHECK(notified == 1);

  smsdrv_event ev{};
  ev.struct_size = sizeof ev;
  REQUIRE(q.poll(ev));
  CHECK(ev.type == SMSDRV_EVENT_INBOUND);
  CHECK(ev.flags == SMSDRV_EVENT_NEEDS_ACK);
  REQUIRE(ev.part_count == 2);
  REQUIRE(ev.parts != nullptr);
  CHECK(ev.parts[2] == nullptr);
  CHECK(ev.parts[0]->struct_size == sizeof(smsdrv_part));
  CHECK(std::string(ev.parts[0]->content_type) == "image/png");
  CHECK(std::string(ev.parts[0]->name) == "pixel.png");
  CHECK(ev.parts[0]->size == 10);
  CHECK(std::memcmp(ev.parts[0]->data, "\x89PNG\r\n\x1a\n\x00\x01", 10) == 0);
  CHECK(std::string(reinterpret_cast<const char*>(ev.parts[1]->data), ev.parts[1]->size) ==
        "Hallo");

  // The next event has no parts: NULL and 0, not the previous event's.
  REQUIRE(q.poll(ev));
  CHECK(ev.type == SMSDRV_EVENT_CHANNEL_STATE);
  CHECK(ev.parts == nullptr);
  CHECK(ev.part_count == 0);
  CHECK_FALSE(q.poll(ev));
}

TEST_CASE("a host of ABI 1.0 or 1.1 gets the event without parts, nothing written past it") {
  abi::event_queue q([] {});
  const std::string channel = "channel-mms";
  std::vector<channel::channel_event> batch;
  batch.push_back(mms_event());
  q.push(channel, 1, batch);
  // The 1.0 struct inside a larger buffer whose rest must stay untouched.
  std::vector<unsigned char> buffer(sizeof(smsdrv_event) + 32, 0xAB);
  smsdrv_event* ev = reinterpret_cast<smsdrv_event*>(buffer.data());
  ev->struct_size = SMSDRV_EVENT_SIZE_1_0;
  REQUIRE(q.poll(*ev));
  CHECK(ev->type == SMSDRV_EVENT_INBOUND);
  CHECK(ev->count == 1);
  for (std::size_t i = SMSDRV_EVENT_SIZE_1_0; i < buffer.size(); ++i) {
    CAPTURE(i);
    REQUIRE(buffer[i] == 0xAB);
  }
}
