#include "config.hpp"

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

std::string set_ms(std::chrono::milliseconds& out, std::string_view v) {
  std::uint64_t ms = 0;
  if (!parse_int(v, ms)) return "expected milliseconds";
  out = std::chrono::milliseconds(ms);
  return {};
}

std::string set_credentials(credentials& out, std::string_view v) {
  auto colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0) return "expected USER:PASSWORD";
  out = {std::string(v.substr(0, colon)), std::string(v.substr(colon + 1))};
  return {};
}

using setter = std::string (*)(sim_config&, std::string_view);

struct flag {
  std::string_view name;
  std::string_view value_help;  // "" for a switch
  std::string_view help;
  setter set;
};

const flag flags[] = {
    {"--listen", "HOST:PORT", "address for SubmitReq (127.0.0.1:0: a free port)",
     [](sim_config& c, std::string_view v) -> std::string {
       auto colon = v.rfind(':');
       if (colon == std::string_view::npos) return "expected HOST:PORT";
       if (!parse_int(v.substr(colon + 1), c.listen_port))
         return "the port is not a number in 0..65535";
       c.listen_host = std::string(v.substr(0, colon));
       if (c.listen_host.empty()) c.listen_host = "127.0.0.1";
       return {};
     }},
    {"--port-file", "FILE", "the chosen port is written there",
     [](sim_config& c, std::string_view v) -> std::string {
       c.port_file = std::string(v);
       return {};
     }},
    {"--path", "PATH", "path of the MM7 interface (/mm7)",
     [](sim_config& c, std::string_view v) -> std::string {
       if (v.empty() || v.front() != '/') return "expected a path starting with '/'";
       c.path = std::string(v);
       return {};
     }},
    {"--account", "USER:PASSWORD", "VASP credentials accepted (repeatable; none: no auth)",
     [](sim_config& c, std::string_view v) -> std::string {
       credentials cr;
       if (auto e = set_credentials(cr, v); !e.empty()) return e;
       c.accounts.push_back(std::move(cr));
       return {};
     }},
    {"--vasp-url", "URL", "where DeliverReq and reports go: http(s)://HOST:PORT/PATH",
     [](sim_config& c, std::string_view v) -> std::string {
       if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
         return "expected an http:// or https:// URL";
       c.vasp_url = std::string(v);
       return {};
     }},
    {"--vasp-ca", "FILE", "https: PEM file of the CAs trusted for the VASP (system CAs)",
     [](sim_config& c, std::string_view v) -> std::string {
       if (v.empty()) return "expected a file name";
       c.vasp_ca_file = std::string(v);
       return {};
     }},
    {"--vasp-user", "USER:PASSWORD", "credentials presented to the VASP (HTTP Basic)",
     [](sim_config& c, std::string_view v) { return set_credentials(c.vasp_credentials, v); }},
    {"--mm7-version", "X.Y.Z", "MM7Version of what the simulator sends (6.8.0)",
     [](sim_config& c, std::string_view v) -> std::string {
       c.mm7_version = std::string(v);
       return {};
     }},
    {"--namespace", "URI", "namespace of what it sends (from the version: 5.3.0, 6.8.0)",
     [](sim_config& c, std::string_view v) -> std::string {
       c.xml_namespace = std::string(v);
       return {};
     }},
    {"--first-id", "N", "counter of the first MessageID (1)",
     [](sim_config& c, std::string_view v) -> std::string {
       return parse_int(v, c.first_id) ? "" : "expected a number";
     }},
    {"--dlr-status", "STATUS", "MMStatus of delivery reports (Retrieved; none: no reports)",
     [](sim_config& c, std::string_view v) -> std::string {
       c.dlr_status = v == "none" ? std::string() : std::string(v);
       return {};
     }},
    {"--dlr-always", "", "a delivery report for every message, asked for or not",
     [](sim_config& c, std::string_view) -> std::string {
       c.dlr_always = true;
       return {};
     }},
    {"--dlr-delay-ms", "MS", "time from SubmitReq to its delivery report (100)",
     [](sim_config& c, std::string_view v) { return set_ms(c.dlr_delay, v); }},
    {"--read-status", "STATUS", "MMStatus of read replies (Read; none: no read replies)",
     [](sim_config& c, std::string_view v) -> std::string {
       c.read_status = v == "none" ? std::string() : std::string(v);
       return {};
     }},
    {"--read-delay-ms", "MS", "time from SubmitReq to its read reply (200)",
     [](sim_config& c, std::string_view v) { return set_ms(c.read_delay, v); }},
    {"--redeliver-ms", "MS", "a request the VASP did not answer 1000 is sent again after (2000)",
     [](sim_config& c, std::string_view v) { return set_ms(c.redeliver_after, v); }},
    {"--max-attempts", "N", "attempts per request to the VASP (0: no limit)",
     [](sim_config& c, std::string_view v) -> std::string {
       return parse_int(v, c.max_attempts) ? "" : "expected a number";
     }},
    {"--post-timeout-ms", "MS", "longest wait for the VASP's answer (30000)",
     [](sim_config& c, std::string_view v) { return set_ms(c.post_timeout, v); }},
    {"--vasp-connections", "N", "requests to the VASP in flight, at most (4)",
     [](sim_config& c, std::string_view v) -> std::string {
       return parse_int(v, c.vasp_connections) && c.vasp_connections > 0 ? ""
                                                                         : "expected 1 or more";
     }},
    {"--max-body", "BYTES", "largest request body taken (16 MiB); larger: 413",
     [](sim_config& c, std::string_view v) -> std::string {
       return parse_int(v, c.max_body) ? "" : "expected a number";
     }},
    {"--quiet", "", "no per-request events",
     [](sim_config& c, std::string_view) -> std::string {
       c.quiet = true;
       return {};
     }},
    {"--no-part-bytes", "", "submit events give each part's size, not its bytes",
     [](sim_config& c, std::string_view) -> std::string {
       c.record_parts = false;
       return {};
     }},
    {"--exit-on-eof", "", "exit when stdin ends",
     [](sim_config& c, std::string_view) -> std::string {
       c.exit_on_eof = true;
       return {};
     }},
    {"--stats-interval", "S", "a stats event every S seconds",
     [](sim_config& c, std::string_view v) -> std::string {
       std::uint64_t s = 0;
       if (!parse_int(v, s)) return "expected seconds";
       c.stats_interval = std::chrono::seconds(s);
       return {};
     }},
    {"--seed", "N", "seed of random delays (1)",
     [](sim_config& c, std::string_view v) -> std::string {
       return parse_int(v, c.seed) ? "" : "expected a number";
     }},
};

}  // namespace

std::string parse_command_line(int argc, const char* const* argv, sim_config& config) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return "help";
    if (arg == "--version") return "version";
    std::string_view value;
    bool has_inline = false;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    const flag* f = nullptr;
    for (const auto& candidate : flags)
      if (candidate.name == arg) f = &candidate;
    if (f) {
      if (!f->value_help.empty() && !has_inline) {
        if (i + 1 >= argc) return fmt::format("{}: needs a value ({})", arg, f->value_help);
        value = argv[++i];
      }
      if (auto e = f->set(config, value); !e.empty())
        return fmt::format("{} '{}': {}", arg, value, e);
      continue;
    }
    // A fault: --<fault> VALUE (switches may stand alone).
    if (arg.rfind("--", 0) == 0) {
      std::string_view name = arg.substr(2);
      for (const auto& row : fault_table()) {
        if (row.name != name) continue;
        bool is_switch = row.value_help == "switch";
        if (!has_inline && !is_switch) {
          if (i + 1 >= argc) return fmt::format("{}: needs a value ({})", arg, row.value_help);
          value = argv[++i];
        }
        if (auto e = set_fault(config.faults, name, value); !e.empty())
          return fmt::format("{} '{}': {}", arg, value, e);
        f = &flags[0];
        break;
      }
      if (f) continue;
    }
    return fmt::format("unknown flag '{}'", arg);
  }
  if (config.xml_namespace.empty()) {
    if (config.mm7_version == "5.3.0")
      config.xml_namespace =
          "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-0";
    else if (config.mm7_version == "6.8.0")
      config.xml_namespace =
          "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4";
    else
      return fmt::format("--namespace: needed with --mm7-version {}", config.mm7_version);
  }
  return {};
}

std::string usage() {
  std::string out =
      "usage: mmsc-sim [flags]   (docs/mmsc-sim.md)\n"
      "An MM7 MMSC for tests: takes SubmitReq, sends DeliverReq, DeliveryReportReq and\n"
      "ReadReplyReq to --vasp-url; events as JSON lines on stdout, commands on stdin.\n"
      "       mmsc-sim --help | --version\n\n";
  for (const auto& f : flags)
    out += fmt::format("  {:<20} {:<14} {}\n", f.name, f.value_help, f.help);
  out += "\nfaults (also {\"cmd\":\"fault\",...} on stdin):\n";
  for (const auto& row : fault_table())
    out += fmt::format("  --{:<18} {:<14} {}\n", row.name, row.value_help, row.help);
  return out;
}

}  // namespace smsdrv::mmsc_sim
