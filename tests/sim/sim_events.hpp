// The simulator's stdout events as tests see them: JSON lines, from an in-process server's sink
// or from a child process's stdout, waited for by name and predicate.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smsc.hpp"

namespace smsdrv::sim::test {

using namespace std::chrono_literals;

class event {
 public:
  explicit event(std::string line);
  const std::string& line() const noexcept { return line_; }
  bool valid() const noexcept { return valid_; }
  std::string name() const { return str("event"); }
  bool has(std::string_view key) const;
  std::string str(std::string_view key) const;    // "" when absent or not a string
  std::uint64_t num(std::string_view key) const;  // 0 when absent or not a number
  bool is_null(std::string_view key) const;
  // {tag: hex} of an object member ("tlvs").
  std::string member_str(std::string_view object, std::string_view key) const;

 private:
  const rapidjson::Value* find(std::string_view key) const;
  std::string line_;
  std::shared_ptr<rapidjson::Document> doc_;
  bool valid_ = false;
};

class event_stream {
 public:
  virtual ~event_stream() = default;
  // The next line, or nullopt after the timeout / at the end.
  virtual std::optional<std::string> next_line(std::chrono::milliseconds timeout) = 0;

  // Reads until an event named `name` (for which `pred` holds) arrives; every line read is kept
  // in seen().
  std::optional<event> wait(std::string_view name,
                            const std::function<bool(const event&)>& pred = {},
                            std::chrono::milliseconds timeout = 3s);
  // Every event named `name` seen so far (also those passed over by wait()).
  std::vector<event> seen(std::string_view name) const;
  // Reads what arrives within `quiet` and returns the events named `name` among them.
  std::vector<event> drain(std::string_view name, std::chrono::milliseconds quiet = 200ms);

 private:
  std::vector<event> seen_;
};

// An event_sink for a server running in-process: lines are queued for the test thread.
class sink_stream final : public event_stream, public event_sink {
 public:
  void emit(std::string_view line) override;
  std::optional<std::string> next_line(std::chrono::milliseconds timeout) override;

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> lines_;
};

}  // namespace smsdrv::sim::test
