// One client connection of the simulator, over any Asio stream: plain TCP, or TLS
// (`ssl::stream<tcp::socket>`, handshaken by the server before the connection is made).
//
// The read side reads in large chunks into one buffer and lets the core decode in place; the
// write side writes everything the core produced for a read batch in one async_write, while
// the core keeps appending to a second buffer (swap, no copy, no per-PDU allocation).
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "smsc.hpp"

namespace smsdrv::sim {

// What a connection needs from the server that owns it.
class connection_host {
 public:
  virtual smsc& core() noexcept = 0;
  // After every call into the core: flush links, re-arm the deadline timer.
  virtual void after_core_call() = 0;
  // The connection closed and its link is gone.
  virtual void forget(std::uint64_t link_id) = 0;

 protected:
  ~connection_host() = default;
};

class connection_base : public link_owner {
 public:
  virtual ~connection_base() = default;
  virtual void start() = 0;
  virtual void close() = 0;
};

inline void close_stream(boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Like an SMSC that just drops the line: no TLS close_notify.
inline void close_stream(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream) {
  close_stream(stream.next_layer());
}

template <class Stream>
class connection final : public connection_base,
                         public std::enable_shared_from_this<connection<Stream>> {
 public:
  static constexpr std::size_t read_buffer_size = 256 * 1024;

  connection(Stream stream, connection_host& host, std::string_view peer)
      : stream_(std::move(stream)),
        host_(host),
        link_(&host.core().open_link(peer, host.core().time().now())),
        link_id_(link_->id()) {
    link_->set_owner(this);
    in_.resize(read_buffer_size);
  }

  std::uint64_t link_id() const noexcept { return link_id_; }

  void start() override { read(); }

  void flush() override {
    if (closed_ || writing_) return;
    host_.core().take_output(*link_, out_);  // may be empty: a fault holds the output back
    if (!out_.empty()) {
      writing_ = true;
      boost::asio::async_write(
          stream_, boost::asio::buffer(out_),
          [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
            self->on_written(ec);
          });
      return;
    }
    if (link_->close_requested()) close();
  }

  void close() override {
    if (closed_) return;
    auto self = this->shared_from_this();  // alive until close() returns
    closed_ = true;
    close_stream(stream_);
    link* l = std::exchange(link_, nullptr);
    const std::uint64_t id = l->id();
    host_.core().on_closed(*l, host_.core().time().now());
    host_.forget(id);
  }

 private:
  void read() {
    if (filled_ == in_.size()) in_.resize(in_.size() * 2);  // one PDU larger than the buffer
    stream_.async_read_some(
        boost::asio::buffer(in_.data() + filled_, in_.size() - filled_),
        [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
          self->on_read(ec, n);
        });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      close();
      host_.after_core_call();
      return;
    }
    filled_ += n;
    const std::size_t used = host_.core().on_bytes(*link_, std::string_view(in_.data(), filled_),
                                                   host_.core().time().now());
    if (used > 0) {
      std::memmove(in_.data(), in_.data() + used, filled_ - used);
      filled_ -= used;
    }
    host_.after_core_call();
    if (!closed_) read();
  }

  void on_written(const boost::system::error_code& ec) {
    writing_ = false;
    if (closed_) return;
    if (ec) {
      close();
    } else {
      flush();
    }
    host_.after_core_call();
  }

  Stream stream_;
  connection_host& host_;
  link* link_;  // nullptr once closed
  const std::uint64_t link_id_;
  std::string in_;
  std::size_t filled_ = 0;
  std::string out_;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace smsdrv::sim
