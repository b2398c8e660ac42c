#pragma once
// Option C's `trigger` refresh strategy (issue 6, item 3): loadgate_c.product_search_live, a
// typed copy of mv_product_search kept current by the row trigger product_search_live_sync on
// loadgate_c.custom_posts (sql/options/C/live.sql). The trigger is built disabled; these turn
// it on and off around a run.

#include "harness/db/connection.hpp"

namespace lg::db {

/// True when product_search_live matches the product posts by the cheap check: the same
/// count(*) and the same max(updated_at) as loadgate_c.product_search_live_source (the view's
/// own SELECT over custom_posts). It catches inserts and deletes (the count) and updates that
/// set updated_at to the current time (the staleness probe does, and the write mix should),
/// which is later than every generated timestamp (datagen's window ends 2026-01-01). An edit
/// that leaves updated_at alone and the row count unchanged goes unseen. Costs one scan of
/// custom_posts and of the live table (~50 ms at 100K). Throws DbError (e.g. option C not
/// built).
bool live_in_step(Connection& conn);

/// Enables product_search_live_sync, first resyncing the live table when live_in_step says it
/// is out of step (TRUNCATE, refill from product_search_live_source, ANALYZE). One
/// transaction: enabling the trigger locks custom_posts against writes until commit, so no
/// write falls between the check, the resync and the trigger taking over. Idempotent.
/// Throws DbError (the transaction is rolled back, the trigger stays as it was).
void enable_live_sync(Connection& conn);

/// Disables product_search_live_sync: writes stop paying for the live table, which then
/// falls behind until the next enable_live_sync. Throws DbError.
void disable_live_sync(Connection& conn);

}  // namespace lg::db
