// The session's rules as data (house style §3): which requests an ESME sends, and what the
// session does with each request an SMSC sends, by session state. SMPP v3.4 §2.3 lists which
// PDUs each side may send in which bind state; §4 gives each PDU's response.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "smpp/command_id.hpp"

namespace smsdrv::smpp {

enum class session_state : std::uint8_t { closed, binding, bound, unbinding };

inline constexpr std::size_t session_state_count = 4;

std::string_view session_state_name(session_state s) noexcept;

// The requests an ESME sends once bound (SMPP v3.4 §2.3, table 2-1 "ESME -> SMSC"), other than
// the bind, unbind and enquire_link the session sends on its own. X(name).
#define SMSDRV_SMPP_ESME_REQUEST_MAP(X) \
  X(submit_sm)                          \
  X(data_sm)                            \
  X(query_sm)                           \
  X(cancel_sm)                          \
  X(replace_sm)                         \
  X(submit_multi)

constexpr bool is_esme_request(command_id id) noexcept {
  switch (id) {
#define SMSDRV_SMPP_ESME_REQUEST_CASE_(name) case command_id::name:
    SMSDRV_SMPP_ESME_REQUEST_MAP(SMSDRV_SMPP_ESME_REQUEST_CASE_)
#undef SMSDRV_SMPP_ESME_REQUEST_CASE_
    return true;
    default:
      return false;
  }
}

// What the session does with a request from the SMSC.
enum class request_action : std::uint8_t {
  answer_enquire_link,  // enquire_link_resp, in every state (§4.11)
  unbind_by_peer,       // unbind_resp at once; the PDUs of the same read are still processed,
                        // then the session ends (§4.2)
  deliver,              // to the owner, who answers it; refused ESME_RINVBNDSTS when the bind
                        // mode is transmitter (deliver_sm §4.6, data_sm §4.7)
  refuse_bind_status,   // its own response with ESME_RINVBNDSTS: not bound to receive
  alert,                // to the owner; no response is due (§4.12)
  note_outbind,         // logged: the session binds on its own (§2.2.1)
  refuse_command,       // its own response (or generic_nack) with ESME_RINVCMDID: an SMSC does
                        // not send it to an ESME
};

struct request_rule {
  command_id id;
  std::array<request_action, session_state_count> by_state;  // closed, binding, bound, unbinding
};

namespace detail {
using ra = request_action;
inline constexpr std::array<ra, session_state_count> in_every_state(ra a) {
  return {a, a, a, a};
}
}  // namespace detail

// Every request the session acts on; any other request (submit_sm, bind_*, query_sm ...) is
// refused with ESME_RINVCMDID.
inline constexpr std::array request_rules{
    request_rule{command_id::enquire_link,
                 detail::in_every_state(request_action::answer_enquire_link)},
    request_rule{command_id::unbind, detail::in_every_state(request_action::unbind_by_peer)},
    request_rule{command_id::deliver_sm,
                 {request_action::refuse_bind_status, request_action::refuse_bind_status,
                  request_action::deliver, request_action::refuse_bind_status}},
    request_rule{command_id::data_sm,
                 {request_action::refuse_bind_status, request_action::refuse_bind_status,
                  request_action::deliver, request_action::refuse_bind_status}},
    request_rule{command_id::alert_notification, detail::in_every_state(request_action::alert)},
    request_rule{command_id::outbind, detail::in_every_state(request_action::note_outbind)},
};

constexpr request_action action_for_request(session_state state, command_id id) noexcept {
  for (const request_rule& r : request_rules)
    if (r.id == id) return r.by_state[static_cast<std::size_t>(state)];
  return request_action::refuse_command;
}

}  // namespace smsdrv::smpp
