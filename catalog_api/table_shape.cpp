#include "catalog_api/table_shape.hpp"

namespace lg::api {
namespace {

// Option A's products and option C's view have the same typed columns (sql/options/C/view.sql).
constexpr TableShape typed(const char* from) {
  return {from,    "",      "sku",   "name",  "description",  "category_id",
          "brand", "price", "price", "stock", "search_vector"};
}

constexpr TableShape documents(const char* from) {
  return {from,
          "post_type_id = 1 AND ",
          R"(("customFields"->>'sku'))",
          "title",
          R"(("customFields"->>'description'))",
          R"((("customFields"->>'categoryId')::int))",
          R"(("customFields"->>'brand'))",
          R"((("customFields"->>'price')::numeric))",
          R"((("customFields"->>'price')::numeric(10, 2)))",
          R"((("customFields"->>'stock')::int))",
          R"(to_tsvector('english', title || ' ' || ("customFields"->>'description')))"};
}

constexpr TableShape kProductsA = typed("loadgate_a.products");
constexpr TableShape kViewC = typed("loadgate_c.mv_product_search");
constexpr TableShape kPostsB = documents("loadgate_b.custom_posts");
constexpr TableShape kPostsC = documents("loadgate_c.custom_posts");

// Timestamps leave the database already in the API's format, whatever the session TimeZone.
constexpr const char* kIsoUtc = R"('YYYY-MM-DD"T"HH24:MI:SS"Z"')";

}  // namespace

const TableShape& write_table(Option option) {
  switch (option) {
    case Option::kA:
      return kProductsA;
    case Option::kB:
      return kPostsB;
    case Option::kC:
      break;
  }
  return kPostsC;
}

const TableShape& view_table() { return kViewC; }

std::string select_list(const TableShape& t, bool with_detail) {
  std::string s = "id, ";
  s += t.sku;
  s += ", slug, ";
  s += t.name;
  s += ", ";
  s += t.category_id;
  s += ", ";
  s += t.brand;
  s += ", ";
  s += t.price_out;
  s += ", ";
  s += t.stock;
  s += ", status, to_char(created_at AT TIME ZONE 'UTC', ";
  s += kIsoUtc;
  s += ")";
  if (with_detail) {
    s += ", ";
    s += t.description;
    s += ", to_char(updated_at AT TIME ZONE 'UTC', ";
    s += kIsoUtc;
    s += ")";
  }
  return s;
}

}  // namespace lg::api
