// Secrets in validation messages (config/validate.cpp, config/option_value.cpp): every secret
// option of the table is fed values that break each of its rules, and every message that comes
// back must name the rule only. Two values breaking the same rule with other characters, at other
// positions and of other lengths must give the same message, word for word; and no message may
// hold any character of the value that is not in a value-free message anyway.
#include <catch2/catch.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "config/option_table.hpp"
#include "config/validate.hpp"
#include "section_builder.hpp"

using namespace smsdrv::config;
using smsdrv::config::test::section_builder;

namespace {

struct messages {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::string all() const {
    std::string out;
    for (const auto& m : errors)
      out += m + "\n";
    for (const auto& m : warnings)
      out += m + "\n";
    return out;
  }
};

using pairs = std::vector<std::pair<std::string, std::string>>;

// The name an option is given under: "x-http-password-param-<N>" as "x-http-password-param-3".
std::string given_name(std::string_view option) {
  std::string name(option);
  if (const auto n = name.find("<N>"); n != std::string::npos) name.replace(n, 3, "3");
  return name;
}

// A channel section with the options its gateway type requires and `option = value` (twice when
// twice).
messages validate_with(const std::string& option, const std::string& value, const pairs& extra = {},
                       bool twice = false) {
  const option_def* def = find_option(channel_options(), option);
  const bool http = def != nullptr && def->gateway == option_gateway::http;
  section_builder s("channel-sms1", {}, "sms.cfg", 1);
  if (http)
    s.add("x-gateway-type", "http")
        .add("x-http-url", "https://api.example.com/send")
        .add("x-http-destination-param", "to")
        .add("x-http-message-param", "text");
  else
    s.add("x-smpp-host", "smsc.example.com").add("x-smpp-system-id", "esme1");
  s.add(given_name(option), value);
  if (twice) s.add(given_name(option), value);
  for (const auto& [k, v] : extra)
    s.add(k, v);
  auto r = validate_channel_section(s.view());
  return {r.errors, r.warnings};
}

// Every byte sequence of the secret that a message could show: the value, each of its non-ASCII
// characters, each control character as the validator would escape it, and each run of three
// printable characters.
std::vector<std::string> traces_of(const std::string& secret) {
  std::vector<std::string> out{secret};
  for (std::size_t i = 0; i < secret.size(); ++i) {
    const auto b = static_cast<unsigned char>(secret[i]);
    if (b < 0x20 || b == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", b);
      out.emplace_back(escaped);
    } else if (b >= 0x80) {
      std::size_t n = 1;
      while (i + n < secret.size() && (static_cast<unsigned char>(secret[i + n]) & 0xC0) == 0x80)
        ++n;
      out.push_back(secret.substr(i, n));
      i += n - 1;
    } else if (i + 3 <= secret.size()) {
      out.push_back(secret.substr(i, 3));
    }
  }
  return out;
}

void check_no_trace(const messages& m, const std::string& secret) {
  const std::string all = m.all();
  for (const std::string& t : traces_of(secret)) {
    INFO("secret '" << secret << "', trace '" << t << "' in:\n" << all);
    CHECK(all.find(t) == std::string::npos);
  }
}

std::vector<std::string> secret_options() {
  std::vector<std::string> out;
  for (const option_def& d : channel_options())
    if (d.secret) out.emplace_back(d.name);
  return out;
}

}  // namespace

TEST_CASE("every secret option is covered") {
  // The tests below take every secret of the table; this list only shows which they are.
  CHECK(secret_options() ==
        std::vector<std::string>{
            "password", "x-smpp-failover-password", "x-smpp-tls-certificate-file-password",
            "x-smpp-tls-certificate-password", "x-http-password-param-<N>", "x-http-proxy-password",
            "x-http-tls-certificate-file-password", "x-shared-limits-redis-password"});
}

TEST_CASE("a secret breaking a rule gets the rule only: same message for any value") {
  // Values breaking the same rule differently: the character, its position, the length.
  struct rule_case {
    const char* rule;
    std::vector<std::string> values;
  };
  const std::vector<rule_case> ascii_cases = {
      {"non-ASCII character",
       {"Zq\xC3\xA9x", "p\xC3\x9F",
        "\xE2\x82\xAC"
        "abcde"}},
      {"control character",
       {"Zq\x01x",
        "\x7F"
        "abc",
        "abcdef\x1F"}},
      {"too long", {"Zqx9Wv7Ly", "abcdefghijklmnop"}},
  };
  const std::vector<rule_case> text_cases = {
      {"control character",
       {"Zq\x01xWv",
        "\x7F"
        "abc",
        "abcdefghij\x1F"}},
      {"not UTF-8",
       {"Zq\xC3x",
        "\xFF"
        "abc",
        "abcdef\xED\xA0\x80"}},
  };
  // <name>=<value>: the value is the secret; a name that is not there is a rule too.
  std::vector<rule_case> name_value_cases;
  for (const rule_case& c : text_cases) {
    rule_case nv{c.rule, {}};
    for (const std::string& v : c.values)
      nv.values.push_back("pw=" + v);
    name_value_cases.push_back(nv);
  }
  name_value_cases.push_back({"no name", {"Zq9xWv7L", "=abcdef", "s3cr\xC3\xA9t"}});
  for (const std::string& option : secret_options()) {
    const option_def* def = find_option(channel_options(), option);
    REQUIRE(def != nullptr);
    std::vector<rule_case> cases = def->type == option_type::ascii        ? ascii_cases
                                   : def->type == option_type::name_value ? name_value_cases
                                                                          : text_cases;
    if (def->type != option_type::ascii) {
      const auto max = static_cast<std::size_t>(def->max);
      const std::string prefix = def->type == option_type::name_value ? "pw=" : "";
      cases.push_back({"too long",
                       {prefix + std::string(max + 1 - prefix.size(), 'Z'),
                        prefix + std::string(max + 40, 'q')}});
    }
    // The TLS passwords need TLS on; the failover password a failover SMSC.
    pairs context;
    if (option == "x-smpp-failover-password")
      context = {{"x-smpp-failover-host", "backup.example.com"}};
    else if (option.starts_with("x-smpp-tls"))
      context = {{"x-smpp-tls-mode", "single"}};
    for (const rule_case& c : cases) {
      INFO(option << ": " << c.rule);
      std::set<std::string> distinct;
      for (const std::string& v : c.values) {
        const messages m = validate_with(option, v, context);
        REQUIRE(m.errors.size() == 1);
        CHECK(m.errors[0].find(given_name(option) + " = '********': ") != std::string::npos);
        check_no_trace(m, v);
        distinct.insert(m.all());
      }
      CHECK(distinct.size() == 1);
    }
  }
}

TEST_CASE("a secret given twice, useless or refused later: no trace of it") {
  for (const std::string& option : secret_options()) {
    INFO(option);
    for (const char* value : {"Zq9xWv7L", "s3cr\xC3\xA9t"}) {
      const std::string secret = value;
      check_no_trace(validate_with(option, secret, {}, true), secret);
      // Without TLS / without a failover SMSC: a warning or an error about the option.
      check_no_trace(validate_with(option, secret), secret);
      // Misspelt, so not known as a secret: the value is still not shown.
      check_no_trace(validate_with(given_name(option) + "x", secret), secret);
      check_no_trace(validate_with(given_name(option).substr(1), secret), secret);
    }
  }
  // What the driver reports for the TLS file after validation (a wrong password).
  section_builder s("channel-sms1", {{"x-smpp-tls-certificate-file-password", "Zq9xWv7L"}},
                    "sms.cfg", 4);
  const std::string problem = channel_option_problem(
      s.view(), "x-smpp-tls-certificate-file-password", "wrong password for '/etc/esme.p12'");
  CHECK(problem ==
        "sms.cfg:4: [channel-sms1] x-smpp-tls-certificate-file-password = '********': wrong "
        "password for '/etc/esme.p12'");
}
