#include "fault.hpp"

#include <fmt/format.h>

#include <charconv>

namespace smsdrv::mmsc_sim {
namespace {

template <class Int>
bool parse_int(std::string_view text, Int& out) noexcept {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

bool parse_switch(std::string_view v, bool& out) {
  if (v.empty() || v == "true" || v == "on" || v == "1") {
    out = true;
    return true;
  }
  if (v == "false" || v == "off" || v == "0") {
    out = false;
    return true;
  }
  return false;
}

bool parse_status(std::string_view v, int& out) {
  return parse_int(v, out) && out >= 1000 && out <= 4999;
}

}  // namespace

const std::vector<fault_row>& fault_table() {
  static const std::vector<fault_row> rows = {
      {"status", "CODE", "StatusCode of every SubmitRsp (1000; 1100, 2002, 4006, ...)"},
      {"fail-every", "N[:CODE]", "every Nth SubmitReq answered with CODE (default 3000)"},
      {"delay-ms", "D or MIN-MAX", "every answer waits D ms (uniform in MIN-MAX)"},
      {"http-500", "switch", "answer HTTP 500 with a plain text body"},
      {"soap-fault", "CODE", "answer a SOAP Fault with an RSErrorRsp of CODE (0: off)"},
      {"drop", "switch", "read each request, then close the connection without answering"},
      {"drop-every", "N", "only every Nth request is dropped that way (0: off)"},
      {"silent", "switch", "never answer; the connection stays open"},
      {"wrong-transaction", "switch", "answer with another TransactionID"},
      {"garbage", "switch", "answer HTTP 200 with a body that is not XML"},
  };
  return rows;
}

std::string set_fault(fault_config& f, std::string_view name, std::string_view value) {
  if (name == "status") {
    if (!parse_status(value, f.status)) return "expected an MM7 status from 1000 to 4999";
  } else if (name == "fail-every") {
    auto colon = value.find(':');
    if (!parse_int(value.substr(0, colon), f.fail_every)) return "expected N[:CODE]";
    if (colon != std::string_view::npos && !parse_status(value.substr(colon + 1), f.fail_status))
      return "expected N[:CODE] with CODE from 1000 to 4999";
  } else if (name == "delay-ms") {
    auto dash = value.find('-');
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    if (!parse_int(value.substr(0, dash), lo)) return "expected D or MIN-MAX milliseconds";
    hi = lo;
    if (dash != std::string_view::npos && (!parse_int(value.substr(dash + 1), hi) || hi < lo))
      return "expected D or MIN-MAX milliseconds with MIN <= MAX";
    f.delay = std::chrono::milliseconds(lo);
    f.delay_max = std::chrono::milliseconds(hi);
  } else if (name == "http-500") {
    if (!parse_switch(value, f.http_500)) return "expected true or false";
  } else if (name == "soap-fault") {
    int code = 0;
    if (!parse_int(value, code) || (code != 0 && (code < 1000 || code > 4999)))
      return "expected an MM7 status from 1000 to 4999, or 0";
    f.soap_fault = code;
  } else if (name == "drop") {
    if (!parse_switch(value, f.drop)) return "expected true or false";
  } else if (name == "drop-every") {
    if (!parse_int(value, f.drop_every)) return "expected a number";
  } else if (name == "silent") {
    if (!parse_switch(value, f.silent)) return "expected true or false";
  } else if (name == "wrong-transaction") {
    if (!parse_switch(value, f.wrong_transaction)) return "expected true or false";
  } else if (name == "garbage") {
    if (!parse_switch(value, f.garbage)) return "expected true or false";
  } else {
    return fmt::format("unknown fault '{}'", name);
  }
  return {};
}

std::vector<std::string> describe(const fault_config& f) {
  std::vector<std::string> out;
  if (f.status != 1000) out.push_back(fmt::format("status={}", f.status));
  if (f.fail_every) out.push_back(fmt::format("fail-every={}:{}", f.fail_every, f.fail_status));
  if (f.delay.count() || f.delay_max.count())
    out.push_back(f.delay == f.delay_max
                      ? fmt::format("delay-ms={}", f.delay.count())
                      : fmt::format("delay-ms={}-{}", f.delay.count(), f.delay_max.count()));
  if (f.http_500) out.push_back("http-500=true");
  if (f.soap_fault) out.push_back(fmt::format("soap-fault={}", f.soap_fault));
  if (f.drop) out.push_back("drop=true");
  if (f.drop_every) out.push_back(fmt::format("drop-every={}", f.drop_every));
  if (f.silent) out.push_back("silent=true");
  if (f.wrong_transaction) out.push_back("wrong-transaction=true");
  if (f.garbage) out.push_back("garbage=true");
  return out;
}

}  // namespace smsdrv::mmsc_sim
