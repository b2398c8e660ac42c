-- params: sku
-- Product detail by SKU.
SELECT id, sku, slug, name, description, category_id, brand, price, stock, status, created_at
FROM loadgate_c.mv_product_search
WHERE sku = $1;
