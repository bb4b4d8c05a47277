// One connection to an SMSC: a TCP socket, or a TLS stream over one (x-smpp-tls-mode). Shared by
// the channel's main link (channel_runner) and the failover probe (probe_link), so both speak to
// an SMSC the same way. Pending operations hold a shared_ptr to it, so it outlives them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "io/tls_client.hpp"

namespace smsdrv::io {

namespace asio = boost::asio;

// The trace is declared before the TLS stream so that it outlives the OpenSSL callbacks that
// write to it, and the TLS context the stream was made with stays alive with it (a changed
// certificate file replaces the runner's).
struct link {
  link(asio::io_context& io, asio::ssl::context* context, std::shared_ptr<const tls_client> client)
      : tls_settings_owner(std::move(client)), socket(io) {
    if (context) tls.emplace(io, *context);
  }
  asio::ip::tcp::socket& lowest() { return tls ? tls->next_layer() : socket; }

  std::shared_ptr<const tls_client> tls_settings_owner;  // the context the stream was made with
  tls_trace trace;
  asio::ip::tcp::socket socket;  // plain TCP; unused with TLS
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> tls;
  std::uint64_t bytes_in = 0;  // octets of SMPP received
};

template <class Handler>
void async_read_some(link& l, asio::mutable_buffer buffer, Handler&& handler) {
  if (l.tls)
    l.tls->async_read_some(buffer, std::forward<Handler>(handler));
  else
    l.socket.async_read_some(buffer, std::forward<Handler>(handler));
}

template <class Handler>
void async_write_all(link& l, asio::const_buffer buffer, Handler&& handler) {
  if (l.tls)
    asio::async_write(*l.tls, buffer, std::forward<Handler>(handler));
  else
    asio::async_write(l.socket, buffer, std::forward<Handler>(handler));
}

// The peer ended the connection (a TCP FIN, or a TLS stream cut without close_notify).
inline bool closed_by_peer(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

// What broke a link, in the terms tls_client's messages use.
inline link_failure failure_of(const boost::system::error_code& ec) {
  link_failure f;
  if (ec.category() == asio::error::get_ssl_category()) {
    f.what = link_failure::kind::tls;
    f.tls_error = static_cast<unsigned long>(static_cast<unsigned int>(ec.value()));
  } else if (closed_by_peer(ec)) {
    f.what = link_failure::kind::closed;
  } else {
    f.what = link_failure::kind::system;
    f.system_text = ec.message();
  }
  return f;
}

// An asio::ssl::context over the tls_client's OpenSSL context (which it takes a reference of).
std::unique_ptr<asio::ssl::context> context_of(const tls_client& tls);

}  // namespace smsdrv::io
