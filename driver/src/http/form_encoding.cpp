#include "http/form_encoding.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace smsdrv::http {

void append_form_encoded(std::string& out, std::string_view text, space_encoding spaces) {
  namespace urls = boost::urls;
  const urls::encoding_opts opts(spaces == space_encoding::plus);
  const std::size_t size = urls::encoded_size(text, urls::unreserved_chars, opts);
  const std::size_t at = out.size();
  out.resize(at + size);
  const std::size_t written =
      urls::encode(out.data() + at, size, text, urls::unreserved_chars, opts);
  out.resize(at + written);
}

std::string form_encoded(std::string_view text, space_encoding spaces) {
  std::string out;
  append_form_encoded(out, text, spaces);
  return out;
}

}  // namespace smsdrv::http
