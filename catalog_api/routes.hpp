#pragma once
// The HTTP routes of catalog-api and the state their handlers share.

#include <atomic>

#include "catalog_api/pool.hpp"
#include "catalog_api/prom.hpp"
#include "catalog_api/source.hpp"

namespace httplib {
class Server;
}

namespace lg::api {

/// Everything a handler needs; outlives the server. Thread-safe members only.
struct AppState {
  AppState(Option opt, ConnectionPool& p, int percent)
      : option(opt), pool(p), rollout_percent(percent) {}

  const Option option;
  ConnectionPool& pool;
  Metrics metrics;
  /// Share (0..100) of option C listing reads sent to the view; POST /admin/rollout sets it.
  std::atomic<int> rollout_percent;
};

/// Registers every route (products, listings, writes, /health, /metrics, /admin/rollout) and
/// the error and exception handlers that turn anything else into JSON errors.
void register_routes(httplib::Server& server, AppState& app);

/// Product read routes: GET /api/products, /api/products/search, /api/categories/:id/products,
/// /api/brands/:brand/products and /api/products/:slug (read_routes.cpp).
void register_read_routes(httplib::Server& server, AppState& app);

/// POST /api/products, PUT and DELETE /api/products/:id (write_routes.cpp).
void register_write_routes(httplib::Server& server, AppState& app);

/// GET /health, GET /metrics, POST /admin/rollout and GET /ping (static, no database)
/// (ops_routes.cpp).
void register_ops_routes(httplib::Server& server, AppState& app);

}  // namespace lg::api
