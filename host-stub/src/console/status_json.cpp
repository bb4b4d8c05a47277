#include "console/status_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "host/json_writer.hpp"

namespace smsdrv::console {
namespace {

std::string utc(std::chrono::system_clock::time_point t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
  } else if (v == std::floor(v) && std::fabs(v) < 9e15) {
    out += fmt::format("{}", static_cast<long long>(v));
  } else {
    out += fmt::format("{}", v);
  }
}

}  // namespace

std::string channels_json(const std::vector<host::channel_state>& channels,
                          const std::vector<host::driver_metrics>& metrics,
                          std::chrono::system_clock::time_point now) {
  using host::append_json_string;
  std::string out = "{\"now\":";
  append_json_string(out, utc(now));
  out += ",\"channels\":[";
  bool first = true;
  for (const host::channel_state& c : channels) {
    out += first ? "{" : ",{";
    first = false;
    out += "\"name\":";
    append_json_string(out, c.channel);
    out += ",\"driver\":";
    append_json_string(out, c.driver);
    out += ",\"state\":{\"reported\":";
    out += c.reported ? "true" : "false";
    if (c.reported) {
      out += fmt::format(",\"status\":{},\"name\":", c.status);
      append_json_string(out, c.status_name);
      out += ",\"text\":";
      append_json_string(out, c.text);
      out += ",\"attributes\":{";
      bool first_attr = true;
      for (const auto& [k, v] : c.attributes) {
        if (!first_attr) out += ',';
        first_attr = false;
        append_json_string(out, k);
        out += ':';
        append_json_string(out, v);
      }
      out += "},\"since\":";
      append_json_string(out, utc(c.since));
    }
    out += fmt::format(",\"changes\":{}}},\"metrics\":{{", c.changes);
    bool first_metric = true;
    for (const host::driver_metrics& d : metrics) {
      if (d.driver != c.driver) continue;
      for (const smsdrv::metric_sample& s : d.samples) {
        if (s.channel != c.channel || !s.label_name.empty() || s.name != s.family) continue;
        if (!first_metric) out += ',';
        first_metric = false;
        append_json_string(out, s.name);
        out += ':';
        number(out, s.value);
      }
    }
    out += "}}";
  }
  out += "]}";
  return out;
}

std::string tests_json(const std::vector<host::test_message>& messages) {
  using host::append_json_string;
  std::string out = "{\"messages\":[";
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    const host::test_message& m = *it;
    if (it != messages.rbegin()) out += ',';
    out += "{\"id\":";
    append_json_string(out, m.id);
    out += ",\"channel\":";
    append_json_string(out, m.channel);
    out += ",\"to\":";
    append_json_string(out, m.to);
    out += ",\"sent\":";
    append_json_string(out, utc(m.sent));
    out += fmt::format(",\"answered\":{},\"ok\":{}", m.answered, m.ok);
    out += ",\"status\":";
    append_json_string(out, m.status_name);
    out += ",\"text\":";
    append_json_string(out, m.text);
    out += ",\"messageId\":";
    append_json_string(out, m.message_id);
    out += ",\"report\":{";
    for (size_t i = 0; i < m.report.size(); ++i) {
      if (i) out += ',';
      append_json_string(out, m.report[i].first);
      out += ':';
      append_json_string(out, m.report[i].second);
    }
    out += "}}";
  }
  out += "]}";
  return out;
}

}  // namespace smsdrv::console
