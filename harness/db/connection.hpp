#pragma once
// Thin RAII layer over libpq for setup-time work (schema, datagen, verify, environment).
// The measured hot path uses driver/pg_driver instead.

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::db {

/// Raised when a statement fails at setup time; what() carries SQLSTATE and the server message.
/// Derives from InfraError semantics via main's mapping (exit 3).
class DbError : public std::runtime_error {
 public:
  DbError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

/// Owned PGresult. Values are text (libpq text format).
class Result {
 public:
  explicit Result(PGresult* res) : res_(res, &PQclear) {}
  int rows() const { return PQntuples(res_.get()); }
  int cols() const { return PQnfields(res_.get()); }
  bool is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
  std::string_view get(int row, int col) const {
    return {PQgetvalue(res_.get(), row, col),
            static_cast<size_t>(PQgetlength(res_.get(), row, col))};
  }
  std::string column_name(int col) const { return PQfname(res_.get(), col); }
  PGresult* raw() const { return res_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> res_;
};

using Param = std::optional<std::string>;  ///< nullopt binds SQL NULL

/// One libpq connection. Not thread-safe: one owner thread at a time.
class Connection {
 public:
  /// Connects with a libpq conninfo string or URI; empty means PG* environment defaults.
  /// Throws InfraError (message redacts any password) when the server is unreachable.
  static Connection open(const std::string& conninfo);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  /// Runs one or more statements with no parameters (simple protocol). Throws DbError.
  void exec(std::string_view sql);
  /// Runs one statement with text parameters $1..$n (extended protocol). Throws DbError.
  Result query(std::string_view sql, const std::vector<Param>& params = {});
  /// First column of first row, or nullopt if no row / NULL. Throws DbError.
  std::optional<std::string> scalar(std::string_view sql, const std::vector<Param>& params = {});

  /// COPY FROM STDIN: begin, feed chunks, end. Throws DbError on failure.
  void copy_begin(std::string_view copy_sql);
  void copy_put(std::string_view data);
  void copy_end();

  /// Server version number, e.g. 150018.
  int server_version() const { return PQserverVersion(conn_.get()); }
  PGconn* raw() const { return conn_.get(); }

 private:
  explicit Connection(PGconn* conn) : conn_(conn, &PQfinish) {}
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

/// Replaces a password in a conninfo string or URI with "***" (DESIGN: never print passwords).
std::string redact_dsn(std::string_view dsn);

/// Builds DbError from a failed result (SQLSTATE + primary message, one line).
DbError make_db_error(const PGresult* res, PGconn* conn, std::string_view context);

/// Drops server NOTICE/WARNING messages instead of printing them on stderr.
void silence_notices(PGconn* conn);

/// Quotes an identifier for SQL text ("my""name").
std::string quote_ident(std::string_view ident);

/// Runs body() between BEGIN and COMMIT on conn; on any exception rolls back and rethrows it
/// (a failed ROLLBACK is swallowed: the first error is the one worth reporting).
template <typename Body>
void in_transaction(Connection& conn, Body&& body) {
  conn.exec("BEGIN");
  try {
    body();
    conn.exec("COMMIT");
  } catch (...) {
    try {
      conn.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

}  // namespace lg::db
