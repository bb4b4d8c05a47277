// The only translation unit of the driver that includes Boost.Beast (the MM7 listener).
#include "io/mm7_runner.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "io/host_inbox.hpp"
#include "io/http_client.hpp"
#include "mm7/listener_exchange.hpp"
#include "mm7/mms_core.hpp"

namespace smsdrv::io {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

mm7::core_settings core_settings_of(const mm7_runner_config& c) {
  mm7::core_settings s;
  s.channel = c.channel;
  s.application_name = c.application_name;
  s.urls = c.mms.failover_url ? 2 : 1;
  s.max_in_flight = c.mms.max_in_flight;
  s.max_rate = c.mms.max_rate;
  s.response_timeout = c.mms.response_timeout;
  s.ack_timeout = c.mms.ack_timeout;
  s.max_unacked = std::max<std::size_t>(c.mms.max_connections, 1);
  return s;
}

http_client_settings client_settings_of(const mm7::mms_settings& m) {
  http_client_settings s;
  s.connect_timeout = m.connect_timeout;
  s.request_timeout = m.connect_timeout + m.response_timeout;
  s.max_connections = m.max_in_flight;
  s.keep_alive = true;
  s.user_agent = "smsmms-mm7";
  s.max_response_octets = 256 * 1024;
  return s;
}

}  // namespace

struct mm7_runner::impl : std::enable_shared_from_this<impl> {
  // An MMSC request held until the core has its answer (after the host's ack).
  struct held_reply {
    explicit held_reply(asio::io_context& io) : signal(io, clock::time_point::max()) {}
    asio::steady_timer signal;
    std::optional<mm7::http_answer> answer;
  };

  impl(asio::io_context& i, mm7_runner_config c, log_sink& l, event_sink& e, void* key,
       impl* previous)
      : io(i),
        config(std::move(c)),
        log(l),
        events(e),
        sink_key(key),
        core(core_settings_of(config), config.mms, clock::now()),
        client(i, client_settings_of(config.mms),
               [this](std::uint64_t tag, http_result&& r) { on_client_result(tag, std::move(r)); }),
        timer(i),
        drain_timer(i),
        acceptor(i) {
    urls.push_back(config.mms.url.text);
    if (config.mms.failover_url) urls.push_back(config.mms.failover_url->text);
    if (!config.mms.listener_enabled) return;
    const auto& m = config.mms;
    if (!m.tls_certificate.empty()) {
      tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                       asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
      if (!m.tls_key_password.empty())
        tls->set_password_callback(
            [password = m.tls_key_password](std::size_t, asio::ssl::context::password_purpose) {
              return password;
            });
      boost::system::error_code ec;
      tls->use_certificate_chain_file(m.tls_certificate, ec);
      if (ec)
        throw std::runtime_error(
            fmt::format("[listener] tls-certificate '{}': {}", m.tls_certificate, ec.message()));
      tls->use_private_key_file(m.tls_key, asio::ssl::context::pem, ec);
      if (ec)
        throw std::runtime_error(fmt::format("[listener] tls-key '{}': {} (check tls-key-password)",
                                             m.tls_key, ec.message()));
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(m.listen_address, ec);
    if (ec)
      throw std::runtime_error(
          fmt::format("[listener] address '{}': {}", m.listen_address, ec.message()));
    const tcp::endpoint endpoint(address, m.listen_port);
    if (previous != nullptr && m.listen_port != 0 && previous->acceptor.is_open() &&
        previous->acceptor.local_endpoint(ec) == endpoint && !ec) {
      // The same address and port: the listening socket changes hands (its accept loop ends).
      const auto native = previous->acceptor.release(ec);
      if (!ec) acceptor.assign(endpoint.protocol(), native, ec);
      if (ec)
        throw std::runtime_error(
            fmt::format("[listener] cannot take over {}:{} from the "
                        "previous instance: {}",
                        m.listen_address, m.listen_port, ec.message()));
      port = acceptor.local_endpoint().port();
      return;
    }
    ec.clear();
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (ec == asio::error::address_in_use && previous != nullptr)
      ec = take_port_from(*previous, endpoint);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error(fmt::format("[listener] cannot listen on {}:{}: {}",
                                           m.listen_address, m.listen_port, ec.message()));
    port = acceptor.local_endpoint().port();
  }

  // The previous instance listens on the same port at an address that overlaps `endpoint` (e.g.
  // 127.0.0.1 to 0.0.0.0 or back): it stops listening, and this socket binds. Should that bind
  // fail, the previous instance listens again where it was (its accept loop goes on: it only
  // ends on a closed acceptor), so a refused configuration changes nothing. Returns the bind's
  // error; address_in_use when the previous instance is not on that port.
  boost::system::error_code take_port_from(impl& previous, const tcp::endpoint& endpoint) {
    boost::system::error_code ec;
    if (!previous.acceptor.is_open()) return asio::error::address_in_use;
    const tcp::endpoint old = previous.acceptor.local_endpoint(ec);
    if (ec || old.port() != endpoint.port()) return asio::error::address_in_use;
    previous.acceptor.close(ec);
    ec.clear();
    acceptor.bind(endpoint, ec);
    if (!ec) return ec;
    boost::system::error_code again;
    previous.acceptor.open(old.protocol(), again);
    if (!again) previous.acceptor.set_option(tcp::acceptor::reuse_address(true), again);
    if (!again) previous.acceptor.bind(old, again);
    if (!again) previous.acceptor.listen(asio::socket_base::max_listen_connections, again);
    if (again)
      log.write(log_level::error, config.channel,
                fmt::format("MM7 listener: cannot listen on {} again after a refused change: {}",
                            old.address().to_string() + ":" + std::to_string(old.port()),
                            again.message()));
    return ec;
  }

  void start() {
    if (acceptor.is_open()) {
      log.write(log_level::info, config.channel,
                fmt::format("MM7 listener on {}:{}{}{}", config.mms.listen_address, port,
                            config.mms.listen_path, tls ? " (HTTPS)" : ""));
      asio::co_spawn(io, accept_loop(shared_from_this()), asio::detached);
    }
  }

  // ---- host threads ----

  void submit(mm7::prepared_mms&& r) {
    if (inbox.put(std::move(r))) wake();
  }

  void ack(std::uint64_t ack_id, std::int32_t disposition) {
    if (inbox.put_ack(ack_id & ~mms_ack_bit, disposition)) wake();
  }

  void wake() {
    asio::post(io, [self = shared_from_this()] {
      self->drain_inbox();
      self->pump();
    });
  }

  void drain_inbox() {
    std::vector<mm7::prepared_mms> requests;
    std::vector<host_inbox<mm7::prepared_mms>::ack> acks;
    inbox.take(requests, acks);
    const auto now = clock::now();
    for (auto& r : requests)
      core.submit(std::move(r), now);
    for (auto [id, disposition] : acks)
      core.on_ack(id, disposition);
  }

  // ---- I/O thread ----

  void pump() {
    const auto now = clock::now();
    core.on_tick(now);
    for (auto& p : core.take_posts(now)) {
      http::built_request request;
      request.verb = http::method::post;
      request.url = urls[p.url];
      request.shared_body = p.body;
      for (const auto& h : *p.headers)
        request.headers.push_back(h.name + ": " + h.value);
      client.start(p.tag, std::move(request));
    }
    for (auto& r : core.replies()) {
      auto it = held.find(r.reply_tag);
      if (it == held.end()) continue;
      it->second->answer = std::move(r.answer);
      it->second->signal.cancel();
      held.erase(it);
    }
    core.replies().clear();
    auto& out = core.events();
    if (!out.empty()) {
      for (auto& e : out)
        if (e.ack_id != 0) e.ack_id |= mms_ack_bit;
      events.push(sink_key, out);
      out.clear();
    }
    if (auto next = core.next_deadline()) {
      timer.expires_at(*next);
      timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->pump();
      });
    } else {
      timer.cancel();
    }
    if (shutting_down && core.idle() && !finished_once) {
      finished_once = true;
      drain_timer.cancel();
      close_listener();
      close_idle_sessions();
      auto done = std::move(on_finished);
      on_finished.clear();
      for (auto& f : done)
        f();
    }
  }

  // Connections waiting for a request: closed (an MMSC's request written meanwhile is refused
  // by the connection's reset, never answered as taken). The others close after their answer.
  void close_idle_sessions() {
    for (auto it = sessions.begin(); it != sessions.end();) {
      if (it->second.idle) {
        it->second.close();
        it = sessions.erase(it);
      } else {
        ++it;
      }
    }
  }

  void on_client_result(std::uint64_t tag, http_result&& r) {
    mm7::post_result p;
    p.answered = r.failure == http::transport_failure::none && r.status != 0;
    p.written = r.request_written;
    p.http_status = r.status;
    p.content_type = std::move(r.content_type);
    p.body = std::move(r.body);
    if (!p.answered) p.failure = fmt::format("{}: {}", http::failure_name(r.failure), r.detail);
    core.on_post_result(tag, std::move(p), clock::now());
    pump();
  }

  void begin_shutdown(clock::time_point deadline, std::function<void()> done, bool keep_acks) {
    if (finished_once) {
      done();
      return;
    }
    on_finished.push_back(std::move(done));
    const bool first = !shutting_down;
    shutting_down = true;
    close_listener();
    close_idle_sessions();
    if (keep_acks)
      core.begin_shutdown(clock::now(), deadline);
    else
      core.begin_shutdown(clock::now());
    if (first || deadline < drain_deadline) {
      drain_deadline = deadline;
      drain_timer.expires_at(deadline);
      drain_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec) return;
        // In flight past the drain: cut; each exchange still gets its result (and the request
        // its one RESPONSE). Requests still waiting for an ack end at this deadline too.
        self->client.abort_all("the driver is shutting down");
        self->pump();
      });
    }
    pump();
  }

  void force_close(std::string_view) {
    close_listener();
    client.abort_all("the driver is shutting down");
    for (auto& [id, open] : sessions)
      open.close();
    sessions.clear();
    for (auto& [tag, h] : held)
      h->signal.cancel();
    held.clear();
    pump();
  }

  void close_listener() {
    boost::system::error_code ignored;
    if (acceptor.is_open()) acceptor.close(ignored);
  }

  asio::awaitable<void> accept_loop(std::shared_ptr<impl> self) {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec) {
        if (!acceptor.is_open()) co_return;
        continue;
      }
      if (sessions.size() >= config.mms.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      socket.set_option(tcp::no_delay(true));
      std::uint64_t id = next_session++;
      if (tls) {
        auto stream =
            std::make_shared<beast::ssl_stream<beast::tcp_stream>>(std::move(socket), *tls);
        sessions[id].close = [stream] {
          boost::system::error_code ignored;
          beast::get_lowest_layer(*stream).socket().close(ignored);
        };
        asio::co_spawn(io, tls_session(self, stream, id), asio::detached);
      } else {
        auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
        sessions[id].close = [stream] {
          boost::system::error_code ignored;
          stream->socket().close(ignored);
        };
        asio::co_spawn(io, serve(self, stream, id), asio::detached);
      }
    }
  }

  asio::awaitable<void> tls_session(std::shared_ptr<impl> self,
                                    std::shared_ptr<beast::ssl_stream<beast::tcp_stream>> stream,
                                    std::uint64_t id) {
    beast::get_lowest_layer(*stream).expires_after(config.mms.request_timeout);
    auto [ec] = co_await stream->async_handshake(asio::ssl::stream_base::server, use_tuple);
    if (ec) {
      log.write(log_level::warn, config.channel,
                fmt::format("MM7 listener: TLS handshake failed: {}", ec.message()));
      sessions.erase(id);
      co_return;
    }
    co_await serve(self, stream, id);
  }

  template <class Stream>
  asio::awaitable<void> serve(std::shared_ptr<impl> self, std::shared_ptr<Stream> stream,
                              std::uint64_t id) {
    auto& lowest = beast::get_lowest_layer(*stream);
    beast::flat_buffer buffer;
    for (;;) {
      if (shutting_down) break;
      lowest.expires_after(config.mms.request_timeout);
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(64 * 1024);
      // No limit while the header is read (Beast would refuse a large Content-Length there,
      // before check_request_head can answer 413); the body's limit is set after.
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      set_idle(id, buffer.size() == 0);
      auto [hec, hn] = co_await bhttp::async_read_header(*stream, buffer, parser, use_tuple);
      set_idle(id, false);
      if (hec) break;
      auto& head = parser.get();
      std::optional<std::uint64_t> length;
      if (auto l = parser.content_length()) length = *l;
      mm7::request_head h{head.method_string(), head.target(), head[bhttp::field::authorization],
                          length};
      std::optional<mm7::http_answer> early = mm7::check_request_head(config.mms, h);
      bool keep_alive = head.keep_alive();
      if (early) {
        log_refusal(*early, head.target());
        if (co_await write(*stream, *early, head.version(), false)) co_await linger(*stream);
        break;  // the body was not read: the connection cannot be reused
      }
      parser.body_limit(config.mms.max_message_size);
      auto [bec, bn] = co_await bhttp::async_read(*stream, buffer, parser, use_tuple);
      if (bec == bhttp::error::body_limit) {
        if (co_await write(*stream, mm7::answer_too_large(config.mms), head.version(), false))
          co_await linger(*stream);
        break;
      }
      if (bec) break;
      lowest.expires_never();
      auto& req = parser.get();
      auto taken = mm7::take_request(config.mms, req[bhttp::field::content_type], req.body());
      mm7::http_answer answer;
      if (auto* a = std::get_if<mm7::http_answer>(&taken)) {
        answer = std::move(*a);
        log_refusal(answer, req.target());
      } else {
        std::uint64_t tag = next_reply++;
        auto slot = std::make_shared<held_reply>(io);
        held[tag] = slot;
        core.on_mmsc_request(tag, std::move(std::get<mm7::mmsc_request>(taken)), clock::now(),
                             std::chrono::system_clock::now());
        pump();
        if (!slot->answer) co_await slot->signal.async_wait(use_tuple);
        if (!slot->answer) break;  // closed by shutdown
        answer = std::move(*slot->answer);
      }
      lowest.expires_after(config.mms.request_timeout);
      keep_alive = keep_alive && !shutting_down;
      if (!co_await write(*stream, answer, req.version(), keep_alive) || !keep_alive) break;
    }
    sessions.erase(id);
    boost::system::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest.socket().close(ignored);
    (void)self;
  }

  // After an answer to a request whose body was not read (401, 413): the rest of the body is
  // read and dropped (for at most request-timeout and 64 MiB), so that the client, still writing
  // it, is not reset before it reads the answer (a "lingering close").
  template <class Stream>
  asio::awaitable<void> linger(Stream& stream) {
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(config.mms.request_timeout);
    std::array<char, 16384> scratch;
    std::uint64_t dropped = 0;
    while (dropped < (std::uint64_t{64} << 20)) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), use_tuple);
      if (ec) break;
      dropped += n;
    }
  }

  template <class Stream>
  asio::awaitable<bool> write(Stream& stream, const mm7::http_answer& a, unsigned version,
                              bool keep_alive) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(a.status), version};
    res.set(bhttp::field::server, "smsmms-mm7");
    if (!a.content_type.empty()) res.set(bhttp::field::content_type, a.content_type);
    if (a.challenge) res.set(bhttp::field::www_authenticate, "Basic realm=\"MM7\"");
    if (a.allow_post) res.set(bhttp::field::allow, "POST");
    res.keep_alive(keep_alive);
    res.body() = a.body;
    res.prepare_payload();
    auto [ec, n] = co_await bhttp::async_write(stream, res, use_tuple);
    // end_of_stream: written, and the answer said "Connection: close".
    co_return !ec || ec == bhttp::error::end_of_stream;
  }

  void set_idle(std::uint64_t id, bool idle) {
    if (auto it = sessions.find(id); it != sessions.end()) it->second.idle = idle;
  }

  void log_refusal(const mm7::http_answer& a, std::string_view target) {
    log.write(log_level::warn, config.channel,
              fmt::format("MM7 listener: a request to {} answered {}{}", target.substr(0, 200),
                          a.status, a.status == 401 ? " (no or wrong credentials)" : ""));
  }

  asio::io_context& io;
  mm7_runner_config config;
  log_sink& log;
  event_sink& events;
  void* sink_key;
  mm7::mms_core core;
  http_client client;
  asio::steady_timer timer;
  asio::steady_timer drain_timer;
  tcp::acceptor acceptor;
  std::unique_ptr<asio::ssl::context> tls;
  std::uint16_t port = 0;
  std::vector<std::string> urls;
  std::map<std::uint64_t, std::shared_ptr<held_reply>> held;
  // The listener's connections: how to close one, and whether it waits for a request with
  // nothing of one read yet.
  struct session_state {
    std::function<void()> close;
    bool idle = false;
  };
  std::map<std::uint64_t, session_state> sessions;
  std::uint64_t next_reply = 1;
  std::uint64_t next_session = 1;
  host_inbox<mm7::prepared_mms> inbox;
  bool shutting_down = false;
  bool finished_once = false;
  clock::time_point drain_deadline = clock::time_point::max();
  std::vector<std::function<void()>> on_finished;
};

mm7_runner::mm7_runner(asio::io_context& io, mm7_runner_config config, log_sink& log,
                       event_sink& events, void* sink_key, mm7_runner* previous)
    : impl_(std::make_shared<impl>(io, std::move(config), log, events, sink_key,
                                   previous != nullptr ? previous->impl_.get() : nullptr)) {}

mm7_runner::~mm7_runner() = default;

void mm7_runner::start() {
  asio::post(impl_->io, [self = impl_] { self->start(); });
}

void mm7_runner::submit(mm7::prepared_mms&& request) {
  impl_->submit(std::move(request));
}

void mm7_runner::ack(std::uint64_t ack_id, std::int32_t disposition) {
  impl_->ack(ack_id, disposition);
}

void mm7_runner::begin_shutdown(std::chrono::steady_clock::time_point deadline,
                                std::function<void()> on_finished, bool keep_acks) {
  impl_->begin_shutdown(deadline, std::move(on_finished), keep_acks);
}

void mm7_runner::force_close(std::string_view reason) {
  impl_->force_close(reason);
}

bool mm7_runner::finished() const noexcept {
  return impl_->shutting_down && impl_->core.idle();
}

std::uint16_t mm7_runner::listen_port() const noexcept {
  return impl_->port;
}

}  // namespace smsdrv::io
