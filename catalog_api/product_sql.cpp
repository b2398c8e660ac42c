#include "catalog_api/product_sql.hpp"

#include "catalog_api/id_sequence.hpp"

namespace lg::api {
namespace {

// $1..$10 of insert and update: id, sku, slug, name, description, categoryId, brand, price,
// stock, status (nullopt = not given).
std::vector<SqlParam> field_params(const ProductFields& f, std::optional<std::int64_t> id) {
  auto num = [](const auto& v) -> SqlParam {
    return v ? SqlParam(std::to_string(*v)) : std::nullopt;
  };
  return {num(id), f.sku,   f.slug,       f.name,  f.description, num(f.category_id),
          f.brand, f.price, num(f.stock), f.status};
}

// The customFields document of B/C, in the datagen's key names and JSON types (price a
// number with two decimals: numeric(10, 2) keeps its scale inside jsonb).
constexpr const char* kFieldsObject =
    "jsonb_build_object('sku', $2::text, 'description', $5::text, 'categoryId', $6::int, "
    "'brand', $7::text, 'price', $8::numeric(10, 2), 'stock', $9::int)";

// The explicit id, or the sequence's next one (never max(id) + 1: that overflows after an
// explicit id of 2^63 - 1, and concurrent creations compute the same value). COALESCE calls
// nextval only when $1 is NULL, so an explicit id consumes no sequence value.
std::string next_id(Option option) {
  return "coalesce($1::bigint, nextval('" + id_sequence(option) + "'))";
}

std::string returning(Option option) {
  return " RETURNING " + select_list(write_table(option), true);
}

}  // namespace

SqlText product_by_slug_sql(Option option, const std::string& slug) {
  const TableShape& t = write_table(option);
  return {"SELECT " + select_list(t, true) + " FROM " + t.from + " WHERE " + t.type_filter +
              "slug = $1::text",
          {slug}};
}

SqlText insert_product_sql(Option option, const ProductFields& f) {
  const TableShape& t = write_table(option);
  std::string sql = std::string("INSERT INTO ") + t.from;
  if (option == Option::kA) {
    sql +=
        " (id, sku, slug, name, description, category_id, brand, price, stock, status, "
        "created_at, updated_at) SELECT " +
        next_id(option) +
        ", $2::text, $3::text, $4::text, $5::text, $6::int, $7::text, $8::numeric(10, 2), "
        "$9::int, $10::text, now(), now()";
  } else {
    sql +=
        " (id, post_type_id, slug, title, status, created_at, updated_at, \"customFields\") "
        "SELECT " +
        next_id(option) + ", 1, $3::text, $4::text, $10::text, now(), now(), " + kFieldsObject;
  }
  return {sql + returning(option), field_params(f, f.id)};
}

SqlText update_product_sql(Option option, std::int64_t id, const ProductFields& f) {
  const TableShape& t = write_table(option);
  std::string sql = std::string("UPDATE ") + t.from + " SET ";
  if (option == Option::kA) {
    sql +=
        "sku = coalesce($2::text, sku), slug = coalesce($3::text, slug), "
        "name = coalesce($4::text, name), description = coalesce($5::text, description), "
        "category_id = coalesce($6::int, category_id), brand = coalesce($7::text, brand), "
        "price = coalesce($8::numeric(10, 2), price), stock = coalesce($9::int, stock), "
        "status = coalesce($10::text, status)";
  } else {
    // || merges the given keys over the stored document; jsonb_strip_nulls drops absent ones.
    sql += std::string(
               "slug = coalesce($3::text, slug), title = coalesce($4::text, title), "
               "status = coalesce($10::text, status), "
               "\"customFields\" = \"customFields\" || jsonb_strip_nulls(") +
           kFieldsObject + ")";
  }
  sql += std::string(", updated_at = now() WHERE ") + t.type_filter + "id = $1::bigint";
  return {sql + returning(option), field_params(f, id)};
}

SqlText delete_product_sql(Option option, std::int64_t id) {
  const TableShape& t = write_table(option);
  return {std::string("DELETE FROM ") + t.from + " WHERE " + t.type_filter +
              "id = $1::bigint RETURNING id",
          {std::to_string(id)}};
}

bool is_primary_key_constraint(Option option, std::string_view constraint) {
  return constraint == (option == Option::kA ? "products_pkey" : "custom_posts_pkey");
}

}  // namespace lg::api
