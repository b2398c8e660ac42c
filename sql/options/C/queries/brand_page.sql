-- params: brand page_offset
-- One page of a brand listing, newest first.
SELECT id, sku, name, brand, price, stock, created_at
FROM loadgate_c.mv_product_search
WHERE status = 'publish' AND brand = $1
ORDER BY created_at DESC, id DESC
LIMIT 20 OFFSET $2;
