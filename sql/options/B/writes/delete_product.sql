-- params: write_id
-- The write mix on option B's write path: delete one product (no row when already deleted).
DELETE FROM loadgate_b.custom_posts
WHERE id = $1::bigint;
