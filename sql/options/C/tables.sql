-- Option C's write side: option B's tables (sql/options/B/tables.sql) in schema loadgate_c, so that
-- the write mix pays the same cost on B and C. Keep the two files identical but for the
-- schema name (tests/unit/schema_option_test.cpp checks it).
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
