// runtime.hpp - what the reader thread and the main thread share while dms-stub serves.
//
// Threads: the reader thread parses stdin and calls send(); the main thread alone polls events,
// writes stdout, acknowledges, sends again what a reload answered SMSDRV_E_SHUT_DOWN, and
// reloads the options file, also for the console's settings page, whose thread hands it the
// change through tasks. The drivers' notify() and the reader wake the main thread through
// main_wake; the main thread stops the reader through reader_stop.
//
// The configuration lock: the reader holds it shared (using_config()) from looking a request's
// channel up until send() returns; a reload holds it exclusively (changing_config()) while it
// configures drivers and swaps channels and pii (smsdrv.h: configure() must not overlap
// send()). The main thread reads channels and pii without it. A reload waiting for it stops new
// readers at a gate, so that a steady stream of requests cannot keep it waiting.
#ifndef SMSDRV_HOST_RUNTIME_HPP
#define SMSDRV_HOST_RUNTIME_HPP

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "host/channel_plan.hpp"
#include "host/channel_status.hpp"
#include "host/cli.hpp"
#include "host/drivers.hpp"
#include "host/line_queue.hpp"
#include "host/logger.hpp"
#include "host/main_tasks.hpp"
#include "host/pii.hpp"
#include "host/request_table.hpp"
#include "host/test_messages.hpp"
#include "host/wakeup.hpp"

namespace smsdrv::host {

struct runtime {
  runtime(const run_options& o, const logger& l, driver_list& d, const channel_map& c,
          const wakeup& w)
      : options(o), log(l), drivers(d), channels(&c), main_wake(w), requests(d.size()), tasks(w) {}

  const run_options& options;
  const logger& log;
  driver_list& drivers;
  const channel_map* channels;     // replaced by a reload (config_mutex)
  const wakeup& main_wake;         // drivers' notify, reader's answers, end of input
  const pii_rules* pii = nullptr;  // [pii-rules], [pii-groups]: the PII requests' rules
  std::shared_lock<std::shared_mutex> using_config() {
    { std::lock_guard gate(config_gate_); }
    return std::shared_lock(config_mutex_);
  }
  std::pair<std::unique_lock<std::mutex>, std::unique_lock<std::shared_mutex>> changing_config() {
    std::unique_lock gate(config_gate_);
    return {std::move(gate), std::unique_lock(config_mutex_)};
  }
  request_table requests;
  line_queue lines;                     // the reader's own answers, written by the main thread
  wakeup reader_stop;                   // set once: the reader returns as soon as it sees it
  std::atomic<bool> input_done{false};  // the reader has returned
  std::atomic<bool> stopping{false};    // a signal or lost output: stop reading now
  channel_status status;                // the channels' last states, for the console
  test_messages tests;                  // the console's test SMS and their outcomes
  main_tasks tasks;                     // the console's settings changes, run by the main thread
  // Set by the main thread, under the configuration lock, when the drain begins: the console
  // sends nothing after it (smsdrv.h: shutdown() must not overlap send()).
  bool sends_closed = false;

 private:
  std::mutex config_gate_;
  std::shared_mutex config_mutex_;
};

// Tells rt.status which channels are served now (after the start and after each reload).
inline void publish_channels(runtime& rt) {
  std::vector<std::pair<std::string, std::string>> list;
  for (const auto& [name, entry] : *rt.channels)
    list.emplace_back(name, rt.drivers[entry.driver]->name);
  rt.status.set_channels(list);
}

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_RUNTIME_HPP
