#include "flow/error_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "smpp/command_status.hpp"

namespace smsdrv::flow {
namespace {

using std::chrono::milliseconds;

constexpr std::uint32_t max_retries = 100;
constexpr std::uint32_t default_pause_retries = 10;
constexpr milliseconds min_pause{10};
constexpr milliseconds max_wait = std::chrono::hours(1);

constexpr std::string_view action_help = "fail, retry N [after D], or pause D[-D] [retry N]";

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == y; });
}

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string status_label(std::uint32_t status) {
  const std::string_view name = smpp::status_name(status);
  return name.empty() ? fmt::format("0x{:08X}", status) : std::string(name);
}

std::string duration_text(milliseconds d) {
  const auto ms = d.count();
  if (ms >= 60000 && ms % 60000 == 0) return fmt::format("{}min", ms / 60000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

class parser {
 public:
  explicit parser(std::string_view spec) : s_(spec) {}

  // Applies every rule of the spec to `rules` (one per status, replacing a default).
  std::optional<error_policy_error> apply(std::vector<error_rule>& rules) {
    std::vector<std::uint32_t> given;
    skip_blanks();
    if (at_end()) return std::nullopt;
    for (;;) {
      error_rule rule;
      if (auto e = status(rule.command_status)) return e;
      const std::string label = status_label(rule.command_status);
      if (std::find(given.begin(), given.end(), rule.command_status) != given.end())
        return fail(last_, fmt::format("{} given twice; keep one rule per status", label));
      given.push_back(rule.command_status);
      skip_blanks();
      if (!consume(':')) return fail(pos_, fmt::format("expected ':' after {}", label));
      skip_blanks();
      if (auto e = action(rule, label)) return e;
      auto it = std::find_if(rules.begin(), rules.end(), [&](const error_rule& r) {
        return r.command_status == rule.command_status;
      });
      if (it != rules.end())
        *it = rule;
      else
        rules.push_back(rule);
      skip_blanks();
      if (at_end()) return std::nullopt;
      if (!consume(',') && !consume(';'))
        return fail(pos_, fmt::format("unexpected '{}' after the rule for {}; rules are separated "
                                      "by ',' or ';'",
                                      rest_excerpt(), label));
      skip_blanks();
    }
  }

 private:
  std::optional<error_policy_error> status(std::uint32_t& out) {
    last_ = pos_;
    const std::string_view w = word();
    if (w.empty())
      return fail(pos_,
                  "expected a command_status: a spec name such as ESME_RTHROTTLED, or a "
                  "number such as 0x00000401");
    if (w[0] >= '0' && w[0] <= '9') {
      std::string_view digits = w;
      int base = 10;
      if (digits.size() > 2 && digits[0] == '0' && lower(digits[1]) == 'x') {
        digits.remove_prefix(2);
        base = 16;
      }
      std::uint32_t v = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
      if (ec != std::errc() || end != digits.data() + digits.size())
        return fail(last_, fmt::format("'{}' is not a command_status number (decimal, or hex "
                                       "with 0x, at most 0xFFFFFFFF)",
                                       w));
      out = v;
    } else if (auto v = smpp::status_by_name(w)) {
      out = *v;
    } else {
      return fail(last_, fmt::format("unknown command_status '{}': use the SMPP v3.4 name "
                                     "(ESME_RTHROTTLED, ESME_RMSGQFUL, ...) or the number",
                                     w));
    }
    if (out == smpp::command_status::esme_rok)
      return fail(last_, "ESME_ROK (0) is success, not an error; it cannot have a rule");
    return std::nullopt;
  }

  std::optional<error_policy_error> action(error_rule& rule, const std::string& label) {
    const std::size_t at = pos_;
    const std::string_view w = word();
    if (same_word(w, "fail")) {
      rule.action = error_action::fail;
      return std::nullopt;
    }
    if (same_word(w, "retry")) {
      rule.action = error_action::retry;
      skip_blanks();
      if (auto e = count(rule.retries, "retry")) return e;
      skip_blanks();
      const std::size_t before = pos_;
      if (same_word(word(), "after")) {
        skip_blanks();
        if (auto e = duration(rule.delay, milliseconds(0), "after")) return e;
      } else {
        pos_ = before;
      }
      return std::nullopt;
    }
    if (same_word(w, "pause")) {
      rule.action = error_action::pause;
      rule.retries = default_pause_retries;
      skip_blanks();
      if (auto e = duration(rule.delay, min_pause, "pause")) return e;
      rule.max_delay = rule.delay;
      skip_blanks();
      if (consume('-')) {
        skip_blanks();
        const std::size_t max_at = pos_;
        if (auto e = duration(rule.max_delay, min_pause, "pause D-")) return e;
        if (rule.max_delay < rule.delay)
          return fail(max_at,
                      fmt::format("the longest pause ({}) is shorter than the first ({})",
                                  duration_text(rule.max_delay), duration_text(rule.delay)));
        skip_blanks();
      }
      const std::size_t before = pos_;
      if (same_word(word(), "retry")) {
        skip_blanks();
        if (auto e = count(rule.retries, "retry")) return e;
      } else {
        pos_ = before;
      }
      return std::nullopt;
    }
    return fail(at, fmt::format("expected an action after '{}:': {}", label, action_help));
  }

  std::optional<error_policy_error> count(std::uint32_t& out, std::string_view after) {
    const std::size_t at = pos_;
    const std::string_view w = word();
    std::uint32_t v = 0;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (w.empty() || ec != std::errc() || end != w.data() + w.size() || v < 1 || v > max_retries)
      return fail(at, fmt::format("expected the number of retries after '{}': 1 to {}", after,
                                  max_retries));
    out = v;
    return std::nullopt;
  }

  // A number and a unit: 500ms, 2s, 1min (blanks allowed between them).
  std::optional<error_policy_error> duration(milliseconds& out, milliseconds min,
                                             std::string_view after) {
    const std::size_t at = pos_;
    std::size_t end = pos_;
    while (end < s_.size() && s_[end] >= '0' && s_[end] <= '9')
      ++end;
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(s_.data() + pos_, s_.data() + end, n);
    const auto range = fmt::format("{} to {}", duration_text(min), duration_text(max_wait));
    if (end == pos_ || ec != std::errc())
      return fail(at, fmt::format("expected a duration after '{}' (e.g. 500ms, 2s, 1min; {})",
                                  after, range));
    pos_ = end;
    skip_blanks();
    const std::size_t unit_at = pos_;
    const std::string_view unit = word();
    std::uint64_t factor = 0;
    if (same_word(unit, "ms")) factor = 1;
    if (same_word(unit, "s")) factor = 1000;
    if (same_word(unit, "min")) factor = 60000;
    if (factor == 0)
      return fail(unit_at, fmt::format("a duration needs a unit: ms, s or min (e.g. {}s)", n));
    if (n > static_cast<std::uint64_t>(max_wait.count()) / factor ||
        milliseconds(n * factor) > max_wait || milliseconds(n * factor) < min)
      return fail(at, fmt::format("{}{} is outside {}", n, unit, range));
    out = milliseconds(n * factor);
    return std::nullopt;
  }

  std::string_view word() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && word_char(s_[pos_]))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }

  void skip_blanks() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n'))
      ++pos_;
  }

  bool consume(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool at_end() const { return pos_ >= s_.size(); }

  std::string rest_excerpt() const {
    std::string_view r = s_.substr(pos_, 12);
    std::string out;
    for (char c : r)
      out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    return out;
  }

  // Column in characters (UTF-8 continuation bytes do not count).
  error_policy_error fail(std::size_t at, std::string reason) const {
    std::size_t column = 1;
    for (std::size_t i = 0; i < at && i < s_.size(); ++i)
      column += (static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80;
    return error_policy_error{column, std::move(reason)};
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t last_ = 0;  // start of the status being parsed
};

void sort_rules(std::vector<error_rule>& rules) {
  std::sort(rules.begin(), rules.end(), [](const error_rule& a, const error_rule& b) {
    return a.command_status < b.command_status;
  });
}

}  // namespace

std::string error_policy_error::message() const {
  return fmt::format("column {}: {}", column, reason);
}

error_policy::error_policy() {
  parser p(default_error_policy);
  const auto e = p.apply(rules_);
  (void)e;  // the default is valid (error_policy_test parses it)
  sort_rules(rules_);
}

std::variant<error_policy, error_policy_error> error_policy::parse(std::string_view spec) {
  error_policy policy;
  parser p(spec);
  if (auto e = p.apply(policy.rules_)) return *e;
  sort_rules(policy.rules_);
  return policy;
}

error_rule error_policy::rule_for(std::uint32_t status) const noexcept {
  auto it =
      std::lower_bound(rules_.begin(), rules_.end(), status,
                       [](const error_rule& r, std::uint32_t s) { return r.command_status < s; });
  if (it != rules_.end() && it->command_status == status) return *it;
  error_rule permanent;
  permanent.command_status = status;
  return permanent;
}

std::string error_policy::to_string() const {
  std::string out;
  for (const error_rule& r : rules_) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}: {}", status_label(r.command_status), describe(r));
  }
  return out;
}

std::string describe(const error_rule& rule) {
  switch (rule.action) {
    case error_action::fail:
      return "fail";
    case error_action::retry:
      return rule.delay.count() == 0
                 ? fmt::format("retry {}", rule.retries)
                 : fmt::format("retry {} after {}", rule.retries, duration_text(rule.delay));
    case error_action::pause:
      return rule.max_delay == rule.delay
                 ? fmt::format("pause {} retry {}", duration_text(rule.delay), rule.retries)
                 : fmt::format("pause {}-{} retry {}", duration_text(rule.delay),
                               duration_text(rule.max_delay), rule.retries);
  }
  return "fail";
}

}  // namespace smsdrv::flow
