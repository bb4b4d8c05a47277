// The HTTP gateway response classifier on arbitrary statuses, bodies and transport failures: no
// crash, no unbounded work, exactly one outcome, and a secret planted anywhere in the body or
// the transport's words never reaches the outcome's text or message id.
// Input: status (2 octets), flags (1), a success string length (1), then the body.
#include <cstdint>
#include <string>
#include <string_view>

#include "http/response_classifier.hpp"

namespace {

using namespace smsdrv::http;

constexpr std::string_view secret = "Pa55+w0rd x";

void check(bool ok) {
  if (!ok) __builtin_trap();
}

const message_id_pattern& pattern() {
  static const message_id_pattern p =
      std::get<message_id_pattern>(message_id_pattern::compile("(?:id|ID)[:=] ?([^ ,;]+)"));
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const int status = (data[0] << 8 | data[1]) % 700;
  const unsigned flags = data[2];
  std::string_view rest(reinterpret_cast<const char*>(data + 4), size - 4);
  const std::size_t success_len = std::min<std::size_t>(data[3] % 16, rest.size());
  response_rules rules;
  rules.success_contains = std::string(rest.substr(0, success_len));
  if (flags & 1) rules.message_id = pattern();
  std::string body(rest.substr(success_len));
  // Plant the secret (as written or form-encoded) somewhere in the body.
  if (flags & 2) {
    const std::size_t at = body.empty() ? 0 : (flags >> 3) * 7 % (body.size() + 1);
    body.insert(at, (flags & 4) ? std::string("Pa55%2Bw0rd+x") : std::string(secret));
  }
  secret_masker secrets;
  secrets.add(secret);

  exchange e;
  e.status = status;
  e.body = body;
  e.request_written = (flags & 8) != 0;
  e.failure = static_cast<transport_failure>((flags >> 4) % 9);
  e.detail = body;
  if (flags & 64) e.retry_after = std::chrono::seconds(body.size());
  const outcome o = classify(e, rules, secrets);
  const std::string* text = nullptr;
  if (const auto* a = std::get_if<accepted>(&o)) {
    check(a->message_id.find(secret) == std::string::npos);
    text = &a->note;
  } else if (const auto* r = std::get_if<refused>(&o)) {
    check(r->http_status == status);
    check(r->delay <= rules.max_pause);
    text = &r->text;
  } else {
    text = &std::get<lost>(o).text;
  }
  check(text->find(secret) == std::string::npos);
  check(text->find("Pa55%2Bw0rd+x") == std::string::npos);
  // The excerpt is bounded: a few hundred characters of the body at most.
  check(text->size() < 4 * body_excerpt_characters + 600);
  return 0;
}
