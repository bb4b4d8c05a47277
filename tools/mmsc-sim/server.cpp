#include "server.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <filesystem>
#include <fstream>
#include <type_traits>
#include <vector>

#include "mm7/basic_auth.hpp"
#include "mm7/url.hpp"
#include "mmsc.hpp"

namespace smsdrv::mmsc_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct server::impl {
  impl(sim_config config, event_sink& events)
      : events_(events), core_(std::move(config), events, clock::now()) {
    const auto& c = core_.config();
    if (!c.vasp_url.empty()) {
      auto parsed = mm7::parse_http_url(c.vasp_url);
      if (auto* problem = std::get_if<std::string>(&parsed))
        throw std::runtime_error(fmt::format("--vasp-url '{}': {}", c.vasp_url, *problem));
      vasp_ = std::get<mm7::http_url>(parsed);
      if (vasp_.tls) {
        // The VASP's certificate is checked like any HTTPS client does: a trusted CA, the URL's
        // host name (or IP address) among its names, TLS 1.2 at least.
        tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        tls_->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                          asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        tls_->set_verify_mode(asio::ssl::verify_peer);
        boost::system::error_code ec;
        if (c.vasp_ca_file.empty())
          tls_->set_default_verify_paths(ec);
        else
          tls_->load_verify_file(c.vasp_ca_file, ec);
        if (ec)
          throw std::runtime_error(
              fmt::format("--vasp-ca '{}': {}",
                          c.vasp_ca_file.empty() ? "(system CAs)" : c.vasp_ca_file, ec.message()));
      }
      if (!c.vasp_credentials.user.empty())
        vasp_authorization_ =
            mm7::basic_authorization(c.vasp_credentials.user, c.vasp_credentials.password);
    }
    const tcp::endpoint endpoint(asio::ip::make_address(c.listen_host), c.listen_port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  }

  void run() {
    const auto& c = core_.config();
    event e("listening");
    e.str("host", c.listen_host).num("port", port_).str("path", c.path);
    events_.emit(e.line());
    events_.flush();
    if (!c.port_file.empty()) {
      std::string tmp = c.port_file + ".tmp";
      std::ofstream(tmp) << port_ << "\n";
      std::filesystem::rename(tmp, c.port_file);
    }
    asio::co_spawn(io_, accept_loop(), asio::detached);
    pump();
    io_.run();
    events_.flush();
  }

  void stop() {
    asio::post(io_, [this] {
      stopping_ = true;
      io_.stop();
    });
  }

  void command(std::string line) {
    asio::post(io_, [this, line = std::move(line)] {
      if (!core_.command(line, clock::now())) {
        events_.flush();
        io_.stop();
        return;
      }
      pump();
    });
  }

  // After every call into the core: requests that are due leave, the timer follows the core's
  // next deadline, events reach stdout.
  void pump() {
    auto now = clock::now();
    core_.on_tick(now);
    for (auto& p : core_.due_posts(now))
      asio::co_spawn(io_, post_one(std::move(p)), asio::detached);
    auto next = core_.next_deadline();
    timer_.expires_at(next ? *next : clock::time_point::max());
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) pump();
    });
    events_.flush();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) co_return;
        continue;
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(io_, session(std::move(socket), next_conn_++), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket, std::uint64_t conn) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(core_.config().max_body + 1);
      parser.header_limit(64 * 1024);
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (ec == http::error::body_limit) {
        http::response<http::string_body> res{http::status::payload_too_large, 11};
        res.set(http::field::content_type, "text/plain");
        res.set(http::field::connection, "close");
        res.body() = "too large\n";
        res.prepare_payload();
        co_await http::async_write(stream, res, use_tuple);
        co_return;
      }
      if (ec) co_return;
      auto& req = parser.get();
      http_request r;
      r.conn = conn;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      r.content_type = std::string(req[http::field::content_type]);
      r.authorization = std::string(req[http::field::authorization]);
      r.body = std::move(req.body());
      bool keep_alive = req.keep_alive();
      unsigned version = req.version();
      http_reply reply = core_.on_request(r, clock::now());
      pump();
      if (reply.what == http_reply::kind::drop) {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.socket().close(ignored);
        co_return;
      }
      if (reply.what == http_reply::kind::hold) {
        // Never answered: wait until the client gives up and closes.
        char byte = 0;
        co_await stream.async_read_some(asio::buffer(&byte, 1), use_tuple);
        co_return;
      }
      if (reply.answer_at > clock::now()) {
        asio::steady_timer wait(io_, reply.answer_at);
        co_await wait.async_wait(use_tuple);
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
      res.set(http::field::server, "mmsc-sim");
      if (!reply.content_type.empty()) res.set(http::field::content_type, reply.content_type);
      if (reply.challenge) res.set(http::field::www_authenticate, "Basic realm=\"MM7\"");
      res.keep_alive(keep_alive);
      res.body() = std::move(reply.body);
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
      if (wec || !keep_alive) co_return;
    }
  }

  asio::awaitable<void> post_one(outgoing_post post) {
    if (tls_)
      co_await post_over(std::move(post), idle_tls_);
    else
      co_await post_over(std::move(post), idle_);
  }

  // A new connection to the VASP (TLS handshake included), or the reason it failed.
  template <class Stream>
  asio::awaitable<std::string> connect(Stream& stream) {
    auto& lowest = beast::get_lowest_layer(stream);
    tcp::resolver resolver(io_);
    auto [rec, results] =
        co_await resolver.async_resolve(vasp_.host, std::to_string(vasp_.port), use_tuple);
    if (rec) co_return "resolve: " + rec.message();
    auto [cec, ep] = co_await lowest.async_connect(results, use_tuple);
    if (cec) co_return "connect: " + cec.message();
    lowest.socket().set_option(tcp::no_delay(true));
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      boost::system::error_code not_an_address;
      static_cast<void>(asio::ip::make_address(vasp_.host, not_an_address));
      if (not_an_address)  // a name: sent as SNI (RFC 6066 §3 allows no address there)
        SSL_set_tlsext_host_name(stream.native_handle(), vasp_.host.c_str());
      stream.set_verify_callback(asio::ssl::host_name_verification(vasp_.host));
      auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
      if (hec) co_return "TLS handshake: " + hec.message();
    }
    co_return std::string();
  }

  // One request to the VASP, on an idle kept-alive connection or a new one; a kept-alive
  // connection that fails before an answer is replaced once at once (the VASP may have closed
  // it while idle).
  template <class Stream>
  asio::awaitable<void> post_over(outgoing_post post, std::vector<std::unique_ptr<Stream>>& idle) {
    const auto& c = core_.config();
    http::request<http::string_body> req{http::verb::post, vasp_.target, 11};
    req.set(http::field::host, fmt::format("{}:{}", vasp_.host, vasp_.port));
    req.set(http::field::content_type, post.content_type);
    req.set("SOAPAction", "\"\"");
    if (!vasp_authorization_.empty()) req.set(http::field::authorization, vasp_authorization_);
    req.body() = std::move(post.body);
    req.prepare_payload();
    std::string error;
    for (int round = 0; round < 2; ++round) {
      bool reused = !idle.empty();
      std::unique_ptr<Stream> stream;
      if (reused) {
        stream = std::move(idle.back());
        idle.pop_back();
      } else {
        if constexpr (std::is_same_v<Stream, tls_stream>)
          stream = std::make_unique<Stream>(io_, *tls_);
        else
          stream = std::make_unique<Stream>(io_);
        beast::get_lowest_layer(*stream).expires_after(c.post_timeout);
        error = co_await connect(*stream);
        if (!error.empty()) break;
      }
      beast::get_lowest_layer(*stream).expires_after(c.post_timeout);
      auto [wec, wn] = co_await http::async_write(*stream, req, use_tuple);
      if (wec) {
        error = "write: " + wec.message();
        if (reused) continue;
        break;
      }
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(16 * 1024 * 1024);
      auto [rec, rn] = co_await http::async_read(*stream, buffer, parser, use_tuple);
      if (rec) {
        error = rec == beast::error::timeout ? "timeout waiting for the answer"
                                             : "read: " + rec.message();
        if (reused && rec != beast::error::timeout) continue;
        break;
      }
      auto& res = parser.get();
      bool keep = res.keep_alive();
      core_.on_post_result(post.delivery, static_cast<int>(res.result_int()),
                           std::string(res[http::field::content_type]), res.body(), "",
                           clock::now());
      if (keep) {
        beast::get_lowest_layer(*stream).expires_never();
        idle.push_back(std::move(stream));
      }
      pump();
      co_return;
    }
    core_.on_post_result(post.delivery, 0, "", "", error, clock::now());
    pump();
  }

  event_sink& events_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::steady_timer timer_{io_};
  asio::signal_set signals_{io_};
  mmsc core_;
  mm7::http_url vasp_;
  std::string vasp_authorization_;
  std::unique_ptr<asio::ssl::context> tls_;  // --vasp-url https://
  std::vector<std::unique_ptr<beast::tcp_stream>> idle_;
  std::vector<std::unique_ptr<tls_stream>> idle_tls_;
  std::uint16_t port_ = 0;
  std::uint64_t next_conn_ = 1;
  bool stopping_ = false;
};

server::server(sim_config config, event_sink& events)
    : impl_(std::make_unique<impl>(std::move(config), events)) {}

server::~server() = default;

std::uint16_t server::port() const noexcept {
  return impl_->port_;
}

void server::handle_signals() {
  impl_->signals_.add(SIGINT);
  impl_->signals_.add(SIGTERM);
  impl_->signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) impl_->stop();
  });
}

void server::run() {
  impl_->run();
}

void server::stop() {
  impl_->stop();
}

void server::command(std::string line) {
  impl_->command(std::move(line));
}

}  // namespace smsdrv::mmsc_sim
