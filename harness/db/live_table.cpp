#include "harness/db/live_table.hpp"

namespace lg::db {
namespace {

void resync_if_needed(Connection& conn, const LiveSync& live) {
  if (live_in_step(conn, live)) return;
  // TRUNCATE needs the live table's exclusive lock, held to commit: readers of the table wait
  // rather than see it empty.
  conn.exec("TRUNCATE " + live.table + ";INSERT INTO " + live.table + " SELECT * FROM " +
            live.source + ";ANALYZE " + live.table);
}

}  // namespace

bool live_in_step(Connection& conn, const LiveSync& live) {
  return conn.scalar("SELECT (SELECT row(count(*), max(updated_at)) FROM " + live.source +
                     ") IS NOT DISTINCT FROM (SELECT row(count(*), max(updated_at)) FROM " +
                     live.table + ")") == "t";
}

void enable_live_sync(Connection& conn, const LiveSync& live) {
  in_transaction(conn, [&] {
    // First, so its lock on the write relation holds writers off while the check and resync
    // run.
    conn.exec("ALTER TABLE " + live.write_relation + " ENABLE TRIGGER " + live.sync_trigger);
    resync_if_needed(conn, live);
  });
}

void disable_live_sync(Connection& conn, const LiveSync& live) {
  conn.exec("ALTER TABLE " + live.write_relation + " DISABLE TRIGGER " + live.sync_trigger);
}

}  // namespace lg::db
