#include "config.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "command.hpp"

namespace smsdrv::sim {
namespace {

template <class Int>
bool parse_int(std::string_view text, Int& out) noexcept {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

std::string set_listen(sim_config& c, std::string_view v) {
  const auto colon = v.rfind(':');
  if (colon == std::string_view::npos) return "expected HOST:PORT";
  std::uint16_t port = 0;
  if (!parse_int(v.substr(colon + 1), port)) return "the port is not a number in 0..65535";
  c.listen_host = std::string(v.substr(0, colon));
  if (c.listen_host.empty()) c.listen_host = "127.0.0.1";
  c.listen_port = port;
  return {};
}

std::string set_account(sim_config& c, std::string_view v) {
  const auto colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0) return "expected SYSTEM_ID:PASSWORD";
  // SMPP v3.4 §4.1.1: system_id at most 15 octets, password at most 8.
  if (colon > 15) return "system_id longer than 15 characters";
  if (v.size() - colon - 1 > 8) return "password longer than 8 characters";
  c.accounts.push_back({std::string(v.substr(0, colon)), std::string(v.substr(colon + 1))});
  return {};
}

std::string set_mo(sim_config& c, std::string_view v) {
  const auto a = v.find(':');
  const auto b = a == std::string_view::npos ? a : v.find(':', a + 1);
  if (b == std::string_view::npos) return "expected FROM:TO:TEXT";
  c.mo.push_back({std::string(v.substr(0, a)), std::string(v.substr(a + 1, b - a - 1)),
                  std::string(v.substr(b + 1))});
  return {};
}

std::string set_ms(std::chrono::milliseconds& out, std::string_view v) {
  std::uint64_t ms = 0;
  if (!parse_int(v, ms)) return "expected milliseconds";
  out = std::chrono::milliseconds(ms);
  return {};
}

using setter = std::string (*)(sim_config&, std::string_view);

struct flag {
  std::string_view name;
  std::string_view value_help;  // "" for a switch
  std::string_view help;
  setter set;
};

constexpr auto flags =
    std::to_array<flag>({
        {"listen", "HOST:PORT", "address to listen on (127.0.0.1:0; port 0 picks a free one)",
         set_listen},
        {"port-file", "FILE", "write the listening port there",
         [](sim_config& c, std::string_view v) {
           c.port_file = std::string(v);
           return std::string();
         }},
        {"account", "SYSTEM_ID:PASSWORD", "accept this bind (repeatable; none: accept any)",
         set_account},
        {"account-limit", "SYSTEM_ID:binds=N,rate=R",
         "over all binds of SYSTEM_ID (* for any): refuse a bind above N (ESME_RBINDFAIL), answer "
         "ESME_RTHROTTLED above R submissions per sliding second (repeatable)",
         [](sim_config& c, std::string_view v) {
           account_limit l;
           std::string error = parse_account_limit(v, l);
           if (error.empty()) set_account_limit(c.limits, l);
           return error;
         }},
        {"smsc-system-id", "ID", "system_id of our bind_resp (smsc-sim)",
         [](sim_config& c, std::string_view v) {
           if (v.size() > 15) return std::string("longer than 15 characters");
           c.smsc_system_id = std::string(v);
           return std::string();
         }},
        {"quiet", "", "no per-PDU events (listening, stats and errors stay)",
         [](sim_config& c, std::string_view) {
           c.quiet = true;
           return std::string();
         }},
        {"exit-on-eof", "", "exit when standard input ends",
         [](sim_config& c, std::string_view) {
           c.exit_on_eof = true;
           return std::string();
         }},
        {"id-format", "hex|decimal|uuid", "message id format (hex)",
         [](sim_config& c, std::string_view v) {
           if (v == "hex")
             c.ids = id_format::hex;
           else if (v == "decimal")
             c.ids = id_format::decimal;
           else if (v == "uuid")
             c.ids = id_format::uuid;
           else
             return std::string("expected hex, decimal or uuid");
           return std::string();
         }},
        {"first-id", "N", "counter value of the first message id (1)",
         [](sim_config& c, std::string_view v) {
           if (!parse_int(v, c.first_id) || c.first_id == 0) return std::string("expected N >= 1");
           return std::string();
         }},
        {"dlr-style", "text|tlv|both", "how receipts carry the outcome (both)",
         [](sim_config& c, std::string_view v) {
           if (v == "text")
             c.dlr_style = receipt_style::text;
           else if (v == "tlv")
             c.dlr_style = receipt_style::tlv;
           else if (v == "both")
             c.dlr_style = receipt_style::both;
           else
             return std::string("expected text, tlv or both");
           return std::string();
         }},
        {"dlr-delay-ms", "MS", "time from submission to receipt (100)",
         [](sim_config& c, std::string_view v) { return set_ms(c.dlr_delay, v); }},
        {"dlr-stat", "STAT[:ERR]",
         "final state of every message: DELIVRD, UNDELIV:001, ... (DELIVRD)",
         [](sim_config& c, std::string_view v) {
           if (!parse_outcome(v, c.dlr_outcome))
             return std::string(
                 "expected DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN or REJECTD, "
                 "optionally "
                 "followed by :ERR (0..999)");
           return std::string();
         }},
        {"mo", "FROM:TO:TEXT", "MO message for the first receiver-capable bind (repeatable)",
         set_mo},
        {"redeliver-ms", "MS", "resend an unacknowledged deliver_sm after this long (10000)",
         [](sim_config& c, std::string_view v) {
           auto r = set_ms(c.redeliver_after, v);
           if (r.empty() && c.redeliver_after.count() == 0) return std::string("must be above 0");
           return r;
         }},
        {"deliver-window", "N", "deliver_sm in flight per connection (100)",
         [](sim_config& c, std::string_view v) {
           if (!parse_int(v, c.deliver_window) || c.deliver_window == 0)
             return std::string("expected N >= 1");
           return std::string();
         }},
        {"store-size", "N",
         "messages remembered for query_sm/cancel_sm/replace_sm/receipts (65536)",
         [](sim_config& c, std::string_view v) {
           if (!parse_int(v, c.store_size) || c.store_size == 0 || c.store_size > (1u << 26))
             return std::string("expected 1..67108864");
           return std::string();
         }},
        {"stats-interval", "S", "print a stats event with throughput every S seconds (off)",
         [](sim_config& c, std::string_view v) {
           double s = 0;
           auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
           if (ec != std::errc() || p != v.data() + v.size() || s < 0)
             return std::string("expected seconds");
           c.stats_interval = std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000));
           return std::string();
         }},
        {"unbind-timeout-ms", "MS", "close a link whose unbind_resp is late (5000)",
         [](sim_config& c, std::string_view v) { return set_ms(c.unbind_timeout, v); }},
        {"max-command-length", "N", "largest command_length accepted (70000)",
         [](sim_config& c, std::string_view v) {
           if (!parse_int(v, c.max_command_length) || c.max_command_length < 16)
             return std::string("expected N >= 16");
           return std::string();
         }},
        {"seed", "N", "seed of the random response delays (1)",
         [](sim_config& c, std::string_view v) {
           if (!parse_int(v, c.seed)) return std::string("expected a number");
           return std::string();
         }},
        {"tls-cert", "FILE", "TLS on the port: our certificate and its chain (PEM)",
         [](sim_config& c, std::string_view v) {
           c.tls.certificate = std::string(v);
           return std::string();
         }},
        {"tls-key", "FILE", "private key of --tls-cert (PEM; default: in the --tls-cert file)",
         [](sim_config& c, std::string_view v) {
           c.tls.key = std::string(v);
           return std::string();
         }},
        {"tls-client-ca", "FILE", "require client certificates issued by these CAs (PEM)",
         [](sim_config& c, std::string_view v) {
           c.tls.client_ca = std::string(v);
           return std::string();
         }},
        {"tls-max-version", "1.1|1.2|1.3", "newest TLS version offered (1.3; 1.1 also allows 1.0)",
         [](sim_config& c, std::string_view v) {
           if (v == "1.1")
             c.tls.max_version = 0x0302;  // TLS1_1_VERSION
           else if (v == "1.2")
             c.tls.max_version = 0x0303;
           else if (v == "1.3")
             c.tls.max_version = 0x0304;
           else
             return std::string("expected 1.1, 1.2 or 1.3");
           return std::string();
         }},
        {"help", "", "this text",
         [](sim_config&, std::string_view) { return std::string("help"); }},
        {"version", "", "print the version and exit",
         [](sim_config&, std::string_view) { return std::string("version"); }},
    });

}  // namespace

std::string parse_command_line(int argc, const char* const* argv, sim_config& config) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--")) return fmt::format("unexpected argument '{}'", arg);
    arg.remove_prefix(2);
    std::string_view inline_value;
    bool has_inline = false;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    auto take_value = [&](std::string_view value_help, std::string_view& value) -> bool {
      if (has_inline) {
        value = inline_value;
        return true;
      }
      if (value_help.empty()) return true;  // a switch
      const bool optional = value_help.front() == '[';
      if (optional && (i + 1 >= argc || std::string_view(argv[i + 1]).starts_with("--")))
        return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    std::string_view value;
    std::string error;
    bool known = false;
    for (const flag& f : flags) {
      if (f.name != arg) continue;
      known = true;
      if (!take_value(f.value_help, value)) return fmt::format("--{} needs {}", arg, f.value_help);
      error = f.set(config, value);
    }
    if (const fault_option* o = find_fault_option(arg)) {
      known = true;
      if (!take_value(o->value_help, value))
        return fmt::format("--{} needs {}", arg, o->value_help);
      error = o->set(config.faults, value);
    }
    if (!known) return fmt::format("unknown option --{}", arg);
    if (error == "help" || error == "version") return error;
    if (!error.empty()) return fmt::format("--{} '{}': {}", arg, value, error);
  }
  if (!config.tls.enabled() &&
      (!config.tls.key.empty() || !config.tls.client_ca.empty() || config.tls.max_version != 0))
    return "--tls-key, --tls-client-ca and --tls-max-version need --tls-cert";
  return {};
}

std::string usage() {
  std::string out =
      "usage: smsc-sim [options]\n"
      "An SMPP v3.4 SMSC simulator: prints one JSON line per event on stdout and takes JSON-line\n"
      "commands on stdin (docs/smsc-sim.md).\n\noptions:\n";
  auto line = [&out](std::string_view name, std::string_view value, std::string_view help) {
    const std::string left =
        value.empty() ? fmt::format("--{}", name) : fmt::format("--{} {}", name, value);
    out += fmt::format("  {:<34} {}\n", left, help);
  };
  for (const flag& f : flags)
    line(f.name, f.value_help, f.help);
  out += "\nfault injection (also at run time: {\"cmd\":\"fault\",\"NAME\":VALUE}):\n";
  for (const fault_option& o : fault_options())
    line(o.name, o.value_help, o.help);
  out += "\nstdin commands (one JSON object per line):\n";
  for (const command_doc& d : command_docs)
    out += fmt::format("  {}\n      {}\n", d.example, d.help);
  return out;
}

}  // namespace smsdrv::sim
