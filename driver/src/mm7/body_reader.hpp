// An MM7 HTTP body (3GPP TS 23.140 §8.4.1) read into its SOAP message and its content parts,
// as tolerantly as the open implementations read real MMSCs:
//   - the SOAP part is the one the multipart's start names (with or without <>), else the
//     first part; a body that is not multipart is the SOAP envelope itself, and so is a
//     "multipart" body without a boundary;
//   - Content href may be "cid:x" or "x", %-encoded or not; it matches a Content-ID with or
//     without <>, or a Content-Location; without a Content element (or when nothing matches) the
//     content is the first part that is not text/xml;
//   - a content that is a single part among several siblings takes all the siblings (some MMSCs
//     reference only the first attachment); nested multiparts are flattened in order.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "mm7/mime_reader.hpp"
#include "mm7/soap_reader.hpp"

namespace smsdrv::mm7 {

struct body_problem {
  int status = 0;  // the MM7 status to answer: 2007 (format), 2004 (content), 4003 (operation)
  std::string text;
};

struct read_body {
  soap_document soap;  // submit_req and deliver_req carry their parts (and deliver_req its text)
};

std::variant<read_body, body_problem> read_mm7_body(std::string_view content_type,
                                                    std::string_view body,
                                                    const mime_limits& limits);

// Content-ID without blanks and <>, and a Content href without "cid:" and %-escapes, so that the
// two compare (RFC 2392).
std::string normalized_content_id(std::string_view id);
std::string normalized_href(std::string_view href);

}  // namespace smsdrv::mm7
