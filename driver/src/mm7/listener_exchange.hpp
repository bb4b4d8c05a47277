// The listener's side of MM7, without I/O: what to answer a request from the MMSC (3GPP TS
// 23.140 §8.7.6 DeliverReq, §8.7.9 DeliveryReportReq, §8.7.10 ReadReplyReq).
//
//   check_request_head  before the body is read: 404 for another path, 405 for another method,
//                       401 without the right credentials, 413 when Content-Length is over the
//                       limit;
//   take_request        the body: an MMSC request to hand to the host, or the answer to a body
//                       that is not one (HTTP 500 with a SOAP Fault: 2007 for malformed SOAP,
//                       2004 for content over the limits, 4003 for another operation);
//   answer_taken        once the host took it: the Rsp with status 1000;
//   answer_not_taken    when the host did not take it (refused, or no ack in time): a SOAP Fault
//                       with 4006 Service unavailable, so that the MMSC delivers it again.
// Nothing here ever answers 1000 for a request the host has not taken.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mm7/message.hpp"
#include "mm7/settings.hpp"

namespace smsdrv::mm7 {

struct http_answer {
  int status = 200;
  std::string content_type;  // "" when there is no body
  std::string body;
  bool challenge = false;   // add WWW-Authenticate: Basic realm="MM7"
  bool allow_post = false;  // add Allow: POST
};

struct request_head {
  std::string_view method;
  std::string_view target;  // path and query
  std::string_view authorization;
  std::optional<std::uint64_t> content_length;
};

using mmsc_request = std::variant<deliver_req, delivery_report_req, read_reply_req>;

std::optional<http_answer> check_request_head(const mms_settings& settings,
                                              const request_head& head);

std::variant<mmsc_request, http_answer> take_request(const mms_settings& settings,
                                                     std::string_view content_type,
                                                     std::string_view body);

http_answer answer_taken(const mmsc_request& request, const mms_settings& settings);
http_answer answer_not_taken(const mmsc_request& request, const mms_settings& settings,
                             std::string_view reason);

// The answer to a body over max-message-size (read in full or not).
http_answer answer_too_large(const mms_settings& settings);

}  // namespace smsdrv::mm7
