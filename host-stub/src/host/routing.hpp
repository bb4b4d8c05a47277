// routing.hpp - which endpoint an inbound message of a channel goes to (docs/options.md,
// "Endpoints").
//
//   inbound-route      = 101:sms_endpoint                     paging mode only
//   inbound-route      = 101:sms_endpoint, 101:chat_endpoint  adds chat-session mode
//   session-by-address = ^\+?4917                             regex searched in FromAddr
//   session-by-text    = ^[Cc]hat\b                           regex searched in _smsText
//
// A message goes to the chat-session endpoint when either regex finds a match anywhere in the
// value (anchor with ^ and $ for a whole-value match); otherwise to the paging endpoint. A regex
// without a chat-session endpoint is a configuration error. Syntax: ECMAScript, as the driver's
// option table validates it; matching uses Boost.Regex, which, unlike libstdc++'s std::regex,
// does not recurse per character and so cannot overflow the stack on a long message.
#ifndef SMSDRV_HOST_ROUTING_HPP
#define SMSDRV_HOST_ROUTING_HPP

#include <memory>
#include <string>
#include <string_view>

#include "host/cfg_file.hpp"

namespace smsdrv::host {

struct route {
  std::string_view endpoint;  // empty when the channel has no inbound-route
  std::string_view mode;      // "paging" or "chat"
  // A regex was too complex for this input (Boost.Regex gives up rather than hang or overflow
  // the stack); it counted as no match.
  bool regex_gave_up = false;
};

class inbound_router {
 public:
  // Reads inbound-route, session-by-address and session-by-text of a [channel-*] section.
  // Throws std::invalid_argument naming source:line, option, value and rule.
  inbound_router(const cfg_section& section, const std::string& source);
  ~inbound_router();
  inbound_router(inbound_router&&) noexcept;
  inbound_router& operator=(inbound_router&&) noexcept;

  // from_addr: the FromAddr attribute; text: _smsText. Thread-compatible: call from one thread.
  route pick(std::string_view from_addr, std::string_view text) const;

  bool has_route() const noexcept { return !paging_.empty(); }

 private:
  struct regexes;
  std::string paging_;
  std::string chat_;
  std::unique_ptr<regexes> regexes_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_ROUTING_HPP
