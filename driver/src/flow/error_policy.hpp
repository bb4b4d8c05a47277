// x-smpp-error-policy: what a channel does when the SMSC refuses a submission, by the
// command_status of the submit_sm_resp or generic_nack (SMPP v3.4 §5.1.3). Pure data and a
// parser; channel_core acts on it.
//
//   fail   the request fails at once, naming the status (SMSDRV_E_SMSC_REJECTED).
//   retry  the segment is submitted again `delay` after the refusal, at most `retries` times;
//          other messages keep flowing meanwhile.
//   pause  the channel stops submitting for `delay`, then submits the segment again. A further
//          pause doubles, up to `max_delay`, only while the SMSC accepts nothing in between; the
//          segment fails after `retries` refusals in a row with nothing accepted in between
//          (channel_core applies this).
//
// Text form (docs/options.md, "Error policy"): rules separated by ',' or ';', each
// `<status>: <action>`, the status a spec name or a number:
//   ESME_RTHROTTLED: pause 10ms-30s retry 12, ESME_RSYSERR: retry 3 after 1s, 0x00000401: fail
// A configured policy is applied over the defaults: statuses it does not name keep theirs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace smsdrv::flow {

enum class error_action : std::uint8_t { fail, retry, pause };

struct error_rule {
  std::uint32_t command_status = 0;
  error_action action = error_action::fail;
  std::uint32_t retries = 0;               // retry, pause: resubmissions of one segment at most
  std::chrono::milliseconds delay{0};      // retry: wait before resubmitting; pause: first pause
  std::chrono::milliseconds max_delay{0};  // pause: ceiling of the doubling pause

  friend bool operator==(const error_rule&, const error_rule&) = default;
};

// The built-in policy: throttling and a full queue at the SMSC are temporary (§5.1.3
// ESME_RTHROTTLED, ESME_RMSGQFUL), a system error may be; everything else is permanent. The
// first throttling pause is short (10 ms): an SMSC that refuses now and then must not idle the
// channel for most of the time, and one that keeps refusing doubles it quickly
// (docs/reliability.md, "The error policy"; docs/benchmarks.md, "Against a throttling SMSC").
inline constexpr std::string_view default_error_policy =
    "ESME_RTHROTTLED: pause 10ms-30s retry 12, ESME_RMSGQFUL: pause 10s-120s retry 5, "
    "ESME_RSYSERR: retry 3 after 1s";

struct error_policy_error {
  std::size_t column = 0;  // 1-based character position in the spec
  std::string reason;

  std::string message() const;  // "column 17: expected ':' after the status"
};

class error_policy {
 public:
  // The defaults (default_error_policy).
  error_policy();

  // The defaults with the rules of `spec` applied over them. An empty or blank spec changes
  // nothing.
  static std::variant<error_policy, error_policy_error> parse(std::string_view spec);

  // The rule for `status`: a `fail` rule when no rule names it.
  error_rule rule_for(std::uint32_t status) const noexcept;
  // Every rule that is not `fail`, and the `fail` rules given explicitly, by status.
  const std::vector<error_rule>& rules() const noexcept { return rules_; }

  // "ESME_RTHROTTLED: pause 10ms-30s retry 12, ..."; parse() reads it back to the same policy.
  std::string to_string() const;

 private:
  std::vector<error_rule> rules_;  // sorted by command_status, one per status
};

// "pause 10ms-30s retry 12" / "retry 3 after 1s" / "fail".
std::string describe(const error_rule& rule);

}  // namespace smsdrv::flow
