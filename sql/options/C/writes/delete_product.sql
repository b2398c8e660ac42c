-- params: write_id
-- The write mix on option C's write path: delete one product (no row when already deleted).
DELETE FROM loadgate_c.custom_posts
WHERE id = $1::bigint;
