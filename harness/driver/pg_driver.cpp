#include "harness/driver/pg_driver.hpp"

#include <poll.h>

#include <atomic>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>

#include "harness/core/errors.hpp"
#include "harness/db/connection.hpp"

namespace lg::driver {
namespace {

using WaitType = asio::posix::stream_descriptor::wait_type;

std::string first_line(const char* msg) {
  std::string s = msg != nullptr ? msg : "";
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

// A backend whose client vanished (a VU abandoned at the hard stop closes its connection under
// a statement that may be waiting on a lock) notices within this interval and ends, instead of
// holding a connection slot until its wait ends (PostgreSQL 14+). It costs the server one
// poll() per second of a running statement and nothing else.
constexpr const char* kCheckInterval = "-c client_connection_check_interval=1000";
// Set once a server refused the option (before PostgreSQL 14): later connections go without.
std::atomic<bool> g_without_check_interval{false};

// Starts a connection without blocking. Our keywords come first so that any the user put in
// the DSN win (libpq keeps the last value of a repeated keyword).
PGconn* start_connect(const std::string& conninfo, const std::string& session_options,
                      const std::string& application_name) {
  std::string options =
      g_without_check_interval.load(std::memory_order_relaxed) ? "" : kCheckInterval;
  if (!session_options.empty()) options += (options.empty() ? "" : " ") + session_options;
  std::vector<const char*> keys{"application_name"};
  std::vector<const char*> values{application_name.c_str()};
  if (!options.empty()) {
    keys.push_back("options");
    values.push_back(options.c_str());
  }
  keys.push_back("dbname");
  values.push_back(conninfo.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  return PQconnectStartParams(keys.data(), values.data(), 1);
}

bool refused_check_interval(PGconn* conn) {
  const char* msg = PQerrorMessage(conn);
  return msg != nullptr && std::strstr(msg, "client_connection_check_interval") != nullptr;
}

}  // namespace

PgDriver::PgDriver(asio::io_context& loop, std::string conninfo,
                   const std::vector<Statement>& statements, std::string session_options,
                   std::string application_name)
    : loop_(loop),
      conninfo_(std::move(conninfo)),
      statements_(statements),
      session_options_(std::move(session_options)),
      application_name_(std::move(application_name)),
      backoff_(kReconnectBase, kReconnectCap,
               Rng::stream(static_cast<std::uint64_t>(mono_now()), "pg-reconnect",
                           reinterpret_cast<std::uintptr_t>(this))),
      backoff_timer_(loop),
      socket_(loop) {}

PgDriver::~PgDriver() {
  close();
  if (PGcancel* c = cancel_.exchange(nullptr)) PQfreeCancel(c);
  for (PGcancel* c : retired_cancels_) PQfreeCancel(c);
}

void PgDriver::close() noexcept {
  if (socket_.is_open()) socket_.release();  // libpq owns the descriptor: never close it twice
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

void PgDriver::watch_socket() {
  // The descriptor can change during connection (another address tried) and a closed one can
  // come back with the same number, so the watch is renewed rather than compared.
  if (socket_.is_open()) socket_.release();
  boost::system::error_code ec;
  socket_.assign(PQsocket(conn_), ec);
  if (ec) throw InfraError("cannot watch the PostgreSQL socket: " + ec.message());
}

asio::awaitable<PgDriver::Wait> PgDriver::wait(WaitType what) {
  boost::system::error_code ec;
  co_await socket_.async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
  if (abandoned_) co_return Wait::kAbandoned;
  co_return ec ? Wait::kFailed : Wait::kReady;
}

bool PgDriver::readable_now() const noexcept {
  pollfd p{PQsocket(conn_), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

asio::awaitable<PgDriver::Wait> PgDriver::flush() {
  for (;;) {
    const int rc = PQflush(conn_);
    if (rc == 0) co_return Wait::kReady;
    if (rc < 0) co_return Wait::kFailed;
    const Wait w = co_await wait(WaitType::wait_write);
    if (w != Wait::kReady) co_return w;
  }
}

asio::awaitable<PgDriver::Wait> PgDriver::until_not_busy() {
  bool woke = false;
  for (;;) {
    if (woke && PQconsumeInput(conn_) == 0) co_return Wait::kFailed;
    if (!PQisBusy(conn_)) co_return Wait::kReady;
    // libpq reads one chunk per call: after a partial read the rest may already sit in the
    // socket. Asio 1.18 re-arms the descriptor on every wait, which would report it; this
    // check does not depend on that (the loop's epoll is edge-triggered).
    if (woke && readable_now()) continue;
    const Wait w = co_await wait(WaitType::wait_read);
    if (w != Wait::kReady) co_return w;
    woke = true;
  }
}

asio::awaitable<void> PgDriver::connect() {
  abandoned_ = false;
  conn_ = start_connect(conninfo_, session_options_, application_name_);
  if (conn_ == nullptr) throw InfraError("VU cannot connect to PostgreSQL: out of memory");
  // An attempt that hangs (a server that accepts and never answers) is cut off by closing the
  // watch, which ends the pending wait.
  // The watch outlives this frame if the timer fires as the attempt ends: `done` tells it.
  struct Watch {
    bool done = false;
    bool timed_out = false;
  };
  auto watch = std::make_shared<Watch>();
  asio::steady_timer deadline(loop_, std::chrono::nanoseconds(kConnectTimeout));
  deadline.async_wait([this, watch](boost::system::error_code ec) {
    if (ec || watch->done) return;
    watch->timed_out = true;
    boost::system::error_code ignored;
    if (socket_.is_open()) socket_.cancel(ignored);
  });
  auto fail = [&](const std::string& why) {
    watch->done = true;
    deadline.cancel();
    const std::string msg = "VU cannot connect to PostgreSQL (" + db::redact_dsn(conninfo_) +
                            "): " + (watch->timed_out ? "timed out" : why);
    close();
    return InfraError(msg);
  };
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (st != PGRES_POLLING_OK) {
    if (PQstatus(conn_) == CONNECTION_BAD || st == PGRES_POLLING_FAILED) {
      if (refused_check_interval(conn_) && !g_without_check_interval.exchange(true)) {
        watch->done = true;
        deadline.cancel();
        close();
        co_await connect();  // once more, without the option this server does not know
        co_return;
      }
      throw fail(first_line(PQerrorMessage(conn_)));
    }
    watch_socket();
    const Wait w =
        co_await wait(st == PGRES_POLLING_READING ? WaitType::wait_read : WaitType::wait_write);
    if (w == Wait::kAbandoned) throw fail("abandoned");
    if (watch->timed_out) throw fail("timed out");
    st = PQconnectPoll(conn_);
  }
  watch->done = true;
  deadline.cancel();
  watch_socket();
  db::silence_notices(conn_);
  if (PQsetnonblocking(conn_, 1) != 0) throw fail("cannot switch to non-blocking mode");
  if (PGcancel* old = cancel_.exchange(PQgetCancel(conn_))) retired_cancels_.push_back(old);
}

asio::awaitable<void> PgDriver::prepare_all() {
  for (const auto& st : statements_) {
    if (PQsendPrepare(conn_, st.name.c_str(), st.sql.c_str(), 0, nullptr) == 0 ||
        co_await flush() != Wait::kReady || co_await until_not_busy() != Wait::kReady) {
      const std::string msg = first_line(PQerrorMessage(conn_));
      close();
      throw InfraError("VU lost its connection while preparing " + st.name + ": " + msg);
    }
    std::optional<db::DbError> error;
    while (PGresult* res = PQgetResult(conn_)) {
      if (PQresultStatus(res) != PGRES_COMMAND_OK && !error) {
        error = db::make_db_error(res, conn_, "PREPARE " + st.name);
      }
      PQclear(res);
      if (co_await until_not_busy() != Wait::kReady) break;
    }
    if (error) {
      close();
      throw *error;
    }
  }
}

asio::awaitable<void> PgDriver::open() {
  co_await connect();
  co_await prepare_all();
  if (opened_once_) reconnects_.fetch_add(1, std::memory_order_relaxed);
  opened_once_ = true;
}

asio::awaitable<bool> PgDriver::wait_for_backoff() {
  if (mono_now() >= next_attempt_) co_return true;
  backoff_timer_.expires_after(std::chrono::nanoseconds(next_attempt_ - mono_now()));
  boost::system::error_code ec;
  co_await backoff_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !abandoned_;
}

asio::awaitable<Outcome> PgDriver::execute(std::size_t id, const Params& params) {
  Outcome out;
  abandoned_ = false;  // an abandon() meant for an earlier operation ends nothing now
  cancel_sent_.store(false, std::memory_order_relaxed);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    out.lost = conn_ != nullptr;  // libpq saw it break between operations
    close();
    // One failed attempt per backoff wait: the wait is part of this operation (what a user
    // would wait for), and the attempt after it is what succeeds or fails.
    if (!co_await wait_for_backoff()) {
      out.error = ErrorClass::kCanceled;
      co_return out;
    }
    try {
      co_await open();
      backoff_.reset();
      out.reconnected = opened_once_;
    } catch (...) {
      out.error = abandoned_ ? ErrorClass::kCanceled : ErrorClass::kConnect;
      next_attempt_ = mono_now() + backoff_.next();
      co_return out;
    }
  }
  values_.clear();
  for (const auto& p : params) values_.push_back(p ? p->c_str() : nullptr);
  Wait w = Wait::kFailed;
  if (PQsendQueryPrepared(conn_, statements_[id].name.c_str(), static_cast<int>(values_.size()),
                          values_.data(), nullptr, nullptr, 0) != 0) {
    w = co_await flush();
    if (w == Wait::kReady) w = co_await until_not_busy();
  }
  bool first = true;
  while (w == Wait::kReady) {
    PGresult* res = PQgetResult(conn_);
    if (res == nullptr) break;
    const auto status = PQresultStatus(res);
    if (first && (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)) {
      out.rows = static_cast<std::uint32_t>(PQntuples(res));
    } else if (first) {
      const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      if (state != nullptr) out.sqlstate = state;
      out.error = classify_sqlstate(out.sqlstate);
      // 57014 is statement_timeout's code too: canceled only when this driver asked.
      if (out.sqlstate == "57014" && cancel_sent_.load(std::memory_order_relaxed)) {
        out.error = ErrorClass::kCanceled;
      }
    }
    first = false;
    PQclear(res);
    w = co_await until_not_busy();
  }
  if (w == Wait::kAbandoned) {
    close();
    out.error = ErrorClass::kCanceled;
  } else if (w == Wait::kFailed || PQstatus(conn_) != CONNECTION_OK) {
    close();
    out.error = ErrorClass::kConnect;
    out.lost = true;
    // The server may be restarting: the first reconnect waits ~the backoff's base.
    next_attempt_ = mono_now() + backoff_.next();
  }
  co_return out;
}

void PgDriver::abandon() noexcept {
  abandoned_ = true;
  backoff_timer_.cancel();
  if (socket_.is_open()) {
    boost::system::error_code ec;
    socket_.cancel(ec);
  }
}

void PgDriver::cancel() noexcept {
  if (PGcancel* c = cancel_.load()) {
    cancel_sent_.store(true, std::memory_order_relaxed);
    char err[256];
    PQcancel(c, err, sizeof err);
  }
}

}  // namespace lg::driver
