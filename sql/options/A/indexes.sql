-- Option A's read indexes: the same logical set as option C's view (sql/options/C/view.sql), so an A-vs-C
-- comparison measures the storage model, not index luck.
CREATE UNIQUE INDEX products_sku_key ON loadgate_a.products (sku);
CREATE UNIQUE INDEX products_slug_key ON loadgate_a.products (slug);
CREATE INDEX products_category_listing_idx ON loadgate_a.products (category_id, created_at DESC, id DESC)
  WHERE status = 'publish';
CREATE INDEX products_brand_listing_idx ON loadgate_a.products (brand, created_at DESC, id DESC)
  WHERE status = 'publish';
CREATE INDEX products_price_in_stock_idx ON loadgate_a.products (price, id)
  WHERE status = 'publish' AND stock > 0;
CREATE INDEX products_stock_in_stock_idx ON loadgate_a.products (stock, id)
  WHERE status = 'publish' AND stock > 0;
CREATE INDEX products_search_idx ON loadgate_a.products USING gin (search_vector);
