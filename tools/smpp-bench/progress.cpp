#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace smsdrv::bench {

progress_bar::progress_bar(std::string label, std::uint64_t total,
                           const std::atomic<std::uint64_t>& done, double seconds, bool enabled)
    : label_(std::move(label)), total_(total), done_(done), seconds_(seconds) {
  if (enabled && ::isatty(2) == 1) thread_ = std::thread([this] { run(); });
}

progress_bar::~progress_bar() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
}

void progress_bar::run() {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  constexpr int width = 30;
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    const std::uint64_t done = done_.load(std::memory_order_relaxed);
    double fraction = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_)
                                 : (seconds_ > 0 ? elapsed / seconds_ : 0);
    fraction = std::clamp(fraction, 0.0, 1.0);
    const int filled = static_cast<int>(fraction * width);
    fmt::print(stderr, "\r{} [{}{}] {:3.0f}% {} msgs, {:.0f}/s \033[K", label_,
               std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), ' '), fraction * 100, done,
               elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0);
    std::fflush(stderr);
  }
}

}  // namespace smsdrv::bench
