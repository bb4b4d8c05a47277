#include "host/event_writer.hpp"

#include "host/json_writer.hpp"

namespace smsdrv::host {
namespace {

std::string_view text_of(const char* s) {
  return s != nullptr ? s : "";
}

void error_object(json_line& j, const failure& f) {
  j.begin_object("error").num("code", f.code).str("name", f.name).str("text", f.text).end_object();
}

}  // namespace

void write_response(std::string& out, std::optional<std::string_view> id, const smsdrv_event& ev,
                    std::string_view status_name) {
  json_line j(out);
  j.str("event", "esp-response");
  if (id) j.str("id", *id);
  j.str("channel", text_of(ev.channel)).boolean("ok", ev.status == SMSDRV_OK);
  j.string_map("userData", ev.count, ev.keys, ev.values);
  if (ev.status != SMSDRV_OK) error_object(j, {ev.status, status_name, text_of(ev.text)});
  j.finish();
}

void write_refusal(std::string& out, std::optional<std::string_view> id, std::string_view channel,
                   const failure& f) {
  json_line j(out);
  j.str("event", "esp-response");
  if (id) j.str("id", *id);
  if (!channel.empty()) j.str("channel", channel);
  j.boolean("ok", false);
  error_object(j, f);
  j.finish();
}

void write_host_answer(std::string& out, std::optional<std::string_view> id,
                       std::string_view channel, uint32_t count, const char* const* keys,
                       const char* const* values) {
  json_line j(out);
  j.str("event", "esp-response");
  if (id) j.str("id", *id);
  if (!channel.empty()) j.str("channel", channel);
  j.boolean("ok", true);
  j.string_map("userData", count, keys, values);
  j.finish();
}

void write_input_error(std::string& out, uint64_t line, std::optional<std::string_view> id,
                       const failure& f) {
  json_line j(out);
  j.str("event", "error").num("line", static_cast<int64_t>(line));
  if (id) j.str("id", *id);
  error_object(j, f);
  j.finish();
}

void write_interaction(std::string& out, const smsdrv_event& ev, std::string_view endpoint,
                       std::string_view mode) {
  json_line j(out);
  j.str("event", "interaction").str("channel", text_of(ev.channel));
  if (!endpoint.empty()) j.str("endpoint", endpoint);
  j.str("mode", mode);
  // The driver's remark on the message, e.g. "partial: parts 2 of 3 missing" (docs/esp.md).
  if (ev.text != nullptr && ev.text[0] != '\0') j.str("note", ev.text);
  j.string_map("attributes", ev.count, ev.keys, ev.values);
  // A multimedia message's parts (ABI 1.2), bytes in base64.
  if (ev.part_count > 0 && ev.parts != nullptr) j.parts("parts", ev.part_count, ev.parts);
  j.finish();
}

void write_delivery_report(std::string& out, const smsdrv_event& ev,
                           std::optional<std::string_view> id) {
  json_line j(out);
  j.str("event", "delivery-report").str("channel", text_of(ev.channel));
  if (id) j.str("id", *id);
  j.string_map("attributes", ev.count, ev.keys, ev.values);
  j.finish();
}

void write_read_reply(std::string& out, const smsdrv_event& ev,
                      std::optional<std::string_view> id) {
  json_line j(out);
  j.str("event", "read-reply").str("channel", text_of(ev.channel));
  if (id) j.str("id", *id);
  j.string_map("attributes", ev.count, ev.keys, ev.values);
  j.finish();
}

void write_channel_state(std::string& out, const smsdrv_event& ev, std::string_view status_name) {
  json_line j(out);
  j.str("event", "channel-state").str("channel", text_of(ev.channel));
  j.num("status", ev.status).str("name", status_name).str("text", text_of(ev.text));
  j.string_map("attributes", ev.count, ev.keys, ev.values);
  j.finish();
}

}  // namespace smsdrv::host
