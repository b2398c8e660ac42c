#include "catalog_api/product_json.hpp"

#include <cstdlib>
#include <string>

namespace lg::api {
namespace {

std::string text(const PGresult* res, int row, int col) {
  return {PQgetvalue(res, row, col), static_cast<std::size_t>(PQgetlength(res, row, col))};
}

std::int64_t integer(const PGresult* res, int row, int col) {
  return std::strtoll(PQgetvalue(res, row, col), nullptr, 10);
}

}  // namespace

nlohmann::json product_json(const PGresult* res, int row, bool with_detail) {
  nlohmann::json p = {
      {"id", integer(res, row, 0)},
      {"sku", text(res, row, 1)},
      {"slug", text(res, row, 2)},
      {"name", text(res, row, 3)},
      {"categoryId", integer(res, row, 4)},
      {"brand", text(res, row, 5)},
      // numeric(10, 2) fits a double exactly enough for display; clients compare ids.
      {"price", std::strtod(PQgetvalue(res, row, 6), nullptr)},
      {"stock", integer(res, row, 7)},
      {"status", text(res, row, 8)},
      {"createdAt", text(res, row, 9)},
  };
  if (with_detail) {
    p["description"] = text(res, row, 10);
    p["updatedAt"] = text(res, row, 11);
  }
  return p;
}

nlohmann::json product_list_json(const PGresult* res) {
  nlohmann::json list = nlohmann::json::array();
  const int rows = PQntuples(res);
  for (int r = 0; r < rows; ++r) list.push_back(product_json(res, r, false));
  return list;
}

}  // namespace lg::api
