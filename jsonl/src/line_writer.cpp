#include "jsonl/line_writer.hpp"

#include <rapidjson/allocators.h>
#include <rapidjson/encodings.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <new>

namespace smsdrv::jsonl {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// RapidJSON output stream appending to a std::string. PutReserve/PutUnsafe (found by ADL) let
// the writer reserve once per value instead of checking per character.
struct string_out {
  using Ch = char;
  std::string* out;
  void Put(char c) { out->push_back(c); }
  void Flush() {}
};
inline void PutReserve(string_out& s, std::size_t count) {
  s.out->reserve(s.out->size() + count);
}
inline void PutUnsafe(string_out& s, char c) {
  s.out->push_back(c);
}

// Input stream over a string_view for rapidjson::UTF8<>::Validate: NUL past the end, which is
// never a continuation byte, so a truncated sequence fails.
struct view_in {
  using Ch = char;
  std::string_view s;
  std::size_t at = 0;
  char Peek() const { return at < s.size() ? s[at] : '\0'; }
  char Take() { return at < s.size() ? s[at++] : (++at, '\0'); }
  std::size_t Tell() const { return at; }
};
struct discard_out {
  void Put(char) {}
};

bool all_ascii(std::string_view s) {
  unsigned char any = 0;
  for (const char c : s)
    any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

// Length of the well-formed UTF-8 sequence at s[i] (rapidjson's validator, RFC 3629), or 0.
std::size_t sequence_at(std::string_view s, std::size_t i) {
  view_in in{s, i};
  discard_out sink;
  return rapidjson::UTF8<>::Validate(in, sink) && in.at <= s.size() ? in.at - i : 0;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = sequence_at(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void append_valid_utf8(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = static_cast<unsigned char>(s[i]) < 0x80 ? 1 : sequence_at(s, i);
    if (n != 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += replacement;
      ++i;
    }
  }
}

// Each byte as the character of the same number (ISO 8859-1), in UTF-8.
void append_octets_as_utf8(std::string& out, std::string_view s) {
  out.reserve(out.size() + 2 * s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out.push_back(c);
    } else {
      out.push_back(static_cast<char>(0xC0 | (u >> 6)));
      out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    }
  }
}

// s as RapidJSON's writer may take it: valid UTF-8, converted into scratch only when it is not
// already.
std::string_view writable(std::string_view s, strings mode, std::string& scratch) {
  if (all_ascii(s)) return s;
  if (mode == strings::utf8 && is_valid_utf8(s)) return s;
  scratch.clear();
  if (mode == strings::octets)
    append_octets_as_utf8(scratch, s);
  else
    append_valid_utf8(scratch, s);
  return scratch;
}

// The line is written into a RapidJSON string buffer (whose unchecked puts are the writer's fast
// path), then appended to the caller's string once. Buffer and level stack come from a pool whose
// first block is inside the writer: a line of up to about 700 bytes allocates nothing.
using pool_allocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
using buffer_type = rapidjson::GenericStringBuffer<rapidjson::UTF8<>, pool_allocator>;
using writer_type =
    rapidjson::Writer<buffer_type, rapidjson::UTF8<>, rapidjson::UTF8<>, pool_allocator>;
constexpr std::size_t level_depth = 8;  // grows past it (from the heap) if ever needed

rapidjson::SizeType size_of(std::string_view s) {
  return static_cast<rapidjson::SizeType>(s.size());
}

}  // namespace

struct line_writer::impl {
  impl(std::string& o, strings m)
      : out(&o),
        allocator(pool, sizeof pool),
        buffer(&allocator, 512),
        writer(buffer, &allocator, level_depth),
        mode(m) {}

  std::string_view text(std::string_view s) { return writable(s, mode, scratch); }
  void key(std::string_view k) {
    const std::string_view t = text(k);
    writer.Key(t.data(), size_of(t));
  }
  void string(std::string_view v) {
    const std::string_view t = text(v);
    writer.String(t.data(), size_of(t));
  }

  std::string* out;
  alignas(std::max_align_t) unsigned char pool[1024];
  pool_allocator allocator;
  buffer_type buffer;
  writer_type writer;
  strings mode;
  std::string scratch;
};

line_writer::line_writer(std::string& out, strings mode) {
  static_assert(sizeof(impl) <= impl_size && alignof(impl) <= alignof(std::max_align_t));
  new (storage_) impl(out, mode);
  self().writer.StartObject();
}

line_writer::~line_writer() {
  self().~impl();
}

line_writer::impl& line_writer::self() noexcept {
  return *std::launder(reinterpret_cast<impl*>(storage_));
}

line_writer& line_writer::str(std::string_view key, std::string_view value) {
  self().key(key);
  self().string(value);
  return *this;
}

line_writer& line_writer::signed_number(std::string_view key, std::int64_t value) {
  self().key(key);
  self().writer.Int64(value);
  return *this;
}

line_writer& line_writer::unsigned_number(std::string_view key, std::uint64_t value) {
  self().key(key);
  self().writer.Uint64(value);
  return *this;
}

line_writer& line_writer::fixed(std::string_view key, double value, int decimals) {
  self().key(key);
  if (!std::isfinite(value)) {
    self().writer.Null();
    return *this;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) {  // beyond 64 characters: no JSON reader would want it either
    self().writer.Null();
    return *this;
  }
  self().writer.RawValue(buf, static_cast<std::size_t>(end - buf), rapidjson::kNumberType);
  return *this;
}

line_writer& line_writer::boolean(std::string_view key, bool value) {
  self().key(key);
  self().writer.Bool(value);
  return *this;
}

line_writer& line_writer::null(std::string_view key) {
  self().key(key);
  self().writer.Null();
  return *this;
}

line_writer& line_writer::hex(std::string_view key, std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  impl& s = self();
  s.key(key);
  s.scratch.assign(2 * bytes.size() + 2, '"');
  char* p = s.scratch.data() + 1;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    *p++ = digits[u >> 4];
    *p++ = digits[u & 15];
  }
  s.writer.RawValue(s.scratch.data(), s.scratch.size(), rapidjson::kStringType);
  return *this;
}

line_writer& line_writer::raw(std::string_view key, std::string_view json) {
  self().key(key);
  self().writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  return *this;
}

line_writer& line_writer::begin_object(std::string_view key) {
  self().key(key);
  self().writer.StartObject();
  return *this;
}

line_writer& line_writer::end_object() {
  self().writer.EndObject();
  return *this;
}

line_writer& line_writer::begin_array(std::string_view key) {
  self().key(key);
  self().writer.StartArray();
  return *this;
}

line_writer& line_writer::end_array() {
  self().writer.EndArray();
  return *this;
}

line_writer& line_writer::item(std::string_view value) {
  self().string(value);
  return *this;
}

line_writer& line_writer::begin_object() {
  self().writer.StartObject();
  return *this;
}

void line_writer::finish() {
  impl& s = self();
  s.writer.EndObject();
  s.out->reserve(s.out->size() + s.buffer.GetSize() + 1);
  s.out->append(s.buffer.GetString(), s.buffer.GetSize());
  s.out->push_back('\n');
}

void append_string(std::string& out, std::string_view s, strings mode) {
  std::string scratch;
  const std::string_view t = writable(s, mode, scratch);
  string_out stream{&out};
  rapidjson::Writer<string_out> writer(stream);  // a root string pushes no level: no allocation
  writer.String(t.data(), size_of(t));
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  append_valid_utf8(out, s);
  return out;
}

}  // namespace smsdrv::jsonl
