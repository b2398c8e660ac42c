-- params: category
-- The total behind a paginated category listing (custom_posts_category_listing_idx).
SELECT count(*) AS total
FROM loadgate_b.custom_posts
WHERE post_type_id = 1 AND status = 'publish' AND (("customFields"->>'categoryId')::int) = $1;
