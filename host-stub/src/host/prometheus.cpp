#include "host/prometheus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>

namespace smsdrv::host {
namespace {

// Label values escape \, " and line feed; HELP text escapes \ and line feed.
void append_escaped(std::string& out, std::string_view v, bool quotes) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quotes && c == '"')
      out += "\\\"";
    else
      out.push_back(c);
  }
}

const char* type_name(smsdrv_metric_kind kind) {
  switch (kind) {
    case SMSDRV_METRIC_COUNTER:
      return "counter";
    case SMSDRV_METRIC_GAUGE:
      return "gauge";
    case SMSDRV_METRIC_HISTOGRAM:
      return "histogram";
  }
  return "untyped";
}

void append_value(std::string& out, double v) {
  if (std::isnan(v))
    out += "NaN";
  else if (std::isinf(v))
    out += v > 0 ? "+Inf" : "-Inf";
  else if (v == std::floor(v) && std::fabs(v) < 1e15)
    fmt::format_to(std::back_inserter(out), "{}", static_cast<long long>(v));
  else
    fmt::format_to(std::back_inserter(out), "{}", v);
}

}  // namespace

std::string prometheus_text(const std::vector<driver_metrics>& drivers) {
  // Families in the order they first appear; each family's samples from every driver.
  std::vector<std::string> families;
  for (const auto& d : drivers)
    for (const auto& s : d.samples)
      if (std::find(families.begin(), families.end(), s.family) == families.end())
        families.push_back(s.family);
  std::string out;
  for (const std::string& family : families) {
    bool header = false;
    for (const auto& d : drivers) {
      for (const auto& s : d.samples) {
        if (s.family != family) continue;
        if (!header) {
          out += "# HELP " + family + ' ';
          append_escaped(out, s.help, false);
          out += "\n# TYPE " + family + ' ' + type_name(s.kind) + '\n';
          header = true;
        }
        out += s.name + "{driver=\"";
        append_escaped(out, d.driver, true);
        out += "\",channel=\"";
        append_escaped(out, s.channel, true);
        out += '"';
        if (!s.label_name.empty()) {
          out += ',' + s.label_name + "=\"";
          append_escaped(out, s.label_value, true);
          out += '"';
        }
        out += "} ";
        append_value(out, s.value);
        out += '\n';
      }
    }
  }
  return out;
}

}  // namespace smsdrv::host
