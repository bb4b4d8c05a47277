// End-to-end fixture: a server root with the real driver module in
// media-channel-drivers/channel-smsmms/, an SMSC process (smsc-sim or the npm peer) on
// loopback, and dms-stub speaking JSON lines. Events are parsed with RapidJSON.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "subprocess.hpp"

namespace smsdrv::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// One parsed JSON line; the text is kept for messages.
struct json_line {
  std::string text;
  std::shared_ptr<rapidjson::Document> doc;

  const rapidjson::Value& root() const { return *doc; }
  bool has(const char* key) const { return doc->IsObject() && doc->HasMember(key); }
  std::string str(const char* key) const {
    if (!has(key)) return {};
    const auto& v = (*doc)[key];
    if (v.IsString()) return v.GetString();
    if (v.IsInt64()) return std::to_string(v.GetInt64());
    if (v.IsBool()) return v.GetBool() ? "true" : "false";
    return {};
  }
  std::int64_t num(const char* key) const {
    return has(key) && (*doc)[key].IsInt64() ? (*doc)[key].GetInt64() : -1;
  }
  // A string member of an object member: attr("attributes", "_smsText").
  std::string str(const char* object, const char* key) const {
    if (!has(object) || !(*doc)[object].IsObject() || !(*doc)[object].HasMember(key)) return {};
    const auto& v = (*doc)[object][key];
    if (v.IsString()) return v.GetString();
    if (v.IsInt64()) return std::to_string(v.GetInt64());
    return {};
  }
  std::size_t members(const char* object) const {
    return has(object) && (*doc)[object].IsObject() ? (*doc)[object].MemberCount() : 0;
  }
};

inline std::optional<json_line> parse_json(const std::string& text) {
  auto doc = std::make_shared<rapidjson::Document>();
  doc->Parse(text.c_str());
  if (doc->HasParseError()) return std::nullopt;
  return json_line{text, doc};
}

// Reads lines until one satisfies pred (others are kept in `seen`), or the timeout.
inline std::optional<json_line> read_until(subprocess& p, std::vector<json_line>& seen,
                                           const std::function<bool(const json_line&)>& pred,
                                           std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto line = p.read_line(left);
    if (!line) return std::nullopt;
    auto j = parse_json(*line);
    if (!j) continue;
    seen.push_back(*j);
    if (pred(*j)) return j;
  }
}

inline std::string json_string(std::string_view s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return buf.GetString();
}

// A SendSMS request line.
inline std::string send_sms(const std::string& id, const std::string& channel,
                            const std::vector<std::pair<std::string, std::string>>& user_data) {
  std::string line = "{\"id\":" + json_string(id) +
                     ",\"request\":\"SendSMS\",\"channel\":" + json_string(channel) +
                     ",\"userData\":{";
  bool first = true;
  for (const auto& [k, v] : user_data) {
    if (!first) line += ',';
    first = false;
    line += json_string(k) + ":" + json_string(v);
  }
  return line + "}}";
}

// A server root in a fresh temporary directory, with the module installed the way install.sh
// lays it out.
struct server_root {
  fs::path dir;
  server_root() {
    char tmpl[] = "/tmp/smsdrv-e2e.XXXXXX";
    dir = ::mkdtemp(tmpl);
    const fs::path channel = dir / "media-channel-drivers" / "channel-smsmms";
    fs::create_directories(channel);
    fs::copy_file(SMSDRV_MODULE_PATH, channel / "libsmsmms.so");
  }
  ~server_root() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path write_cfg(const std::string& text) const {
    const fs::path p = dir / "dms.cfg";
    std::ofstream(p) << text;
    return p;
  }
};

// smsc-sim started with `flags`; port() from its `listening` line.
struct smsc_process {
  std::unique_ptr<subprocess> proc;
  std::vector<json_line> events;
  int port = 0;

  explicit smsc_process(std::vector<std::string> argv, const spawn_options& options = {}) {
    proc = std::make_unique<subprocess>(argv, options);
    auto l =
        read_until(*proc, events, [](const json_line& j) { return j.str("event") == "listening"; });
    REQUIRE(l);
    port = static_cast<int>(l->num("port"));
    REQUIRE(port > 0);
  }
  std::optional<json_line> until(const std::function<bool(const json_line&)>& pred,
                                 std::chrono::milliseconds timeout = 15s) {
    for (const auto& e : events)
      if (pred(e)) return e;
    return read_until(*proc, events, pred, timeout);
  }
  std::size_t count(const std::string& event) {
    std::size_t n = 0;
    for (const auto& e : events)
      n += e.str("event") == event;
    return n;
  }
};

inline std::string channel_section(const std::string& name, int port,
                                   const std::string& extra = {}) {
  return "[" + name +
         "]\n"
         "inbound-route = 101:sms_endpoint, 101:chat_endpoint\n"
         "session-by-text = ^chat\n"
         "default-reply-address = 12345\n"
         "x-smpp-host = 127.0.0.1\n"
         "x-smpp-port = " +
         std::to_string(port) +
         "\n"
         "x-smpp-system-id = e2e\n"
         "password = e2e-pw\n"
         "x-smpp-submit-max-rate = 100000\n"
         "x-smpp-submit-window-size = 50\n" +
         extra;
}

}  // namespace smsdrv::test
