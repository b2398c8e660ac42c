#include "catalog_api/reads.hpp"

#include <random>

#include "catalog_api/listing_sql.hpp"
#include "catalog_api/product_json.hpp"
#include "catalog_api/product_sql.hpp"

namespace lg::api {
namespace {

ListingResult query_listing(Lease& lease, const TableShape& t, const ListingRequest& r,
                            ReadSource source) {
  const ListingSql q = listing_sql(t, r);
  const PgResult rows = lease.exec(q.page);
  const PgResult count = lease.exec(q.total);
  const std::int64_t total = std::strtoll(PQgetvalue(count.get(), 0, 0), nullptr, 10);
  const std::int64_t pages = (total + r.limit - 1) / r.limit;
  nlohmann::json body = {
      {"success", true},
      {"data", product_list_json(rows.get())},
      {"meta", {{"total", total}, {"page", r.page}, {"limit", r.limit}, {"totalPages", pages}}},
  };
  return {std::move(body), source};
}

}  // namespace

bool draw_view_read(int percent) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int> d(0, 99);
  return d(rng) < percent;
}

ListingResult read_listing(AppState& app, const ListingRequest& r) {
  Lease lease = app.pool.acquire();
  const TableShape& table = write_table(app.option);
  if (app.option != Option::kC) {
    return query_listing(lease, table, r, write_table_source(app.option));
  }
  if (!draw_view_read(app.rollout_percent.load(std::memory_order_relaxed))) {
    return query_listing(lease, table, r, ReadSource::kCustomPosts);
  }
  try {
    return query_listing(lease, view_table(), r, ReadSource::kMv);
  } catch (const QueryError&) {
    // Any failure of the view (renamed, dropped, timed out, connection lost) is answered from
    // the document table; the connection is reset first if the failure broke it.
    app.metrics.count_fallback();
    lease.recover();
    return query_listing(lease, table, r, ReadSource::kFallback);
  }
}

std::optional<nlohmann::json> read_product_by_slug(AppState& app, const std::string& slug) {
  Lease lease = app.pool.acquire();
  const PgResult res = lease.exec(product_by_slug_sql(app.option, slug));
  if (PQntuples(res.get()) == 0) return std::nullopt;
  return product_json(res.get(), 0, true);
}

}  // namespace lg::api
