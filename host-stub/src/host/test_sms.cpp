#include "host/test_sms.hpp"

#include <array>

#include "host/request_table.hpp"

namespace smsdrv::host {
namespace {

std::string masked_number(std::string_view to) {
  std::string out(to);
  for (size_t i = 0; i + 4 < out.size(); ++i)
    out[i] = '*';
  return out;
}

test_sms_result refused(int32_t status, std::string name, std::string text) {
  return {status, std::move(name), std::move(text), {}};
}

}  // namespace

test_sms_result send_test_sms(runtime& rt, std::string_view channel, std::string_view to,
                              std::string_view text) {
  if (to.empty())
    return refused(SMSDRV_E_BAD_REQUEST, "SMSDRV_E_BAD_REQUEST", "the mobile number is missing");
  if (text.empty())
    return refused(SMSDRV_E_BAD_REQUEST, "SMSDRV_E_BAD_REQUEST", "the text is missing");
  if (rt.stopping.load() || rt.input_done.load())
    return refused(SMSDRV_E_SHUT_DOWN, "SMSDRV_E_SHUT_DOWN",
                   "dms-stub is stopping; the message was not sent");
  const std::string id = rt.tests.next_id();
  const std::string channel_name(channel);
  const std::string number(to), body(text);
  const std::array<const char*, 2> keys{"_smsDestNumber", "_smsText"};
  const std::array<const char*, 2> values{number.c_str(), body.c_str()};
  const auto lock = rt.using_config();
  if (rt.sends_closed)
    return refused(SMSDRV_E_SHUT_DOWN, "SMSDRV_E_SHUT_DOWN",
                   "dms-stub is stopping; the message was not sent");
  const auto found = rt.channels->find(channel);
  if (found == rt.channels->end())
    return refused(SMSDRV_E_UNKNOWN_CHANNEL, "SMSDRV_E_UNKNOWN_CHANNEL",
                   "no channel '" + channel_name + "' is served");
  const size_t driver = found->second.driver;
  smsdrv::driver& drv = *rt.drivers[driver]->instance;
  const smsdrv_driver_api& api = drv.api();
  smsdrv_request r{};
  r.struct_size = sizeof r;
  r.channel = channel_name.c_str();
  r.request = "SendSMS";
  r.count = static_cast<uint32_t>(keys.size());
  r.keys = keys.data();
  r.values = values.data();
  std::string payload;
  pack_request(payload, r.request, r.channel, r.count, r.keys, r.values);
  uint64_t accepted_as = 0;
  // Recorded before the driver may answer, so that the main thread finds it.
  test_message t;
  t.id = id;
  t.channel = channel_name;
  t.to = masked_number(to);
  t.sent = std::chrono::system_clock::now();
  rt.tests.sent(t);
  const int32_t status = rt.requests.submit(
      driver, std::string_view(id), channel_name, payload, [&](uint64_t* request_id) {
        const int32_t st = api.send(drv.handle(), &r, request_id);
        accepted_as = *request_id;
        return st;
      });
  if (status != SMSDRV_OK) {
    const char* why = api.last_error(drv.handle());
    test_sms_result out =
        refused(status, api.status_name(status), why && *why ? why : api.status_message(status));
    rt.tests.answered(id, false, out.status_name, out.error, {});
    return out;
  }
  rt.log.log(SMSDRV_LOG_INFO, channel_name, "console: test SMS {} to {} is request {}", id, t.to,
             accepted_as);
  return {SMSDRV_OK, "SMSDRV_OK", {}, id};
}

}  // namespace smsdrv::host
