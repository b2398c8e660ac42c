-- params: search_words
-- Search box: websearch_to_tsquery accepts any user text (to_tsquery would raise on it).
-- The tsvector expression is custom_posts_search_idx's, computed again for ranking.
SELECT id, "customFields"->>'sku' AS sku, title AS name, "customFields"->>'brand' AS brand,
       ("customFields"->>'price')::numeric(10, 2) AS price
FROM loadgate_b.custom_posts
WHERE post_type_id = 1 AND status = 'publish'
  AND to_tsvector('english', title || ' ' || ("customFields"->>'description'))
      @@ websearch_to_tsquery('english', $1)
ORDER BY ts_rank(to_tsvector('english', title || ' ' || ("customFields"->>'description')),
                 websearch_to_tsquery('english', $1)) DESC, id
LIMIT 20;
