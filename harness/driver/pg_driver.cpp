#include "harness/driver/pg_driver.hpp"

#include <cstring>

#include "harness/core/errors.hpp"
#include "harness/db/connection.hpp"

namespace lg::driver {

ErrorClass classify_sqlstate(const char* sqlstate) noexcept {
  if (sqlstate == nullptr) return ErrorClass::kServer;
  if (std::strcmp(sqlstate, "40001") == 0 || std::strcmp(sqlstate, "40P01") == 0) {
    return ErrorClass::kRetryable;
  }
  if (std::strcmp(sqlstate, "57014") == 0) return ErrorClass::kCanceled;
  if (std::strncmp(sqlstate, "08", 2) == 0) return ErrorClass::kConnect;
  return ErrorClass::kServer;
}

PgDriver::PgDriver(std::string conninfo, std::vector<Statement> statements)
    : conninfo_(std::move(conninfo)), statements_(std::move(statements)) {
  connect();
}

PgDriver::~PgDriver() {
  if (PGcancel* c = cancel_.exchange(nullptr)) PQfreeCancel(c);
  for (PGcancel* c : retired_cancels_) PQfreeCancel(c);
  if (conn_) PQfinish(conn_);
}

void PgDriver::connect() {
  PGconn* conn = PQconnectdb(conninfo_.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    if (conn) PQfinish(conn);
    if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    throw InfraError("VU cannot connect to PostgreSQL (" + db::redact_dsn(conninfo_) + "): " + msg);
  }
  db::silence_notices(conn);
  for (const auto& st : statements_) {
    db::Result res(PQprepare(conn, st.name.c_str(), st.sql.c_str(), 0, nullptr));
    if (PQresultStatus(res.raw()) != PGRES_COMMAND_OK) {
      auto err = db::make_db_error(res.raw(), conn, "PREPARE " + st.name);
      PQfinish(conn);
      throw err;
    }
  }
  conn_ = conn;
  // A canceller on another thread may still hold the old handle: free it only at destruction.
  if (PGcancel* old = cancel_.exchange(PQgetCancel(conn_))) retired_cancels_.push_back(old);
}

bool PgDriver::ensure_connected() noexcept {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return true;
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  try {
    connect();
    ++reconnects_;
    return true;
  } catch (...) {
    return false;
  }
}

Outcome PgDriver::execute(std::size_t id, const Params& params) noexcept {
  Outcome out;
  if (!ensure_connected()) {
    out.error = ErrorClass::kConnect;
    return out;
  }
  values_.clear();
  for (const auto& p : params) values_.push_back(p ? p->c_str() : nullptr);
  PGresult* res =
      PQexecPrepared(conn_, statements_[id].name.c_str(), static_cast<int>(values_.size()),
                     values_.data(), nullptr, nullptr, 0);
  const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    out.rows = static_cast<std::uint32_t>(PQntuples(res));
  } else {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    out.error = PQstatus(conn_) == CONNECTION_OK ? classify_sqlstate(state) : ErrorClass::kConnect;
    if (state) out.sqlstate = state;
  }
  PQclear(res);
  return out;
}

void PgDriver::cancel() noexcept {
  if (PGcancel* c = cancel_.load()) {
    char err[256];
    PQcancel(c, err, sizeof err);
  }
}

}  // namespace lg::driver
