-- params: write_id write_status
-- The write mix on option B's write path: publish or unpublish one product.
UPDATE loadgate_b.custom_posts
SET status = $2::text, updated_at = now()
WHERE id = $1::bigint;
