-- params: search_words
-- Search box: websearch_to_tsquery accepts any user text (to_tsquery would raise on it).
SELECT id, sku, name, brand, price
FROM loadgate_a.products
WHERE status = 'publish' AND search_vector @@ websearch_to_tsquery('english', $1)
ORDER BY ts_rank(search_vector, websearch_to_tsquery('english', $1)) DESC, id
LIMIT 20;
