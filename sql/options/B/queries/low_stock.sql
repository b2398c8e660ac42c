-- params: stock_limit
-- Published products about to sell out, lowest stock first (custom_posts_stock_in_stock_idx).
SELECT id, "customFields"->>'sku' AS sku, title AS name,
       ("customFields"->>'stock')::int AS stock,
       ("customFields"->>'price')::numeric(10, 2) AS price
FROM loadgate_b.custom_posts
WHERE post_type_id = 1 AND status = 'publish' AND (("customFields"->>'stock')::int) > 0
  AND (("customFields"->>'stock')::int) <= $1
ORDER BY (("customFields"->>'stock')::int), id
LIMIT 20;
