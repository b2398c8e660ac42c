#pragma once
// A fixed-size libpq connection pool: connections are opened at start, checked out for one
// request (mutex + condition variable) and given back by RAII. A connection found broken is
// reset (reconnected) before it is handed out again.

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog_api/listing_sql.hpp"

namespace lg::api {

/// The database cannot be reached, or no connection was free in time: the request gets a 503.
class DbUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A statement failed on the server (or the connection broke during it): a 500, or a fallback
/// for option C's view reads.
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

/// Pool settings.
struct PoolConfig {
  std::string dsn;                         ///< libpq conninfo or URI
  int size = 16;                           ///< connections, >= 1
  int statement_timeout_ms = 5000;         ///< SET statement_timeout on every connection; 0 = none
  std::chrono::milliseconds wait{10'000};  ///< longest wait for a free connection
};

class ConnectionPool;

/// A checked-out connection; returns it to the pool when destroyed. Move-only.
class Lease {
 public:
  Lease(ConnectionPool* pool, PGconn* conn) : pool_(pool), conn_(conn) {}
  Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_) { other.conn_ = nullptr; }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  /// Runs one statement with PQexecParams (unnamed statement: no plan survives a renamed or
  /// dropped relation). Throws QueryError when it fails.
  PgResult exec(const SqlText& q);

  /// Reconnects if the last failure broke the connection. Throws DbUnavailable when it cannot.
  void recover();

 private:
  ConnectionPool* pool_;
  PGconn* conn_;
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

  /// Waits up to cfg.wait for a free connection and reconnects it if it broke. Throws
  /// DbUnavailable on timeout or when reconnecting fails.
  Lease acquire();

 private:
  friend class Lease;
  void release(PGconn* conn);
  PGconn* open_one() const;
  void reset(PGconn* conn) const;

  PoolConfig cfg_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<PGconn*> idle_;
  std::vector<PGconn*> all_;
};

}  // namespace lg::api
