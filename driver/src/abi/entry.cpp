// The module's one exported symbol and the function table behind it. Every thunk is noexcept
// and funnels through guard(): no exception crosses the C ABI (house style §1).
#include <cstddef>
#include <new>
#include <string>

#include "abi/driver_instance.hpp"
#include "abi/struct_prefix.hpp"
#include "smsdrv/smsdrv.h"
#include "smsdrv/status.hpp"

struct smsdrv_driver final : smsdrv::abi::driver_instance {
  using driver_instance::driver_instance;
};

namespace {

using smsdrv::abi::prefix_of;
using smsdrv::abi::set_last_error;

// "send: smsdrv_request.struct_size is 8; the smallest this driver accepts (ABI 1.0) is 48"
std::string too_small(const char* call, const char* type, std::uint32_t given, std::size_t least) {
  std::string text = call;
  text += ": ";
  text += type;
  text += ".struct_size is " + std::to_string(given) + "; the smallest this driver accepts is " +
          std::to_string(least) + " (the struct of the oldest ABI version with it)";
  return text;
}

template <class F>
std::int32_t guard(const void* driver, F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    set_last_error(driver, "out of memory");
  } catch (const std::exception& e) {
    set_last_error(driver, std::string("internal error: ") + e.what());
  } catch (...) {
    set_last_error(driver, "internal error: unknown exception");
  }
  return SMSDRV_E_INTERNAL;
}

std::int32_t api_init(const smsdrv_host* host, smsdrv_driver** out) noexcept {
  return guard(nullptr, [&]() -> std::int32_t {
    if (out == nullptr) {
      set_last_error(nullptr, "init: out is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    *out = nullptr;
    if (host == nullptr) {
      set_last_error(nullptr, "init: host is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    if (host->struct_size < SMSDRV_HOST_SIZE_1_0) {
      set_last_error(nullptr,
                     too_small("init", "smsdrv_host", host->struct_size, SMSDRV_HOST_SIZE_1_0));
      return SMSDRV_E_ABI_MISMATCH;
    }
    *out = new smsdrv_driver(prefix_of(*host));
    return SMSDRV_OK;
  });
}

std::int32_t api_configure(smsdrv_driver* d, const smsdrv_section* s) noexcept {
  return guard(d, [&]() -> std::int32_t {
    if (d == nullptr || s == nullptr) {
      set_last_error(d, "configure: driver or section is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    if (s->struct_size < SMSDRV_SECTION_SIZE_1_0) {
      set_last_error(
          d, too_small("configure", "smsdrv_section", s->struct_size, SMSDRV_SECTION_SIZE_1_0));
      return SMSDRV_E_ABI_MISMATCH;
    }
    return d->configure(prefix_of(*s));
  });
}

std::int32_t api_send(smsdrv_driver* d, const smsdrv_request* r, std::uint64_t* id) noexcept {
  return guard(d, [&]() -> std::int32_t {
    if (d == nullptr || r == nullptr) {
      set_last_error(d, "send: driver or request is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    if (r->struct_size < SMSDRV_REQUEST_SIZE_1_0) {
      set_last_error(d,
                     too_small("send", "smsdrv_request", r->struct_size, SMSDRV_REQUEST_SIZE_1_0));
      return SMSDRV_E_ABI_MISMATCH;
    }
    return d->send(prefix_of(*r), id);
  });
}

std::int32_t api_poll(smsdrv_driver* d, smsdrv_event* e) noexcept {
  return guard(d, [&]() -> std::int32_t {
    if (d == nullptr || e == nullptr) {
      set_last_error(d, "poll: driver or event is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    if (e->struct_size < SMSDRV_EVENT_SIZE_1_0) {
      set_last_error(d, too_small("poll", "smsdrv_event", e->struct_size, SMSDRV_EVENT_SIZE_1_0));
      return SMSDRV_E_ABI_MISMATCH;
    }
    return d->poll(*e);
  });
}

std::int32_t api_ack(smsdrv_driver* d, std::uint64_t event_id, std::int32_t disposition) noexcept {
  return guard(d, [&]() -> std::int32_t {
    if (d == nullptr) {
      set_last_error(d, "ack: driver is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    return d->ack(event_id, disposition);
  });
}

std::int32_t api_shutdown(smsdrv_driver* d, std::uint32_t drain_timeout_ms) noexcept {
  return guard(d, [&]() -> std::int32_t {
    if (d == nullptr) return SMSDRV_E_INVALID_ARGUMENT;
    return d->shutdown(drain_timeout_ms);
  });
}

std::int32_t api_metrics(smsdrv_driver* d, smsdrv_metrics* out) noexcept {
  return guard(d, [&]() -> std::int32_t {
    if (d == nullptr || out == nullptr) {
      set_last_error(d, "metrics: driver or out is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    if (out->struct_size < SMSDRV_METRICS_SIZE_1_1) {
      set_last_error(
          d, too_small("metrics", "smsdrv_metrics", out->struct_size, SMSDRV_METRICS_SIZE_1_1));
      return SMSDRV_E_ABI_MISMATCH;
    }
    return d->metrics(*out);
  });
}

std::int32_t api_remove_channel(smsdrv_driver* d, const char* channel,
                                std::uint32_t drain_timeout_ms) noexcept {
  return guard(d, [&]() -> std::int32_t {
    if (d == nullptr || channel == nullptr) {
      set_last_error(d, "remove_channel: driver or channel is NULL");
      return SMSDRV_E_INVALID_ARGUMENT;
    }
    return d->remove_channel(channel, drain_timeout_ms);
  });
}

void api_destroy(smsdrv_driver* d) noexcept {
  guard(d, [&]() -> std::int32_t {
    // Every driver thread stops before the instance starts to be destroyed: they call into it
    // (its event sink) until then.
    if (d != nullptr) d->shutdown(0);
    delete d;
    return SMSDRV_OK;
  });
}

const char* api_last_error(const smsdrv_driver* d) noexcept {
  return smsdrv::abi::last_error_of(d);
}

const char* api_status_name(std::int32_t status) noexcept {
  return smsdrv::status_name(status);
}

const char* api_status_message(std::int32_t status) noexcept {
  return smsdrv::status_message(status);
}

constexpr smsdrv_driver_api api_table = {
    sizeof(smsdrv_driver_api),
    SMSDRV_ABI_VERSION,
    "smsmms",
    SMSDRV_VERSION,
    api_init,
    api_configure,
    api_send,
    api_poll,
    api_ack,
    api_shutdown,
    api_destroy,
    api_last_error,
    api_status_name,
    api_status_message,
    api_metrics,
    api_remove_channel,
};

}  // namespace

extern "C" SMSDRV_EXPORT const smsdrv_driver_api* smsdrv_driver_entry(
    std::uint32_t host_abi_version) {
  if (SMSDRV_ABI_VERSION_MAJOR_OF(host_abi_version) != SMSDRV_ABI_MAJOR) return nullptr;
  return &api_table;
}
