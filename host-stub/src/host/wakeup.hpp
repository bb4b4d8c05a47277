// wakeup.hpp - an eventfd that other threads (and the drivers' notify callback) signal and one
// thread waits on. signal() is async-signal-safe, never blocks and never fails visibly.
#ifndef SMSDRV_HOST_WAKEUP_HPP
#define SMSDRV_HOST_WAKEUP_HPP

namespace smsdrv::host {

class wakeup {
 public:
  wakeup();  // throws std::system_error when no eventfd can be made
  ~wakeup();
  wakeup(const wakeup&) = delete;
  wakeup& operator=(const wakeup&) = delete;

  void signal() const noexcept;
  // Clears pending signals (non-blocking).
  void clear() const noexcept;
  // For poll(2): readable while signalled.
  int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_WAKEUP_HPP
