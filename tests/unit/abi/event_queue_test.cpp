// The event queue between the I/O thread and poll(): events in the order pushed with increasing
// ids, one notify() per drain, strings valid until the next poll(), acknowledgements taken once,
// bounded recycling of attribute lists, parts of inbound multimedia messages (ABI 1.2) handed to
// the host, and nothing past an older host's struct_size written.
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

channel::channel_event response(std::uint64_t request_id, std::string text = {}) {
  channel::channel_event e;
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = request_id;
  e.text = std::move(text);
  e.attrs = {{"n", std::to_string(request_id)}};
  return e;
}

void push(abi::event_queue& q, const std::string& channel, std::uintptr_t key,
          std::vector<channel::channel_event> events) {
  q.push(channel, key, events);
  CHECK(events.empty());  // the queue took them all
}

smsdrv_event fresh() {
  smsdrv_event ev{};
  ev.struct_size = sizeof ev;
  return ev;
}

}  // namespace

TEST_CASE("events come out in the order pushed, across pushes and channels, with rising ids") {
  abi::event_queue q(nullptr);
  const std::string a = "channel-a", b = "channel-b";
  std::vector<channel::channel_event> one;
  one.push_back(response(1));
  one.push_back(response(2));
  push(q, a, 10, std::move(one));
  std::vector<channel::channel_event> two;
  two.push_back(response(3));
  push(q, b, 20, std::move(two));
  CHECK(q.size() == 3);

  smsdrv_event ev = fresh();
  std::uint64_t last_id = 0;
  const char* channels[] = {"channel-a", "channel-a", "channel-b"};
  for (std::uint64_t i = 1; i <= 3; ++i) {
    CAPTURE(i);
    REQUIRE(q.poll(ev));
    CHECK(ev.request_id == i);
    CHECK(std::string(ev.channel) == channels[i - 1]);
    CHECK(ev.event_id > last_id);
    last_id = ev.event_id;
    CHECK(q.size() == 3 - i);
  }
  CHECK_FALSE(q.poll(ev));
  // A push of nothing changes nothing.
  std::vector<channel::channel_event> none;
  q.push(a, 10, none);
  CHECK(q.size() == 0);
  CHECK_FALSE(q.poll(ev));
  // Pushed after the queue ran dry: still after everything before it.
  push(q, a, 10, [] {
    std::vector<channel::channel_event> v;
    v.push_back(response(4));
    return v;
  }());
  REQUIRE(q.poll(ev));
  CHECK(ev.request_id == 4);
  CHECK(ev.event_id > last_id);
}

TEST_CASE("notify() once per drain: when the host last found the queue empty") {
  int notified = 0;
  abi::event_queue q([&] { ++notified; });
  const std::string channel = "channel-a";
  auto batch = [](std::uint64_t id) {
    std::vector<channel::channel_event> v;
    v.push_back(response(id));
    return v;
  };
  push(q, channel, 1, batch(1));
  CHECK(notified == 1);
  push(q, channel, 1, batch(2));  // the host has not polled yet: no second wake-up
  CHECK(notified == 1);
  smsdrv_event ev = fresh();
  REQUIRE(q.poll(ev));
  push(q, channel, 1, batch(3));  // the host is draining: it polls until false anyway
  CHECK(notified == 1);
  REQUIRE(q.poll(ev));
  REQUIRE(q.poll(ev));
  CHECK(ev.request_id == 3);
  CHECK(notified == 1);
  CHECK_FALSE(q.poll(ev));  // found empty: the next push wakes the host again
  CHECK(notified == 1);
  push(q, channel, 1, batch(4));
  CHECK(notified == 2);
  push(q, channel, 1, batch(5));
  CHECK(notified == 2);
  while (q.poll(ev)) {
  }
  std::vector<channel::channel_event> none;  // the host waits: an empty push does not wake it
  q.push(channel, 1, none);
  CHECK(notified == 2);
}

TEST_CASE("an event's strings stay valid until the next poll, also when more events arrive") {
  abi::event_queue q(nullptr);
  const std::string channel = "channel-a";
  std::vector<channel::channel_event> v;
  v.push_back(response(1, "first text"));
  push(q, channel, 1, std::move(v));
  smsdrv_event ev = fresh();
  REQUIRE(q.poll(ev));
  const char* text = ev.text;
  const char* key = ev.keys[0];
  const char* value = ev.values[0];
  // The I/O thread pushes a batch large enough to reallocate every internal vector.
  std::vector<channel::channel_event> more;
  for (std::uint64_t i = 2; i < 200; ++i)
    more.push_back(response(i, "later text"));
  push(q, channel, 1, std::move(more));
  CHECK(std::string(text) == "first text");
  CHECK(std::string(key) == "n");
  CHECK(std::string(value) == "1");
  // Handed out to the end, then a poll that finds nothing: the last event stays as it was.
  std::uint64_t last = 0;
  while (q.poll(ev)) {
    last = ev.request_id;
    text = ev.text;
  }
  CHECK(last == 199);
  CHECK(std::string(text) == "later text");
}

TEST_CASE("acknowledgements: only flagged events wait, each taken once with its channel key") {
  abi::event_queue q(nullptr);
  const std::string a = "channel-a", b = "channel-b";
  channel::channel_event needs = response(1);
  needs.type = SMSDRV_EVENT_INBOUND;
  needs.ack_id = 77;
  channel::channel_event other_needs = needs;
  other_needs.ack_id = 88;
  std::vector<channel::channel_event> from_a;
  from_a.push_back(std::move(needs));
  from_a.push_back(response(2));  // no ack_id: never waits
  push(q, a, 111, std::move(from_a));
  std::vector<channel::channel_event> from_b;
  from_b.push_back(std::move(other_needs));
  push(q, b, 222, std::move(from_b));
  CHECK(q.awaiting_ack() == 2);

  smsdrv_event ev = fresh();
  std::vector<std::uint64_t> flagged;
  while (q.poll(ev))
    if (ev.flags & SMSDRV_EVENT_NEEDS_ACK) flagged.push_back(ev.event_id);
  REQUIRE(flagged.size() == 2);

  const auto second = q.take_ack(flagged[1]);  // in any order
  REQUIRE(second);
  CHECK(second->channel_key == 222);
  CHECK(second->ack_id == 88);
  const auto first_ack = q.take_ack(flagged[0]);
  REQUIRE(first_ack);
  CHECK(first_ack->channel_key == 111);
  CHECK(first_ack->ack_id == 77);
  CHECK(q.awaiting_ack() == 0);
  CHECK_FALSE(q.take_ack(flagged[0]));  // a second ack of the same event finds nothing
  CHECK_FALSE(q.take_ack(0));
  CHECK_FALSE(q.take_ack(12345));
}

TEST_CASE("attribute lists of finished events come back to the I/O thread, bounded") {
  abi::event_queue q(nullptr);
  const std::string channel = "channel-a";
  std::vector<channel::channel_event> v;
  for (std::uint64_t i = 1; i <= 4; ++i)
    v.push_back(response(i));  // one attribute each: worth keeping
  channel::channel_event big = response(5);
  for (int i = 0; i < 20; ++i)
    big.attrs.emplace_back("k" + std::to_string(i), "v");  // an inbound-sized list: freed
  v.push_back(std::move(big));
  v.push_back(response(6));
  push(q, channel, 1, std::move(v));

  std::vector<channel::attributes> out;
  q.reclaim(out, 100);
  CHECK(out.empty());  // nothing finished yet

  smsdrv_event ev = fresh();
  while (q.poll(ev)) {
  }
  // Events 1..5 are finished (6 is the last handed out, still the host's); 5's list was too
  // large to keep.
  q.reclaim(out, 2);
  CHECK(out.size() == 2);  // at most the limit
  q.reclaim(out, 100);
  CHECK(out.size() == 4);
  for (const auto& list : out) {
    CHECK(list.empty());  // emptied, capacity kept
    CHECK(list.capacity() >= 1);
    CHECK(list.capacity() <= 8);
  }
  q.reclaim(out, 100);
  CHECK(out.size() == 4);  // each handed back once
}

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
