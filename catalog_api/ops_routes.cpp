// Operational routes (declared in routes.hpp): health, metrics and the rollout switch.
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

nlohmann::json health_body(AppState& app, bool ok, std::optional<double> staleness) {
  nlohmann::json body = {{"success", ok},
                         {"database", ok ? "ok" : "unreachable"},
                         {"option", std::string(option_name(app.option))},
                         {"mvRolloutPercent", app.rollout_percent.load()},
                         {"staleness_seconds", nullptr}};
  if (staleness) body["staleness_seconds"] = *staleness;
  return body;
}

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

ReadSource metrics(AppState& app, const Request&, Response& res) {
  if (app.option == Option::kC) {
    // A scrape must answer even when the database does not: the gauge then keeps its value.
    try {
      Lease lease = app.pool.acquire();
      app.metrics.set_staleness(view_staleness(app, lease));
    } catch (const std::exception&) {
    }
  }
  res.status = 200;
  res.set_content(app.metrics.render(app.rollout_percent.load()),
                  "text/plain; version=0.0.4; charset=utf-8");
  return ReadSource::kNone;
}

ReadSource set_rollout(AppState& app, const Request& req, Response& res) {
  const int percent = parse_rollout_body(req.body);
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
  server.Post("/admin/rollout", bind_route(app, Route::kRollout, set_rollout));
  server.Get("/ping", bind_route(app, Route::kPing, ping));
}

}  // namespace lg::api
