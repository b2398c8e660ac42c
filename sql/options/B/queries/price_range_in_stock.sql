-- params: price_range
-- Published, in-stock products in a price window, cheapest first. Filter and ORDER BY repeat
-- custom_posts_price_in_stock_idx's expressions and predicate exactly (::numeric, ::int).
SELECT id, "customFields"->>'sku' AS sku, title AS name, "customFields"->>'brand' AS brand,
       ("customFields"->>'price')::numeric(10, 2) AS price,
       ("customFields"->>'stock')::int AS stock
FROM loadgate_b.custom_posts
WHERE post_type_id = 1 AND status = 'publish' AND (("customFields"->>'stock')::int) > 0
  AND (("customFields"->>'price')::numeric) BETWEEN $1 AND $2
ORDER BY (("customFields"->>'price')::numeric), id
LIMIT 20;
