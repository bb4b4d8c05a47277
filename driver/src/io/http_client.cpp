#include "io/http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/tls_client.hpp"

namespace smsdrv::io {

namespace asio = boost::asio;
using http::transport_failure;

http::exchange http_result::view() const {
  http::exchange e;
  e.failure = failure;
  e.request_written = request_written;
  e.status = status;
  e.body = body;
  e.retry_after = retry_after;
  e.detail = detail;
  return e;
}

namespace {

void global_init() {
  static std::once_flag once;
  // libcurl 7.84+ built thread-safe (Debian 12's is): the first channel initialises it, and it
  // stays initialised while the module is loaded.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// "Retry-After: 120" (RFC 9110 §10.2.3); an HTTP-date is not read (the default pause applies).
std::optional<std::chrono::seconds> retry_after_of(std::string_view line) {
  constexpr std::string_view name = "retry-after:";
  if (line.size() < name.size()) return std::nullopt;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (lower(line[i]) != name[i]) return std::nullopt;
  line.remove_prefix(name.size());
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
    line.remove_prefix(1);
  std::uint64_t n = 0;
  std::size_t digits = 0;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9' && digits < 9)
    n = n * 10 + static_cast<std::uint64_t>(line[digits++] - '0');
  if (digits == 0) return std::nullopt;
  return std::chrono::seconds(n);
}

}  // namespace

struct http_client::impl {
  // One descriptor curl wants watched. Sockets are curl's; Asio only waits on them, and lets go
  // (release) when curl is done with one: a connection's socket when curl closes it
  // (CURLOPT_CLOSESOCKETFUNCTION), so that a kept-alive connection curl stops watching between
  // two requests (CURL_POLL_REMOVE) stays registered with Asio's reactor, wanting nothing
  // (registering it again for the next request cost two epoll_ctl and an ioctl per request);
  // any other socket (the resolver's, which curl closes itself) at CURL_POLL_REMOVE.
  struct watched {
    asio::posix::stream_descriptor descriptor;
    int want = 0;  // CURL_POLL_IN / CURL_POLL_OUT bits
    bool reading = false;
    bool writing = false;
    bool gone = false;
    watched(asio::io_context& io, curl_socket_t s) : descriptor(io, s) {}
  };

  struct transfer {
    impl* owner = nullptr;
    CURL* easy = nullptr;
    std::uint64_t tag = 0;
    // The request sent: `owned` (start() with an rvalue), or the caller's (start_borrowed()),
    // which stays valid until the completion and is not touched after it.
    http::built_request owned;
    const http::built_request* request = nullptr;
    // Reused from one transfer to the next: the body keeps its capacity when the completion did
    // not move it out.
    http_result result;
    // Request octets handed to the connection: the end of the headers is seen ("\r\n\r\n"
    // matched across chunks), then the body counted.
    std::uint8_t header_end_matched = 0;
    bool headers_written = false;
    std::uint64_t body_written = 0;
    bool refused_reconnect = false;
    char error[CURL_ERROR_SIZE] = {};
    curl_slist* request_headers = nullptr;  // "Expect:" and the request's own, when it has some

    bool written() const noexcept {
      return headers_written && body_written >= request->payload().size();
    }
  };

  asio::io_context& io;
  http_client_settings settings;
  completion on_done;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  asio::steady_timer timer;
  std::chrono::steady_clock::time_point timer_due = std::chrono::steady_clock::time_point::max();
  bool timeout_posted = false;
  std::unordered_map<curl_socket_t, std::shared_ptr<watched>> sockets;
  std::unordered_set<curl_socket_t> connection_sockets;  // opened and closed through our callbacks
  std::vector<std::unique_ptr<transfer>> idle;           // finished transfers, easy handles kept
  std::vector<transfer*> running;
  std::size_t connections = 0;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  std::string proxy;

  impl(asio::io_context& i, http_client_settings s, completion done)
      : io(i), settings(std::move(s)), on_done(std::move(done)), timer(i) {
    global_init();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &impl::on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &impl::on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    const long max = static_cast<long>(std::max<std::size_t>(settings.max_connections, 1));
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max);
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, long{CURLPIPE_NOTHING});
    // No "Expect: 100-continue" (a second round trip, and a one-second stall with gateways that
    // do not answer it).
    headers = curl_slist_append(nullptr, "Expect:");
    if (!settings.proxy_url.empty()) {
      proxy = settings.proxy_url;
      if (proxy.find("://") == std::string::npos) proxy = "http://" + proxy;
    }
  }

  ~impl() {
    *alive = false;
    for (transfer* t : running)
      curl_multi_remove_handle(multi, t->easy);
    for (transfer* t : running) {
      curl_easy_cleanup(t->easy);
      curl_slist_free_all(t->request_headers);
      delete t;
    }
    running.clear();
    for (auto& t : idle) {
      curl_easy_cleanup(t->easy);
      curl_slist_free_all(t->request_headers);
    }
    idle.clear();
    for (auto& [fd, w] : sockets) {
      w->gone = true;
      w->descriptor.release();
    }
    sockets.clear();
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }

  // ---- curl's callbacks ----

  static int on_socket(CURL*, curl_socket_t s, int what, void* userp, void*) {
    auto* self = static_cast<impl*>(userp);
    auto it = self->sockets.find(s);
    if (what == CURL_POLL_REMOVE) {
      if (it == self->sockets.end()) return 0;
      if (self->connection_sockets.contains(s)) {
        // A wait still pending ends in ready(), which does nothing for a socket wanting nothing.
        it->second->want = 0;
      } else {
        it->second->gone = true;
        it->second->descriptor.release();
        self->sockets.erase(it);
      }
      return 0;
    }
    if (it == self->sockets.end())
      it = self->sockets.emplace(s, std::make_shared<watched>(self->io, s)).first;
    it->second->want = what;
    self->arm(it->second, s);
    return 0;
  }

  // curl's timeout, on one steady_timer that is only moved when the timeout comes closer (every
  // move is a timerfd_settime system call, and curl asks for a new timeout at every step of every
  // transfer): a timer that fires early is harmless, curl then asks for the rest. "Now" goes
  // through the I/O loop without the timer.
  static int on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<impl*>(userp);
    if (timeout_ms < 0) return 0;
    if (timeout_ms == 0) {
      if (!self->timeout_posted) {
        self->timeout_posted = true;
        asio::post(self->io, [self, alive = self->alive] {
          if (!*alive) return;
          self->timeout_posted = false;
          self->on_timeout();
        });
      }
      return 0;
    }
    const auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    if (due >= self->timer_due) return 0;
    self->timer_due = due;
    self->timer.expires_at(due);
    self->timer.async_wait([self, alive = self->alive](const boost::system::error_code& ec) {
      if (!*alive || ec == asio::error::operation_aborted) return;
      self->timer_due = std::chrono::steady_clock::time_point::max();
      self->on_timeout();
    });
    return 0;
  }

  void on_timeout() {
    int running_handles = 0;
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running_handles);
    collect();
  }

  static curl_socket_t on_open_socket(void* clientp, curlsocktype, curl_sockaddr* address) {
    auto* t = static_cast<transfer*>(clientp);
    // curl opens a second connection for a request whose reused connection died without an
    // answer. A request written once may have reached the gateway: it is not sent again.
    if (t->written()) {
      t->refused_reconnect = true;
      return CURL_SOCKET_BAD;
    }
    t->header_end_matched = 0;
    t->headers_written = false;
    t->body_written = 0;
    const curl_socket_t s =
        ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (s != CURL_SOCKET_BAD) {
      ++t->owner->connections;
      t->owner->connection_sockets.insert(s);
    }
    return s;
  }

  // Before every attempt to send the request, on a new connection or a reused one. curl sends a
  // request whose reused connection died without an answer again, on a new connection (refused
  // above) or on another connection of its cache (refused here): a request written once may have
  // reached the gateway.
  static int on_before_request(void* clientp, char*, char*, int, int) {
    auto* t = static_cast<transfer*>(clientp);
    if (t->written()) {
      t->refused_reconnect = true;
      return CURL_PREREQFUNC_ABORT;
    }
    t->header_end_matched = 0;
    t->headers_written = false;
    t->body_written = 0;
    return CURL_PREREQFUNC_OK;
  }

  static int on_close_socket(void* clientp, curl_socket_t s) {
    auto* self = static_cast<impl*>(clientp);
    // Asio lets go of the descriptor (its pending waits cancelled) before it is closed and its
    // number can be reused.
    if (auto it = self->sockets.find(s); it != self->sockets.end()) {
      it->second->gone = true;
      it->second->descriptor.release();
      self->sockets.erase(it);
    }
    self->connection_sockets.erase(s);
    if (self->connections > 0) --self->connections;
    return ::close(s);
  }

  static int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* userp) {
    auto* t = static_cast<transfer*>(userp);
    if (type == CURLINFO_HEADER_OUT) {
      t->result.octets_written += size;
      static constexpr char end[] = "\r\n\r\n";
      for (std::size_t i = 0; i < size && !t->headers_written; ++i) {
        if (data[i] == end[t->header_end_matched])
          ++t->header_end_matched;
        else
          t->header_end_matched = data[i] == '\r' ? 1 : 0;
        if (t->header_end_matched == 4) t->headers_written = true;
      }
    } else if (type == CURLINFO_DATA_OUT) {
      t->result.octets_written += size;
      t->body_written += size;
    }
    return 0;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* userp) {
    auto* t = static_cast<transfer*>(userp);
    const std::size_t n = size * count;
    const std::size_t room = t->owner->settings.max_response_octets - t->result.body.size();
    if (n > room) t->result.body_cut = true;
    t->result.body.append(data, std::min(n, room));
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* userp) {
    auto* t = static_cast<transfer*>(userp);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {  // a new response begins
      t->result.retry_after.reset();
      t->result.content_type.clear();
    }
    if (auto after = retry_after_of(line)) t->result.retry_after = after;
    constexpr std::string_view content_type = "content-type:";
    if (line.size() > content_type.size()) {
      bool match = true;
      for (std::size_t i = 0; i < content_type.size() && match; ++i)
        match = (line[i] | 0x20) == content_type[i];
      if (match) {
        std::string_view v = line.substr(content_type.size());
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
          v.remove_prefix(1);
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' '))
          v.remove_suffix(1);
        t->result.content_type.assign(v.substr(0, 1024));
      }
    }
    return size * count;
  }

  static CURLcode on_ssl_context(CURL*, void* ssl_ctx, void* userp) {
    auto* self = static_cast<impl*>(userp);
    // Trust exactly the certificates of x-http-tls-path-to-certificate.
    SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx),
                            SSL_CTX_get_cert_store(self->settings.trust->native_handle()));
    return CURLE_OK;
  }

  // ---- Asio side ----

  void arm(const std::shared_ptr<watched>& w, curl_socket_t s) {
    if ((w->want & CURL_POLL_IN) && !w->reading) {
      w->reading = true;
      w->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                               [this, w, s, alive = alive](const boost::system::error_code& ec) {
                                 w->reading = false;
                                 if (!*alive) return;
                                 ready(w, s, ec, CURL_CSELECT_IN);
                               });
    }
    if ((w->want & CURL_POLL_OUT) && !w->writing) {
      w->writing = true;
      w->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                               [this, w, s, alive = alive](const boost::system::error_code& ec) {
                                 w->writing = false;
                                 if (!*alive) return;
                                 ready(w, s, ec, CURL_CSELECT_OUT);
                               });
    }
  }

  void ready(const std::shared_ptr<watched>& w, curl_socket_t s,
             const boost::system::error_code& ec, int direction) {
    if (w->gone || ec == asio::error::operation_aborted) return;
    if (!(w->want & (direction == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT))) return;
    int running_handles = 0;
    curl_multi_socket_action(multi, s, ec ? CURL_CSELECT_ERR : direction, &running_handles);
    collect();
    if (!w->gone) arm(w, s);
  }

  // ---- transfers ----

  transfer* take_transfer() {
    if (!idle.empty()) {
      transfer* t = idle.back().release();
      idle.pop_back();
      return t;
    }
    auto t = std::make_unique<transfer>();
    t->owner = this;
    t->easy = curl_easy_init();
    if (t->easy == nullptr) return nullptr;
    configure(*t);
    return t.release();
  }

  void configure(transfer& t) {
    CURL* e = t.easy;
    const auto& s = settings;
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_1_1});
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, s.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(s.request_timeout.count()));
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, s.keep_alive ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, static_cast<long>(s.keep_alive_idle.count()));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &impl::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &impl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    // The debug callback is how curl tells what it wrote (it is only called in verbose mode);
    // nothing of it is logged.
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &impl::on_debug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, &t);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &impl::on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &impl::on_before_request);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &impl::on_close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    // The proxy configured, or none: never one from the environment (http_proxy, ...).
    curl_easy_setopt(e, CURLOPT_PROXY, proxy.c_str());
    if (!proxy.empty()) {
      curl_easy_setopt(e, CURLOPT_NOPROXY, "");
      if (s.proxy_port != 0) curl_easy_setopt(e, CURLOPT_PROXYPORT, long{s.proxy_port});
      if (!s.proxy_user.empty()) {
        curl_easy_setopt(e, CURLOPT_PROXYAUTH, long{CURLAUTH_BASIC});
        curl_easy_setopt(e, CURLOPT_PROXYUSERNAME, s.proxy_user.c_str());
        curl_easy_setopt(e, CURLOPT_PROXYPASSWORD, s.proxy_password.c_str());
      }
      curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    }
    curl_easy_setopt(e, CURLOPT_SSLVERSION,
                     s.tls_version == config::tls_version::tls1_3 ? long{CURL_SSLVERSION_TLSv1_3}
                                                                  : long{CURL_SSLVERSION_TLSv1_2});
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER,
                     s.tls_verification == config::tls_verification::insecure_none ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST,
                     s.tls_verification == config::tls_verification::full ? 2L : 0L);
    if (s.trust) {
      curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &impl::on_ssl_context);
      curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, this);
    }
  }

  void start(std::uint64_t tag, http::built_request&& request) {
    transfer* t = take_transfer();
    if (t == nullptr) {
      fail_later(tag, "curl could not make a transfer (out of memory)");
      return;
    }
    t->owned = std::move(request);
    begin(tag, *t, t->owned);
  }

  void start_borrowed(std::uint64_t tag, const http::built_request& request) {
    transfer* t = take_transfer();
    if (t == nullptr) {
      fail_later(tag, "curl could not make a transfer (out of memory)");
      return;
    }
    begin(tag, *t, request);
  }

  void begin(std::uint64_t tag, transfer& tr, const http::built_request& request) {
    transfer* const t = &tr;
    t->tag = tag;
    t->request = &request;
    std::string body = std::move(t->result.body);
    t->result = http_result{};
    body.clear();
    if (body.capacity() < 256) body.reserve(256);
    t->result.body = std::move(body);
    t->header_end_matched = 0;
    t->headers_written = false;
    t->body_written = 0;
    t->refused_reconnect = false;
    t->error[0] = '\0';
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
    curl_slist_free_all(t->request_headers);
    t->request_headers = nullptr;
    if (!request.headers.empty()) {
      t->request_headers = curl_slist_append(nullptr, "Expect:");
      for (const std::string& h : request.headers)
        t->request_headers = curl_slist_append(t->request_headers, h.c_str());
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->request_headers ? t->request_headers : headers);
    if (request.verb == http::method::get) {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
      // The payload is read from where it is: curl copies nothing (CURLOPT_POSTFIELDS).
      const std::string& payload = request.payload();
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    }
    if (curl_multi_add_handle(multi, e) != CURLM_OK) {
      release_request(*t);
      idle.emplace_back(t);
      fail_later(tag, "curl refused the transfer");
      return;
    }
    running.push_back(t);
  }

  // A request that could not even start: its result comes from the I/O loop, never from inside
  // start().
  void fail_later(std::uint64_t tag, std::string why) {
    asio::post(io, [this, alive = alive, tag, why = std::move(why)] {
      if (!*alive) return;
      http_result r;
      r.failure = transport_failure::local;
      r.detail = why;
      on_done(tag, std::move(r));
    });
  }

  void collect() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      finish(*t, msg->data.result, {});
    }
  }

  void finish(transfer& t, CURLcode code, std::string_view aborted) {
    http_result& r = t.result;
    r.request_written = t.written();
    long status = 0;
    long connect_status = 0;
    curl_off_t connect_time = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(t.easy, CURLINFO_HTTP_CONNECTCODE, &connect_status);
    curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connect_time);
    r.status = static_cast<int>(status);
    if (!aborted.empty()) {
      r.failure = transport_failure::local;
      r.detail = std::string(aborted);
    } else if (code == CURLE_OK && status >= 100) {
      r.failure = transport_failure::none;
    } else if (status >= 300 && connect_status == 0 && !t.refused_reconnect) {
      // The gateway (or a forwarding proxy) answered with a refusal and then broke off the
      // body: the refusal stands. A 2xx cut short is no proof of success (below: lost).
      r.failure = transport_failure::none;
      r.body_cut = true;
    } else {
      classify_failure(t, code, connect_status, connect_time > 0);
    }
    // Through a forwarding proxy an authentication refusal may be the proxy's own (tinyproxy
    // 1.11 answers 401 where RFC 9110 §15.5.8 says 407).
    if (r.failure == transport_failure::none && (status == 401 || status == 407) &&
        !proxy.empty() && connect_status == 0)
      r.detail =
          "sent through the proxy x-http-proxy-url: if the proxy refused, check x-http-proxy-user "
          "and x-http-proxy-password";
    curl_multi_remove_handle(multi, t.easy);
    std::erase(running, &t);
    const std::uint64_t tag = t.tag;
    http_result done = std::move(r);
    release_request(t);
    // Back to the pool after the completion (which may start transfers: they take others), so
    // that the body's buffer, when the completion left it, serves the transfer's next request.
    on_done(tag, std::move(done));
    t.result.body = std::move(done.body);
    idle.emplace_back(&t);
  }

  // The transfer no longer refers to its request (a borrowed one may be gone after the
  // completion).
  static void release_request(transfer& t) {
    t.request = nullptr;
    t.owned.url.clear();
    t.owned.body.clear();
    t.owned.shared_body.reset();
    t.owned.headers.clear();
  }

  void classify_failure(transfer& t, CURLcode code, long connect_status, bool connected) {
    http_result& r = t.result;
    const std::string words =
        t.error[0] != '\0' ? std::string(t.error) : std::string(curl_easy_strerror(code));
    const bool via_proxy = !proxy.empty();
    auto set = [&](transport_failure f, std::string detail) {
      r.failure = f;
      r.detail = std::move(detail);
    };
    if (t.refused_reconnect) {
      r.request_written = true;
      set(transport_failure::connection_lost,
          fmt::format("the connection closed after the request was written ({}); it is not sent "
                      "again on a new connection",
                      words));
      return;
    }
    if (connect_status != 0 && (connect_status < 200 || connect_status > 299)) {
      set(transport_failure::proxy,
          connect_status == 407 || connect_status == 401
              ? fmt::format("the proxy refused our credentials for the tunnel (HTTP {}; check "
                            "x-http-proxy-user and x-http-proxy-password): {}",
                            connect_status, words)
              : fmt::format("the proxy refused the tunnel to the gateway with HTTP {}: {}",
                            connect_status, words));
      return;
    }
    switch (code) {
      case CURLE_COULDNT_RESOLVE_HOST:
        set(transport_failure::resolve, fmt::format("{} (check the host of x-http-url)", words));
        return;
      case CURLE_COULDNT_RESOLVE_PROXY:
        set(transport_failure::proxy, fmt::format("{} (check x-http-proxy-url)", words));
        return;
      case CURLE_COULDNT_CONNECT:
        if (via_proxy)
          set(transport_failure::proxy,
              fmt::format("could not connect to the proxy (x-http-proxy-url): {}", words));
        else
          set(transport_failure::connect, words);
        return;
      case CURLE_OPERATION_TIMEDOUT:
        if (!connected) {
          set(via_proxy ? transport_failure::proxy : transport_failure::connect,
              fmt::format("no connection within x-http-connect-timeout: {}", words));
          return;
        }
        set(transport_failure::timeout, words);
        return;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      case CURLE_SSL_INVALIDCERTSTATUS:
        set(transport_failure::tls,
            fmt::format("the gateway's certificate is not trusted: {} (check "
                        "x-http-tls-path-to-certificate, empty for the system trust store, and "
                        "that x-http-url names a host the certificate carries)",
                        words));
        return;
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_USE_SSL_FAILED:
      case CURLE_SSL_ENGINE_NOTFOUND:
      case CURLE_SSL_ENGINE_SETFAILED:
      case CURLE_SSL_ENGINE_INITFAILED:
      case CURLE_SSL_SHUTDOWN_FAILED:
      case CURLE_SSL_CRL_BADFILE:
        set(transport_failure::tls,
            fmt::format("{} (check x-http-tls-version and that the gateway speaks TLS on this "
                        "port)",
                        words));
        return;
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
        set(transport_failure::connection_lost, words);
        return;
      case CURLE_WEIRD_SERVER_REPLY:
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_BAD_CONTENT_ENCODING:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
      case CURLE_TOO_MANY_REDIRECTS:
      case CURLE_OK:
        set(transport_failure::protocol, words);
        return;
      default:
        set(transport_failure::local, words);
        return;
    }
  }

  void abort_all(std::string_view reason) {
    while (!running.empty())
      finish(*running.front(), CURLE_OK, reason);
  }
};

http_client::http_client(asio::io_context& io, http_client_settings settings, completion on_done)
    : impl_(std::make_unique<impl>(io, std::move(settings), std::move(on_done))) {}

http_client::~http_client() = default;

void http_client::start(std::uint64_t tag, http::built_request&& request) {
  impl_->start(tag, std::move(request));
}

void http_client::start_borrowed(std::uint64_t tag, const http::built_request& request) {
  impl_->start_borrowed(tag, request);
}

std::size_t http_client::active() const noexcept {
  return impl_->running.size();
}

void http_client::abort_all(std::string_view reason) {
  impl_->abort_all(reason);
}

std::size_t http_client::open_connections() const noexcept {
  return impl_->connections;
}

std::string http_client_version() {
  global_init();
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  if (v == nullptr) return "libcurl";
  return fmt::format("libcurl/{} {}", v->version, v->ssl_version ? v->ssl_version : "");
}

}  // namespace smsdrv::io
