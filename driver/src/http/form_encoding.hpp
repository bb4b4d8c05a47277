// application/x-www-form-urlencoded (WHATWG URL Standard §5, HTML 4.01 §17.13.4.1): the
// encoding of the parameters of an HTTP SMS gateway request, in the query of a GET and in the
// body of a POST. Text is taken as UTF-8 octets; everything but the RFC 3986 §2.3 unreserved
// characters (ALPHA DIGIT - . _ ~) is percent-encoded with upper-case hex digits. A space becomes
// '+' or "%20", as the gateway wants (x-http-space-encoding, docs/http.md): curl's own
// escaping never gives '+', Boost.URL's does.
#pragma once

#include <string>
#include <string_view>

namespace smsdrv::http {

enum class space_encoding : unsigned char {
  plus,       // ' ' -> '+' (form encoding as browsers send it)
  percent20,  // ' ' -> "%20" (RFC 3986 percent-encoding)
};

// Appends text, encoded, to out.
void append_form_encoded(std::string& out, std::string_view text, space_encoding spaces);

// text encoded, as a new string.
std::string form_encoded(std::string_view text, space_encoding spaces);

}  // namespace smsdrv::http
