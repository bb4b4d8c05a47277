// stub_fixture.hpp - running dms-stub against fake driver modules in a temporary server root.
#ifndef SMSDRV_TEST_STUB_FIXTURE_HPP
#define SMSDRV_TEST_STUB_FIXTURE_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "subprocess.hpp"

namespace smsdrv::test {

using namespace std::chrono_literals;

// A temporary folder, removed with its content.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const noexcept { return path_; }
  std::string file(const std::string& relative) const { return path_ + "/" + relative; }
  // Writes text to path()/relative, creating folders; returns the full path.
  std::string write(const std::string& relative, const std::string& text) const;
  // Copies a file to path()/relative, creating folders; returns the full path.
  std::string copy(const std::string& from, const std::string& relative) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// One JSON line dms-stub wrote.
struct event_line {
  std::string raw;
  std::shared_ptr<rapidjson::Document> doc;

  bool has(const char* member) const;
  // The string member (of object, when given); "" when absent.
  std::string str(const char* member) const;
  std::string str(const char* object, const char* member) const;
  // The integer member (of object, when given); 0 when absent.
  int64_t num(const char* member) const;
  int64_t num(const char* object, const char* member) const;
  bool ok() const;
  std::string event() const { return str("event"); }
};

// dms-stub as a process.
class stub {
 public:
  stub(const std::vector<std::string>& args, const spawn_options& options = {});

  subprocess& process() noexcept { return process_; }
  void send(const std::string& line) { process_.write_line(line); }
  // The next line of stdout; it must be one valid JSON object (the test fails otherwise).
  std::optional<event_line> next(subprocess::duration timeout = 10s);
  // Reads lines until one satisfies match; the lines passed over are kept in seen().
  event_line expect(const std::function<bool(const event_line&)>& match, const std::string& what,
                    subprocess::duration timeout = 10s);
  // The esp-response for id.
  event_line response(const std::string& id, subprocess::duration timeout = 10s);
  // Closes stdin and reads stdout to its end (into seen()); then the exit status.
  int finish(subprocess::duration timeout = 30s);
  const std::vector<event_line>& seen() const noexcept { return seen_; }
  std::vector<event_line> seen(const std::string& event) const;
  const std::string& log() { return process_.stderr_text(); }

 private:
  subprocess process_;
  std::vector<event_line> seen_;
};

// A server root: <root>/media-channel-drivers/channel-*/ modules and config files.
class stub_setup {
 public:
  // Installs the fake driver as media-channel-drivers/channel-fake/libfake.so.
  stub_setup();

  temp_dir& dir() noexcept { return dir_; }
  std::string drivers_dir() const { return dir_.file("media-channel-drivers"); }
  // Copies a module to media-channel-drivers/<folder>/<file>.
  void add_module(const std::string& folder, const std::string& module_path,
                  const std::string& file);
  // Writes <root>/<name> and returns its path.
  std::string config(const std::string& text, const std::string& name = "dms.cfg");

  // dms-stub run --config <config> <extra...>
  std::unique_ptr<stub> start(const std::string& config_path,
                              const std::vector<std::string>& extra = {});

 private:
  temp_dir dir_;
};

// Two channels: channel-sms1 (paging + chat endpoints, both session regexes) and
// channel-pager (paging only).
extern const char* const standard_config;

}  // namespace smsdrv::test

#endif  // SMSDRV_TEST_STUB_FIXTURE_HPP
