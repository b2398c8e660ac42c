-- params: new_product
-- The write mix on option A's write path: a new product. created_at = now() makes it the
-- newest product, first in every listing it belongs to.
INSERT INTO loadgate_a.products
  (id, sku, slug, name, description, category_id, brand, price, stock, status, created_at,
   updated_at)
VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::int, $7::text,
        $8::numeric(10, 2), $9::int, $10::text, now(), now());
