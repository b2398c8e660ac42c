#include "catalog_api/http_util.hpp"

#include <chrono>

#include "catalog_api/request_params.hpp"

namespace lg::api {
namespace {

// Maps the exception in flight to a JSON error response.
void send_current_exception(httplib::Response& res) {
  try {
    throw;
  } catch (const ParamError& e) {
    send_error(res, 400, e.what());
  } catch (const QueryError& e) {
    if (e.sqlstate() == "23505") {
      send_error(res, 409,
                 "conflict: a product with this value already exists (" + e.constraint() + ")");
    } else if (e.sqlstate().rfind("22", 0) == 0) {
      // Class 22 (data exception) comes from a value the client sent, not from the database.
      send_error(res, 400, std::string("invalid value: ") + e.what());
    } else {
      send_error(res, 500, std::string("database error: ") + e.what());
    }
  } catch (const DbUnavailable& e) {
    send_error(res, 503, e.what());
  } catch (const std::exception& e) {
    send_error(res, 500, std::string("internal error: ") + e.what());
  } catch (...) {
    send_error(res, 500, "internal error");
  }
}

}  // namespace

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"success", false}, {"error", message}});
}

void set_read_source(httplib::Response& res, ReadSource s) {
  res.set_header("X-Read-Source", std::string(source_name(s)));
}

httplib::Server::Handler instrument(AppState& app, Route r, RouteBody body) {
  return [&app, r, body = std::move(body)](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    ReadSource source = ReadSource::kNone;
    try {
      source = body(req, res);
    } catch (...) {
      res.headers.erase("X-Read-Source");
      send_current_exception(res);
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    app.metrics.observe(r, source, took.count());
    app.metrics.count_request(r, res.status);
  };
}

}  // namespace lg::api
