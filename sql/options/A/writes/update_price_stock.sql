-- params: write_id write_price write_stock
-- The writer on option A's write path: new price and stock of one product.
UPDATE loadgate_a.products
SET price = $2::numeric(10, 2), stock = $3::int, updated_at = now()
WHERE id = $1::bigint;
