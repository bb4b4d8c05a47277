#include "host/option_help.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace smsdrv::host {
namespace {

constexpr std::string_view blanks = " \t";

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' ||
         c == '<' || c == '>';
}

// "key = value" (value may be empty); nullopt for anything else.
std::optional<std::pair<std::string, std::string_view>> option_line(std::string_view line) {
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string_view key = trim(line.substr(0, eq));
  if (key.empty() || !std::all_of(key.begin(), key.end(), is_name_char)) return std::nullopt;
  return std::pair{std::string(key), trim(line.substr(eq + 1))};
}

// A value as a .cfg line writes it: plain, or in double quotes with \" and \\ escapes.
std::string unquoted(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

std::optional<int64_t> whole_number(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// "<min>-<max>[ unit]", "true/false" or "a, b, c": the kind it gives, else false.
bool understand_values(std::string_view values, option_help& h) {
  if (values == "true/false") {
    h.kind = option_help::value_kind::boolean;
    return true;
  }
  const auto space = values.find(' ');
  const std::string_view range = values.substr(0, space);
  if (const auto dash = range.find('-', 1); dash != std::string_view::npos) {
    const auto lo = whole_number(range.substr(0, dash));
    const auto hi = whole_number(range.substr(dash + 1));
    if (lo && hi) {
      h.kind = option_help::value_kind::integer;
      h.min = *lo;
      h.max = *hi;
      if (space != std::string_view::npos) h.unit = std::string(values.substr(space + 1));
      return true;
    }
  }
  std::vector<std::string> names;
  std::string_view rest = values;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (item.empty() ||
        !std::all_of(item.begin(), item.end(), [](char c) { return is_name_char(c); }))
      return false;
    names.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (names.size() < 2) return false;
  h.kind = option_help::value_kind::choice;
  h.choices = std::move(names);
  return true;
}

// Takes the marks off the end of the comment, then the values in the last parentheses.
void read_meaning(std::string text, option_help& h) {
  while (!text.empty() && text.back() == ']') {
    const auto open = text.rfind(" [");
    if (open == std::string::npos) break;
    const std::string mark = text.substr(open + 2, text.size() - open - 3);
    if (mark == "secret") {
      h.secret = true;
    } else if (mark == "host option") {
      h.host_option = true;
    } else if (mark == "required") {
      h.required = "any";
    } else if (mark.rfind("required for ", 0) == 0) {
      h.required = mark.substr(13);
    } else if (mark.rfind("not supported yet", 0) == 0) {
      h.supported = false;
      h.not_supported = std::string(trim(std::string_view(mark).substr(17)));
      if (!h.not_supported.empty() && h.not_supported.front() == ':')
        h.not_supported = std::string(trim(std::string_view(h.not_supported).substr(1)));
    } else {
      break;  // not a mark: part of the meaning
    }
    text.resize(open);
  }
  if (!text.empty() && text.back() == ')') {
    int depth = 0;
    for (size_t i = text.size(); i-- > 0;) {
      if (text[i] == ')') ++depth;
      if (text[i] == '(' && --depth == 0) {
        if (understand_values(std::string_view(text).substr(i + 1, text.size() - i - 2), h))
          text = std::string(trim(std::string_view(text).substr(0, i)));
        break;
      }
    }
  }
  h.meaning = std::move(text);
}

// "x-http-param-1" whose meaning speaks of <N>: the family "x-http-param-<N>".
void mark_family(option_help& h) {
  if (h.name.size() > 2 && h.name.ends_with("-1") && h.meaning.find("<N>") != std::string::npos) {
    h.name.replace(h.name.size() - 1, 1, "<N>");
    h.family = true;
  }
}

}  // namespace

bool option_help::matches(std::string_view option) const noexcept {
  if (!family) return option == name;
  const std::string_view prefix = std::string_view(name).substr(0, name.size() - 3);
  if (!option.starts_with(prefix) || option.size() == prefix.size()) return false;
  const std::string_view n = option.substr(prefix.size());
  return n.front() != '0' && std::all_of(n.begin(), n.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) != 0;
         });
}

std::vector<option_help> read_option_help(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  std::vector<option_help> out;
  size_t n = 0;
  while (n < lines.size() && !trim(lines[n]).starts_with("[channel-"))
    ++n;
  std::vector<std::string> block;  // the comment lines since the last blank line
  auto finish_block = [&] {
    // A block ending in "# option = example" describes an option without default.
    if (block.size() >= 2) {
      if (auto o = option_line(block.back())) {
        option_help h;
        h.name = o->first;
        h.example = unquoted(o->second);
        block.pop_back();
        std::string meaning;
        for (const auto& b : block)
          meaning += (meaning.empty() ? "" : " ") + b;
        read_meaning(std::move(meaning), h);
        mark_family(h);
        out.push_back(std::move(h));
      }
    }
    block.clear();
  };
  for (++n; n < lines.size(); ++n) {
    const std::string_view line = trim(lines[n]);
    if (line.starts_with("[")) break;
    if (line.empty()) {
      finish_block();
      continue;
    }
    if (line.front() == '#' || line.front() == ';') {
      block.emplace_back(trim(line.substr(1)));
      continue;
    }
    if (auto o = option_line(line); o && !block.empty()) {
      option_help h;
      h.name = o->first;
      h.default_value = unquoted(o->second);
      std::string meaning;
      for (const auto& b : block)
        meaning += (meaning.empty() ? "" : " ") + b;
      read_meaning(std::move(meaning), h);
      mark_family(h);
      out.push_back(std::move(h));
    }
    block.clear();
  }
  finish_block();
  return out;
}

std::string find_shipped_cfg(const std::string& module_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::path(module_path).parent_path() / "Configuration";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".cfg" && e.is_regular_file(ec)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    if (!read_option_help(s.str()).empty()) return f.string();
  }
  return {};
}

bool looks_secret(std::string_view option) noexcept {
  for (const std::string_view word : {"password", "secret", "token", "key"})
    if (option.find(word) != std::string_view::npos) return true;
  return false;
}

}  // namespace smsdrv::host
