// The simulator's JSON lines (docs/mmsc-sim.md, "Events"), written with RapidJSON's Writer.
// Strings that are not valid UTF-8 (anything a peer sent) are written with U+FFFD in place of
// the bad bytes (text::repaired_utf8), so that every line is valid JSON; bytes go as base64.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace smsdrv::mmsc_sim {

class event_sink {
 public:
  virtual ~event_sink() = default;
  virtual void emit(std::string_view json_line) = 0;  // one line, '\n' included
  virtual void flush() {}
};

class event {
 public:
  explicit event(std::string_view name);
  ~event();
  event(const event&) = delete;
  event& operator=(const event&) = delete;

  event& str(std::string_view key, std::string_view value);
  event& num(std::string_view key, std::int64_t value);
  event& real(std::string_view key, double value);
  event& boolean(std::string_view key, bool value);
  event& null(std::string_view key);
  event& base64(std::string_view key, std::string_view bytes);
  event& begin_array(std::string_view key);
  event& end_array();
  event& begin_object();  // inside an array
  event& end_object();
  event& item(std::string_view value);  // a string inside an array

  // The finished line, '\n' included.
  std::string line();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

std::string base64_of(std::string_view bytes);

}  // namespace smsdrv::mmsc_sim
