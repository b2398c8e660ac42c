// Product read routes (declared in routes.hpp).
#include <limits>

#include "catalog_api/http_util.hpp"
#include "catalog_api/reads.hpp"

namespace lg::api {
namespace {

using httplib::Request;
using httplib::Response;

const std::set<std::string> kListFilters = {"categoryId", "priceMin", "priceMax",
                                            "inStock",    "brand",    "search"};

ReadSource answer_listing(AppState& app, const ListingRequest& r, Response& res) {
  ListingResult result = read_listing(app, r);
  set_read_source(res, result.source);
  send_json(res, 200, result.body);
  return result.source;
}

ReadSource list_products(AppState& app, const Request& req, Response& res) {
  return answer_listing(app, parse_listing(req.params, kListFilters), res);
}

ReadSource search_products(AppState& app, const Request& req, Response& res) {
  const ListingRequest r = parse_listing(req.params, {"q"});
  if (!r.search) throw ParamError("q", "is required");
  return answer_listing(app, r, res);
}

ReadSource category_products(AppState& app, const Request& req, Response& res) {
  ListingRequest r = parse_listing(req.params, {});
  r.category_id = static_cast<std::int32_t>(parse_int("id", req.matches[1].str(),
                                                      std::numeric_limits<std::int32_t>::min(),
                                                      std::numeric_limits<std::int32_t>::max()));
  return answer_listing(app, r, res);
}

ReadSource brand_products(AppState& app, const Request& req, Response& res) {
  ListingRequest r = parse_listing(req.params, {});
  r.brand = checked_text("brand", req.matches[1].str());
  return answer_listing(app, r, res);
}

ReadSource product_by_slug(AppState& app, const Request& req, Response& res) {
  unique_params(req.params, {});
  const std::string slug = checked_text("slug", req.matches[1].str());
  const ReadSource source = write_table_source(app.option);
  set_read_source(res, source);
  if (auto product = read_product_by_slug(app, slug)) {
    send_json(res, 200, {{"success", true}, {"data", *product}});
  } else {
    send_error(res, 404, "product not found: slug " + slug);
  }
  return source;
}

}  // namespace

void register_read_routes(httplib::Server& server, AppState& app) {
  // Registration order matters: cpp-httplib tries patterns in order, so /search comes before
  // the :slug pattern that would also match it. Captures take any bytes, not just [^/]: a value
  // holding an encoded '/' or newline still reaches its handler, which validates it and answers
  // with a JSON 400/404 rather than falling through to "no route".
  server.Get("/api/products", bind_route(app, Route::kListProducts, list_products));
  server.Get("/api/products/search", bind_route(app, Route::kSearch, search_products));
  server.Get(R"(/api/categories/([\s\S]+)/products)",
             bind_route(app, Route::kCategoryProducts, category_products));
  server.Get(R"(/api/brands/([\s\S]+)/products)",
             bind_route(app, Route::kBrandProducts, brand_products));
  server.Get(R"(/api/products/([\s\S]+))", bind_route(app, Route::kProductBySlug, product_by_slug));
}

}  // namespace lg::api
