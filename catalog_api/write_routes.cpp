// Product write routes (declared in routes.hpp): all go to the option's write table.
#include <cstdlib>
#include <limits>

#include "catalog_api/http_util.hpp"
#include "catalog_api/id_sequence.hpp"
#include "catalog_api/product_json.hpp"
#include "catalog_api/product_sql.hpp"

namespace lg::api {
namespace {

using httplib::Request;
using httplib::Response;

// A drawn id is taken only when something wrote that id without the sequence (an explicit
// id, the harness's write mix); each skip clears a run of up to kIdSkipWindow taken ids.
constexpr int kIdAttempts = 5;

// Query parameters are not looked at: cpp-httplib 0.11 also files a form-encoded body
// (curl -d without a Content-Type) under req.params, and the body is read as JSON anyway.

std::int64_t path_id(const Request& req) {
  return parse_int("id", req.matches[1].str(), 1, std::numeric_limits<std::int64_t>::max());
}

// Moves the sequence past the id the failed insert drew (currval: this session's last
// nextval) and the taken ids after it.
void skip_taken_id(AppState& app, Lease& lease) {
  const PgResult drawn =
      lease.exec({"SELECT currval('" + id_sequence(app.option) + "')", {}}, Retry::kUnsafe);
  const std::int64_t id = std::strtoll(PQgetvalue(drawn.get(), 0, 0), nullptr, 10);
  lease.exec(skip_taken_ids_sql(app.option, id), Retry::kUnsafe);
}

// Writes are never rerun after a lost connection (Retry::kUnsafe): acquire() has already
// reconnected a connection the server closed while it was idle, so what is left is a loss
// during the statement, whose outcome is unknown (503).
PgResult insert_with_retry(AppState& app, Lease& lease, const ProductFields& f) {
  for (int attempt = 1;; ++attempt) {
    try {
      return lease.exec(insert_product_sql(app.option, f), Retry::kUnsafe);
    } catch (const QueryError& e) {
      const bool id_taken =
          !f.id && e.sqlstate() == "23505" && is_primary_key_constraint(app.option, e.constraint());
      if (!id_taken || attempt == kIdAttempts) throw;
    }
    skip_taken_id(app, lease);
  }
}

ReadSource create_product(AppState& app, const Request&, const std::string& body, Response& res) {
  const ProductFields f = parse_product_body(body, false);
  Lease lease = app.pool.acquire();
  const PgResult row = insert_with_retry(app, lease, f);
  send_json(res, 201, {{"success", true}, {"data", product_json(row.get(), 0, true)}});
  return write_table_source(app.option);
}

ReadSource update_product(AppState& app, const Request& req, const std::string& body,
                          Response& res) {
  const std::int64_t id = path_id(req);
  const ProductFields f = parse_product_body(body, true);
  Lease lease = app.pool.acquire();
  const PgResult row = lease.exec(update_product_sql(app.option, id, f), Retry::kUnsafe);
  if (PQntuples(row.get()) == 0) {
    send_error(res, 404, "product not found: id " + std::to_string(id));
  } else {
    send_json(res, 200, {{"success", true}, {"data", product_json(row.get(), 0, true)}});
  }
  return write_table_source(app.option);
}

// A body sent with a DELETE is read (within the limit) and ignored.
ReadSource delete_product(AppState& app, const Request& req, const std::string&, Response& res) {
  const std::int64_t id = path_id(req);
  Lease lease = app.pool.acquire();
  const PgResult row = lease.exec(delete_product_sql(app.option, id), Retry::kUnsafe);
  if (PQntuples(row.get()) == 0) {
    send_error(res, 404, "product not found: id " + std::to_string(id));
  } else {
    send_json(res, 200, {{"success", true}, {"data", {{"id", id}}}});
  }
  return write_table_source(app.option);
}

}  // namespace

void register_write_routes(httplib::Server& server, AppState& app) {
  // Content-reader handlers: the body is read within kMaxBodyBytes (http_util.hpp).
  server.Post("/api/products", bind_body_route(app, Route::kCreateProduct, create_product));
  server.Put(R"(/api/products/([\s\S]+))",
             bind_body_route(app, Route::kUpdateProduct, update_product));
  server.Delete(R"(/api/products/([\s\S]+))",
                bind_body_route(app, Route::kDeleteProduct, delete_product));
}

}  // namespace lg::api
