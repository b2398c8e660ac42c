-- params: new_product
-- The write mix on option B's write path: a new product under post type 1 ('product', the
-- only one, as the loader stores every product). "customFields" carries exactly the keys and
-- JSON types datagen/copy_loader.cpp writes (sku, description, brand: strings; categoryId,
-- stock: integers; price: a number with 2 decimals), so reads of the new row answer as on
-- option A. created_at = now() makes it the newest product, first in every listing.
INSERT INTO loadgate_b.custom_posts
  (id, post_type_id, slug, title, status, created_at, updated_at, "customFields")
VALUES ($1::bigint, 1, $3::text, $4::text, $10::text, now(), now(),
        jsonb_build_object('sku', $2::text, 'description', $5::text, 'categoryId', $6::int,
                           'brand', $7::text, 'price', round($8::numeric, 2),
                           'stock', $9::int));
