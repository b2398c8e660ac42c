#pragma once
// HTTP request templates (docs/architecture.md "Vocabulary"): a method, a path such as
// "/api/products?categoryId={category}&page={page}" and an optional body, whose {placeholders}
// are filled by the same parameter generators as SQL queries. A template compiles into a
// QuerySpec (which generators to draw, as for a query's `-- params:` header) plus segments that
// say where each drawn value goes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/errors.hpp"
#include "harness/workload/catalog.hpp"

namespace lg::workload {

/// A piece of a rendered string: literal text, or the drawn value in `slot` ($n - 1).
struct Segment {
  std::string literal;
  int slot = -1;  ///< >= 0: a parameter slot
};

/// One compiled request.
struct RequestTemplate {
  std::string name;
  std::string method = "GET";  ///< GET, POST, PUT or DELETE
  std::vector<Segment> path;   ///< rendered with values percent-encoded (RFC 3986)
  std::vector<Segment> body;   ///< rendered with values JSON-string-escaped; empty: no body
  int expect_status = 0;       ///< 0: any 2xx
  QuerySpec params;            ///< generators to draw per request; option '\0'
};

/// Placeholder names a template may use: every one-value generator, plus price_min and
/// price_max (the two ends of one price_range draw).
const std::vector<std::string>& placeholder_names();

/// Compiles a request. Throws InputError at `path_at` (field `field`.path or .body) for an
/// unknown or unterminated placeholder, a path not starting with '/', or a method other than
/// GET, POST, PUT, DELETE.
RequestTemplate compile_request(const std::string& name, const std::string& method,
                                const std::string& path, const std::string& body, int expect_status,
                                const SourceLoc& at, const std::string& field);

/// Appends `segments` with `values` substituted to `out` (cleared first). Values are
/// percent-encoded when `url`, JSON-escaped otherwise.
void render(const std::vector<Segment>& segments,
            const std::vector<std::optional<std::string>>& values, bool url, std::string& out);

}  // namespace lg::workload
