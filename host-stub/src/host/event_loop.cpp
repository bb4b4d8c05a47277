#include "host/event_loop.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <utility>

#include "host/event_writer.hpp"
#include "host/log_privacy.hpp"

namespace smsdrv::host {
namespace {

std::string_view attribute(const smsdrv_event& ev, std::string_view name) {
  for (uint32_t i = 0; i < ev.count; ++i)
    if (ev.keys[i] != nullptr && name == ev.keys[i])
      return ev.values[i] != nullptr ? ev.values[i] : "";
  return {};
}

std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{:g} s", static_cast<double>(ms.count()) / 1000.0);
}

const char* signal_name(uint32_t signo) {
  switch (signo) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "a signal";
  }
}

}  // namespace

int event_loop::run(std::thread& reader) {
  enum class phase { serving, draining, lingering };
  phase now_in = phase::serving;
  auto deadline = clock::time_point::max();
  while (true) {
    wait(deadline);
    if (std::exchange(reload_pending_, false)) {
      if (now_in == phase::serving && stop_cause_.empty())
        reload_->reload("SIGHUP");
      else
        rt_.log.log(SMSDRV_LOG_WARN, "dms-stub",
                    "SIGHUP ignored: dms-stub is stopping, the options file is not read again");
    }
    rt_.tasks.run_all(now_in == phase::serving && stop_cause_.empty());
    pump();
    if (out_.lost() && !hurry_) {
      rt_.log.log(SMSDRV_LOG_ERROR, "dms-stub", "stdout is closed: stopping");
      hurry_ = true;
      if (stop_cause_.empty()) stop_cause_ = "stdout closed";
      stop_reader();
    }
    const auto now = clock::now();
    if (now_in == phase::serving && rt_.input_done.load()) {
      reader.join();
      {  // after any send of the console's in progress; none follows
        const auto lock = rt_.changing_config();
        rt_.sends_closed = true;
      }
      now_in = phase::draining;
      deadline = hurry_ ? now : now + rt_.options.drain;
      if (const size_t open = rt_.requests.size(); open != 0)
        rt_.log.log(SMSDRV_LOG_INFO, "dms-stub",
                    "{}: waiting up to {} for {} outstanding response(s)", stop_cause(),
                    seconds(rt_.options.drain), open);
    }
    if (now_in == phase::draining && hurry_) deadline = now;
    if (now_in == phase::draining && (rt_.requests.size() == 0 || now >= deadline)) {
      time_out_pending();
      pump();
      now_in = phase::lingering;
      deadline = hurry_ ? now : now + rt_.options.linger;
      if (rt_.options.linger.count() > 0 && !hurry_)
        rt_.log.log(SMSDRV_LOG_INFO, "dms-stub", "lingering {} for inbound traffic",
                    seconds(rt_.options.linger));
    }
    if (now_in == phase::lingering && hurry_) deadline = now;
    if (now_in == phase::lingering && now >= deadline) break;
  }
  rt_.tasks.close();
  shut_drivers_down();
  return out_.lost() ? 1 : 0;
}

void event_loop::wait(clock::time_point deadline) {
  int timeout_ms = -1;
  if (deadline != clock::time_point::max()) {
    const auto left = deadline - clock::now();
    // Rounded up, so that the loop does not spin in the last millisecond.
    timeout_ms = left.count() <= 0
                     ? 0
                     : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
  }
  pollfd fds[2] = {{rt_.main_wake.fd(), POLLIN, 0}, {signal_fd_, POLLIN, 0}};
  const int n = ::poll(fds, signal_fd_ >= 0 ? 2 : 1, timeout_ms);
  if (n <= 0) return;
  // Cleared before pump(), so that a notify() during the pump wakes the next wait.
  if (fds[0].revents != 0) rt_.main_wake.clear();
  if (signal_fd_ >= 0 && fds[1].revents != 0) on_signal();
}

void event_loop::on_signal() {
  signalfd_siginfo info{};
  if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return;
  const char* name = signal_name(info.ssi_signo);
  if (info.ssi_signo == SIGHUP) {
    if (reload_ != nullptr) {
      reload_pending_ = true;
    } else {
      rt_.log.log(SMSDRV_LOG_WARN, "dms-stub", "SIGHUP ignored: nothing to reload");
    }
    return;
  }
  if (++signals_ == 1) {
    rt_.log.log(SMSDRV_LOG_INFO, "dms-stub",
                "{}: stopping: no further input is read; outstanding responses are waited for, "
                "then every channel unbinds",
                name);
    if (stop_cause_.empty()) stop_cause_ = name;
    stop_reader();
  } else {
    rt_.log.log(SMSDRV_LOG_WARN, "dms-stub", "{} again: skipping the rest of drain and linger",
                name);
    hurry_ = true;
  }
}

void event_loop::stop_reader() {
  rt_.stopping.store(true);
  rt_.reader_stop.signal();
}

void event_loop::pump() {
  smsdrv::event ev;
  bool more = true;
  while (more) {
    more = false;
    rt_.lines.take_into(out_.buffer());
    for (size_t d = 0; d < rt_.drivers.size(); ++d) {
      smsdrv::driver& drv = *rt_.drivers[d]->instance;
      size_t n = 0;
      try {
        while (n < batch_limit && drv.poll(ev)) {
          handle(d, ev.raw);
          ++n;
          if (out_.full()) flush_and_ack();
        }
      } catch (const std::exception& e) {
        rt_.log.log(SMSDRV_LOG_ERROR, rt_.drivers[d]->name, "poll failed: {}", e.what());
      }
      more = more || n == batch_limit;
    }
    flush_and_ack();
  }
}

void event_loop::report_state(const smsdrv_event& ev, std::string_view status_name) {
  if (ev.channel == nullptr) return;
  std::vector<std::pair<std::string, std::string>> attributes;
  for (uint32_t i = 0; i < ev.count; ++i)
    attributes.emplace_back(ev.keys && ev.keys[i] ? ev.keys[i] : "",
                            ev.values && ev.values[i] ? ev.values[i] : "");
  rt_.status.report(ev.channel, ev.status, std::string(status_name), ev.text ? ev.text : "",
                    std::move(attributes), std::chrono::system_clock::now());
}

void event_loop::handle(size_t d, const smsdrv_event& ev) {
  loaded_driver& drv = *rt_.drivers[d];
  const smsdrv_driver_api& api = drv.module.api();
  const bool needs_ack = (ev.flags & SMSDRV_EVENT_NEEDS_ACK) != 0;
  if (needs_ack && (shut_down_ || out_.lost())) {
    // Not taken: nothing can acknowledge it any more, so the SMSC will deliver it again.
    rt_.log.log(SMSDRV_LOG_INFO, ev.channel ? ev.channel : drv.name,
                "event {} not taken (dms-stub is stopping); it will be delivered again",
                ev.event_id);
    return;
  }
  std::string& out = out_.buffer();
  switch (ev.type) {
    case SMSDRV_EVENT_RESPONSE:
      respond(d, ev);
      break;
    case SMSDRV_EVENT_INBOUND: {
      route r{"", "paging"};
      if (const auto ch = rt_.channels->find(std::string_view(ev.channel ? ev.channel : ""));
          ch != rt_.channels->end())
        r = ch->second.router.pick(attribute(ev, "FromAddr"), attribute(ev, "_smsText"));
      if (r.regex_gave_up)
        rt_.log.log(SMSDRV_LOG_WARN, ev.channel ? ev.channel : drv.name,
                    "event {}: a session-by-* regex was too complex for this message and counted "
                    "as no match",
                    ev.event_id);
      write_interaction(out, ev, r.endpoint, r.mode);
      if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
        log_event(drv, ev,
                  fmt::format("interaction {} {}{}{}", r.mode,
                              r.endpoint.empty() ? "(no endpoint)" : r.endpoint,
                              ev.text && ev.text[0] ? " note: " : "", ev.text ? ev.text : ""));
      break;
    }
    case SMSDRV_EVENT_DELIVERY_REPORT:
    case SMSDRV_EVENT_READ_REPLY: {
      std::optional<std::string_view> id;
      std::optional<std::string> unanswered;
      if (ev.request_id != 0) {
        id = reports_.find(d, ev.request_id);
        if (!id && (unanswered = rt_.requests.id_of(d, ev.request_id))) id = *unanswered;
      }
      const bool read = ev.type == SMSDRV_EVENT_READ_REPLY;
      if (read)
        write_read_reply(out, ev, id);
      else
        write_delivery_report(out, ev, id);
      if (id) rt_.tests.reported(*id, ev.count, ev.keys, ev.values);
      if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
        log_event(
            drv, ev,
            fmt::format("{} {}", read ? "read-reply" : "delivery-report", id ? *id : "(no id)"));
      break;
    }
    case SMSDRV_EVENT_CHANNEL_STATE:
      write_channel_state(out, ev, api.status_name(ev.status));
      report_state(ev, api.status_name(ev.status));
      if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
        log_event(drv, ev, fmt::format("channel-state {}", api.status_name(ev.status)));
      break;
    default:
      // smsdrv.h: a host ignores event types it does not know. Refused rather than accepted,
      // since nothing took it.
      rt_.log.log(SMSDRV_LOG_DEBUG, drv.name, "ignoring event {} of unknown type {}", ev.event_id,
                  ev.type);
      if (needs_ack) drv.instance->ack(ev.event_id, SMSDRV_E_UNSUPPORTED_REQUEST);
      return;
  }
  if (needs_ack) acks_.emplace_back(d, ev.event_id);
}

void event_loop::respond(size_t d, const smsdrv_event& ev) {
  loaded_driver& drv = *rt_.drivers[d];
  const smsdrv_driver_api& api = drv.module.api();
  const std::string_view channel = ev.channel ? ev.channel : drv.name;
  std::optional<pending_request> request;
  if (ev.status == SMSDRV_E_SHUT_DOWN && !rt_.stopping.load()) {
    // Never sent by an instance a reload replaced: sent again, so that the business process
    // never sees the reload (one response per request still: the next one is its answer).
    auto again = rt_.requests.send_again(
        d, ev.request_id, [this](const pending_request& p, size_t* to, uint64_t* id) {
          return send_again(p, to, id);
        });
    using outcome = request_table::again::outcome;
    if (again.what == outcome::sent) return;
    if (again.what == outcome::taken) {
      if (again.status != SMSDRV_E_SHUT_DOWN) {
        // Refused by the channel as it is now: that is the request's answer.
        const pending_request& p = again.request;
        const auto* to = rt_.channels->count(p.channel) ? &rt_.channels->at(p.channel) : nullptr;
        const smsdrv_driver_api& now_api =
            to != nullptr ? rt_.drivers[to->driver]->module.api() : api;
        write_refusal(out_.buffer(),
                      p.has_id ? std::optional<std::string_view>(p.id) : std::nullopt, p.channel,
                      {again.status, now_api.status_name(again.status),
                       again_error_.empty() ? now_api.status_message(again.status) : again_error_});
        rt_.log.log(SMSDRV_LOG_DEBUG, channel, "request {} refused when sent again: {}: {}",
                    p.has_id ? std::string_view(p.id) : "(no id)",
                    now_api.status_name(again.status), again_error_);
        return;
      }
      request = std::move(again.request);
    }
  } else {
    request = rt_.requests.take(d, ev.request_id);
  }
  if (!request) {
    rt_.log.log(SMSDRV_LOG_DEBUG, channel,
                "response to request {} dropped: already answered by dms-stub", ev.request_id);
    return;
  }
  write_response(out_.buffer(),
                 request->has_id ? std::optional<std::string_view>(request->id) : std::nullopt, ev,
                 api.status_name(ev.status));
  if (request->has_id) {
    std::string message_id;
    for (uint32_t i = 0; i < ev.count && ev.keys && ev.values; ++i)
      if (ev.keys[i] && ev.values[i] && std::string_view(ev.keys[i]) == "_smsMessageId")
        message_id = ev.values[i];
    rt_.tests.answered(request->id, ev.status == SMSDRV_OK, api.status_name(ev.status),
                       ev.text ? ev.text : "", std::move(message_id));
  }
  if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
    log_event(drv, ev,
              fmt::format("esp-response {} {}{}{}",
                          request->has_id ? std::string_view(request->id) : "(no id)",
                          ev.status == SMSDRV_OK ? "ok" : api.status_name(ev.status),
                          ev.status == SMSDRV_OK ? "" : ": ", ev.text ? ev.text : ""));
  if (ev.status == SMSDRV_OK && request->has_id)
    reports_.remember(d, ev.request_id, std::move(request->id));
}

int32_t event_loop::send_again(const pending_request& p, size_t* driver, uint64_t* request_id) {
  again_error_.clear();
  const auto ch = rt_.channels->find(p.channel);
  // Removed by a later reload meanwhile: answered as the replaced instance answered.
  if (ch == rt_.channels->end()) return SMSDRV_E_SHUT_DOWN;
  const unpacked_request u = unpack_request(p.payload);
  if (u.request == nullptr) return SMSDRV_E_SHUT_DOWN;
  // A SendMMS's parts are not kept with it (they may be megabytes): it is answered as the
  // replaced instance answered it, never sent, for the business process to send again.
  if (std::string_view(u.request) == "SendMMS") return SMSDRV_E_SHUT_DOWN;
  smsdrv_request r{};
  r.struct_size = sizeof r;
  r.channel = u.channel;
  r.request = u.request;
  r.count = static_cast<uint32_t>(u.keys.size());
  r.keys = u.keys.data();
  r.values = u.values.data();
  loaded_driver& to = *rt_.drivers[ch->second.driver];
  const smsdrv_driver_api& api = to.module.api();
  *driver = ch->second.driver;
  const int32_t status = api.send(to.instance->handle(), &r, request_id);
  if (status != SMSDRV_OK)
    again_error_ = api.last_error(to.instance->handle());  // this thread's, this handle's
  else if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
    rt_.log.log(SMSDRV_LOG_DEBUG, p.channel,
                "{} was queued when its channel was replaced: sent again as {} request {}",
                p.has_id ? std::string_view(p.id) : "(no id)", to.name, *request_id);
  return status;
}

void event_loop::log_event(const loaded_driver& drv, const smsdrv_event& ev,
                           std::string_view what) {
  const auto m = rt_.log.masking();
  if (!m) return;
  rt_.log.log(SMSDRV_LOG_DEBUG, ev.channel ? ev.channel : drv.name, "{} {}", what,
              masked_pairs(*m, ev.count, ev.keys, ev.values));
}

void event_loop::flush_and_ack() {
  if (out_.buffer().empty() && acks_.empty()) return;
  const bool written = out_.flush();
  for (const auto& [d, event_id] : acks_) {
    loaded_driver& drv = *rt_.drivers[d];
    const int32_t status = drv.instance->ack(event_id, written ? SMSDRV_OK : SMSDRV_E_SHUT_DOWN);
    if (status != SMSDRV_OK)
      rt_.log.log(SMSDRV_LOG_WARN, drv.name, "ack of event {} failed: {}: {}", event_id,
                  drv.module.api().status_name(status), drv.instance->last_error());
  }
  acks_.clear();
}

void event_loop::time_out_pending() {
  const auto open = rt_.requests.take_all();
  if (open.empty()) return;
  // Which ones, with the driver's number for each, to find them in the driver's lines.
  constexpr size_t named = 10;
  std::string which;
  for (size_t i = 0; i < open.size() && i < named; ++i)
    which += fmt::format("{}{} ({} request {})", i == 0 ? "" : ", ",
                         open[i].has_id ? std::string_view(open[i].id) : "(no id)",
                         rt_.drivers[open[i].driver]->name, open[i].request_id);
  if (open.size() > named) which += fmt::format(" and {} more", open.size() - named);
  rt_.log.log(SMSDRV_LOG_WARN, "dms-stub", "{} request(s) still unanswered after --drain {}: {}",
              open.size(), seconds(rt_.options.drain), which);
  const std::string text = "no response from the driver within --drain " +
                           seconds(rt_.options.drain) + " after " + stop_cause();
  for (const auto& p : open)
    write_refusal(out_.buffer(), p.has_id ? std::optional<std::string_view>(p.id) : std::nullopt,
                  p.channel, {SMSDRV_E_TIMEOUT, "SMSDRV_E_TIMEOUT", text});
}

void event_loop::shut_drivers_down() {
  pump();
  for (auto& d : rt_.drivers) {
    rt_.log.log(SMSDRV_LOG_INFO, d->name, "shutting down");
    if (const int32_t status = d->instance->shutdown(0); status != SMSDRV_OK)
      rt_.log.log(SMSDRV_LOG_WARN, d->name, "shutdown: {}: {}", d->module.api().status_name(status),
                  d->instance->last_error());
  }
  shut_down_ = true;
  pump();
}

}  // namespace smsdrv::host
