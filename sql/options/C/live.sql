-- Option C, `trigger` refresh strategy (issue 6, item 3): instead of refreshing
-- mv_product_search, a typed read table is kept current by a row trigger on custom_posts, in
-- the writing transaction (the denormalization guide's answer for real-time data). Staleness is
-- zero; the cost moves onto every write. Applied after view.sql, so the view exists and is
-- fresh.

-- The view's rows, recomputed from custom_posts. The SELECT is taken from the view's own
-- definition, so the trigger, the resync (harness/db/live_table.cpp) and the view cannot
-- extract or cast a field differently.
DO $do$
BEGIN
  EXECUTE 'CREATE VIEW loadgate_c.product_search_live_source AS '
          || pg_get_viewdef('loadgate_c.mv_product_search'::regclass);
END;
$do$;

-- Same columns, order and types as mv_product_search (reads written for the view run on it
-- unchanged), nullable like the view's. Filled from the fresh view, the indexes built after
-- the fill, which is faster than maintaining them row by row.
CREATE TABLE loadgate_c.product_search_live (
  id bigint NOT NULL,
  sku text,
  slug text,
  name text,
  description text,
  category_id int,
  brand text,
  price numeric(10, 2),
  stock int,
  status text,
  created_at timestamptz,
  updated_at timestamptz,
  search_vector tsvector
);
INSERT INTO loadgate_c.product_search_live SELECT * FROM loadgate_c.mv_product_search;

-- The view's indexes (view.sql); the primary key takes the place of its unique index on id
-- and is the upsert's conflict target.
ALTER TABLE loadgate_c.product_search_live
  ADD CONSTRAINT product_search_live_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX product_search_live_sku_key ON loadgate_c.product_search_live (sku);
CREATE UNIQUE INDEX product_search_live_slug_key ON loadgate_c.product_search_live (slug);
CREATE INDEX product_search_live_category_listing_idx ON loadgate_c.product_search_live
  (category_id, created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX product_search_live_brand_listing_idx ON loadgate_c.product_search_live
  (brand, created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX product_search_live_price_in_stock_idx ON loadgate_c.product_search_live (price, id)
  WHERE status = 'publish' AND stock > 0;
CREATE INDEX product_search_live_stock_in_stock_idx ON loadgate_c.product_search_live (stock, id)
  WHERE status = 'publish' AND stock > 0;
CREATE INDEX product_search_live_search_idx ON loadgate_c.product_search_live
  USING gin (search_vector);

-- Row trigger body. The new row is read back through product_search_live_source (a primary-key
-- probe; an AFTER trigger sees its statement's changes), so a post that is not, or is no
-- longer, a product yields no row and is removed. Changes to custom_post_types itself are not
-- tracked: only custom_posts has the trigger.
CREATE FUNCTION loadgate_c.sync_product_search_live()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
    -- Kept when the same statement gave OLD.id to another post: that row's call syncs it.
    DELETE FROM loadgate_c.product_search_live l
    WHERE l.id = OLD.id
      AND NOT EXISTS (SELECT 1 FROM loadgate_c.product_search_live_source s WHERE s.id = OLD.id);
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN NULL;
  END IF;
  INSERT INTO loadgate_c.product_search_live AS l
  SELECT * FROM loadgate_c.product_search_live_source s WHERE s.id = NEW.id
  ON CONFLICT (id) DO UPDATE SET
    (sku, slug, name, description, category_id, brand, price, stock, status, created_at,
     updated_at, search_vector) =
    (EXCLUDED.sku, EXCLUDED.slug, EXCLUDED.name, EXCLUDED.description, EXCLUDED.category_id,
     EXCLUDED.brand, EXCLUDED.price, EXCLUDED.stock, EXCLUDED.status, EXCLUDED.created_at,
     EXCLUDED.updated_at, EXCLUDED.search_vector);
  IF NOT FOUND THEN
    DELETE FROM loadgate_c.product_search_live WHERE id = NEW.id;
  END IF;
  RETURN NULL;
END;
$fn$;

-- Created disabled (like mv_refresh_enqueue) so the other strategies' writes pay nothing;
-- db::enable_live_sync resyncs the table if needed and enables it for a `trigger` run,
-- db::disable_live_sync turns it off again.
CREATE TRIGGER product_search_live_sync
AFTER INSERT OR UPDATE OR DELETE ON loadgate_c.custom_posts
FOR EACH ROW EXECUTE FUNCTION loadgate_c.sync_product_search_live();
ALTER TABLE loadgate_c.custom_posts DISABLE TRIGGER product_search_live_sync;
