#include "host/cfg_edit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "host/cfg_file.hpp"

namespace smsdrv::host {
namespace {

constexpr std::string_view blanks = " \t";

struct lines {
  std::vector<std::string> text;  // without line ends
  std::string eol = "\n";
  bool final_eol = false;
};

lines split(std::string_view text) {
  lines out;
  const auto first_nl = text.find('\n');
  if (first_nl != std::string_view::npos && first_nl > 0 && text[first_nl - 1] == '\r')
    out.eol = "\r\n";
  out.final_eol = !text.empty() && text.back() == '\n';
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.text.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

void check_change(const cfg_change& c) {
  if (c.key.empty() || c.key.find_first_of(" \t\"[]=\r\n") != std::string::npos ||
      c.key.front() == '#' || c.key.front() == ';')
    throw std::invalid_argument("'" + c.key +
                                "' is not an option name (names contain no blanks, quotes, "
                                "brackets or '=' and do not begin with # or ;)");
  if (c.value && c.value->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    throw std::invalid_argument("option " + c.key +
                                ": a value in a .cfg file cannot hold a line break or NUL");
}

std::string indent_of(std::string_view line) {
  return std::string(line.substr(0, line.find_first_not_of(blanks)));
}

// "# key = ..." or "; key =" (any blanks around), the way a file shows an option not set.
bool comments_out(std::string_view line, std::string_view key) {
  auto p = line.find_first_not_of(blanks);
  if (p == std::string_view::npos || (line[p] != '#' && line[p] != ';')) return false;
  line.remove_prefix(p + 1);
  p = line.find_first_not_of(blanks);
  if (p == std::string_view::npos || line.substr(p, key.size()) != key) return false;
  line.remove_prefix(p + key.size());
  p = line.find_first_not_of(blanks);
  return p != std::string_view::npos && line[p] == '=';
}

}  // namespace

std::string cfg_value_text(std::string_view value) {
  const bool quote = !value.empty() &&
                     (blanks.find(value.front()) != std::string_view::npos ||
                      blanks.find(value.back()) != std::string_view::npos || value.front() == '"');
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string edit_cfg_section(std::string_view text, std::string_view source,
                             std::string_view section, std::span<const cfg_change> changes) {
  const cfg_file cfg = parse_cfg(text, std::string(source));
  const cfg_section* s = cfg.find(section);
  if (s == nullptr)
    throw std::invalid_argument(std::string(source) + " has no section [" + std::string(section) +
                                "]");
  for (const cfg_change& c : changes)
    check_change(c);

  lines file = split(text);
  // 1-based: the section's lines are (first, end).
  const auto first = static_cast<size_t>(s->line);
  size_t end = file.text.size() + 1;
  for (const cfg_section& other : cfg.sections)
    if (other.line > first && other.line < end) end = other.line;
  size_t last_option = first;
  for (const cfg_option& o : s->options)
    last_option = std::max<size_t>(last_option, o.line);

  std::map<size_t, std::optional<std::string>> replaced;  // line -> new text (nullopt: removed)
  std::vector<std::string> appended;
  for (const cfg_change& c : changes) {
    const std::string line_text = c.value ? c.key + " = " + cfg_value_text(*c.value) : "";
    if (const cfg_option* o = s->find(c.key)) {
      replaced[o->line] =
          c.value ? std::optional(indent_of(file.text[o->line - 1]) + line_text) : std::nullopt;
      continue;
    }
    if (!c.value) continue;
    size_t commented = 0;
    for (size_t n = first + 1; n < end && commented == 0; ++n)
      if (!replaced.contains(n) && comments_out(file.text[n - 1], c.key)) commented = n;
    if (commented != 0)
      replaced[commented] = indent_of(file.text[commented - 1]) + line_text;
    else
      appended.push_back(line_text);
  }

  std::string out;
  auto put = [&](std::string_view line) {
    out += line;
    out += file.eol;
  };
  for (size_t n = 1; n <= file.text.size(); ++n) {
    const auto r = replaced.find(n);
    if (r == replaced.end())
      put(file.text[n - 1]);
    else if (r->second)
      put(*r->second);
    if (n == last_option)
      for (const std::string& a : appended)
        put(a);
  }
  if (!file.final_eol && !out.empty()) out.resize(out.size() - file.eol.size());

  // What the reader makes of the result is what was asked, or nothing is written.
  const cfg_file check = parse_cfg(out, std::string(source));
  const cfg_section* after = check.find(section);
  for (const cfg_change& c : changes) {
    const cfg_option* o = after != nullptr ? after->find(c.key) : nullptr;
    if (c.value ? o == nullptr || o->value != *c.value : o != nullptr)
      throw std::logic_error("editing [" + std::string(section) + "] " + c.key +
                             " did not read back as written");
  }
  return out;
}

void replace_file(const std::string& path, std::string_view content) {
  const auto fail = [&path](std::string_view what) {
    throw std::runtime_error(std::string(what) + " " + path + ": " + std::strerror(errno));
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail("cannot read the mode of");
  const std::string tmp = path + ".dms-stub-new";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777);
  if (fd < 0) fail("cannot write beside");
  ::fchmod(fd, st.st_mode & 07777);  // the umask may have taken bits away
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = e;
      fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const int sync_errno = errno;
  if (::close(fd) != 0 || !synced) {
    const int e = synced ? errno : sync_errno;
    ::unlink(tmp.c_str());
    errno = e;
    fail("cannot write");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    errno = e;
    fail("cannot replace");
  }
}

}  // namespace smsdrv::host
