// output.hpp - stdout as a batch buffer: events are appended, then written with as few write(2)
// calls as possible when the batch ends. Main thread only.
#ifndef SMSDRV_HOST_OUTPUT_HPP
#define SMSDRV_HOST_OUTPUT_HPP

#include <string>

namespace smsdrv::host {

class output {
 public:
  explicit output(int fd);

  std::string& buffer() noexcept { return buffer_; }
  bool full() const noexcept { return buffer_.size() >= flush_at; }

  // Writes the whole buffer (waiting while the reader is slow) and empties it. Returns false when
  // the output is gone (EPIPE or another write error); the buffer is dropped then.
  bool flush();
  bool lost() const noexcept { return lost_; }

 private:
  static constexpr size_t flush_at = 256 * 1024;
  int fd_;
  bool lost_ = false;
  std::string buffer_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_OUTPUT_HPP
