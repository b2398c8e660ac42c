-- params: write_id write_status
-- The write mix on option C's write path: publish or unpublish one product.
UPDATE loadgate_c.custom_posts
SET status = $2::text, updated_at = now()
WHERE id = $1::bigint;
