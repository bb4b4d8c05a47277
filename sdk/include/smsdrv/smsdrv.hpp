// smsdrv.hpp - a thin, header-only C++ wrapper over smsdrv.h for hosts.
//
// It adds RAII (module unloads, driver destroyed), C++ types for the ABI's structs, and
// exceptions for the calls that cannot "try again". It adds no behaviour: every member is one
// call through the driver's function table, so the rules at the top of smsdrv.h apply unchanged.
//
//   smsdrv::module mod{"media-channel-drivers/channel-smsmms/libsmsmms.so"};
//   smsdrv::driver drv{mod, host};                 // host: a filled smsdrv_host
//   drv.configure(section);                        // throws smsdrv::error naming the problem
//   auto sent = drv.send("channel-sms1", "SendSMS", {{"_smsDestNumber", "4917..."}});
//   drv.send("channel-sms1", "SendMMS", {{"_smsDestNumber", "4917..."}},
//            {{"image/jpeg", "photo.jpg", jpeg_bytes}});                 // ABI 1.2 parts
//   smsdrv::event ev;
//   while (drv.poll(ev)) { ... ev.attribute("_smsMessageId") ... }
//   if (auto m = drv.metrics()) for (const auto& sample : *m) { ... }   // ABI 1.1 drivers
#ifndef SMSDRV_HPP
#define SMSDRV_HPP

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smsdrv/smsdrv.h"
#include "smsdrv/status.hpp"  // smsdrv::status_name / status_message, for hosts without a driver

namespace smsdrv {

// A failed call: the status code and the driver's explanation.
class error : public std::runtime_error {
 public:
  error(int32_t status, const std::string& what) : std::runtime_error(what), status_(status) {}
  int32_t status() const noexcept { return status_; }

 private:
  int32_t status_;
};

// One loaded driver module (dlopen RTLD_NOW | RTLD_LOCAL). Unloads on destruction, so it must
// outlive every driver created from it.
class module {
 public:
  explicit module(const std::string& path) {
    handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      const char* why = ::dlerror();
      throw error(SMSDRV_E_INVALID_ARGUMENT,
                  "cannot load driver module " + path + ": " + (why ? why : "unknown error"));
    }
    auto entry = reinterpret_cast<smsdrv_entry_fn>(::dlsym(handle_, SMSDRV_ENTRY_SYMBOL));
    if (entry == nullptr) {
      ::dlclose(handle_);
      throw error(SMSDRV_E_INVALID_ARGUMENT,
                  "driver module " + path + " does not export " SMSDRV_ENTRY_SYMBOL);
    }
    api_ = entry(SMSDRV_ABI_VERSION);
    if (api_ != nullptr && (api_->struct_size < SMSDRV_DRIVER_API_SIZE_1_0 ||
                            SMSDRV_ABI_VERSION_MAJOR_OF(api_->abi_version) != SMSDRV_ABI_MAJOR))
      api_ = nullptr;  // a table smaller than ABI 1.0's, or of another major version
    if (api_ == nullptr) {
      ::dlclose(handle_);
      throw error(SMSDRV_E_ABI_MISMATCH, "driver module " + path +
                                             " does not implement ABI major version " +
                                             std::to_string(SMSDRV_ABI_MAJOR));
    }
    path_ = path;
  }
  module(const module&) = delete;
  module& operator=(const module&) = delete;
  module(module&& other) noexcept :handle_(std::exchange(other.handle_, nullptr)),
      api_(std::exchange(other.api_, nullptr)), path_(std::move(other.path_)) {}
  module& operator=(module&&) = delete;
  ~module() {
    if (handle_ != nullptr) ::dlclose(handle_);
  }

  const smsdrv_driver_api& api() const noexcept { return *api_; }
  const std::string& path() const noexcept { return path_; }
  std::string_view name() const noexcept { return api_->driver_name ? api_->driver_name : ""; }

 private:
  void* handle_ = nullptr;
  const smsdrv_driver_api* api_ = nullptr;
  std::string path_;
};

// Key/value pairs for sections and requests; the wrapper builds the parallel arrays.
using key_values = std::vector<std::pair<std::string, std::string>>;

// A part of a multimedia message to send (ABI 1.2): viewed, not copied, until send() returns.
struct part {
  std::string_view content_type;
  std::string_view name;
  std::string_view bytes;
};

// A part of a polled event (ABI 1.2). Views into driver memory, like the event's strings.
struct event_part {
  std::string_view content_type;
  std::string_view name;
  std::string_view bytes;
};

// A polled event. Views into driver memory: valid until the next poll() on the driver.
struct event {
  smsdrv_event raw{};

  smsdrv_event_type type() const noexcept { return static_cast<smsdrv_event_type>(raw.type); }
  std::string_view channel() const noexcept { return raw.channel ? raw.channel : ""; }
  std::string_view text() const noexcept { return raw.text ? raw.text : ""; }
  bool needs_ack() const noexcept { return (raw.flags & SMSDRV_EVENT_NEEDS_ACK) != 0; }
  uint32_t size() const noexcept { return raw.count; }
  std::string_view key(uint32_t i) const noexcept { return raw.keys[i]; }
  std::string_view value(uint32_t i) const noexcept { return raw.values[i]; }
  std::optional<std::string_view> attribute(std::string_view name) const noexcept {
    for (uint32_t i = 0; i < raw.count; ++i)
      if (name == raw.keys[i]) return std::string_view(raw.values[i]);
    return std::nullopt;
  }
  // The parts of an inbound multimedia message (ABI 1.2 drivers; none from older ones). Each is
  // read by the prefix its struct_size covers.
  std::vector<event_part> parts() const {
    std::vector<event_part> out;
    if (raw.parts == nullptr) return out;
    out.reserve(raw.part_count);
    for (uint32_t i = 0; i < raw.part_count && raw.parts[i] != nullptr; ++i) {
      smsdrv_part p{};
      std::memcpy(&p, raw.parts[i], std::min<size_t>(raw.parts[i]->struct_size, sizeof p));
      out.push_back({p.content_type ? p.content_type : "", p.name ? p.name : "",
                     std::string_view(reinterpret_cast<const char*>(p.data),
                                      p.data ? static_cast<size_t>(p.size) : 0)});
    }
    return out;
  }
};

// One metric sample (ABI 1.1), copied out of the driver's snapshot.
struct metric_sample {
  smsdrv_metric_kind kind = SMSDRV_METRIC_COUNTER;
  std::string family, name, help, channel, label_name, label_value;
  double value = 0;
};

// The outcome of send(): status SMSDRV_OK with an id, SMSDRV_E_QUEUE_FULL (try again), or a
// refusal with the driver's explanation.
struct send_result {
  int32_t status = SMSDRV_OK;
  uint64_t request_id = 0;
  std::string error;
  explicit operator bool() const noexcept { return status == SMSDRV_OK; }
};

class driver {
 public:
  driver(const module& mod, const smsdrv_host& host) : api_(&mod.api()) {
    smsdrv_host copy = host;
    copy.struct_size = sizeof(smsdrv_host);
    int32_t st = api_->init(&copy, &handle_);
    if (st != SMSDRV_OK) throw error(st, explain(nullptr, st));
  }
  driver(const driver&) = delete;
  driver& operator=(const driver&) = delete;
  ~driver() {
    if (handle_ != nullptr) api_->destroy(handle_);
  }

  // Throws smsdrv::error with every problem the driver found.
  void configure(const std::string& name, const key_values& options, const std::string& source = {},
                 const std::vector<uint32_t>& lines = {}) {
    arrays a(options);
    smsdrv_section s{};
    s.struct_size = sizeof s;
    s.name = name.c_str();
    s.count = static_cast<uint32_t>(options.size());
    s.keys = a.keys.data();
    s.values = a.values.data();
    s.source = source.empty() ? nullptr : source.c_str();
    s.lines = lines.size() == options.size() && !lines.empty() ? lines.data() : nullptr;
    int32_t st = api_->configure(handle_, &s);
    if (st != SMSDRV_OK) throw error(st, explain(handle_, st));
  }

  send_result send(const std::string& channel, const std::string& request,
                   const key_values& user_data, const std::vector<part>& parts = {}) {
    arrays a(user_data);
    smsdrv_request r{};
    r.struct_size = sizeof r;
    r.channel = channel.c_str();
    r.request = request.c_str();
    r.count = static_cast<uint32_t>(user_data.size());
    r.keys = a.keys.data();
    r.values = a.values.data();
    // Parts need NUL-terminated strings: the names and types are copied, the bytes are not.
    std::vector<std::string> texts;
    texts.reserve(2 * parts.size());
    std::vector<smsdrv_part> structs(parts.size());
    std::vector<const smsdrv_part*> pointers;
    pointers.reserve(parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      texts.emplace_back(parts[i].content_type);
      const char* type = texts.back().c_str();
      texts.emplace_back(parts[i].name);
      structs[i].struct_size = sizeof(smsdrv_part);
      structs[i].content_type = type;
      structs[i].name = texts.back().c_str();
      structs[i].data = reinterpret_cast<const uint8_t*>(parts[i].bytes.data());
      structs[i].size = parts[i].bytes.size();
      pointers.push_back(&structs[i]);
    }
    r.part_count = static_cast<uint32_t>(parts.size());
    r.parts = pointers.empty() ? nullptr : pointers.data();
    send_result out;
    out.status = api_->send(handle_, &r, &out.request_id);
    if (out.status != SMSDRV_OK) out.error = explain(handle_, out.status);
    return out;
  }

  // True when an event was taken into ev.
  bool poll(event& ev) {
    ev.raw = smsdrv_event{};
    ev.raw.struct_size = sizeof(smsdrv_event);
    int32_t st = api_->poll(handle_, &ev.raw);
    if (st < 0) throw error(st, explain(handle_, st));
    return st == 1;
  }

  int32_t ack(uint64_t event_id, int32_t disposition = SMSDRV_OK) {
    return api_->ack(handle_, event_id, disposition);
  }

  int32_t shutdown(uint32_t drain_timeout_ms) { return api_->shutdown(handle_, drain_timeout_ms); }

  // True when the driver can remove a channel and replace one by configuring it again (ABI 1.2).
  bool has_remove_channel() const noexcept { return SMSDRV_API_HAS(api_, remove_channel); }

  // Stops and forgets a channel (smsdrv.h). Throws smsdrv::error when the driver refuses, and
  // when it has no remove_channel (ABI 1.1 or older: SMSDRV_E_UNSUPPORTED_REQUEST).
  void remove_channel(const std::string& channel, uint32_t drain_timeout_ms) {
    if (!has_remove_channel())
      throw error(SMSDRV_E_UNSUPPORTED_REQUEST,
                  "SMSDRV_E_UNSUPPORTED_REQUEST: the driver cannot remove a channel (driver ABI "
                  "before 1.2); restart the host instead");
    int32_t st = api_->remove_channel(handle_, channel.c_str(), drain_timeout_ms);
    if (st != SMSDRV_OK) throw error(st, explain(handle_, st));
  }

  // True when the driver reports metrics (ABI 1.1 and later).
  bool has_metrics() const noexcept { return SMSDRV_API_HAS(api_, metrics); }

  // Every sample of the driver's metrics; nullopt for a driver without metrics (ABI 1.0).
  // Throws smsdrv::error when the call fails. Samples written by a newer driver are read by
  // their common prefix.
  std::optional<std::vector<metric_sample>> metrics() {
    if (!has_metrics()) return std::nullopt;
    smsdrv_metrics m{};
    m.struct_size = sizeof m;
    int32_t st = api_->metrics(handle_, &m);
    if (st != SMSDRV_OK) throw error(st, explain(handle_, st));
    std::vector<metric_sample> out;
    out.reserve(m.count);
    for (uint32_t i = 0; i < m.count && m.samples[i] != nullptr; ++i) {
      smsdrv_metric raw{};
      std::memcpy(&raw, m.samples[i], std::min<size_t>(m.samples[i]->struct_size, sizeof raw));
      auto text = [](const char* s) { return std::string(s != nullptr ? s : ""); };
      out.push_back({static_cast<smsdrv_metric_kind>(raw.kind), text(raw.family), text(raw.name),
                     text(raw.help), text(raw.channel), text(raw.label_name), text(raw.label_value),
                     raw.value});
    }
    return out;
  }

  std::string last_error() const { return api_->last_error(handle_); }
  const smsdrv_driver_api& api() const noexcept { return *api_; }
  smsdrv_driver* handle() const noexcept { return handle_; }

 private:
  struct arrays {
    std::vector<const char*> keys, values;
    explicit arrays(const key_values& kv) {
      keys.reserve(kv.size());
      values.reserve(kv.size());
      for (const auto& [k, v] : kv) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
      }
    }
  };

  std::string explain(const smsdrv_driver* h, int32_t st) const {
    std::string detail = api_->last_error(h);
    std::string text = api_->status_name(st);
    text += ": ";
    text += detail.empty() ? api_->status_message(st) : detail;
    return text;
  }

  const smsdrv_driver_api* api_;
  smsdrv_driver* handle_ = nullptr;
};

}  // namespace smsdrv

#endif  // SMSDRV_HPP
