-- params: price_range
-- Published, in-stock products in a price window, cheapest first.
SELECT id, sku, name, brand, price, stock
FROM loadgate_c.mv_product_search
WHERE status = 'publish' AND stock > 0 AND price BETWEEN $1 AND $2
ORDER BY price, id
LIMIT 20;
