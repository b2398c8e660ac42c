#include "catalog_api/request_guard.hpp"

#include <strings.h>

#include <cctype>
#include <cstdint>

#include "catalog_api/http_util.hpp"

namespace lg::api {
namespace {

// Methods whose body cpp-httplib reads with a length or a chunked framing.
bool takes_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

// The Content-Length value, or nullopt when it is not a plain decimal number (cpp-httplib
// would read "abc" as 0 and parse the body as the next request).
std::optional<std::uint64_t> content_length(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

std::optional<FramingProblem> chunked_problem(const httplib::Request& req) {
  if (req.get_header_value_count("Transfer-Encoding") != 1 ||
      ::strcasecmp(req.get_header_value("Transfer-Encoding").c_str(), "chunked") != 0) {
    return FramingProblem{501, "Transfer-Encoding: only \"chunked\" is supported"};
  }
  // cpp-httplib reads no body of a DELETE without Content-Length, nor of a GET: the chunks
  // would be parsed as the next request.
  if (!takes_body(req.method)) {
    return FramingProblem{400, "body: a chunked body is not accepted on " + req.method};
  }
  return std::nullopt;
}

std::optional<FramingProblem> length_problem(const httplib::Request& req) {
  if (req.get_header_value_count("Content-Length") != 1) {
    return FramingProblem{400, "Content-Length: given more than once"};
  }
  const auto n = content_length(req.get_header_value("Content-Length"));
  if (!n) return FramingProblem{400, "Content-Length: not a decimal number"};
  const bool read_by_server = takes_body(req.method) || req.method == "DELETE";
  if (*n > 0 && !read_by_server) {
    return FramingProblem{400, "body: a body is not accepted on " + req.method};
  }
  if (*n > kMaxBodyBytes) {
    return FramingProblem{413, "body: larger than " + std::to_string(kMaxBodyBytes) + " bytes"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<FramingProblem> framing_problem(const httplib::Request& req) {
  if (req.method == "PRI") return FramingProblem{400, "method: PRI (HTTP/2) is not supported"};
  if (req.has_header("Transfer-Encoding")) return chunked_problem(req);
  if (req.has_header("Content-Length")) return length_problem(req);
  if (takes_body(req.method)) {
    return FramingProblem{411, "Content-Length: required (or Transfer-Encoding: chunked)"};
  }
  return std::nullopt;
}

void ignore_ranges(const httplib::Request& req) {
  // cpp-httplib 0.11 owns a non-const Request and only lends hooks a const view of it.
  const_cast<httplib::Request&>(req).ranges.clear();
}

httplib::Server::HandlerResponse guard_request(AppState& app, const httplib::Request& req,
                                               httplib::Response& res) {
  ignore_ranges(req);
  // cpp-httplib advertises byte ranges on HEAD unless told otherwise.
  if (req.method == "HEAD") res.set_header("Accept-Ranges", "none");
  const auto problem = framing_problem(req);
  if (!problem) return httplib::Server::HandlerResponse::Unhandled;
  send_error_and_close(res, problem->status, problem->message);
  app.metrics.count_request(Route::kUnmatched, problem->status);
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace lg::api
