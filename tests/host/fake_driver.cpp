// fake_driver.cpp - a channel driver module for dms-stub's tests. It keeps every rule of
// smsdrv.h (own thread producing events, notify() only on empty -> non-empty, NEEDS_ACK events,
// request ids, exactly one RESPONSE per accepted send, nothing after shutdown) and lets a test
// script its behaviour through requests:
//
//   SendSMS      _smsDestNumber required (else SMSDRV_E_BAD_REQUEST). Optional user data:
//                  fake-status=<int>     answer with that status instead of SMSDRV_OK
//                  fake-delay-ms=<n>     answer after n ms
//                  fake-never=true       answer only at shutdown (SMSDRV_E_SHUT_DOWN)
//                  fake-report=<stat>    then a delivery report (stat=<stat>) for the request
//                  fake-report-orphan=true  ... with request_id 0 (correlation unknown)
//                  fake-echo=true        the response carries every user data pair as echo.<key>
//                The response carries _smsMessageId=fake-<request id> and
//                fake-queue-full-refusals=<SMSDRV_E_QUEUE_FULL returned just before>.
//   FakeControl  queue-full=<n>: the next n send() calls return SMSDRV_E_QUEUE_FULL.
//   FakeInbound  an inbound event (NEEDS_ACK) whose attributes are the user data minus fake-*
//                keys, plus MediaType=smssession. fake-count=<n> copies, fake-delay-ms=<n>.
//   FakeState    a channel-state event: fake-status=<int>, fake-text=<text>.
// Sections: [channel-*] creates a channel (and a "bound" channel-state event); a section with
// fake-refuse=<anything> is refused with SMSDRV_E_BAD_CONFIG naming source:line; with
// fake-hold=<anything> every SendSMS to the channel is held as fake-never is. Every section,
// every ack and the shutdown are logged through the host's log callback, which is what tests read.
// Built with FAKE_ABI_1_2 (fake_driver_b) it is an ABI 1.2 driver: a [channel-*] section given
// again replaces the channel and remove_channel() removes it; either answers the channel's
// fake-never requests SMSDRV_E_SHUT_DOWN at once (they count as queued, never sent). Without it
// it is an ABI 1.0 driver (no metrics, no remove_channel; a channel given again is refused).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "smsdrv/smsdrv.h"

#ifndef FAKE_DRIVER_NAME
#define FAKE_DRIVER_NAME "fake"
#endif

namespace {

using clock_type = std::chrono::steady_clock;
using attributes = std::vector<std::pair<std::string, std::string>>;

struct fake_event {
  int32_t type = 0;
  uint64_t request_id = 0;
  std::string channel;
  int32_t status = SMSDRV_OK;
  std::string text;
  attributes attrs;
  uint32_t flags = 0;
};

// The event poll() handed out last: its strings stay valid until the next poll().
struct polled_event {
  fake_event ev;
  std::vector<const char*> keys;
  std::vector<const char*> values;
};

const char* status_name_of(int32_t status) {
  switch (status) {
#define FAKE_STATUS_NAME_(name, value, message) \
  case value:                                   \
    return "SMSDRV_" #name;
    SMSDRV_STATUS_MAP(FAKE_STATUS_NAME_)
#undef FAKE_STATUS_NAME_
  }
  return "SMSDRV_E_UNKNOWN";
}

const char* status_message_of(int32_t status) {
  switch (status) {
#define FAKE_STATUS_MESSAGE_(name, value, message) \
  case value:                                      \
    return message;
    SMSDRV_STATUS_MAP(FAKE_STATUS_MESSAGE_)
#undef FAKE_STATUS_MESSAGE_
  }
  return "unknown status";
}

std::string find(const smsdrv_request& r, const std::string& key) {
  for (uint32_t i = 0; i < r.count; ++i)
    if (key == r.keys[i]) return r.values[i];
  return {};
}

int64_t number(const std::string& s, int64_t fallback = 0) {
  return s.empty() ? fallback : std::strtoll(s.c_str(), nullptr, 10);
}

thread_local std::string init_error;

}  // namespace

struct smsdrv_driver {
  smsdrv_host host{};
  std::string app_name;

  std::mutex mutex;
  std::condition_variable wake;
  std::multimap<clock_type::time_point, fake_event> scheduled;
  std::deque<std::pair<uint64_t, fake_event>> ready;  // (event id, event)
  std::map<uint64_t, std::string> unanswered_never;   // request id -> channel
  std::set<uint64_t> awaiting_ack;
  std::set<std::string> channels;
  std::set<std::string> holding;  // channels whose section has fake-hold
  std::map<std::thread::id, std::string> errors;
  polled_event current;
  uint64_t next_request_id = 1;
  uint64_t next_event_id = 1;
  int64_t queue_full_left = 0;
  int64_t queue_full_refused = 0;
  uint64_t acked = 0;
  bool host_saw_empty = true;
  bool stopping = false;
  bool shut_down = false;
  std::thread worker;

  void log(int32_t level, const std::string& channel, const std::string& message) {
    if (host.log != nullptr) host.log(host.context, level, channel.c_str(), message.c_str());
  }

  int32_t fail(int32_t status, std::string text) {
    std::lock_guard lock(mutex);
    errors[std::this_thread::get_id()] = std::move(text);
    return status;
  }

  // Caller holds mutex. True when the host must be notified (after unlocking).
  bool push_ready(fake_event ev) {
    ready.emplace_back(next_event_id++, std::move(ev));
    const bool notify = host_saw_empty;
    host_saw_empty = false;
    return notify;
  }

  // Caller holds mutex. The channel's fake-never requests: answered SMSDRV_E_SHUT_DOWN now (by
  // the worker, which notifies the host).
  void answer_queued(const std::string& channel) {
    for (auto it = unanswered_never.begin(); it != unanswered_never.end();) {
      if (it->second != channel) {
        ++it;
        continue;
      }
      fake_event ev;
      ev.type = SMSDRV_EVENT_RESPONSE;
      ev.request_id = it->first;
      ev.channel = channel;
      ev.status = SMSDRV_E_SHUT_DOWN;
      ev.text = "the fake channel was replaced or removed before sending it";
      scheduled.emplace(clock_type::now(), std::move(ev));
      it = unanswered_never.erase(it);
    }
    wake.notify_one();
  }

  void notify_host() {
    if (host.notify != nullptr) host.notify(host.context);
  }

  void schedule(clock_type::duration delay, fake_event ev) {
    {
      std::lock_guard lock(mutex);
      scheduled.emplace(clock_type::now() + delay, std::move(ev));
    }
    wake.notify_one();
  }

  void run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      bool notify = false;
      const auto now = clock_type::now();
      while (!scheduled.empty() && scheduled.begin()->first <= now) {
        notify = push_ready(std::move(scheduled.begin()->second)) || notify;
        scheduled.erase(scheduled.begin());
      }
      if (notify) {
        lock.unlock();
        notify_host();
        lock.lock();
        continue;
      }
      if (scheduled.empty())
        wake.wait(lock);
      else
        wake.wait_until(lock, scheduled.begin()->first);
    }
  }
};

namespace {

int32_t fake_init(const smsdrv_host* host, smsdrv_driver** out) {
  if (out == nullptr) return SMSDRV_E_INVALID_ARGUMENT;
  *out = nullptr;
  if (host == nullptr || host->struct_size < sizeof(uint32_t) + sizeof(void*)) {
    init_error = "init: host is missing or too small";
    return SMSDRV_E_ABI_MISMATCH;
  }
  auto* d = new (std::nothrow) smsdrv_driver;
  if (d == nullptr) return SMSDRV_E_INTERNAL;
  // The common prefix of the host's struct; fields past its struct_size stay zero.
  std::copy_n(reinterpret_cast<const unsigned char*>(host),
              std::min<size_t>(host->struct_size, sizeof(smsdrv_host)),
              reinterpret_cast<unsigned char*>(&d->host));
  d->host.struct_size = sizeof(smsdrv_host);
  if (d->host.application_name != nullptr) d->app_name = d->host.application_name;
  d->host.application_name = nullptr;
  d->worker = std::thread([d] { d->run(); });
  d->log(SMSDRV_LOG_INFO, "", "fake: init app=" + d->app_name);
  *out = d;
  return SMSDRV_OK;
}

int32_t fake_configure(smsdrv_driver* d, const smsdrv_section* s) {
  if (d == nullptr || s == nullptr || s->name == nullptr) return SMSDRV_E_INVALID_ARGUMENT;
  const std::string name = s->name;
  const std::string source = s->source != nullptr ? s->source : "?";
  for (uint32_t i = 0; i < s->count; ++i) {
    if (std::string(s->keys[i]) == "fake-refuse") {
      const std::string line = s->lines != nullptr ? std::to_string(s->lines[i]) : "?";
      return d->fail(SMSDRV_E_BAD_CONFIG, source + ":" + line + ": [" + name +
                                              "] fake-refuse = \"" + s->values[i] +
                                              "\": refused as asked (rule: the fake driver "
                                              "refuses every section with fake-refuse)");
    }
  }
  if (name.rfind("channel-", 0) == 0) {
    bool hold = false;
    for (uint32_t i = 0; i < s->count; ++i)
      hold = hold || std::string(s->keys[i]) == "fake-hold";
    {
      std::lock_guard lock(d->mutex);
      if (d->shut_down) return SMSDRV_E_SHUT_DOWN;
      if (hold)
        d->holding.insert(name);
      else
        d->holding.erase(name);
      if (!d->channels.insert(name).second) {
#ifdef FAKE_ABI_1_2
        d->answer_queued(name);
        d->log(SMSDRV_LOG_INFO, name, "fake: replaced [" + name + "]");
        return SMSDRV_OK;  // the "bound" of the first instance stands for the new one
#else
        d->errors[std::this_thread::get_id()] = "[" + name + "] is already configured";
        return SMSDRV_E_ALREADY_CONFIGURED;
#endif
      }
    }
    fake_event ev;
    ev.type = SMSDRV_EVENT_CHANNEL_STATE;
    ev.channel = name;
    ev.text = "bound";
    ev.attrs = {{"state", "bound"}};
    d->schedule({}, std::move(ev));
  }
  d->log(
      SMSDRV_LOG_INFO, "",
      "fake: configured [" + name + "] options=" + std::to_string(s->count) + " source=" + source);
  return SMSDRV_OK;
}

int32_t fake_send(smsdrv_driver* d, const smsdrv_request* r, uint64_t* request_id) {
  if (d == nullptr || r == nullptr || r->channel == nullptr || r->request == nullptr)
    return SMSDRV_E_INVALID_ARGUMENT;
  const std::string request = r->request;
  const std::string channel = r->channel;
  uint64_t id = 0;
  int64_t refused_before = 0;
  {
    std::lock_guard lock(d->mutex);
    if (d->stopping || d->shut_down) {
      d->errors[std::this_thread::get_id()] = "the fake is shutting down";
      return SMSDRV_E_SHUT_DOWN;
    }
    if (d->channels.count(channel) == 0) {
      d->errors[std::this_thread::get_id()] = "no channel " + channel;
      return SMSDRV_E_UNKNOWN_CHANNEL;
    }
    if (d->queue_full_left > 0) {
      --d->queue_full_left;
      ++d->queue_full_refused;
      d->errors[std::this_thread::get_id()] = "queue full (scripted)";
      return SMSDRV_E_QUEUE_FULL;
    }
    if (request != "SendSMS" && request != "FakeControl" && request != "FakeInbound" &&
        request != "FakeState") {
      d->errors[std::this_thread::get_id()] =
          "request \"" + request +
          "\" is not handled by the fake driver (SendSMS, FakeControl, FakeInbound, FakeState)";
      return SMSDRV_E_UNSUPPORTED_REQUEST;
    }
    if (request == "SendSMS" && find(*r, "_smsDestNumber").empty()) {
      d->errors[std::this_thread::get_id()] = "userData._smsDestNumber is required";
      return SMSDRV_E_BAD_REQUEST;
    }
    id = d->next_request_id++;
    refused_before = std::exchange(d->queue_full_refused, 0);
  }
  if (request_id != nullptr) *request_id = id;

  fake_event response;
  response.type = SMSDRV_EVENT_RESPONSE;
  response.request_id = id;
  response.channel = channel;
  // Delays the response of SendSMS, the inbound events of FakeInbound.
  const auto delay = std::chrono::milliseconds(number(find(*r, "fake-delay-ms")));
  auto response_delay = clock_type::duration::zero();

  if (request == "FakeControl") {
    std::lock_guard lock(d->mutex);
    d->queue_full_left = number(find(*r, "queue-full"));
  } else if (request == "FakeInbound") {
    fake_event in;
    in.type = SMSDRV_EVENT_INBOUND;
    in.channel = channel;
    in.flags = SMSDRV_EVENT_NEEDS_ACK;
    in.attrs.emplace_back("MediaType", "smssession");
    for (uint32_t i = 0; i < r->count; ++i)
      if (std::string(r->keys[i]).rfind("fake-", 0) != 0)
        in.attrs.emplace_back(r->keys[i], r->values[i]);
    const int64_t copies = number(find(*r, "fake-count"), 1);
    for (int64_t i = 0; i < copies; ++i)
      d->schedule(delay, in);
  } else if (request == "FakeState") {
    fake_event st;
    st.type = SMSDRV_EVENT_CHANNEL_STATE;
    st.channel = channel;
    st.status = static_cast<int32_t>(number(find(*r, "fake-status")));
    st.text = find(*r, "fake-text");
    d->schedule({}, std::move(st));
  } else {  // SendSMS
    response.attrs = {{"_smsMessageId", "fake-" + std::to_string(id)},
                      {"_smsSegments", "1"},
                      {"fake-queue-full-refusals", std::to_string(refused_before)}};
    if (find(*r, "fake-echo") == "true")
      for (uint32_t i = 0; i < r->count; ++i)
        response.attrs.emplace_back(std::string("echo.") + r->keys[i], r->values[i]);
    if (const auto status = find(*r, "fake-status"); !status.empty()) {
      response.status = static_cast<int32_t>(number(status));
      response.text = "fake failure as asked";
      response.attrs.clear();
    }
    response_delay = delay;
    bool held = find(*r, "fake-never") == "true";
    if (!held) {
      std::lock_guard lock(d->mutex);
      held = d->holding.count(channel) != 0;
    }
    if (held) {
      std::lock_guard lock(d->mutex);
      d->unanswered_never.emplace(id, channel);
      return SMSDRV_OK;
    }
    if (const auto stat = find(*r, "fake-report"); !stat.empty()) {
      fake_event report;
      report.type = SMSDRV_EVENT_DELIVERY_REPORT;
      report.request_id = find(*r, "fake-report-orphan") == "true" ? 0 : id;
      report.channel = channel;
      report.attrs = {
          {"_smsMessageId", "fake-" + std::to_string(id)}, {"stat", stat}, {"err", "000"}};
      d->schedule(delay, std::move(response));
      d->schedule(delay + std::chrono::milliseconds(1), std::move(report));
      return SMSDRV_OK;
    }
  }
  d->schedule(response_delay, std::move(response));
  return SMSDRV_OK;
}

int32_t fake_poll(smsdrv_driver* d, smsdrv_event* out) {
  if (d == nullptr || out == nullptr) return SMSDRV_E_INVALID_ARGUMENT;
  if (out->struct_size < sizeof(smsdrv_event)) return SMSDRV_E_ABI_MISMATCH;
  std::lock_guard lock(d->mutex);
  if (d->ready.empty()) {
    d->host_saw_empty = true;
    return 0;
  }
  auto [event_id, ev] = std::move(d->ready.front());
  d->ready.pop_front();
  polled_event& p = d->current;
  p.ev = std::move(ev);
  p.keys.clear();
  p.values.clear();
  for (const auto& [k, v] : p.ev.attrs) {
    p.keys.push_back(k.c_str());
    p.values.push_back(v.c_str());
  }
  out->type = p.ev.type;
  out->event_id = event_id;
  out->request_id = p.ev.request_id;
  out->channel = p.ev.channel.c_str();
  out->status = p.ev.status;
  out->text = p.ev.text.c_str();
  out->count = static_cast<uint32_t>(p.keys.size());
  out->keys = p.keys.data();
  out->values = p.values.data();
  out->flags = p.ev.flags;
  if ((p.ev.flags & SMSDRV_EVENT_NEEDS_ACK) != 0) d->awaiting_ack.insert(event_id);
  return 1;
}

int32_t fake_ack(smsdrv_driver* d, uint64_t event_id, int32_t disposition) {
  if (d == nullptr) return SMSDRV_E_INVALID_ARGUMENT;
  {
    std::lock_guard lock(d->mutex);
    if (d->awaiting_ack.erase(event_id) == 0) {
      d->errors[std::this_thread::get_id()] =
          "event " + std::to_string(event_id) + " awaits no ack";
      return SMSDRV_E_UNKNOWN_EVENT;
    }
    if (disposition == SMSDRV_OK) ++d->acked;
  }
  d->log(SMSDRV_LOG_INFO, "",
         "fake: ack event=" + std::to_string(event_id) +
             " disposition=" + std::to_string(disposition));
  return SMSDRV_OK;
}

int32_t fake_shutdown(smsdrv_driver* d, uint32_t drain_timeout_ms) {
  if (d == nullptr) return SMSDRV_E_INVALID_ARGUMENT;
  {
    std::unique_lock lock(d->mutex);
    if (d->shut_down) return SMSDRV_OK;
    d->stopping = true;
    // Wait for scheduled responses due within the drain time.
    const auto until = clock_type::now() + std::chrono::milliseconds(drain_timeout_ms);
    auto responses_due = [&] {
      return std::any_of(d->scheduled.begin(), d->scheduled.end(), [&](const auto& s) {
        return s.second.type == SMSDRV_EVENT_RESPONSE && s.first <= until;
      });
    };
    while (responses_due() && clock_type::now() < until) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      lock.lock();
    }
  }
  d->wake.notify_one();
  d->worker.join();
  uint64_t acked = 0;
  size_t awaiting = 0;
  {
    std::lock_guard lock(d->mutex);
    // Exactly one response per accepted send, whatever happens.
    for (auto& [due, ev] : d->scheduled) {
      if (ev.type != SMSDRV_EVENT_RESPONSE) continue;
      ev.status = SMSDRV_E_SHUT_DOWN;
      ev.text = "the fake driver shut down before answering";
      ev.attrs.clear();
      d->push_ready(std::move(ev));
    }
    d->scheduled.clear();
    for (const auto& [id, channel] : d->unanswered_never) {
      fake_event ev;
      ev.type = SMSDRV_EVENT_RESPONSE;
      ev.request_id = id;
      ev.channel = channel;
      ev.status = SMSDRV_E_SHUT_DOWN;
      ev.text = "the fake driver shut down before answering";
      d->push_ready(std::move(ev));
    }
    d->unanswered_never.clear();
    for (const auto& channel : d->channels) {
      fake_event ev;
      ev.type = SMSDRV_EVENT_CHANNEL_STATE;
      ev.channel = channel;
      ev.status = SMSDRV_E_SHUT_DOWN;
      ev.text = "unbound";
      ev.attrs = {{"state", "unbound"}};
      d->push_ready(std::move(ev));
    }
    d->shut_down = true;
    acked = d->acked;
    awaiting = d->awaiting_ack.size();
  }
  d->log(SMSDRV_LOG_INFO, "",
         "fake: shutdown (unbind) acked=" + std::to_string(acked) +
             " awaiting-ack=" + std::to_string(awaiting));
  return SMSDRV_OK;
}

#ifdef FAKE_ABI_1_2
int32_t fake_remove_channel(smsdrv_driver* d, const char* channel, uint32_t) {
  if (d == nullptr || channel == nullptr) return SMSDRV_E_INVALID_ARGUMENT;
  const std::string name = channel;
  {
    std::lock_guard lock(d->mutex);
    if (d->channels.erase(name) == 0) {
      d->errors[std::this_thread::get_id()] = "no channel " + name;
      return SMSDRV_E_UNKNOWN_CHANNEL;
    }
    d->holding.erase(name);
    d->answer_queued(name);
    fake_event ev;
    ev.type = SMSDRV_EVENT_CHANNEL_STATE;
    ev.channel = name;
    ev.status = SMSDRV_E_SHUT_DOWN;
    ev.text = "removed";
    ev.attrs = {{"state", "shut-down"}};
    d->scheduled.emplace(clock_type::now() + std::chrono::milliseconds(1), std::move(ev));
  }
  d->log(SMSDRV_LOG_INFO, name, "fake: removed [" + name + "]");
  return SMSDRV_OK;
}
#endif

void fake_destroy(smsdrv_driver* d) {
  if (d == nullptr) return;
  fake_shutdown(d, 0);
  delete d;
}

const char* fake_last_error(const smsdrv_driver* d) {
  if (d == nullptr) return init_error.c_str();
  auto* m = const_cast<smsdrv_driver*>(d);
  std::lock_guard lock(m->mutex);
  return m->errors[std::this_thread::get_id()].c_str();
}

// ABI 1.0: the table ends after status_message (no metrics), as a module built before 1.1 has
// it; dms-stub must work with it. ABI 1.2 (FAKE_ABI_1_2): metrics NULL (the host must check the
// pointer too), remove_channel set.
const smsdrv_driver_api fake_api = {
#ifdef FAKE_ABI_1_2
    SMSDRV_DRIVER_API_SIZE_1_2,
    (SMSDRV_ABI_MAJOR << 16) | 2u,
#else
    SMSDRV_DRIVER_API_SIZE_1_0,
    (SMSDRV_ABI_MAJOR << 16) | 0u,
#endif
    FAKE_DRIVER_NAME,
    "0.0.1-fake",
    fake_init,
    fake_configure,
    fake_send,
    fake_poll,
    fake_ack,
    fake_shutdown,
    fake_destroy,
    fake_last_error,
    status_name_of,
    status_message_of,
    nullptr,  // metrics: past a 1.0 struct_size, never read; NULL in 1.2: no metrics
#ifdef FAKE_ABI_1_2
    fake_remove_channel,
#else
    nullptr,
#endif
};

}  // namespace

extern "C" SMSDRV_EXPORT const smsdrv_driver_api* smsdrv_driver_entry(uint32_t host_abi_version) {
  if (SMSDRV_ABI_VERSION_MAJOR_OF(host_abi_version) != SMSDRV_ABI_MAJOR) return nullptr;
  return &fake_api;
}
