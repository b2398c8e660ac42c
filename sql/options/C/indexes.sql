-- Option C's write side: option B's indexes (sql/options/B/indexes.sql) in schema loadgate_c, so that
-- the write mix pays the same cost on B and C. Keep the two files identical but for the
-- schema name (tests/unit/schema_option_test.cpp checks it).
ALTER TABLE loadgate_c.custom_posts
  ADD CONSTRAINT custom_posts_post_type_fkey FOREIGN KEY (post_type_id)
  REFERENCES loadgate_c.custom_post_types (id);

-- Lookups.
CREATE UNIQUE INDEX custom_posts_slug_key ON loadgate_c.custom_posts (slug);
CREATE UNIQUE INDEX custom_posts_sku_key ON loadgate_c.custom_posts (("customFields"->>'sku'));

-- Listings and filters (partial on published products, like option A's).
CREATE INDEX custom_posts_category_listing_idx ON loadgate_c.custom_posts
  ((("customFields"->>'categoryId')::int), created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX custom_posts_brand_listing_idx ON loadgate_c.custom_posts
  (("customFields"->>'brand'), created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX custom_posts_price_in_stock_idx ON loadgate_c.custom_posts
  ((("customFields"->>'price')::numeric), id)
  WHERE status = 'publish' AND (("customFields"->>'stock')::int) > 0;
CREATE INDEX custom_posts_stock_in_stock_idx ON loadgate_c.custom_posts
  ((("customFields"->>'stock')::int), id)
  WHERE status = 'publish' AND (("customFields"->>'stock')::int) > 0;

-- Full text over title and description, and containment queries on the whole document.
CREATE INDEX custom_posts_search_idx ON loadgate_c.custom_posts
  USING gin (to_tsvector('english', title || ' ' || ("customFields"->>'description')));
CREATE INDEX custom_posts_fields_path_idx ON loadgate_c.custom_posts
  USING gin ("customFields" jsonb_path_ops);

-- General-purpose indexes a document store accumulates (admin lists, sorting, sync jobs);
-- they cost every write and are part of what option B is.
CREATE INDEX custom_posts_type_status_created_idx ON loadgate_c.custom_posts
  (post_type_id, status, created_at DESC);
CREATE INDEX custom_posts_status_idx ON loadgate_c.custom_posts (status);
CREATE INDEX custom_posts_created_at_idx ON loadgate_c.custom_posts (created_at DESC);
CREATE INDEX custom_posts_updated_at_idx ON loadgate_c.custom_posts (updated_at DESC);
CREATE INDEX custom_posts_price_idx ON loadgate_c.custom_posts
  ((("customFields"->>'price')::numeric));
CREATE INDEX custom_posts_stock_idx ON loadgate_c.custom_posts
  ((("customFields"->>'stock')::int));
CREATE INDEX custom_posts_category_idx ON loadgate_c.custom_posts
  ((("customFields"->>'categoryId')::int));
CREATE INDEX custom_posts_brand_idx ON loadgate_c.custom_posts (("customFields"->>'brand'));
