// Writing the body of an MM7 request with attachments (3GPP TS 23.140 §8.4.1, RFC 2387): a
// multipart/related whose start part is the SOAP envelope and whose second part is the message
// content, itself a multipart/related (SMIL presentation first, as its start) or multipart/mixed.
//
// Written directly rather than with GMime: the structure is fixed and small, and writing each
// part's bytes once, straight from the caller's buffer into the body, is what keeps a 300 KB
// image from being copied several times on its way to the socket. What we write is read back by
// GMime (tests/unit/mm7) and by Python's email package (tests/mm7/crosscheck) in the tests.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "mm7/settings.hpp"

namespace smsdrv::mm7 {

// A part to write; the views must stay valid during the call.
struct part_view {
  std::string_view content_type;  // with parameters, e.g. "text/plain; charset=utf-8"
  std::string_view content_id;    // without <>
  std::string_view content_location;
  std::string_view bytes;
};

struct written_body {
  std::string content_type;  // the HTTP Content-Type header's value
  std::string body;
};

// Content-Type header and body of an MM7 request: soap_xml as the start part (Content-ID
// <soap_id>) and, when parts is not empty, the content as a second part (Content-ID <content_id>,
// what the envelope's Content href names). The content is multipart/related with start
// <parts[0].content_id> when parts[0] is application/smil, else multipart/mixed. Boundaries are
// derived from boundary_seed (ASCII letters, digits, '.', '-', '_') and made longer until no
// part's bytes contain them.
written_body write_mm7_body(std::string_view soap_xml, std::string_view soap_id,
                            std::string_view content_id, std::span<const part_view> parts,
                            transfer_encoding encoding, std::string_view boundary_seed);

// Base64 of bytes in lines of 76 characters ending in CRLF (RFC 2045 §6.8), appended to out.
void append_base64_lines(std::string& out, std::string_view bytes);

}  // namespace smsdrv::mm7
