// test_sms.hpp - the console's "send a test SMS": a SendSMS with _smsDestNumber and _smsText
// through a channel, under an id of its own ("console-test-<n>"), accepted like a request read
// from stdin (the request table, the configuration lock; its esp-response and delivery report
// go to stdout as well) and recorded in rt.tests for the console to show its outcome.
// Any thread (the console's).
#ifndef SMSDRV_HOST_TEST_SMS_HPP
#define SMSDRV_HOST_TEST_SMS_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "host/runtime.hpp"

namespace smsdrv::host {

struct test_sms_result {
  int32_t status = 0;       // SMSDRV_OK: accepted, its outcome comes later in rt.tests
  std::string status_name;  // otherwise: why not, as the driver or dms-stub says
  std::string error;
  std::string id;  // when accepted
};

test_sms_result send_test_sms(runtime& rt, std::string_view channel, std::string_view to,
                              std::string_view text);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_TEST_SMS_HPP
