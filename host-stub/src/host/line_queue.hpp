// line_queue.hpp - complete JSON lines the reader thread wants written (its own answers to bad
// or refused requests), handed to the main thread, which alone writes stdout.
#ifndef SMSDRV_HOST_LINE_QUEUE_HPP
#define SMSDRV_HOST_LINE_QUEUE_HPP

#include <mutex>
#include <string>
#include <string_view>

namespace smsdrv::host {

class line_queue {
 public:
  void push(std::string_view lines) {
    std::lock_guard lock(mutex_);
    lines_ += lines;
  }
  // Appends everything queued to out and empties the queue.
  void take_into(std::string& out) {
    std::lock_guard lock(mutex_);
    out += lines_;
    lines_.clear();
  }

 private:
  std::mutex mutex_;
  std::string lines_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_LINE_QUEUE_HPP
