#include "catalog_api/listing_sql.hpp"

namespace lg::api {
namespace {

// Accumulates "AND <expr> <op> $n::<cast>" conditions and their parameters.
class Where {
 public:
  explicit Where(const TableShape& t) {
    sql_ = " WHERE ";
    sql_ += t.type_filter;
    sql_ += "status = 'publish'";
  }

  void add(const char* expr, const char* op, std::string value, const char* cast,
           const char* close = "") {
    params_.push_back(std::move(value));
    sql_ += " AND ";
    sql_ += expr;
    sql_ += op;
    sql_ += "$" + std::to_string(params_.size()) + "::" + cast;
    sql_ += close;
  }

  void add_fixed(const char* expr, const char* rest) {
    sql_ += " AND ";
    sql_ += expr;
    sql_ += rest;
  }

  const std::string& sql() const { return sql_; }
  std::vector<SqlParam>& params() { return params_; }

 private:
  std::string sql_;
  std::vector<SqlParam> params_;
};

Where filters(const TableShape& t, const ListingRequest& r) {
  Where w(t);
  if (r.category_id) w.add(t.category_id, " = ", std::to_string(*r.category_id), "int");
  if (r.brand) w.add(t.brand, " = ", *r.brand, "text");
  // stock > 0 is the predicate of the partial price/stock indexes, spelled as they spell it.
  if (r.in_stock) w.add_fixed(t.stock, *r.in_stock ? " > 0" : " <= 0");
  if (r.price_min) w.add(t.price, " >= ", *r.price_min, "numeric");
  if (r.price_max) w.add(t.price, " <= ", *r.price_max, "numeric");
  if (r.search) {
    w.add(t.search_vector, " @@ plainto_tsquery('english', ", *r.search, "text", ")");
  }
  return w;
}

const char* sort_expr(const TableShape& t, SortBy s) {
  switch (s) {
    case SortBy::kPrice:
      return t.price;
    case SortBy::kName:
      return t.name;
    case SortBy::kCreatedAt:
      break;
  }
  return "created_at";
}

}  // namespace

ListingSql listing_sql(const TableShape& t, const ListingRequest& r) {
  Where w = filters(t, r);
  const char* dir = r.descending ? " DESC" : " ASC";

  ListingSql out;
  out.total.sql = std::string("SELECT count(*) FROM ") + t.from + w.sql();
  out.total.params = w.params();

  std::vector<SqlParam>& params = w.params();
  params.push_back(std::to_string(r.limit));
  params.push_back(std::to_string(r.offset()));
  const std::size_t n = params.size();
  out.page.sql = "SELECT " + select_list(t, false) + " FROM " + t.from + w.sql() + " ORDER BY " +
                 sort_expr(t, r.sort_by) + dir + ", id" + dir + " LIMIT $" + std::to_string(n - 1) +
                 "::int OFFSET $" + std::to_string(n) + "::bigint";
  out.page.params = std::move(params);
  return out;
}

}  // namespace lg::api
