#pragma once
// JSON responses and the per-route wrappers that time a handler, map its exceptions to JSON
// errors (ParamError 400, BodyError its status, DbUnavailable 503, anything else 500) and
// record the metrics; routes with a request body read it through a byte-counting limit.

#include <httplib.h>

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "catalog_api/routes.hpp"

namespace lg::api {

/// Largest request body accepted, bytes, counted after any Content-Encoding is undone and
/// whatever the framing (Content-Length or chunked).
inline constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 20;

/// A request whose body cannot be taken (too large, malformed, not JSON-shaped framing): it is
/// answered with status() and the connection is closed, as the rest of the body is unread.
class BodyError : public std::runtime_error {
 public:
  BodyError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

/// Sets `status` and the JSON body (invalid UTF-8 from the database is replaced, never thrown).
void send_json(httplib::Response& res, int status, const nlohmann::json& body);

/// Sets `status` and {"success":false,"error":message}.
void send_error(httplib::Response& res, int status, const std::string& message);

/// send_error(), and cpp-httplib closes the connection once the response is written. For
/// requests whose remaining bytes cannot be trusted to frame a next request (an unread body).
void send_error_and_close(httplib::Response& res, int status, const std::string& message);

/// Sets the X-Read-Source header to source_name(s).
void set_read_source(httplib::Response& res, ReadSource s);

/// A route body: answers the request and returns the read source it used (kNone if none).
using RouteBody = std::function<ReadSource(const httplib::Request&, httplib::Response&)>;

/// A route body that takes the request body (read by instrument_body()).
using BodyRouteBody =
    std::function<ReadSource(const httplib::Request&, const std::string&, httplib::Response&)>;

/// Wraps `body` for route `r`: exceptions become JSON errors, and the duration (by route and
/// source; kNone when the body threw) and the status are recorded in app.metrics.
httplib::Server::Handler instrument(AppState& app, Route r, RouteBody body);

/// instrument() for routes that take a body (POST, PUT, PATCH, DELETE): reads it with
/// cpp-httplib's content reader into a string of at most kMaxBodyBytes, chunked bodies
/// included, and answers 413 as soon as more arrives, 415 for multipart/form-data and 400 for
/// a body that cannot be read; each of these closes the connection.
httplib::Server::HandlerWithContentReader instrument_body(AppState& app, Route r,
                                                          BodyRouteBody body);

/// instrument() for a handler `ReadSource f(AppState&, const Request&, Response&)`.
template <class F>
httplib::Server::Handler bind_route(AppState& app, Route r, F f) {
  return instrument(app, r, [&app, f](const httplib::Request& req, httplib::Response& res) {
    return f(app, req, res);
  });
}

/// instrument_body() for `ReadSource f(AppState&, const Request&, const std::string& body,
/// Response&)`.
template <class F>
httplib::Server::HandlerWithContentReader bind_body_route(AppState& app, Route r, F f) {
  return instrument_body(app, r,
                         [&app, f](const httplib::Request& req, const std::string& body,
                                   httplib::Response& res) { return f(app, req, body, res); });
}

}  // namespace lg::api
