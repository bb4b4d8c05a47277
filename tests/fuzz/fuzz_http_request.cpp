// The HTTP gateway request builder and URL masking on arbitrary input: no crash, and
//  - what build() produces decodes back to exactly the values given (form encoding is lossless,
//    '+' and %20 alike, the URL's own query parameter first and untouched);
//  - describe() never depends on a password parameter's value, and masked_url() never on the
//    values of the URL's query.
// Input: fields separated by NUL: url, destination, text, sender, password, then a flags byte.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/gateway_url.hpp"
#include "http/request_builder.hpp"

namespace {

using namespace smsdrv::http;

std::vector<std::string_view> fields(std::string_view in, std::size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    const std::size_t nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    out.push_back(in.substr(0, nul));
    in.remove_prefix(nul + 1);
  }
  out.push_back(in);
  out.resize(n);
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one name or value; false when malformed.
bool decode(std::string_view s, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> pairs_of(std::string_view form) {
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    const std::size_t amp = form.find('&');
    const std::string_view p = form.substr(0, amp);
    const std::size_t eq = p.find('=');
    std::string name, value;
    if (eq == std::string_view::npos || !decode(p.substr(0, eq), name) ||
        !decode(p.substr(eq + 1), value))
      __builtin_trap();
    out.emplace_back(std::move(name), std::move(value));
    if (amp == std::string_view::npos) break;
    form.remove_prefix(amp + 1);
  }
  return out;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto f = fields(in, 6);
  const std::string_view url = f[0], dest = f[1], text = f[2], sender = f[3], password = f[4];
  const unsigned flags = f[5].empty() ? 0u : static_cast<unsigned char>(f[5][0]);

  const std::string masked = masked_url(url);
  auto parsed = parse_gateway_url(url);
  const auto* gw = std::get_if<gateway_url>(&parsed);
  if (gw == nullptr) return 0;

  // The URL's query value never shows: another value gives the same masked text.
  if (const std::size_t eq = url.find('=', url.find('?'));
      url.find('?') != std::string_view::npos && eq != std::string_view::npos) {
    std::string other(url.substr(0, eq + 1));
    other += "zz9";
    other.append(url.substr(eq + 1));
    if (std::holds_alternative<gateway_url>(parse_gateway_url(other)))
      check(masked_url(other) == masked);
  }

  request_settings s;
  s.verb = (flags & 1) ? method::get : method::post;
  s.spaces = (flags & 2) ? space_encoding::percent20 : space_encoding::plus;
  s.url = std::string(url);
  s.destination_param = "to";
  s.message_param = "text";
  s.sender_param = (flags & 4) ? "from" : "";
  s.extra = {{"user", "me", false}, {"pw", std::string(password), true}};
  if (flags & 8) s.flash = parameter{"flash", "1"};
  const request_builder b(s);
  const sms_message m{dest, text, sender, (flags & 16) != 0, false};
  built_request r;
  if (b.build(m, r)) return 0;

  // Decode what was built and compare with what was given.
  std::string_view form = r.body;
  if (s.verb == method::get) {
    check(r.url.starts_with(url));
    form = std::string_view(r.url).substr(url.size());
    if (!form.empty() && (form.front() == '?' || form.front() == '&')) form.remove_prefix(1);
  } else {
    check(r.url == url);
  }
  const auto pairs = pairs_of(form);
  std::size_t i = 0;
  check(pairs.size() > i + 1);
  check(pairs[i].first == "to" && !pairs[i].second.empty() && pairs[i].second.front() != '+');
  check(pairs[++i].first == "text" && pairs[i].second == text);
  if (!s.sender_param.empty() && !sender.empty()) check(pairs[++i].first == "from");
  check(pairs.size() > i + 2);
  check(pairs[++i].first == "user" && pairs[i].second == "me");
  check(pairs[++i].first == "pw" && pairs[i].second == password);
  if (m.flash) check(pairs[++i].first == "flash");
  check(pairs.size() == i + 1);

  // The password never shows: the line is the same whatever its value (non-interference).
  const auto show = [](std::string_view, std::string_view v) { return std::string(v); };
  const std::string line = b.describe(m, show);
  request_settings other = s;
  other.extra[1].value = std::string(password) + "\x01other";
  check(request_builder(other).describe(m, show) == line);
  return 0;
}
