-- Option C, write side: the same tables as option B (b.sql), in loadgate_c. Reads go to the
-- materialized view loadgate_c.mv_product_search (c_view.sql).
-- Tables only: the foreign key and secondary indexes come after the load (c_indexes.sql).
CREATE SCHEMA loadgate_c;

CREATE TABLE loadgate_c.custom_post_types (
  id int PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL
);
INSERT INTO loadgate_c.custom_post_types (id, slug, name) VALUES (1, 'product', 'Product');

CREATE TABLE loadgate_c.custom_posts (
  id bigint PRIMARY KEY,
  post_type_id int NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  "customFields" jsonb NOT NULL
);

-- One row per refresh_product_search_with_logging() call (c_view.sql).
CREATE TABLE loadgate_c.mv_refresh_log (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  duration_ms double precision NOT NULL,
  status text NOT NULL CHECK (status IN ('success', 'failure')),
  error text
);
