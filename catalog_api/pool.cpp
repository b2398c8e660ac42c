#include "catalog_api/pool.hpp"

#include <poll.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "harness/db/connection.hpp"

namespace lg::api {
namespace {

using Clock = std::chrono::steady_clock;

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

// True when the failure ended the session rather than the statement: the connection is
// closed, or the server said so (class 08 connection exception, 57P01 admin_shutdown after
// pg_terminate_backend or a fast shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
bool session_lost(PGconn* conn, const std::string& sqlstate) {
  return PQstatus(conn) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" ||
         sqlstate == "57P02" || sqlstate == "57P03";
}

// True when an idle connection is known broken or the server has closed it since its last
// use: a terminated backend leaves a FATAL message and an end of file on the socket. Reading
// them now, before a statement is sent, tells a lost connection from a failed statement, which
// is what makes a rerun of a write safe. One poll() when nothing is pending.
bool lost_while_idle(PoolSlot& slot) {
  PGconn* conn = slot.conn;
  for (int i = 0; i < 4 && PQstatus(conn) == CONNECTION_OK && !slot.fatal_seen; ++i) {
    pollfd p{PQsocket(conn), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    // On end of file libpq marks the connection CONNECTION_BAD; other input (a message
    // before the end of file, a notice) is buffered and the socket looked at again.
    if (PQconsumeInput(conn) == 0) break;
    // PQconsumeInput only reads; parsing (which hands an idle-time FATAL to on_notice) is
    // done by PQisBusy.
    PQisBusy(conn);
  }
  return slot.fatal_seen || PQstatus(conn) != CONNECTION_OK;
}

// libpq hands an ErrorResponse that arrives on an idle connection to the notice receiver. A
// FATAL one (pg_terminate_backend, a shutdown) means the end of file follows: the backend
// clears its pg_stat_activity row before it closes the socket, so the FATAL can be read
// while the end of file is still on its way, and the slot must not be trusted with a write.
void on_notice(void* arg, const PGresult* res) {
  const char* severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr &&
      (std::string_view(severity) == "FATAL" || std::string_view(severity) == "PANIC")) {
    static_cast<PoolSlot*>(arg)->fatal_seen = true;
  }
}

std::int64_t now_ns_since_epoch() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::chrono::milliseconds Backoff::delay(int failures, double unit) const {
  double ms = static_cast<double>(base.count());
  for (int i = 1; i < failures && ms < static_cast<double>(cap.count()); ++i) ms *= 2;
  ms = std::min(ms, static_cast<double>(cap.count()));
  ms *= 1.0 + jitter * (2.0 * std::clamp(unit, 0.0, 1.0) - 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
}

const char* PoolStats::state() const noexcept {
  if (down) return "down";
  return broken > 0 ? "reconnecting" : "ok";
}

Lease::~Lease() {
  if (slot_ != nullptr) pool_->release(slot_);
}

PgResult Lease::run(const SqlText& q) {
  std::vector<const char*> values;
  values.reserve(q.params.size());
  for (const auto& p : q.params) values.push_back(p ? p->c_str() : nullptr);
  return PgResult(PQexecParams(slot_->conn, q.sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0),
                  &PQclear);
}

PgResult Lease::exec(const SqlText& q, Retry retry) {
  for (int attempt = 1;; ++attempt) {
    PgResult res = run(q);
    const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return res;
    std::string msg = field(res.get(), PG_DIAG_MESSAGE_PRIMARY);
    if (msg.empty()) msg = first_line(PQerrorMessage(slot_->conn));
    const std::string sqlstate = field(res.get(), PG_DIAG_SQLSTATE);
    if (!session_lost(slot_->conn, sqlstate)) {
      throw QueryError(sqlstate, field(res.get(), PG_DIAG_CONSTRAINT_NAME), msg);
    }
    pool_->mark_lost(*slot_);
    // The server may have run the write before the session ended (or ended it between the
    // commit and the reply): running it again could apply it twice.
    if (retry == Retry::kUnsafe) {
      throw DbUnavailable(
          "database connection lost during a write, which may or may not have "
          "been applied: " +
          msg);
    }
    if (attempt == 2)
      throw DbUnavailable("database connection lost again after a reconnect: " + msg);
    pool_->reconnect(*slot_);
    pool_->retries_.fetch_add(1, std::memory_order_relaxed);
  }
}

void Lease::recover() {
  if (!slot_->lost && PQstatus(slot_->conn) != CONNECTION_OK) pool_->mark_lost(*slot_);
  if (slot_->lost) pool_->reconnect(*slot_);
}

ConnectionPool::ConnectionPool(PoolConfig cfg) : cfg_(std::move(cfg)) {
  try {
    for (int i = 0; i < cfg_.size; ++i) {
      all_.push_back(std::make_unique<PoolSlot>());
      all_.back()->conn = open_one();
      PQsetNoticeReceiver(all_.back()->conn, on_notice, all_.back().get());
    }
  } catch (...) {
    for (auto& s : all_) {
      if (s->conn) PQfinish(s->conn);
    }
    throw;
  }
  for (auto& s : all_) idle_.push_back(s.get());
}

ConnectionPool::~ConnectionPool() {
  for (auto& s : all_) PQfinish(s->conn);
}

PGconn* ConnectionPool::open_one() const {
  // connect_timeout comes first so that one in the DSN (expanded from "dbname") overrides it.
  const std::string timeout = std::to_string(cfg_.connect_timeout_s);
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), cfg_.dsn.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
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

void ConnectionPool::mark_lost(PoolSlot& slot) {
  if (slot.lost) return;
  slot.lost = true;
  broken_.fetch_add(1, std::memory_order_relaxed);
  losses_.fetch_add(1, std::memory_order_relaxed);
  last_loss_ns_.store(now_ns_since_epoch(), std::memory_order_relaxed);
}

// While the database answers, every lost connection reconnects at once (a terminated backend
// or a restart loses them all together). After a failed attempt the gate admits one attempt
// at a time, each after the backoff delay: a database that is down is not hammered, and the
// requests in between get their 503 at once instead of waiting on a connect.
void ConnectionPool::claim_attempt() {
  std::lock_guard lock(mutex_);
  if (consecutive_failures_ > 0) {
    const auto now = Clock::now();
    if (attempts_in_flight_ > 0 || now < next_attempt_) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::max(next_attempt_ - now, Clock::duration::zero()));
      throw DbUnavailable("database unreachable (" + last_error_ + "); next reconnect attempt in " +
                          std::to_string(wait.count()) + " ms");
    }
  }
  ++attempts_in_flight_;
}

void ConnectionPool::finish_attempt(bool ok, const std::string& error) {
  std::lock_guard lock(mutex_);
  --attempts_in_flight_;
  if (ok) {
    consecutive_failures_ = 0;
    return;
  }
  ++consecutive_failures_;
  last_error_ = error;
  const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(jitter_rng_);
  next_attempt_ = Clock::now() + cfg_.backoff.delay(consecutive_failures_, unit);
}

void ConnectionPool::reconnect(PoolSlot& slot) {
  claim_attempt();
  PQreset(slot.conn);
  const bool ok =
      PQstatus(slot.conn) == CONNECTION_OK && setup_session(slot.conn, cfg_.statement_timeout_ms);
  const std::string error = ok ? "" : first_line(PQerrorMessage(slot.conn));
  finish_attempt(ok, error);
  if (!ok) {
    reconnect_failures_.fetch_add(1, std::memory_order_relaxed);
    throw DbUnavailable("database unreachable: " + error);
  }
  slot.lost = false;
  slot.fatal_seen = false;
  broken_.fetch_sub(1, std::memory_order_relaxed);
  reconnects_.fetch_add(1, std::memory_order_relaxed);
}

Lease ConnectionPool::acquire() {
  PoolSlot* slot = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, cfg_.wait, [this] { return !idle_.empty(); })) {
      throw DbUnavailable("no database connection free within " +
                          std::to_string(cfg_.wait.count()) + " ms");
    }
    slot = idle_.back();
    idle_.pop_back();
  }
  Lease lease(this, slot);  // gives the connection back even when the reconnect below throws
  if (!slot->lost && lost_while_idle(*slot)) mark_lost(*slot);
  if (slot->lost) reconnect(*slot);
  return lease;
}

void ConnectionPool::release(PoolSlot* slot) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(slot);
  }
  freed_.notify_one();
}

PoolStats ConnectionPool::stats() const {
  PoolStats s;
  s.size = cfg_.size;
  s.broken = broken_.load(std::memory_order_relaxed);
  s.losses = losses_.load(std::memory_order_relaxed);
  s.reconnects = reconnects_.load(std::memory_order_relaxed);
  s.reconnect_failures = reconnect_failures_.load(std::memory_order_relaxed);
  s.retries = retries_.load(std::memory_order_relaxed);
  if (const std::int64_t ns = last_loss_ns_.load(std::memory_order_relaxed); ns != 0) {
    s.last_loss = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(ns)));
  }
  std::lock_guard lock(mutex_);
  s.down = consecutive_failures_ > 0;
  if (s.down) {
    s.retry_in = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(next_attempt_ - Clock::now(), Clock::duration::zero()));
  }
  return s;
}

}  // namespace lg::api
