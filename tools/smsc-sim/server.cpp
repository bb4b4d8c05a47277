#include "server.hpp"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "connection.hpp"
#include "json_line.hpp"

namespace smsdrv::sim {

namespace asio = boost::asio;
using asio::ip::tcp;
using tls_stream = asio::ssl::stream<tcp::socket>;

namespace {

std::string subject_of(X509* cert) {
  if (cert == nullptr) return {};
  char buf[512] = {};
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

// The server side of TLS from --tls-*; throws std::runtime_error naming the flag at fault.
std::unique_ptr<asio::ssl::context> make_tls_context(const tls_options& o) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(o.certificate, ec);
  if (ec) throw std::runtime_error(fmt::format("--tls-cert '{}': {}", o.certificate, ec.message()));
  const std::string& key = o.key.empty() ? o.certificate : o.key;
  ctx->use_private_key_file(key, asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error(fmt::format("--tls-key '{}': {}", key, ec.message()));
  if (!o.client_ca.empty()) {
    ctx->load_verify_file(o.client_ca, ec);
    if (ec)
      throw std::runtime_error(fmt::format("--tls-client-ca '{}': {}", o.client_ca, ec.message()));
    SSL_CTX_set_client_CA_list(ctx->native_handle(), SSL_load_client_CA_file(o.client_ca.c_str()));
    ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  if (o.max_version != 0) {
    SSL_CTX_set_max_proto_version(ctx->native_handle(), o.max_version);
    if (o.max_version < TLS1_2_VERSION) {
      // An old SMSC: OpenSSL 3 offers TLS below 1.2 only at security level 0.
      SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_VERSION);
      SSL_CTX_set_security_level(ctx->native_handle(), 0);
    }
  }
  return ctx;
}

}  // namespace

struct server::impl final : connection_host {
  impl(sim_config config, event_sink& events)
      : events_(events),
        host_(config.listen_host),
        port_file_(config.port_file),
        core_(std::move(config), events, system_time()) {
    if (core_.config().tls.enabled()) tls_ = make_tls_context(core_.config().tls);
    const tcp::endpoint endpoint(asio::ip::make_address(host_), core_.config().listen_port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  }

  smsc& core() noexcept override { return core_; }

  void after_core_call() override {
    core_.flush_links();
    if (core_.stop_requested()) {
      shut_down();
      return;
    }
    rearm();
  }

  void forget(std::uint64_t link_id) override { connections_.erase(link_id); }

  void run() {
    core_.listening(host_, port_, core_.time().now());
    if (!port_file_.empty()) write_port_file();
    accept();
    after_core_call();
    ioc_.run();
  }

  void write_port_file() {
    const std::string tmp = port_file_ + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << port_ << '\n';
    }
    std::filesystem::rename(tmp, port_file_);
  }

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (!acceptor_.is_open()) return;
      if (!ec) {
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        const tcp::endpoint peer = socket.remote_endpoint(ignored);
        std::string name = fmt::format("{}:{}", peer.address().to_string(), peer.port());
        if (tls_)
          handshake(std::move(socket), std::move(name));
        else
          open(std::make_shared<connection<tcp::socket>>(std::move(socket), *this, name));
      }
      accept();
    });
  }

  void open(std::shared_ptr<connection_base> c, std::uint64_t link_id) {
    connections_.emplace(link_id, c);
    c->start();
    after_core_call();
  }
  template <class Stream>
  void open(std::shared_ptr<connection<Stream>> c) {
    const std::uint64_t id = c->link_id();
    open(std::move(c), id);
  }

  // TLS first; the SMPP connection exists once it succeeded. Events: `tls` with the version,
  // the SNI the client sent and its certificate, or `tls-failed` with OpenSSL's reason.
  void handshake(tcp::socket socket, std::string peer) {
    struct pending {
      pending(tcp::socket s, asio::ssl::context& ctx, asio::io_context& io)
          : stream(std::move(s), ctx), timer(io) {}
      tls_stream stream;
      asio::steady_timer timer;
    };
    auto p = std::make_shared<pending>(std::move(socket), *tls_, ioc_);
    p->timer.expires_after(std::chrono::seconds(10));
    p->timer.async_wait([p](const boost::system::error_code& ec) {
      if (!ec) close_stream(p->stream);
    });
    p->stream.async_handshake(
        asio::ssl::stream_base::server,
        [this, p, peer = std::move(peer)](const boost::system::error_code& ec) {
          p->timer.cancel();
          if (stopped_) return;
          std::string line;
          json_line j(line);
          if (ec) {
            j.str("event", "tls-failed").str("peer", peer).str("error", ec.message());
            j.finish();
            events_.emit(line);
            events_.flush();
            close_stream(p->stream);
            return;
          }
          SSL* ssl = p->stream.native_handle();
          const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
          X509* client = SSL_get0_peer_certificate(ssl);
          j.str("event", "tls")
              .str("peer", peer)
              .str("version", SSL_get_version(ssl))
              .str("cipher", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)))
              .str("sni", sni ? sni : "")
              .str("client_cert", subject_of(client));
          j.finish();
          events_.emit(line);
          open(std::make_shared<connection<tls_stream>>(std::move(p->stream), *this, peer));
        });
  }

  // The deadline timer follows core_.next_deadline(); it is only moved earlier here, and a
  // timer that fires early just re-arms.
  void rearm() {
    const time_point t = core_.next_deadline();
    if (t == time_point::max() || t >= timer_at_) return;
    timer_at_ = t;
    timer_.expires_at(t);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      timer_at_ = time_point::max();
      core_.on_tick(core_.time().now());
      after_core_call();
    });
  }

  void shut_down() {
    if (stopped_) return;
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    timer_.cancel();
    signals_.cancel(ignored);
    // close() erases from connections_: iterate over a copy.
    std::vector<std::shared_ptr<connection_base>> open;
    for (auto& [id, c] : connections_)
      open.push_back(c);
    for (auto& c : open)
      c->close();
    core_.flush_links();
    ioc_.stop();
  }

  asio::io_context ioc_{1};
  std::unique_ptr<asio::ssl::context> tls_;
  tcp::acceptor acceptor_{ioc_};
  asio::steady_timer timer_{ioc_};
  asio::signal_set signals_{ioc_};
  time_point timer_at_ = time_point::max();
  event_sink& events_;
  std::string host_;
  std::string port_file_;
  std::uint16_t port_ = 0;
  smsc core_;
  std::unordered_map<std::uint64_t, std::shared_ptr<connection_base>> connections_;
  bool stopped_ = false;
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
  impl_->signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) impl_->shut_down();
  });
}

void server::run() {
  impl_->run();
}

void server::stop() {
  asio::post(impl_->ioc_, [this] { impl_->shut_down(); });
}

void server::command(std::string line) {
  asio::post(impl_->ioc_, [this, line = std::move(line)] {
    impl_->core_.on_command(line, impl_->core_.time().now());
    impl_->after_core_call();
  });
}

}  // namespace smsdrv::sim
