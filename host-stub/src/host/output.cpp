#include "host/output.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace smsdrv::host {

output::output(int fd) : fd_(fd) {
  buffer_.reserve(64 * 1024);
}

bool output::flush() {
  const char* p = buffer_.data();
  size_t left = lost_ ? 0 : buffer_.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n > 0) {
      p += n;
      left -= static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Someone handed us a non-blocking stdout: wait until it drains.
      pollfd pfd{fd_, POLLOUT, 0};
      ::poll(&pfd, 1, -1);
    } else {
      lost_ = true;
      break;
    }
  }
  buffer_.clear();
  return !lost_;
}

}  // namespace smsdrv::host
