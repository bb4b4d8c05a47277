// One SubmitReq as an HTTP exchange, without I/O: the POST to send, and what the answer means.
//
// What an answer means (3GPP TS 23.140 §8.7.1, §8.7.4; SOAP 1.1 §6.2):
//   accepted  SubmitRsp with status 1000: the MMSC took the message, MessageID says which;
//   refused   any other status (1100 partial success included), an RSErrorRsp or a SOAP
//             Fault, or an HTTP error status without SOAP: the MMSC did not take it (1100: not
//             for every recipient). retryable tells a server-side or temporary cause (3xxx,
//             4006, HTTP 408/429/5xx) from the others;
//   unknown   an answer that cannot be read, or that names another TransactionID: the MMSC may
//             have taken the message.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mm7/message.hpp"
#include "mm7/mime_reader.hpp"
#include "mm7/mime_writer.hpp"
#include "mm7/settings.hpp"

namespace smsdrv::mm7 {

struct http_header {
  std::string name;
  std::string value;
};

struct http_post {
  std::vector<http_header> headers;  // Content-Type, SOAPAction, Authorization when configured
  std::string body;
};

// The POST of req with parts (a SMIL part first, when there is one), as settings say: version,
// namespace, VASP ids, transfer encoding, credentials. Content ids and locations of parts must be
// set; boundary_seed makes the boundaries (the transaction id is a good one).
http_post build_submit_post(const mms_settings& settings, const submit_req& req,
                            std::span<const part_view> parts, std::string_view boundary_seed);

enum class submit_verdict : std::uint8_t { accepted, refused, unknown };

struct submit_outcome {
  submit_verdict verdict = submit_verdict::unknown;
  bool retryable = false;
  int status = 0;  // the MM7 status (0 when the answer had none)
  int http_status = 0;
  std::string message_id;  // accepted, and refused with 1100
  std::string text;        // what an operator reads: "2002 Address Error: unknown number"
};

// The meaning of the MMSC's answer to the SubmitReq of transaction_id.
submit_outcome read_submit_answer(int http_status, std::string_view content_type,
                                  std::string_view body, std::string_view transaction_id);

}  // namespace smsdrv::mm7
