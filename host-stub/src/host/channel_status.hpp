// channel_status.hpp - what dms-stub knows about each channel it serves, for its web console:
// the channel's driver and the last CHANNEL_STATE the driver reported (status, its name, text,
// attributes, when). The main thread writes it (start, reload, events); the console's thread
// reads a copy.
#ifndef SMSDRV_HOST_CHANNEL_STATUS_HPP
#define SMSDRV_HOST_CHANNEL_STATUS_HPP

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace smsdrv::host {

struct channel_state {
  std::string channel;
  std::string driver;
  bool reported = false;  // a CHANNEL_STATE has arrived since the channel was configured
  int32_t status = 0;
  std::string status_name;
  std::string text;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::chrono::system_clock::time_point since{};
  uint64_t changes = 0;  // CHANNEL_STATE events so far
};

class channel_status {
 public:
  // The channels served now (channel name, driver name), after the start or a reload: a channel
  // that stays keeps what it had; a new one starts unreported; a removed one goes.
  void set_channels(const std::vector<std::pair<std::string, std::string>>& channels) {
    std::lock_guard lock(m_);
    std::map<std::string, channel_state, std::less<>> next;
    for (const auto& [name, driver] : channels) {
      auto it = states_.find(name);
      channel_state s = it != states_.end() ? std::move(it->second) : channel_state{};
      s.channel = name;
      s.driver = driver;
      next.emplace(name, std::move(s));
    }
    states_ = std::move(next);
  }

  void report(const std::string& channel, int32_t status, std::string status_name, std::string text,
              std::vector<std::pair<std::string, std::string>> attributes,
              std::chrono::system_clock::time_point now) {
    std::lock_guard lock(m_);
    auto it = states_.find(channel);
    if (it == states_.end()) return;
    channel_state& s = it->second;
    s.reported = true;
    s.status = status;
    s.status_name = std::move(status_name);
    s.text = std::move(text);
    s.attributes = std::move(attributes);
    s.since = now;
    ++s.changes;
  }

  std::vector<channel_state> snapshot() const {
    std::lock_guard lock(m_);
    std::vector<channel_state> out;
    out.reserve(states_.size());
    for (const auto& [name, s] : states_)
      out.push_back(s);
    return out;
  }

 private:
  mutable std::mutex m_;
  std::map<std::string, channel_state, std::less<>> states_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_CHANNEL_STATUS_HPP
