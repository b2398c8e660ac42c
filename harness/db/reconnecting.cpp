#include "harness/db/reconnecting.hpp"

#include <utility>

#include "harness/core/errors.hpp"

namespace lg::db {

void ConnectionLog::add(ConnectionEvent e) {
  std::lock_guard lock(mu_);
  events_.push_back(std::move(e));
}

std::vector<ConnectionEvent> ConnectionLog::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

bool session_lost_sqlstate(const std::string& sqlstate) noexcept {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

ReconnectingConnection::ReconnectingConnection(std::string conninfo, std::string who,
                                               ConnectionLog* log,
                                               std::function<void(Connection&)> on_connect)
    : conninfo_(std::move(conninfo)),
      who_(std::move(who)),
      log_(log),
      on_connect_(std::move(on_connect)),
      backoff_(kReconnectBase, kReconnectCap, Rng::stream(mono_now(), "reconnect")) {
  Connection c = Connection::open(conninfo_);
  if (on_connect_) on_connect_(c);
  set_connection(std::move(c));
}

void ReconnectingConnection::set_connection(std::optional<Connection> c) {
  conn_ = std::move(c);
  std::lock_guard lock(cancel_mu_);
  cancel_.reset(conn_ ? PQgetCancel(conn_->raw()) : nullptr);
}

void ReconnectingConnection::cancel() {
  std::lock_guard lock(cancel_mu_);
  if (!cancel_) return;
  char err[256];
  PQcancel(cancel_.get(), err, sizeof err);  // best effort: the owner sees the outcome
}

bool ReconnectingConnection::connected() const {
  return conn_ && PQstatus(conn_->raw()) == CONNECTION_OK;
}

Connection& ReconnectingConnection::get() {
  if (connected()) return *conn_;
  if (conn_) {  // libpq found it broken outside a statement we were told about
    set_connection(std::nullopt);
    ++losses_;
    if (log_) log_->add({mono_now(), who_, "lost", "connection broken"});
  }
  const Nanos now = mono_now();
  if (now < next_attempt_) throw NotConnected(who_ + ": not connected (reconnecting)");
  try {
    Connection c = Connection::open(conninfo_);
    if (on_connect_) on_connect_(c);
    set_connection(std::move(c));
  } catch (const std::exception& e) {
    ++attempts_failed_;
    next_attempt_ = mono_now() + backoff_.next();
    throw NotConnected(who_ + ": reconnect failed: " + e.what());
  }
  backoff_.reset();
  ++reconnects_;
  if (log_) log_->add({mono_now(), who_, "reconnected", ""});
  return *conn_;
}

bool ReconnectingConnection::failed(const std::exception& e) {
  if (!conn_) return false;
  bool lost = PQstatus(conn_->raw()) != CONNECTION_OK;
  if (const auto* db = dynamic_cast<const DbError*>(&e)) {
    lost = lost || session_lost_sqlstate(db->sqlstate());
  }
  if (!lost) return false;
  set_connection(std::nullopt);
  ++losses_;
  next_attempt_ = mono_now() + backoff_.next();
  if (log_) log_->add({mono_now(), who_, "lost", e.what()});
  return true;
}

}  // namespace lg::db
