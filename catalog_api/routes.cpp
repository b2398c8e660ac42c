#include "catalog_api/routes.hpp"

#include "catalog_api/http_util.hpp"

namespace lg::api {
namespace {

using httplib::Request;
using httplib::Response;

// A user-controlled path echoed in an error stays short; send_json replaces invalid UTF-8.
std::string short_path(const std::string& path) {
  return path.size() > 100 ? path.substr(0, 100) + "..." : path;
}

std::string unmatched_message(const Request& req, const Response& res) {
  if (res.status == 404) return "no route for " + req.method + " " + short_path(req.path);
  if (res.status == 414) return "uri: request URI longer than cpp-httplib's 8192-byte limit";
  if (res.status == 413) return "body: request body too large";
  return "malformed HTTP request";
}

// cpp-httplib calls this for every response with status >= 400. Our handlers always set a
// JSON body; an empty body means cpp-httplib answered on its own (no route, bad request line).
httplib::Server::HandlerResponse on_error(AppState& app, const Request& req, Response& res) {
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  // An overlong URI is the client's malformed input like any other: a 400, as the API
  // promises for every bad parameter, instead of cpp-httplib's bare 414.
  const std::string message = unmatched_message(req, res);
  send_error(res, res.status == 414 ? 400 : res.status, message);
  // On a rejected request line or body cpp-httplib 0.11 leaves the rest of the request unread
  // yet keeps the connection, so the leftover bytes would be parsed as the next request: ask
  // the client to close instead.
  if (res.status != 404) res.set_header("Connection", "close");
  app.metrics.count_request(Route::kUnmatched, res.status);
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

void register_routes(httplib::Server& server, AppState& app) {
  register_read_routes(server, app);
  register_write_routes(server, app);
  register_ops_routes(server, app);
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&app](const Request& req, Response& res) { return on_error(app, req, res); }));
  // instrument() already catches everything a route throws; this is the last line of defence.
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_error(res, 500, "internal error");
  });
}

}  // namespace lg::api
