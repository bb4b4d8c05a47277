// Reading a MIME body (RFC 2045-2047, RFC 2387 multipart/related) into a tree of plain values,
// with GMime: nested multiparts, base64, quoted-printable, 7bit, 8bit and binary transfer
// encodings, RFC 2047/2231 parameters, charsets. This is the only translation unit that knows
// GMime (and GLib) exists; none of their objects leaves it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace smsdrv::mm7 {

struct mime_node {
  std::string media_type;           // "type/subtype", lower case
  std::string start;                // multipart: the start parameter as written
  std::string content_id;           // Content-ID as written, blanks dropped ("<a@b>" or "a@b")
  std::string content_location;     // Content-Location as written
  std::string file_name;            // Content-Disposition filename, else Content-Type name
  std::string charset;              // the charset parameter, lower case
  std::string bytes;                // a leaf's content, transfer encoding undone
  std::string text;                 // a text/* leaf's content in UTF-8 ("" if it could not be read)
  std::vector<mime_node> children;  // a multipart's parts, in order
  // A multipart whose Content-Type has no boundary: bytes holds the body unparsed.
  bool boundary_missing = false;

  bool multipart() const { return media_type.rfind("multipart/", 0) == 0; }
};

struct mime_limits {
  std::size_t max_parts = 100;  // leaves and multiparts together
  std::size_t max_depth = 8;    // multipart nesting
};

// Why a body cannot be read.
struct mime_problem {
  bool over_limits = false;  // more parts or nesting than the limits allow; else not MIME
  std::string text;
};

// The tree of body, whose Content-Type header is content_type; or why it cannot be read.
std::variant<mime_node, mime_problem> read_mime(std::string_view content_type,
                                                std::string_view body, const mime_limits& limits);

}  // namespace smsdrv::mm7
