// HTTP/1.1 requests to an SMS gateway with libcurl's multi interface, driven by the driver's
// Asio I/O thread: curl's sockets are Asio sockets it asks us to open
// (CURLOPT_OPENSOCKETFUNCTION), readiness comes from async_wait on them
// (CURLMOPT_SOCKETFUNCTION), curl's timeouts from one steady_timer (CURLMOPT_TIMERFUNCTION), and
// curl_multi_socket_action is called on both. No thread per request; keep-alive connections are
// reused from the multi handle's cache.
//
// What curl gives: proxies (forwarding for http://, CONNECT for https://) with Basic
// authentication, TLS with verification, timeouts, chunked and keep-alive responses. What this
// adds: knowing whether every octet of a request was written (the debug callback's header-out and
// data-out counts), so that a failure is classified "never reached the gateway" or "may have been
// delivered" (http/response_classifier.hpp); and never letting curl send a request a second
// time: curl sends a request again when a reused connection dies without an answer, on a fresh
// connection or on another one of its cache, and a request already written is given neither.
//
// This header keeps curl and Asio out of its includers. One thread: every call on the thread that
// runs `io` (the driver's I/O thread, or one of an http_client_pool's threads).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/channel_settings.hpp"
#include "http/request_builder.hpp"
#include "http/response_classifier.hpp"

namespace boost::asio {
class io_context;
}

namespace smsdrv::io {

class tls_client;

struct http_client_settings {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};  // the whole exchange
  std::size_t max_connections = 10;
  bool keep_alive = true;
  std::chrono::seconds keep_alive_idle{4};  // an idle connection older than this is not reused
  std::string proxy_url;                    // "" = direct (proxies of the environment ignored)
  std::uint16_t proxy_port = 0;             // 0: the URL's
  std::string proxy_user;
  std::string proxy_password;
  config::tls_version tls_version = config::tls_version::tls1_2;
  config::tls_verification tls_verification = config::tls_verification::full;
  // The certificates trusted for the gateway (x-http-tls-path-to-certificate); nullptr: the
  // system trust store.
  std::shared_ptr<const tls_client> trust;
  std::string user_agent = "smsmms";
  std::size_t max_response_octets = 64 * 1024;  // the rest of a longer body is read and dropped
  // x-http-io-threads, read by http_channel_runner (not by http_client): 0 = the exchanges on
  // the driver's I/O thread, N = on N threads of the channel's own (http_client_pool).
  std::size_t io_threads = 0;
};

// One finished exchange, owning what http::exchange views.
struct http_result {
  http::transport_failure failure = http::transport_failure::none;
  bool request_written = false;
  int status = 0;
  std::string content_type;  // the response's Content-Type, "" when it had none
  std::string body;
  bool body_cut = false;  // longer than max_response_octets
  std::optional<std::chrono::seconds> retry_after;
  std::string detail;  // curl's words and a hint naming the option to check; not yet masked
  // Octets of the request curl handed to the connection (headers and body), for tests.
  std::uint64_t octets_written = 0;

  http::exchange view() const;
};

class http_client {
 public:
  // Called on the I/O thread once per started request, never from inside start().
  using completion = std::function<void(std::uint64_t tag, http_result&& result)>;

  http_client(boost::asio::io_context& io, http_client_settings settings, completion on_done);
  // Drops every transfer without calling back.
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Starts the request; its result comes back with `tag`. The request's buffers are taken.
  void start(std::uint64_t tag, http::built_request&& request);
  // The same without a copy: `request` is the caller's and must stay valid, unchanged, until
  // the completion for `tag` has been called (it is not touched after).
  void start_borrowed(std::uint64_t tag, const http::built_request& request);
  // Requests started and not yet finished.
  std::size_t active() const noexcept;
  // Ends every transfer now: each gets its result (transport_failure::local, with `reason` and
  // whether its request was written) before this returns.
  void abort_all(std::string_view reason);
  // Connections open (busy or kept alive), for tests.
  std::size_t open_connections() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The curl version and TLS library, for a log line: "libcurl/7.88.1 OpenSSL/3.0.15".
std::string http_client_version();

}  // namespace smsdrv::io
