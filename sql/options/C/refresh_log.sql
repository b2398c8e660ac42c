-- Option C's refresh log. Its write side (custom_post_types, custom_posts and their indexes) is
-- option B's, in schema loadgate_c (tables.sql, indexes.sql); reads go to the materialized view
-- loadgate_c.mv_product_search (view.sql), built after the load.

-- One row per refresh_product_search_with_logging() call (view.sql); failures are logged by
-- the refresher itself, because the function's own failure row rolls back with it.
CREATE TABLE loadgate_c.mv_refresh_log (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  duration_ms double precision NOT NULL,
  status text NOT NULL CHECK (status IN ('success', 'failure')),
  error text
);
