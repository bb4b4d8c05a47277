// Secrets of an HTTP gateway channel (password parameters, the SMS URL's query value and user
// information, the proxy password) taken out of any text before it reaches a log line, a
// trace, an event or an error: a gateway or proxy may echo the request in its answer, and a
// library's message may quote it. Each secret is looked for as written and in the forms it
// takes on the wire (form-encoded with '+' and with "%20").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::http {

class secret_masker {
 public:
  static constexpr std::string_view mask = "********";

  // [begin, end) octets of a text.
  struct span {
    std::size_t begin = 0;
    std::size_t end = 0;
    friend bool operator==(const span&, const span&) = default;
  };

  // Adds a secret; empty ones are ignored.
  void add(std::string_view secret);
  bool empty() const noexcept { return needles_.empty(); }

  // The octets of `text` that belong to an occurrence of a secret form, every occurrence
  // counted, also those that overlap one another; occurrences that overlap or touch are one
  // span. Sorted.
  std::vector<span> spans(std::string_view text) const;

  // True when [begin, end) of `text` shares an octet with an occurrence of a secret form.
  bool overlaps(std::string_view text, span part) const;

  // text with each span of spans() replaced by one mask: not one octet of any occurrence is
  // left, also where two secrets (or two occurrences of one) overlap.
  std::string masked(std::string_view text) const;

 private:
  std::vector<std::string> needles_;
};

}  // namespace smsdrv::http
