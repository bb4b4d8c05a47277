// Golden MM7 HTTP bodies of tests/unit/mm7/golden/: a "Content-Type: ..." line, a blank line,
// then the body. The files have LF line ends; with_crlf() gives the CRLF form real MMSCs send,
// so that every golden is read both ways.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace smsdrv::mm7::test {

struct golden_body {
  std::string content_type;
  std::string body;
};

inline std::string with_crlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 20);
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

inline golden_body golden(const std::string& name, bool crlf = false) {
  std::ifstream in(std::string(SMSDRV_MM7_GOLDEN_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("golden file missing: " + name);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  std::size_t end = all.find('\n');
  std::string first = all.substr(0, end);
  const std::string prefix = "Content-Type: ";
  if (first.rfind(prefix, 0) != 0 || all.substr(end + 1, 1) != "\n")
    throw std::runtime_error("golden file without its Content-Type line: " + name);
  golden_body g{first.substr(prefix.size()), all.substr(end + 2)};
  if (crlf) g.body = with_crlf(g.body);
  return g;
}

}  // namespace smsdrv::mm7::test
