#pragma once
// Checks every request makes before it is routed (cpp-httplib's pre-routing hook), so that
// cpp-httplib 0.11 never starts reading a body it cannot bound or frame:
//   - a POST/PUT/PATCH with neither Content-Length nor chunked Transfer-Encoding is a 411 at
//     once (cpp-httplib would read it "until the connection closes", i.e. wait out the read
//     timeout);
//   - a Content-Length above kMaxBodyBytes is a 413 at once (cpp-httplib would read and discard
//     all of it first); a malformed or repeated one is a 400;
//   - a transfer coding other than plain "chunked" is a 501; a chunked body on a method whose
//     body cpp-httplib does not read (DELETE, GET, ...) is a 400, as is a GET/HEAD/OPTIONS with
//     a Content-Length above 0;
//   - the PRI method (an HTTP/2 preface) is a 400.
// Each of these closes the connection. Chunked bodies that pass are bounded by the routes'
// content readers (http_util.hpp instrument_body).
//
// Range headers are ignored: every response is the whole representation with its own status.
// cpp-httplib 0.11 parses Range before routing and would slice any routed response (a JSON
// error too), building a multipart/byteranges body per range: 2,500 ranges on /metrics made a
// 100 MB answer.

#include <httplib.h>

#include <optional>
#include <string>

#include "catalog_api/routes.hpp"

namespace lg::api {

/// Why a request cannot be read safely: the status to answer and the message.
struct FramingProblem {
  int status;
  std::string message;
};

/// The framing checks above on the request line and headers alone; nullopt when the request
/// may be routed. Pure.
std::optional<FramingProblem> framing_problem(const httplib::Request& req);

/// Forgets the request's parsed Range header so that cpp-httplib answers in full. Safe on the
/// const Request cpp-httplib hands to hooks: the object itself is not const.
void ignore_ranges(const httplib::Request& req);

/// The pre-routing hook: ignore_ranges(), then answers framing_problem() (JSON error, counted
/// as Route::kUnmatched) and closes the connection, or lets the request through.
httplib::Server::HandlerResponse guard_request(AppState& app, const httplib::Request& req,
                                               httplib::Response& res);

}  // namespace lg::api
