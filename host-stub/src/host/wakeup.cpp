#include "host/wakeup.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace smsdrv::host {

wakeup::wakeup() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

wakeup::~wakeup() {
  ::close(fd_);
}

void wakeup::signal() const noexcept {
  const uint64_t one = 1;
  // EAGAIN means the counter is saturated, i.e. already signalled.
  while (::write(fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void wakeup::clear() const noexcept {
  uint64_t count = 0;
  while (::read(fd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
}

}  // namespace smsdrv::host
