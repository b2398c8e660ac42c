#include "harness/db/live_table.hpp"

namespace lg::db {
namespace {

constexpr std::string_view kInStepSql =
    "SELECT (SELECT row(count(*), max(updated_at)) FROM loadgate_c.product_search_live_source) "
    "IS NOT DISTINCT FROM "
    "(SELECT row(count(*), max(updated_at)) FROM loadgate_c.product_search_live)";

void resync_if_needed(Connection& conn) {
  if (live_in_step(conn)) return;
  // TRUNCATE needs the live table's exclusive lock, held to commit: readers of the table wait
  // rather than see it empty.
  conn.exec(
      "TRUNCATE loadgate_c.product_search_live;"
      "INSERT INTO loadgate_c.product_search_live "
      "SELECT * FROM loadgate_c.product_search_live_source;"
      "ANALYZE loadgate_c.product_search_live");
}

}  // namespace

bool live_in_step(Connection& conn) { return conn.scalar(kInStepSql) == "t"; }

void enable_live_sync(Connection& conn) {
  in_transaction(conn, [&] {
    // First, so its lock on custom_posts holds writers off while the check and resync run.
    conn.exec("ALTER TABLE loadgate_c.custom_posts ENABLE TRIGGER product_search_live_sync");
    resync_if_needed(conn);
  });
}

void disable_live_sync(Connection& conn) {
  conn.exec("ALTER TABLE loadgate_c.custom_posts DISABLE TRIGGER product_search_live_sync");
}

}  // namespace lg::db
