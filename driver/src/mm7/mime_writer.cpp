#include "mm7/mime_writer.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <functional>

namespace smsdrv::mm7 {
namespace {

constexpr std::string_view crlf = "\r\n";

// Base64 output size with a CRLF after every 76 characters (57 input bytes).
std::size_t base64_size(std::size_t n) {
  std::size_t chars = (n + 2) / 3 * 4;
  std::size_t lines = (n + 56) / 57;
  return chars + 2 * lines;
}

bool is_smil(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t'))
    t.remove_suffix(1);
  if (t.size() != 16) return false;
  std::string lower(t);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower == "application/smil";
}

bool contains(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(),
                     std::boyer_moore_horspool_searcher(needle.begin(), needle.end())) !=
         haystack.end();
}

// A boundary that occurs in none of the texts (RFC 2046 §5.1.1: it must not appear inside an
// encapsulated part). Base64 text cannot contain it ('-' is not in its alphabet).
std::string boundary_for(std::string_view seed, std::string_view tag,
                         std::span<const std::string_view> texts) {
  std::string b = "=_mm7_";
  b += tag;
  b += '_';
  b += seed.substr(0, 50);
  for (int attempt = 0;; ++attempt) {
    std::string delimiter = "--" + b;
    bool clash = false;
    for (auto t : texts)
      clash = clash || contains(t, delimiter);
    if (!clash) return b;
    b += static_cast<char>('a' + attempt % 26);
  }
}

void header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += crlf;
}

}  // namespace

void append_base64_lines(std::string& out, std::string_view bytes) {
  std::size_t at = out.size();
  out.resize(at + base64_size(bytes.size()));
  char* dst = out.data() + at;
  const auto* src = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t left = bytes.size();
  while (left > 0) {
    std::size_t n = std::min<std::size_t>(left, 57);
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(dst), src, static_cast<int>(n));
    dst += written;
    *dst++ = '\r';
    *dst++ = '\n';
    src += n;
    left -= n;
  }
  out.resize(static_cast<std::size_t>(dst - out.data()));
}

written_body write_mm7_body(std::string_view soap_xml, std::string_view soap_id,
                            std::string_view content_id, std::span<const part_view> parts,
                            transfer_encoding encoding, std::string_view boundary_seed) {
  written_body out;
  if (parts.empty()) {
    out.content_type = "text/xml; charset=\"utf-8\"";
    out.body = std::string(soap_xml);
    return out;
  }
  // Binary parts must not contain the inner boundary; every part and the envelope must not
  // contain the outer one.
  std::vector<std::string_view> texts;
  texts.reserve(parts.size() + 1);
  texts.push_back(soap_xml);
  for (const auto& p : parts)
    if (encoding == transfer_encoding::binary) texts.push_back(p.bytes);
  std::string inner = boundary_for(boundary_seed, "c", texts);
  std::string outer = boundary_for(boundary_seed, "s", texts);

  std::size_t size = soap_xml.size() + 1024;
  for (const auto& p : parts)
    size += 256 + p.content_type.size() + p.content_id.size() + p.content_location.size() +
            (encoding == transfer_encoding::base64 ? base64_size(p.bytes.size()) : p.bytes.size());
  std::string& b = out.body;
  b.reserve(size);

  // RFC 2387 §3: start and type of the root; the envelope is the root.
  out.content_type = "multipart/related; type=\"text/xml\"; start=\"<";
  out.content_type += soap_id;
  out.content_type += ">\"; boundary=\"";
  out.content_type += outer;
  out.content_type += '"';

  b += "--";
  b += outer;
  b += crlf;
  header(b, "Content-Type", "text/xml; charset=\"utf-8\"");
  header(b, "Content-ID", "<" + std::string(soap_id) + ">");
  b += crlf;
  b += soap_xml;
  b += crlf;

  b += "--";
  b += outer;
  b += crlf;
  if (is_smil(parts.front().content_type)) {
    header(b, "Content-Type",
           "multipart/related; type=\"application/smil\"; start=\"<" +
               std::string(parts.front().content_id) + ">\"; boundary=\"" + inner + '"');
  } else {
    header(b, "Content-Type", "multipart/mixed; boundary=\"" + inner + '"');
  }
  header(b, "Content-ID", "<" + std::string(content_id) + ">");
  b += crlf;
  for (const auto& p : parts) {
    b += "--";
    b += inner;
    b += crlf;
    header(b, "Content-Type", p.content_type);
    if (!p.content_id.empty()) header(b, "Content-ID", "<" + std::string(p.content_id) + ">");
    if (!p.content_location.empty()) header(b, "Content-Location", p.content_location);
    if (encoding == transfer_encoding::base64) {
      header(b, "Content-Transfer-Encoding", "base64");
      b += crlf;
      append_base64_lines(b, p.bytes);
    } else {
      header(b, "Content-Transfer-Encoding", "binary");
      b += crlf;
      b += p.bytes;
      b += crlf;
    }
  }
  b += "--";
  b += inner;
  b += "--";
  b += crlf;
  b += crlf;
  b += "--";
  b += outer;
  b += "--";
  b += crlf;
  return out;
}

}  // namespace smsdrv::mm7
