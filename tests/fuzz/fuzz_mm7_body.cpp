// MM7 HTTP bodies (mm7/body_reader: GMime for the MIME, then the SOAP) on arbitrary bytes. The
// first line is the Content-Type header, the rest the body; the listener's checks, the events
// made of what it takes, and the SubmitReq answer reader run on it too.
#include <cstdint>
#include <string_view>
#include <variant>

#include "mm7/body_reader.hpp"
#include "mm7/inbound_events.hpp"
#include "mm7/listener_exchange.hpp"
#include "mm7/submit_exchange.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smsdrv::mm7;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t eol = in.find('\n');
  std::string_view content_type = in.substr(0, eol);
  std::string_view body = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);
  auto r = read_mm7_body(content_type, body, mime_limits{.max_parts = 40, .max_depth = 8});
  if (auto* b = std::get_if<read_body>(&r))
    if (auto* m = std::get_if<deliver_req>(&b->soap.message))
      for (const auto& p : m->parts)
        if (p.name.find('/') != std::string::npos || p.name == "..") __builtin_trap();
  mms_settings s;
  s.max_parts = 10;
  auto taken = take_request(s, content_type, body);
  if (auto* request = std::get_if<mmsc_request>(&taken)) {
    static_cast<void>(answer_taken(*request, s));
    static_cast<void>(answer_not_taken(*request, s, "fuzz"));
    const inbound_context ctx{"channel-fuzz", "fuzz", 60, {}};
    if (auto* d = std::get_if<deliver_req>(request)) {
      const auto e = deliver_event(std::move(*d), ctx);
      for (const auto& p : e.parts)
        if (p.name.empty() || p.name.find('/') != std::string::npos || p.name == "." ||
            p.name == "..")
          __builtin_trap();
    } else if (auto* report = std::get_if<delivery_report_req>(request)) {
      static_cast<void>(delivery_report_event(*report, ctx));
    } else if (auto* rr = std::get_if<read_reply_req>(request)) {
      static_cast<void>(read_reply_event(*rr, ctx));
    }
  }
  static_cast<void>(read_submit_answer(200, content_type, body, "t"));
  return 0;
}
