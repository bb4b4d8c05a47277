#include "host/cfg_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace smsdrv::host {
namespace {

constexpr std::string_view blanks = " \t";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(blanks);
  return s.substr(first, last - first + 1);
}

std::string join_problems(const std::string& source, const std::vector<cfg_problem>& problems) {
  std::string text;
  for (const auto& p : problems) {
    if (!text.empty()) text += '\n';
    text += source;
    if (p.line != 0) text += ':' + std::to_string(p.line);
    text += ": ";
    text += p.text;
  }
  return text;
}

// The value after '=': quoted (literal, with \" and \\ escapes, nothing but blanks after the
// closing quote) or plain (trimmed). Returns the problem text on failure.
std::optional<std::string> parse_value(std::string_view raw, std::string& out) {
  const std::string_view v = trim(raw);
  if (v.empty() || v.front() != '"') {
    out.assign(v);
    return std::nullopt;
  }
  out.clear();
  for (size_t i = 1; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\\' && i + 1 < v.size() && (v[i + 1] == '"' || v[i + 1] == '\\')) {
      out += v[++i];
    } else if (c == '"') {
      if (i + 1 != v.size())
        return std::string(
            "unexpected text after the closing quote (comments must be on a line of their own)");
      return std::nullopt;
    } else {
      out += c;
    }
  }
  return std::string("unterminated quote: the value starts with \" but has no closing \"");
}

class parser {
 public:
  explicit parser(std::string source) { file_.source = std::move(source); }

  void line(uint32_t number, std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    const std::string_view t = trim(text);
    if (t.empty() || t.front() == '#' || t.front() == ';') return;
    if (t.front() == '[')
      section(number, t);
    else
      option(number, t);
  }

  cfg_file finish() {
    if (!problems_.empty()) throw cfg_error(file_.source, std::move(problems_));
    return std::move(file_);
  }

 private:
  void problem(uint32_t number, std::string text) {
    problems_.push_back({number, std::move(text)});
  }

  void section(uint32_t number, std::string_view t) {
    seen_header_ = true;
    const auto close = t.find(']');
    if (close == std::string_view::npos) {
      problem(number, "malformed section header '" + std::string(t) + "': missing ']'");
      current_ = nullptr;
      return;
    }
    if (close + 1 != t.size()) {
      // What follows ']' is not repeated: it could be anything, a password too.
      problem(number, "malformed section header '" + std::string(t.substr(0, close + 1)) +
                          "': unexpected text after ']' (comments must be on a line of their own)");
      current_ = nullptr;
      return;
    }
    const std::string_view name = trim(t.substr(1, close - 1));
    if (name.empty() || name.find('[') != std::string_view::npos) {
      problem(number, "malformed section header '" + std::string(t) + "': invalid section name");
      current_ = nullptr;
      return;
    }
    const auto [it, fresh] = section_lines_.emplace(std::string(name), number);
    if (!fresh) {
      problem(number, "section [" + std::string(name) + "] is already defined at line " +
                          std::to_string(it->second));
      current_ = nullptr;
      return;
    }
    file_.sections.push_back({std::string(name), number, {}});
    current_ = &file_.sections.back();
    option_lines_.clear();
  }

  void option(uint32_t number, std::string_view t) {
    // Messages never repeat a value, nor a line that may hold one ("password: <secret>"): the
    // line number says where.
    const auto eq = t.find('=');
    if (eq == std::string_view::npos) {
      problem(number,
              "malformed line: expected [section], option = value, or a # comment (the line has "
              "no '=')");
      return;
    }
    const std::string_view key = trim(t.substr(0, eq));
    if (key.empty()) {
      problem(number, "malformed line: the option has no name");
      return;
    }
    if (const auto bad = key.find_first_of(" \t\"[]"); bad != std::string_view::npos) {
      problem(number, "malformed option name '" + std::string(key.substr(0, bad)) +
                          "': names contain no blanks, quotes or brackets");
      return;
    }
    std::string value;
    if (auto bad = parse_value(t.substr(eq + 1), value)) {
      problem(number, "option " + std::string(key) + ": " + *bad);
      return;
    }
    if (!seen_header_) {
      problem(number, "option " + std::string(key) + " appears before any [section]");
      return;
    }
    // Options of a header that was refused are skipped: the header already has its problem.
    if (current_ == nullptr) return;
    const auto [it, fresh] = option_lines_.emplace(std::string(key), number);
    if (!fresh) {
      problem(number, "option " + std::string(key) + " of [" + current_->name +
                          "] is already set at line " + std::to_string(it->second));
      return;
    }
    current_->options.push_back({std::string(key), std::move(value), number});
  }

  cfg_file file_;
  std::vector<cfg_problem> problems_;
  std::unordered_map<std::string, uint32_t> section_lines_;
  std::unordered_map<std::string, uint32_t> option_lines_;
  cfg_section* current_ = nullptr;
  bool seen_header_ = false;
};

}  // namespace

const cfg_option* cfg_section::find(std::string_view key) const noexcept {
  for (const auto& o : options)
    if (o.key == key) return &o;
  return nullptr;
}

const cfg_section* cfg_file::find(std::string_view name) const noexcept {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

cfg_error::cfg_error(std::string source, std::vector<cfg_problem> problems)
    : std::runtime_error(join_problems(source, problems)),
      source_(std::move(source)),
      problems_(std::move(problems)) {}

cfg_file parse_cfg(std::string_view text, std::string source) {
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (text.substr(0, bom.size()) == bom) text.remove_prefix(bom.size());
  parser p(std::move(source));
  uint32_t number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    p.line(++number, text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return p.finish();
}

cfg_file read_cfg_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw cfg_error(path, {{0, std::string("cannot read the file: ") + std::strerror(errno)}});
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw cfg_error(path, {{0, "cannot read the file"}});
  return parse_cfg(content.str(), path);
}

}  // namespace smsdrv::host
