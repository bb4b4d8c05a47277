// Commands from stdin (docs/smsc-sim.md, "Commands"): inject MO messages and receipts, unbind
// or close connections, change faults at run time, print counters.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

#include "json_line.hpp"
#include "mo_split.hpp"
#include "smpp/command_status.hpp"
#include "smpp/tlv.hpp"
#include "smsc.hpp"
#include "smsc_util.hpp"
#include "text_codec.hpp"

namespace smsdrv::sim {
namespace {

template <class Int>
bool parse_number(const std::string* text, Int& out) {
  if (text == nullptr) return true;  // absent: keep the default
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), out);
  return !text->empty() && ec == std::errc() && p == text->data() + text->size();
}

std::string_view arg_or(const command& c, std::string_view key, std::string_view fallback) {
  const std::string* v = c.arg(key);
  return v != nullptr ? std::string_view(*v) : fallback;
}

// "{n}" in an mo-burst text becomes the message's number (1..count).
std::string with_number(std::string_view text, std::uint64_t n) {
  std::string out(text);
  if (n == 0) return out;
  for (auto at = out.find("{n}"); at != std::string::npos; at = out.find("{n}", at))
    out.replace(at, 3, std::to_string(n));
  return out;
}

bool selected(const command& c, const link& l) {
  const std::string* sid = c.arg("system_id");
  const std::string* conn = c.arg("conn");
  if (sid != nullptr && *sid != l.system_id()) return false;
  if (conn != nullptr && *conn != std::to_string(l.id())) return false;
  return true;
}

}  // namespace

void smsc::on_command(std::string_view line, time_point now) {
  now_ = now;
  command c;
  if (const std::string error = parse_command(line, c); !error.empty()) {
    emit_error(error);
    return;
  }
  using handler = void (smsc::*)(const command&, time_point);
  static constexpr std::array<std::pair<std::string_view, handler>, 10> table{{
      {"mo", &smsc::command_mo},
      {"account-limit", &smsc::command_account_limit},
      {"mo-burst", &smsc::command_mo_burst},
      {"dlr", &smsc::command_dlr},
      {"unbind", &smsc::command_unbind},
      {"close", &smsc::command_close},
      {"stats", &smsc::command_stats},
      {"fault", &smsc::command_fault},
      {"inject", &smsc::command_inject},
      {"exit", &smsc::command_exit},
  }};
  for (const auto& [name, fn] : table) {
    if (name == c.name) {
      (this->*fn)(c, now);
      return;
    }
  }
  std::string names;
  for (const command_doc& d : command_docs)
    names += fmt::format("{}{}", names.empty() ? "" : ", ", d.name);
  emit_error(fmt::format("unknown command '{}' ({})", c.name, names));
}

std::string smsc::make_mo(const command& c, std::uint64_t n, std::vector<delivery>& out) {
  smpp::deliver_sm m;
  std::uint8_t data_coding = 0;
  if (!parse_number(c.arg("data_coding"), data_coding)) return "data_coding: expected 0..255";
  if (!parse_number(c.arg("esm_class"), m.esm_class)) return "esm_class: expected 0..255";
  if (!parse_number(c.arg("source_addr_ton"), m.source_addr_ton) ||
      !parse_number(c.arg("source_addr_npi"), m.source_addr_npi) ||
      !parse_number(c.arg("dest_addr_ton"), m.dest_addr_ton) ||
      !parse_number(c.arg("dest_addr_npi"), m.dest_addr_npi) ||
      !parse_number(c.arg("protocol_id"), m.protocol_id))
    return "ton/npi/protocol_id: expected 0..255";
  const std::string_view split = arg_or(c, "split", "");
  if (!split.empty() && split != "udh" && split != "sar") return "split: expected udh or sar";
  const std::string_view spread = arg_or(c, "spread", "false");
  if (spread != "true" && spread != "false") return "spread: expected true or false";
  if (spread == "true" && split.empty()) return "spread: needs split (udh or sar)";
  m.data_coding = data_coding;
  m.service_type = arg_or(c, "service_type", "");
  m.source_addr = arg_or(c, "from", "");
  m.destination_addr = arg_or(c, "to", "");
  std::string message;
  if (const std::string* hex = c.arg("hex")) {
    auto bytes = decode_hex(*hex);
    if (!bytes) return "hex: expected an even number of hex digits";
    message = std::move(*bytes);
  } else {
    message = encode_text(with_number(arg_or(c, "text", ""), n), data_coding);
  }
  std::string extra_tlvs;
  if (const std::string* tlvs = c.arg("tlvs")) {
    auto bytes = decode_hex(*tlvs);
    if (!bytes) return "tlvs: expected TLVs in wire form as hex, or an object {tag: hex}";
    extra_tlvs = std::move(*bytes);
  }
  std::vector<std::string> pieces;
  if (split.empty()) {
    pieces.push_back(std::move(message));
  } else {
    pieces = split_message(message, data_coding);
    if (pieces.empty()) return "split: the text needs more than 255 parts";
  }
  const bool concatenated = pieces.size() > 1;
  const std::uint16_t ref = concatenated ? ++concat_ref_ : 0;
  const std::uint8_t base_esm_class = m.esm_class;
  // Spread: part i goes to the (first + i)-th connection of the account bound now.
  std::vector<std::uint64_t> conns;
  if (spread == "true" && concatenated) conns = receivers(arg_or(c, "system_id", ""));
  const std::uint64_t first = spread_next_++;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto total = static_cast<std::uint8_t>(pieces.size());
    const auto seq = static_cast<std::uint8_t>(i + 1);
    m.tlvs.clear();
    m.esm_class = base_esm_class;
    std::string body;
    std::string sar_ref(2, '\0');
    if (concatenated && split == "udh") {
      // 3GPP TS 23.040 §9.2.3.24.1; SMPP v3.4 §5.2.12: esm_class UDHI bit.
      body = concatenation_udh(static_cast<std::uint8_t>(ref), total, seq) + pieces[i];
      m.esm_class |= smpp::esm_class_bits::udhi;
    } else {
      body = std::move(pieces[i]);
    }
    const char sar_total = static_cast<char>(total);
    const char sar_seq = static_cast<char>(seq);
    if (concatenated && split == "sar") {
      // SMPP v3.4 §5.3.2.22-24.
      sar_ref[0] = static_cast<char>(ref >> 8);
      sar_ref[1] = static_cast<char>(ref);
      m.tlvs.push_back({smpp::tlv_tag::sar_msg_ref_num, sar_ref});
      m.tlvs.push_back({smpp::tlv_tag::sar_total_segments, std::string_view(&sar_total, 1)});
      m.tlvs.push_back({smpp::tlv_tag::sar_segment_seqnum, std::string_view(&sar_seq, 1)});
    }
    // §5.2.21: short_message holds at most 254 octets; longer text goes in message_payload.
    if (body.size() > 254) {
      m.short_message = {};
      m.tlvs.push_back({smpp::tlv_tag::message_payload, body});
    } else {
      m.short_message = body;
    }
    std::string frame;
    const smpp::codec_status st = smpp::encode(m, 0, frame);
    if (!st.ok()) return st.message();
    frame += extra_tlvs;
    store_be32(frame.data(), static_cast<std::uint32_t>(frame.size()));
    delivery d;
    d.system_id = std::string(arg_or(c, "system_id", ""));
    d.frame = std::move(frame);
    if (!conns.empty()) d.conn = conns[(first + i) % conns.size()];
    out.push_back(std::move(d));
  }
  return {};
}

void smsc::command_mo(const command& c, time_point now) {
  std::vector<delivery> ds;
  if (const std::string error = make_mo(c, 0, ds); !error.empty()) {
    emit_error(fmt::format("mo: {}", error));
    return;
  }
  ++counters_.mo;
  for (delivery& d : ds)
    queue_delivery(std::move(d), true);
  pump_deliveries(now);
}

void smsc::command_mo_burst(const command& c, time_point now) {
  std::uint64_t count = 0;
  if (c.arg("count") == nullptr || !parse_number(c.arg("count"), count) || count == 0 ||
      count > 10'000'000) {
    emit_error("mo-burst: \"count\" must be 1..10000000");
    return;
  }
  std::uint64_t first = 0;
  std::uint64_t queued = 0;
  std::vector<delivery> ds;
  for (std::uint64_t n = 1; n <= count; ++n) {
    ds.clear();
    if (const std::string error = make_mo(c, n, ds); !error.empty()) {
      emit_error(fmt::format("mo-burst: {}", error));
      return;
    }
    ++counters_.mo;
    for (delivery& d : ds) {
      const std::uint64_t index = queue_delivery(std::move(d), false);
      if (queued++ == 0) first = index;
    }
  }
  if (verbose()) {
    json_line(begin_event())
        .str("event", "queued")
        .str("kind", "mo")
        .num("first_delivery", first)
        .num("count", queued)
        .str("system_id", arg_or(c, "system_id", ""))
        .finish();
    end_event();
  }
  pump_deliveries(now);
}

void smsc::command_account_limit(const command& c, time_point) {
  const std::string* sid = c.arg("system_id");
  if (sid == nullptr || sid->empty()) {
    emit_error("account-limit: \"system_id\" is required (\"*\" for any); nothing changed");
    return;
  }
  account_limit l;
  l.system_id = *sid;
  if (!parse_number(c.arg("binds"), l.max_binds) || !parse_number(c.arg("rate"), l.rate) ||
      l.max_binds > 10'000'000 || l.rate > 10'000'000) {
    emit_error("account-limit: \"binds\" and \"rate\" must be 0..10000000; nothing changed");
    return;
  }
  set_account_limit(config_.limits, l);
  account_windows_.erase(l.system_id);
  json_line(begin_event())
      .str("event", "account-limit")
      .str("system_id", l.system_id)
      .num("binds", l.max_binds)
      .num("rate", l.rate)
      .finish();
  end_event();
}

void smsc::command_dlr(const command& c, time_point now) {
  const std::string* id = c.arg("message_id");
  if (id == nullptr || id->empty()) {
    emit_error("dlr: \"message_id\" is required");
    return;
  }
  receipt_outcome outcome = config_.dlr_outcome;
  std::string stat(arg_or(c, "stat", stat_word(outcome.state)));
  if (const std::string* err = c.arg("err")) stat += ":" + *err;
  if (!parse_outcome(stat, outcome)) {
    emit_error(fmt::format("dlr: '{}' is not STAT[:ERR] (DELIVRD, UNDELIV:001, ...)", stat));
    return;
  }
  message_record* known = find_message(*id);
  message_record unknown;
  if (known == nullptr) {
    // An id the simulator did not hand out: the receipt goes from "from" to "to".
    unknown.destination_addr.assign(arg_or(c, "from", ""));
    unknown.source_addr.assign(arg_or(c, "to", ""));
    unknown.submit_date = wall_time(now);
  }
  message_record& r = known != nullptr ? *known : unknown;
  delivery d;
  d.system_id = std::string(arg_or(c, "system_id", r.system_id.view()));
  d.frame = build_receipt(r, *id, outcome, now);
  d.receipt = true;
  d.receipted_message_id = *id;
  if (d.frame.empty()) return;
  r.receipt_sent = true;
  ++counters_.receipts;
  queue_delivery(std::move(d), true);
  pump_deliveries(now);
}

void smsc::command_unbind(const command& c, time_point now) {
  for (auto& [id, owned] : links_) {
    link& l = *owned;
    if (l.bound_ == bind_kind::none || l.close_requested_ || !selected(c, l)) continue;
    send_unbind(l, now);
  }
}

void smsc::command_close(const command& c, time_point) {
  for (auto& [id, owned] : links_)
    if (selected(c, *owned)) request_close(*owned, "close command", true);
}

void smsc::command_stats(const command&, time_point now) {
  emit_stats(now);
}

void smsc::command_fault(const command& c, time_point) {
  fault_config f = config_.faults;
  if (arg_or(c, "clear", "false") == "true") f = fault_config{};
  for (const auto& [key, value] : c.args) {
    if (key == "clear") continue;
    const fault_option* o = find_fault_option(key);
    if (o == nullptr) {
      emit_error(fmt::format("fault: unknown fault '{}'; nothing changed", key));
      return;
    }
    if (const std::string error = o->set(f, value); !error.empty()) {
      emit_error(fmt::format("fault: {} '{}': {}; nothing changed", key, value, error));
      return;
    }
  }
  config_.faults = f;
  // One-shot triggers given in this command count from now on every open connection.
  const bool clear = arg_or(c, "clear", "false") == "true";
  for (const one_shot_fault& t : one_shot_faults) {
    if (c.arg(t.option) == nullptr && !clear) continue;
    for (auto& [id, owned] : links_)
      owned->triggers_.arm(t, f, owned->pdus_received_);
  }
  if (c.arg("unbind-with-responses") != nullptr || clear)
    for (auto& [id, owned] : links_)
      owned->responses_to_hold_ = f.unbind_with_responses;
  json_line(begin_event()).str("event", "fault-set").str("faults", describe_faults(f)).finish();
  end_event();
}

void smsc::command_inject(const command& c, time_point) {
  const std::string_view what = arg_or(c, "what", "");
  const auto f = std::find_if(
      one_shot_faults.begin(), one_shot_faults.end(),
      [&](const one_shot_fault& o) { return o.kind != one_shot::drop && o.name == what; });
  if (f == one_shot_faults.end()) {
    emit_error("inject: \"what\" must be garbage, unknown-command, unknown-seq or close-mid-pdu");
    return;
  }
  const one_shot kind = f->kind;
  for (auto& [id, owned] : links_)
    if (!owned->close_requested_ && selected(c, *owned))
      inject(*owned, kind, owned->out_.size(), 0);
}

void smsc::command_exit(const command&, time_point) {
  stop_requested_ = true;
  json_line(begin_event()).str("event", "exit").finish();
  end_event();
}

void smsc::emit_stats(time_point now) {
  const double uptime = std::chrono::duration<double>(now - start_).count();
  const double interval = std::chrono::duration<double>(now - last_stats_).count();
  const std::uint64_t submitted = counters_.submissions - last_stats_submissions_;
  // Process CPU time, to tell the simulator's own load from the client's (headroom figure).
  const double cpu = time_.cpu_seconds();
  const double cpu_interval = cpu - last_stats_cpu_;
  last_stats_ = now;
  last_stats_submissions_ = counters_.submissions;
  last_stats_cpu_ = cpu;
  std::uint64_t bound = 0;
  std::uint64_t in_flight = 0;
  for (const auto& [id, owned] : links_) {
    bound += owned->bound_ != bind_kind::none ? 1 : 0;
    in_flight += owned->in_flight_.size();
  }
  const sim_counters& k = counters_;
  json_line(begin_event())
      .str("event", "stats")
      .fixed("uptime_s", uptime, 3)
      .fixed("interval_s", interval, 3)
      .fixed("submissions_per_s", interval > 0 ? static_cast<double>(submitted) / interval : 0.0, 3)
      .fixed("cpu_s", cpu, 3)
      .fixed("cpu_percent", interval > 0 ? 100.0 * cpu_interval / interval : 0.0, 3)
      .num("connections", static_cast<std::uint64_t>(links_.size()))
      .num("bound", bound)
      .num("connections_total", k.connections)
      .num("binds", k.binds)
      .num("binds_refused", k.binds_refused)
      .num("binds_over_limit", k.binds_over_limit)
      .num("pdus_in", k.pdus_in)
      .num("bytes_in", k.bytes_in)
      .num("bytes_out", k.bytes_out)
      .num("submissions", k.submissions)
      .num("submissions_ok", k.submissions_ok)
      .num("submissions_failed", k.submissions_failed)
      .num("submissions_unanswered", k.submissions_unanswered)
      .num("submissions_throttled", k.submissions_throttled)
      .num("submissions_outstanding_peak", k.submissions_outstanding_peak)
      .num("deliver_sm_sent", k.deliver_sm_sent)
      .num("deliver_sm_acked", k.deliver_sm_acked)
      .num("deliver_sm_rejected", k.deliver_sm_rejected)
      .num("redeliveries", k.redeliveries)
      .num("deliveries_pending", static_cast<std::uint64_t>(pending_deliveries()))
      .num("deliveries_in_flight", in_flight)
      .num("receipts", k.receipts)
      .num("mo", k.mo)
      .num("generic_nacks_sent", k.generic_nacks_sent)
      .num("faults_applied", k.faults_applied)
      .finish();
  end_event();
}

void smsc::emit_error(std::string_view what) {
  json_line(begin_event()).str("event", "error").str("error", what).finish();
  end_event();
}

}  // namespace smsdrv::sim
