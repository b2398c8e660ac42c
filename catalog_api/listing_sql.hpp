#pragma once
// Listing SQL (page + total) for one table shape, assembled only from the fixed fragments of
// table_shape.hpp and whitelisted sort fragments; every request value is a $n parameter.

#include <optional>
#include <string>
#include <vector>

#include "catalog_api/request_params.hpp"
#include "catalog_api/table_shape.hpp"

namespace lg::api {

/// A text parameter; nullopt binds SQL NULL.
using SqlParam = std::optional<std::string>;

/// One statement and its text parameters, in $1..$n order.
struct SqlText {
  std::string sql;
  std::vector<SqlParam> params;
};

/// The two statements behind a listing response.
struct ListingSql {
  SqlText page;   ///< rows: select_list(t, false), ordered, LIMIT/OFFSET
  SqlText total;  ///< one row, one column: count(*) with the same filters
};

/// Builds the page and count statements of `r` against `t`. Only published products
/// (status = 'publish'); order is `<sort> <dir>, id <dir>` so pages are deterministic.
ListingSql listing_sql(const TableShape& t, const ListingRequest& r);

}  // namespace lg::api
