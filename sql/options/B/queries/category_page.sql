-- params: category page_offset
-- One page of a category listing, newest first (custom_posts_category_listing_idx).
SELECT id, "customFields"->>'sku' AS sku, title AS name, "customFields"->>'brand' AS brand,
       ("customFields"->>'price')::numeric(10, 2) AS price,
       ("customFields"->>'stock')::int AS stock, created_at
FROM loadgate_b.custom_posts
WHERE post_type_id = 1 AND status = 'publish' AND (("customFields"->>'categoryId')::int) = $1
ORDER BY created_at DESC, id DESC
LIMIT 20 OFFSET $2;
