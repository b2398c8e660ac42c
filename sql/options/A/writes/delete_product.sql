-- params: write_id
-- The write mix on option A's write path: delete one product (no row when already deleted).
DELETE FROM loadgate_a.products
WHERE id = $1::bigint;
