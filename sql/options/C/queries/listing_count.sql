-- params: category
-- The total behind a paginated category listing.
SELECT count(*) AS total
FROM loadgate_c.mv_product_search
WHERE status = 'publish' AND category_id = $1;
