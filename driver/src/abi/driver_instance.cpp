#include "abi/driver_instance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

#include "abi/channel_setup.hpp"
#include "abi/privacy_setup.hpp"
#include "abi/request_parts.hpp"
#include "abi/server_root.hpp"
#include "config/validate.hpp"
#include "http/gateway_url.hpp"
#include "io/http_client.hpp"
#include "io/mm7_runner.hpp"
#include "io/tls_client.hpp"

namespace smsdrv::abi {
namespace {

// last_error(): a few slots per thread, one per handle recently used by that thread.
struct error_slot {
  const void* driver = nullptr;
  std::string text;
};
thread_local std::array<error_slot, 8> tl_errors;
thread_local std::size_t tl_next_slot = 0;

// The request send() composes into, one per host thread. submit() moves it to the channel and
// leaves in it the frame buffers of a finished request, so that a steady flow of requests
// composes without allocating.
thread_local channel::prepared_request tl_request;

// One __tls_get_addr per send(): GCC repeats the call at every use of a thread_local of a
// dlopen'ed module unless it cannot see through a call.
[[gnu::noinline]] channel::prepared_request& thread_request() noexcept {
  return tl_request;
}

config::section_view view_of(const smsdrv_section& s, std::vector<std::string_view>& keys,
                             std::vector<std::string_view>& values) {
  keys.clear();
  values.clear();
  for (std::uint32_t i = 0; i < s.count; ++i) {
    keys.emplace_back(s.keys[i] ? s.keys[i] : "");
    values.emplace_back(s.values[i] ? s.values[i] : "");
  }
  config::section_view v;
  v.name = s.name;
  v.keys = keys;
  v.values = values;
  v.source = s.source ? std::string_view(s.source) : std::string_view();
  if (s.lines) v.lines = std::span<const std::uint32_t>(s.lines, s.count);
  return v;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

// A section refused only for options a later driver version will take is "not supported yet"
// (the host may run without it); anything else is a bad configuration.
std::int32_t status_of_config_errors(const std::vector<std::string>& errors) {
  const bool only_unsupported = std::all_of(errors.begin(), errors.end(), [](const std::string& e) {
    return e.find("is not supported yet") != std::string::npos;
  });
  return only_unsupported ? SMSDRV_E_NOT_SUPPORTED_YET : SMSDRV_E_BAD_CONFIG;
}

}  // namespace

const char* last_error_of(const void* driver) noexcept {
  for (const error_slot& s : tl_errors)
    if (s.driver == driver && !s.text.empty()) return s.text.c_str();
  return "";
}

void set_last_error(const void* driver, std::string text) noexcept {
  try {
    for (error_slot& s : tl_errors) {
      if (s.driver == driver) {
        s.text = std::move(text);
        return;
      }
    }
    error_slot& s = tl_errors[tl_next_slot++ % tl_errors.size()];
    s.driver = driver;
    s.text = std::move(text);
  } catch (...) {
  }
}

driver_instance::driver_instance(const smsdrv_host& host)
    : events_([this] {
        if (host_.notify) host_.notify(host_.context);
      }) {
  host_ = host;  // entry.cpp read it by its struct_size (struct_prefix.hpp)
  application_name_ = host_.application_name ? host_.application_name : "";
  host_.application_name = nullptr;  // not kept: it was borrowed
  if (host_.log_level >= SMSDRV_LOG_ERROR && host_.log_level <= SMSDRV_LOG_TRACE)
    max_level_ = static_cast<log_level>(host_.log_level);
  // Until the driver-wide sections say more: no masking but the passwords (privacy/masking.hpp).
  masking_.store(std::make_shared<const privacy::masking>(privacy::masking_settings{}, nullptr));
}

driver_instance::~driver_instance() {
  shutdown(0);
}

std::int32_t driver_instance::fail(std::int32_t status, std::string text) {
  set_last_error(this, std::move(text));
  return status;
}

bool driver_instance::enabled(log_level level) const noexcept {
  return host_.log != nullptr && level <= max_level_;
}

void driver_instance::write(log_level level, std::string_view channel, std::string_view message) {
  if (!enabled(level)) return;
  // The host wants NUL-terminated strings. The spec's patterns mask what the line still shows.
  const std::string c(channel);
  const auto rules = masking();
  const std::string m = rules->has_patterns() ? rules->line(message) : std::string(message);
  host_.log(host_.context, static_cast<std::int32_t>(level), c.c_str(), m.c_str());
}

std::shared_ptr<const privacy::masking> driver_instance::masking() const {
  return masking_.load(std::memory_order_acquire);
}

io::driver_runtime& driver_instance::runtime() {
  if (!runtime_) runtime_ = std::make_unique<io::driver_runtime>(*this, *this);
  return *runtime_;
}

driver_instance::channel_entry* driver_instance::find_channel(std::string_view name) const {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second.get();
}

// ---- configure ---------------------------------------------------------------------------

std::int32_t driver_instance::configure(const smsdrv_section& section) {
  if (shutting_down_) return fail(SMSDRV_E_SHUT_DOWN, "the driver is shut down");
  if (section.name == nullptr || (section.count > 0 && (!section.keys || !section.values)))
    return fail(SMSDRV_E_INVALID_ARGUMENT, "configure: section name, keys or values missing");
  switch (config::classify_section(section.name)) {
    case config::section_kind::channel:
      return configure_channel(section);
    case config::section_kind::settings:
    case config::section_kind::log_filter:
    case config::section_kind::log_filter_data:
      return configure_driver_wide(section);
    case config::section_kind::other:
      break;
  }
  return fail(SMSDRV_E_INVALID_ARGUMENT,
              fmt::format("section [{}] is not for this driver: it takes [channel-<name>], "
                          "[settings], [log-filter] and [log-filter-data]",
                          section.name));
}

std::int32_t driver_instance::configure_driver_wide(const smsdrv_section& section) {
  std::vector<std::string_view> keys, values;
  auto result = config::validate_driver_section(view_of(section, keys, values), driver_settings_);
  for (const std::string& w : result.warnings)
    write(log_level::warn, "", w);
  if (!result.ok()) {
    return fail(status_of_config_errors(result.errors), join_lines(result.errors));
  }
  masking_setup masking = build_masking(*result.settings);
  if (!masking.errors.empty()) return fail(SMSDRV_E_BAD_CONFIG, join_lines(masking.errors));
  driver_settings_ = std::move(*result.settings);
  masking_.store(std::move(masking.masking), std::memory_order_release);
  return SMSDRV_OK;
}

std::int32_t driver_instance::configure_channel(const smsdrv_section& section) {
  sweep_retired();
  std::vector<std::string_view> keys, values;
  auto result = config::validate_channel_section(view_of(section, keys, values));
  for (const std::string& w : result.warnings)
    write(log_level::warn, section.name, w);
  if (!result.ok()) {
    return fail(status_of_config_errors(result.errors), join_lines(result.errors));
  }
  if (result.settings->gateway == config::gateway_type::http)
    return configure_http_channel(view_of(section, keys, values), std::move(*result.settings));
  // TLS: the PKCS#12 file is opened now, so that a wrong password is a configuration error
  // naming its option rather than a channel that never comes up.
  std::shared_ptr<const io::tls_client> tls;
  if (result.settings->smpp_tls_mode != config::tls_mode::none) {
    std::string& path = result.settings->smpp_tls_path_to_certificate;
    path = resolve_from_server_root(path);
    io::tls_problem problem;
    std::vector<std::string> notes;
    tls = io::tls_client::load(io::tls_settings_of(*result.settings), problem, notes);
    if (!tls)
      return fail(SMSDRV_E_BAD_CONFIG,
                  config::channel_option_problem(view_of(section, keys, values), problem.option,
                                                 problem.text));
    for (const std::string& note : notes)
      write(log_level::warn, section.name, note);
    write(log_level::info, section.name, tls->summary());
  }
  // MMS: the settings file is read now, so that a mistake in it is a configuration error naming
  // its file, line and key (docs/mms.md).
  std::optional<mm7::mms_settings> mms;
  if (!result.settings->jsms_config_file.empty()) {
    std::string& path = result.settings->jsms_config_file;
    path = resolve_from_server_root(path);
    auto read = mm7::read_mms_settings(path);
    for (const std::string& w : read.warnings)
      write(log_level::warn, section.name, w);
    if (!read.settings) {
      std::string text =
          config::channel_option_problem(view_of(section, keys, values), "x-jsms-config-file",
                                         "the MMS settings file is refused:");
      for (const std::string& e : read.errors)
        text += "\n  " + e;
      return fail(SMSDRV_E_BAD_CONFIG, std::move(text));
    }
    mms = std::move(read.settings);
    write(log_level::info, section.name,
          fmt::format("MMS: MM7 {} to {}{}", mms->mm7_version, mms->url.text,
                      mms->listener_enabled
                          ? fmt::format(", listening on {}:{}{}", mms->listen_address,
                                        mms->listen_port, mms->listen_path)
                          : std::string(", no listener")));
  }
  auto entry = std::make_unique<channel_entry>();
  entry->name = section.name;
  if (mms) {
    // The listener's TLS files are found like every other relative path (the server root).
    mms->tls_certificate = resolve_from_server_root(mms->tls_certificate);
    mms->tls_key = resolve_from_server_root(mms->tls_key);
    try {
      io::mm7_runner_config mc{entry->name, application_name_, *mms};
      // A channel replaced: its listener's socket passes to the new instance when the address
      // and port stay (nothing refused meanwhile); otherwise it closes when the old one retires.
      const channel_entry* existing = find_channel(section.name);
      entry->mms_handle = &runtime().add_mms(std::move(mc), entry.get(),
                                             existing != nullptr ? existing->mms_handle : nullptr);
    } catch (const std::exception& e) {
      return fail(SMSDRV_E_BAD_CONFIG, config::channel_option_problem(
                                           view_of(section, keys, values), "x-jsms-config-file",
                                           fmt::format("the MMS side cannot start: {}", e.what())));
    }
    entry->mms_composer = std::make_unique<mm7::mms_composer>(
        *mms, entry->name, result.settings->default_reply_address);
  }
  entry->settings = std::move(*result.settings);
  entry->mms = std::move(mms);
  entry->composer = std::make_unique<channel::composer>(composer_settings_of(entry->settings));
  entry->queue_size = entry->settings.smpp_queue_size;
  channel::channel_config cfg = channel_config_of(entry->settings, application_name_);
  entry->metrics = cfg.metrics;
  publish_metrics(*entry);
  entry->handle = &runtime().add_channel(std::move(cfg), entry.get(), std::move(tls));
  write(log_level::info, entry->name,
        fmt::format("configured: SMSC {}:{}, system_id '{}', bind {}, window {}, rate {}/s",
                    entry->settings.smpp_host, entry->settings.smpp_port,
                    entry->settings.smpp_system_id,
                    smpp::bind_mode_name(channel_config_of(entry->settings, "").session.mode),
                    entry->settings.smpp_submit_window_size, entry->settings.smpp_submit_max_rate));
  return install(std::move(entry));
}

void driver_instance::publish_metrics(const channel_entry& entry) {
  // A replaced channel's counters start again from 0 with its new instance (docs/metrics.md).
  std::lock_guard lock(metrics_mutex_);
  const channel_metrics_source source{entry.name, entry.metrics, &entry.open, entry.queue_size};
  const auto same = std::find_if(metric_sources_.begin(), metric_sources_.end(),
                                 [&](const auto& m) { return m.channel == entry.name; });
  if (same != metric_sources_.end())
    *same = source;
  else
    metric_sources_.push_back(source);
}

std::int32_t driver_instance::install(std::unique_ptr<channel_entry> entry) {
  routes_.set_channel(entry->name, entry.get());
  add_failover_route(*entry);
  const auto existing = channels_.find(entry->name);
  if (existing == channels_.end()) {
    const std::string name = entry->name;
    channels_.emplace(name, std::move(entry));
    return SMSDRV_OK;
  }
  // smsdrv.h, configure(): the new instance takes every request from now on; the old one
  // drains for as long as a response may take (x-smpp-response-max-waiting-time, or
  // x-http-request-timeout for a gateway channel).
  std::unique_ptr<channel_entry> old = std::exchange(existing->second, std::move(entry));
  old->replaced.store(true, std::memory_order_release);
  const bool http = old->settings.gateway == config::gateway_type::http;
  const auto drain = http ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                old->settings.http_request_timeout)
                          : std::chrono::duration_cast<std::chrono::milliseconds>(
                                old->settings.smpp_response_max_waiting_time);
  write(log_level::info, old->name,
        fmt::format("replaced by the new configuration: the previous instance takes no more "
                    "requests, answers its queued ones SMSDRV_E_SHUT_DOWN (never sent) and gives "
                    "those in flight up to {} ms ({})",
                    drain.count(),
                    http ? "x-http-request-timeout" : "x-smpp-response-max-waiting-time"));
  // Its MMS side: a SubmitReq in flight may take connect-timeout + response-timeout; an MMSC
  // request waiting for the host's ack keeps its ack-timeout (docs/mms.md).
  std::chrono::milliseconds mms_drain{0};
  if (old->mms) {
    mms_drain =
        std::max(old->mms->connect_timeout + old->mms->response_timeout, old->mms->ack_timeout);
    write(log_level::info, old->name,
          fmt::format("previous instance's MMS side: {} ms for its SubmitReq in flight and the "
                      "host's acks of what it received{}",
                      mms_drain.count(),
                      old->mms->listener_enabled
                          ? "; its listener passes to the new instance or closes now"
                          : ""));
  }
  retire(std::move(old), drain, mms_drain);
  return SMSDRV_OK;
}

std::int32_t driver_instance::remove_channel(std::string_view name,
                                             std::uint32_t drain_timeout_ms) {
  if (shutting_down_) return fail(SMSDRV_E_SHUT_DOWN, "the driver is shut down");
  sweep_retired();
  const auto it = channels_.find(name);
  if (it == channels_.end())
    return fail(SMSDRV_E_UNKNOWN_CHANNEL,
                fmt::format("remove_channel: no channel '{}' is configured in this driver", name));
  std::unique_ptr<channel_entry> entry = std::move(it->second);
  channels_.erase(it);
  routes_.remove_route(name);
  routes_.drop_channel(name);
  {
    std::lock_guard lock(metrics_mutex_);
    std::erase_if(metric_sources_, [&](const auto& m) { return m.channel == entry->name; });
  }
  write(log_level::info, entry->name,
        fmt::format("removed: takes no more requests, answers its queued ones SMSDRV_E_SHUT_DOWN "
                    "(never sent) and gives those in flight up to {} ms, then unbinds",
                    drain_timeout_ms));
  const auto drain = std::chrono::milliseconds(drain_timeout_ms);
  retire(std::move(entry), drain, drain);
  return SMSDRV_OK;
}

void driver_instance::retire(std::unique_ptr<channel_entry> entry, std::chrono::milliseconds drain,
                             std::chrono::milliseconds mms_drain) {
  runtime().retire_channel(*entry->handle, drain);
  if (entry->mms_handle != nullptr) runtime().retire_mms(*entry->mms_handle, mms_drain);
  retired_.push_back(std::move(entry));
}

void driver_instance::sweep_retired() {
  std::erase_if(retired_, [&](std::unique_ptr<channel_entry>& e) {
    if (!e->handle->finished() || (e->mms_handle != nullptr && !e->mms_handle->finished()) ||
        events_.refers_to(reinterpret_cast<std::uintptr_t>(e.get())) || routes_.holds(e.get()))
      return false;
    runtime().remove_channel(*e->handle);
    if (e->mms_handle != nullptr) runtime().remove_mms(*e->mms_handle);
    return true;
  });
}

namespace {

// Where the failover probe of an HTTP channel connects: its gateway, or the proxy in front of it
// (then only the proxy is seen).
channel::failover_router::probe_address probe_address_of(const config::channel_settings& s) {
  channel::failover_router::probe_address a;
  if (!s.http_proxy_url.empty()) {
    auto proxy = http::parse_proxy_url(s.http_proxy_url);
    if (const auto* p = std::get_if<http::proxy_url>(&proxy)) {
      a.host = p->host;
      a.port = s.http_proxy_port != 0 ? s.http_proxy_port
               : p->port != 0         ? p->port
                                      : 1080;  // curl's default
    }
  } else {
    auto url = http::parse_gateway_url(s.http_url);
    if (const auto* u = std::get_if<http::gateway_url>(&url)) {
      a.host = u->host;
      a.port = u->port;
    }
  }
  if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']')
    a.host = a.host.substr(1, a.host.size() - 2);
  a.timeout = std::max<std::chrono::milliseconds>(s.http_connect_timeout, std::chrono::seconds(1));
  return a;
}

}  // namespace

void driver_instance::add_failover_route(const channel_entry& ch) {
  const std::string& target = ch.settings.failover_channel;
  if (target.empty()) {
    routes_.remove_route(ch.name);  // a replaced channel that had one
    return;
  }
  // An SMPP channel reconnects on its own; an HTTP channel tries its gateway only with a
  // request: while the other channel carries, it is probed with a TCP connection every second
  // (as often as its own first retry; one connection a second to one host is nothing).
  const bool probes_itself = ch.http_composer == nullptr;
  const std::chrono::milliseconds interval = std::chrono::seconds(1);
  routes_.add_route(
      ch.name, target, probes_itself, interval, std::chrono::steady_clock::now(),
      probes_itself ? channel::failover_router::probe_address{} : probe_address_of(ch.settings));
  write(log_level::info, ch.name,
        fmt::format("while its gateway is down, its new requests go through {} "
                    "(x-failover-channel){}",
                    target,
                    probes_itself ? std::string()
                                  : std::string("; its gateway is probed every second meanwhile")));
  // The target may be a later section of the same file: said now, and again at a switch that
  // finds no such channel (failover_router::take_switches).
  if (!routes_.target_known(target))
    write(log_level::warn, ch.name,
          fmt::format("x-failover-channel = {}: no [{}] section is configured (yet); until one "
                      "is, [{}]'s requests wait in its own queue while its gateway is down",
                      target, target, ch.name));
  if (!probes_itself && !probe_ticker_) {
    probe_ticker_ = true;
    runtime().every(std::chrono::milliseconds(250), [this] { probe_gateways(); });
  }
}

// On the I/O thread: only what the router keeps (names, probe addresses), no channel lookup.
void driver_instance::probe_gateways() {
  probes_due_.clear();
  routes_.tick(std::chrono::steady_clock::now(), probes_due_);
  for (const channel::failover_router::probe_due& due : probes_due_) {
    const std::string* name = due.channel;  // stable: the router keeps every route's name
    runtime().probe_tcp(due.address.host, due.address.port, due.address.timeout,
                        [this, name](bool ok, std::string why) {
                          std::vector<channel::failover_router::origin_events> switches;
                          routes_.on_probe_result(*name, ok, std::chrono::steady_clock::now(),
                                                  switches);
                          if (enabled(log_level::debug))
                            write(log_level::debug, *name,
                                  ok ? std::string("probe: the gateway accepts connections again")
                                     : fmt::format("probe: the gateway is still down ({})", why));
                          push_routed(switches);
                        });
  }
}

// Any thread. The keys come from the router, which counts them until delivered(): the channel
// entries they name are not freed meanwhile (sweep_retired).
void driver_instance::push_routed(std::vector<channel::failover_router::origin_events>& list) {
  for (auto& o : list) {
    if (o.warning) {
      write(log_level::warn, *o.name, o.event.text);
      continue;
    }
    auto* origin = static_cast<channel_entry*>(const_cast<void*>(o.origin));
    std::vector<channel::channel_event> one;
    one.push_back(std::move(o.event));
    events_.push(origin->name, reinterpret_cast<std::uintptr_t>(origin), one);
    if (o.carrier != nullptr)
      move_unsent(*origin, *static_cast<channel_entry*>(const_cast<void*>(o.carrier)));
  }
  routes_.delivered(list);
}

// I/O thread, at the switch of `origin` to `carrier`; both are held by the router (the caller's
// origin_events) and held again here until the move is done, so neither entry is freed meanwhile.
void driver_instance::move_unsent(channel_entry& origin, channel_entry& carrier) {
  if (origin.handle == nullptr || carrier.handle == nullptr) return;
  // As many as the carrier's queue has room for now; the others stay and wait for their own
  // gateway (or their waiting time).
  const std::size_t open = carrier.open.load(std::memory_order_acquire);
  const std::size_t room = carrier.queue_size > open ? carrier.queue_size - open : 0;
  if (room == 0) return;
  routes_.hold(&origin);
  routes_.hold(&carrier);
  origin.handle->take_unsent(
      room, [this, o = &origin, c = &carrier](std::vector<channel::unsent_request>& taken) {
        std::vector<channel::channel_event> refused;
        for (channel::unsent_request& u : taken)
          resubmit_unsent(*o, *c, u, refused);
        if (taken.size() > refused.size())
          write(log_level::info, o->name,
                fmt::format("{} request(s) waiting unsent in the queue go through {} "
                            "(x-failover-channel): the channel's own gateway is down",
                            taken.size() - refused.size(), c->name));
        // Those the carrier did not take are answered as the origin's own, never sent.
        if (!refused.empty()) push(o, refused);
        routes_.release(o);
        routes_.release(c);
      });
}

// I/O thread: composes the origin's unsent request for the carrier and submits it there under
// its own request id, its RESPONSE going to the host as the origin's (failover_router::remember).
// A request the carrier refuses (its queue full, its composer refusing the user data) gets its
// RESPONSE now, as never sent, in `refused`.
void driver_instance::resubmit_unsent(channel_entry& origin, channel_entry& carrier,
                                      channel::unsent_request& u,
                                      std::vector<channel::channel_event>& refused) {
  std::vector<std::pair<std::string_view, std::string_view>> data(u.data.begin(), u.data.end());
  auto refuse = [&](std::int32_t status, std::string why) {
    channel::channel_event e;
    e.type = SMSDRV_EVENT_RESPONSE;
    e.request_id = u.request_id;
    e.status = status;
    e.text = fmt::format(
        "not sent: the channel's own gateway is down and {} (x-failover-channel) did not take it: "
        "{}",
        carrier.name, why);
    refused.push_back(std::move(e));
  };
  if (carrier.open.fetch_add(1, std::memory_order_acq_rel) >= carrier.queue_size) {
    carrier.open.fetch_sub(1, std::memory_order_acq_rel);
    refuse(SMSDRV_E_CHANNEL_DOWN,
           fmt::format("its {} requests waiting fill its queue", carrier.queue_size));
    return;
  }
  channel::compose_result composed;
  channel::http_prepared_request http_prepared;
  channel::prepared_request smpp_prepared;
  if (carrier.http_composer)
    composed = carrier.http_composer->compose(data, http_prepared);
  else
    composed = carrier.composer->compose(data, smpp_prepared);
  if (!composed.ok()) {
    carrier.open.fetch_sub(1, std::memory_order_acq_rel);
    refuse(composed.status, composed.error);
    return;
  }
  // Counted against the carrier's queue from now on, no longer against the origin's (push()
  // subtracts a RESPONSE from the channel that produced it).
  origin.open.fetch_sub(1, std::memory_order_acq_rel);
  routes_.remember(u.request_id, origin.name);
  origin.metrics->request_moved();
  carrier.metrics->request_accepted();
  if (enabled(log_level::debug))
    write(log_level::debug, origin.name,
          fmt::format("request {} goes through {} (x-failover-channel): it waited unsent while "
                      "the channel's own gateway went down",
                      u.request_id, carrier.name));
  if (carrier.http_composer) {
    http_prepared.request_id = u.request_id;
    http_prepared.accepted = u.accepted;
    carrier.handle->submit(http_prepared);
  } else {
    smpp_prepared.request_id = u.request_id;
    smpp_prepared.accepted = u.accepted;
    carrier.handle->submit(smpp_prepared);
  }
}

std::int32_t driver_instance::configure_http_channel(const config::section_view& section,
                                                     config::channel_settings settings) {
  const std::string name(section.name);
  // The PKCS#12 file of trusted certificates is opened now: a wrong password is a configuration
  // error naming its option.
  std::shared_ptr<const io::tls_client> trust;
  if (const io::tls_settings tls = http_tls_settings_of(settings); tls.enabled()) {
    io::tls_problem problem;
    std::vector<std::string> notes;
    trust = io::tls_client::load(tls, problem, notes);
    // tls_client words its problems for the x-smpp-tls-* options: these are x-http-tls-*.
    auto http_words = [](std::string text) {
      for (std::size_t at = 0; (at = text.find("x-smpp-tls-", at)) != std::string::npos;)
        text.replace(at, 11, "x-http-tls-");
      return text;
    };
    if (!trust)
      return fail(SMSDRV_E_BAD_CONFIG,
                  config::channel_option_problem(section, http_words(problem.option),
                                                 http_words(problem.text)));
    for (const std::string& note : notes)
      write(log_level::warn, name, http_words(note));
  }
  if (settings.http_tls_verification != config::tls_verification::full)
    write(log_level::warn, name,
          fmt::format(
              "x-http-tls-verification = {}: the gateway's certificate is {} checked; "
              "anyone in the path may read and change the requests",
              settings.http_tls_verification == config::tls_verification::insecure_no_host_name
                  ? "insecure-no-host-name"
                  : "insecure-none",
              settings.http_tls_verification == config::tls_verification::insecure_no_host_name
                  ? "not fully"
                  : "not"));
  auto entry = std::make_unique<channel_entry>();
  entry->name = name;
  entry->settings = std::move(settings);
  entry->http_composer =
      std::make_unique<channel::http_composer>(http_composer_settings_of(entry->settings));
  entry->queue_size = entry->settings.http_queue_size;
  channel::http_channel_config cfg = http_channel_config_of(entry->settings);
  entry->metrics = cfg.metrics;
  publish_metrics(*entry);
  const std::string gateway = cfg.gateway;
  entry->handle = &runtime().add_http_channel(
      std::move(cfg), http_client_settings_of(entry->settings, std::move(trust)), entry.get());
  const config::channel_settings& s = entry->settings;
  write(log_level::info, name,
        fmt::format("configured: HTTP gateway {} ({} {}), {} concurrent requests, rate {}/s{}{}; "
                    "{}",
                    gateway, s.http_method_used == config::http_method::get ? "GET" : "POST",
                    http::masked_url(s.http_url), s.http_max_concurrent_requests, s.http_max_rate,
                    s.http_proxy_url.empty()
                        ? std::string()
                        : fmt::format(", through the proxy {}", http::masked_url(s.http_proxy_url)),
                    s.http_io_threads == 0
                        ? std::string()
                        : fmt::format(", exchanges on {} thread(s) of its own",
                                      std::min(s.http_io_threads, s.http_max_concurrent_requests)),
                    io::http_client_version()));
  return install(std::move(entry));
}

// ---- send / poll / ack -------------------------------------------------------------------

std::int32_t driver_instance::send(const smsdrv_request& request, std::uint64_t* request_id) {
  if (shutting_down_) return fail(SMSDRV_E_SHUT_DOWN, "the driver is shutting down");
  if (request.channel == nullptr || request.request == nullptr ||
      (request.count > 0 && (!request.keys || !request.values)))
    return fail(SMSDRV_E_INVALID_ARGUMENT, "send: channel, request, keys or values missing");
  channel_entry* ch = find_channel(request.channel);
  if (ch == nullptr)
    return fail(SMSDRV_E_UNKNOWN_CHANNEL,
                fmt::format("no channel '{}' is configured in this driver", request.channel));
  const parts_check parts = read_parts(request);
  if (parts.status != SMSDRV_OK) return fail(parts.status, parts.problem);
  const std::string_view name(request.request);
  if (name == "SendMMS") {
    if (!ch->mms_composer)
      return fail(SMSDRV_E_UNSUPPORTED_REQUEST,
                  fmt::format("{}: SendMMS needs the channel's MMS settings (x-jsms-config-file)",
                              ch->name));
    return send_mms(*ch, request, parts.parts, request_id);
  }
  if (name != "SendSMS")
    return fail(SMSDRV_E_UNSUPPORTED_REQUEST,
                fmt::format("request '{}' is not handled by this driver (it handles SendSMS and "
                            "SendMMS)",
                            request.request));
  // A receiver bind cannot submit (SMPP v3.4 §2.2): refused now rather than queued for a link
  // that will never take it.
  if (ch->settings.smpp_bind_mode == config::bind_mode::receiver)
    return fail(SMSDRV_E_UNSUPPORTED_REQUEST,
                fmt::format("{} binds as a receiver (x-smpp-bind-mode = r) and cannot send; "
                            "SendSMS needs x-smpp-bind-mode t or tr",
                            ch->name));
  if (!parts.parts.empty())
    return fail(SMSDRV_E_BAD_REQUEST,
                fmt::format("{}: SendSMS carries text only ({} parts given); parts go with SendMMS",
                            ch->name, parts.parts.size()));

  // x-failover-channel: while the channel's own gateway is down another channel carries its
  // new requests (channel/failover_router.hpp); composed, queued and answered there, the
  // RESPONSE going to the host as this channel's.
  channel_entry* const origin = ch;
  if (!routes_.empty())
    if (const auto carrier = routes_.carrier(ch->name))
      ch = static_cast<channel_entry*>(const_cast<void*>(carrier));

  // Reserve a place in the channel's bounded queue before doing any work.
  if (ch->open.fetch_add(1, std::memory_order_acq_rel) >= ch->queue_size) {
    ch->open.fetch_sub(1, std::memory_order_acq_rel);
    return fail(
        SMSDRV_E_QUEUE_FULL,
        fmt::format("{}: {} requests are waiting ({}); try again later", ch->name, ch->queue_size,
                    ch->http_composer ? "x-http-queue-size" : "x-smpp-queue-size"));
  }
  constexpr std::size_t inline_pairs = 16;
  std::array<std::pair<std::string_view, std::string_view>, inline_pairs> small;
  std::vector<std::pair<std::string_view, std::string_view>> large;
  std::span<const std::pair<std::string_view, std::string_view>> data;
  if (request.count <= inline_pairs) {
    for (std::uint32_t i = 0; i < request.count; ++i)
      small[i] = {request.keys[i] ? request.keys[i] : "",
                  request.values[i] ? request.values[i] : ""};
    data = std::span(small.data(), request.count);
  } else {
    for (std::uint32_t i = 0; i < request.count; ++i)
      large.emplace_back(request.keys[i] ? request.keys[i] : "",
                         request.values[i] ? request.values[i] : "");
    data = large;
  }

  if (ch->http_composer) return send_http(*ch, *origin, data, request_id);

  channel::prepared_request& prepared = thread_request();
  const channel::compose_result composed = ch->composer->compose(data, prepared);
  if (!composed.ok()) {
    ch->open.fetch_sub(1, std::memory_order_acq_rel);
    return fail(composed.status, fmt::format("{}: {}", ch->name, composed.error));
  }
  prepared.request_id = next_request_id_.fetch_add(1, std::memory_order_relaxed);
  prepared.accepted = std::chrono::steady_clock::now();
  keep_user_data(*ch, *origin, data, prepared.kept);
  if (enabled(log_level::debug))
    if (std::string remark = channel::encoding_remark(composed); !remark.empty())
      write(log_level::debug, ch->name, fmt::format("request {}: {}", prepared.request_id, remark));
  if (request_id) *request_id = prepared.request_id;
  if (ch != origin) hand_over(prepared.request_id, *origin, *ch);
  ch->metrics->request_accepted();
  ch->handle->submit(prepared);
  return SMSDRV_OK;
}

void driver_instance::keep_user_data(const channel_entry& ch, const channel_entry& origin,
                                     channel::user_data data, channel::kept_user_data& kept) {
  kept.clear();
  // Only a channel with x-failover-channel that carries its own request may hand it on later;
  // a request carried for another channel stays where it is.
  if (&ch != &origin || ch.settings.failover_channel.empty()) return;
  kept.reserve(data.size());
  for (const auto& [key, value] : data)
    kept.emplace_back(key, value);
}

void driver_instance::hand_over(std::uint64_t request_id, const channel_entry& origin,
                                const channel_entry& carrier) {
  routes_.remember(request_id, origin.name);
  // Addressed to the origin, answered by the carrier (which counts it accepted as well).
  origin.metrics->request_accepted();
  origin.metrics->request_moved();
  if (enabled(log_level::debug))
    write(log_level::debug, origin.name,
          fmt::format("request {} goes through {} (x-failover-channel): the channel's own "
                      "gateway is down",
                      request_id, carrier.name));
}

std::int32_t driver_instance::send_mms(channel_entry& ch, const smsdrv_request& request,
                                       const std::vector<smsdrv_part>& parts,
                                       std::uint64_t* request_id) {
  if (ch.open.fetch_add(1, std::memory_order_acq_rel) >= ch.queue_size) {
    ch.open.fetch_sub(1, std::memory_order_acq_rel);
    return fail(SMSDRV_E_QUEUE_FULL,
                fmt::format("{}: {} requests are waiting (x-smpp-queue-size); try again later",
                            ch.name, ch.queue_size));
  }
  std::vector<std::pair<std::string_view, std::string_view>> data;
  data.reserve(request.count);
  for (std::uint32_t i = 0; i < request.count; ++i)
    data.emplace_back(request.keys[i] ? request.keys[i] : "",
                      request.values[i] ? request.values[i] : "");
  std::vector<mm7::part_input> inputs;
  inputs.reserve(parts.size());
  for (const smsdrv_part& p : parts)
    inputs.push_back({p.content_type, p.name,
                      std::string_view(reinterpret_cast<const char*>(p.data),
                                       p.data ? static_cast<std::size_t>(p.size) : 0)});
  mm7::prepared_mms prepared;
  const mm7::mms_compose_result composed = ch.mms_composer->compose(data, inputs, prepared);
  if (!composed.ok()) {
    ch.open.fetch_sub(1, std::memory_order_acq_rel);
    return fail(composed.status, fmt::format("{}: {}", ch.name, composed.error));
  }
  prepared.request_id = next_request_id_.fetch_add(1, std::memory_order_relaxed);
  if (enabled(log_level::debug))
    write(log_level::debug, ch.name,
          fmt::format("request {}: SendMMS, TransactionID {}, {} parts, {} bytes",
                      prepared.request_id, prepared.transaction_id, prepared.parts,
                      prepared.post.body.size()));
  if (request_id) *request_id = prepared.request_id;
  ch.metrics->request_accepted();
  ch.mms_handle->submit(std::move(prepared));
  return SMSDRV_OK;
}

std::int32_t driver_instance::send_http(channel_entry& ch, const channel_entry& origin,
                                        channel::user_data data, std::uint64_t* request_id) {
  channel::http_prepared_request prepared;
  const channel::compose_result composed = ch.http_composer->compose(data, prepared);
  if (!composed.ok()) {
    ch.open.fetch_sub(1, std::memory_order_acq_rel);
    return fail(composed.status, fmt::format("{}: {}", ch.name, composed.error));
  }
  prepared.request_id = next_request_id_.fetch_add(1, std::memory_order_relaxed);
  prepared.accepted = std::chrono::steady_clock::now();
  keep_user_data(ch, origin, data, prepared.kept);
  if (enabled(log_level::debug) && ch.settings.debug_mode)
    write(log_level::debug, ch.name,
          fmt::format("request {}: {}", prepared.request_id,
                      ch.http_composer->describe(data, masking().get())));
  if (request_id) *request_id = prepared.request_id;
  if (&ch != &origin) hand_over(prepared.request_id, origin, ch);
  ch.metrics->request_accepted();
  ch.handle->submit(prepared);
  return SMSDRV_OK;
}

void driver_instance::push(void* key, std::vector<channel::channel_event>& events) {
  // The key, not a lookup: configure() may be adding a channel to channels_ meanwhile.
  auto* ch = static_cast<channel_entry*>(key);
  std::size_t responses = 0;
  for (const channel::channel_event& e : events)
    if (e.type == SMSDRV_EVENT_RESPONSE) ++responses;
  // A request is counted against the queue of the channel that carries it.
  if (responses) ch->open.fetch_sub(responses, std::memory_order_acq_rel);
  if (ch->replaced.load(std::memory_order_acquire)) {
    // The channel's state is its new instance's; the old one's link going away is only logged.
    std::erase_if(events, [&](const channel::channel_event& e) {
      if (e.type != SMSDRV_EVENT_CHANNEL_STATE) return false;
      write(log_level::info, ch->name, "previous instance: " + e.text);
      return true;
    });
  }
  if (routes_.empty()) {
    events_.push(ch->name, reinterpret_cast<std::uintptr_t>(ch), events);
    return;
  }
  // x-failover-channel: state changes move the routes; RESPONSE events of requests handed over
  // go to the host as their origin's.
  std::vector<channel::failover_router::origin_events> switches, handed_back;
  routes_.observe(ch->name, events, std::chrono::steady_clock::now(), switches, handed_back);
  events_.push(ch->name, reinterpret_cast<std::uintptr_t>(ch), events);
  push_routed(switches);
  push_routed(handed_back);
}

void driver_instance::reclaim(std::vector<channel::attributes>& out, std::size_t limit) {
  events_.reclaim(out, limit);
}

std::int32_t driver_instance::poll(smsdrv_event& event) {
  return events_.poll(event) ? 1 : 0;
}

std::int32_t driver_instance::ack(std::uint64_t event_id, std::int32_t disposition) {
  auto target = events_.take_ack(event_id);
  if (!target)
    return fail(SMSDRV_E_UNKNOWN_EVENT,
                fmt::format("event {} is not waiting for an acknowledgement (never issued, "
                            "not flagged NEEDS_ACK, or already acknowledged)",
                            event_id));
  auto* ch = reinterpret_cast<channel_entry*>(target->channel_key);
  if ((target->ack_id & io::mms_ack_bit) != 0 && ch->mms_handle != nullptr)
    ch->mms_handle->ack(target->ack_id, disposition);
  else
    ch->handle->ack(target->ack_id, disposition);
  return SMSDRV_OK;
}

std::int32_t driver_instance::metrics(smsdrv_metrics& out) {
  std::lock_guard lock(metrics_mutex_);
  metrics_export_.fill(metric_sources_, out);
  return SMSDRV_OK;
}

std::int32_t driver_instance::shutdown(std::uint32_t drain_timeout_ms) {
  if (shutting_down_.exchange(true)) return SMSDRV_OK;
  if (runtime_) {
    write(log_level::info, "",
          fmt::format("shutting down: draining for up to {} ms", drain_timeout_ms));
    runtime_->shutdown(std::chrono::milliseconds(drain_timeout_ms));
  }
  return SMSDRV_OK;
}

}  // namespace smsdrv::abi
