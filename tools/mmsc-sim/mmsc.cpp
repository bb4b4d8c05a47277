#include "mmsc.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <ctime>

#include "mm7/basic_auth.hpp"
#include "mm7/body_reader.hpp"
#include "mm7/status.hpp"

namespace smsdrv::mmsc_sim {
namespace {

using json = rapidjson::Value;

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string address_text(const mm7::address& a) {
  return a.value;
}

void addresses(event& e, std::string_view key, const std::vector<mm7::address>& list) {
  e.begin_array(key);
  for (const auto& a : list)
    e.item(address_text(a));
  e.end_array();
}

std::string text_of(const json& object, const char* key, std::string fallback = {}) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return fallback;
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsBool()) return it->value.GetBool() ? "true" : "false";
  return fallback;
}

bool flag_of(const json& object, const char* key, bool fallback) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return fallback;
  if (it->value.IsBool()) return it->value.GetBool();
  if (it->value.IsString()) return std::string_view(it->value.GetString()) == "true";
  return fallback;
}

std::vector<std::string> list_of(const json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return out;
  if (it->value.IsString()) {
    std::string_view all(it->value.GetString(), it->value.GetStringLength());
    while (!all.empty()) {
      auto comma = all.find(',');
      out.emplace_back(all.substr(0, comma));
      all = comma == std::string_view::npos ? std::string_view() : all.substr(comma + 1);
    }
  } else if (it->value.IsArray()) {
    for (const auto& v : it->value.GetArray())
      if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

// base64 decoding for command input (parts given as "base64").
bool decode_base64(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\r' || c == '\n' || c == ' ') continue;
    int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

}  // namespace

mmsc::mmsc(sim_config config, event_sink& events, time_point now)
    : config_(std::move(config)),
      events_(events),
      ctx_{config_.mm7_version, config_.xml_namespace},
      next_id_(config_.first_id),
      random_(config_.seed),
      started_(now),
      last_stats_(now),
      last_cpu_s_(cpu_seconds()) {
  if (config_.stats_interval.count() > 0) next_stats_ = now + config_.stats_interval;
}

void mmsc::emit(event& e) {
  events_.emit(e.line());
}

std::string mmsc::next_message_id() {
  return fmt::format("mmsc-{:08}", next_id_++);
}

std::string mmsc::next_transaction_id() {
  return fmt::format("mmsc-sim-{}", next_transaction_++);
}

time_point mmsc::answer_time(time_point now) {
  const auto& f = config_.faults;
  if (f.delay_max > f.delay) {
    std::uniform_int_distribution<std::int64_t> d(f.delay.count(), f.delay_max.count());
    return now + std::chrono::milliseconds(d(random_));
  }
  return now + f.delay;
}

http_reply mmsc::on_request(const http_request& request, time_point now) {
  ++counters_.requests;
  counters_.bytes_in += request.body.size();
  http_reply reply;
  reply.answer_at = now;
  std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
  auto refuse = [&](int status, std::string text, std::string_view why) {
    reply.status = status;
    reply.content_type = "text/plain";
    reply.body = std::move(text);
    if (!config_.quiet) {
      event e("refused");
      e.num("conn", static_cast<std::int64_t>(request.conn))
          .num("http_status", status)
          .str("reason", why);
      emit(e);
    }
    return reply;
  };
  if (path != config_.path) return refuse(404, "not found\n", "path");
  if (request.method != "POST") return refuse(405, "POST only\n", "method");
  if (!config_.accounts.empty()) {
    bool ok = false;
    for (const auto& a : config_.accounts)
      ok = ok || mm7::basic_credentials_match(request.authorization, a.user, a.password);
    if (!ok) {
      ++counters_.unauthorized;
      reply.challenge = true;
      return refuse(401, "authentication required\n",
                    request.authorization.empty() ? "no credentials" : "wrong credentials");
    }
  }
  if (request.body.size() > config_.max_body) return refuse(413, "too large\n", "size");
  return answer_submit(request, now);
}

http_reply mmsc::answer_submit(const http_request& request, time_point now) {
  http_reply reply;
  reply.answer_at = answer_time(now);
  auto read = mm7::read_mm7_body(request.content_type, request.body,
                                 mm7::mime_limits{.max_parts = 400, .max_depth = 8});
  if (auto* problem = std::get_if<mm7::body_problem>(&read)) {
    ++counters_.malformed;
    reply.status = 500;
    reply.content_type = "text/xml; charset=\"utf-8\"";
    reply.body = rs_error_xml(ctx_, "", problem->status);
    event e("malformed");
    e.num("conn", static_cast<std::int64_t>(request.conn))
        .num("status", problem->status)
        .str("reason", problem->text);
    emit(e);
    return reply;
  }
  auto& doc = std::get<mm7::read_body>(read).soap;
  auto* submit = std::get_if<mm7::submit_req>(&doc.message);
  if (!submit) {
    ++counters_.malformed;
    std::string tid = std::visit([](const auto& m) { return m.transaction_id; }, doc.message);
    reply.status = 500;
    reply.content_type = "text/xml; charset=\"utf-8\"";
    reply.body = rs_error_xml(ctx_, tid, mm7::status::unsupported_operation);
    event e("malformed");
    e.num("conn", static_cast<std::int64_t>(request.conn))
        .num("status", mm7::status::unsupported_operation)
        .str("reason", "not a SubmitReq");
    emit(e);
    return reply;
  }

  std::uint64_t n = ++counters_.submissions;
  const auto& f = config_.faults;
  int status = f.fail_every && n % f.fail_every == 0 ? f.fail_status : f.status;
  std::string answer = "SubmitRsp";
  std::string message_id;
  bool taken = status == mm7::status::success || status == mm7::status::partial_success;
  if (taken) message_id = next_message_id();
  reply.content_type = "text/xml; charset=\"utf-8\"";
  if (f.drop || (f.drop_every && n % f.drop_every == 0)) {
    reply.what = http_reply::kind::drop;
    answer = "dropped";
  } else if (f.silent) {
    reply.what = http_reply::kind::hold;
    answer = "none";
  } else if (f.http_500) {
    reply.status = 500;
    reply.content_type = "text/plain";
    reply.body = "mmsc-sim: internal server error\n";
    answer = "http-500";
    taken = false;
  } else if (f.soap_fault) {
    reply.status = 500;
    reply.body = rs_error_xml(ctx_, submit->transaction_id, f.soap_fault);
    answer = "soap-fault";
    status = f.soap_fault;
    taken = false;
  } else if (f.garbage) {
    reply.body = "<<< this is not XML >>>";
    answer = "garbage";
  } else if (f.wrong_transaction) {
    reply.body = submit_rsp_xml(ctx_, submit->transaction_id + "-other", status, message_id);
    answer = "wrong-transaction";
  } else {
    reply.body = submit_rsp_xml(ctx_, submit->transaction_id, status, message_id);
  }
  if (status == mm7::status::success && taken)
    ++counters_.submissions_ok;
  else
    ++counters_.submissions_failed;

  if (!config_.quiet) {
    event e("submit");
    e.num("conn", static_cast<std::int64_t>(request.conn))
        .str("transaction_id", submit->transaction_id)
        .str("mm7_version", submit->mm7_version)
        .str("vasp_id", submit->vasp_id)
        .str("vas_id", submit->vas_id)
        .str("sender", submit->sender ? submit->sender->value : "");
    addresses(e, "to", submit->to);
    addresses(e, "cc", submit->cc);
    addresses(e, "bcc", submit->bcc);
    e.str("subject", submit->subject)
        .str("service_code", submit->service_code)
        .str("linked_id", submit->linked_id)
        .str("priority", submit->priority)
        .str("content_href", doc.content_href);
    if (submit->delivery_report)
      e.boolean("delivery_report", *submit->delivery_report);
    else
      e.null("delivery_report");
    if (submit->read_reply)
      e.boolean("read_reply", *submit->read_reply);
    else
      e.null("read_reply");
    e.begin_array("parts");
    for (const auto& p : submit->parts) {
      e.begin_object()
          .str("content_type", p.content_type)
          .str("content_id", p.content_id)
          .str("content_location", p.content_location)
          .str("name", p.name)
          .num("size", static_cast<std::int64_t>(p.bytes.size()));
      if (config_.record_parts) e.base64("base64", p.bytes);
      e.end_object();
    }
    e.end_array();
    e.num("status", status).str("message_id", message_id).str("answer", answer);
    e.str("authorization", request.authorization.empty() ? "none" : "basic");
    e.num("t_us", std::chrono::duration_cast<std::chrono::microseconds>(now - started_).count());
    emit(e);
  }
  if (taken) {
    std::string sender = submit->sender ? submit->sender->value : "";
    bool dlr = !config_.dlr_status.empty() &&
               (config_.dlr_always || submit->delivery_report.value_or(false));
    bool rr = !config_.read_status.empty() && submit->read_reply.value_or(false);
    for (const auto& to : submit->to)
      schedule_reports(message_id, to.value, sender, dlr, rr, now);
  }
  return reply;
}

void mmsc::schedule_reports(const std::string& message_id, const std::string& recipient,
                            const std::string& sender, bool delivery_report, bool read_reply,
                            time_point now) {
  auto wall = [&](std::chrono::milliseconds after) {
    std::time_t t =
        std::time(nullptr) + std::chrono::duration_cast<std::chrono::seconds>(after).count();
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  if (delivery_report) {
    report_fields f{next_transaction_id(),   message_id,         recipient, sender,
                    wall(config_.dlr_delay), config_.dlr_status, ""};
    queue("delivery-report", build_report_req(ctx_, f, false, body_style{}), f.transaction_id,
          now + config_.dlr_delay);
  }
  if (read_reply) {
    report_fields f{next_transaction_id(),    message_id,          recipient, sender,
                    wall(config_.read_delay), config_.read_status, ""};
    queue("read-reply", build_report_req(ctx_, f, true, body_style{}), f.transaction_id,
          now + config_.read_delay);
  }
}

std::uint64_t mmsc::queue(std::string kind, outgoing_body body, std::string transaction_id,
                          time_point at) {
  std::uint64_t id = next_delivery_++;
  ++counters_.deliveries_queued;
  if (!config_.quiet) {
    event e("queued");
    e.num("delivery", static_cast<std::int64_t>(id))
        .str("kind", kind)
        .str("transaction_id", transaction_id);
    emit(e);
  }
  deliveries_.emplace(
      id, delivery{std::move(kind), std::move(transaction_id), std::move(body), at, 0, false});
  return id;
}

std::vector<outgoing_post> mmsc::due_posts(time_point now) {
  std::vector<outgoing_post> out;
  if (config_.vasp_url.empty()) return out;
  for (auto& [id, d] : deliveries_) {
    if (in_flight_ >= config_.vasp_connections) break;
    if (d.in_flight || d.due > now) continue;
    d.in_flight = true;
    ++d.attempt;
    ++in_flight_;
    ++counters_.posts;
    if (d.attempt > 1) ++counters_.redeliveries;
    if (!config_.quiet) {
      event e("post");
      e.num("delivery", static_cast<std::int64_t>(id))
          .str("kind", d.kind)
          .str("transaction_id", d.transaction_id)
          .num("attempt", d.attempt);
      emit(e);
    }
    out.push_back({id, d.body.content_type, d.body.body});
  }
  return out;
}

void mmsc::on_post_result(std::uint64_t id, int http_status, std::string_view content_type,
                          std::string_view body, std::string_view error, time_point now) {
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) return;
  delivery& d = it->second;
  d.in_flight = false;
  --in_flight_;
  int status = 0;
  std::string reason(error);
  std::string answer_tid;
  if (http_status != 0) {
    auto read =
        mm7::read_mm7_body(content_type, body, mm7::mime_limits{.max_parts = 8, .max_depth = 4});
    if (auto* r = std::get_if<mm7::read_body>(&read)) {
      if (auto* rsp = std::get_if<mm7::response>(&r->soap.message)) {
        status = rsp->status.code;
        answer_tid = rsp->transaction_id;
        if (reason.empty() && rsp->fault) reason = "SOAP Fault: " + rsp->status.details;
      }
    } else if (reason.empty()) {
      reason = "the answer is not MM7: " + std::get<mm7::body_problem>(read).text;
    }
  }
  std::string outcome;
  if (http_status == 200 && status == mm7::status::success &&
      (answer_tid.empty() || d.transaction_id.empty() || answer_tid == d.transaction_id)) {
    outcome = "acknowledged";
  } else if (status >= 2000 && status <= 2999) {
    outcome = "rejected";
  } else if (config_.max_attempts && d.attempt >= config_.max_attempts) {
    outcome = "gave-up";
  } else {
    outcome = "retry";
  }
  if (!config_.quiet || outcome != "acknowledged") {
    event e("post-result");
    e.num("delivery", static_cast<std::int64_t>(id))
        .str("kind", d.kind)
        .str("transaction_id", d.transaction_id)
        .num("attempt", d.attempt)
        .num("http_status", http_status);
    if (status)
      e.num("status", status);
    else
      e.null("status");
    e.str("outcome", outcome).str("reason", reason);
    emit(e);
  }
  if (outcome == "retry") {
    d.due = now + config_.redeliver_after;
    return;
  }
  if (outcome == "acknowledged")
    ++counters_.deliveries_acknowledged;
  else
    ++counters_.deliveries_rejected;
  deliveries_.erase(it);
}

std::optional<time_point> mmsc::next_deadline() const {
  std::optional<time_point> next;
  auto consider = [&](time_point t) {
    if (!next || t < *next) next = t;
  };
  if (config_.stats_interval.count() > 0) consider(next_stats_);
  if (!config_.vasp_url.empty() && in_flight_ < config_.vasp_connections)
    for (const auto& [id, d] : deliveries_)
      if (!d.in_flight) consider(d.due);
  return next;
}

void mmsc::on_tick(time_point now) {
  if (config_.stats_interval.count() > 0 && now >= next_stats_) {
    emit_stats(now);
    next_stats_ = now + config_.stats_interval;
  }
}

void mmsc::emit_stats(time_point now) {
  double elapsed = std::chrono::duration<double>(now - last_stats_).count();
  double cpu = cpu_seconds();
  event e("stats");
  e.num("requests", static_cast<std::int64_t>(counters_.requests))
      .num("submissions", static_cast<std::int64_t>(counters_.submissions))
      .num("submissions_ok", static_cast<std::int64_t>(counters_.submissions_ok))
      .num("submissions_failed", static_cast<std::int64_t>(counters_.submissions_failed))
      .num("unauthorized", static_cast<std::int64_t>(counters_.unauthorized))
      .num("malformed", static_cast<std::int64_t>(counters_.malformed))
      .num("deliveries_queued", static_cast<std::int64_t>(counters_.deliveries_queued))
      .num("posts", static_cast<std::int64_t>(counters_.posts))
      .num("deliveries_acknowledged", static_cast<std::int64_t>(counters_.deliveries_acknowledged))
      .num("deliveries_rejected", static_cast<std::int64_t>(counters_.deliveries_rejected))
      .num("redeliveries", static_cast<std::int64_t>(counters_.redeliveries))
      .num("deliveries_pending", static_cast<std::int64_t>(deliveries_.size()))
      .num("bytes_in", static_cast<std::int64_t>(counters_.bytes_in))
      .real("submissions_per_s",
            elapsed > 0 ? static_cast<double>(counters_.submissions - last_submissions_) / elapsed
                        : 0.0)
      .real("cpu_percent", elapsed > 0 ? 100.0 * (cpu - last_cpu_s_) / elapsed : 0.0)
      .real("cpu_s", cpu);
  emit(e);
  last_stats_ = now;
  last_submissions_ = counters_.submissions;
  last_cpu_s_ = cpu;
}

bool mmsc::command(std::string_view line, time_point now) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  auto error = [&](std::string text) {
    event e("error");
    e.str("error", text);
    emit(e);
    return true;
  };
  if (doc.HasParseError())
    return error(fmt::format("not JSON: {} at {}", rapidjson::GetParseError_En(doc.GetParseError()),
                             doc.GetErrorOffset()));
  if (!doc.IsObject()) return error("not a JSON object");
  std::string cmd = text_of(doc, "cmd");
  if (cmd == "exit") {
    event e("exit");
    emit(e);
    return false;
  }
  if (cmd == "stats") {
    emit_stats(now);
    return true;
  }
  if (cmd == "fault") {
    fault_config next = flag_of(doc, "clear", false) ? fault_config{} : config_.faults;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (key == "cmd" || key == "clear") continue;
      std::string value = text_of(doc, it->name.GetString());
      if (auto e = set_fault(next, key, value); !e.empty())
        return error(fmt::format("fault {} '{}': {}", key, value, e));
    }
    config_.faults = next;
    event e("fault-set");
    e.begin_array("faults");
    for (const auto& d : describe(config_.faults))
      e.item(d);
    e.end_array();
    emit(e);
    return true;
  }
  body_style style;
  if (auto s = doc.FindMember("style"); s != doc.MemberEnd() && s->value.IsObject()) {
    const json& o = s->value;
    std::string xml = text_of(o, "xml", "default");
    if (xml == "prefixed")
      style.xml = xml_style::prefixed;
    else if (xml == "none")
      style.xml = xml_style::no_namespace;
    else if (xml != "default")
      return error("style.xml must be default, prefixed or none");
    style.start = flag_of(o, "start", true);
    style.angle_ids = flag_of(o, "angle_ids", true);
    style.cid_href = flag_of(o, "cid_href", true);
    style.content_element = flag_of(o, "content_element", true);
    style.siblings = flag_of(o, "siblings", false);
    style.encoding = text_of(o, "encoding", "base64");
    style.crlf = flag_of(o, "crlf", true);
    if (style.encoding != "base64" && style.encoding != "quoted-printable" &&
        style.encoding != "binary" && style.encoding != "8bit")
      return error("style.encoding must be base64, quoted-printable, binary or 8bit");
  }
  if (cmd == "deliver") {
    std::vector<sim_part> parts;
    std::string text = text_of(doc, "text");
    if (!text.empty()) parts.push_back({"text/plain; charset=utf-8", "text.txt", text});
    if (auto p = doc.FindMember("parts"); p != doc.MemberEnd() && p->value.IsArray()) {
      for (const auto& item : p->value.GetArray()) {
        if (!item.IsObject()) return error("parts: every part is an object");
        sim_part part{text_of(item, "content_type", "application/octet-stream"),
                      text_of(item, "name"), text_of(item, "text")};
        if (item.HasMember("base64") && !decode_base64(text_of(item, "base64"), part.bytes))
          return error("parts: base64 that does not decode");
        parts.push_back(std::move(part));
      }
    }
    std::uint64_t count = 1;
    if (auto c = doc.FindMember("count"); c != doc.MemberEnd() && c->value.IsUint64())
      count = c->value.GetUint64();
    for (std::uint64_t i = 0; i < count; ++i) {
      deliver_fields f;
      f.transaction_id = text_of(doc, "transaction_id", next_transaction_id());
      if (count > 1) f.transaction_id += fmt::format("-{}", i + 1);
      f.sender = text_of(doc, "from", "+4917600000001");
      f.to = list_of(doc, "to");
      if (f.to.empty()) f.to = {"12345"};
      f.subject = text_of(doc, "subject");
      f.linked_id = text_of(doc, "linked_id");
      f.time_stamp = text_of(doc, "time_stamp", "2024-01-01T00:00:00Z");
      queue("deliver", build_deliver_req(ctx_, f, parts, style), f.transaction_id, now);
    }
    return true;
  }
  if (cmd == "dlr" || cmd == "read-reply") {
    bool rr = cmd == "read-reply";
    report_fields f{text_of(doc, "transaction_id", next_transaction_id()),
                    text_of(doc, "message_id"),
                    text_of(doc, "to"),
                    text_of(doc, "from"),
                    text_of(doc, "date", "2024-01-01T00:00:00Z"),
                    text_of(doc, "status", rr ? "Read" : "Retrieved"),
                    text_of(doc, "status_text")};
    if (f.message_id.empty()) return error(cmd + ": message_id is required");
    queue(rr ? "read-reply" : "delivery-report", build_report_req(ctx_, f, rr, style),
          f.transaction_id, now);
    return true;
  }
  if (cmd == "raw") {
    outgoing_body b{text_of(doc, "content_type", "text/xml"), text_of(doc, "body")};
    if (doc.HasMember("base64") && !decode_base64(text_of(doc, "base64"), b.body))
      return error("raw: base64 that does not decode");
    queue("raw", std::move(b), text_of(doc, "transaction_id"), now);
    return true;
  }
  return error(fmt::format("unknown command '{}'", cmd));
}

}  // namespace smsdrv::mmsc_sim
