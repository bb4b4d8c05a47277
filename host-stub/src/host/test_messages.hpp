// test_messages.hpp - the console's test SMS (docs/console.md "Test SMS"): the last few sent,
// each with its outcome and delivery report as they arrive. The console's thread adds them; the
// main thread records responses and reports (the requests go through the request table and
// stdout like any other). Bounded: the oldest goes when `limit` are kept.
#ifndef SMSDRV_HOST_TEST_MESSAGES_HPP
#define SMSDRV_HOST_TEST_MESSAGES_HPP

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smsdrv::host {

struct test_message {
  std::string id;  // "console-test-<n>", the request's id on stdout
  std::string channel;
  std::string to;  // the number, all but its last 4 digits masked
  std::chrono::system_clock::time_point sent{};
  bool answered = false;
  bool ok = false;
  std::string status_name;  // when !ok: SMSDRV_E_* or the SMSC's refusal
  std::string text;         // when !ok: why
  std::string message_id;   // _smsMessageId of the response
  std::vector<std::pair<std::string, std::string>> report;  // the last delivery report's fields
};

class test_messages {
 public:
  static constexpr size_t limit = 20;
  static constexpr std::string_view prefix = "console-test-";

  // A new id for a test message, not yet recorded.
  std::string next_id() {
    std::lock_guard lock(m_);
    return std::string(prefix) + std::to_string(++counter_);
  }

  void sent(test_message t) {
    std::lock_guard lock(m_);
    if (list_.size() >= limit) list_.pop_front();
    list_.push_back(std::move(t));
  }

  void answered(std::string_view id, bool ok, std::string status_name, std::string text,
                std::string message_id) {
    if (id.substr(0, prefix.size()) != prefix) return;
    std::lock_guard lock(m_);
    for (test_message& t : list_)
      if (t.id == id) {
        t.answered = true;
        t.ok = ok;
        t.status_name = std::move(status_name);
        t.text = std::move(text);
        t.message_id = std::move(message_id);
      }
  }

  // Keeps the report's fields an operator reads (state, final, error, dates), not its numbers.
  void reported(std::string_view id, uint32_t count, const char* const* keys,
                const char* const* values) {
    if (id.substr(0, prefix.size()) != prefix) return;
    static constexpr std::string_view kept[] = {"_smsDeliveryStat", "_smsDeliveryFinal",
                                                "_smsDeliveryError", "_smsDoneDate", "_smsSegment"};
    std::vector<std::pair<std::string, std::string>> fields;
    for (uint32_t i = 0; i < count; ++i) {
      if (keys == nullptr || values == nullptr || keys[i] == nullptr || values[i] == nullptr)
        continue;
      for (std::string_view k : kept)
        if (k == keys[i]) fields.emplace_back(keys[i], values[i]);
    }
    std::lock_guard lock(m_);
    for (test_message& t : list_)
      if (t.id == id) t.report = fields;
  }

  std::vector<test_message> snapshot() const {
    std::lock_guard lock(m_);
    return {list_.begin(), list_.end()};
  }

 private:
  mutable std::mutex m_;
  std::deque<test_message> list_;
  uint64_t counter_ = 0;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_TEST_MESSAGES_HPP
