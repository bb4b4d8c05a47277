#include "sim_events.hpp"

namespace smsdrv::sim::test {

event::event(std::string line)
    : line_(std::move(line)), doc_(std::make_shared<rapidjson::Document>()) {
  doc_->Parse(line_.c_str());
  valid_ = !doc_->HasParseError() && doc_->IsObject();
}

const rapidjson::Value* event::find(std::string_view key) const {
  if (!valid_) return nullptr;
  const rapidjson::Value k(rapidjson::StringRef(key.data(), key.size()));
  auto it = doc_->FindMember(k);
  return it == doc_->MemberEnd() ? nullptr : &it->value;
}

bool event::has(std::string_view key) const {
  return find(key) != nullptr;
}

std::string event::str(std::string_view key) const {
  const rapidjson::Value* v = find(key);
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength())
                                       : std::string();
}

std::uint64_t event::num(std::string_view key) const {
  const rapidjson::Value* v = find(key);
  return v != nullptr && v->IsUint64() ? v->GetUint64() : 0;
}

bool event::is_null(std::string_view key) const {
  const rapidjson::Value* v = find(key);
  return v != nullptr && v->IsNull();
}

std::string event::member_str(std::string_view object, std::string_view key) const {
  const rapidjson::Value* o = find(object);
  if (o == nullptr || !o->IsObject()) return {};
  const rapidjson::Value k(rapidjson::StringRef(key.data(), key.size()));
  auto it = o->FindMember(k);
  return it != o->MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

std::optional<event> event_stream::wait(std::string_view name,
                                        const std::function<bool(const event&)>& pred,
                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto line = next_line(left);
    if (!line) return std::nullopt;
    event e(std::move(*line));
    seen_.push_back(e);
    if (e.name() == name && (!pred || pred(e))) return e;
  }
}

std::vector<event> event_stream::seen(std::string_view name) const {
  std::vector<event> out;
  for (const event& e : seen_)
    if (e.name() == name) out.push_back(e);
  return out;
}

std::vector<event> event_stream::drain(std::string_view name, std::chrono::milliseconds quiet) {
  std::vector<event> out;
  while (auto line = next_line(quiet)) {
    event e(std::move(*line));
    seen_.push_back(e);
    if (e.name() == name) out.push_back(e);
  }
  return out;
}

void sink_stream::emit(std::string_view line) {
  std::string l(line);
  while (!l.empty() && l.back() == '\n')
    l.pop_back();
  {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(l));
  }
  ready_.notify_one();
}

std::optional<std::string> sink_stream::next_line(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!ready_.wait_for(lock, timeout, [this] { return !lines_.empty(); })) return std::nullopt;
  std::string l = std::move(lines_.front());
  lines_.pop_front();
  return l;
}

}  // namespace smsdrv::sim::test
