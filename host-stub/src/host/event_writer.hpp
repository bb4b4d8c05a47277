// event_writer.hpp - the JSON lines dms-stub writes on stdout (docs/esp.md), one function per
// event kind. Each appends exactly one line to out.
#ifndef SMSDRV_HOST_EVENT_WRITER_HPP
#define SMSDRV_HOST_EVENT_WRITER_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smsdrv/smsdrv.h"

namespace smsdrv::host {

// A failure to report: SMSDRV_E_* code, its name, and a text naming the cause.
struct failure {
  int32_t code;
  std::string_view name;
  std::string_view text;
};

// {"event":"esp-response","id":…,"channel":…,"ok":…,"userData":{…}[,"error":{…}]} from a
// driver's RESPONSE event. id is absent when the request had none.
void write_response(std::string& out, std::optional<std::string_view> id, const smsdrv_event& ev,
                    std::string_view status_name);

// {"event":"esp-response","id":…,"channel":…,"ok":false,"error":{…}} for a request the stub
// answers itself (refused by send(), unknown channel, drain timeout).
void write_refusal(std::string& out, std::optional<std::string_view> id, std::string_view channel,
                   const failure& f);

// {"event":"esp-response","id":…[,"channel":…],"ok":true,"userData":{…}} for a request the stub
// answers itself successfully (the PII requests, host/pii.hpp).
void write_host_answer(std::string& out, std::optional<std::string_view> id,
                       std::string_view channel, uint32_t count, const char* const* keys,
                       const char* const* values);

// {"event":"error","line":N[,"id":…],"error":{…}} for an input line that is not a request.
void write_input_error(std::string& out, uint64_t line, std::optional<std::string_view> id,
                       const failure& f);

// {"event":"interaction","channel":…[,"endpoint":…],"mode":…,"attributes":{…}}
void write_interaction(std::string& out, const smsdrv_event& ev, std::string_view endpoint,
                       std::string_view mode);

// {"event":"delivery-report","channel":…[,"id":…],"attributes":{…}}
void write_delivery_report(std::string& out, const smsdrv_event& ev,
                           std::optional<std::string_view> id);

// {"event":"read-reply","channel":…,"id":…,"attributes":{…}} (ABI 1.2)
void write_read_reply(std::string& out, const smsdrv_event& ev, std::optional<std::string_view> id);

// {"event":"channel-state","channel":…,"status":N,"name":…,"text":…,"attributes":{…}}
void write_channel_state(std::string& out, const smsdrv_event& ev, std::string_view status_name);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_EVENT_WRITER_HPP
