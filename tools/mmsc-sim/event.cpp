#include "event.hpp"

#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "text/utf8.hpp"

namespace smsdrv::mmsc_sim {

struct event::impl {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};

  void key(std::string_view k) { writer.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void string(std::string_view v) {
    const std::string clean = text::repaired_utf8(v);
    writer.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
};

event::event(std::string_view name) : impl_(std::make_unique<impl>()) {
  impl_->writer.StartObject();
  impl_->key("event");
  impl_->string(name);
}

event::~event() = default;

event& event::str(std::string_view key, std::string_view value) {
  impl_->key(key);
  impl_->string(value);
  return *this;
}

event& event::num(std::string_view key, std::int64_t value) {
  impl_->key(key);
  impl_->writer.Int64(value);
  return *this;
}

event& event::real(std::string_view key, double value) {
  impl_->key(key);
  impl_->writer.Double(value);
  return *this;
}

event& event::boolean(std::string_view key, bool value) {
  impl_->key(key);
  impl_->writer.Bool(value);
  return *this;
}

event& event::null(std::string_view key) {
  impl_->key(key);
  impl_->writer.Null();
  return *this;
}

event& event::base64(std::string_view key, std::string_view bytes) {
  impl_->key(key);
  std::string b = base64_of(bytes);
  impl_->writer.String(b.data(), static_cast<rapidjson::SizeType>(b.size()));
  return *this;
}

event& event::begin_array(std::string_view key) {
  impl_->key(key);
  impl_->writer.StartArray();
  return *this;
}

event& event::end_array() {
  impl_->writer.EndArray();
  return *this;
}

event& event::begin_object() {
  impl_->writer.StartObject();
  return *this;
}

event& event::end_object() {
  impl_->writer.EndObject();
  return *this;
}

event& event::item(std::string_view value) {
  impl_->string(value);
  return *this;
}

std::string event::line() {
  impl_->writer.EndObject();
  std::string out(impl_->buffer.GetString(), impl_->buffer.GetSize());
  out += '\n';
  return out;
}

std::string base64_of(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace smsdrv::mmsc_sim
