// hiredis (0.14, Debian's libhiredis-dev) on Asio: the context's descriptor is watched by a
// posix::stream_descriptor that does not own it (hiredis closes it), and hiredis's event hooks
// (addRead, delRead, addWrite, delWrite, cleanup) start and stop the waits. hiredis may free the
// context inside redisAsyncHandleRead/Write (an error, the server closing): the cleanup hook
// marks it gone, and nothing touches it afterwards.
#include "io/redis_client.hpp"

extern "C" {
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
}
#include <fmt/format.h>
#include <openssl/sha.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <unordered_map>

#include "flow/shared_gcra.hpp"

namespace smsdrv::io {

namespace asio = boost::asio;

namespace {

std::string script_sha1(std::string_view s) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  std::string hex;
  for (unsigned char b : digest)
    hex += fmt::format("{:02x}", b);
  return hex;
}

// An element of a script's answer as text.
std::string value_of(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      return std::to_string(r->integer);
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return std::string(r->str, r->len);
    default:
      return {};
  }
}

}  // namespace

struct redis_client::impl : std::enable_shared_from_this<impl> {
  struct request {
    const redis_script* script = nullptr;
    const std::string* sha = nullptr;
    std::string key;
    std::vector<std::string> args;
    counts_handler handler;
    values_handler values;  // set: eval_values()
    std::unique_ptr<asio::steady_timer> timer;
    bool eval_sent = false;  // EVAL after NOSCRIPT
  };

  impl(asio::io_context& io, redis_endpoint ep, std::chrono::milliseconds t)
      : io_(io), endpoint_(std::move(ep)), timeout_(t) {}

  ~impl() {
    closing_ = true;
    drop_connection();
  }

  std::string where() const {
    return fmt::format("Redis at {}:{}", endpoint_.host, endpoint_.port);
  }

  // --- the connection ---
  bool connect(std::string& error) {
    ctx_ = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
    if (ctx_ == nullptr) {
      error = fmt::format("{}: cannot allocate a connection", where());
      return false;
    }
    if (ctx_->err != 0) {
      error = fmt::format("{}: {}", where(), ctx_->errstr);
      redisAsyncFree(ctx_);
      ctx_ = nullptr;
      return false;
    }
    ++generation_;
    read_pending_ = write_pending_ = false;
    descriptor_ = std::make_unique<asio::posix::stream_descriptor>(io_, ctx_->c.fd);
    ctx_->data = this;
    ctx_->ev.data = this;
    ctx_->ev.addRead = [](void* p) { static_cast<impl*>(p)->want(true, true); };
    ctx_->ev.delRead = [](void* p) { static_cast<impl*>(p)->want(true, false); };
    ctx_->ev.addWrite = [](void* p) { static_cast<impl*>(p)->want(false, true); };
    ctx_->ev.delWrite = [](void* p) { static_cast<impl*>(p)->want(false, false); };
    ctx_->ev.cleanup = [](void* p) { static_cast<impl*>(p)->context_gone(); };
    redisAsyncSetConnectCallback(ctx_, [](const redisAsyncContext* c, int status) {
      auto* self = static_cast<impl*>(c->data);
      if (status == REDIS_OK && self != nullptr) self->connected_ = true;
    });
    // Sent ahead of any lease, in order: hiredis queues them until the connection is up.
    if (!endpoint_.password.empty()) {
      const char* argv[] = {"AUTH", endpoint_.password.c_str()};
      const std::size_t len[] = {4, endpoint_.password.size()};
      redisAsyncCommandArgv(ctx_, &impl::on_setup_reply, nullptr, 2, argv, len);
      ++commands_;
    }
    if (endpoint_.db != 0) {
      const std::string db = std::to_string(endpoint_.db);
      const char* argv[] = {"SELECT", db.c_str()};
      const std::size_t len[] = {6, db.size()};
      redisAsyncCommandArgv(ctx_, &impl::on_setup_reply, nullptr, 2, argv, len);
      ++commands_;
    }
    return true;
  }

  // hiredis frees the context: stop watching its descriptor (it closes it).
  void context_gone() {
    ctx_ = nullptr;
    connected_ = false;
    want_read_ = want_write_ = false;
    if (descriptor_) {
      descriptor_->release();
      descriptor_.reset();
    }
  }

  void drop_connection() {
    if (ctx_ != nullptr) redisAsyncFree(ctx_);  // pending replies come back empty, then cleanup
    ctx_ = nullptr;
  }

  void want(bool read, bool on) {
    (read ? want_read_ : want_write_) = on;
    if (on) arm(read);
  }

  void arm(bool read) {
    bool& pending = read ? read_pending_ : write_pending_;
    if (pending || !descriptor_) return;
    pending = true;
    descriptor_->async_wait(
        read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write,
        [self = shared_from_this(), read, gen = generation_](const boost::system::error_code& ec) {
          self->on_ready(read, gen, ec);
        });
  }

  void on_ready(bool read, std::uint64_t gen, const boost::system::error_code& ec) {
    if (gen != generation_) return;  // a wait of a context already gone
    (read ? read_pending_ : write_pending_) = false;
    if (ec || ctx_ == nullptr || !(read ? want_read_ : want_write_)) return;
    if (read)
      redisAsyncHandleRead(ctx_);
    else
      redisAsyncHandleWrite(ctx_);
    // The context may be gone now (context_gone ran); otherwise keep watching what it wants.
    if (ctx_ != nullptr && gen == generation_ && (read ? want_read_ : want_write_)) arm(read);
  }

  // --- requests ---
  void eval(const redis_script& script, const std::string& key, std::vector<std::string> args,
            counts_handler handler, values_handler values = nullptr) {
    const std::uint64_t id = ++next_id_;
    request& r = requests_[id];
    r.values = std::move(values);
    r.script = &script;
    auto sha = shas_.find(script.text.data());
    if (sha == shas_.end()) sha = shas_.emplace(script.text.data(), script_sha1(script.text)).first;
    r.sha = &sha->second;
    r.key = key;
    r.args = std::move(args);
    r.handler = std::move(handler);
    r.timer = std::make_unique<asio::steady_timer>(io_, timeout_);
    r.timer->async_wait([self = shared_from_this(), id](const boost::system::error_code& ec) {
      if (!ec) self->timed_out(id);
    });
    std::string error;
    if (ctx_ == nullptr && !connect(error)) {
      fail(id, error);
      return;
    }
    send(id, false);
  }

  void send(std::uint64_t id, bool eval) {
    request& r = requests_.at(id);
    r.eval_sent = eval;
    const std::string_view script = eval ? r.script->text : std::string_view(*r.sha);
    argv_.clear();
    len_.clear();
    auto add = [&](std::string_view a) {
      argv_.push_back(a.data());
      len_.push_back(a.size());
    };
    add(eval ? "EVAL" : "EVALSHA");
    add(script);
    add("1");
    add(r.key);
    for (const std::string& a : r.args)
      add(a);
    ++commands_;
    if (redisAsyncCommandArgv(
            ctx_, &impl::on_script_reply, reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)),
            static_cast<int>(argv_.size()), argv_.data(), len_.data()) != REDIS_OK)
      fail(id, fmt::format("{}: the connection is closing", where()));
  }

  static void on_setup_reply(redisAsyncContext* c, void* r, void*) {
    auto* self = static_cast<impl*>(c->data);
    const auto* reply = static_cast<const redisReply*>(r);
    if (self != nullptr && reply != nullptr && reply->type == REDIS_REPLY_ERROR)
      self->setup_error_ = std::string(reply->str, reply->len);  // AUTH/SELECT refused
  }

  static void on_script_reply(redisAsyncContext* c, void* r, void* privdata) {
    auto* self = static_cast<impl*>(c->data);
    if (self == nullptr) return;
    self->script_reply(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(privdata)),
                       static_cast<const redisReply*>(r), c->errstr);
  }

  void script_reply(std::uint64_t id, const redisReply* reply, const char* errstr) {
    if (!requests_.contains(id)) return;  // timed out already
    if (reply == nullptr) {
      fail(id, fmt::format("{}: {}", where(),
                           errstr != nullptr && *errstr != '\0' ? errstr : "connection closed"));
      return;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      const std::string_view text(reply->str, reply->len);
      if (text.starts_with("NOSCRIPT") && !requests_.at(id).eval_sent && ctx_ != nullptr) {
        send(id, true);
        return;
      }
      std::string why(text);
      if (!setup_error_.empty()) why = fmt::format("{} (after AUTH/SELECT: {})", why, setup_error_);
      fail(id, fmt::format("{} refused {}: {}", where(), requests_.at(id).script->name, why));
      return;
    }
    if (requests_.at(id).values) {
      redis_values_reply out;
      out.ok = true;
      if (reply->type == REDIS_REPLY_ARRAY) {
        for (std::size_t i = 0; i < reply->elements; ++i)
          out.values.push_back(value_of(reply->element[i]));
      } else {
        out.values.push_back(value_of(reply));
      }
      complete_values(id, std::move(out));
      return;
    }
    const bool counts =
        reply->type == REDIS_REPLY_ARRAY && (reply->elements == 2 || reply->elements == 3) &&
        std::all_of(reply->element, reply->element + reply->elements, [](const redisReply* e) {
          return e->type == REDIS_REPLY_INTEGER && e->integer >= 0;
        });
    if (!counts) {
      fail(id, fmt::format("{}: {} answered something else than two or three counts", where(),
                           requests_.at(id).script->name));
      return;
    }
    redis_counts_reply out;
    out.ok = true;
    out.first = reply->element[0]->integer;
    out.second = reply->element[1]->integer;
    out.third = reply->elements == 3 ? reply->element[2]->integer : 0;
    complete(id, std::move(out));
  }

  void timed_out(std::uint64_t id) {
    if (!requests_.contains(id)) return;
    fail(id, fmt::format("{}: no answer within {} ms", where(), timeout_.count()));
    drop_connection();  // the others fail with it; the next lease reconnects
  }

  void fail(std::uint64_t id, std::string error) {
    if (auto it = requests_.find(id); it != requests_.end() && it->second.values) {
      redis_values_reply out;
      out.error = std::move(error);
      complete_values(id, std::move(out));
      return;
    }
    redis_counts_reply out;
    out.error = std::move(error);
    complete(id, std::move(out));
  }

  void complete(std::uint64_t id, redis_counts_reply reply) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    counts_handler handler = std::move(it->second.handler);
    it->second.timer->cancel();
    requests_.erase(it);
    if (closing_) return;
    // Never from inside lease() or hiredis: the handler may lease again or drop the client.
    asio::post(io_, [handler = std::move(handler), reply = std::move(reply)] { handler(reply); });
  }

  void complete_values(std::uint64_t id, redis_values_reply reply) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    values_handler handler = std::move(it->second.values);
    it->second.timer->cancel();
    requests_.erase(it);
    if (closing_) return;
    // Never from inside eval_values() or hiredis (as complete()).
    asio::post(io_, [handler = std::move(handler), reply = std::move(reply)] { handler(reply); });
  }

  asio::io_context& io_;
  redis_endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::unordered_map<const char*, std::string> shas_;  // by the script's text
  std::vector<const char*> argv_;                      // reused by send()
  std::vector<std::size_t> len_;
  redisAsyncContext* ctx_ = nullptr;
  std::unique_ptr<asio::posix::stream_descriptor> descriptor_;
  std::uint64_t generation_ = 0;
  bool want_read_ = false, want_write_ = false;
  bool read_pending_ = false, write_pending_ = false;
  bool connected_ = false;
  bool closing_ = false;
  std::string setup_error_;
  std::map<std::uint64_t, request> requests_;
  std::uint64_t next_id_ = 0;
  std::uint64_t commands_ = 0;
};

redis_client::redis_client(asio::io_context& io, redis_endpoint endpoint,
                           std::chrono::milliseconds timeout)
    : impl_(std::make_shared<impl>(io, std::move(endpoint), timeout)) {}

redis_client::~redis_client() {
  impl_->closing_ = true;
  impl_->drop_connection();
  for (auto& [id, r] : impl_->requests_)
    r.timer->cancel();
  impl_->requests_.clear();
}

void redis_client::eval(const redis_script& script, const std::string& key,
                        std::vector<std::string> args, counts_handler handler) {
  impl_->eval(script, key, std::move(args), std::move(handler));
}

void redis_client::eval_values(const redis_script& script, const std::string& key,
                               std::vector<std::string> args, values_handler handler) {
  impl_->eval(script, key, std::move(args), nullptr, std::move(handler));
}

void redis_client::lease(const std::string& key, std::uint32_t rate, std::uint32_t burst,
                         std::uint32_t count, std::uint32_t debit, lease_handler handler) {
  static const redis_script script{"the lease script", flow::gcra_lease_script};
  impl_->eval(
      script, key,
      {std::to_string(rate), std::to_string(burst), std::to_string(count), std::to_string(debit)},
      [handler = std::move(handler)](const redis_counts_reply& r) {
        redis_lease_reply out;
        out.ok = r.ok;
        out.error = r.error;
        if (r.ok) {
          out.granted = static_cast<std::uint32_t>(std::min<std::int64_t>(r.first, UINT32_MAX));
          out.retry_after = std::chrono::microseconds(r.second);
          out.ahead = std::chrono::microseconds(r.third);
        }
        handler(out);
      });
}

std::uint64_t redis_client::commands() const noexcept {
  return impl_->commands_;
}

bool redis_client::connected() const noexcept {
  return impl_->connected_;
}

}  // namespace smsdrv::io
