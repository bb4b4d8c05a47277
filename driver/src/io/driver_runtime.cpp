#include "io/driver_runtime.hpp"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "io/channel_runner.hpp"
#include "io/http_channel_runner.hpp"

namespace smsdrv::io {

void channel_handle::submit(channel::prepared_request& request) {
  if (runner_ != nullptr) runner_->submit(request);
}

void channel_handle::submit(channel::http_prepared_request& request) {
  if (http_runner_ != nullptr) http_runner_->submit(request);
}

void channel_handle::ack(std::uint64_t ack_id, std::int32_t disposition) {
  // An HTTP gateway channel has no inbound messages to acknowledge.
  if (runner_ != nullptr) runner_->ack(ack_id, disposition);
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

struct driver_runtime::impl {
  log_sink& log;
  event_sink& events;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
  // deque: runners and handles never move once created.
  std::deque<channel_runner> runners;
  std::deque<http_channel_runner> http_runners;
  std::deque<channel_handle> handles;
  std::deque<ticker> tickers;
  bool stopped = false;

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
}

driver_runtime::~driver_runtime() {
  shutdown(std::chrono::milliseconds(0));
}

channel_handle& driver_runtime::add_channel(channel::channel_config config, void* sink_key,
                                            std::shared_ptr<const tls_client> tls) {
  channel_runner* runner = nullptr;
  // Created on the I/O thread: the runner's Asio objects and core are only touched there.
  impl_->run_on_io([&] {
    runner = &impl_->runners.emplace_back(impl_->io, std::move(config), std::move(tls), impl_->log,
                                          impl_->events, sink_key);
  });
  runner->start();
  return impl_->handles.emplace_back(*runner);
}

channel_handle& driver_runtime::add_http_channel(channel::http_channel_config config,
                                                 http_client_settings client, void* sink_key) {
  http_channel_runner* runner = nullptr;
  impl_->run_on_io([&] {
    runner = &impl_->http_runners.emplace_back(impl_->io, std::move(config), std::move(client),
                                               impl_->log, impl_->events, sink_key);
  });
  runner->start();
  return impl_->handles.emplace_back(*runner);
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
  std::size_t remaining = d.runners.size() + d.http_runners.size();
  const auto deadline = std::chrono::steady_clock::now() + drain;
  d.run_on_io([&] {
    for (ticker& t : d.tickers) {
      t.stopped = true;
      t.timer.cancel();
    }
    auto finished = [&] {
      std::lock_guard lock(m);
      --remaining;
      cv.notify_all();
    };
    for (channel_runner& r : d.runners)
      r.begin_shutdown(deadline, finished);
    for (http_channel_runner& r : d.http_runners)
      r.begin_shutdown(deadline, finished);
  });
  // In-flight requests get `drain`; the unbind handshake then gets a short grace period.
  const auto grace = std::chrono::seconds(5);
  {
    std::unique_lock lock(m);
    cv.wait_until(lock, deadline + grace, [&] { return remaining == 0; });
  }
  d.run_on_io([&] {
    for (channel_runner& r : d.runners)
      if (!r.finished()) r.force_close("shutdown: drain time exhausted, connection cut");
    for (http_channel_runner& r : d.http_runners)
      if (!r.finished()) r.force_close("no response before the drain time of the shutdown ran out");
  });
  d.work.reset();
  d.io.stop();
  if (d.thread.joinable()) d.thread.join();
}

}  // namespace smsdrv::io
