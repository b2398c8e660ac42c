-- params: stock_limit
-- Published products about to sell out (in stock, at most $1 left), lowest stock first.
SELECT id, sku, name, stock, price
FROM loadgate_a.products
WHERE status = 'publish' AND stock > 0 AND stock <= $1
ORDER BY stock, id
LIMIT 20;
