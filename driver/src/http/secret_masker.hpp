// Secrets of an HTTP gateway channel (password parameters, the SMS URL's query value and user
// information, the proxy password) taken out of any text before it reaches a log line, a
// trace, an event or an error: a gateway or proxy may echo the request in its answer, and a
// library's message may quote it. Each secret is looked for as written and in the forms it
// takes on the wire (form-encoded with '+' and with "%20").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::http {

class secret_masker {
 public:
  static constexpr std::string_view mask = "********";

  // Adds a secret; empty ones are ignored.
  void add(std::string_view secret);
  bool empty() const noexcept { return needles_.empty(); }

  // text with every occurrence of every secret form replaced by the mask (longest first, so a
  // secret that contains another is masked whole).
  std::string masked(std::string_view text) const;

 private:
  std::vector<std::string> needles_;  // longest first
};

}  // namespace smsdrv::http
