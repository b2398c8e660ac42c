#pragma once
// libpq driver for one VU on an event loop: one connection in non-blocking mode, every
// statement prepared once, executed with PQsendQueryPrepared (extended protocol, like pgbench
// -M prepared). The connection's socket is watched by the loop (PQsocket wrapped in an Asio
// stream_descriptor), so a loop thread drives many connections (PostgreSQL manual, libpq
// "Asynchronous Command Processing").

#include <libpq-fe.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/backoff.hpp"
#include "harness/core/clock.hpp"
#include "harness/driver/driver.hpp"

namespace lg::driver {

/// A statement to prepare: its name (unique per driver) and SQL text with $1..$n.
struct Statement {
  std::string name;
  std::string sql;
};

class PgDriver final : public Driver {
 public:
  /// A driver on `loop` for `conninfo`; `statements` (index = statement id) must outlive it.
  /// `session_options` are server settings for the session in libpq's `options` form
  /// ("-c statement_timeout=30000 -c lock_timeout=10000"); `application_name` names its
  /// backend in pg_stat_activity. Connects only in open().
  PgDriver(asio::io_context& loop, std::string conninfo, const std::vector<Statement>& statements,
           std::string session_options = {}, std::string application_name = "loadgate-vu");
  ~PgDriver() override;
  PgDriver(const PgDriver&) = delete;
  PgDriver& operator=(const PgDriver&) = delete;

  /// Connects (PQconnectStart/PQconnectPoll on the loop, at most kConnectTimeout) and prepares
  /// every statement. Throws InfraError when the server is unreachable (or the attempt was
  /// abandoned) and db::DbError when a statement fails to prepare.
  asio::awaitable<void> open() override;
  /// Runs statement `id` with `params`. Never throws; a lost connection is reported as kConnect
  /// (Outcome::lost) and re-established (and re-prepared) by the next call, which first waits
  /// out a capped exponential backoff (core/backoff.hpp) after a failed attempt: a server that
  /// is down costs each VU one failed operation per wait, not a busy loop. A statement that
  /// statement_timeout or lock_timeout ended is kTimeout; one this driver canceled, kCanceled.
  asio::awaitable<Outcome> execute(std::size_t id, const Params& params) override;
  /// Closes the connection under the statement in flight (execute returns kCanceled); the next
  /// call reconnects. Loop thread only.
  void abandon() noexcept override;
  /// Sends the server a cancel request for whatever this driver runs (PQcancel: blocks for one
  /// round trip). Safe from any thread.
  void cancel() noexcept override;
  /// Times the connection was re-established after a loss.
  std::int64_t reconnects() const noexcept override {
    return reconnects_.load(std::memory_order_relaxed);
  }

  /// Longest a connection attempt may take before open() gives up.
  static constexpr Nanos kConnectTimeout = 30 * kNanosPerSecond;

 private:
  enum class Wait { kReady, kAbandoned, kFailed };
  asio::awaitable<Wait> wait(asio::posix::stream_descriptor::wait_type what);
  asio::awaitable<Wait> flush();
  asio::awaitable<Wait> until_not_busy();
  asio::awaitable<void> connect();
  asio::awaitable<void> prepare_all();
  void watch_socket();
  void close() noexcept;
  bool readable_now() const noexcept;
  asio::awaitable<bool> wait_for_backoff();

  asio::io_context& loop_;
  std::string conninfo_;
  const std::vector<Statement>& statements_;
  std::string session_options_;
  std::string application_name_;
  Backoff backoff_;
  Nanos next_attempt_ = 0;  ///< no reconnect attempt before this (mono ns)
  asio::steady_timer backoff_timer_;
  std::atomic<bool> cancel_sent_{false};
  PGconn* conn_ = nullptr;
  asio::posix::stream_descriptor socket_;
  bool abandoned_ = false;
  // A canceller on another thread may still hold an old handle after a reconnect: handles are
  // freed only at destruction.
  std::atomic<PGcancel*> cancel_{nullptr};
  std::vector<PGcancel*> retired_cancels_;
  std::vector<const char*> values_;
  std::atomic<std::int64_t> reconnects_{0};
  bool opened_once_ = false;
};

}  // namespace lg::driver
