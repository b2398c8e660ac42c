#pragma once
// Fixed SQL fragments naming each product field in each table catalog-api reads. The JSONB
// expressions are copied from sql/options/B/indexes.sql: a different spelling (::float8 for
// ::numeric) would stop the planner from using the expression indexes. No fragment here ever
// contains user input.

#include <string>

#include "catalog_api/source.hpp"

namespace lg::api {

/// SQL expressions for one table (or view) holding products.
struct TableShape {
  const char* from;         ///< schema-qualified table or view
  const char* type_filter;  ///< "post_type_id = 1 AND " for document tables, else ""
  const char* sku;
  const char* name;
  const char* description;
  const char* category_id;
  const char* brand;
  const char* price;      ///< filter/sort expression (the index's)
  const char* price_out;  ///< output expression, numeric(10, 2)
  const char* stock;
  const char* search_vector;  ///< tsvector expression the GIN index is built on
};

/// The table catalog-api writes to and reads single products from for `option`.
const TableShape& write_table(Option option);

/// Option C's materialized view loadgate_c.mv_product_search.
const TableShape& view_table();

/// The SELECT list of a product row, in the column order product_json.hpp decodes:
/// id, sku, slug, name, category_id, brand, price, stock, status, created_at (ISO 8601 UTC),
/// and, when `with_detail`, description and updated_at.
std::string select_list(const TableShape& t, bool with_detail);

}  // namespace lg::api
