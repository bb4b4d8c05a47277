// JSON for smpp-bench: reading the one-line results of the tools it runs (RapidJSON's reader) and
// writing its own result lines (jsonl::line_writer: members in order, numbers with fixed
// decimals).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsonl/line_writer.hpp"

namespace smsdrv::bench {

// One parsed JSON object line; members read as numbers or strings (absent or of another type:
// nullopt).
class json_object {
 public:
  static std::optional<json_object> parse(std::string_view line);
  std::optional<double> number(std::string_view key) const;
  std::optional<std::string> string(std::string_view key) const;
  bool has(std::string_view key) const;
  std::string_view text() const noexcept { return text_; }

 private:
  std::string text_;
  std::vector<std::pair<std::string, std::string>> strings_;
  std::vector<std::pair<std::string, double>> numbers_;
};

// Builds one result line `{"k":v,...}` in member order; line() ends it (once).
class json_writer {
 public:
  json_writer() : writer_(text_) {}
  json_writer& str(std::string_view key, std::string_view value);
  // value with `decimals` digits after the point; not finite: null.
  json_writer& num(std::string_view key, double value, int decimals = 0);
  json_writer& integer(std::string_view key, std::int64_t value);
  json_writer& boolean(std::string_view key, bool value);
  // A nested object or array given as JSON text.
  json_writer& raw(std::string_view key, std::string_view json);
  json_writer& begin_object(std::string_view key);
  json_writer& end_object();
  // The line, without its newline.
  std::string line();

 private:
  std::string text_;
  jsonl::line_writer writer_;
};

}  // namespace smsdrv::bench
