#include "io/driver_runtime.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <future>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "io/channel_runner.hpp"
#include "io/http_channel_runner.hpp"
#include "io/mm7_runner.hpp"
#include "io/session_group.hpp"

namespace smsdrv::io {

void channel_handle::submit(channel::prepared_request& request) {
  if (runner_ != nullptr) runner_->submit(request);
  if (group_ != nullptr) group_->submit(request);
}

void channel_handle::submit(channel::http_prepared_request& request) {
  if (http_runner_ != nullptr) http_runner_->submit(request);
}

void channel_handle::take_unsent(std::size_t limit,
                                 std::function<void(std::vector<channel::unsent_request>&)> done) {
  if (runner_ != nullptr)
    runner_->take_unsent(limit, std::move(done));
  else if (http_runner_ != nullptr)
    http_runner_->take_unsent(limit, std::move(done));
  else if (group_ != nullptr)
    group_->take_unsent(limit, std::move(done));
}

void channel_handle::ack(std::uint64_t ack_id, std::int32_t disposition) {
  // An HTTP gateway channel has no inbound messages to acknowledge.
  if (runner_ != nullptr) runner_->ack(ack_id, disposition);
  if (group_ != nullptr) group_->ack(ack_id, disposition);
}

namespace {

using boost::system::error_code;

struct ticker {
  asio::steady_timer timer;
  std::chrono::milliseconds interval;
  std::function<void()> tick;
  bool stopped = false;

  ticker(asio::io_context& io, std::chrono::milliseconds i, std::function<void()> t)
      : timer(io), interval(i), tick(std::move(t)) {}
  void arm() {
    timer.expires_after(interval);
    timer.async_wait([this](const error_code& ec) {
      if (ec || stopped) return;  // shutting down
      tick();
      arm();
    });
  }
};

struct tcp_probe : std::enable_shared_from_this<tcp_probe> {
  asio::ip::tcp::resolver resolver;
  asio::ip::tcp::socket socket;
  asio::steady_timer timer;
  std::function<void(bool, std::string)> done;
  bool ended = false;

  explicit tcp_probe(asio::io_context& io) : resolver(io), socket(io), timer(io) {}
  void end(bool ok, std::string why) {
    if (ended) return;
    ended = true;
    timer.cancel();
    resolver.cancel();
    error_code ignored;
    socket.close(ignored);
    done(ok, std::move(why));
  }
};

}  // namespace
void mms_handle::submit(mm7::prepared_mms&& request) {
  runner_.submit(std::move(request));
}

void mms_handle::ack(std::uint64_t ack_id, std::int32_t disposition) {
  runner_.ack(ack_id, disposition);
}

std::uint16_t mms_handle::listen_port() const noexcept {
  return runner_.listen_port();
}

// After the drain of a retired channel, the unbind handshake gets this long before the
// connection is cut (as at shutdown).
constexpr auto unbind_grace = std::chrono::seconds(5);

struct driver_runtime::impl {
  // One channel, SMPP or HTTP: list nodes, so that none moves and one can go while the others
  // run.
  struct slot {
    explicit slot(asio::io_context& io) : cut(io) {}
    std::optional<channel_runner> smpp;
    std::optional<http_channel_runner> http;
    std::optional<session_group> group;
    std::optional<channel_handle> handle;
    asio::steady_timer cut;  // a retired channel still open after drain + grace is cut

    void start() {
      if (smpp) smpp->start();
      if (http) http->start();
      if (group) group->start();
    }
    void begin_shutdown(std::chrono::steady_clock::time_point deadline,
                        std::function<void()> on_finished) {
      if (smpp) smpp->begin_shutdown(deadline, std::move(on_finished));
      if (http) http->begin_shutdown(deadline, std::move(on_finished));
      if (group) group->begin_shutdown(deadline, std::move(on_finished));
    }
    bool finished() const noexcept {
      if (smpp) return smpp->finished();
      if (group) return group->finished();
      return http->finished();
    }
    void force_close(std::string_view reason) {
      if (smpp) smpp->force_close(reason);
      if (http) http->force_close(reason);
      if (group) group->force_close(reason);
    }
  };

  log_sink& log;
  event_sink& events;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
  std::list<slot> slots;
  std::deque<ticker> tickers;
  // The MMS side of a channel (MM7); list nodes, like slots.
  struct mms_slot {
    explicit mms_slot(asio::io_context& io) : cut(io) {}
    std::unique_ptr<mm7_runner> runner;
    std::optional<mms_handle> handle;
    asio::steady_timer cut;  // retired and still busy after drain + grace: cut
  };
  std::list<mms_slot> mms_slots;
  bool stopped = false;

  mms_slot& mms_slot_of(mms_handle& h) {
    for (mms_slot& s : mms_slots)
      if (s.handle && &*s.handle == &h) return s;
    throw std::logic_error("driver_runtime: an MMS handle that is not this runtime's");
  }

  slot& slot_of(channel_handle& h) {
    for (slot& s : slots)
      if (s.handle && &*s.handle == &h) return s;
    throw std::logic_error("driver_runtime: a channel handle that is not this runtime's");
  }

  impl(log_sink& l, event_sink& e) : log(l), events(e) {}

  void run_on_io(const std::function<void()>& f) {
    std::promise<void> done;
    asio::post(io, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
};

driver_runtime::driver_runtime(log_sink& log, event_sink& events)
    : impl_(std::make_unique<impl>(log, events)) {
  impl_->thread = std::thread([this] {
    try {
      impl_->io.run();
    } catch (const std::exception& e) {
      impl_->log.write(log_level::error, "", fmt::format("I/O thread stopped: {}", e.what()));
    }
  });
  // Its name in top -H, perf and /proc/<pid>/task/<tid>/comm.
  ::pthread_setname_np(impl_->thread.native_handle(), "smsdrv-io");
}

driver_runtime::~driver_runtime() {
  shutdown(std::chrono::milliseconds(0));
}

channel_handle& driver_runtime::add_channel(channel::channel_config config, void* sink_key,
                                            std::shared_ptr<const tls_client> tls) {
  impl::slot* added = nullptr;
  // Created on the I/O thread: the runner's Asio objects and core are only touched there.
  impl_->run_on_io([&] {
    added = &impl_->slots.emplace_back(impl_->io);
    if (config.sessions > 1 || config.shared_limits) {
      added->group.emplace(impl_->io, std::move(config), std::move(tls), impl_->log, impl_->events,
                           sink_key);
      added->handle.emplace(*added->group);
    } else {
      added->smpp.emplace(impl_->io, std::move(config), std::move(tls), impl_->log, impl_->events,
                          sink_key);
      added->handle.emplace(*added->smpp);
    }
  });
  added->start();
  return *added->handle;
}

mms_handle& driver_runtime::add_mms(mm7_runner_config config, void* sink_key,
                                    mms_handle* previous) {
  impl::mms_slot* added = nullptr;
  std::exception_ptr failed;
  impl_->run_on_io([&] {
    try {
      auto runner =
          std::make_unique<mm7_runner>(impl_->io, std::move(config), impl_->log, impl_->events,
                                       sink_key, previous ? &previous->runner_ : nullptr);
      added = &impl_->mms_slots.emplace_back(impl_->io);
      added->runner = std::move(runner);
      added->handle.emplace(*added->runner);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  if (failed) std::rethrow_exception(failed);
  added->runner->start();
  return *added->handle;
}

void driver_runtime::retire_mms(mms_handle& handle, std::chrono::milliseconds drain) {
  impl::mms_slot& s = impl_->mms_slot_of(handle);
  const auto deadline = std::chrono::steady_clock::now() + drain;
  impl_->run_on_io([&] {
    s.runner->begin_shutdown(
        deadline, [&s] { s.handle->finished_.store(true, std::memory_order_release); },
        /*keep_acks=*/true);
    if (s.handle->finished()) return;
    s.cut.expires_at(deadline + unbind_grace);
    s.cut.async_wait([&s](const boost::system::error_code& ec) {
      if (ec || s.runner->finished()) return;
      s.runner->force_close("drain time exhausted after a configuration change");
    });
  });
}

void driver_runtime::remove_mms(mms_handle& handle) {
  impl::mms_slot& s = impl_->mms_slot_of(handle);
  // As remove_channel(): what the runner still has queued runs before the second hop frees it.
  impl_->run_on_io([&] { s.cut.cancel(); });
  impl_->run_on_io(
      [&] { impl_->mms_slots.remove_if([&](const impl::mms_slot& x) { return &x == &s; }); });
}

channel_handle& driver_runtime::add_http_channel(channel::http_channel_config config,
                                                 http_client_settings client, void* sink_key) {
  impl::slot* added = nullptr;
  impl_->run_on_io([&] {
    added = &impl_->slots.emplace_back(impl_->io);
    added->http.emplace(impl_->io, std::move(config), std::move(client), impl_->log, impl_->events,
                        sink_key);
    added->handle.emplace(*added->http);
  });
  added->start();
  return *added->handle;
}

void driver_runtime::retire_channel(channel_handle& handle, std::chrono::milliseconds drain) {
  impl::slot& s = impl_->slot_of(handle);
  const auto deadline = std::chrono::steady_clock::now() + drain;
  impl_->run_on_io([&] {
    s.begin_shutdown(deadline,
                     [&s] { s.handle->finished_.store(true, std::memory_order_release); });
    if (s.handle->finished()) return;
    s.cut.expires_at(deadline + unbind_grace);
    s.cut.async_wait([&s](const boost::system::error_code& ec) {
      if (ec || s.finished()) return;
      s.force_close("drain time exhausted after a configuration change, connection cut");
    });
  });
}

void driver_runtime::remove_channel(channel_handle& handle) {
  impl::slot& s = impl_->slot_of(handle);
  // Anything the runner still has in the I/O thread's queue (completions of operations it
  // cancelled when it finished) runs before the second hop frees it.
  impl_->run_on_io([&] { s.cut.cancel(); });
  impl_->run_on_io([&] { impl_->slots.remove_if([&](const impl::slot& x) { return &x == &s; }); });
}

void driver_runtime::every(std::chrono::milliseconds interval, std::function<void()> tick) {
  impl_->run_on_io(
      [&] { impl_->tickers.emplace_back(impl_->io, interval, std::move(tick)).arm(); });
}

void driver_runtime::probe_tcp(std::string host, std::uint16_t port,
                               std::chrono::milliseconds timeout,
                               std::function<void(bool, std::string)> done) {
  auto p = std::make_shared<tcp_probe>(impl_->io);
  p->done = std::move(done);
  asio::post(impl_->io, [p, host = std::move(host), port, timeout] {
    p->timer.expires_after(timeout);
    p->timer.async_wait([p, timeout](const error_code& ec) {
      if (!ec) p->end(false, fmt::format("no connection within {} ms", timeout.count()));
    });
    p->resolver.async_resolve(
        host, std::to_string(port),
        [p](const error_code& ec, asio::ip::tcp::resolver::results_type results) {
          if (p->ended) return;
          if (ec) {
            p->end(false, fmt::format("name resolution failed: {}", ec.message()));
            return;
          }
          asio::async_connect(p->socket, results,
                              [p](const error_code& cec, const asio::ip::tcp::endpoint&) {
                                if (cec)
                                  p->end(false, fmt::format("cannot connect: {}", cec.message()));
                                else
                                  p->end(true, {});
                              });
        });
  });
}

void driver_runtime::shutdown(std::chrono::milliseconds drain) {
  impl& d = *impl_;
  if (d.stopped) return;
  d.stopped = true;

  std::mutex m;
  std::condition_variable cv;
  std::size_t remaining = d.slots.size() + d.mms_slots.size();
  const auto deadline = std::chrono::steady_clock::now() + drain;
  d.run_on_io([&] {
    for (ticker& t : d.tickers) {
      t.stopped = true;
      t.timer.cancel();
    }
    for (impl::slot& s : d.slots) {
      s.cut.cancel();  // retired channels too: cut below, with the others, if still open
      s.begin_shutdown(deadline, [&] {
        std::lock_guard lock(m);
        --remaining;
        cv.notify_all();
      });
    }
    for (impl::mms_slot& s : d.mms_slots) {
      s.cut.cancel();
      s.runner->begin_shutdown(deadline, [&] {
        std::lock_guard lock(m);
        --remaining;
        cv.notify_all();
      });
    }
  });
  // In-flight requests get `drain`; the unbind handshake then gets a short grace period.
  {
    std::unique_lock lock(m);
    cv.wait_until(lock, deadline + unbind_grace, [&] { return remaining == 0; });
  }
  d.run_on_io([&] {
    for (impl::slot& s : d.slots)
      if (!s.finished())
        s.force_close(s.smpp || s.group
                          ? "shutdown: drain time exhausted, connection cut"
                          : "no response before the drain time of the shutdown ran out");
    for (impl::mms_slot& s : d.mms_slots)
      if (!s.runner->finished()) s.runner->force_close("shutdown: drain time exhausted");
  });
  d.work.reset();
  d.io.stop();
  if (d.thread.joinable()) d.thread.join();
}

}  // namespace smsdrv::io
