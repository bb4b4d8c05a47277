#include "host/request_reader.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace smsdrv::host {
namespace {

constexpr size_t read_size = 64 * 1024;

bool blank(const char* line, size_t length) {
  return std::all_of(line, line + length, [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

void request_reader::run() noexcept {
  auto on_line = [this](uint64_t number, char* line, size_t length, bool too_long) {
    this->on_line(number, line, length, too_long);
  };
  try {
    while (true) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {rt_.reader_stop.fd(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        rt_.log.log(SMSDRV_LOG_ERROR, "dms-stub", "cannot wait for input: {}",
                    std::strerror(errno));
        break;
      }
      if (fds[1].revents != 0) break;  // stopping: input not read yet is not processed
      char* space = splitter_.space(read_size);
      const ssize_t n = ::read(fd_, space, splitter_.space_size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      if (n < 0) {
        rt_.log.log(SMSDRV_LOG_ERROR, "dms-stub", "cannot read input: {}; taken as its end",
                    std::strerror(errno));
        break;
      }
      if (n == 0) {
        splitter_.finish(on_line);
        break;
      }
      splitter_.commit(static_cast<size_t>(n), on_line);
      hand_over();
    }
  } catch (const std::exception& e) {
    rt_.log.log(SMSDRV_LOG_ERROR, "dms-stub", "request reader failed: {}", e.what());
  }
  hand_over();
  rt_.input_done.store(true);
  rt_.main_wake.signal();
}

void request_reader::on_line(uint64_t number, char* line, size_t length, bool too_long) {
  if (too_long) {
    input_error(number, std::nullopt,
                {SMSDRV_E_INVALID_ARGUMENT, "SMSDRV_E_INVALID_ARGUMENT",
                 "the line is longer than " + std::to_string(max_line) + " bytes; skipped"});
    return;
  }
  if (blank(line, length)) return;
  if (auto problem = parser_.parse(line, length, request_)) {
    const failure f{problem->code, smsdrv::status_name(problem->code), problem->text};
    answer(number, f);
    return;
  }
  if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
    if (const auto m = rt_.log.masking())
      rt_.log.log(SMSDRV_LOG_DEBUG, request_.channel ? request_.channel : "dms-stub",
                  "line {}: {} {} {}", number, request_.request,
                  request_.has_id ? request_.id : std::string_view("(no id)"),
                  masked_pairs(*m, static_cast<uint32_t>(request_.keys.size()),
                               request_.keys.data(), request_.values.data()));
  // A reload waits until this request is sent (or refused): channels and pii stay as looked up.
  const auto config = rt_.using_config();
  if (is_pii_request(request_.request)) {
    answer_pii(number);
    return;
  }
  const auto channel = rt_.channels->find(std::string_view(request_.channel));
  if (channel == rt_.channels->end()) {
    std::string configured;
    for (const auto& [name, entry] : *rt_.channels)
      configured += (configured.empty() ? "" : ", ") + name;
    const std::string text =
        "no channel \"" + std::string(request_.channel) +
        "\" is configured (configured: " + (configured.empty() ? "none" : configured) + ")";
    answer(number, {SMSDRV_E_UNKNOWN_CHANNEL, "SMSDRV_E_UNKNOWN_CHANNEL", text});
    return;
  }
  if (request_.has_id && rt_.requests.in_flight(request_.id)) {
    // Not an esp-response: it would be indistinguishable from the answer to the first request.
    input_error(number, request_.id,
                {SMSDRV_E_INVALID_ARGUMENT, "SMSDRV_E_INVALID_ARGUMENT",
                 "id \"" + std::string(request_.id) +
                     "\" is already in flight; ids must be unique until answered"});
    return;
  }
  if (rt_.stopping.load()) {
    answer(number, {SMSDRV_E_SHUT_DOWN, "SMSDRV_E_SHUT_DOWN",
                    "dms-stub is stopping; the request was not sent"});
    return;
  }
  submit(number, channel->second);
}

void request_reader::submit(uint64_t number, const channel_entry& channel) {
  smsdrv::driver& drv = *rt_.drivers[channel.driver]->instance;
  const smsdrv_driver_api& api = drv.api();
  smsdrv_request r{};
  r.struct_size = sizeof r;
  r.channel = request_.channel;
  r.request = request_.request;
  r.count = static_cast<uint32_t>(request_.keys.size());
  r.keys = request_.keys.data();
  r.values = request_.values.data();
  // ABI 1.2 parts; a driver of an older version reads the prefix without them.
  std::vector<smsdrv_part> parts(request_.parts.size());
  std::vector<const smsdrv_part*> part_pointers;
  for (size_t i = 0; i < parts.size(); ++i) {
    const parsed_part& p = request_.parts[i];
    parts[i].struct_size = sizeof(smsdrv_part);
    parts[i].content_type = p.content_type.c_str();
    parts[i].name = p.name.c_str();
    parts[i].data = reinterpret_cast<const uint8_t*>(p.bytes.data());
    parts[i].size = p.bytes.size();
    part_pointers.push_back(&parts[i]);
  }
  r.part_count = static_cast<uint32_t>(parts.size());
  r.parts = part_pointers.empty() ? nullptr : part_pointers.data();
  const auto id = request_.has_id ? std::optional<std::string_view>(request_.id) : std::nullopt;
  // Kept with the request, to send it again should a reload replace the channel's instance.
  pack_request(payload_, r.request, r.channel, r.count, r.keys, r.values);
  uint64_t accepted_as = 0;
  const int32_t status = rt_.requests.submit(
      channel.driver, id, request_.channel, payload_, [&](uint64_t* request_id) {
        const int32_t st = api.send(drv.handle(), &r, request_id);
        accepted_as = *request_id;
        return st;
      });
  note_queue(status);
  if (status == SMSDRV_OK) {
    // The driver's lines name its own request number ("request 17 failed: ..."): this line
    // leads from it to the host's id.
    if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
      rt_.log.log(SMSDRV_LOG_DEBUG, request_.channel, "line {}: {} {} is {} request {}", number,
                  request_.request, request_.has_id ? request_.id : std::string_view("(no id)"),
                  rt_.drivers[channel.driver]->name, accepted_as);
    return;
  }
  // A full queue is the channel's own state: answered at once, so that no other channel waits.
  // last_error() is per calling thread, and only this thread sends.
  const std::string detail = api.last_error(drv.handle());
  answer(number, {status, api.status_name(status),
                  detail.empty() ? std::string(api.status_message(status)) : detail});
}

void request_reader::note_queue(int32_t status) {
  const std::string_view channel = request_.channel;
  auto it = queue_full_.find(channel);
  if (status == SMSDRV_E_QUEUE_FULL) {
    if (it == queue_full_.end()) {
      rt_.log.log(SMSDRV_LOG_WARN, channel,
                  "queue full: requests to this channel are refused with SMSDRV_E_QUEUE_FULL "
                  "until it has room (x-smpp-queue-size)");
      it = queue_full_.emplace(std::string(channel), 0).first;
    }
    ++it->second;
  } else if (status == SMSDRV_OK && it != queue_full_.end()) {
    rt_.log.log(SMSDRV_LOG_INFO, channel, "queue has room again; {} request(s) were refused",
                it->second);
    queue_full_.erase(it);
  }
}

void request_reader::answer_pii(uint64_t number) {
  static const pii_rules none;
  const pii_rules& rules = rt_.pii != nullptr ? *rt_.pii : none;
  const auto keys = static_cast<uint32_t>(request_.keys.size());
  const pii_answer a =
      rules.answer(request_.request, keys, request_.keys.data(), request_.values.data());
  if (!a.ok) {
    answer(number, {SMSDRV_E_BAD_REQUEST, "SMSDRV_E_BAD_REQUEST", a.text});
    return;
  }
  const std::string matches = std::to_string(a.matches);
  const char* out_keys[] = {"Text", "Matches"};
  const char* out_values[] = {a.text.c_str(), matches.c_str()};
  if (request_.has_id)
    write_host_answer(answers_, request_.id, request_.channel ? request_.channel : "", 2, out_keys,
                      out_values);
  rt_.log.log(SMSDRV_LOG_DEBUG, request_.channel ? request_.channel : "dms-stub",
              "line {}: {} {} answered: {} match(es) masked", number, request_.request,
              request_.has_id ? request_.id : std::string_view("(no id)"), a.matches);
}

void request_reader::answer(uint64_t number, const failure& f) {
  if (rt_.log.enabled(SMSDRV_LOG_DEBUG))
    if (const auto m = rt_.log.masking())
      rt_.log.log(SMSDRV_LOG_DEBUG, request_.channel ? request_.channel : "dms-stub",
                  "line {}: refused: {}: {}", number, f.name,
                  masked_text(*m, f.text, static_cast<uint32_t>(request_.keys.size()),
                              request_.keys.data(), request_.values.data()));
  // A request with an id gets its one esp-response; a line without one gets an error event.
  if (request_.has_id)
    write_refusal(answers_, request_.id, request_.channel ? request_.channel : "", f);
  else
    input_error(number, std::nullopt, f);
}

void request_reader::input_error(uint64_t number, std::optional<std::string_view> id,
                                 const failure& f) {
  write_input_error(answers_, number, id, f);
}

void request_reader::hand_over() {
  if (answers_.empty()) return;
  rt_.lines.push(answers_);
  answers_.clear();
  rt_.main_wake.signal();
}

}  // namespace smsdrv::host
