-- Option C, read side: a materialized view that pre-extracts and casts the JSONB fields of
-- loadgate_c.custom_posts into typed columns named and typed like option A's products, with
-- the same logical read indexes as option A (sql/options/A/indexes.sql).
CREATE MATERIALIZED VIEW loadgate_c.mv_product_search AS
SELECT p.id,
       p."customFields"->>'sku' AS sku,
       p.slug,
       p.title AS name,
       p."customFields"->>'description' AS description,
       (p."customFields"->>'categoryId')::int AS category_id,
       p."customFields"->>'brand' AS brand,
       (p."customFields"->>'price')::numeric(10, 2) AS price,
       (p."customFields"->>'stock')::int AS stock,
       p.status,
       p.created_at,
       p.updated_at,
       to_tsvector('english', p.title || ' ' || (p."customFields"->>'description')) AS search_vector
FROM loadgate_c.custom_posts p
JOIN loadgate_c.custom_post_types t ON t.id = p.post_type_id
WHERE t.slug = 'product'
WITH DATA;

-- REFRESH ... CONCURRENTLY requires a unique index on plain columns covering all rows.
CREATE UNIQUE INDEX mv_product_search_id_key ON loadgate_c.mv_product_search (id);

CREATE UNIQUE INDEX mv_product_search_sku_key ON loadgate_c.mv_product_search (sku);
CREATE UNIQUE INDEX mv_product_search_slug_key ON loadgate_c.mv_product_search (slug);
CREATE INDEX mv_product_search_category_listing_idx ON loadgate_c.mv_product_search
  (category_id, created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX mv_product_search_brand_listing_idx ON loadgate_c.mv_product_search
  (brand, created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX mv_product_search_price_in_stock_idx ON loadgate_c.mv_product_search (price, id)
  WHERE status = 'publish' AND stock > 0;
CREATE INDEX mv_product_search_stock_in_stock_idx ON loadgate_c.mv_product_search (stock, id)
  WHERE status = 'publish' AND stock > 0;
CREATE INDEX mv_product_search_search_idx ON loadgate_c.mv_product_search
  USING gin (search_vector);

-- Refreshes the view concurrently (reads go on) and returns the duration in milliseconds.
-- Each call appends a row to mv_refresh_log. On failure the error is logged and re-raised so
-- the caller sees it; PostgreSQL functions cannot commit on their own, so the re-raise also
-- rolls the 'failure' row back: a caller that wants failures kept must log them itself.
CREATE FUNCTION loadgate_c.refresh_product_search_with_logging()
RETURNS double precision
LANGUAGE plpgsql
AS $fn$
DECLARE
  started timestamptz := clock_timestamp();
  finished timestamptz;
  elapsed_ms double precision;
BEGIN
  BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY loadgate_c.mv_product_search;
  EXCEPTION WHEN OTHERS THEN
    finished := clock_timestamp();
    INSERT INTO loadgate_c.mv_refresh_log (started_at, finished_at, duration_ms, status, error)
    VALUES (started, finished, extract(epoch FROM finished - started) * 1000.0, 'failure',
            SQLSTATE || ': ' || SQLERRM);
    RAISE;
  END;
  finished := clock_timestamp();
  elapsed_ms := extract(epoch FROM finished - started) * 1000.0;
  INSERT INTO loadgate_c.mv_refresh_log (started_at, finished_at, duration_ms, status)
  VALUES (started, finished, elapsed_ms, 'success');
  RETURN elapsed_ms;
END;
$fn$;

-- The debounced refresh strategy (as the denormalization guide's mv_refresh_queue): every
-- statement that writes custom_posts enqueues one row; a worker refreshes at most once per
-- window while the queue is non-empty, then clears what it covered. The trigger is created
-- disabled so the other strategies' writes pay nothing; the refresher enables it for a
-- debounced run and disables it afterwards.
CREATE TABLE loadgate_c.mv_refresh_queue (
  id bigserial PRIMARY KEY,
  enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION loadgate_c.enqueue_mv_refresh()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  INSERT INTO loadgate_c.mv_refresh_queue DEFAULT VALUES;
  RETURN NULL;
END;
$fn$;

CREATE TRIGGER mv_refresh_enqueue
AFTER INSERT OR UPDATE OR DELETE ON loadgate_c.custom_posts
FOR EACH STATEMENT EXECUTE FUNCTION loadgate_c.enqueue_mv_refresh();
ALTER TABLE loadgate_c.custom_posts DISABLE TRIGGER mv_refresh_enqueue;
