-- params: category
-- The total behind a paginated category listing.
SELECT count(*) AS total
FROM loadgate_a.products
WHERE status = 'publish' AND category_id = $1;
