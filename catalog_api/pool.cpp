#include "catalog_api/pool.hpp"

#include "harness/db/connection.hpp"

namespace lg::api {
namespace {

std::string first_line(const char* text) {
  std::string s = text ? text : "";
  const auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

// Session settings every pooled connection carries; they are lost on PQreset, so reapplied.
bool setup_session(PGconn* conn, int statement_timeout_ms) {
  // The timeout bounds how long one request can hold a pooled connection.
  const std::string setup = "SET application_name = 'catalog-api'; SET statement_timeout = " +
                            std::to_string(statement_timeout_ms);
  PgResult res(PQexec(conn, setup.c_str()), &PQclear);
  return PQresultStatus(res.get()) == PGRES_COMMAND_OK;
}

}  // namespace

Lease::~Lease() {
  if (conn_ != nullptr) pool_->release(conn_);
}

PgResult Lease::exec(const SqlText& q) {
  std::vector<const char*> values;
  values.reserve(q.params.size());
  for (const auto& p : q.params) values.push_back(p ? p->c_str() : nullptr);
  PgResult res(PQexecParams(conn_, q.sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0),
               &PQclear);
  const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return res;
  std::string msg = field(res.get(), PG_DIAG_MESSAGE_PRIMARY);
  if (msg.empty()) msg = first_line(PQerrorMessage(conn_));
  throw QueryError(field(res.get(), PG_DIAG_SQLSTATE), field(res.get(), PG_DIAG_CONSTRAINT_NAME),
                   msg);
}

void Lease::recover() {
  if (PQstatus(conn_) != CONNECTION_OK) pool_->reset(conn_);
}

ConnectionPool::ConnectionPool(PoolConfig cfg) : cfg_(std::move(cfg)) {
  try {
    for (int i = 0; i < cfg_.size; ++i) all_.push_back(open_one());
  } catch (...) {
    for (PGconn* c : all_) PQfinish(c);
    throw;
  }
  idle_ = all_;
}

ConnectionPool::~ConnectionPool() {
  for (PGconn* c : all_) PQfinish(c);
}

PGconn* ConnectionPool::open_one() const {
  PGconn* conn = PQconnectdb(cfg_.dsn.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    const std::string msg = conn ? first_line(PQerrorMessage(conn)) : "out of memory";
    if (conn) PQfinish(conn);
    throw DbUnavailable("cannot connect to PostgreSQL (" + db::redact_dsn(cfg_.dsn) + "): " + msg);
  }
  db::silence_notices(conn);
  if (!setup_session(conn, cfg_.statement_timeout_ms)) {
    const std::string msg = first_line(PQerrorMessage(conn));
    PQfinish(conn);
    throw DbUnavailable("cannot set up a PostgreSQL session: " + msg);
  }
  return conn;
}

void ConnectionPool::reset(PGconn* conn) const {
  PQreset(conn);
  if (PQstatus(conn) != CONNECTION_OK || !setup_session(conn, cfg_.statement_timeout_ms)) {
    throw DbUnavailable("database unreachable: " + first_line(PQerrorMessage(conn)));
  }
}

Lease ConnectionPool::acquire() {
  PGconn* conn = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, cfg_.wait, [this] { return !idle_.empty(); })) {
      throw DbUnavailable("no database connection free within " +
                          std::to_string(cfg_.wait.count()) + " ms");
    }
    conn = idle_.back();
    idle_.pop_back();
  }
  Lease lease(this, conn);  // gives the connection back even when the reset below throws
  if (PQstatus(conn) != CONNECTION_OK) reset(conn);
  return lease;
}

void ConnectionPool::release(PGconn* conn) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(conn);
  }
  freed_.notify_one();
}

}  // namespace lg::api
