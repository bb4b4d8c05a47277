// What an smsdrv_driver handle is: the host's callbacks, the configured channels, the event
// queue and the I/O runtime. Every public member implements one function of the ABI table
// (entry.cpp wraps them in noexcept thunks) and follows smsdrv.h's rules.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "abi/event_queue.hpp"
#include "abi/metrics_export.hpp"
#include "channel/composer.hpp"
#include "channel/failover_router.hpp"
#include "channel/http_composer.hpp"
#include "config/channel_settings.hpp"
#include "config/driver_settings.hpp"
#include "config/validate.hpp"
#include "io/driver_runtime.hpp"
#include "mm7/mms_composer.hpp"
#include "mm7/settings.hpp"
#include "smsdrv/smsdrv.h"
#include "util/log_sink.hpp"

namespace smsdrv::abi {

// The driver behind the C ABI. entry.cpp has checked every struct_size and hands in copies read
// by it; poll() and metrics() fill the host's struct by its struct_size (struct_prefix.hpp).
class driver_instance : public io::event_sink, public log_sink {
 public:
  explicit driver_instance(const smsdrv_host& host);
  ~driver_instance() override;

  std::int32_t configure(const smsdrv_section& section);
  std::int32_t remove_channel(std::string_view name, std::uint32_t drain_timeout_ms);
  std::int32_t send(const smsdrv_request& request, std::uint64_t* request_id);
  std::int32_t poll(smsdrv_event& event);
  std::int32_t ack(std::uint64_t event_id, std::int32_t disposition);
  std::int32_t shutdown(std::uint32_t drain_timeout_ms);
  std::int32_t metrics(smsdrv_metrics& out);

  // log_sink
  bool enabled(log_level level) const noexcept override;
  void write(log_level level, std::string_view channel, std::string_view message) override;
  std::shared_ptr<const privacy::masking> masking() const override;
  // io::event_sink
  void push(void* key, std::vector<channel::channel_event>& events) override;
  void reclaim(std::vector<channel::attributes>& out, std::size_t limit) override;

 private:
  struct channel_entry {
    std::string name;
    config::channel_settings settings;
    std::unique_ptr<channel::composer> composer;
    std::unique_ptr<channel::http_composer> http_composer;  // x-gateway-type = http
    io::channel_handle* handle = nullptr;
    std::size_t queue_size = 0;
    std::atomic<std::size_t> open{0};  // accepted by send(), RESPONSE not yet produced
    std::shared_ptr<channel::channel_metrics> metrics;
    std::optional<mm7::mms_settings> mms;  // x-jsms-config-file, read when configured
    std::unique_ptr<mm7::mms_composer> mms_composer;
    io::mms_handle* mms_handle = nullptr;
    // Replaced by a new instance of the channel (configure() again): its CHANNEL_STATE events
    // are logged, not reported; the new instance's are.
    std::atomic<bool> replaced{false};
  };
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::int32_t configure_channel(const smsdrv_section& section);
  std::int32_t send_mms(channel_entry& ch, const smsdrv_request& request,
                        const std::vector<smsdrv_part>& parts, std::uint64_t* request_id);
  std::int32_t configure_http_channel(const config::section_view& section,
                                      config::channel_settings settings);
  std::int32_t send_http(channel_entry& ch, const channel_entry& origin, channel::user_data data,
                         std::uint64_t* request_id);
  // x-failover-channel: the route of a channel that names another, probes of HTTP gateways
  // while the other channel carries (I/O thread), and events for a route's channel.
  void add_failover_route(const channel_entry& ch);
  void probe_gateways();
  void push_routed(std::vector<channel::failover_router::origin_events>& list);
  // x-failover-channel: a copy of the user data in `kept` when `ch` carries its own request
  // and has a failover channel (else `kept` is emptied).
  static void keep_user_data(const channel_entry& ch, const channel_entry& origin,
                             channel::user_data data, channel::kept_user_data& kept);
  // x-failover-channel: at a switch, the requests waiting unsent in `origin`'s queue go through
  // `carrier` (I/O thread).
  void move_unsent(channel_entry& origin, channel_entry& carrier);
  void resubmit_unsent(channel_entry& origin, channel_entry& carrier, channel::unsent_request& u,
                       std::vector<channel::channel_event>& refused);
  // x-failover-channel: the request of `origin` goes through `carrier`.
  void hand_over(std::uint64_t request_id, const channel_entry& origin,
                 const channel_entry& carrier);
  // Makes the channel's counters the ones metrics() reports under its name.
  void publish_metrics(const channel_entry& entry);
  // Adds a configured channel, or replaces the one of the same name (which is retired).
  std::int32_t install(std::unique_ptr<channel_entry> entry);
  // Stops the channel's instance (io::driver_runtime::retire_channel, and retire_mms for its MMS
  // side with `mms_drain`) and keeps its entry in retired_ until both have finished and no event
  // of it is left with the host.
  void retire(std::unique_ptr<channel_entry> entry, std::chrono::milliseconds drain,
              std::chrono::milliseconds mms_drain);
  // Frees what retire() kept, once nothing refers to it any more. Host thread (configure,
  // remove_channel), so that no poll() or ack() runs meanwhile.
  void sweep_retired();
  std::int32_t configure_driver_wide(const smsdrv_section& section);
  std::int32_t fail(std::int32_t status, std::string text);
  channel_entry* find_channel(std::string_view name) const;
  io::driver_runtime& runtime();

  smsdrv_host host_{};
  std::string application_name_;
  log_level max_level_ = log_level::info;

  config::driver_settings driver_settings_;
  std::unordered_map<std::string, std::unique_ptr<channel_entry>, name_hash, std::equal_to<>>
      channels_;
  // Channels replaced or removed and still draining, or with events the host has not finished.
  std::vector<std::unique_ptr<channel_entry>> retired_;

  // Replaced as a whole by configure() while I/O threads read it.
  std::atomic<std::shared_ptr<const privacy::masking>> masking_;

  std::mutex metrics_mutex_;  // metrics() against configure() adding a channel
  std::vector<channel_metrics_source> metric_sources_;
  metrics_export metrics_export_;

  channel::failover_router routes_;  // x-failover-channel
  bool probe_ticker_ = false;
  std::vector<channel::failover_router::probe_due> probes_due_;  // I/O thread
  event_queue events_;
  std::unique_ptr<io::driver_runtime> runtime_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<std::uint64_t> next_request_id_{1};
};

// The explanation of the last failing call of this thread on `driver` ("" if none).
const char* last_error_of(const void* driver) noexcept;
// Records it (the ABI thunks and driver_instance::fail use it).
void set_last_error(const void* driver, std::string text) noexcept;

}  // namespace smsdrv::abi
