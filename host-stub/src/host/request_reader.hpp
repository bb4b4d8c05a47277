// request_reader.hpp - the reader thread: JSON-lines requests from stdin to the drivers' send().
//
// Each request is parsed in place and sent without copying its strings. A driver's
// SMSDRV_E_QUEUE_FULL is retried with a growing back-off (100 us up to 10 ms) for as long as it
// lasts, which stops the reading of stdin: back-pressure instead of failed requests. Every other
// outcome that is not an accepted send is answered here (esp-response ok:false, or an error
// event for a line without a usable id) through the runtime's line queue.
#ifndef SMSDRV_HOST_REQUEST_READER_HPP
#define SMSDRV_HOST_REQUEST_READER_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/event_writer.hpp"
#include "host/line_splitter.hpp"
#include "host/log_privacy.hpp"
#include "host/request_parser.hpp"
#include "host/runtime.hpp"

namespace smsdrv::host {

class request_reader {
 public:
  // Lines longer than this are refused (and skipped). A SendMMS carries its parts in base64 in
  // its line: 32 MiB is an MMS of about 24 MB.
  static constexpr size_t max_line = 32 * 1024 * 1024;

  request_reader(runtime& rt, int fd) : rt_(rt), fd_(fd), splitter_(max_line) {}

  // Reads until end of input or until rt.reader_stop is signalled, then sets rt.input_done and
  // wakes the main thread. Never throws.
  void run() noexcept;

 private:
  void on_line(uint64_t number, char* line, size_t length, bool too_long);
  void submit(uint64_t number, const channel_entry& channel);
  void answer_pii(uint64_t number);
  // Sleeps the next back-off step; false when the stub is stopping.
  bool back_off(uint32_t& delay_us);
  // Answers the current request: esp-response ok:false when it has an id, else an error event.
  void answer(uint64_t number, const failure& f);
  void input_error(uint64_t number, std::optional<std::string_view> id, const failure& f);
  void hand_over();

  runtime& rt_;
  int fd_;
  line_splitter splitter_;
  request_parser parser_;
  parsed_request request_;
  std::string answers_;  // lines for the main thread, handed over once per read
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_REQUEST_READER_HPP
