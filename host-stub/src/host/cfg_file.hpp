// cfg_file.hpp - reader for the INI-like options file (.cfg) that hosts and tools share.
//
// Format (docs/deployment.md):
//   [section]              a section header; names are taken as written (trimmed)
//   option = value         value trimmed; an empty value is allowed
//   option = "va\"lue"     a value in double quotes is taken literally, with \" and \\ escapes
//   # comment, ; comment   whole-line comments only: '#' inside a value is part of the value
// A UTF-8 byte-order mark and CR line ends (files exported on Windows) are accepted.
//
// The reader checks structure only: malformed lines, options before any section, unterminated
// quotes, and duplicate sections or options. It never judges option values; drivers do, and get
// the source name and line of every option for their messages.
#ifndef SMSDRV_HOST_CFG_FILE_HPP
#define SMSDRV_HOST_CFG_FILE_HPP

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::host {

struct cfg_option {
  std::string key;
  std::string value;
  uint32_t line = 0;  // 1-based line of the option in its source
};

struct cfg_section {
  std::string name;
  uint32_t line = 0;  // line of the [name] header
  std::vector<cfg_option> options;

  // The option named key, or nullptr.
  const cfg_option* find(std::string_view key) const noexcept;
};

struct cfg_file {
  std::string source;  // the name used in messages, e.g. the path as given
  std::vector<cfg_section> sections;

  // The section named name, or nullptr.
  const cfg_section* find(std::string_view name) const noexcept;
};

// One structural problem at source:line.
struct cfg_problem {
  uint32_t line = 0;  // 0 when the file could not be read at all
  std::string text;
};

// Every problem found in one file; what() lists them as "source:line: text", one per line.
class cfg_error : public std::runtime_error {
 public:
  cfg_error(std::string source, std::vector<cfg_problem> problems);
  const std::string& source() const noexcept { return source_; }
  const std::vector<cfg_problem>& problems() const noexcept { return problems_; }

 private:
  std::string source_;
  std::vector<cfg_problem> problems_;
};

// Parses text; source names it in messages. Throws cfg_error listing every problem.
cfg_file parse_cfg(std::string_view text, std::string source);

// Reads and parses the file at path (named by path in messages). Throws cfg_error, also when the
// file cannot be read (line 0).
cfg_file read_cfg_file(const std::string& path);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_CFG_FILE_HPP
