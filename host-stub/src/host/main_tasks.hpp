// main_tasks.hpp - work another thread (the console's) hands to dms-stub's main thread, which
// alone may change what is served (runtime.hpp). post() queues a task and wakes the main
// thread; the event loop runs the queued tasks at each turn, with serving = false once dms-stub
// is stopping, and close() runs what is left that way and refuses later tasks. So every task
// posted runs exactly once, or post() says it will not.
#ifndef SMSDRV_HOST_MAIN_TASKS_HPP
#define SMSDRV_HOST_MAIN_TASKS_HPP

#include <deque>
#include <functional>
#include <mutex>
#include <utility>

#include "host/wakeup.hpp"

namespace smsdrv::host {

class main_tasks {
 public:
  using task = std::function<void(bool serving)>;

  explicit main_tasks(const wakeup& wake) : wake_(wake) {}

  // Any thread. false: closed, the task was not taken.
  bool post(task t) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      queue_.push_back(std::move(t));
    }
    wake_.signal();
    return true;
  }

  // Main thread: runs every task queued so far.
  void run_all(bool serving) {
    std::deque<task> now;
    {
      std::lock_guard lock(mutex_);
      now.swap(queue_);
    }
    for (task& t : now)
      t(serving);
  }

  // Main thread, once: the rest run with serving = false; post() refuses from now on.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    run_all(false);
  }

 private:
  const wakeup& wake_;
  std::mutex mutex_;
  std::deque<task> queue_;
  bool closed_ = false;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_MAIN_TASKS_HPP
