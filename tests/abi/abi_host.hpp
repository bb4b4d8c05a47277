// A host for the ABI tests: counts notify() calls, collects log lines, turns polled events into
// owned copies.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smsdrv/smsdrv.hpp"

namespace smsdrv::test {

using namespace std::chrono_literals;

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

inline bool is_state(const host::owned_event& e, std::string_view state) {
  return e.type == SMSDRV_EVENT_CHANNEL_STATE && e.attrs.count("state") &&
         e.attrs.at("state") == state;
}

}  // namespace smsdrv::test
