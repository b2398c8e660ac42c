#pragma once
// A fixed-size libpq connection pool: connections are opened at start, checked out for one
// request (mutex + condition variable) and given back by RAII.
//
// Lost connections (pg_terminate_backend, a server restart, a network cut) are found either
// before a statement is sent (acquire() reads what the server left on an idle socket) or by the
// statement that fails on them. Either way the connection is reconnected before it is used
// again; a read is then run once more, a write only when the loss was found before sending it.
// Reconnect attempts are paced by a capped exponential backoff with jitter, so a database that
// is down sees a few attempts per second at most, and every loss and reconnect is counted.

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog_api/listing_sql.hpp"

namespace lg::api {

/// The database cannot be reached, no connection was free in time, or a write's connection
/// broke so that its outcome is unknown: the request gets a 503.
class DbUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A statement failed on the server (the connection is still usable): a 500 (or 400/409 by
/// SQLSTATE), or a fallback for option C's view reads.
class QueryError : public std::runtime_error {
 public:
  QueryError(std::string sqlstate, std::string constraint, const std::string& message)
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        constraint_(std::move(constraint)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// Constraint named by an integrity violation (e.g. "products_pkey"), else empty.
  const std::string& constraint() const noexcept { return constraint_; }

 private:
  std::string sqlstate_;
  std::string constraint_;
};

/// Owned query result (text format).
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

/// Whether a statement may be run again after its connection broke under it.
enum class Retry {
  kSafe,    ///< a read: reconnect and run it once more
  kUnsafe,  ///< a write: it may have been applied, so it is not rerun (DbUnavailable, 503)
};

/// Capped exponential backoff with jitter between failed reconnect attempts. Pure.
struct Backoff {
  std::chrono::milliseconds base{50};   ///< delay after the first failure
  std::chrono::milliseconds cap{2000};  ///< longest delay (before jitter)
  double jitter = 0.2;                  ///< +-share of the delay drawn at random

  /// Delay after `failures` (>= 1) consecutive failed attempts: min(cap, base * 2^(failures-1))
  /// scaled by 1 + jitter * (2 * unit - 1); `unit` is a uniform draw in [0, 1].
  std::chrono::milliseconds delay(int failures, double unit) const;
};

/// Pool settings.
struct PoolConfig {
  std::string dsn;                         ///< libpq conninfo or URI
  int size = 16;                           ///< connections, >= 1
  int statement_timeout_ms = 5000;         ///< SET statement_timeout on every connection; 0 = none
  std::chrono::milliseconds wait{10'000};  ///< longest wait for a free connection
  /// libpq connect_timeout, seconds (libpq's minimum is 2), unless the DSN sets its own: bounds
  /// how long a reconnect to an unreachable host holds a request.
  int connect_timeout_s = 5;
  Backoff backoff;  ///< pacing of reconnect attempts after a failed one
};

/// The pool's view of the database, for /health and /metrics. Counters only grow.
struct PoolStats {
  int size = 0;    ///< connections in the pool
  int broken = 0;  ///< connections known lost and not reconnected yet
  /// The last reconnect attempt failed; no attempt is made before `retry_in` has passed.
  bool down = false;
  std::chrono::milliseconds retry_in{0};
  std::uint64_t losses = 0;              ///< connections found lost (before or during a statement)
  std::uint64_t reconnects = 0;          ///< successful reconnects
  std::uint64_t reconnect_failures = 0;  ///< failed reconnect attempts
  std::uint64_t retries = 0;             ///< reads rerun after their connection was lost
  /// When the last loss was found (wall clock); nullopt if never.
  std::optional<std::chrono::system_clock::time_point> last_loss;

  /// "ok" (nothing lost), "reconnecting" (a loss found, reconnect pending or under way) or
  /// "down" (the last reconnect attempt failed).
  const char* state() const noexcept;
};

class ConnectionPool;

/// One pooled connection and whether it is known lost. Touched only by its lease holder.
struct PoolSlot {
  PGconn* conn = nullptr;
  bool lost = false;
  /// Set by the slot's notice receiver when the server sent FATAL while the slot was idle.
  bool fatal_seen = false;
};

/// A checked-out connection; returns it to the pool when destroyed. Move-only.
class Lease {
 public:
  Lease(ConnectionPool* pool, PoolSlot* slot) : pool_(pool), slot_(slot) {}
  Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(other.slot_) { other.slot_ = nullptr; }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  /// Runs one statement with PQexecParams (unnamed statement: no plan survives a renamed or
  /// dropped relation). Throws QueryError when it fails on a working connection. When the
  /// connection was lost under it: with Retry::kSafe reconnects and runs it once more, with
  /// kUnsafe throws DbUnavailable; DbUnavailable too when reconnecting fails or is held back
  /// by the backoff, or when the rerun loses its connection again.
  PgResult exec(const SqlText& q, Retry retry = Retry::kSafe);

  /// Reconnects if the connection is lost. Throws DbUnavailable when it cannot.
  void recover();

 private:
  PgResult run(const SqlText& q);

  ConnectionPool* pool_;
  PoolSlot* slot_;
};

/// Fixed-size pool. Thread-safe.
class ConnectionPool {
 public:
  /// Opens cfg.size connections. Throws DbUnavailable (message without password) when the
  /// database is unreachable.
  explicit ConnectionPool(PoolConfig cfg);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// Waits up to cfg.wait for a free connection; reconnects it first when it is known lost or
  /// the server has closed it while idle. Throws DbUnavailable on timeout or when reconnecting
  /// fails or is held back by the backoff (then at once, without an attempt).
  Lease acquire();

  /// Counters and state, for /health and /metrics.
  PoolStats stats() const;

 private:
  friend class Lease;
  void release(PoolSlot* slot);
  PGconn* open_one() const;
  void mark_lost(PoolSlot& slot);
  void reconnect(PoolSlot& slot);
  void claim_attempt();
  void finish_attempt(bool ok, const std::string& error);

  PoolConfig cfg_;
  mutable std::mutex mutex_;  // guards idle_ and the reconnect gate below
  std::condition_variable freed_;
  std::vector<PoolSlot*> idle_;
  std::vector<std::unique_ptr<PoolSlot>> all_;

  // Reconnect gate: after a failed attempt, one attempt at a time and none before next_attempt_.
  int consecutive_failures_ = 0;
  int attempts_in_flight_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::string last_error_;
  std::minstd_rand jitter_rng_{std::random_device{}()};

  std::atomic<int> broken_{0};
  std::atomic<std::uint64_t> losses_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> reconnect_failures_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::int64_t> last_loss_ns_{0};  // system_clock since epoch; 0 = never
};

}  // namespace lg::api
