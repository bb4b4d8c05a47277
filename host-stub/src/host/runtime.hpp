// runtime.hpp - what the reader thread and the main thread share while dms-stub serves.
//
// Threads: the reader thread parses stdin and calls send(); the main thread alone polls events,
// writes stdout and acknowledges. The drivers' notify() and the reader wake the main thread
// through main_wake; the main thread stops the reader through reader_stop.
#ifndef SMSDRV_HOST_RUNTIME_HPP
#define SMSDRV_HOST_RUNTIME_HPP

#include <atomic>

#include "host/channel_plan.hpp"
#include "host/cli.hpp"
#include "host/drivers.hpp"
#include "host/line_queue.hpp"
#include "host/logger.hpp"
#include "host/pii.hpp"
#include "host/request_table.hpp"
#include "host/wakeup.hpp"

namespace smsdrv::host {

struct runtime {
  runtime(const run_options& o, const logger& l, driver_list& d, const channel_map& c,
          const wakeup& w)
      : options(o), log(l), drivers(d), channels(c), main_wake(w), requests(d.size()) {}

  const run_options& options;
  const logger& log;
  driver_list& drivers;
  const channel_map& channels;     // read-only while serving: no lock needed
  const wakeup& main_wake;         // drivers' notify, reader's answers, end of input
  const pii_rules* pii = nullptr;  // [pii-rules], [pii-groups]: the PII requests' rules
  request_table requests;
  line_queue lines;                     // the reader's own answers, written by the main thread
  wakeup reader_stop;                   // set once: the reader returns as soon as it sees it
  std::atomic<bool> input_done{false};  // the reader has returned
  std::atomic<bool> stopping{false};    // a signal or lost output: stop reading now
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_RUNTIME_HPP
