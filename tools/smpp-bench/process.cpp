#include "process.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace smsdrv::bench {

proc_usage usage_of(pid_t pid) {
  const std::string dir = pid == 0 ? "/proc/self" : "/proc/" + std::to_string(pid);
  proc_usage u;
  {
    std::ifstream stat(dir + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const auto close = text.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(text.substr(close + 2));
      std::string field;
      unsigned long long utime = 0, stime = 0;
      for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
      }
      const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
      u.cpu_user_s = static_cast<double>(utime) / tick;
      u.cpu_system_s = static_cast<double>(stime) / tick;
    }
  }
  std::ifstream status(dir + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) u.rss_kb = std::stoull(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) u.peak_kb = std::stoull(line.substr(6));
  }
  return u;
}

double cpu_seconds_of(pid_t pid) {
  const proc_usage u = usage_of(pid);
  return u.cpu_user_s + u.cpu_system_s;
}

namespace {

double rusage_seconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

double own_cpu_seconds() {
  return rusage_seconds(RUSAGE_SELF);
}

double waited_children_cpu_seconds() {
  return rusage_seconds(RUSAGE_CHILDREN);
}

std::string own_directory() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<std::size_t>(n));
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace smsdrv::bench
