// A progress bar on stderr while a run goes on, when stderr is a terminal: a thread of its own
// reads an atomic counter ten times a second, so the measured loop only increments it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace smsdrv::bench {

class progress_bar {
 public:
  // total 0: no known end (a run by duration); `seconds` then gives the end.
  progress_bar(std::string label, std::uint64_t total, const std::atomic<std::uint64_t>& done,
               double seconds = 0, bool enabled = true);
  ~progress_bar();  // stops and clears the line
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

 private:
  void run();

  std::string label_;
  std::uint64_t total_;
  const std::atomic<std::uint64_t>& done_;
  double seconds_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace smsdrv::bench
