// A minimal SMSC for ABI tests: one loopback connection, answers bind / submit_sm /
// enquire_link / unbind, records what it saw, and lets the test send deliver_sm. Built on the
// project's codec so the ABI tests do not depend on smsc-sim.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback_listener.hpp"
#include "smpp/codec.hpp"

namespace smsdrv::test {

class mini_smsc {
 public:
  // answer_submits false: submit_sm are recorded but never answered.
  explicit mini_smsc(bool answer_submits = true) : answer_submits_(answer_submits) {
    listener_ = test_support::listen_on_loopback(4, port_);
    thread_ = std::thread([this] { run(); });
  }
  ~mini_smsc() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    {
      std::lock_guard lock(mutex_);
      if (conn_ >= 0) ::shutdown(conn_, SHUT_RDWR);
    }
    thread_.join();
  }

  std::uint16_t port() const { return port_; }

  void send_deliver_sm(const smpp::deliver_sm& d, std::uint32_t seq) {
    std::string wire;
    smpp::encode(d, seq, wire);
    std::lock_guard lock(mutex_);
    if (conn_ >= 0) ::send(conn_, wire.data(), wire.size(), MSG_NOSIGNAL);
  }

  // Waits until pred() holds over the recorded state (or 10 s).
  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return pred(*this); });
  }

  // Recorded (guard with wait()).
  std::vector<std::string> system_ids;
  std::vector<std::string> submitted_texts;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> deliver_sm_resps;  // seq, status
  bool bound = false;

 private:
  void run() {
    while (!stop_) {
      int c = ::accept(listener_, nullptr, nullptr);
      if (c < 0) return;
      {
        std::lock_guard lock(mutex_);
        conn_ = c;
      }
      serve(c);
      std::lock_guard lock(mutex_);
      ::close(c);
      conn_ = -1;
      bound = false;
      cv_.notify_all();
    }
  }

  void serve(int c) {
    std::string buf;
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<std::size_t>(n));
      for (;;) {
        auto fc = smpp::check_frame(buf);
        if (fc.state != smpp::frame_state::ready) break;
        smpp::pdu p;
        const bool ok = smpp::decode(std::string_view(buf).substr(0, fc.length), p).ok();
        std::string reply;
        if (ok) handle(p, reply);
        buf.erase(0, fc.length);
        if (!reply.empty()) {
          std::lock_guard lock(mutex_);
          ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
        }
        if (ok && p.id() == smpp::command_id::unbind) return;
      }
    }
  }

  void handle(const smpp::pdu& p, std::string& reply) {
    std::lock_guard lock(mutex_);
    using smpp::command_id;
    switch (p.id()) {
      case command_id::bind_transceiver: {
        system_ids.emplace_back(std::get<smpp::bind_transceiver>(p.body).system_id);
        smpp::bind_transceiver_resp r;
        r.system_id = "mini";
        smpp::encode(r, p.sequence_number, reply);
        bound = true;
        break;
      }
      case command_id::submit_sm: {
        submitted_texts.emplace_back(std::get<smpp::submit_sm>(p.body).short_message);
        if (answer_submits_) {
          smpp::submit_sm_resp r;
          const std::string id = "id-" + std::to_string(p.sequence_number);
          r.message_id = id;
          smpp::encode(r, p.sequence_number, reply);
        }
        break;
      }
      case command_id::deliver_sm_resp:
        deliver_sm_resps.emplace_back(p.sequence_number, p.command_status);
        break;
      case command_id::enquire_link:
        smpp::encode(smpp::enquire_link_resp{}, p.sequence_number, reply);
        break;
      case command_id::unbind:
        smpp::encode(smpp::unbind_resp{}, p.sequence_number, reply);
        break;
      default:
        break;
    }
    cv_.notify_all();
  }

  bool answer_submits_;
  int listener_ = -1;
  int conn_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace smsdrv::test
