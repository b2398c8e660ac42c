-- params: sku
-- Product detail by SKU.
SELECT id, sku, slug, name, description, category_id, brand, price, stock, status, created_at
FROM loadgate_a.products
WHERE sku = $1;
