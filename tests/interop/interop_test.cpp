// Interoperability with an independent SMPP implementation: the npm `smpp` package (0.5.1,
// pinned in tests/interop/package-lock.json) runs the SMSC (tests/interop/smsc-server.js);
// dms-stub and the real driver module are the client. Exit 77 (skipped) when node or the
// package is missing, unless SMSDRV_REQUIRE_INTEROP=1 (set by `make test`), then it fails.
#define CATCH_CONFIG_RUNNER
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "e2e_fixture.hpp"

using namespace smsdrv::test;

namespace {

bool interop_available() {
  const fs::path package = fs::path(SMSDRV_INTEROP_DIR) / "node_modules" / "smpp";
  return std::system("node --version >/dev/null 2>&1") == 0 && fs::exists(package);
}

}  // namespace

TEST_CASE("against the npm smpp SMSC: bind, 1000 SendSMS, 100 inbound messages") {
  smsc_process smsc({"node", std::string(SMSDRV_INTEROP_DIR) + "/smsc-server.js", "--port", "0",
                     "--account", "e2e:e2e-pw", "--dlr-delay-ms", "20"});
  server_root root;
  const auto cfg =
      root.write_cfg(channel_section("channel-npm", smsc.port, "x-smpp-delivery-report = false\n"));
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--linger", "0.5"});
  std::vector<json_line> out;
  REQUIRE(read_until(dms, out, [](const json_line& j) {
    return j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
  }));
  REQUIRE(smsc.until([](const json_line& j) {
    return j.str("event") == "bind" && j.str("status") == "ESME_ROK";
  }));

  // 1000 requests: GSM text, UCS-2 text and three-part messages mixed; each destination unique
  // so the SMSC's view can be matched to the request.
  constexpr int n = 1000;
  std::map<std::string, std::string> expected_dest;  // id -> destination
  for (int i = 0; i < n; ++i) {
    const std::string id = "npm" + std::to_string(i);
    const std::string dest = "4915" + std::to_string(5000000 + i);
    std::string text = "Message " + std::to_string(i);
    if (i % 10 == 3) text += " — ünicode ✓";
    if (i % 50 == 7) text = std::string(400, 'x') + std::to_string(i);  // 3 parts of 153
    expected_dest[id] = dest;
    dms.write_line(send_sms(id, "channel-npm", {{"_smsDestNumber", dest}, {"_smsText", text}}));
  }
  std::map<std::string, std::string> message_id_of;  // request id -> _smsMessageId
  std::size_t responses = 0;
  while (responses < n) {
    auto r = read_until(
        dms, out, [](const json_line& j) { return j.str("event") == "esp-response"; }, 60s);
    REQUIRE(r);
    ++responses;
    INFO(r->text);
    CHECK(r->str("ok") == "true");
    CHECK(message_id_of.count(r->str("id")) == 0);  // exactly one response per request
    message_id_of[r->str("id")] = r->str("userData", "_smsMessageId");
  }
  CHECK(message_id_of.size() == n);

  // The SMSC's side: every destination submitted; long ones in 3 parts with a UDH.
  std::map<std::string, std::set<std::string>> ids_by_dest;
  const std::size_t expected_submits = n + 2 * (n / 50);  // 20 long messages: 2 extra parts
  const bool all_seen = static_cast<bool>(smsc.until(
      [&](const json_line&) { return smsc.count("submit_sm") >= expected_submits; }, 30s));
  INFO("submit_sm events seen by the npm SMSC: " << smsc.count("submit_sm") << " of "
                                                 << expected_submits);
  REQUIRE(all_seen);
  CHECK(smsc.count("submit_sm") == expected_submits);
  for (const auto& e : smsc.events)
    if (e.str("event") == "submit_sm")
      ids_by_dest[e.str("destination_addr")].insert(e.str("message_id"));
  for (const auto& [id, dest] : expected_dest) {
    INFO(id);
    REQUIRE(ids_by_dest.count(dest) == 1);
    CHECK(ids_by_dest[dest].count(message_id_of[id]) == 1);
  }

  // 100 MO messages from the npm SMSC become 100 interactions, each acknowledged.
  smsc.proc->write_line(
      R"({"cmd":"mo","count":100,"from":"4917000","to":"12345","text":"MO {n}","system_id":"e2e"})");
  std::set<std::string> texts;
  while (texts.size() < 100) {
    auto in = read_until(
        dms, out, [](const json_line& j) { return j.str("event") == "interaction"; }, 30s);
    REQUIRE(in);
    CHECK(in->str("mode") == "paging");
    texts.insert(in->str("attributes", "_smsText"));
  }
  CHECK(texts.count("MO 1") == 1);  // the npm server numbers {n} from 1
  CHECK(texts.count("MO 100") == 1);
  dms.close_stdin();
  CHECK(dms.wait(30s) == 0);
  std::size_t acked = 0;
  smsc.until(
      [&](const json_line&) {
        acked = 0;
        for (const auto& e : smsc.events)
          acked += e.str("event") == "deliver_sm_resp" && e.str("status") == "ESME_ROK";
        return acked >= 100;
      },
      10s);
  CHECK(acked == 100);
}

namespace {

// An independent reading of what the npm SMSC received: the UDH / SAR TLVs parsed here, GSM 03.38
// and UTF-16BE decoded with the tables below, not with the driver's text library.

std::string bytes_of(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// 3GPP TS 23.038 §6.2.1 default alphabet (0x1B is the escape) and §6.2.1.1 extension table.
constexpr const char* gsm_default[128] = {
    "@", "£", "$",  "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
    "Δ", "_", "Φ",  "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ",  "",  "Æ", "æ",  "ß", "É",
    " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*",  "+", ",", "-",  ".", "/",
    "0", "1", "2",  "3", "4", "5", "6", "7", "8", "9", ":",  ";", "<", "=",  ">", "?",
    "¡", "A", "B",  "C", "D", "E", "F", "G", "H", "I", "J",  "K", "L", "M",  "N", "O",
    "P", "Q", "R",  "S", "T", "U", "V", "W", "X", "Y", "Z",  "Ä", "Ö", "Ñ",  "Ü", "§",
    "¿", "a", "b",  "c", "d", "e", "f", "g", "h", "i", "j",  "k", "l", "m",  "n", "o",
    "p", "q", "r",  "s", "t", "u", "v", "w", "x", "y", "z",  "ä", "ö", "ñ",  "ü", "à"};

const char* gsm_extension(unsigned char c) {
  switch (c) {
    case 0x0A:
      return "\f";
    case 0x14:
      return "^";
    case 0x28:
      return "{";
    case 0x29:
      return "}";
    case 0x2F:
      return "\\";
    case 0x3C:
      return "[";
    case 0x3D:
      return "~";
    case 0x3E:
      return "]";
    case 0x40:
      return "|";
    case 0x65:
      return "€";
    default:
      return nullptr;
  }
}

std::string decode_gsm(const std::string& septets) {
  std::string out;
  for (std::size_t i = 0; i < septets.size(); ++i) {
    const auto c = static_cast<unsigned char>(septets[i]);
    REQUIRE(c < 0x80);
    if (c == 0x1B) {
      REQUIRE(i + 1 < septets.size());
      const char* e = gsm_extension(static_cast<unsigned char>(septets[++i]));
      REQUIRE(e != nullptr);
      out += e;
    } else {
      out += gsm_default[c];
    }
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string decode_utf16be(const std::string& octets) {
  REQUIRE(octets.size() % 2 == 0);
  std::string out;
  auto unit = [&](std::size_t i) {
    return static_cast<char32_t>((static_cast<unsigned char>(octets[2 * i]) << 8) |
                                 static_cast<unsigned char>(octets[2 * i + 1]));
  };
  for (std::size_t i = 0; i < octets.size() / 2; ++i) {
    char32_t c = unit(i);
    if (c >= 0xD800 && c <= 0xDBFF) {
      REQUIRE(i + 1 < octets.size() / 2);
      const char32_t low = unit(++i);
      REQUIRE((low >= 0xDC00 && low <= 0xDFFF));
      c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
    }
    REQUIRE_FALSE((c >= 0xDC00 && c <= 0xDFFF));
    append_utf8(out, c);
  }
  return out;
}

struct received_part {
  int reference = -1, total = 1, seq = 1;
  std::string user_data;
};

// One submit_sm as the SMSC printed it: concatenation from the UDH (IE 0x00 / 0x08) or the SAR
// TLVs (0x020C, 0x020E, 0x020F); text from short_message or message_payload (0x0424).
received_part read_part(const json_line& e) {
  received_part p;
  const std::string payload = e.str("tlvs", "0x0424");
  std::string b = bytes_of(payload.empty() ? e.str("short_message") : payload);
  if ((e.num("esm_class") & 0x40) != 0) {
    REQUIRE(!b.empty());
    const std::size_t udhl = static_cast<unsigned char>(b[0]);
    REQUIRE(1 + udhl <= b.size());
    for (std::size_t at = 1; at + 2 <= 1 + udhl;) {
      const auto iei = static_cast<unsigned char>(b[at]);
      const std::size_t len = static_cast<unsigned char>(b[at + 1]);
      auto octet = [&](std::size_t k) { return static_cast<unsigned char>(b[at + 2 + k]); };
      if (iei == 0x00 && len == 3) {
        p.reference = octet(0);
        p.total = octet(1);
        p.seq = octet(2);
      } else if (iei == 0x08 && len == 4) {
        p.reference = octet(0) << 8 | octet(1);
        p.total = octet(2);
        p.seq = octet(3);
      }
      at += 2 + len;
    }
    b.erase(0, 1 + udhl);
  } else if (const std::string ref = e.str("tlvs", "0x020c"); !ref.empty()) {
    p.reference = std::stoi(ref, nullptr, 16);
    p.total = std::stoi(e.str("tlvs", "0x020e"), nullptr, 16);
    p.seq = std::stoi(e.str("tlvs", "0x020f"), nullptr, 16);
  }
  p.user_data = std::move(b);
  return p;
}

}  // namespace

TEST_CASE("against the npm smpp SMSC: long messages of every method, reassembled independently") {
  smsc_process smsc({"node", std::string(SMSDRV_INTEROP_DIR) + "/smsc-server.js", "--port", "0",
                     "--account", "e2e:e2e-pw"});
  server_root root;
  const auto cfg = root.write_cfg(channel_section("channel-npm", smsc.port));
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--linger", "0.2"});
  std::vector<json_line> out;
  REQUIRE(read_until(dms, out, [](const json_line& j) {
    return j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
  }));

  // GSM: escapes everywhere, so that some sit on a cut; UCS-2: emoji likewise.
  std::string gsm, ucs2;
  for (int i = 0; i < 10; ++i)  // 310 septets: 3 parts
    gsm += "@£ {x}[y] €" + std::to_string(i) + " Äñ§ ~|^\\\n";
  for (int i = 0; i < 20; ++i)  // 290 UTF-16 units: 5 parts
    ucs2 += "Grüße 👋🏽 " + std::to_string(i) + " ж";
  struct request {
    std::string method, alphabet, text;
  };
  std::vector<request> requests;
  for (const char* m : {"udh8", "udh16", "sar", "payload"}) {
    requests.push_back({m, "gsm", gsm});
    requests.push_back({m, "ucs2", ucs2});
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const request& r = requests[i];
    std::vector<std::pair<std::string, std::string>> data = {
        {"_smsDestNumber", "49160000" + std::to_string(10 + i)}, {"_smsText", r.text}};
    if (r.method == "payload")
      data.emplace_back("x-smpp-use-msg-payload", "true");
    else
      data.emplace_back("x-smpp-long-message-method", r.method);
    dms.write_line(send_sms("long" + std::to_string(i), "channel-npm", data));
  }
  std::map<std::string, json_line> responses;
  while (responses.size() < requests.size()) {
    auto r = read_until(
        dms, out, [](const json_line& j) { return j.str("event") == "esp-response"; }, 30s);
    REQUIRE(r);
    INFO(r->text);
    CHECK(r->str("ok") == "true");
    responses.emplace(r->str("id"), *r);
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const request& r = requests[i];
    INFO(r.method << " " << r.alphabet);
    const json_line& resp = responses.at("long" + std::to_string(i));
    const std::size_t segments = std::stoul(resp.str("userData", "_smsSegments"));
    CHECK(segments == (r.method == "payload" ? 1u : r.alphabet == "gsm" ? 3u : 5u));
    const std::string dest = "49160000" + std::to_string(10 + i);
    std::vector<json_line> subs;
    smsc.until(
        [&](const json_line&) {
          subs.clear();
          for (const auto& e : smsc.events)
            if (e.str("event") == "submit_sm" && e.str("destination_addr") == dest)
              subs.push_back(e);
          return subs.size() >= segments;
        },
        15s);
    REQUIRE(subs.size() == segments);
    std::map<int, std::string> by_seq;
    std::set<int> references;
    std::string ids;
    for (const json_line& e : subs) {
      CHECK(e.num("data_coding") == (r.alphabet == "gsm" ? 0 : 8));
      CHECK((e.num("esm_class") & 0x40) == (r.method.starts_with("udh") ? 0x40 : 0));
      const received_part p = read_part(e);
      CHECK(p.total == static_cast<int>(segments));
      references.insert(p.reference);
      CHECK(by_seq.emplace(p.seq, p.user_data).second);
      ids += (ids.empty() ? "" : ",") + e.str("message_id");
      // No part ends inside an escape or a surrogate pair.
      REQUIRE_FALSE(p.user_data.empty());
      if (r.alphabet == "gsm") {
        CHECK(p.user_data.back() != '\x1b');
      } else {
        const auto hi = static_cast<unsigned char>(p.user_data[p.user_data.size() - 2]);
        CHECK_FALSE((hi >= 0xD8 && hi <= 0xDB));
      }
    }
    CHECK(references.size() == 1);
    if (r.method != "payload") CHECK(*references.begin() >= 0);
    CHECK(resp.str("userData", "_smsMessageIds") == ids);
    std::string joined;
    for (int seq = 1; seq <= static_cast<int>(segments); ++seq) {
      REQUIRE(by_seq.count(seq) == 1);
      joined += by_seq[seq];
    }
    CHECK((r.alphabet == "gsm" ? decode_gsm(joined) : decode_utf16be(joined)) == r.text);
  }
  dms.close_stdin();
  CHECK(dms.wait(30s) == 0);
}

TEST_CASE("against the npm smpp SMSC throttling every 10th submit_sm: every request succeeds") {
  // The SMSC takes nine of ten: the error policy's pause (ESME_RTHROTTLED: pause 10ms-30s) must
  // not grow (docs/reliability.md, "Error policy").
  smsc_process smsc({"node", std::string(SMSDRV_INTEROP_DIR) + "/smsc-server.js", "--port", "0",
                     "--account", "e2e:e2e-pw", "--throttle-every", "10", "--quiet"});
  server_root root;
  std::string section =
      channel_section("channel-npm", smsc.port, "x-smpp-delivery-report = false\n");
  for (auto [from, to] : {std::pair{"max-rate = 100000", "max-rate = 1000"},
                          std::pair{"window-size = 50", "window-size = 20"}}) {
    const auto at = section.find(from);
    REQUIRE(at != std::string::npos);
    section.replace(at, std::string_view(from).size(), to);
  }
  const auto cfg = root.write_cfg(section);
  subprocess dms({SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--linger", "0.2"});
  std::vector<json_line> out;
  REQUIRE(read_until(dms, out, [](const json_line& j) {
    return j.str("event") == "channel-state" && j.str("attributes", "state") == "bound";
  }));
  constexpr int n = 500;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    dms.write_line(
        send_sms("t" + std::to_string(i), "channel-npm",
                 {{"_smsDestNumber", "4915550001"}, {"_smsText", "throttled now and then"}}));
  std::set<std::string> ok;
  std::size_t retries = 0;
  for (int i = 0; i < n; ++i) {
    // Pauses of 10 ms: a few seconds in all; pauses that grow would take minutes.
    auto r = read_until(
        dms, out, [](const json_line& j) { return j.str("event") == "esp-response"; }, 10s);
    REQUIRE(r);
    INFO(r->text);
    CHECK(r->str("ok") == "true");
    CHECK(ok.insert(r->str("id")).second);
    const std::string retried = r->str("userData", "_smsRetries");
    if (!retried.empty()) retries += std::stoul(retried);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ok.size() == n);
  CHECK(retries >= n / 9);
  std::printf(
      "FIGURE npm SMSC throttling every 10th submit_sm, window 20, 1000/s: %d OK in %.2f s "
      "(%.1f/s), %zu resubmissions\n",
      n, seconds, n / seconds, retries);
  dms.close_stdin();
  CHECK(dms.wait(30s) == 0);
}

int main(int argc, char** argv) {
  if (!interop_available()) {
    const char* required = std::getenv("SMSDRV_REQUIRE_INTEROP");
    std::fprintf(stderr,
                 "interop: node or tests/interop/node_modules/smpp is missing (run "
                 "scripts/setup.sh)\n");
    return required && std::string(required) == "1" ? 1 : 77;
  }
  return Catch::Session().run(argc, argv);
}
