// Product write routes (declared in routes.hpp): all go to the option's write table.
#include <chrono>
#include <limits>
#include <random>
#include <thread>

#include "catalog_api/http_util.hpp"
#include "catalog_api/product_json.hpp"
#include "catalog_api/product_sql.hpp"

namespace lg::api {
namespace {

using httplib::Request;
using httplib::Response;

// Concurrent creations compute the same max(id) + 1 and all but one lose; a loser retries with
// a fresh snapshot after a short random pause (so the same writers do not collide again in
// lockstep). Under N concurrent creators a request can lose up to N - 1 times per round.
constexpr int kIdAttempts = 50;

// Query parameters are not looked at: cpp-httplib 0.11 also files a form-encoded body
// (curl -d without a Content-Type) under req.params, and the body is read as JSON anyway.

std::int64_t path_id(const Request& req) {
  return parse_int("id", req.matches[1].str(), 1, std::numeric_limits<std::int64_t>::max());
}

PgResult insert_with_retry(AppState& app, Lease& lease, const ProductFields& f) {
  for (int attempt = 1;; ++attempt) {
    try {
      return lease.exec(insert_product_sql(app.option, f));
    } catch (const QueryError& e) {
      const bool id_race =
          !f.id && e.sqlstate() == "23505" && is_primary_key_constraint(app.option, e.constraint());
      if (!id_race || attempt == kIdAttempts) throw;
    }
    thread_local std::minstd_rand rng{std::random_device{}()};
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % (500 * attempt)));
  }
}

ReadSource create_product(AppState& app, const Request& req, Response& res) {
  const ProductFields f = parse_product_body(req.body, false);
  Lease lease = app.pool.acquire();
  const PgResult row = insert_with_retry(app, lease, f);
  send_json(res, 201, {{"success", true}, {"data", product_json(row.get(), 0, true)}});
  return write_table_source(app.option);
}

ReadSource update_product(AppState& app, const Request& req, Response& res) {
  const std::int64_t id = path_id(req);
  const ProductFields f = parse_product_body(req.body, true);
  Lease lease = app.pool.acquire();
  const PgResult row = lease.exec(update_product_sql(app.option, id, f));
  if (PQntuples(row.get()) == 0) {
    send_error(res, 404, "product not found: id " + std::to_string(id));
  } else {
    send_json(res, 200, {{"success", true}, {"data", product_json(row.get(), 0, true)}});
  }
  return write_table_source(app.option);
}

ReadSource delete_product(AppState& app, const Request& req, Response& res) {
  const std::int64_t id = path_id(req);
  Lease lease = app.pool.acquire();
  const PgResult row = lease.exec(delete_product_sql(app.option, id));
  if (PQntuples(row.get()) == 0) {
    send_error(res, 404, "product not found: id " + std::to_string(id));
  } else {
    send_json(res, 200, {{"success", true}, {"data", {{"id", id}}}});
  }
  return write_table_source(app.option);
}

}  // namespace

void register_write_routes(httplib::Server& server, AppState& app) {
  server.Post("/api/products", bind_route(app, Route::kCreateProduct, create_product));
  server.Put(R"(/api/products/([\s\S]+))", bind_route(app, Route::kUpdateProduct, update_product));
  server.Delete(R"(/api/products/([\s\S]+))",
                bind_route(app, Route::kDeleteProduct, delete_product));
}

}  // namespace lg::api
