#pragma once
// The `trigger` refresh strategy (issue 6, item 3): a live table, a typed copy of an option's
// view kept current by a row trigger on its write relation (option C: product_search_live,
// product_search_live_sync on loadgate_c.custom_posts, sql/options/C/live.sql). The trigger is
// built disabled; these turn it on and off around a run. Which objects: the option's roles
// ([strategies.trigger] in its option.toml), passed as a LiveSync.

#include <string>

#include "harness/db/connection.hpp"

namespace lg::db {

/// The objects of an option's trigger strategy; relations schema-qualified, the trigger named
/// as it is on the write relation.
struct LiveSync {
  std::string write_relation;  ///< where the trigger fires, e.g. loadgate_c.custom_posts
  std::string table;           ///< the live table, e.g. loadgate_c.product_search_live
  std::string source;          ///< the view's own query, e.g. loadgate_c.product_search_live_source
  std::string sync_trigger;    ///< e.g. product_search_live_sync
};

/// True when the live table matches the write relation by the cheap check: the same count(*)
/// and the same max(updated_at) as the live source (the view's own SELECT over it). It catches
/// inserts and deletes (the count) and updates that set updated_at to the current time (the
/// staleness probe does, and the write mix should), which is later than every generated timestamp
/// (datagen's window ends 2026-01-01). An edit that leaves updated_at alone and the row count
/// unchanged goes unseen. Costs one scan of the write relation and of the live table (~50 ms at
/// 100K). Throws DbError (e.g. the option not built).
bool live_in_step(Connection& conn, const LiveSync& live);

/// Enables the sync trigger, first resyncing the live table when live_in_step says it is out
/// of step (TRUNCATE, refill from the live source, ANALYZE). One transaction: enabling the
/// trigger locks the write relation against writes until commit, so no write falls between
/// the check, the resync and the trigger taking over. Idempotent. Throws DbError (the
/// transaction is rolled back, the trigger stays as it was).
void enable_live_sync(Connection& conn, const LiveSync& live);

/// Disables the sync trigger: writes stop paying for the live table, which then falls behind
/// until the next enable_live_sync. Throws DbError.
void disable_live_sync(Connection& conn, const LiveSync& live);

}  // namespace lg::db
