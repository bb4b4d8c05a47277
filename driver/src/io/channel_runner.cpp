#include "io/channel_runner.hpp"

#include <fmt/format.h>

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

namespace smsdrv::io {
namespace {

using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;
using boost::system::error_code;
using tcp = asio::ip::tcp;

constexpr std::size_t read_chunk = 64 * 1024;

std::string read_error_text(const error_code& ec) {
  if (closed_by_peer(ec)) return "the SMSC closed the connection";
  if (ec.category() == asio::error::get_ssl_category())
    return "read failed: " + describe_tls_error(failure_of(ec).tls_error);
  return fmt::format("read failed: {}", ec.message());
}

}  // namespace

std::unique_ptr<asio::ssl::context> context_of(const tls_client& tls) {
  // asio::ssl::context takes ownership of the handle it is given: give it a reference of its own.
  SSL_CTX_up_ref(tls.native_handle());
  return std::make_unique<asio::ssl::context>(tls.native_handle());
}

channel_runner::channel_runner(asio::io_context& io, channel::channel_config config,
                               std::shared_ptr<const tls_client> tls, log_sink& log,
                               event_sink& events, void* sink_key, channel::session_shared* shared)
    : io_(io),
      log_(log),
      events_(events),
      sink_key_(sink_key),
      core_(std::move(config), log, steady::now(), shared),
      tls_(std::move(tls)),
      ssl_context_(tls_ ? context_of(*tls_) : nullptr),
      resolver_(io),
      timer_(io),
      phase_timer_(io),
      write_timer_(io),
      probe_(io, core_.probe(),
             [this] {
               core_.on_probe_finished(steady::now());
               drive();
             }),
      read_buffer_(read_chunk) {}

channel_runner::~channel_runner() = default;

std::string channel_runner::comms_timeout_text() const {
  return fmt::format(
      "{} s (x-smpp-comms-timeout)",
      std::chrono::duration_cast<std::chrono::seconds>(core_.config().connect_timeout).count());
}

void channel_runner::log(log_level level, const std::string& message) {
  if (log_.enabled(level)) log_.write(level, core_.name(), message);
}

void channel_runner::start() {
  asio::post(io_, [this] { drive(); });
}

void channel_runner::submit(channel::prepared_request& request) {
  // The caller's request keeps the frame buffers of a finished one, for its next compose.
  const bool post = inbox_.put(std::move(request), [&] {
    if (!spare_frames_.empty()) {
      request.frames = std::move(spare_frames_.back());
      spare_frames_.pop_back();
    }
  });
  if (post) post_drain();
}

void channel_runner::hand_back_frames() {
  std::vector<channel::frame_list>& spent = core_.spent_frames();
  inbox_.with_lock([&] {
    if (spare_frames_.empty()) {
      spare_frames_.swap(spent);  // both are bounded by the window
      return;
    }
    for (channel::frame_list& frames : spent) {
      if (spare_frames_.size() >= core_.config().window) break;
      spare_frames_.push_back(std::move(frames));
    }
  });
  spent.clear();
}

void channel_runner::ack(std::uint64_t ack_id, std::int32_t disposition) {
  if (inbox_.put_ack(ack_id, disposition)) post_drain();
}

void channel_runner::take_unsent(std::size_t limit,
                                 std::function<void(std::vector<channel::unsent_request>&)> done) {
  asio::post(io_, [this, limit, done = std::move(done)] {
    drain_inbox();
    std::vector<channel::unsent_request> taken;
    core_.take_unsent(limit, taken);
    done(taken);
    drive();
  });
}

void channel_runner::post_drain() {
  asio::post(io_, [this] {
    drain_inbox();
    drive();
  });
}

void channel_runner::drain_inbox() {
  inbox_.take(taken_requests_, taken_acks_);
  const auto now = steady::now();
  for (auto& [id, disposition] : taken_acks_) {
    if (!core_.ack(id, disposition))
      log(log_level::debug, fmt::format("acknowledgement {} matches no pending message (its "
                                        "connection closed; the SMSC delivers it again)",
                                        id));
  }
  taken_acks_.clear();
  for (auto& r : taken_requests_)
    core_.enqueue(std::move(r), now);
  taken_requests_.clear();
}

void channel_runner::drive() {
  const auto now = steady::now();
  if (transport_ == transport_state::idle) {
    if (auto endpoint = core_.connect_due(now)) start_connect(*endpoint);
  }
  if (auto primary = core_.probe_due(now))
    probe_.start(*primary, core_.config().connect_timeout, tls_, ssl_context_.get());
  if (auto reason = core_.take_close_request()) {
    // A failed link has nothing left to write (smpp::session): closed at once. An orderly end
    // (the unbind_resp to the SMSC's unbind) is written first.
    if (transport_ == transport_state::open && !core_.output().empty())
      close_after_write_ = std::move(reason);
    else
      close_transport(*reason);
  }
  if (transport_ == transport_state::open && !writing_ && !core_.output().empty()) start_write();
  if (close_after_write_ && !writing_ && core_.output().empty())
    close_transport(*std::exchange(close_after_write_, std::nullopt));
  // Reading paused while the host holds its share of inbound messages (TCP back-pressure);
  // resumed here when it acknowledges, or when a response is due.
  if (transport_ == transport_state::open && !reading_) start_read();
  if (!core_.events().empty()) {
    events_.push(sink_key_, core_.events());
    // Attribute lists for the next events; topped up to the window, when half are gone.
    std::vector<channel::attributes>& spare = core_.spare_attributes();
    const std::size_t window = core_.config().window;
    if (spare.size() <= window / 2) events_.reclaim(spare, window - spare.size());
  }
  if (!core_.spent_frames().empty()) hand_back_frames();
  if (core_.finished()) {
    timer_.cancel();
    write_timer_.cancel();
    if (on_finished_) std::exchange(on_finished_, nullptr)();
    return;
  }
  arm_timer(core_.next_deadline());
}

void channel_runner::wake() {
  if (core_.finished()) return;
  core_.on_tick(steady::now(), wall::now());
  drive();
}

void channel_runner::arm_timer(channel::time_point deadline) {
  // A timer that fires early is harmless (on_tick finds nothing to do and re-arms), so it is only
  // moved when the deadline comes closer: no re-arming per message at high rates.
  if (deadline >= armed_) return;
  armed_ = deadline;
  timer_.expires_at(deadline);
  timer_.async_wait([this](const error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    armed_ = channel::time_point::max();
    core_.on_tick(steady::now(), wall::now());
    drive();
  });
}

void channel_runner::start_connect(const channel::smsc_endpoint& endpoint) {
  transport_ = transport_state::connecting;
  const std::uint64_t gen = ++generation_;
  endpoint_ = endpoint;
  if (tls_) {
    if (auto problem = refresh_tls()) {
      attempt_failed(*problem);
      return;  // drive() is running: it goes on from here
    }
    // Relaxed verification or an old TLS version: said at every connection, not only once.
    if (const std::string warning = tls_->insecure_warning(); !warning.empty())
      log(log_level::warn, warning);
  }
  link_ = std::make_shared<link>(io_, ssl_context_.get(), tls_);
  arm_phase_timer(gen);
  resolver_.async_resolve(
      endpoint.host, std::to_string(endpoint.port),
      [this, gen, l = link_](const error_code& ec, tcp::resolver::results_type results) {
        if (gen != generation_) return;
        if (ec) {
          attempt_failed(fmt::format("name resolution failed: {}", ec.message()));
          drive();
          return;
        }
        asio::async_connect(l->lowest(), results,
                            [this, gen, l](const error_code& cec, const tcp::endpoint&) {
                              if (gen != generation_) return;
                              if (cec) {
                                attempt_failed(cec.message());
                                drive();
                                return;
                              }
                              error_code ignored;
                              l->lowest().set_option(tcp::no_delay(true), ignored);
                              if (l->tls)
                                start_handshake(gen);
                              else
                                link_opened();
                            });
      });
}

void channel_runner::arm_phase_timer(std::uint64_t gen) {
  phase_timer_.expires_after(core_.config().connect_timeout);
  phase_timer_.async_wait([this, gen](const error_code& ec) {
    if (ec || gen != generation_) return;
    std::string reason;
    if (transport_ == transport_state::connecting) {
      reason = "no TCP connection within " + comms_timeout_text();
    } else if (transport_ == transport_state::handshaking) {
      reason = "TLS handshake failed: no handshake within " + comms_timeout_text();
      if (link_ && !link_->trace.received_any)
        reason +=
            ": the SMSC sent nothing back (a plain SMPP port waits silently for a PDU: "
            "check x-smpp-tls-mode and x-smpp-port)";
    } else {
      return;
    }
    attempt_failed(reason);
    drive();
  });
}

void channel_runner::start_handshake(std::uint64_t gen) {
  transport_ = transport_state::handshaking;
  arm_phase_timer(gen);
  const std::shared_ptr<link> l = link_;
  if (!prepare_tls_connection(*tls_, l->tls->native_handle(), endpoint_.host, l->trace)) {
    attempt_failed("TLS set-up failed (OpenSSL refused the SNI or the host name)");
    drive();
    return;
  }
  l->tls->async_handshake(asio::ssl::stream_base::client, [this, gen, l](const error_code& ec) {
    if (gen != generation_) return;
    if (ec) {
      attempt_failed(describe_handshake_failure(l->trace, failure_of(ec)));
      drive();
      return;
    }
    log(log_level::info, fmt::format("TLS with {}:{}: {}", endpoint_.host, endpoint_.port,
                                     describe_tls_session(l->tls->native_handle())));
    link_opened();
  });
}

void channel_runner::link_opened() {
  phase_timer_.cancel();
  transport_ = transport_state::open;
  core_.on_connected(steady::now());
  start_read();
  drive();
}

void channel_runner::attempt_failed(const std::string& reason) {
  ++generation_;
  error_code ignored;
  phase_timer_.cancel();
  resolver_.cancel();
  if (link_) link_->lowest().close(ignored);
  link_.reset();
  transport_ = transport_state::idle;
  core_.on_connect_failed(reason, steady::now());
}

std::optional<std::string> channel_runner::refresh_tls() {
  if (!tls_->file_changed()) return std::nullopt;
  tls_problem problem;
  std::vector<std::string> notes;
  auto fresh = tls_client::load(tls_->settings(), problem, notes);
  if (!fresh)
    return fmt::format("{} changed on disk and no longer loads: {}: {}", tls_->settings().path,
                       problem.option, problem.text);
  for (const std::string& note : notes)
    log(log_level::warn, note);
  log(log_level::info, fmt::format("{} changed on disk and was loaded again: {}",
                                   tls_->settings().path, fresh->summary()));
  tls_ = std::move(fresh);
  ssl_context_ = context_of(*tls_);
  return std::nullopt;
}

void channel_runner::start_read() {
  if (reading_ || transport_ != transport_state::open || !core_.wants_input()) return;
  reading_ = true;
  const std::uint64_t gen = generation_;
  auto on_read = [this, gen, l = link_](const error_code& ec, std::size_t n) {
    if (gen != generation_) return;
    reading_ = false;
    if (ec) {
      std::string reason = read_error_text(ec);
      if (l->bytes_in == 0 && l->tls) {
        // Nothing came yet: with TLS 1.3 an SMSC that refuses our certificate shows it only now.
        if (std::string early = describe_early_failure(l->trace, failure_of(ec)); !early.empty())
          reason = std::move(early);
      } else if (l->bytes_in == 0 && closed_by_peer(ec)) {
        // A TLS port takes our bind for a broken TLS record and hangs up without a word.
        reason +=
            " without answering the bind (a TLS port does this to a plain connection: "
            "check x-smpp-tls-mode)";
      }
      close_transport(reason);
      drive();
      return;
    }
    l->bytes_in += n;
    core_.on_bytes(std::string_view(read_buffer_.data(), n), steady::now(), wall::now());
    start_read();
    drive();
  };
  async_read_some(*link_, asio::buffer(read_buffer_), std::move(on_read));
}

void channel_runner::start_write() {
  writing_ = true;
  write_buffer_.clear();
  write_buffer_.swap(core_.output());
  const std::uint64_t gen = generation_;
  write_started_ = steady::now();
  if (!write_timer_armed_) arm_write_timer(write_started_ + core_.config().connect_timeout);
  auto on_written = [this, gen, l = link_](const error_code& ec, std::size_t) {
    if (gen != generation_) return;
    writing_ = false;
    if (ec) {
      close_transport(ec.category() == asio::error::get_ssl_category()
                          ? "write failed: " + describe_tls_error(failure_of(ec).tls_error)
                          : fmt::format("write failed: {}", ec.message()));
    }
    drive();
  };
  async_write_all(*link_, asio::buffer(write_buffer_), std::move(on_written));
}

// One timer for all writes, never re-armed per write (writes are frequent): when it fires it
// checks the write in progress, if any, against its own start.
void channel_runner::arm_write_timer(channel::time_point at) {
  write_timer_armed_ = true;
  write_timer_.expires_at(at);
  write_timer_.async_wait([this](const error_code& ec) {
    write_timer_armed_ = false;
    if (ec || !writing_ || transport_ != transport_state::open) return;
    const auto due = write_started_ + core_.config().connect_timeout;
    if (steady::now() < due) {
      arm_write_timer(due);
      return;
    }
    close_transport(
        fmt::format("a write of {} octets did not complete within {}: the SMSC is "
                    "not reading",
                    write_buffer_.size(), comms_timeout_text()));
    drive();
  });
}

void channel_runner::close_transport(const std::string& reason) {
  if (transport_ == transport_state::idle) return;
  if (transport_ != transport_state::open) {
    attempt_failed(reason);
    return;
  }
  ++generation_;
  close_after_write_.reset();
  error_code ignored;
  // No TLS close_notify: the SMPP unbind has already ended the session when there was time for
  // one, and waiting for the SMSC's answer to it would only delay the close.
  link_->lowest().shutdown(tcp::socket::shutdown_both, ignored);
  link_->lowest().close(ignored);
  link_.reset();
  transport_ = transport_state::idle;
  reading_ = false;
  writing_ = false;
  core_.on_closed(reason, steady::now());
}

void channel_runner::begin_shutdown(channel::time_point deadline,
                                    std::function<void()> on_finished) {
  on_finished_ = std::move(on_finished);
  probe_.cancel();
  drain_inbox();
  core_.shutdown(steady::now(), deadline);
  // A connection attempt in progress would only be closed again once it succeeded: give it up
  // now rather than wait for its connect or handshake (up to x-smpp-comms-timeout).
  if (transport_ == transport_state::connecting || transport_ == transport_state::handshaking)
    attempt_failed("attempt abandoned: the driver is shutting down");
  drive();
}

void channel_runner::force_close(std::string_view reason) {
  probe_.cancel();
  if (core_.finished()) return;
  if (transport_ != transport_state::idle) close_transport(std::string(reason));
  drive();
}

}  // namespace smsdrv::io
