#include "console/console_auth.hpp"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <stdexcept>

namespace smsdrv::console {
namespace {

constexpr std::size_t min_token_length = 24;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string random_id() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("console: no random bytes for a session identifier");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

}  // namespace

std::string read_token_file(const std::string& path) {
  const std::string what = "--console-token-file " + path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(what + ": cannot be read");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw std::runtime_error(what +
                             ": other users may read or change it; make it readable by its owner "
                             "only (chmod 600)");
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) throw std::runtime_error(what + ": cannot be read");
  const std::string_view token = trim(line);
  if (token.size() < min_token_length)
    throw std::runtime_error(what + ": the token on its first line must be at least " +
                             std::to_string(min_token_length) +
                             " characters long (e.g. `openssl rand -hex 24`)");
  for (unsigned char c : token)
    if (c < 0x21 || c > 0x7E)
      throw std::runtime_error(what +
                               ": the token must be printable ASCII without spaces (e.g. "
                               "`openssl rand -hex 24`)");
  return std::string(token);
}

bool same_secret(std::string_view a, std::string_view b) noexcept {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = a.size();
  for (std::size_t i = 0; i < n; ++i)
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name)
      return trim(pair.substr(eq + 1));
  }
  return {};
}

bool console_auth::authenticated(std::string_view authorization, std::string_view cookie,
                                 clock::time_point now) {
  constexpr std::string_view bearer = "Bearer ";
  if (authorization.size() > bearer.size() && authorization.substr(0, bearer.size()) == bearer)
    return same_secret(trim(authorization.substr(bearer.size())), token_);
  const std::string_view id = cookie_value(cookie, cookie_name);
  if (id.empty()) return false;
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  if (it->second <= now) {
    sessions_.erase(it);
    return false;
  }
  return true;
}

std::optional<std::string> console_auth::login(std::string_view offered, clock::time_point now) {
  if (!same_secret(trim(offered), token_)) return std::nullopt;
  std::erase_if(sessions_, [&](const auto& s) { return s.second <= now; });
  if (sessions_.size() >= max_sessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
      if (it->second < oldest->second) oldest = it;
    sessions_.erase(oldest);
  }
  std::string id = random_id();
  sessions_.emplace(id, now + session_lifetime);
  return std::string(cookie_name) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(std::chrono::seconds(session_lifetime).count());
}

std::string console_auth::logout(std::string_view cookie) {
  const std::string_view id = cookie_value(cookie, cookie_name);
  if (auto it = sessions_.find(id); it != sessions_.end()) sessions_.erase(it);
  return std::string(cookie_name) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
}

std::string cross_site_problem(std::string_view method, std::string_view console_header,
                               std::string_view origin, std::string_view host) {
  if (method == "GET" || method == "HEAD") return {};
  if (console_header != "1")
    return "a request that changes something needs the header X-DMS-Console: 1 (cross-site "
           "requests are refused)";
  if (!origin.empty() && origin != "http://" + std::string(host) &&
      origin != "https://" + std::string(host))
    return "the request comes from another site (Origin " + std::string(origin) +
           "); it is refused";
  return {};
}

}  // namespace smsdrv::console
