#pragma once
// A setup-style connection that survives the server going away: the background activities
// (refresher, staleness probe) and the admin connection use it. After a statement fails on a
// broken connection it is dropped, the loss is logged, and the next use reconnects, no sooner
// than a capped exponential backoff allows, so a database that is down sees one attempt per
// wait from each activity (one error each), not a busy loop.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/backoff.hpp"
#include "harness/core/clock.hpp"
#include "harness/db/connection.hpp"

namespace lg::db {

/// A connection lost or re-established, as it happened.
struct ConnectionEvent {
  Nanos at = 0;       ///< mono_now() when it happened
  std::string who;    ///< "refresher", "staleness probe", "admin", …
  std::string what;   ///< "lost" or "reconnected"
  std::string error;  ///< "lost": the failure that revealed it
};

/// Every connection event of a run's background connections. Thread-safe.
class ConnectionLog {
 public:
  void add(ConnectionEvent e);
  std::vector<ConnectionEvent> events() const;

 private:
  mutable std::mutex mu_;
  std::vector<ConnectionEvent> events_;
};

/// Raised by ReconnectingConnection::get() while the connection is down and the backoff has
/// not yet allowed another attempt, or when the attempt failed (an InfraError subtype would
/// end the run; this one is a measured outage).
class NotConnected : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One owner thread's connection that reconnects on use. Not thread-safe, except cancel().
class ReconnectingConnection {
 public:
  /// Connects now (throws InfraError: a background connection that cannot be made at the start
  /// is a setup failure). `on_connect` runs after every (re)connection (e.g. SET
  /// application_name); `log` (may be null) receives the losses and reconnects under `who`.
  ReconnectingConnection(std::string conninfo, std::string who, ConnectionLog* log,
                         std::function<void(Connection&)> on_connect = {});
  /// The connection, reconnecting first if it was lost and the backoff allows. Throws
  /// NotConnected when it is down (an attempt that failed counts in attempts_failed()).
  Connection& get();
  /// Tells it a statement failed with `e`: when the connection is broken (libpq says so, or the
  /// server's SQLSTATE is class 08 or 57P01..57P03), it is dropped and the loss logged. Returns
  /// true when the connection was lost.
  bool failed(const std::exception& e);
  /// True while connected (as far as libpq knows).
  bool connected() const;
  /// Asks the server to cancel the statement in flight, if any (PQcancel; its error, 57014,
  /// reaches the owner thread). Safe from any thread: a stop that will not wait for it.
  void cancel();
  std::int64_t losses() const noexcept { return losses_; }
  std::int64_t reconnects() const noexcept { return reconnects_; }
  std::int64_t attempts_failed() const noexcept { return attempts_failed_; }

 private:
  std::string conninfo_;
  std::string who_;
  ConnectionLog* log_;
  std::function<void(Connection&)> on_connect_;
  std::optional<Connection> conn_;
  // Replaced by the owner thread on every (re)connection and loss, read by cancel().
  std::mutex cancel_mu_;
  std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> cancel_{nullptr, &PQfreeCancel};
  void set_connection(std::optional<Connection> c);
  Backoff backoff_;
  Nanos next_attempt_ = 0;
  std::int64_t losses_ = 0;
  std::int64_t reconnects_ = 0;
  std::int64_t attempts_failed_ = 0;
};

/// True when `sqlstate` says the session is gone: class 08 (connection exception) or
/// 57P01..57P03 (admin shutdown, crash shutdown, cannot connect now).
bool session_lost_sqlstate(const std::string& sqlstate) noexcept;

}  // namespace lg::db
