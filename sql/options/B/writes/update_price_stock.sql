-- params: write_id write_price write_stock
-- The writer on option B's write path: new price and stock inside the JSONB document.
-- round(.., 2) keeps the 2-decimal scale every read formats price with.
UPDATE loadgate_b.custom_posts
SET "customFields" = jsonb_set(jsonb_set("customFields", '{price}', to_jsonb(round($2::numeric, 2))),
                               '{stock}', to_jsonb($3::int)),
    updated_at = now()
WHERE id = $1::bigint;
