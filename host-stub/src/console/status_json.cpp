#include "console/status_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "jsonl/line_writer.hpp"

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

// A sample's value: a whole number without a fraction, any other finite value in its shortest
// form (RFC 8259 §6 has no NaN or infinity: those are null).
void number(jsonl::line_writer& w, std::string_view key, double v) {
  if (!std::isfinite(v)) {
    w.null(key);
  } else if (v == std::floor(v) && std::fabs(v) < 9e15) {
    w.num(key, static_cast<long long>(v));
  } else {
    w.raw(key, fmt::format("{}", v));
  }
}

void pairs(jsonl::line_writer& w, std::string_view key,
           const std::vector<std::pair<std::string, std::string>>& members) {
  w.begin_object(key);
  for (const auto& [k, v] : members)
    w.str(k, v);
  w.end_object();
}

}  // namespace

std::string channels_json(const std::vector<host::channel_state>& channels,
                          const std::vector<host::driver_metrics>& metrics,
                          std::chrono::system_clock::time_point now) {
  std::string out;
  jsonl::line_writer w(out);
  w.str("now", utc(now)).begin_array("channels");
  for (const host::channel_state& c : channels) {
    w.begin_object().str("name", c.channel).str("driver", c.driver);
    w.begin_object("state").boolean("reported", c.reported);
    if (c.reported) {
      w.num("status", c.status).str("name", c.status_name).str("text", c.text);
      pairs(w, "attributes", c.attributes);
      w.str("since", utc(c.since));
    }
    w.num("changes", c.changes).end_object();
    w.begin_object("metrics");
    for (const host::driver_metrics& d : metrics) {
      if (d.driver != c.driver) continue;
      for (const smsdrv::metric_sample& s : d.samples)
        if (s.channel == c.channel && s.label_name.empty() && s.name == s.family)
          number(w, s.name, s.value);
    }
    w.end_object().end_object();
  }
  w.end_array().finish();
  return out;
}

std::string tests_json(const std::vector<host::test_message>& messages) {
  std::string out;
  jsonl::line_writer w(out);
  w.begin_array("messages");
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    const host::test_message& m = *it;
    w.begin_object()
        .str("id", m.id)
        .str("channel", m.channel)
        .str("to", m.to)
        .str("sent", utc(m.sent))
        .boolean("answered", m.answered)
        .boolean("ok", m.ok)
        .str("status", m.status_name)
        .str("text", m.text)
        .str("messageId", m.message_id);
    pairs(w, "report", m.report);
    w.end_object();
  }
  w.end_array().finish();
  return out;
}

}  // namespace smsdrv::console
