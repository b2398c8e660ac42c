#include "catalog_api/routes.hpp"

#include "catalog_api/http_util.hpp"
#include "catalog_api/request_guard.hpp"

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
  if (res.status == 416) return "range: a malformed Range header (Range is not supported)";
  return "malformed HTTP request";
}

// cpp-httplib calls this for every response with status >= 400. Our handlers always set a
// JSON body, and responses that close the connection (send_error_and_close) carry a
// Connection header; anything else is cpp-httplib answering on its own (no route, bad request
// line, a Range header it cannot parse).
httplib::Server::HandlerResponse on_error(AppState& app, const Request& req, Response& res) {
  if (!res.body.empty() || res.has_header("Connection")) {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  // cpp-httplib applies the request's ranges to this response too.
  ignore_ranges(req);
  // An overlong URI is the client's malformed input like any other: a 400, as the API
  // promises for every bad parameter, instead of cpp-httplib's bare 414.
  const std::string message = unmatched_message(req, res);
  const int status = res.status == 414 ? 400 : res.status;
  if (res.status == 404) {
    send_error(res, status, message);
  } else {
    // On a rejected request line or header cpp-httplib 0.11 leaves the rest of the request
    // unread yet keeps the connection, so the leftover bytes would be parsed as the next
    // request: the connection is closed instead.
    send_error_and_close(res, status, message);
  }
  app.metrics.count_request(Route::kUnmatched, status);
  return httplib::Server::HandlerResponse::Handled;
}

// No route for a method that carries a body: the body is still read within the limit (so the
// connection stays usable) and answered like cpp-httplib's own 404.
ReadSource no_route(AppState&, const Request& req, const std::string&, Response& res) {
  send_error(res, 404, "no route for " + req.method + " " + short_path(req.path));
  return ReadSource::kNone;
}

}  // namespace

void register_routes(httplib::Server& server, AppState& app) {
  register_read_routes(server, app);
  register_write_routes(server, app);
  register_ops_routes(server, app);
  // Every body cpp-httplib reads goes through a content reader (instrument_body), which
  // bounds it, chunked or compressed; its own reading into req.body bounds neither. Patterns
  // take any bytes ([\s\S]: '.' stops at a decoded newline).
  const char* kAnyPath = R"([\s\S]*)";
  server.Post(kAnyPath, bind_body_route(app, Route::kUnmatched, no_route));
  server.Put(kAnyPath, bind_body_route(app, Route::kUnmatched, no_route));
  server.Patch(kAnyPath, bind_body_route(app, Route::kUnmatched, no_route));
  server.Delete(kAnyPath, bind_body_route(app, Route::kUnmatched, no_route));
  server.set_pre_routing_handler(
      [&app](const Request& req, Response& res) { return guard_request(app, req, res); });
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&app](const Request& req, Response& res) { return on_error(app, req, res); }));
  // instrument() already catches everything a route throws; this is the last line of defence.
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_error(res, 500, "internal error");
  });
}

}  // namespace lg::api
