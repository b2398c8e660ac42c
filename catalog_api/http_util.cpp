#include "catalog_api/http_util.hpp"

#include <chrono>

#include "catalog_api/request_params.hpp"

namespace lg::api {
namespace {

std::string error_text(const std::string& message) {
  return nlohmann::json{{"success", false}, {"error", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Maps the exception in flight to a JSON error response.
void send_current_exception(httplib::Response& res) {
  try {
    throw;
  } catch (const ParamError& e) {
    send_error(res, 400, e.what());
  } catch (const BodyError& e) {
    send_error_and_close(res, e.status(), e.what());
  } catch (const QueryError& e) {
    if (e.sqlstate() == "23505") {
      send_error(res, 409,
                 "conflict: a product with this value already exists (" + e.constraint() + ")");
    } else if (e.sqlstate().rfind("22", 0) == 0 && e.sqlstate() != "2200H") {
      // Class 22 (data exception) comes from a value the client sent, not from the database;
      // 2200H is the id sequence running out, which is the server's.
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

// Times `body`, turns its exceptions into JSON errors and records the metrics.
template <class Body>
void run_route(AppState& app, Route r, httplib::Response& res, const Body& body) {
  const auto start = std::chrono::steady_clock::now();
  ReadSource source = ReadSource::kNone;
  try {
    source = body();
  } catch (...) {
    res.headers.erase("X-Read-Source");
    send_current_exception(res);
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  app.metrics.observe(r, source, took.count());
  app.metrics.count_request(r, res.status);
}

// The whole body within kMaxBodyBytes. Throws BodyError.
std::string read_body(const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& reader) {
  // cpp-httplib 0.11 would run its multipart parser with no receiver set, and throw.
  if (req.is_multipart_form_data()) {
    throw BodyError(415, "body: multipart/form-data is not accepted; send a JSON body");
  }
  std::string body;
  bool too_large = false;
  // The count is of decoded bytes, so a small gzip body cannot expand past the limit either.
  const bool complete = reader([&](const char* data, std::size_t n) {
    if (n > kMaxBodyBytes - body.size()) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (too_large) {
    throw BodyError(413, "body: larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  }
  if (!complete) {
    // cpp-httplib sets 415 for a Content-Encoding it cannot decode, else 400.
    throw BodyError(res.status == 415 ? 415 : 400,
                    res.status == 415 ? "body: unsupported Content-Encoding"
                                      : "body: malformed or incomplete request body");
  }
  return body;
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

// cpp-httplib 0.11 gives a handler no way to close its connection, and after a response it
// parses whatever follows on the socket as the next request: an unread body would become a
// stream of garbage requests. It does drop the connection when a content provider reports a
// failure, so the body is sent by a provider that writes it whole and then reports one.
void send_error_and_close(httplib::Response& res, int status, const std::string& message) {
  const std::string body = error_text(message);
  res.body.clear();
  res.status = status;
  res.set_header("Connection", "close");
  res.set_content_provider(body.size(), "application/json",
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             sink.write(body.data() + offset, length);
                             return false;
                           });
}

void set_read_source(httplib::Response& res, ReadSource s) {
  res.set_header("X-Read-Source", std::string(source_name(s)));
}

httplib::Server::Handler instrument(AppState& app, Route r, RouteBody body) {
  return [&app, r, body = std::move(body)](const httplib::Request& req, httplib::Response& res) {
    run_route(app, r, res, [&] { return body(req, res); });
  };
}

httplib::Server::HandlerWithContentReader instrument_body(AppState& app, Route r,
                                                          BodyRouteBody body) {
  return [&app, r, body = std::move(body)](const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& reader) {
    run_route(app, r, res, [&] { return body(req, read_body(req, res, reader), res); });
  };
}

}  // namespace lg::api
