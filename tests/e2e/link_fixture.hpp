// What the link tests share (tests/e2e/link_test.cpp against smsc-sim, tests/interop/
// interop_tls_test.cpp against the npm smpp SMSC): the test certificates, channel options for
// TLS, and dms-stub with one channel whose channel-state events are looked at.
#pragma once

#include "e2e_fixture.hpp"

namespace smsdrv::test {

inline const std::string certs = SMSDRV_TEST_CERTS;

inline std::string cert(const std::string& name) {
  return certs + "/" + name;
}

inline std::string single_mode(const std::string& p12 = "trust.p12") {
  return "x-smpp-tls-mode = single\n"
         "x-smpp-tls-path-to-certificate = " +
         cert(p12) + "\nx-smpp-tls-certificate-file-password = file-pw-1\n";
}

inline std::string mutual_mode(const std::string& p12 = "client.p12",
                               const std::string& file_password = "file-pw-1") {
  return "x-smpp-tls-mode = mutual\n"
         "x-smpp-tls-path-to-certificate = " +
         (p12.starts_with("/") ? p12 : cert(p12)) +
         "\nx-smpp-tls-certificate-file-password = " + file_password + "\n";
}

inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

// The section with each "option = value" line of `options` set: replaced where the section has
// the option, added otherwise.
inline std::string with_options(std::string section, const std::string& options) {
  std::size_t start = 0;
  while (start < options.size()) {
    std::size_t end = options.find('\n', start);
    if (end == std::string::npos) end = options.size();
    const std::string line = options.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    const std::string key = "\n" + line.substr(0, eq) + " = ";
    if (const std::size_t at = section.find(key); at != std::string::npos)
      section.replace(at + 1, section.find('\n', at + 1) - at - 1, line);
    else
      section += line + "\n";
  }
  return section;
}

// dms-stub with one channel to `port` (the SMSC), options `extra`.
struct host {
  server_root root;
  std::unique_ptr<subprocess> dms;
  std::vector<json_line> out;

  host(int port, const std::string& extra, const std::string& host_name = "127.0.0.1") {
    const std::string section = with_options(channel_section("channel-sms1", port),
                                             extra + "x-smpp-host = " + host_name + "\n");
    const auto cfg = root.write_cfg(section);
    dms = std::make_unique<subprocess>(std::vector<std::string>{
        SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--linger", "0.2"});
  }

  std::optional<json_line> until(const std::function<bool(const json_line&)>& pred,
                                 std::chrono::milliseconds timeout = 15s) {
    return read_until(*dms, out, pred, timeout);
  }
  std::optional<json_line> state(const std::string& s, std::chrono::milliseconds timeout = 15s) {
    return until(
        [&](const json_line& j) {
          return j.str("event") == "channel-state" && j.str("attributes", "state") == s;
        },
        timeout);
  }
  // The channel goes down for `why` and, after its back-off, again for the same reason: it
  // keeps retrying, and the process is still there.
  void down_twice_for(const std::string& why) {
    for (int attempt = 1; attempt <= 2; ++attempt) {
      auto down = state("down");
      INFO("attempt " << attempt << "; log:\n" << dms->stderr_text());
      REQUIRE(down);
      INFO(down->text);
      CHECK(has(down->str("attributes", "reason"), why));
      CHECK(has(down->str("text"), why));
      CHECK_FALSE(down->str("attributes", "retryInMs").empty());
    }
    CHECK(dms->running());
  }
  std::string log() { return dms->stderr_text(); }
  int finish() {
    dms->close_stdin();
    auto rc = dms->wait(30s);
    REQUIRE(rc);
    return *rc;
  }
};

}  // namespace smsdrv::test
