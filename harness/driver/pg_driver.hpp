#pragma once
// libpq driver for one VU: one connection, every statement prepared once, executed with
// PQexecPrepared (extended protocol, like pgbench -M prepared).

#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "harness/driver/driver.hpp"

namespace lg::driver {

/// A statement to prepare: its name (unique per driver) and SQL text with $1..$n.
struct Statement {
  std::string name;
  std::string sql;
};

class PgDriver final : public Driver {
 public:
  /// Connects and prepares `statements` (index = statement id). Throws InfraError when the
  /// server is unreachable and db::DbError when a statement fails to prepare.
  PgDriver(std::string conninfo, std::vector<Statement> statements);
  ~PgDriver() override;
  PgDriver(const PgDriver&) = delete;
  PgDriver& operator=(const PgDriver&) = delete;

  /// Runs statement `id` with `params`. Never throws; a lost connection is reported as kConnect
  /// and re-established (and re-prepared) on the next call.
  Outcome execute(std::size_t id, const Params& params) noexcept override;
  /// Asks the server to cancel whatever this driver is running. Safe from another thread.
  void cancel() noexcept override;
  /// Times the connection was re-established after a loss.
  std::int64_t reconnects() const noexcept override { return reconnects_; }

 private:
  void connect();  // throws
  bool ensure_connected() noexcept;

  std::string conninfo_;
  std::vector<Statement> statements_;
  PGconn* conn_ = nullptr;
  std::atomic<PGcancel*> cancel_{nullptr};
  std::vector<PGcancel*> retired_cancels_;
  std::vector<const char*> values_;
  std::int64_t reconnects_ = 0;
};

/// Maps a SQLSTATE to an ErrorClass (40001/40P01 retryable, 57014 canceled, 08xxx connect).
ErrorClass classify_sqlstate(const char* sqlstate) noexcept;

}  // namespace lg::driver
