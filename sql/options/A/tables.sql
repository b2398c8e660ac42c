-- Option A: a dedicated, typed products table. Tables only: secondary indexes are built after
-- the load (indexes.sql), which is faster than maintaining them row by row during COPY.
CREATE SCHEMA loadgate_a;

CREATE TABLE loadgate_a.products (
  id bigint PRIMARY KEY,
  sku text NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  description text NOT NULL,
  category_id int NOT NULL,
  brand text NOT NULL,
  price numeric(10, 2) NOT NULL,
  stock int NOT NULL,
  status text NOT NULL CHECK (status IN ('publish', 'draft')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', name || ' ' || description)) STORED
);
