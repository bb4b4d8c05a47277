#include "stub_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace smsdrv::test {

namespace fs = std::filesystem;

const char* const standard_config = R"(# dms-stub test configuration
[settings]
logging-filter-active = false

[channel-sms1]
x-smpp-host = 127.0.0.1
inbound-route = 101:sms_endpoint, 101:chat_endpoint
session-by-address = ^\+?4917
session-by-text = ^[Cc]hat\b

[channel-pager]
inbound-route = 102:pager
)";

temp_dir::temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "smsdrv-host-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string temp_dir::write(const std::string& relative, const std::string& text) const {
  const fs::path p = file(relative);
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string temp_dir::copy(const std::string& from, const std::string& relative) const {
  const fs::path p = file(relative);
  fs::create_directories(p.parent_path());
  fs::copy_file(from, p, fs::copy_options::overwrite_existing);
  return p.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool event_line::has(const char* member) const {
  return doc->HasMember(member);
}

std::string event_line::str(const char* member) const {
  const auto it = doc->FindMember(member);
  return it != doc->MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::string event_line::str(const char* object, const char* member) const {
  const auto o = doc->FindMember(object);
  if (o == doc->MemberEnd() || !o->value.IsObject()) return "";
  const auto it = o->value.FindMember(member);
  return it != o->value.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int64_t event_line::num(const char* member) const {
  const auto it = doc->FindMember(member);
  return it != doc->MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

int64_t event_line::num(const char* object, const char* member) const {
  const auto o = doc->FindMember(object);
  if (o == doc->MemberEnd() || !o->value.IsObject()) return 0;
  const auto it = o->value.FindMember(member);
  return it != o->value.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

bool event_line::ok() const {
  const auto it = doc->FindMember("ok");
  return it != doc->MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

stub::stub(const std::vector<std::string>& args, const spawn_options& options)
    : process_(args, options) {}

std::optional<event_line> stub::next(subprocess::duration timeout) {
  auto line = process_.read_line(timeout);
  if (!line) return std::nullopt;
  event_line e;
  e.raw = *line;
  e.doc = std::make_shared<rapidjson::Document>();
  e.doc->Parse(line->c_str());
  INFO("dms-stub wrote: " << *line);
  REQUIRE_FALSE(e.doc->HasParseError());
  REQUIRE(e.doc->IsObject());
  return e;
}

event_line stub::expect(const std::function<bool(const event_line&)>& match,
                        const std::string& what, subprocess::duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<subprocess::duration>(
        deadline - std::chrono::steady_clock::now());
    auto e = next(std::max(left, subprocess::duration(0)));
    if (!e) {
      std::string lines;
      for (const auto& s : seen_)
        lines += "\n  " + s.raw;
      INFO("lines so far:" << lines);
      INFO("stderr:\n" << process_.stderr_text());
      FAIL("dms-stub did not write " << what);
    }
    seen_.push_back(*e);
    if (match(*e)) return *e;
  }
}

event_line stub::response(const std::string& id, subprocess::duration timeout) {
  return expect(
      [&](const event_line& e) { return e.event() == "esp-response" && e.str("id") == id; },
      "the esp-response for " + id, timeout);
}

int stub::finish(subprocess::duration timeout) {
  process_.close_stdin();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto e = next(std::chrono::duration_cast<subprocess::duration>(
             deadline - std::chrono::steady_clock::now())))
    seen_.push_back(*e);
  const auto status = process_.wait(std::chrono::duration_cast<subprocess::duration>(std::max(
      deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration(0))));
  INFO("stderr:\n" << process_.stderr_text());
  REQUIRE(status.has_value());
  return *status;
}

std::vector<event_line> stub::seen(const std::string& event) const {
  std::vector<event_line> out;
  for (const auto& e : seen_)
    if (e.event() == event) out.push_back(e);
  return out;
}

stub_setup::stub_setup() {
  add_module("channel-fake", FAKE_DRIVER_PATH, "libfake.so");
}

void stub_setup::add_module(const std::string& folder, const std::string& module_path,
                            const std::string& file) {
  dir_.copy(module_path, "media-channel-drivers/" + folder + "/" + file);
}

std::string stub_setup::config(const std::string& text, const std::string& name) {
  return dir_.write(name, text);
}

std::unique_ptr<stub> stub_setup::start(const std::string& config_path,
                                        const std::vector<std::string>& extra) {
  std::vector<std::string> args = {DMS_STUB_PATH, "run", "--config", config_path};
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<stub>(args);
}

}  // namespace smsdrv::test
