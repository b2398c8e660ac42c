-- params: slug
-- Product page by URL slug.
SELECT id, "customFields"->>'sku' AS sku, slug, title AS name,
       "customFields"->>'description' AS description,
       ("customFields"->>'categoryId')::int AS category_id, "customFields"->>'brand' AS brand,
       ("customFields"->>'price')::numeric(10, 2) AS price,
       ("customFields"->>'stock')::int AS stock, status, created_at
FROM loadgate_b.custom_posts
WHERE post_type_id = 1 AND slug = $1;
