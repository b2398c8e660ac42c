-- params: write_id write_status
-- The write mix on option A's write path: publish or unpublish one product.
UPDATE loadgate_a.products
SET status = $2::text, updated_at = now()
WHERE id = $1::bigint;
