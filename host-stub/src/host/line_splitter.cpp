#include "host/line_splitter.hpp"

namespace smsdrv::host {

char* line_splitter::space(size_t min_size) {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  // One byte more than asked, so that a last line without '\n' can still be NUL-terminated.
  if (buffer_.size() < end_ + min_size + 1) buffer_.resize(end_ + min_size + 1);
  return buffer_.data() + end_;
}

}  // namespace smsdrv::host
