#include "server.hpp"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "connection.hpp"

namespace smsdrv::sim {

namespace asio = boost::asio;
using asio::ip::tcp;

struct server::impl final : connection_host {
  impl(sim_config config, event_sink& events)
      : events_(events),
        host_(config.listen_host),
        port_file_(config.port_file),
        core_(std::move(config), events, clock::now()) {
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
    core_.listening(host_, port_, clock::now());
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
        auto c = std::make_shared<connection<tcp::socket>>(
            std::move(socket), *this,
            fmt::format("{}:{}", peer.address().to_string(), peer.port()));
        connections_.emplace(c->link_id(), c);
        c->start();
        after_core_call();
      }
      accept();
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
      core_.on_tick(clock::now());
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
    impl_->core_.on_command(line, clock::now());
    impl_->after_core_call();
  });
}

}  // namespace smsdrv::sim
