// Operational routes (declared in routes.hpp): health, metrics and the rollout switch.
#include <time.h>

#include <chrono>
#include <cstdio>

#include "catalog_api/http_util.hpp"
#include "catalog_api/request_params.hpp"

namespace lg::api {
namespace {

using httplib::Request;
using httplib::Response;

const SqlText kPing{"SELECT 1", {}};
const SqlText kStaleness{
    "SELECT extract(epoch FROM now() - max(finished_at))::float8 "
    "FROM loadgate_c.mv_refresh_log WHERE status = 'success'",
    {}};

// Seconds since the last successful refresh finished; nullopt for options A/B, with no
// successful refresh yet, or when the log cannot be read.
std::optional<double> view_staleness(AppState& app, Lease& lease) {
  if (app.option != Option::kC) return std::nullopt;
  try {
    const PgResult r = lease.exec(kStaleness);
    if (PQgetisnull(r.get(), 0, 0)) return std::nullopt;
    return std::strtod(PQgetvalue(r.get(), 0, 0), nullptr);
  } catch (const QueryError&) {
    return std::nullopt;
  }
}

// ISO 8601 UTC with milliseconds, e.g. 2026-12-01T10:00:00.123Z.
std::string iso_utc(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const time_t secs = static_cast<time_t>(ms.count() / 1000);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &parts);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms.count() % 1000));
  return buf;
}

nlohmann::json pool_json(const PoolStats& s) {
  nlohmann::json pool = {{"state", s.state()},         {"size", s.size},
                         {"lost", s.broken},           {"losses", s.losses},
                         {"reconnects", s.reconnects}, {"reconnectFailures", s.reconnect_failures},
                         {"retries", s.retries},       {"nextAttemptInMs", s.retry_in.count()},
                         {"lastLossAt", nullptr}};
  if (s.last_loss) pool["lastLossAt"] = iso_utc(*s.last_loss);
  return pool;
}

// "database" says whether this check got an answer; "pool" says how the pool got there
// (losses found, reconnects made, and whether it is backing off after a failed attempt).
nlohmann::json health_body(AppState& app, bool ok, std::optional<double> staleness) {
  nlohmann::json body = {{"success", ok},
                         {"database", ok ? "ok" : "unreachable"},
                         {"option", std::string(option_name(app.option))},
                         {"mvRolloutPercent", app.rollout_percent.load()},
                         {"staleness_seconds", nullptr},
                         {"pool", pool_json(app.pool.stats())}};
  if (staleness) body["staleness_seconds"] = *staleness;
  return body;
}

// A lost pooled connection is reconnected by acquire() (or by the ping's one rerun), so 503
// means no connection could be had now; during the backoff after a failed attempt it comes at
// once, without an attempt.
ReadSource health(AppState& app, const Request&, Response& res) {
  std::optional<double> staleness;
  try {
    Lease lease = app.pool.acquire();
    lease.exec(kPing);
    staleness = view_staleness(app, lease);
  } catch (const std::exception& e) {
    nlohmann::json body = health_body(app, false, std::nullopt);
    body["error"] = e.what();
    send_json(res, 503, body);
    return ReadSource::kNone;
  }
  app.metrics.set_staleness(staleness);
  send_json(res, 200, health_body(app, true, staleness));
  return ReadSource::kNone;
}

void append_pool_metrics(std::string& out, const PoolStats& s) {
  append_counter(out, "catalog_api_db_connection_losses_total",
                 "Pooled PostgreSQL connections found lost (terminated, server restarted).",
                 s.losses);
  append_counter(out, "catalog_api_db_reconnects_total",
                 "Successful reconnects of lost pooled connections.", s.reconnects);
  append_counter(out, "catalog_api_db_reconnect_failures_total",
                 "Failed reconnect attempts (each followed by a backoff).", s.reconnect_failures);
  append_counter(out, "catalog_api_db_statement_retries_total",
                 "Reads rerun once on a reconnected connection after theirs was lost.", s.retries);
  append_gauge(out, "catalog_api_db_pool_lost_connections",
               "Pooled connections known lost and not reconnected yet.", s.broken);
  append_gauge(out, "catalog_api_db_pool_down",
               "1 while the last reconnect attempt failed (backing off), else 0.", s.down ? 1 : 0);
}

ReadSource metrics(AppState& app, const Request&, Response& res) {
  if (app.option == Option::kC) {
    // A scrape must answer even when the database does not: the gauge then keeps its value.
    try {
      Lease lease = app.pool.acquire();
      app.metrics.set_staleness(view_staleness(app, lease));
    } catch (const std::exception&) {
    }
  }
  std::string text = app.metrics.render(app.rollout_percent.load());
  append_pool_metrics(text, app.pool.stats());
  res.status = 200;
  res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  return ReadSource::kNone;
}

ReadSource set_rollout(AppState& app, const Request&, const std::string& body, Response& res) {
  const int percent = parse_rollout_body(body);
  app.rollout_percent.store(percent);
  send_json(res, 200, {{"success", true}, {"percent", percent}});
  return ReadSource::kNone;
}

// A fixed answer that touches no database: the baseline for measuring the HTTP path alone
// (loadgate's client against wrk, bench/).
ReadSource ping(AppState&, const Request&, Response& res) {
  res.status = 200;
  res.set_content(R"({"success":true})", "application/json");
  return ReadSource::kNone;
}

}  // namespace

void register_ops_routes(httplib::Server& server, AppState& app) {
  server.Get("/health", bind_route(app, Route::kHealth, health));
  server.Get("/metrics", bind_route(app, Route::kMetrics, metrics));
  server.Post("/admin/rollout", bind_body_route(app, Route::kRollout, set_rollout));
  server.Get("/ping", bind_route(app, Route::kPing, ping));
}

}  // namespace lg::api
