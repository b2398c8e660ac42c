-- Option B: WordPress-style documents. Typed fields live in the JSONB "customFields":
-- {"sku": text, "description": text, "categoryId": int, "brand": text,
--  "price": number with 2 decimals, "stock": int}.
-- Tables only: the foreign key and secondary indexes come after the load (indexes.sql).
CREATE SCHEMA loadgate_b;

CREATE TABLE loadgate_b.custom_post_types (
  id int PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL
);
INSERT INTO loadgate_b.custom_post_types (id, slug, name) VALUES (1, 'product', 'Product');

CREATE TABLE loadgate_b.custom_posts (
  id bigint PRIMARY KEY,
  post_type_id int NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  "customFields" jsonb NOT NULL
);
