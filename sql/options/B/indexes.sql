-- Option B's constraint and indexes, built after the load. Queries in sql/options/B/queries must use
-- exactly these expressions: a different cast (::float8 for ::numeric) makes the planner fall
-- back to a sequential scan.
ALTER TABLE loadgate_b.custom_posts
  ADD CONSTRAINT custom_posts_post_type_fkey FOREIGN KEY (post_type_id)
  REFERENCES loadgate_b.custom_post_types (id);

-- Lookups.
CREATE UNIQUE INDEX custom_posts_slug_key ON loadgate_b.custom_posts (slug);
CREATE UNIQUE INDEX custom_posts_sku_key ON loadgate_b.custom_posts (("customFields"->>'sku'));

-- Listings and filters (partial on published products, like option A's).
CREATE INDEX custom_posts_category_listing_idx ON loadgate_b.custom_posts
  ((("customFields"->>'categoryId')::int), created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX custom_posts_brand_listing_idx ON loadgate_b.custom_posts
  (("customFields"->>'brand'), created_at DESC, id DESC) WHERE status = 'publish';
CREATE INDEX custom_posts_price_in_stock_idx ON loadgate_b.custom_posts
  ((("customFields"->>'price')::numeric), id)
  WHERE status = 'publish' AND (("customFields"->>'stock')::int) > 0;
CREATE INDEX custom_posts_stock_in_stock_idx ON loadgate_b.custom_posts
  ((("customFields"->>'stock')::int), id)
  WHERE status = 'publish' AND (("customFields"->>'stock')::int) > 0;

-- Full text over title and description, and containment queries on the whole document.
CREATE INDEX custom_posts_search_idx ON loadgate_b.custom_posts
  USING gin (to_tsvector('english', title || ' ' || ("customFields"->>'description')));
CREATE INDEX custom_posts_fields_path_idx ON loadgate_b.custom_posts
  USING gin ("customFields" jsonb_path_ops);

-- General-purpose indexes a document store accumulates (admin lists, sorting, sync jobs);
-- they cost every write and are part of what option B is.
CREATE INDEX custom_posts_type_status_created_idx ON loadgate_b.custom_posts
  (post_type_id, status, created_at DESC);
CREATE INDEX custom_posts_status_idx ON loadgate_b.custom_posts (status);
CREATE INDEX custom_posts_created_at_idx ON loadgate_b.custom_posts (created_at DESC);
CREATE INDEX custom_posts_updated_at_idx ON loadgate_b.custom_posts (updated_at DESC);
CREATE INDEX custom_posts_price_idx ON loadgate_b.custom_posts
  ((("customFields"->>'price')::numeric));
CREATE INDEX custom_posts_stock_idx ON loadgate_b.custom_posts
  ((("customFields"->>'stock')::int));
CREATE INDEX custom_posts_category_idx ON loadgate_b.custom_posts
  ((("customFields"->>'categoryId')::int));
CREATE INDEX custom_posts_brand_idx ON loadgate_b.custom_posts (("customFields"->>'brand'));
