#include "host_loop.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "driver_bench.hpp"
#include "progress.hpp"

namespace smsdrv::bench {
namespace {

void on_notify(void* context) {
  auto* flag = static_cast<notify_flag*>(context);
  flag->ready.store(1, std::memory_order_release);
  flag->ready.notify_one();
}

void on_log(void*, std::int32_t level, const char* channel, const char* message) {
  if (level <= SMSDRV_LOG_WARN) fmt::print(stderr, "smpp-bench: driver {}: {}\n", channel, message);
}

}  // namespace

smsdrv_host notifying_host(notify_flag& flag, std::int32_t log_level) {
  smsdrv_host host{};
  host.struct_size = sizeof host;
  host.context = &flag;
  host.notify = on_notify;
  host.log = on_log;
  host.application_name = "smpp-bench";
  host.log_level = log_level;
  return host;
}

prepared_send_sms::prepared_send_sms(const char* channel, std::size_t text_length)
    : text(message_text(text_length)) {
  values[1] = text.c_str();
  request.struct_size = sizeof request;
  request.channel = channel;
  request.request = "SendSMS";
  request.count = 2;
  request.keys = keys;
  request.values = values;
}

send_outcome send_and_await(const smsdrv::driver& driver, const smsdrv_request& request,
                            std::uint64_t count, std::uint64_t backlog, notify_flag& flag,
                            const std::string& label, bool progress) {
  const smsdrv_driver_api& api = driver.api();
  smsdrv_driver* handle = driver.handle();
  send_outcome r;
  std::uint64_t sent = 0;
  std::atomic<std::uint64_t> answered_counter{0};
  progress_bar bar(label, count, answered_counter, 0, progress);
  smsdrv_event ev{};
  for (;;) {
    while (sent < count && sent - r.answered < backlog) {
      const std::int32_t st = api.send(handle, &request, nullptr);
      if (st == SMSDRV_E_QUEUE_FULL) break;
      if (st != SMSDRV_OK)
        throw std::runtime_error(
            fmt::format("send() failed: {}: {}", api.status_name(st), api.last_error(handle)));
      ++sent;
    }
    flag.ready.store(0, std::memory_order_relaxed);
    ev.struct_size = sizeof ev;
    while (api.poll(handle, &ev) == 1) {
      if (ev.type == SMSDRV_EVENT_RESPONSE) {
        ++r.answered;
        if (ev.status == SMSDRV_OK)
          ++r.ok;
        else if (r.first_failure.empty())
          r.first_failure =
              fmt::format("{}: {}", api.status_name(ev.status), ev.text ? ev.text : "");
      }
      ev.struct_size = sizeof ev;
    }
    answered_counter.store(r.answered, std::memory_order_relaxed);
    if (r.answered == count) break;
    if (sent < count && sent - r.answered < backlog) continue;
    flag.ready.wait(0, std::memory_order_acquire);
  }
  return r;
}

}  // namespace smsdrv::bench
