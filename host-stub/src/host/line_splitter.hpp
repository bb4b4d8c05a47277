// line_splitter.hpp - splits a byte stream into lines in one reusable buffer, in place.
//
// Lines end with '\n' (a '\r' before it is dropped). Each line is handed over as a writable
// char range whose following byte may be overwritten (in-situ JSON parsing puts a NUL there).
// A line longer than max_line is reported once as too long and skipped, so one runaway line
// cannot exhaust memory.
#ifndef SMSDRV_HOST_LINE_SPLITTER_HPP
#define SMSDRV_HOST_LINE_SPLITTER_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace smsdrv::host {

class line_splitter {
 public:
  explicit line_splitter(size_t max_line) : max_line_(max_line) {}

  // Where the next read(2) should put up to size() bytes; valid until commit().
  char* space(size_t min_size);
  size_t space_size() const noexcept { return buffer_.size() - end_ - 1; }

  // Takes n bytes written into space(). on_line(uint64_t number, char* line, size_t length,
  // bool too_long) is called for every line completed; number is 1-based. A line longer than
  // max_line comes once with too_long set (and is not to be used).
  template <typename OnLine>
  void commit(size_t n, OnLine&& on_line) {
    end_ += n;
    while (scan_ < end_) {
      char* const base = buffer_.data();
      const void* nl = std::memchr(base + scan_, '\n', end_ - scan_);
      if (nl == nullptr) {
        scan_ = end_;
        if (end_ - begin_ > max_line_) skip_runaway(on_line);
        break;
      }
      const size_t at = static_cast<size_t>(static_cast<const char*>(nl) - base);
      emit(base + begin_, at - begin_, on_line);
      begin_ = scan_ = at + 1;
    }
  }

  // End of input: a last line without '\n' is still a line.
  template <typename OnLine>
  void finish(OnLine&& on_line) {
    if (end_ > begin_ || skipping_) emit(buffer_.data() + begin_, end_ - begin_, on_line);
    begin_ = scan_ = end_ = 0;
  }

 private:
  template <typename OnLine>
  void emit(char* line, size_t length, OnLine& on_line) {
    ++number_;
    if (skipping_) {
      skipping_ = false;  // the tail of a line already reported as too long
      return;
    }
    if (length > 0 && line[length - 1] == '\r') --length;
    on_line(number_, line, length, length > max_line_);
  }

  template <typename OnLine>
  void skip_runaway(OnLine& on_line) {
    if (!skipping_) on_line(number_ + 1, buffer_.data() + begin_, size_t{0}, true);
    skipping_ = true;
    begin_ = scan_ = end_ = 0;
  }

  size_t max_line_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // start of the current (incomplete) line
  size_t scan_ = 0;   // bytes before this were searched for '\n'
  size_t end_ = 0;    // end of the data read
  uint64_t number_ = 0;
  bool skipping_ = false;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_LINE_SPLITTER_HPP
