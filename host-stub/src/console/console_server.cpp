#include "console/console_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

#include "smsdrv/smsdrv.h"

namespace smsdrv::console {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint32_t max_head = 8 * 1024;
constexpr std::uint64_t max_body = 64 * 1024;
constexpr auto io_timeout = std::chrono::seconds(10);
constexpr int max_connections = 64;

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, console_app& app, int& open)
      : stream_(std::move(socket)), app_(app), open_(open) {
    ++open_;
  }
  ~session() { --open_; }

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(max_head);
    parser_->body_limit(max_body);
    stream_.expires_after(io_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      answer a;
      a.status = ec == http::error::body_limit ? 413 : 431;
      a.body = "request too large\n";
      return write(std::move(a), false);
    }
    if (ec) return;  // timed out, reset or unreadable: the connection goes
    const auto& req = parser_->get();
    const std::string method(req.method_string());
    const auto target = req.target();
    request_view view{method, std::string_view(target.data(), target.size()), req.body(),
                      [&req](std::string_view name) -> std::string_view {
                        const auto it = req.find(beast::string_view(name.data(), name.size()));
                        if (it == req.end()) return {};
                        return {it->value().data(), it->value().size()};
                      }};
    answer a = app_.handle(view);
    write(std::move(a), req.keep_alive());
  }

  void write(answer a, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(a.status);
    res->set(http::field::server, "dms-stub");
    res->set(http::field::content_type, a.content_type);
    for (auto& [name, value] : a.headers)
      res->insert(name, value);
    const std::size_t length = a.body.size();
    if (!a.head_only) res->body() = std::move(a.body);
    res->keep_alive(keep_alive);
    res->content_length(length);
    stream_.expires_after(io_timeout);
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  console_app& app_;
  int& open_;
};

}  // namespace

struct console_server::impl {
  impl(console_app& a, const host::logger& l) : app(a), log(l) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        if (open >= max_connections) {
          beast::error_code ignored;
          s.close(ignored);
        } else {
          std::make_shared<session>(std::move(s), app, open)->start();
        }
      }
      accept();
    });
  }

  console_app& app;
  const host::logger& log;
  int open = 0;  // sessions alive; the I/O thread only (declared first: sessions outlive io)
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
};

console_server::console_server(std::string option, const std::string& address, uint16_t port,
                               console_app& app, const host::logger& log)
    : impl_(std::make_unique<impl>(app, log)) {
  const std::string where =
      (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
      std::to_string(port);
  beast::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) throw std::runtime_error(option + ": '" + address + "' is not an IP address");
  const tcp::endpoint endpoint(ip, port);
  auto fail = [&](beast::error_code e) {
    throw std::runtime_error(option + ": cannot listen on " + where + ": " + e.message());
  };
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (ec) fail(ec);
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  impl_->acceptor.bind(endpoint, ec);
  if (ec) fail(ec);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail(ec);
  impl_->accept();
  impl_->thread = std::thread([this] {
    try {
      impl_->io.run();
    } catch (const std::exception& e) {
      impl_->log.log(SMSDRV_LOG_ERROR, "dms-stub", "console stopped: {}", e.what());
    }
  });
}

console_server::~console_server() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t console_server::port() const noexcept {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace smsdrv::console
