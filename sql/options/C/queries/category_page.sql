-- params: category page_offset
-- One page of a category listing, newest first.
SELECT id, sku, name, brand, price, stock, created_at
FROM loadgate_c.mv_product_search
WHERE status = 'publish' AND category_id = $1
ORDER BY created_at DESC, id DESC
LIMIT 20 OFFSET $2;
