// request_reader.hpp - the reader thread: JSON-lines requests from stdin to the drivers' send().
//
// Each request is parsed in place and sent without copying its strings. Every outcome that is
// not an accepted send is answered here at once (esp-response ok:false, or an error event for a
// line without a usable id) through the runtime's line queue; SMSDRV_E_QUEUE_FULL too, so that
// one channel's full queue never holds up the requests to the others. A channel whose queue is
// full is logged once (WARN), and again when it has room (INFO, with the count refused).
#ifndef SMSDRV_HOST_REQUEST_READER_HPP
#define SMSDRV_HOST_REQUEST_READER_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
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
  // Logs the first SMSDRV_E_QUEUE_FULL of a channel and the send that finds room again.
  void note_queue(int32_t status);
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
  std::string payload_;  // the request being sent, packed (request_table.hpp pack_request)
  // Channels whose queue was full at the last send: requests refused since.
  std::map<std::string, uint64_t, std::less<>> queue_full_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_REQUEST_READER_HPP
