// The hand-over from the host's threads to a runner on the I/O thread: requests and
// acknowledgements queue under one short lock, and one drain is posted to the I/O thread for
// however many arrive before it runs (one wake-up a batch, not one a request). The I/O thread
// takes the whole batch at once by swapping vectors, so that neither side allocates once both
// have grown to the flow's size.
//
// Threads: put() and ack() from any thread; take() on the I/O thread. The owner posts the drain
// when put() or ack() says so, and calls take() from it: nothing is lost between a take() and the
// next put(), as the pending flag is cleared under the same lock.
#pragma once

#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace smsdrv::io {

template <class Request>
class host_inbox {
 public:
  using ack = std::pair<std::uint64_t, std::int32_t>;  // ack id, disposition

  // Any thread. True when the caller is to post the drain (none is pending).
  bool put(Request&& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
    return !std::exchange(drain_posted_, true);
  }
  // The same, running `also()` under the lock, e.g. to hand the caller recycled buffers
  // kept with with_lock().
  template <class Also>
  bool put(Request&& request, Also&& also) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
    also();
    return !std::exchange(drain_posted_, true);
  }
  bool put_ack(std::uint64_t ack_id, std::int32_t disposition) {
    std::lock_guard lock(mutex_);
    acks_.emplace_back(ack_id, disposition);
    return !std::exchange(drain_posted_, true);
  }

  // I/O thread: everything queued so far, into `requests` and `acks` (emptied by the caller
  // after use: their capacity comes back at the next take()).
  void take(std::vector<Request>& requests, std::vector<ack>& acks) {
    std::lock_guard lock(mutex_);
    requests.swap(requests_);
    acks.swap(acks_);
    drain_posted_ = false;
  }

  // Runs `f` under the inbox's lock (state the host side and the I/O thread share with it).
  template <class F>
  void with_lock(F&& f) {
    std::lock_guard lock(mutex_);
    f();
  }

 private:
  std::mutex mutex_;
  std::vector<Request> requests_;
  std::vector<ack> acks_;
  bool drain_posted_ = false;
};

}  // namespace smsdrv::io
