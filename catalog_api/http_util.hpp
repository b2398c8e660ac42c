#pragma once
// JSON responses and the per-route wrapper that times a handler, maps its exceptions to JSON
// errors (ParamError 400, DbUnavailable 503, anything else 500) and records the metrics.

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog_api/routes.hpp"

namespace lg::api {

/// Sets `status` and the JSON body (invalid UTF-8 from the database is replaced, never thrown).
void send_json(httplib::Response& res, int status, const nlohmann::json& body);

/// Sets `status` and {"success":false,"error":message}.
void send_error(httplib::Response& res, int status, const std::string& message);

/// Sets the X-Read-Source header to source_name(s).
void set_read_source(httplib::Response& res, ReadSource s);

/// A route body: answers the request and returns the read source it used (kNone if none).
using RouteBody = std::function<ReadSource(const httplib::Request&, httplib::Response&)>;

/// Wraps `body` for route `r`: exceptions become JSON errors, and the duration (by route and
/// source; kNone when the body threw) and the status are recorded in app.metrics.
httplib::Server::Handler instrument(AppState& app, Route r, RouteBody body);

/// instrument() for a handler `ReadSource f(AppState&, const Request&, Response&)`.
template <class F>
httplib::Server::Handler bind_route(AppState& app, Route r, F f) {
  return instrument(app, r, [&app, f](const httplib::Request& req, httplib::Response& res) {
    return f(app, req, res);
  });
}

}  // namespace lg::api
