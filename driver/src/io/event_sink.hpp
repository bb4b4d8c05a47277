// Where channels hand their events: the ABI layer's event queue. Called on the I/O thread.
#pragma once

#include <string_view>
#include <vector>

#include "channel/channel_event.hpp"

namespace smsdrv::io {

class event_sink {
 public:
  virtual ~event_sink() = default;
  // Takes the events (moves them out; the vector is left empty). `key` is the value given to
  // driver_runtime::add_channel for this channel.
  virtual void push(void* key, std::vector<channel::channel_event>& events) = 0;
  // Attribute lists of events the host is done with, emptied (their capacity kept), for the
  // channel to build new events into: moves at most `limit` of them onto `out`. A sink that
  // keeps none adds nothing.
  virtual void reclaim(std::vector<channel::attributes>& out, std::size_t limit) {
    (void)out;
    (void)limit;
  }
};

}  // namespace smsdrv::io
