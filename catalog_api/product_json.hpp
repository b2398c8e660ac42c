#pragma once
// Product rows (columns of table_shape.hpp's select_list) to the API's JSON objects.

#include <libpq-fe.h>

#include <nlohmann/json.hpp>

namespace lg::api {

/// Row `row` of `res` as {"id","sku","slug","name","categoryId","brand","price" (number),
/// "stock","status","createdAt"}, plus "description" and "updatedAt" when `with_detail`
/// (the result must then carry select_list(…, true)'s columns).
nlohmann::json product_json(const PGresult* res, int row, bool with_detail);

/// Every row of `res` as product_json(…, false) objects.
nlohmann::json product_list_json(const PGresult* res);

}  // namespace lg::api
