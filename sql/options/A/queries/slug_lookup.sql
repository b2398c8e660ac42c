-- params: slug
-- Product page by URL slug.
SELECT id, sku, slug, name, description, category_id, brand, price, stock, status, created_at
FROM loadgate_a.products
WHERE slug = $1;
