// The samples of smsdrv_driver_api::metrics() (ABI 1.1, docs/metrics.md): every channel's
// channel_metrics snapshot as C structs, families in a fixed order, each family's samples
// adjacent so that a host can write the Prometheus text format in one pass.
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "channel/channel_metrics.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::abi {

struct channel_metrics_source {
  std::string channel;
  std::shared_ptr<const channel::channel_metrics> metrics;
  const std::atomic<std::size_t>* queue_depth = nullptr;  // accepted, not yet answered
  std::size_t queue_capacity = 0;                         // x-smpp-queue-size
};

class metrics_export {
 public:
  // Takes a snapshot of every channel and points out at it. What out points to stays valid until
  // the next fill() on this object.
  void fill(std::span<const channel_metrics_source> channels, smsdrv_metrics& out);

 private:
  std::deque<std::string> strings_;  // label values made up for this snapshot (stable addresses)
  std::vector<smsdrv_metric> samples_;
  std::vector<const smsdrv_metric*> pointers_;
};

}  // namespace smsdrv::abi
