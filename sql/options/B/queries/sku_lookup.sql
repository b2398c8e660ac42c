-- params: sku
-- Product detail by SKU. WHERE uses custom_posts_sku_key's exact expression.
SELECT id, "customFields"->>'sku' AS sku, slug, title AS name,
       "customFields"->>'description' AS description,
       ("customFields"->>'categoryId')::int AS category_id, "customFields"->>'brand' AS brand,
       ("customFields"->>'price')::numeric(10, 2) AS price,
       ("customFields"->>'stock')::int AS stock, status, created_at
FROM loadgate_b.custom_posts
WHERE post_type_id = 1 AND ("customFields"->>'sku') = $1;
